// SPDX-License-Identifier: GPL-2.0
/*
 * Raw bytes as JSON through BTF, one function per BTF kind (render.h):
 * integers and bit-fields, enums by name, structs and unions by member,
 * arrays, char arrays as strings, DATASECs as named variables; pointers
 * are render_ptr.c's.
 */
#include <ctype.h>
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render.h"
#include "render_priv.h"

static void render_error(struct render *r, const char *what)
{
	json_obj(r->g);
	json_kstr(r->g, "error", what);
	json_obj_end(r->g);
}

static void render_int_bits(struct render *r, const struct btf_type *t,
			    const uint8_t *data, uint32_t bit_off, uint32_t bits)
{
	enum render_int_as as = render_int_as(t, bits);
	uint64_t v;

	if (as == RENDER_INT_HEX) {
		json_hex(r->g, data + bit_off / 8, (bits + 7) / 8);
		return;
	}
	v = render_int_value(data, bit_off, bits, as == RENDER_INT_SIGNED);
	if (as == RENDER_INT_BOOL)
		json_bool(r->g, v != 0);
	else if (as == RENDER_INT_SIGNED)
		json_int(r->g, (int64_t)v);
	else
		json_uint(r->g, v);
}

static void render_int(struct render *r, const struct btf_type *t, const uint8_t *data)
{
	if (!render_int_fits(t)) {
		json_hex(r->g, data, t->size);
		return;
	}
	render_int_bits(r, t, data, btf_int_offset(t), btf_int_bits(t));
}

static void render_enum(struct render *r, const struct btf_type *t, const uint8_t *data)
{
	bool is_signed = btf_kflag(t);
	int64_t v = 0;
	uint16_t i, n = btf_vlen(t);
	const char *name;
	uint64_t raw = 0;

	if (!render_enum_sized(t)) {
		json_hex(r->g, data, t->size);
		return;
	}
	memcpy(&raw, data, t->size);	/* little-endian, any alignment */
	v = (int64_t)raw;
	if (is_signed && t->size < 8 && (raw & (1ull << (8 * t->size - 1))))
		v = (int64_t)(raw | (~0ull << (8 * t->size)));
	for (i = 0; i < n; i++) {
		if (render_enumerator(r->btf, t, i, &name) == v) {
			json_str(r->g, name ?: "");
			return;
		}
	}
	if (is_signed)
		json_int(r->g, v);
	else
		json_uint(r->g, raw);
}

/*
 * An array of whole integers of 1, 2, 4 or 8 bytes (not bool), its type
 * resolved once rather than per element. Not when a u64 may be an arena
 * pointer the capture inferred (r->base): render() looks at each of those.
 */
static bool render_int_array(struct render *r, uint32_t elem, const uint8_t *data,
			     uint32_t n)
{
	const struct btf_type *t = render_plain_int(r->btf, elem);
	uint32_t bits, i;
	bool sgn;
	uint64_t v;

	if (!t || (r->base && t->size == 8))
		return false;
	sgn = btf_int_encoding(t) & BTF_INT_SIGNED;
	bits = t->size * 8;
	json_arr(r->g);
	if (r->compact) {
		/* the elements as one token: its digits and commas (json.c) */
		struct json_ints ints;

		json_ints_begin(&ints, r->g);
		for (i = 0; i < n; i++)
			json_ints_add(&ints, render_int_value(data + (size_t)i * t->size, 0, bits, sgn), sgn);
		json_ints_end(&ints);
		json_arr_end(r->g);
		return true;
	}
	for (i = 0; i < n; i++) {
		v = render_int_value(data + (size_t)i * t->size, 0, bits, sgn);
		if (sgn)
			json_int(r->g, (int64_t)v);
		else
			json_uint(r->g, v);
	}
	json_arr_end(r->g);
	return true;
}

static void render_array(struct render *r, const struct btf_type *t,
			 const uint8_t *data, int depth)
{
	const struct btf_array *a = btf_array(t);
	int64_t esz = btf__resolve_size(r->btf, a->type);
	const char *err = render_array_error(a, esz);
	size_t len;
	uint32_t i;

	if (err) {
		render_error(r, err);
		return;
	}
	if (render_is_char(r->btf, a->type) && render_holds_text(data, a->nelems, &len)) {
		json_strn(r->g, data, len);
		return;
	}
	if (render_int_array(r, a->type, data, a->nelems))
		return;
	json_arr(r->g);
	for (i = 0; i < a->nelems; i++)
		render_type(r, a->type, data + i * esz, esz, depth + 1);
	json_arr_end(r->g);
}

static void render_members(struct render *r, const struct btf_type *t,
			   const uint8_t *data, size_t size, int depth)
{
	uint16_t i, n = btf_vlen(t);
	struct render_member rm;

	for (i = 0; i < n; i++) {
		render_member_of(r->btf, t, i, size, depth, &rm);
		if (rm.as == RENDER_MEMBER_SKIP)
			continue;
		if (rm.as == RENDER_MEMBER_INLINE) {
			render_members(r, rm.mt, data + rm.off / 8, rm.mt->size, depth + 1);
			continue;
		}
		json_key(r->g, rm.name);
		/* bpftool writes a bit-field of at most 64 bits as hex */
		if (r->bpftool && rm.bits && rm.nr_bits <= 64 &&
		    (rm.as == RENDER_MEMBER_BITS_INT || rm.as == RENDER_MEMBER_BITS_ENUM)) {
			char hex[24];

			snprintf(hex, sizeof(hex), "0x%" PRIx64, render_read_bits(data, rm.off, rm.bits));
			json_str(r->g, hex);
			continue;
		}
		switch (rm.as) {
		case RENDER_MEMBER_BITS_INT:
			render_int_bits(r, rm.mt, data, rm.off, rm.nr_bits);
			break;
		case RENDER_MEMBER_BITS_ENUM:
			json_uint(r->g, render_read_bits(data, rm.off, rm.nr_bits));
			break;
		case RENDER_MEMBER_WHOLE:
			render_type(r, rm.type, data + rm.off / 8, rm.size, depth + 1);
			break;
		case RENDER_MEMBER_UNALIGNED:
			render_error(r, "unaligned member");
			break;
		default:
			render_error(r, "member outside its struct");
			break;
		}
	}
}

/*
 * A struct whose members are all whole integers (the counters most maps
 * hold), in a compact document: the first name as a key, then the rest of
 * its members as one token after it, digits, commas and quoted names
 * (yajl writes a number's text as given). Not when a u64 may be an arena
 * pointer the capture inferred (r->base), nor for names that would need
 * escaping.
 */
static bool render_int_struct(struct render *r, const struct btf_type *t,
			      const uint8_t *data, size_t size)
{
	const struct btf_member *m = btf_members(t);
	uint16_t i, n = btf_vlen(t);
	const struct btf_type *mt;
	char buf[JSON_INTS_BUF];
	const char *name, *first = NULL;
	size_t len = 0, l;
	uint32_t off;
	uint64_t v;
	bool sgn;

	if (!r->compact || !n)
		return false;
	for (i = 0; i < n; i++, m++) {
		off = btf_member_bit_offset(t, i);
		name = btf__name_by_offset(r->btf, m->name_off) ?: "";
		mt = render_plain_int(r->btf, m->type);
		if (!mt || btf_member_bitfield_size(t, i) || off % 8 || !render_plain_name(name) ||
		    (uint64_t)off / 8 + mt->size > size || (r->base && mt->size == 8))
			return false;
		if (strlen(name) + 28 > sizeof(buf) - len)
			return false;
		sgn = btf_int_encoding(mt) & BTF_INT_SIGNED;
		v = render_int_value(data + off / 8, 0, mt->size * 8, sgn);
		if (!first) {
			first = name;
		} else {
			l = strlen(name);
			buf[len++] = ',';
			buf[len++] = '"';
			memcpy(buf + len, name, l);
			len += l;
			buf[len++] = '"';
			buf[len++] = ':';
		}
		len = json_put_int(buf + len, v, sgn) - buf;
	}
	json_obj(r->g);
	json_key(r->g, first);
	yajl_gen_number(r->g, buf, len);
	json_obj_end(r->g);
	return true;
}

static void render_struct(struct render *r, const struct btf_type *t,
			  const uint8_t *data, size_t size, int depth)
{
	if (render_int_struct(r, t, data, size))
		return;
	json_obj(r->g);
	render_members(r, t, data, size, depth);
	json_obj_end(r->g);
}

/* A global section: its variables by name (a map's .bss, .data, ...). */
static void render_datasec(struct render *r, const struct btf_type *t,
			   const uint8_t *data, size_t size, int depth)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(t);
	uint16_t i, n = btf_vlen(t);

	json_obj(r->g);
	for (i = 0; i < n; i++, v++) {
		const struct btf_type *var = btf__type_by_id(r->btf, v->type);

		if (!var || v->offset > size || v->size > size - v->offset)
			continue;
		json_key(r->g, render_name_of(r->btf, var));
		render_type(r, btf_is_var(var) ? var->type : v->type, data + v->offset,
		       v->size, depth + 1);
	}
	json_obj_end(r->g);
}

static void render_float(struct render *r, const struct btf_type *t, const uint8_t *data)
{
	float f;
	double d;

	if (t->size == 4) {
		memcpy(&f, data, 4);
		json_double(r->g, f);
	} else if (t->size == 8) {
		memcpy(&d, data, 8);
		json_double(r->g, d);
	} else {
		json_hex(r->g, data, t->size);
	}
}

void render_type(struct render *r, uint32_t id, const uint8_t *data, size_t size, int depth)
{
	int32_t rid = render_skip_mods(r->btf, id);
	const struct btf_type *t = rid <= 0 ? NULL : btf__type_by_id(r->btf, rid);
	int64_t need;

	if (!t) {
		render_error(r, "unknown type");
		return;
	}
	if (btf_is_fwd(t)) {
		render_error(r, "incomplete type (forward declaration)");
		return;
	}
	if (depth > RENDER_MAX_DEPTH) {
		render_error(r, "nested too deeply");
		return;
	}
	need = btf_is_datasec(t) ? 0 : btf__resolve_size(r->btf, rid);
	if (need < 0 || (size_t)need > size) {
		json_hex(r->g, data, size);
		return;
	}
	if (r->base && btf_is_int(t) && t->size == 8 && data >= r->base &&
	    r->mem->inferred(r->mem->ctx, r->map_index, (uint32_t)(data - r->base))) {
		render_inferred(r, data, depth);
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT: render_int(r, t, data); break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: render_enum(r, t, data); break;
	case BTF_KIND_FLOAT: render_float(r, t, data); break;
	case BTF_KIND_PTR: render_ptr(r, t, data, need, depth); break;
	case BTF_KIND_ARRAY: render_array(r, t, data, depth); break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: render_struct(r, t, data, need, depth); break;
	case BTF_KIND_DATASEC: render_datasec(r, t, data, size, depth); break;
	default: json_hex(r->g, data, size); break;
	}
}

void render_cpulist(const uint8_t *bits, uint32_t nr_bits, char *buf, size_t len)
{
	size_t o = 0;
	uint32_t i = 0, start;

	buf[0] = '\0';
	while (i < nr_bits) {
		if (!(bits[i / 8] & (1u << (i % 8)))) {
			i++;
			continue;
		}
		start = i;
		while (i < nr_bits && (bits[i / 8] & (1u << (i % 8))))
			i++;
		if (o + 24 >= len)
			break;
		o += snprintf(buf + o, len - o, start + 1 == i ? "%s%u" : "%s%u-%u",
			      o ? "," : "", start, i - 1);
	}
}

void render_value_map(yajl_gen g, const struct btf *btf, uint32_t type_id,
		      const void *data, size_t size, const struct render_mem *mem,
		      uint32_t map_index)
{
	/* seen[] is filled as pointees are met: only its count is set here */
	struct render r;

	r.nr_seen = 0;
	r.bpftool = false;
	r.compact = json_compact(g);
	r.g = g;
	r.btf = btf;
	r.mem = mem;
	r.map_index = map_index;
	r.base = mem && mem->inferred && map_index != UINT32_MAX ? data : NULL;
	render_type(&r, type_id, data, size, 0);
}

void render_value_mem(yajl_gen g, const struct btf *btf, uint32_t type_id,
		      const void *data, size_t size, const struct render_mem *mem)
{
	render_value_map(g, btf, type_id, data, size, mem, UINT32_MAX);
}

/*
 * As bpftool's BTF dumper (tools/bpf/bpftool/btf_dumper.c) writes what it
 * writes otherwise than decode: bit-fields as hex strings ("0x5"),
 * pointers as unsigned numbers. No pointer is followed.
 */
void render_value_bpftool(yajl_gen g, const struct btf *btf, uint32_t type_id,
			  const void *data, size_t size)
{
	struct render r = { .g = g, .btf = btf, .map_index = UINT32_MAX, .bpftool = true,
			    .compact = json_compact(g) };

	render_type(&r, type_id, data, size, 0);
}

void render_value(yajl_gen g, const struct btf *btf, uint32_t type_id,
		  const void *data, size_t size)
{
	render_value_mem(g, btf, type_id, data, size, NULL);
}

static void type_name(const struct btf *btf, uint32_t id, char *buf, size_t len,
		      int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *kw = "";
	char inner[128];

	if (!id || !t || depth > RENDER_MAX_DEPTH) {
		snprintf(buf, len, id ? "?" : "void");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		type_name(btf, t->type, inner, sizeof(inner), depth + 1);
		snprintf(buf, len, "%s *", inner);
		return;
	case BTF_KIND_ARRAY:
		type_name(btf, btf_array(t)->type, inner, sizeof(inner), depth + 1);
		snprintf(buf, len, "%s[%u]", inner, btf_array(t)->nelems);
		return;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		type_name(btf, t->type, buf, len, depth + 1);
		return;
	case BTF_KIND_STRUCT: kw = "struct "; break;
	case BTF_KIND_UNION: kw = "union "; break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: kw = "enum "; break;
	default: break;
	}
	snprintf(buf, len, "%s%s", kw, *render_name_of(btf, t) ? render_name_of(btf, t) : "(anon)");
}

void render_type_name(const struct btf *btf, uint32_t id, char *buf, size_t len)
{
	type_name(btf, id, buf, len, 0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled renderers (plan.h). The compiler follows render.c's walk of a
 * type step by step and gives up (NULL: render.c writes the bytes)
 * wherever render.c would write anything but plain values: an error
 * object, hex, a pointer, a float, a name that needs escaping. What it
 * does not give up on, it writes as render.c's compact output does:
 * structs and unions as objects of their named members (anonymous ones
 * inlined), arrays as arrays, char arrays as a string when they hold text,
 * enums by name. The tests compare both renderers' output on every dump
 * they have (SCXDUMP_NO_PLAN turns the plans off).
 */
#include <endian.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "json.h"
#include "plan.h"

/* A plan longer than this, or deeper, is render.c's: it would gain little. */
#define PLAN_MAX_STEPS	4096
#define PLAN_MAX_DEPTH	16
#define PLAN_MAX_TEXT	(1u << 20)
#define PLAN_MAX_LEN	(16u << 20)	/* the text of one value */

enum plan_kind {
	PLAN_TEXT,	/* n bytes of text at aux */
	PLAN_INT,	/* n bits at bit_off past off, signed when sgn */
	PLAN_WHOLE,	/* a whole integer of esz bytes at off */
	PLAN_BOOL,	/* the same, true when not 0 */
	PLAN_ENUM,	/* n bytes at off: the name of its enumerator, else the number */
	PLAN_CHARS,	/* n chars at off: a string when they hold text, else numbers */
	PLAN_INTS,	/* n integers of esz bytes at off */
};

struct plan_step {
	uint8_t kind;
	bool sgn;
	uint8_t esz;
	uint32_t off, bit_off, n;
	uint32_t aux, nr_aux;	/* PLAN_TEXT: its text; PLAN_ENUM: its enumerators */
};

struct plan_enumerator {
	int64_t v;
	uint32_t text, len;	/* its name, quoted, in the plan's text */
};

struct plan {
	struct plan_step *steps;
	size_t nr, cap;
	char *text;
	size_t text_len, text_cap;
	struct plan_enumerator *enums;
	size_t nr_enums, enums_cap;
	size_t max_len;
};

struct plan_compiler {
	const struct btf *btf;
	const struct render_mem *mem;	/* with a map index: u64s it infers are render.c's */
	uint32_t map_index;
	struct plan *p;
};

static bool add_text(struct plan *p, const char *s, size_t len)
{
	struct plan_step *last = p->nr ? &p->steps[p->nr - 1] : NULL;

	if (p->text_len + len > PLAN_MAX_TEXT ||
	    !array_grow(&p->text, &p->text_cap, p->text_len + len, 1))
		return false;
	memcpy(p->text + p->text_len, s, len);
	p->max_len += len;
	if (last && last->kind == PLAN_TEXT && last->aux + last->n == p->text_len) {
		last->n += len;
		p->text_len += len;
		return true;
	}
	if (p->nr >= PLAN_MAX_STEPS || !array_grow(&p->steps, &p->cap, p->nr + 1, sizeof(*last)))
		return false;
	p->steps[p->nr++] = (struct plan_step){ .kind = PLAN_TEXT, .aux = p->text_len, .n = len };
	p->text_len += len;
	return true;
}

static bool add_step(struct plan *p, struct plan_step s, size_t max_len)
{
	if (p->nr >= PLAN_MAX_STEPS || !array_grow(&p->steps, &p->cap, p->nr + 1, sizeof(s)))
		return false;
	p->steps[p->nr++] = s;
	p->max_len += max_len;
	return true;
}

/* Is the u64 at @off one render.c follows as a pointer? */
static bool inferred(const struct plan_compiler *pc, uint32_t off)
{
	const struct render_mem *m = pc->mem;

	return m && m->inferred && pc->map_index != UINT32_MAX &&
	       m->inferred(m->ctx, pc->map_index, off);
}

/* An integer (or bool) of @bits bits at bit @bit_off past byte @off. */
static bool compile_bits(struct plan_compiler *pc, const struct btf_type *t, uint32_t off,
			 uint32_t bit_off, uint32_t bits)
{
	enum render_int_as as = render_int_as(t, bits);

	if (as == RENDER_INT_HEX)
		return false;		/* hex */
	if (as == RENDER_INT_BOOL)
		return add_step(pc->p, (struct plan_step){ .kind = PLAN_BOOL, .off = off,
				.bit_off = bit_off, .n = bits }, 5);
	if (bit_off % 8 == 0 && (bits == 8 || bits == 16 || bits == 32 || bits == 64))
		return add_step(pc->p, (struct plan_step){ .kind = PLAN_WHOLE,
				.off = off + bit_off / 8, .esz = bits / 8,
				.sgn = as == RENDER_INT_SIGNED }, 21);
	return add_step(pc->p, (struct plan_step){ .kind = PLAN_INT, .off = off,
			.bit_off = bit_off, .n = bits, .sgn = as == RENDER_INT_SIGNED }, 21);
}

static bool compile_enum(struct plan_compiler *pc, const struct btf_type *t, uint32_t off)
{
	struct plan *p = pc->p;
	bool sgn = btf_kflag(t);
	uint16_t i, n = btf_vlen(t);
	size_t longest = 21, len;
	uint32_t first = p->nr_enums;
	const char *name;
	int64_t v;

	if (!render_enum_sized(t))
		return false;		/* hex */
	for (i = 0; i < n; i++) {
		v = render_enumerator(pc->btf, t, i, &name);
		if (!name || !render_plain_name(name) ||
		    !array_grow(&p->enums, &p->enums_cap, p->nr_enums + 1, sizeof(*p->enums)))
			return false;
		len = strlen(name);
		p->enums[p->nr_enums++] = (struct plan_enumerator){ .v = v, .text = p->text_len,
								  .len = len + 2 };
		/* the quoted name, kept in the text but not a step of it */
		if (p->text_len + len + 2 > PLAN_MAX_TEXT ||
		    !array_grow(&p->text, &p->text_cap, p->text_len + len + 2, 1))
			return false;
		p->text[p->text_len] = '"';
		memcpy(p->text + p->text_len + 1, name, len);
		p->text[p->text_len + len + 1] = '"';
		p->text_len += len + 2;
		if (len + 2 > longest)
			longest = len + 2;
	}
	return add_step(p, (struct plan_step){ .kind = PLAN_ENUM, .off = off, .n = t->size,
			.sgn = sgn, .aux = first, .nr_aux = n }, longest);
}

static bool compile_type(struct plan_compiler *pc, uint32_t id, uint32_t off, size_t size,
			 int depth);

static bool compile_array(struct plan_compiler *pc, const struct btf_type *t, uint32_t off,
			  int depth)
{
	const struct btf_array *a = btf_array(t);
	int64_t esz = btf__resolve_size(pc->btf, a->type);
	const struct btf_type *et;
	uint32_t i;

	if (render_array_error(a, esz))
		return false;		/* an error object */
	et = render_plain_int(pc->btf, a->type);
	if (render_is_char(pc->btf, a->type))
		return et && add_step(pc->p, (struct plan_step){ .kind = PLAN_CHARS, .off = off,
				      .n = a->nelems, .esz = 1, .sgn = btf_int_encoding(et) & BTF_INT_SIGNED },
				      2 + 5 * (size_t)a->nelems);
	if (et) {
		for (i = 0; et->size == 8 && i < a->nelems; i++) {
			if (inferred(pc, off + i * 8))
				return false;
		}
		return add_step(pc->p, (struct plan_step){ .kind = PLAN_INTS, .off = off,
				.n = a->nelems, .esz = et->size,
				.sgn = btf_int_encoding(et) & BTF_INT_SIGNED },
				2 + 21 * (size_t)a->nelems);
	}
	if (a->nelems > PLAN_MAX_STEPS || !add_text(pc->p, "[", 1))
		return false;
	for (i = 0; i < a->nelems; i++) {
		if ((i && !add_text(pc->p, ",", 1)) ||
		    !compile_type(pc, a->type, off + i * (uint32_t)esz, esz, depth + 1))
			return false;
	}
	return add_text(pc->p, "]", 1);
}

/* The members of @t (@size bytes at @off), as render.c's render_members(). */
static bool compile_members(struct plan_compiler *pc, const struct btf_type *t, uint32_t off,
			    size_t size, int depth, bool *first)
{
	uint16_t i, n = btf_vlen(t);
	struct render_member rm;

	for (i = 0; i < n; i++) {
		render_member_of(pc->btf, t, i, size, depth, &rm);
		if (rm.as == RENDER_MEMBER_SKIP)
			continue;
		if (rm.as == RENDER_MEMBER_INLINE) {
			if (!compile_members(pc, rm.mt, off + rm.off / 8, rm.mt->size, depth + 1,
					     first))
				return false;
			continue;
		}
		if (!render_plain_name(rm.name) || (!*first && !add_text(pc->p, ",", 1)) ||
		    !add_text(pc->p, "\"", 1) || !add_text(pc->p, rm.name, strlen(rm.name)) ||
		    !add_text(pc->p, "\":", 2))
			return false;
		*first = false;
		switch (rm.as) {
		case RENDER_MEMBER_BITS_INT:
			if (!compile_bits(pc, rm.mt, off, rm.off, rm.nr_bits))
				return false;
			break;
		case RENDER_MEMBER_BITS_ENUM:
			if (!add_step(pc->p, (struct plan_step){ .kind = PLAN_INT, .off = off,
				      .bit_off = rm.off, .n = rm.nr_bits }, 21))
				return false;
			break;
		case RENDER_MEMBER_WHOLE:
			if (!compile_type(pc, rm.type, off + rm.off / 8, rm.size, depth + 1))
				return false;
			break;
		default:
			return false;	/* an error object */
		}
	}
	return true;
}

static bool compile_type(struct plan_compiler *pc, uint32_t id, uint32_t off, size_t size,
			 int depth)
{
	int32_t rid = render_skip_mods(pc->btf, id);
	const struct btf_type *t = rid > 0 ? btf__type_by_id(pc->btf, rid) : NULL;
	bool first = true;
	int64_t need;

	if (!t || depth > PLAN_MAX_DEPTH || btf_is_fwd(t) || btf_is_datasec(t))
		return false;
	need = btf__resolve_size(pc->btf, rid);
	if (need < 0 || (size_t)need > size)
		return false;		/* hex */
	if (btf_is_int(t) && t->size == 8 && inferred(pc, off))
		return false;		/* a pointer */
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (!render_int_fits(t))
			return false;
		return compile_bits(pc, t, off, btf_int_offset(t), btf_int_bits(t));
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return compile_enum(pc, t, off);
	case BTF_KIND_ARRAY:
		return compile_array(pc, t, off, depth);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return add_text(pc->p, "{", 1) &&
		       compile_members(pc, t, off, need, depth, &first) &&
		       add_text(pc->p, "}", 1);
	default:
		return false;		/* pointers, floats, ...: render.c's */
	}
}

static void plan_free(struct plan *p)
{
	if (!p)
		return;
	free(p->steps);
	free(p->text);
	free(p->enums);
	free(p);
}

static struct plan *plan_compile(const struct btf *btf, uint32_t type_id, uint32_t size,
				 const struct render_mem *mem, uint32_t map_index)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct plan_compiler pc = { .btf = btf, .mem = mem, .map_index = map_index, .p = p };
	bool ok;

	if (!p)
		return NULL;
	if (btf)
		ok = compile_type(&pc, type_id, 0, size, 0);
	else	/* typed.c's typed_untyped(): a number when it has a number's size */
		ok = (size == 1 || size == 2 || size == 4 || size == 8) &&
		     add_step(p, (struct plan_step){ .kind = PLAN_WHOLE, .esz = size }, 21);
	if (!ok || p->max_len > PLAN_MAX_LEN) {
		plan_free(p);
		return NULL;
	}
	return p;
}

void plan_cache_init(struct plan_cache *c)
{
	const char *off = getenv("SCXDUMP_NO_PLAN");

	memset(c, 0, sizeof(*c));
	c->off = off && *off && strcmp(off, "0");
}

struct plan_cache_slot {
	const struct btf *btf;	/* NULL: no BTF, a number of size bytes */
	uint32_t type_id, size, map_index;
	struct plan *plan;	/* NULL: render.c's */
};

static int slot_cmp(const void *a, const void *b)
{
	const struct plan_cache_slot *p = a, *q = b;

	if (p->btf != q->btf)
		return (uintptr_t)p->btf < (uintptr_t)q->btf ? -1 : 1;
	if (p->type_id != q->type_id)
		return p->type_id < q->type_id ? -1 : 1;
	if (p->size != q->size)
		return p->size < q->size ? -1 : 1;
	return (p->map_index > q->map_index) - (p->map_index < q->map_index);
}

static void slot_free(void *v)
{
	struct plan_cache_slot *s = v;

	plan_free(s->plan);
	free(s);
}

void plan_cache_free(struct plan_cache *c)
{
	tdestroy(c->tree, slot_free);
	memset(c, 0, sizeof(*c));
}

const struct plan *plan_get(struct plan_cache *c, const struct btf *btf, uint32_t type_id,
			    uint32_t size, const struct render_mem *mem, uint32_t map_index)
{
	struct plan_cache_slot key = { .btf = btf, .type_id = type_id, .size = size,
				       .map_index = map_index };
	struct plan_cache_slot *s, **found;

	if (c->off)
		return NULL;
	found = tfind(&key, &c->tree, slot_cmp);
	if (found)
		return (*found)->plan;
	s = malloc(sizeof(*s));
	if (!s)
		return NULL;
	*s = key;
	s->plan = plan_compile(btf, type_id, size, mem, map_index);
	found = tsearch(s, &c->tree, slot_cmp);
	if (!found || *found != s) {	/* no memory: render.c writes these */
		slot_free(s);
		return NULL;
	}
	return s->plan;
}

size_t plan_max_len(const struct plan *p)
{
	return p->max_len;
}

/* A whole little-endian integer of @bytes (1, 2, 4, 8) bytes at @at. */
static uint64_t load_int(const uint8_t *at, uint32_t bytes, bool sgn)
{
	uint64_t v;
	uint32_t v32;
	uint16_t v16;

	switch (bytes) {
	case 1: return sgn ? (uint64_t)(int64_t)(int8_t)at[0] : at[0];
	case 2: memcpy(&v16, at, 2); v16 = le16toh(v16);
		return sgn ? (uint64_t)(int64_t)(int16_t)v16 : v16;
	case 4: memcpy(&v32, at, 4); v32 = le32toh(v32);
		return sgn ? (uint64_t)(int64_t)(int32_t)v32 : v32;
	default: memcpy(&v, at, 8);
		return le64toh(v);
	}
}

/*
 * A string as json_strn() writes it, or NULL for what it would escape
 * otherwise. A backslash of the dump is two in the value (textout.h), so
 * four in the JSON text: 5 bytes a char are planned for.
 */
static char *put_text(char *o, const uint8_t *s, size_t len)
{
	size_t i;

	*o++ = '"';
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return NULL;	/* control characters, UTF-8: json_strn() */
		if (s[i] == '\\') {
			memcpy(o, "\\\\\\\\", 4);
			o += 4;
			continue;
		}
		if (s[i] == '"')
			*o++ = '\\';
		*o++ = s[i];
	}
	*o++ = '"';
	return o;
}

static char *put_enum(const struct plan *p, const struct plan_step *s, const uint8_t *data,
		      char *o)
{
	const struct plan_enumerator *e = p->enums + s->aux;
	uint64_t raw = 0;
	int64_t v;
	uint32_t i;

	memcpy(&raw, data + s->off, s->n);	/* little-endian, any alignment */
	v = (int64_t)raw;
	if (s->sgn && s->n < 8 && (raw & (1ull << (8 * s->n - 1))))
		v = (int64_t)(raw | (~0ull << (8 * s->n)));
	for (i = 0; i < s->nr_aux; i++, e++) {
		if (e->v == v) {
			memcpy(o, p->text + e->text, e->len);
			return o + e->len;
		}
	}
	return json_put_int(o, s->sgn ? (uint64_t)v : raw, s->sgn);
}

size_t plan_run(const struct plan *p, const uint8_t *data, char *buf)
{
	const struct plan_step *s = p->steps, *end = s + p->nr;
	char *o = buf;
	size_t len;
	uint32_t i;

	for (; s < end; s++) {
		const uint8_t *at = data + s->off;

		switch (s->kind) {
		case PLAN_TEXT:
			memcpy(o, p->text + s->aux, s->n);
			o += s->n;
			break;
		case PLAN_WHOLE:
			o = json_put_int(o, load_int(at, s->esz, s->sgn), s->sgn);
			break;
		case PLAN_INT:
			o = json_put_int(o, render_int_value(at, s->bit_off, s->n, s->sgn), s->sgn);
			break;
		case PLAN_BOOL:
			if (render_int_value(at, s->bit_off, s->n, false)) {
				memcpy(o, "true", 4);
				o += 4;
			} else {
				memcpy(o, "false", 5);
				o += 5;
			}
			break;
		case PLAN_ENUM:
			o = put_enum(p, s, data, o);
			break;
		case PLAN_CHARS:
			if (render_holds_text(at, s->n, &len)) {
				o = put_text(o, at, len);
				if (!o)
					return 0;
				break;
			}
			/* not text: numbers */
			__attribute__((fallthrough));
		case PLAN_INTS:
			*o++ = '[';
			for (i = 0; i < s->n; i++) {
				if (i)
					*o++ = ',';
				o = json_put_int(o, load_int(at + (size_t)i * s->esz, s->esz, s->sgn),
					    s->sgn);
			}
			*o++ = ']';
			break;
		}
	}
	return o - buf;
}

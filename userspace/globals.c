// SPDX-License-Identifier: GPL-2.0
/*
 * A dump's BPF globals and the BTF lookups on their types (globals.h).
 */
#include <string.h>
#include <bpf/btf.h>
#include "dumpfile.h"
#include "globals.h"
#include "index.h"

uint32_t globals_bare(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int i;

	/* not btf__resolve_type(), which fails on a forward declaration */
	for (i = 0; t && i < 32 && (btf_is_mod(t) || btf_is_typedef(t)); i++) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return t && id && i < 32 ? id : 0;
}

static bool member_in(const struct btf *btf, uint32_t id, const char *name, uint32_t *off,
		      uint32_t *type, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	uint16_t i;

	if (!t || !btf_is_composite(t) || depth > 4)
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t bit = btf_member_bit_offset(t, i), sub;

		if (btf_member_bitfield_size(t, i) || bit % 8)
			continue;
		if (mn && !strcmp(mn, name)) {
			*off = bit / 8;
			*type = m->type;
			return true;
		}
		if ((!mn || !*mn) &&
		    member_in(btf, globals_bare(btf, m->type), name, &sub, type, depth + 1)) {
			*off = bit / 8 + sub;
			return true;
		}
	}
	return false;
}

bool globals_member(const struct btf *btf, uint32_t id, const char *name, uint32_t *off,
		    uint32_t *type)
{
	return member_in(btf, id, name, off, type, 0);
}

bool globals_member_sized(const struct btf *btf, uint32_t id, const char *name,
			  uint32_t size, uint32_t *off)
{
	const struct btf_type *t;
	uint32_t type;

	if (!globals_member(btf, id, name, off, &type))
		return false;
	t = btf__type_by_id(btf, globals_bare(btf, type));
	return t && (btf_is_int(t) || btf_is_ptr(t) || btf_is_enum(t)) &&
	       btf__resolve_size(btf, type) == size;
}

uint32_t globals_pointee(const struct btf *btf, uint32_t type)
{
	const struct btf_type *t = btf__type_by_id(btf, globals_bare(btf, type));

	return t && btf_is_ptr(t) ? globals_bare(btf, t->type) : 0;
}

/* The bytes of global section map @map_index (its one value), or NULL. */
static const uint8_t *section_bytes(const struct dump_index *x, uint32_t map_index,
				    uint32_t *len)
{
	const struct sxd_rec *r;
	size_t off = 0;

	while ((r = dump_next(x->f, &off))) {
		const struct sxd_entries *b = (const void *)r;

		if (r->type != SXD_REC_ENTRIES || b->map_index != map_index || !b->nr ||
		    b->nr_values != 1 ||
		    !dump_entry_size(b->key_size, b->value_size, b->nr_values))
			continue;
		*len = b->value_size;
		return (const uint8_t *)(b + 1) + sxd_align(b->key_size);
	}
	return NULL;
}

int globals_each(const struct dump_index *x,
		 bool (*want)(const struct btf *btf, uint32_t type, void *ctx),
		 int (*fn)(const struct global *g, void *ctx), void *ctx)
{
	uint32_t i, j, len = 0;
	int err;

	for (i = 0; i < x->nr_maps; i++) {
		const struct sxd_map *m = x->maps[i].rec;
		const struct btf_var_secinfo *v;
		const struct btf_type *sec;
		const uint8_t *bytes = NULL;
		const struct btf *btf;

		if (!m->btf_value_type_id || !(btf = index_btf_at(x, m->btf_index, NULL)))
			continue;
		sec = btf__type_by_id(btf, m->btf_value_type_id);
		if (!sec || !btf_is_datasec(sec))
			continue;
		v = btf_var_secinfos(sec);
		for (j = 0; j < btf_vlen(sec); j++, v++) {
			const struct btf_type *var = btf__type_by_id(btf, v->type);
			uint32_t type = var && btf_is_var(var) ? globals_bare(btf, var->type) : 0;
			struct global g;

			if (!type || !want(btf, type, ctx))
				continue;
			if (!bytes && !(bytes = section_bytes(x, m->map_index, &len)))
				break;
			if (v->offset > len || v->size > len - v->offset)
				continue;
			g = (struct global){
				.map = m, .btf = btf,
				.name = btf__name_by_offset(btf, var->name_off) ?: "",
				.type = type, .bytes = bytes + v->offset, .size = v->size,
			};
			err = fn(&g, ctx);
			if (err)
				return err;
		}
	}
	return 0;
}

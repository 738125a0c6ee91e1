// SPDX-License-Identifier: GPL-2.0
/*
 * A map the kernel holds without BTF has its types in the scheduler
 * object's BTF all the same: libbpf creates queues, stacks and
 * maps-in-maps without BTF (their BTF type ids are dropped at map
 * creation), but the object's ".maps" section still declares each map
 * as a variable of a struct whose "key" and "value" members point at the
 * types (__type(value, T) in bpf_helpers.h). The variable is found by the
 * map's name (the kernel keeps its first 15 characters) in the program
 * BTF objects of the dump, and believed only when exactly one object
 * declares it, with the key and value sizes the kernel gave the map. An
 * inner map (nameless, made by the loader) is found through the
 * map-in-map whose slot holds it: that map's definition lists its inner
 * maps' definition (__array(values, struct inner)).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "dumpfile.h"
#include "globals.h"
#include "index.h"
#include "mapdef.h"

/* The kernel's map name: BPF_OBJ_NAME_LEN less the NUL. */
#define MAPDEF_NAME_LEN 15

static bool name_matches(const char *var, const char *map)
{
	size_t n = strnlen(map, MAPDEF_NAME_LEN + 1);

	if (!n || strncmp(var, map, n))
		return false;
	return var[n] == '\0' || n == MAPDEF_NAME_LEN;
}

/* The type @member of the definition struct @def points at, if its size is @size. */
static uint32_t pointee(const struct btf *btf, uint32_t def, const char *member, uint32_t size)
{
	const struct btf_type *t;
	uint32_t off, type;

	if (!globals_member(btf, def, member, &off, &type))
		return 0;
	t = btf__type_by_id(btf, globals_bare(btf, type));
	if (!t || !btf_is_ptr(t) || !t->type)
		return 0;
	return btf__resolve_size(btf, t->type) == size ? t->type : 0;
}

/* The definition struct of the .maps variable named @name in @btf, or 0. */
static uint32_t def_of(const struct btf *btf, const char *name)
{
	int32_t sec = btf__find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t, *var;
	uint32_t i;

	t = sec > 0 ? btf__type_by_id(btf, sec) : NULL;
	if (!t)
		return 0;
	vs = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, vs++) {
		var = btf__type_by_id(btf, vs->type);
		if (var && btf_is_var(var) &&
		    name_matches(btf__name_by_offset(btf, var->name_off) ?: "", name))
			return globals_bare(btf, var->type);
	}
	return 0;
}

/* The inner maps' definition struct of the map-in-map definition @def, or 0. */
static uint32_t inner_def_of(const struct btf *btf, uint32_t def)
{
	const struct btf_type *t;
	uint32_t off, type;

	if (!def || !globals_member(btf, def, "values", &off, &type))
		return 0;
	t = btf__type_by_id(btf, globals_bare(btf, type));
	return t && btf_is_array(t) ? globals_pointee(btf, btf_array(t)->type) : 0;
}

static int ref_cmp(const void *a, const void *b)
{
	const struct mapdef_ref *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The slots of one map-in-map (its ENTRIES records after its MAP record). */
static int refs_of(const struct dump_index *x, const struct index_map *im, struct mapdef_refs *r,
		   size_t *cap)
{
	const struct sxd_rec *rec;
	const struct sxd_entries *b;
	const struct sxd_obj_ref *o;
	const uint8_t *p;
	size_t off = im->next, esz, room;
	uint32_t i;

	while ((rec = dump_next(x->f, &off)) && rec->type != SXD_REC_MAP) {
		b = (const void *)rec;
		if (rec->type != SXD_REC_ENTRIES || b->map_index != im->rec->map_index ||
		    !(b->flags & SXD_ENTRIES_REF) || b->value_size < sizeof(*o) || b->nr_values != 1)
			continue;
		esz = dump_entry_size(b->key_size, b->value_size, 1);
		room = rec->size - sizeof(*b);
		if (!esz || b->nr > room / esz)
			continue;	/* a corrupt block: no types from it */
		p = (const uint8_t *)(b + 1);
		for (i = 0; i < b->nr; i++, p += esz) {
			o = (const void *)(p + sxd_align(b->key_size));
			if (o->kind != SXD_REF_MAP)
				continue;
			if (r->nr == *cap) {
				size_t n = *cap ? *cap * 2 : 64;
				struct mapdef_ref *v = realloc(r->v, n * sizeof(*v));

				if (!v)
					return -ENOMEM;
				r->v = v;
				*cap = n;
			}
			r->v[r->nr++] = (struct mapdef_ref){ o->id, im->rec->map_index };
		}
	}
	return 0;
}

int mapdef_refs_build(const struct dump_index *x, struct mapdef_refs *r)
{
	size_t cap = 0;
	uint32_t i;
	int err = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < x->nr_maps && !err; i++) {
		if (x->maps[i].rec->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		    x->maps[i].rec->type == BPF_MAP_TYPE_HASH_OF_MAPS)
			err = refs_of(x, &x->maps[i], r, &cap);
	}
	if (err) {
		mapdef_refs_free(r);
		return err;
	}
	if (r->nr)
		qsort(r->v, r->nr, sizeof(*r->v), ref_cmp);
	return 0;
}

void mapdef_refs_free(struct mapdef_refs *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* The map-in-map that holds inner map @id, or NULL. */
static const struct sxd_map *outer_of(const struct dump_index *x, const struct mapdef_refs *r,
				      uint32_t id)
{
	struct mapdef_ref key = { .id = id }, *f;
	uint32_t slot;

	f = r->nr ? bsearch(&key, r->v, r->nr, sizeof(*r->v), ref_cmp) : NULL;
	if (!f || f->outer >= x->nr_map_at || !(slot = x->map_at[f->outer]))
		return NULL;
	return x->maps[slot - 1].rec;
}

/* @m's types in @btf: by its own definition, or its outer map's; the value's id. */
static uint32_t find_in(const struct btf *btf, const struct sxd_map *m,
			const struct sxd_map *outer, uint32_t *key)
{
	uint32_t def = m->name[0] ? def_of(btf, m->name) : 0;

	if (!def && outer)
		def = inner_def_of(btf, def_of(btf, outer->name));
	if (!def)
		return 0;
	*key = m->key_size ? pointee(btf, def, "key", m->key_size) : 0;
	if (m->key_size && !*key)
		return 0;
	return pointee(btf, def, "value", m->value_size);
}

bool mapdef_find(const struct dump_index *x, const struct mapdef_refs *r,
		 const struct sxd_map *m, struct mapdef *d, const char **why)
{
	const struct sxd_map *outer = outer_of(x, r, m->id);
	const struct btf *btf;
	uint32_t i, value, key = 0, found = 0;

	memset(d, 0, sizeof(*d));
	if ((!m->name[0] && !outer) || m->btf_vmlinux_value_type_id)
		return false;
	for (i = 0; i < x->nr_btfs; i++) {
		if (!x->btfs[i].rec || x->btfs[i].rec->kind != SXD_BTF_PROG)
			continue;
		btf = index_btf_at(x, i, NULL);
		value = btf ? find_in(btf, m, outer, &key) : 0;
		if (!value)
			continue;
		if (found++)
			break;
		*d = (struct mapdef){ btf, i, key, value };
	}
	if (found == 1)
		return true;
	if (found > 1)
		*why = "the map has no BTF, and more than one BTF object defines a map of its name";
	memset(d, 0, sizeof(*d));
	return false;
}

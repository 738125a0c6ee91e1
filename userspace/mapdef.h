/* SPDX-License-Identifier: GPL-2.0 */
/* A map's key and value types from its definition in .maps (mapdef.c). */
#ifndef SCXDUMP_MAPDEF_H
#define SCXDUMP_MAPDEF_H

#include <stdbool.h>
#include <stdint.h>

struct btf;
struct dump_index;
struct sxd_map;

/* Where a map's types were found: the BTF, its index in the dump, the ids (0: none). */
struct mapdef {
	const struct btf *btf;
	uint32_t btf_index;
	uint32_t key_type, value_type;
};

/* Which map-in-map slot holds which inner map: (inner id, outer map_index), by id. */
struct mapdef_ref {
	uint32_t id, outer;
};

struct mapdef_refs {
	struct mapdef_ref *v;
	size_t nr;
};

/* 0, or -ENOMEM (then no inner map is typed by its definition). */
int mapdef_refs_build(const struct dump_index *x, struct mapdef_refs *r);
void mapdef_refs_free(struct mapdef_refs *r);

bool mapdef_find(const struct dump_index *x, const struct mapdef_refs *r,
		 const struct sxd_map *m, struct mapdef *d, const char **why);

#endif

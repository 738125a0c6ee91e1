/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the JSON emitters share: decode.c writes the document's top
 * (capture, schedulers, errors, BTF objects), maps.c streams the maps and
 * hands each entry block and map info to its family (maps/).
 */
#ifndef SCXDUMP_EMIT_H
#define SCXDUMP_EMIT_H

#include "decode.h"
#include "json.h"
#include "memory.h"
#include "plan.h"
#include "render.h"

struct emit {
	yajl_gen g;
	const struct dump_index *x;
	const struct decode_opts *o;
	const struct render_mem *mem;	/* what pointers may be followed into */
	struct mem_view view;
	struct plan_cache plans;	/* entries' compiled renderers (plan.h) */
};

/* The kernel's BTF: given with --vmlinux-btf, or embedded (parsed when first asked for). */
static inline const struct btf *emit_vmlinux(const struct emit *e)
{
	return e->o->vmlinux ? e->o->vmlinux : index_vmlinux(e->x);
}

/* maps.c: "maps": [...] */
/* 0, or -ENOMEM (nothing of "maps" written) */
int emit_maps(struct emit *e);
/* maps.c: a map's BTF, or NULL with *why saying why not */
const struct btf *map_btf(const struct dump_index *x, const struct sxd_map *m, const char **why);

/* decode.c: "allocators": the sdt allocators (sdt.c) and bump allocators (bump.c) */
void emit_allocators(const struct emit *e);

/* timeline.c: "timeline": the flight recorder's samples, or null */
void emit_timeline(const struct emit *e);

#endif

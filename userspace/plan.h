/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiled renderers (plan.c): a map's key or value type, walked through
 * its BTF once, becomes a list of steps (literal text, an integer at an
 * offset, a char array, ...) that writes an entry's compact JSON text
 * straight into a buffer. The text is the one render.c writes for the
 * same bytes; a type or a value the steps do not cover (pointers, floats,
 * a member outside its struct, text that needs escaping) is left to
 * render.c. It spares, per entry, the BTF lookups and yajl's call per
 * token.
 */
#ifndef SCXDUMP_PLAN_H
#define SCXDUMP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/btf.h>
#include "render.h"

struct plan;

/* The plans a decode compiled, each once (the first entry block asks). */
/* Plans by (BTF, type, size, map): a tree (tsearch()), as a dump may hold 65536 maps. */
struct plan_cache {
	void *tree;			/* of struct plan_cache_slot */
	bool off;			/* SCXDUMP_NO_PLAN: render.c for all */
};

void plan_cache_init(struct plan_cache *c);
void plan_cache_free(struct plan_cache *c);

/*
 * The plan of @size bytes of type @type_id of @btf, as map @map_index's
 * values (its u64s mem->inferred takes for pointers are render.c's), or
 * UINT32_MAX for a key; @btf NULL: the bytes as typed.c writes them
 * without BTF. NULL when render.c must write them.
 */
const struct plan *plan_get(struct plan_cache *c, const struct btf *btf, uint32_t type_id,
			    uint32_t size, const struct render_mem *mem, uint32_t map_index);

/* The most text plan_run() writes. */
size_t plan_max_len(const struct plan *p);

/*
 * Write the JSON text of @data into @buf (plan_max_len() bytes at
 * least): its length, or 0 when this value must go through render.c
 * (text that needs escaping).
 */
size_t plan_run(const struct plan *p, const uint8_t *data, char *buf);

#endif

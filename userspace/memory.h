/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory the dump copied besides the maps' entries, by address: arena
 * pages (the one reader of arena bytes, for pointers into the arena and
 * for arena globals), kernel memory behind kptrs (cpumasks) and symbol
 * names of kernel addresses.
 */
#ifndef SCXDUMP_MEMORY_H
#define SCXDUMP_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "index.h"
#include "render.h"
#include "infer.h"
#include "sdt.h"
#include "bump.h"

/* mem_arena_read()'s @map_index for "any arena of the dump". */
#define MEM_ANY_ARENA	UINT32_MAX

/* [addr, addr + len) of arena @map_index into @buf; false on a gap. */
bool mem_arena_read(const struct dump_index *x, uint32_t map_index, uint64_t addr,
		    void *buf, uint32_t len);

/* The symbol the module wrote for kernel address @addr, or NULL. */
const char *mem_symbol(const struct dump_index *x, uint64_t addr, size_t *len);

/* Forward declarations looked up once each per decode. */
#define MEM_FWD_CACHE	64

/* What pointers are followed with: the dump, its allocators, what was resolved. */
struct mem_view {
	const struct dump_index *x;
	struct sdt_index sdt;
	struct bump_index bump;
	struct infer_index infer;
	struct {
		const struct btf *in, *def;
		char name[64];
		bool is_union, ok;
		uint32_t id;
		const char *why;
	} fwd[MEM_FWD_CACHE];
	uint32_t nr_fwd;
	struct render_mem m;
};

/*
 * What the renderer may follow pointers into (arena pages, kernel
 * memory, allocator slots, other BTF objects' definitions), built in @v;
 * NULL if the dump has none, or on -ENOMEM in *@err. mem_view_free()
 * after either.
 */
const struct render_mem *mem_for_render(const struct dump_index *x, struct mem_view *v,
					int *err);
void mem_view_free(struct mem_view *v);

#endif

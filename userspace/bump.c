// SPDX-License-Identifier: GPL-2.0
/*
 * The bump allocators of a dump, found by BTF shape and followed through
 * its arena pages (bump.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "bump.h"
#include "emit.h"
#include "globals.h"
#include "json.h"
#include "memory.h"

/* Where the global's members are. */
struct shape {
	uint32_t memory, off, size, cur, lim;
	bool usage;
};

static bool shape_of(const struct btf *btf, uint32_t type, struct shape *s)
{
	const struct btf_type *t = btf__type_by_id(btf, type);
	const struct btf_type *mt;
	uint32_t mid;

	if (!t || !btf_is_struct(t) || !globals_member(btf, type, "memory", &s->memory, &mid))
		return false;
	mt = btf__type_by_id(btf, globals_bare(btf, mid));
	if (!mt || !btf_is_ptr(mt) || !globals_member_sized(btf, type, "off", 8, &s->off) ||
	    !globals_member_sized(btf, type, "max_contig_bytes", 8, &s->size))
		return false;
	s->usage = globals_member_sized(btf, type, "cur_memusage", 8, &s->cur) &&
		   globals_member_sized(btf, type, "lim_memusage", 8, &s->lim);
	return true;
}

static bool want(const struct btf *btf, uint32_t type, void *ctx)
{
	struct shape s;

	(void)ctx;
	return shape_of(btf, type, &s);
}

static uint64_t u64_at(const uint8_t *p, uint32_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static int by_start(const void *p, const void *q)
{
	const struct bump_by_addr *a = p, *b = q;

	return a->start < b->start ? -1 : a->start > b->start;
}

/*
 * The blocks, newest first through each block's link, then put in
 * allocation order; a block whose link is not in the dump (pages the
 * capture left out, or a link that is no arena address) ends the chain,
 * and is listed only when it is the newest, which the global names. A chain is followed no further than the blocks the
 * allocator says it took (cur_memusage), or BUMP_MAX_BLOCKS, or back to
 * the newest block.
 */
static int walk(const struct dump_index *x, struct bump_alloc *a)
{
	uint64_t b = a->memory, next, max = BUMP_MAX_BLOCKS;
	uint32_t cap = 0, i;

	/* cur_memusage counts every block taken, the first with them */
	if (a->has_usage && a->cur_memusage / a->block_size < max)
		max = a->cur_memusage / a->block_size ?: 1;
	while (b) {
		bool linked;

		if (a->nr_blocks == max || (a->nr_blocks && b == a->memory)) {
			a->chain_cut = true;
			break;
		}
		/* a block is listed when its link is in the dump, the newest always */
		linked = mem_arena_read(x, MEM_ANY_ARENA, b, &next, 8);
		if (!linked) {
			a->chain_unreadable = true;
			if (a->nr_blocks)
				break;
		}
		if (a->nr_blocks == cap) {
			struct bump_block *n;

			cap = cap ? cap * 2 : 8;
			n = realloc(a->blocks, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			a->blocks = n;
		}
		a->blocks[a->nr_blocks] = (struct bump_block){
			b, a->nr_blocks ? a->block_size : a->off };
		a->nr_blocks++;
		if (!linked)
			break;
		b = next;
	}
	for (i = 0; i < a->nr_blocks / 2; i++) {
		struct bump_block t = a->blocks[i];

		a->blocks[i] = a->blocks[a->nr_blocks - 1 - i];
		a->blocks[a->nr_blocks - 1 - i] = t;
	}
	a->by_addr = malloc((a->nr_blocks ?: 1) * sizeof(*a->by_addr));
	if (!a->by_addr)
		return -ENOMEM;
	for (i = 0; i < a->nr_blocks; i++)
		a->by_addr[i] = (struct bump_by_addr){ a->blocks[i].start, i };
	qsort(a->by_addr, a->nr_blocks, sizeof(*a->by_addr), by_start);
	return 0;
}

struct scan {
	const struct dump_index *x;
	struct bump_index *bi;
};

static int found(const struct global *g, void *ctx)
{
	const struct dump_index *x = ((struct scan *)ctx)->x;
	struct bump_index *bi = ((struct scan *)ctx)->bi;
	struct bump_alloc *a, *n;
	struct shape s;

	if (!shape_of(g->btf, g->type, &s) || s.memory + 8 > g->size || s.off + 8 > g->size ||
	    s.size + 8 > g->size || (s.usage && (s.cur + 8 > g->size || s.lim + 8 > g->size)))
		return 0;
	n = realloc(bi->a, (bi->nr + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	bi->a = n;
	a = &bi->a[bi->nr++];
	memset(a, 0, sizeof(*a));
	snprintf(a->var, sizeof(a->var), "%s", g->name);
	a->map_index = g->map->map_index;
	a->memory = u64_at(g->bytes, s.memory);
	a->off = u64_at(g->bytes, s.off);
	a->block_size = u64_at(g->bytes, s.size);
	a->has_usage = s.usage;
	if (s.usage) {
		a->cur_memusage = u64_at(g->bytes, s.cur);
		a->lim_memusage = u64_at(g->bytes, s.lim);
	}
	if (!a->memory) {
		a->why = "no block taken yet (memory is null)";
		return 0;
	}
	if (!a->block_size || a->block_size % 4096 || a->block_size > (1ull << 32) ||
	    a->off > a->block_size) {
		a->why = "max_contig_bytes or off, as the global holds them, is not plausible";
		return 0;
	}
	return walk(x, a);
}

int bump_index_build(const struct dump_index *x, struct bump_index *b)
{
	int err;

	memset(b, 0, sizeof(*b));
	if (!x->nr_pages)
		return 0;
	err = globals_each(x, want, found, &(struct scan){ x, b });
	if (err)
		bump_index_free(b);
	return err;
}

void bump_index_free(struct bump_index *b)
{
	uint32_t i;

	for (i = 0; i < b->nr; i++) {
		free(b->a[i].blocks);
		free(b->a[i].by_addr);
	}
	free(b->a);
	memset(b, 0, sizeof(*b));
}

const struct bump_alloc *bump_block_of(const struct bump_index *b, uint64_t addr,
				       uint32_t *block, uint64_t *off)
{
	uint32_t i;

	for (i = 0; b && i < b->nr; i++) {
		const struct bump_alloc *a = &b->a[i];
		uint32_t lo = 0, hi = a->nr_blocks;

		/* the last block starting at or below @addr */
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (a->by_addr[mid].start <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo && addr - a->by_addr[lo - 1].start < a->block_size) {
			*block = a->by_addr[lo - 1].block;
			*off = addr - a->by_addr[lo - 1].start;
			return a;
		}
	}
	return NULL;
}

void bump_emit(const struct emit *e)
{
	const struct bump_index *bi = &e->view.bump;
	yajl_gen g = e->g;
	uint32_t i, j;

	for (i = 0; i < bi->nr; i++) {
		const struct bump_alloc *a = &bi->a[i];

		json_obj(g);
		json_kstr(g, "kind", "bump");
		json_kstr(g, "name", a->var);
		json_kuint(g, "map_index", a->map_index);
		json_kuint(g, "block_size", a->block_size);
		json_key(g, "memory");
		json_addr(g, a->memory);
		json_kuint(g, "off", a->off);
		if (a->has_usage) {
			json_kuint(g, "cur_memusage", a->cur_memusage);
			json_kuint(g, "lim_memusage", a->lim_memusage);
		}
		if (a->why)
			json_kstr(g, "not_walked", a->why);
		json_kuint(g, "nr_blocks", a->nr_blocks);
		json_kbool(g, "chain_cut", a->chain_cut);
		json_kbool(g, "chain_unreadable", a->chain_unreadable);
		json_key(g, "blocks");
		json_arr(g);
		for (j = 0; j < a->nr_blocks; j++) {
			json_obj(g);
			json_kuint(g, "block", j);
			json_key(g, "start");
			json_addr(g, a->blocks[j].start);
			/* a block is left when the next allocation does not fit in it */
			json_kuint(g, j + 1 == a->nr_blocks ? "bytes_used" : "bytes_used_at_most",
				   a->blocks[j].used);
			json_obj_end(g);
		}
		json_arr_end(g);
		json_obj_end(g);
	}
}

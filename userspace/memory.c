// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups by address in what the index sorted: arena pages, kernel memory
 * copied behind pointers, and symbols.
 */
#include <string.h>
#include "memory.h"

/* The page of arena @map_index (or any) that holds @addr, or NULL. */
static const struct arena_page *page_of(const struct dump_index *x, uint32_t map_index,
					uint64_t addr)
{
	size_t lo = 0, hi = x->nr_pages, i;

	/* the first page above @addr; those of the same start before it */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (x->pages[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0 && x->pages[i].addr == x->pages[lo - 1].addr;) {
		const struct arena_page *pg = &x->pages[i];

		if (addr - pg->addr < pg->size &&
		    (map_index == MEM_ANY_ARENA || pg->map_index == map_index))
			return pg;
	}
	return NULL;
}

bool mem_arena_read(const struct dump_index *x, uint32_t map_index, uint64_t addr,
		    void *buf, uint32_t len)
{
	uint8_t *out = buf;

	while (len) {
		const struct arena_page *pg = page_of(x, map_index, addr);
		uint64_t off, n;

		if (!pg)
			return false;
		off = addr - pg->addr;
		n = pg->size - off < len ? pg->size - off : len;
		memcpy(out, pg->data + off, n);
		out += n;
		addr += n;
		len -= n;
	}
	return true;
}

static bool render_arena_read(const void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	return mem_arena_read(ctx, MEM_ANY_ARENA, addr, buf, len);
}

/* struct render_mem's cpumask: the bits copied at capture. */
static bool render_cpumask(const void *ctx, uint64_t addr, const uint8_t **bits,
			   uint32_t *nr_bits)
{
	const struct dump_index *x = ctx;
	size_t lo = 0, hi = x->nr_kmems;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct sxd_kmem *k = x->kmems[mid];

		if (k->addr == addr) {
			if (k->kind != SXD_KMEM_CPUMASK)
				return false;
			*bits = (const uint8_t *)(k + 1);
			*nr_bits = k->nr_bits;
			return true;
		}
		if (k->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const struct render_mem *mem_for_render(const struct dump_index *x, struct render_mem *m)
{
	if (!x->nr_pages && !x->nr_kmems)
		return NULL;
	m->read = x->nr_pages ? render_arena_read : NULL;
	m->cpumask = x->nr_kmems ? render_cpumask : NULL;
	m->ctx = x;
	return m;
}

const char *mem_symbol(const struct dump_index *x, uint64_t addr, size_t *len)
{
	size_t lo = 0, hi = x->nr_syms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct sxd_sym *s = x->syms[mid];

		if (s->addr == addr) {
			*len = strnlen(s->name, sizeof(s->name));
			return s->name;
		}
		if (s->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups by address in what the index sorted: arena pages, kernel memory
 * copied behind pointers, and symbols.
 */
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include "fwd.h"
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

static bool mem_view_read(const void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	const struct mem_view *v = ctx;

	return mem_arena_read(v->x, MEM_ANY_ARENA, addr, buf, len);
}

/* The kernel memory the capture copied at @addr, or NULL. */
static const struct sxd_kmem *kmem_at(const struct dump_index *x, uint64_t addr)
{
	size_t lo = 0, hi = x->nr_kmems;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct sxd_kmem *k = x->kmems[mid];

		if (k->addr == addr)
			return k;
		if (k->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* struct render_mem's cpumask: the bits copied at capture. */
static bool mem_view_cpumask(const void *ctx, uint64_t addr, const uint8_t **bits,
			   uint32_t *nr_bits)
{
	const struct sxd_kmem *k = kmem_at(((const struct mem_view *)ctx)->x, addr);

	if (!k || k->kind != SXD_KMEM_CPUMASK)
		return false;
	*bits = (const uint8_t *)(k + 1);
	*nr_bits = k->nr_bits;
	return true;
}

/* struct render_mem's kobj: a task's or cgroup's identity copied at capture. */
static bool mem_view_kobj(const void *ctx, uint64_t addr, struct render_kobj *o)
{
	const struct sxd_kmem *k = kmem_at(((const struct mem_view *)ctx)->x, addr);
	const struct sxd_kmem_cgroup *g;
	const struct sxd_kmem_task *t;

	memset(o, 0, sizeof(*o));
	if (!k)
		return false;
	g = (const void *)(k + 1);
	t = (const void *)(k + 1);
	if (k->kind == SXD_KMEM_TASK && k->nr_bits / 8 >= sizeof(*t)) {
		o->kind = RENDER_KOBJ_TASK;
		o->pid = t->pid;
		o->tgid = t->tgid;
		memcpy(o->comm, t->comm, sizeof(o->comm));
		o->comm[sizeof(o->comm) - 1] = '\0';
		return true;
	}
	/* dumps before the path was added end after the name */
	if (k->kind == SXD_KMEM_CGROUP && k->nr_bits / 8 >= offsetof(struct sxd_kmem_cgroup, path)) {
		o->kind = RENDER_KOBJ_CGROUP;
		o->cgroup_id = g->id;
		o->level = g->level;
		memcpy(o->name, g->name, sizeof(o->name));
		o->name[sizeof(o->name) - 1] = '\0';
		if (k->nr_bits / 8 >= sizeof(*g)) {
			memcpy(o->path, g->path, sizeof(o->path));
			o->path[sizeof(o->path) - 1] = '\0';
		}
		return true;
	}
	return false;
}

/* struct render_mem's fwd: fwd_resolve(), each name looked up once. */
static bool mem_view_fwd(const void *ctx, const struct btf *btf, const char *name, bool is_union,
		       const struct btf **def, uint32_t *id, const char **why)
{
	/* the view is the decode's own: its cache may change under const */
	struct mem_view *v = (struct mem_view *)ctx;
	uint32_t i;
	bool ok;

	for (i = 0; i < v->nr_fwd; i++) {
		if (v->fwd[i].in == btf && v->fwd[i].is_union == is_union &&
		    !strncmp(v->fwd[i].name, name, sizeof(v->fwd[i].name))) {
			*def = v->fwd[i].def, *id = v->fwd[i].id, *why = v->fwd[i].why;
			return v->fwd[i].ok;
		}
	}
	ok = fwd_resolve(v->x, btf, name, is_union, def, id, why);
	if (v->nr_fwd < MEM_FWD_CACHE && strlen(name) < sizeof(v->fwd[0].name)) {
		i = v->nr_fwd++;
		v->fwd[i].in = btf, v->fwd[i].is_union = is_union, v->fwd[i].ok = ok;
		v->fwd[i].def = ok ? *def : NULL, v->fwd[i].id = ok ? *id : 0;
		v->fwd[i].why = *why;
		snprintf(v->fwd[i].name, sizeof(v->fwd[i].name), "%s", name);
	}
	return ok;
}

/* struct render_mem's slot: the live sdt slot at @addr. */
static bool mem_view_slot(const void *ctx, uint64_t addr, struct render_slot *s)
{
	const struct mem_view *v = ctx;
	const struct sdt_alloc *a;
	const struct sdt_slot *sl = sdt_slot_of(&v->sdt, addr, &a);

	if (!sl)
		return false;
	*s = (struct render_slot){
		.allocator = a->var, .start = sl->addr, .index = sl->index,
		.idx = sl->tid_idx, .gen = sl->tid_gen, .hdr_size = a->hdr_size,
		.payload_size = a->elem_size - a->hdr_size, .btf = a->payload_btf,
		.type = a->payload_type, .why = a->payload_why,
	};
	return true;
}

/* struct render_mem's bump: the bump allocator block that holds @addr. */
static bool mem_view_bump(const void *ctx, uint64_t addr, struct render_bump *b)
{
	const struct mem_view *v = ctx;
	const struct bump_alloc *a;
	uint64_t off;
	uint32_t blk;

	a = bump_block_of(&v->bump, addr, &blk, &off);
	if (!a)
		return false;
	*b = (struct render_bump){
		.allocator = a->var, .block = blk, .offset = off,
		.past_used = blk + 1 == a->nr_blocks && off >= a->off,
	};
	return true;
}

/* struct render_mem's inferred: a u64 field the programs dereference. */
static bool mem_view_inferred(const void *ctx, uint32_t map_index, uint32_t off)
{
	return infer_is_ptr(&((const struct mem_view *)ctx)->infer, map_index, off);
}

const struct render_mem *mem_for_render(const struct dump_index *x, struct mem_view *v,
					int *err)
{
	memset(v, 0, sizeof(*v));
	v->x = x;
	*err = sdt_index_build(x, &v->sdt);
	if (!*err)
		*err = bump_index_build(x, &v->bump);
	if (!*err)
		*err = infer_build(x, &v->infer);
	if (*err)
		return NULL;
	v->m.inferred = v->infer.nr ? mem_view_inferred : NULL;
	v->m.read = x->nr_pages ? mem_view_read : NULL;
	v->m.cpumask = x->nr_kmems ? mem_view_cpumask : NULL;
	v->m.kobj = x->nr_kmems ? mem_view_kobj : NULL;
	v->m.fwd = mem_view_fwd;
	v->m.slot = v->sdt.nr ? mem_view_slot : NULL;
	v->m.bump = v->bump.nr ? mem_view_bump : NULL;
	v->m.ctx = v;
	return &v->m;
}

void mem_view_free(struct mem_view *v)
{
	sdt_index_free(&v->sdt);
	bump_index_free(&v->bump);
	infer_free(&v->infer);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * The sdt allocators of a dump, found by BTF shape and walked in its arena
 * pages (sdt.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "emit.h"
#include "fwd.h"
#include "array.h"
#include "globals.h"
#include "memory.h"
#include "sdt.h"

/* Tree depth when the BTF has no enum constant SDT_TASK_LEVELS (scx_sdt's 3). */
#define SDT_DEFAULT_LEVELS	3
#define SDT_MAX_LEVELS		8
/* Descriptors read per allocator, whatever the arena holds (cycles, junk). */
#define SDT_MAX_DESCS		(SDT_MAX_SLOTS / 64)
/* Structs of the payload's size looked at before it counts as ambiguous. */
#define SDT_MAX_CANDIDATES	256

/* An array member: its element type and count. */
static bool array_of(const struct btf *btf, uint32_t type, uint32_t *elem, uint32_t *n)
{
	const struct btf_type *t = btf__type_by_id(btf, globals_bare(btf, type));

	if (!t || !btf_is_array(t))
		return false;
	*elem = btf_array(t)->type;
	*n = btf_array(t)->nelems;
	return true;
}

/* What the walk needs to know of the allocator's types. */
struct shape {
	uint32_t root_off, elem_size_off;
	uint32_t alloc_off, alloc_words, chunk_off;
	uint32_t data_off, fanout;
	const struct btf *leaf_btf;	/* struct sdt_data, when defined */
	uint32_t leaf;
	const char *why;		/* what was assumed, or NULL */
	uint32_t skip[3];		/* the allocator's own structs */
};

/* scx_sdt's layout, for a descriptor or chunk only declared by name */
#define SDT_FANOUT		512
#define SDT_DESC_ALLOC_OFF	0
#define SDT_DESC_CHUNK_OFF	(SDT_FANOUT / 8 + 8)

/*
 * @id of @btf, or its definition elsewhere in the dump when @btf only
 * declares it; false if it stays a declaration.
 */
static bool defined(const struct dump_index *x, const struct btf **btf, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(*btf, *id);
	const char *why;

	if (!t || !btf_is_fwd(t))
		return t != NULL;
	return fwd_resolve(x, *btf, btf__name_by_offset(*btf, t->name_off), btf_kflag(t), btf,
			   id, &why);
}

static bool named(const struct btf *btf, uint32_t id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	return n && !strcmp(n, name);
}

/*
 * Does struct @id have the allocator's shape? A "root" pointer to the
 * descriptor and a member struct with "elem_size". The descriptor and
 * its chunk are read from their BTF definitions; a program's BTF often
 * has only their names (clang keeps just a declaration of a struct
 * reached through pointers), and then, unless another BTF object of the
 * dump defines them, scx_sdt's layout is taken for a struct sdt_desc.
 */
static bool is_allocator(const struct dump_index *x, const struct btf *btf, uint32_t id,
			 struct shape *s)
{
	uint32_t off, type, desc, chunk = 0, pool, elem, n, word;
	const struct btf *db = btf, *cb;
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t || !btf_is_struct(t) || !globals_member(btf, id, "root", &s->root_off, &type) ||
	    !(desc = globals_pointee(btf, type)))
		return false;
	s->skip[0] = id;
	/* the pool: a struct member of the allocator with an 8-byte elem_size */
	for (n = 0; n < btf_vlen(t) && !s->elem_size_off; n++) {
		const struct btf_member *m = btf_members(t) + n;

		pool = globals_bare(btf, m->type);
		if (globals_member(btf, pool, "elem_size", &off, &type) &&
		    btf__resolve_size(btf, type) == 8) {
			s->elem_size_off = btf_member_bit_offset(t, n) / 8 + off;
			s->skip[1] = pool;
		}
	}
	if (!s->elem_size_off && !globals_member(btf, id, "elem_size", &s->elem_size_off, &type))
		return false;
	if (!defined(x, &db, &desc)) {
		if (!named(btf, desc, "sdt_desc"))
			return false;
		s->alloc_off = SDT_DESC_ALLOC_OFF, s->alloc_words = SDT_FANOUT / 64;
		s->chunk_off = SDT_DESC_CHUNK_OFF, s->data_off = 0, s->fanout = SDT_FANOUT;
		s->why = "struct sdt_desc is only declared: scx_sdt's layout taken";
		return true;
	}
	if (db == btf)
		s->skip[2] = desc;
	if (!globals_member(db, desc, "allocated", &s->alloc_off, &type) ||
	    !array_of(db, type, &word, &s->alloc_words) || btf__resolve_size(db, word) != 8 ||
	    !s->alloc_words || s->alloc_words > 64 ||
	    !globals_member(db, desc, "nr_free", &off, &type) ||
	    !globals_member(db, desc, "chunk", &s->chunk_off, &type) ||
	    !(chunk = globals_pointee(db, type)))
		return false;
	cb = db;
	if (!defined(x, &cb, &chunk)) {
		s->data_off = 0, s->fanout = s->alloc_words * 64;
		s->why = "struct sdt_chunk is only declared: one pointer per bit of the bitmap taken";
		return true;
	}
	if (!globals_member(cb, chunk, "data", &s->data_off, &type) ||
	    !array_of(cb, type, &elem, &s->fanout) || !s->fanout ||
	    s->fanout > s->alloc_words * 64)
		return false;
	s->leaf_btf = cb;
	s->leaf = globals_pointee(cb, elem);
	return true;
}

/* The enum constant SDT_TASK_LEVELS of @btf, else the default. */
static uint32_t levels_of(const struct btf *btf)
{
	uint32_t i, j, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (j = 0; j < btf_vlen(t); j++, e++) {
			const char *en = btf__name_by_offset(btf, e->name_off);

			if (en && !strcmp(en, "SDT_TASK_LEVELS") && e->val > 0 &&
			    e->val <= SDT_MAX_LEVELS)
				return e->val;
		}
	}
	return SDT_DEFAULT_LEVELS;
}

struct walk {
	const struct dump_index *x;
	struct sdt_alloc *a;
	const struct shape *s;
	size_t cap;
	uint32_t nr_descs;
	int err;
};

static void add_slot(struct walk *w, uint64_t addr, uint64_t index)
{
	struct sdt_alloc *a = w->a;
	int32_t tid[2];

	if (a->nr_slots >= SDT_MAX_SLOTS) {
		a->nr_over_cap++;
		return;
	}
	if (!array_grow(&a->slots, &w->cap, a->nr_slots + 1, sizeof(*a->slots))) {
		w->err = -ENOMEM;
		return;
	}
	if (!mem_arena_read(w->x, MEM_ANY_ARENA, addr, tid, sizeof(tid))) {
		a->nr_unreadable++;
		return;
	}
	if ((uint64_t)(uint32_t)tid[0] != index)
		a->nr_index_mismatch++;
	a->slots[a->nr_slots++] = (struct sdt_slot){ addr, index, tid[0], tid[1] };
}

/* Descriptor @desc at @level, the tree's index bits above it in @prefix. */
static void walk_desc(struct walk *w, uint64_t desc, uint32_t level, uint64_t prefix)
{
	const struct shape *s = w->s;
	uint64_t bits[64], chunk, *kids;
	uint32_t pos, shift = 0;

	while ((1u << shift) < s->fanout)
		shift++;
	if (w->err || ++w->nr_descs > SDT_MAX_DESCS || s->alloc_words > 64)
		return;
	if (!mem_arena_read(w->x, MEM_ANY_ARENA, desc + s->alloc_off, bits, s->alloc_words * 8) ||
	    !mem_arena_read(w->x, MEM_ANY_ARENA, desc + s->chunk_off, &chunk, 8)) {
		w->a->nr_unreadable++;
		return;
	}
	kids = malloc((size_t)s->fanout * 8);
	if (!kids) {
		w->err = -ENOMEM;
		return;
	}
	if (!chunk || !mem_arena_read(w->x, MEM_ANY_ARENA, chunk + s->data_off, kids,
				      s->fanout * 8)) {
		w->a->nr_unreadable++;
		free(kids);
		return;
	}
	for (pos = 0; pos < s->fanout && !w->err; pos++) {
		uint64_t index = (prefix << shift) | pos;

		if (!kids[pos])
			continue;
		if (level + 1 < w->a->levels)
			walk_desc(w, kids[pos], level + 1, index);
		else if (bits[pos / 64] & (1ull << (pos % 64)))
			add_slot(w, kids[pos], index);
	}
	free(kids);
}

static int slot_cmp(const void *a, const void *b)
{
	const struct sdt_slot *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The payload's type: among the named structs of the allocator's BTF
 * whose size plus the header rounds up to the element size and that are
 * the program's own (the kernel's BTF has no struct of that name: a
 * program's BTF holds every kernel type its arguments reach), the one a
 * pointer type points at; else none. A struct of that size no pointer
 * reaches is not taken: scx_sdt's own statistics struct (a global) has
 * its payload's size, and its payload type is not in its BTF at all.
 */
static void choose_payload(const struct dump_index *x, struct sdt_alloc *a,
			   const struct shape *s)
{
	const struct btf *btf = a->btf;
	uint32_t i, j, n = btf__type_cnt(btf), nr_size = 0, nr_ptr = 0, by_ptr = 0;
	uint8_t *pointed = calloc(n, 1);

	if (!pointed) {
		a->payload_why = "out of memory";
		return;
	}
	/* one pass: which types a pointer points at */
	for (i = 1; i < n; i++) {
		const struct btf_type *p = btf__type_by_id(btf, i);
		uint32_t to = btf_is_ptr(p) ? globals_bare(btf, p->type) : 0;

		if (to && to < n)
			pointed[to] = 1;
	}
	for (i = 1; i < n && nr_size <= SDT_MAX_CANDIDATES; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		bool own = false;

		if (!btf_is_struct(t) || !t->name_off || !t->size ||
		    (t->size + a->hdr_size + 7) / 8 * 8 != a->elem_size)
			continue;
		for (j = 0; j < 3; j++)
			own |= s->skip[j] == i;
		if (own || (index_vmlinux(x) && btf != index_vmlinux(x) &&
			    btf__find_by_name_kind(index_vmlinux(x),
						   btf__name_by_offset(btf, t->name_off),
						   BTF_KIND_STRUCT) > 0))
			continue;
		nr_size++;
		if (pointed[i]) {
			nr_ptr++;
			by_ptr = i;
		}
	}
	free(pointed);
	if (nr_ptr == 1) {
		a->payload_type = by_ptr;
		a->payload_how = "the one struct of the payload's size that a pointer points at";
	} else {
		a->payload_why = nr_ptr ? "ambiguous: pointers point at several structs of the payload's size" :
			nr_size ? "no pointer points at a struct of the payload's size" :
				  "no struct of the program's BTF has the payload's size";
		return;
	}
	a->payload_btf = btf;
}

/* An allocator at @off of global section map @m: read, walk, type. */
static int add_alloc(const struct dump_index *x, struct sdt_index *si, const struct sxd_map *m,
		     const struct btf *btf, const char *var, const uint8_t *g, uint32_t len,
		     const struct shape *s)
{
	struct sdt_alloc *a, *n;
	const struct btf *lb;
	struct walk w = { 0 };
	uint32_t lid;
	int64_t hs;
	int id;

	if (s->root_off + 8 > len || s->elem_size_off + 8 > len)
		return 0;
	n = realloc(si->a, (si->nr + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	si->a = n;
	a = &si->a[si->nr++];
	memset(a, 0, sizeof(*a));
	snprintf(a->var, sizeof(a->var), "%s", var);
	a->map_index = m->map_index;
	a->btf = btf;
	memcpy(&a->root, g + s->root_off, 8);
	memcpy(&a->elem_size, g + s->elem_size_off, 8);
	a->levels = levels_of(btf);
	a->fanout = s->fanout;
	a->shape_why = s->why;
	/* the header: struct sdt_data, resolved if this BTF has only its name */
	lb = s->leaf_btf;
	lid = s->leaf;
	if (!lb || !lid || !defined(x, &lb, &lid)) {
		lb = btf;
		lid = btf__find_by_name_kind(btf, "sdt_data", BTF_KIND_STRUCT) > 0 ?
		      btf__find_by_name_kind(btf, "sdt_data", BTF_KIND_STRUCT) : 0;
		if (!lid) {
			int fid = btf__find_by_name_kind(btf, "sdt_data", BTF_KIND_FWD);

			lid = fid > 0 ? fid : 0;
			if (lid && !defined(x, &lb, &lid))
				lid = 0;
		}
	}
	hs = lid ? btf__resolve_size(lb, lid) : -1;
	if (hs <= 0 || hs > 4096) {
		/* clang keeps only the name of a struct reached through pointers */
		id = btf__find_by_name_kind(btf, "sdt_id", BTF_KIND_UNION);
		hs = id > 0 ? btf__resolve_size(btf, id) : -1;
		if (hs > 0 && hs <= 64) {
			a->hdr_why = "struct sdt_data is only declared: its header taken as union sdt_id";
		} else {
			hs = 8;
			a->hdr_why = "the header's size is unknown: taken as 8 bytes";
		}
	}
	a->hdr_size = hs;
	if (a->elem_size <= a->hdr_size || a->elem_size > (1u << 20)) {
		a->payload_why = "the element size read from the pool is not plausible";
	} else {
		choose_payload(x, a, s);
	}
	w.x = x, w.a = a, w.s = s;
	if (a->root)
		walk_desc(&w, a->root, 0, 0);
	if (w.err)
		return w.err;
	qsort(a->slots, a->nr_slots, sizeof(*a->slots), slot_cmp);
	return 0;
}

/* Worth a closer look: a struct with a "root" member. */
static bool maybe_allocator(const struct btf *btf, uint32_t type, void *ctx)
{
	const struct btf_type *t = btf__type_by_id(btf, type);
	uint32_t off, mt;

	return t && btf_is_struct(t) && globals_member(btf, type, "root", &off, &mt);
}

struct scan {
	const struct dump_index *x;
	struct sdt_index *si;
};

/* An allocator-shaped global: read, walked, typed. */
static int found(const struct global *g, void *ctx)
{
	const struct scan *sc = ctx;
	struct shape s = { 0 };

	if (!is_allocator(sc->x, g->btf, g->type, &s))
		return 0;
	return add_alloc(sc->x, sc->si, g->map, g->btf, g->name, g->bytes, g->size, &s);
}

int sdt_index_build(const struct dump_index *x, struct sdt_index *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	if (!x->nr_pages)
		return 0;
	err = globals_each(x, maybe_allocator, found, &(struct scan){ x, s });
	if (err)
		sdt_index_free(s);
	return err;
}

void sdt_index_free(struct sdt_index *s)
{
	uint32_t i;

	for (i = 0; i < s->nr; i++)
		free(s->a[i].slots);
	free(s->a);
	memset(s, 0, sizeof(*s));
}

const struct sdt_slot *sdt_slot_of(const struct sdt_index *s, uint64_t addr,
				   const struct sdt_alloc **a)
{
	uint32_t i;

	for (i = 0; s && i < s->nr; i++) {
		const struct sdt_alloc *al = &s->a[i];
		size_t lo = 0, hi = al->nr_slots;

		/* the last slot at or below @addr */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (al->slots[mid].addr <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo && addr - al->slots[lo - 1].addr < al->elem_size) {
			*a = al;
			return &al->slots[lo - 1];
		}
	}
	return NULL;
}

/*
 * "allocators": each sdt allocator with its geometry, how its payload was
 * typed, and its live slots in address order, each payload rendered.
 */
void sdt_emit(const struct emit *e)
{
	const struct mem_view *v = &e->view;
	yajl_gen g = e->g;
	char name[256];
	uint32_t i;
	size_t j;

	for (i = 0; i < v->sdt.nr; i++) {
		const struct sdt_alloc *a = &v->sdt.a[i];
		uint64_t psize = a->elem_size > a->hdr_size ? a->elem_size - a->hdr_size : 0;
		uint8_t *buf = psize && psize <= 65536 ? malloc(psize) : NULL;

		json_obj(g);
		json_kstr(g, "kind", "sdt");
		json_kstr(g, "name", a->var);
		json_kuint(g, "map_index", a->map_index);
		json_kuint(g, "element_size", a->elem_size);
		json_kuint(g, "header_size", a->hdr_size);
		if (a->hdr_why)
			json_kstr(g, "header_size_why", a->hdr_why);
		if (a->shape_why)
			json_kstr(g, "layout_why", a->shape_why);
		json_kuint(g, "payload_size", psize);
		json_key(g, "payload_type");
		if (a->payload_btf) {
			render_type_name(a->payload_btf, a->payload_type, name, sizeof(name));
			json_str(g, name);
			json_kstr(g, "payload_type_how", a->payload_how);
		} else {
			json_null(g);
			json_kstr(g, "payload_type_why", a->payload_why);
		}
		json_kuint(g, "levels", a->levels);
		json_kuint(g, "fanout", a->fanout);
		json_key(g, "root");
		json_addr(g, a->root);
		json_kuint(g, "nr_live", a->nr_slots + a->nr_over_cap);
		json_kuint(g, "nr_listed", a->nr_slots);
		json_kuint(g, "nr_unreadable", a->nr_unreadable);
		json_kuint(g, "nr_index_mismatch", a->nr_index_mismatch);
		json_key(g, "slots");
		json_arr(g);
		for (j = 0; j < a->nr_slots; j++) {
			const struct sdt_slot *s = &a->slots[j];

			json_obj(g);
			json_kuint(g, "index", s->index);
			json_kint(g, "idx", s->tid_idx);
			json_kint(g, "gen", s->tid_gen);
			json_key(g, "addr");
			json_addr(g, s->addr);
			json_key(g, "payload");
			if (!buf || !mem_arena_read(e->x, MEM_ANY_ARENA, s->addr + a->hdr_size,
						    buf, psize))
				json_null(g);
			else if (a->payload_btf)
				render_value_mem(g, a->payload_btf, a->payload_type, buf, psize, e->mem);
			else
				json_hex(g, buf, psize);
			json_obj_end(g);
		}
		json_arr_end(g);
		json_obj_end(g);
		free(buf);
	}
}

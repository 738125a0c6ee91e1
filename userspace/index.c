// SPDX-License-Identifier: GPL-2.0
/*
 * The index: one pass over the records, each handed to its row of the
 * record table (records.c). Every command (decode, info, summary) reads
 * the dump through it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "core.h"
#include "index.h"
#include "names.h"
#include "records.h"

/* dump_check() refused every map index from DUMP_MAX_MAP_INDEX up */
#define MAX_MAP_INDEX		DUMP_MAX_MAP_INDEX
#define MAX_BTF_INDEX		(1u << 16)

_Static_assert(offsetof(struct sxd_counters, sched_index) == sizeof(struct sxd_rec) &&
	       offsetof(struct sxd_prog_stats, sched_index) == sizeof(struct sxd_rec) &&
	       offsetof(struct sxd_sched_tree, sched_index) == sizeof(struct sxd_rec),
	       "scheduler statistics name their scheduler first");

/* Make (*p)[index] exist, zeroed; -ENOMEM marks the index incomplete. */
static int grow(struct dump_index *x, void *pp, uint32_t *nr, uint32_t index, size_t elem)
{
	void **p = pp;
	void *n;

	if (index < *nr)
		return 0;
	n = realloc(*p, (size_t)(index + 1) * elem);
	if (!n) {
		x->err = -ENOMEM;
		return -ENOMEM;
	}
	memset((char *)n + (size_t)*nr * elem, 0, (size_t)(index + 1 - *nr) * elem);
	*p = n;
	*nr = index + 1;
	return 0;
}

/* Append @n elements to a size_t-counted array. */
static void *append(struct dump_index *x, void *pp, size_t *nr, size_t n, size_t elem)
{
	void **p = pp;
	void *m = realloc(*p, (*nr + n) * elem);

	if (!m) {
		x->err = -ENOMEM;
		return NULL;
	}
	*p = m;
	*nr += n;
	return (char *)m + (*nr - n) * elem;
}

void index_capture(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (!x->cap)
		x->cap = (const void *)r;
}

void index_snapshot(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (x->snap)
		return;
	memset(&x->snap_buf, 0, sizeof(x->snap_buf));
	memcpy(&x->snap_buf, r, r->size < sizeof(x->snap_buf) ? r->size : sizeof(x->snap_buf));
	x->snap = &x->snap_buf;
}

void index_stall(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (!x->stall)
		x->stall = (const void *)r;
}

void index_timeline(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (!x->timeline)
		x->timeline = (const void *)r;
}

void index_events(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (!x->events)
		x->events = (const void *)r;
}

void index_sched(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (grow(x, &x->scheds, &x->nr_scheds, x->nr_scheds, sizeof(*x->scheds)))
		return;
	x->scheds[x->nr_scheds - 1].rec = (const void *)r;
	x->cur_sched = x->nr_scheds - 1;
}

/*
 * Counters, program statistics and the tree place follow their scheduler's
 * record, before the next scheduler or the first map, and name it.
 */
void index_sched_stats(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	/* each of these records has sched_index first after the header */
	const uint32_t *sched_index = (const void *)(r + 1);
	struct index_sched *s;
	size_t nr;

	if (x->cur_sched < 0)
		return;
	s = &x->scheds[x->cur_sched];
	if (*sched_index != s->rec->sched_index)
		return;
	nr = s->nr_stats;
	if (!append(x, &s->stats, &nr, 1, sizeof(*s->stats)))
		return;
	s->stats[s->nr_stats++] = r;
}

/* The core state comes after the consistent snapshot: found by its index. */
void index_core(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_core *c = (const void *)r;
	uint32_t i;

	for (i = 0; i < x->nr_scheds; i++) {
		if (x->scheds[i].rec->sched_index == c->sched_index && !x->scheds[i].core) {
			x->scheds[i].core = c;
			return;
		}
	}
}

/* A contradiction between records, said in the JSON's errors. */
__attribute__((format(printf, 2, 3)))
static void problem(struct dump_index *x, const char *fmt, ...)
{
	size_t nr = x->nr_problems;
	char *msg, **slot;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		x->err = -ENOMEM;
		return;
	}
	slot = append(x, &x->problems, &nr, 1, sizeof(*x->problems));
	if (!slot) {
		free(msg);
		return;
	}
	*slot = msg;
	x->nr_problems++;
}

/*
 * More of the tasks of the core record before it (the same sched_index
 * and when): kept when it has as many tasks, each at least the size this
 * decoder reads. An entry whose pid is not its core task's is not that
 * task's: emit_core() leaves it out, said here once.
 */
void index_core_tasks(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_core_tasks *t = (const void *)r;
	struct sxd_core_task_more m;
	struct index_sched *s = NULL;
	struct core_view v;
	uint32_t i, bad = 0, first = 0;

	for (i = 0; i < x->nr_scheds && !s; i++) {
		const struct sxd_core *c = x->scheds[i].core;

		if (c && c->sched_index == t->sched_index && c->when == t->when &&
		    (const void *)c < (const void *)r && !x->scheds[i].core_tasks_seen)
			s = &x->scheds[i];
	}
	if (!s) {
		problem(x, "decoder: the core tasks record of scheduler %u (%s) follows no core record of it: left out",
			t->sched_index, name_core_when(t->when));
		return;
	}
	s->core_tasks_seen = true;
	if (t->task_size < sizeof(m)) {
		problem(x, "decoder: the core tasks record of scheduler %u has %u-byte tasks, fewer than the %zu this decoder reads: left out",
			t->sched_index, t->task_size, sizeof(m));
		return;
	}
	if (t->nr_tasks != s->core->nr_tasks) {
		problem(x, "decoder: the core tasks record of scheduler %u has %u tasks, its core record %u: left out",
			t->sched_index, t->nr_tasks, s->core->nr_tasks);
		return;
	}
	s->core_tasks = t;
	core_view(s->core, &v);
	core_view_more(&v, t);
	for (i = 0; i < t->nr_tasks; i++) {
		if (core_more(&v, i, &m))
			continue;
		if (!bad++)
			first = i;
	}
	if (bad) {
		memcpy(&m, (const uint8_t *)(t + 1) + (size_t)first * t->task_size, sizeof(m));
		problem(x, "decoder: the core tasks record of scheduler %u: %u of its %u tasks are not the core record's (task %u: pid %d, the core record's %d): those left out",
			t->sched_index, bad, t->nr_tasks, first, m.pid, v.tasks[first].pid);
	}
}

void index_btf(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_btf *b = (const void *)r;
	struct index_btf *slot;

	if (b->btf_index >= MAX_BTF_INDEX ||
	    grow(x, &x->btfs, &x->nr_btfs, b->btf_index, sizeof(*x->btfs)))
		return;
	slot = &x->btfs[b->btf_index];
	if (slot->rec)
		return;	/* a duplicate index: keep the first */
	slot->rec = b;
}

const struct btf *index_btf_at(const struct dump_index *x, uint32_t i, const char **err)
{
	/* the cache is the index's own, which its owner allocated writable */
	struct index_btf *slot = i < x->nr_btfs ? (struct index_btf *)&x->btfs[i] : NULL;

	if (!slot || !slot->rec) {
		if (err)
			*err = "not captured";
		return NULL;
	}
	if (!slot->parsed) {
		slot->parsed = true;
		slot->btf = btf__new(slot->rec + 1, slot->rec->size);
		if (!slot->btf)
			slot->err = "embedded BTF does not parse";
	}
	if (err)
		*err = slot->err;
	return slot->btf;
}

const struct btf *index_vmlinux(const struct dump_index *x)
{
	struct dump_index *w = (struct dump_index *)x;
	uint32_t i;

	if (x->vmlinux_looked)
		return x->vmlinux;
	w->vmlinux_looked = true;
	for (i = 0; i < x->nr_btfs && !x->vmlinux; i++) {
		if (x->btfs[i].rec && x->btfs[i].rec->kind == SXD_BTF_VMLINUX)
			w->vmlinux = index_btf_at(x, i, NULL);
	}
	return x->vmlinux;
}

void index_map(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_map *m = (const void *)r;
	uint32_t slot = x->nr_maps;

	x->cur_sched = -1;	/* scheduler statistics come before the maps */
	if (grow(x, &x->maps, &x->nr_maps, slot, sizeof(*x->maps)))
		return;
	x->maps[slot] = (struct index_map){ .rec = m, .next = next };
	if (m->map_index < MAX_MAP_INDEX &&
	    !grow(x, &x->map_at, &x->nr_map_at, m->map_index, sizeof(*x->map_at)))
		x->map_at[m->map_index] = slot + 1;
}

/* Bytes a map's records take, to the last map header with its index. */
static void count_bytes(struct dump_index *x, uint32_t map_index, const struct sxd_rec *r)
{
	if (map_index < x->nr_map_at && x->map_at[map_index])
		x->maps[x->map_at[map_index] - 1].bytes += r->size;
}

/* Where each arena page is, for pointers into the arena (memory.c). */
static void index_arena_pages(struct dump_index *x, const struct sxd_entries *e)
{
	size_t esz = dump_entry_size(e->key_size, e->value_size, 1);
	struct arena_page *pg;
	uint32_t i;

	if (e->key_size != 8 || e->nr_values != 1 || !e->nr)
		return;
	pg = append(x, &x->pages, &x->nr_pages, e->nr, sizeof(*pg));
	if (!pg)
		return;
	for (i = 0; i < e->nr; i++, pg++) {
		const uint8_t *p = (const uint8_t *)(e + 1) + i * esz;

		memcpy(&pg->addr, p, 8);
		pg->data = p + 8;
		pg->size = e->value_size;
		pg->map_index = e->map_index;
	}
}

void index_entries(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_entries *e = (const void *)r;

	count_bytes(x, e->map_index, r);
	if (e->flags & SXD_ENTRIES_ARENA)
		index_arena_pages(x, e);
}

void index_map_end(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_map_end *e = (const void *)r;

	if (e->map_index < MAX_MAP_INDEX &&
	    !grow(x, &x->ends, &x->nr_ends, e->map_index, sizeof(*x->ends)))
		x->ends[e->map_index] = e;
}

void index_map_info(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_map_info *mi = (const void *)r;

	count_bytes(x, mi->map_index, r);
	if (mi->map_index < MAX_MAP_INDEX &&
	    !grow(x, &x->infos, &x->nr_infos, mi->map_index, sizeof(*x->infos)) &&
	    !x->infos[mi->map_index])
		x->infos[mi->map_index] = mi;
}

void index_error(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (!grow(x, &x->errors, &x->nr_errors, x->nr_errors, sizeof(*x->errors)))
		x->errors[x->nr_errors - 1] = (const void *)r;
}

void index_absent(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	if (!grow(x, &x->absent, &x->nr_absent, x->nr_absent, sizeof(*x->absent)))
		x->absent[x->nr_absent - 1] = (const void *)r;
}

void index_symbols(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_symbols *s = (const void *)r;
	const struct sxd_sym *sym = (const void *)(s + 1);
	const struct sxd_sym **slot;
	uint32_t i;

	slot = append(x, &x->syms, &x->nr_syms, s->nr, sizeof(*slot));
	for (i = 0; slot && i < s->nr; i++)
		slot[i] = &sym[i];
}

void index_prog_insns(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_prog_insns **slot = append(x, &x->progs, &x->nr_progs, 1, sizeof(*slot));

	if (slot)
		*slot = (const void *)r;
}

void index_kmem(struct dump_index *x, const struct sxd_rec *r, size_t next)
{
	const struct sxd_kmem **slot = append(x, &x->kmems, &x->nr_kmems, 1, sizeof(*slot));

	if (slot)
		*slot = (const void *)r;
}

static int sym_cmp(const void *a, const void *b)
{
	uint64_t p = (*(const struct sxd_sym *const *)a)->addr;
	uint64_t q = (*(const struct sxd_sym *const *)b)->addr;

	return p < q ? -1 : p > q;
}

static int kmem_cmp(const void *a, const void *b)
{
	uint64_t p = (*(const struct sxd_kmem *const *)a)->addr;
	uint64_t q = (*(const struct sxd_kmem *const *)b)->addr;

	return p < q ? -1 : p > q;
}

static int page_cmp(const void *a, const void *b)
{
	const struct arena_page *p = a, *q = b;

	if (p->addr != q->addr)
		return p->addr < q->addr ? -1 : 1;
	return p->map_index < q->map_index ? -1 : p->map_index > q->map_index;
}

static int name_cmp(const void *a, const void *b)
{
	const struct index_name *p = a, *q = b;
	int d = strncmp(p->name, q->name, sizeof(((struct sxd_map *)0)->name));

	return d ? d : (p->slot > q->slot) - (p->slot < q->slot);
}

/* by_name[]: every map by name, then file order, for dump_index_named(). */
static int index_names(struct dump_index *x)
{
	uint32_t i;

	if (!x->nr_maps)
		return 0;
	x->by_name = calloc(x->nr_maps, sizeof(*x->by_name));
	if (!x->by_name)
		return -ENOMEM;
	for (i = 0; i < x->nr_maps; i++)
		x->by_name[i] = (struct index_name){ x->maps[i].rec->name, i };
	qsort(x->by_name, x->nr_maps, sizeof(*x->by_name), name_cmp);
	return 0;
}

uint32_t dump_index_named(const struct dump_index *x, const char *name, uint32_t *first)
{
	size_t len = sizeof(((struct sxd_map *)0)->name);
	uint32_t lo = 0, hi = x->nr_maps, mid, end;

	while (lo < hi) {	/* the first not below @name */
		mid = lo + (hi - lo) / 2;
		if (strncmp(x->by_name[mid].name, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (end = lo, hi = x->nr_maps; end < hi;) {	/* the first above it */
		mid = end + (hi - end) / 2;
		if (strncmp(x->by_name[mid].name, name, len) <= 0)
			end = mid + 1;
		else
			hi = mid;
	}
	return end - lo;
}

int dump_index_build(struct dump_index *x, const struct dump_file *f)
{
	const struct rec_type *t;
	const struct sxd_rec *r;
	size_t off = 0;

	memset(x, 0, sizeof(*x));
	x->f = f;
	x->cur_sched = -1;
	while (!x->err && (r = dump_next(f, &off))) {
		t = rec_type_of(r->type);
		if (t && t->index)
			t->index(x, r, off);
	}
	if (x->err || index_names(x)) {
		dump_index_free(x);
		return -ENOMEM;
	}
	if (x->nr_syms)
		qsort(x->syms, x->nr_syms, sizeof(*x->syms), sym_cmp);
	if (x->nr_kmems)
		qsort(x->kmems, x->nr_kmems, sizeof(*x->kmems), kmem_cmp);
	if (x->nr_pages)
		qsort(x->pages, x->nr_pages, sizeof(*x->pages), page_cmp);
	return 0;
}

void dump_index_free(struct dump_index *x)
{
	uint32_t i;

	for (i = 0; i < x->nr_btfs; i++)
		btf__free(x->btfs[i].btf);
	for (i = 0; i < x->nr_scheds; i++)
		free(x->scheds[i].stats);
	free(x->scheds);
	free(x->errors);
	for (i = 0; i < x->nr_problems; i++)
		free(x->problems[i]);
	free(x->problems);
	free(x->absent);
	free(x->btfs);
	free(x->maps);
	free(x->by_name);
	free(x->map_at);
	free(x->ends);
	free(x->infos);
	free(x->syms);
	free(x->kmems);
	free(x->progs);
	free(x->pages);
	memset(x, 0, sizeof(*x));
}

const struct index_map *dump_index_map(const struct dump_index *x, uint32_t map_index)
{
	if (map_index < x->nr_map_at && x->map_at[map_index])
		return &x->maps[x->map_at[map_index] - 1];
	return NULL;
}

uint64_t dump_index_map_bytes(const struct dump_index *x, uint32_t map_index)
{
	const struct index_map *im = dump_index_map(x, map_index);

	return im ? im->bytes : 0;
}

const struct sxd_map_end *dump_index_end(const struct dump_index *x, uint32_t map_index)
{
	return map_index < x->nr_ends ? x->ends[map_index] : NULL;
}

const struct sxd_map_info *dump_index_info(const struct dump_index *x, uint32_t map_index)
{
	return map_index < x->nr_infos ? x->infos[map_index] : NULL;
}

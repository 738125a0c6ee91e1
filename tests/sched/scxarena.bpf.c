// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_ext scheduler whose per-task state lives in arena memory behind
 * an allocator of the sdt kind (the shape of the kernel's
 * tools/sched_ext/scx_sdt.bpf.c: a three-level radix tree of descriptors,
 * each with a bitmap of allocated positions and a chunk of child
 * pointers, whose leaves point at slots of a union sdt_id header and a
 * payload). Our own, smaller: every descriptor and slot is allocated in
 * ops.init (arena pages can only be allocated by sleepable programs on
 * 6.12), ops.init_task takes the next slot under a lock, and
 * ops.exit_task frees it (its bit cleared, its generation bumped). Task
 * storage holds each task's id and a pointer to its slot. Beside it, a
 * bump allocator of the scx library's kind (lib/alloc/bump.bpf.c) holds
 * a config, per-CPU state and a history; an array holds the first
 * cgroups by reference (cgroup kptrs). A global FIFO; it fails on
 * demand (fail_now) with scx_bpf_error().
 */
#include "scxtest.bpf.h"
#include "scxarena.h"

#define __arena __attribute__((address_space(1)))
#define NUMA_NO_NODE (-1)
#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, u32 page_cnt,
				    int node_id, u64 flags) __ksym __weak;
u32 scx_bpf_nr_cpu_ids(void) __ksym __weak;
struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;
struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp) __ksym;
void bpf_cgroup_release(struct cgroup *cgrp) __ksym;

#define __kptr __attribute__((btf_type_tag("kptr")))

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, SXA_ARENA_PAGES);
	__ulong(map_extra, 1ull << 41);	/* user address, 4 GiB aligned */
} arena SEC(".maps");

union sdt_id {
	s64 val;
	struct {
		s32 idx;
		s32 genn;
	};
};

struct sdt_chunk;

struct sdt_desc {
	u64 allocated[SXA_FANOUT / 64];
	u64 nr_free;
	struct sdt_chunk __arena *chunk;
};

struct sdt_data {
	union sdt_id tid;
	u64 payload[];
};

struct sdt_chunk {
	union {
		struct sdt_desc __arena *descs[SXA_FANOUT];
		struct sdt_data __arena *data[SXA_FANOUT];
	};
};

struct sdt_pool {
	void __arena *slab;
	u64 elem_size;
	u64 max_elems;
	u64 idx;
};

struct scx_allocator {
	struct sdt_pool pool;
	struct sdt_desc __arena *root;
};

/* task storage: the task's id and its slot, as scx_sdt's scx_task_map_val */
struct sxa_task_val {
	union sdt_id tid;
	u64 tptr;
	struct sdt_data __arena *data;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxa_task_val);
} sxa_tasks SEC(".maps");

/*
 * The newest SXA_KPTRS children of the loader (tasks forked with its
 * comm, "scxarena"), held by reference (kptrs), with the pid and tgid
 * the scheduler saw: the dump identifies each task by its own.
 */
struct sxa_kptr_val {
	struct task_struct __kptr *task;
	s32 pid, tgid;
	u64 slot_index;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SXA_KPTRS);
	__type(key, u32);
	__type(value, struct sxa_kptr_val);
} sxa_kptrs SEC(".maps");

/*
 * The first SXA_CGRPS cgroups ops.cgroup_init saw, held by reference,
 * with the id and level the scheduler read beside each.
 */
struct sxa_cgrp_val {
	struct cgroup __kptr *cgrp;
	u64 id;
	s32 level;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SXA_CGRPS);
	__type(key, u32);
	__type(value, struct sxa_cgrp_val);
} sxa_cgrps SEC(".maps");

/*
 * Not static: clang splits a static one into a variable per member,
 * which BTF cannot describe. Hidden: the loader has no use for it.
 */
__hidden struct scx_allocator sxa_allocator;
private(SXA_LOCK) struct bpf_spin_lock sxa_lock;

/*
 * The bump allocator, as the scx library's struct bump: allocations are
 * carved in order from a block of max_contig_bytes and never freed; one
 * that does not fit takes a new block, whose first 8 bytes link the one
 * before. ops.init takes a struct sxa_cfg, a struct sxa_cpu per CPU (the
 * first SXA_MAX_CPUS) and a struct sxa_hist, which no longer fits the
 * first block: two blocks. Only the pointers below type what it holds.
 */
struct bump {
	u64 max_contig_bytes;
	void __arena *memory;
	u64 off;
	u64 lim_memusage;
	u64 cur_memusage;
};

struct sxa_cfg {
	u32 magic;			/* SXA_CFG_MAGIC */
	u32 nr_cpus;			/* the struct sxa_cpu taken */
	u64 max_slots;
	u8 reserved[3000];		/* fills most of the first block */
};

struct sxa_cpu {
	s32 cpu;
	u32 pad;
	u64 nr_enqueues;		/* ops.enqueue calls on it */
};

struct sxa_hist {
	u32 magic;			/* SXA_HIST_MAGIC */
	u32 nr;
	u64 ring[255];			/* 2 KiB in all: past the first block */
};

__hidden struct bump sxa_bump;
struct sxa_cfg __arena *sxa_cfg;
struct sxa_hist __arena *sxa_hist;
struct sxa_cpu __arena *sxa_cpus[SXA_MAX_CPUS];

/* .bss the test reads */
u64 nr_alloc, nr_free, nr_alloc_failed, nr_enqueued, nr_kptr_set, nr_cgrp_set;
s32 init_err;
u32 fail_now;
struct sxa_payload __arena *last_payload;	/* the newest task's */
/*
 * The slot of the loader's newest child (the newest task could be gone,
 * its slot freed, by the time of a capture; the loader's children stay
 * until it ends), as a plain u64 that ops.enqueue casts to an arena
 * pointer and reads through: only the instructions say it is a pointer.
 * tptr in the task storage is one too, never dereferenced.
 */
u64 newest_slot;
s32 newest_idx_seen = -1;

/*
 * A program that follows arena pointers must name the arena (the verifier
 * ties addr_space_cast to it): one that allocates from it does already.
 */
#define sxa_use_arena() asm volatile("" :: "r"(&arena))

static const char sxa_comm[] = "scxarena";

/* @n zeroed bytes of arena; NULL when out of pages */
static void __arena *sxa_pages(u32 n)
{
	return bpf_arena_alloc_pages(&arena, NULL, n, NUMA_NO_NODE, 0);
}

/* A descriptor and its chunk, both zeroed, nr_free set. */
static struct sdt_desc __arena *sxa_node(struct sdt_desc __arena *descs, u32 i,
					   struct sdt_chunk __arena *chunk)
{
	struct sdt_desc __arena *d = &descs[i];

	d->nr_free = SXA_FANOUT;
	d->chunk = chunk;
	return d;
}

/* @bytes of the bump allocator, 8-byte aligned; NULL past its limit */
static void __arena *sxa_bump_alloc(u64 bytes)
{
	u64 off = (sxa_bump.off + 7) & ~7ull;
	void __arena *m;

	if (!sxa_bump.memory || off + bytes > sxa_bump.max_contig_bytes) {
		if (bytes + 8 > sxa_bump.max_contig_bytes ||
		    sxa_bump.cur_memusage + sxa_bump.max_contig_bytes > sxa_bump.lim_memusage)
			return NULL;
		m = sxa_pages(SXA_BUMP_PAGES);
		if (!m)
			return NULL;
		*(u64 __arena *)m = (u64)sxa_bump.memory;
		sxa_bump.memory = m;
		sxa_bump.cur_memusage += sxa_bump.max_contig_bytes;
		off = 8;
	}
	sxa_bump.off = off + bytes;
	return (void __arena *)((u64)sxa_bump.memory + off);
}

/* The bump allocator's contents: 0, or -ENOMEM. */
static s32 sxa_bump_fill(void)
{
	u32 i, nr = scx_bpf_nr_cpu_ids();
	struct sxa_cpu __arena *c;

	sxa_bump.max_contig_bytes = SXA_BUMP_PAGES * 4096;
	sxa_bump.lim_memusage = SXA_BUMP_LIMIT;
	sxa_cfg = sxa_bump_alloc(sizeof(*sxa_cfg));
	if (!sxa_cfg)
		return -12;
	sxa_cfg->magic = SXA_CFG_MAGIC;
	sxa_cfg->max_slots = SXA_MAX_SLOTS;
	for (i = 0; i < SXA_MAX_CPUS && i < nr; i++) {
		c = sxa_bump_alloc(sizeof(*c));
		if (!c)
			return -12;
		c->cpu = i;
		sxa_cpus[i] = c;
		sxa_cfg->nr_cpus = i + 1;
	}
	sxa_hist = sxa_bump_alloc(sizeof(*sxa_hist));
	if (!sxa_hist)
		return -12;
	sxa_hist->magic = SXA_HIST_MAGIC;
	return 0;
}

SEC("struct_ops.s/sxa_init")
s32 BPF_PROG(sxa_init)
{
	u64 esz = (sizeof(struct sdt_data) + sizeof(struct sxa_payload) + 7) / 8 * 8;
	u32 slab_pages = (SXA_MAX_SLOTS * esz + 4095) / 4096;
	struct sdt_desc __arena *descs, *root, *mid;
	struct sdt_chunk __arena *chunks;
	void __arena *slab;
	u32 i;

	/* descriptors: root, one middle, SXA_LEAVES leaves, all in one page */
	descs = sxa_pages(1);
	/* chunks: one page each, the same order */
	chunks = sxa_pages(2 + SXA_LEAVES);
	slab = sxa_pages(slab_pages);
	if (!descs || !chunks || !slab) {
		init_err = -12;
		return -12;
	}
	root = sxa_node(descs, 0, &chunks[0]);
	mid = sxa_node(descs, 1, &chunks[1]);
	chunks[0].descs[0] = mid;
	for (i = 0; i < SXA_LEAVES; i++)
		chunks[1].descs[i] = sxa_node(descs, 2 + i, &chunks[2 + i]);
	/* the middle level's one child in use is full only when all are */
	sxa_allocator.pool.slab = slab;
	sxa_allocator.pool.elem_size = esz;
	sxa_allocator.pool.max_elems = SXA_MAX_SLOTS;
	sxa_allocator.pool.idx = 0;
	sxa_allocator.root = root;
	init_err = sxa_bump_fill();
	return init_err;
}

/* The last-level descriptor of slot @idx: root, its one middle child, a leaf. */
static __always_inline struct sdt_desc __arena *sxa_leaf(u64 idx)
{
	struct sdt_chunk __arena *mid_chunk = sxa_allocator.root->chunk->descs[0]->chunk;

	return mid_chunk->descs[(idx / SXA_FANOUT) & (SXA_LEAVES - 1)];
}

SEC("struct_ops.s/sxa_init_task")
s32 BPF_PROG(sxa_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct sxa_payload __arena *pl;
	struct task_struct *held;
	struct sxa_kptr_val *kv;
	struct sdt_desc __arena *leaf;
	struct sdt_data __arena *data;
	struct sxa_task_val *v;
	u64 idx, pos, esz;
	void __arena *slab;

	sxa_use_arena();
	v = bpf_task_storage_get(&sxa_tasks, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v || !sxa_allocator.root) {
		__sync_fetch_and_add(&nr_alloc_failed, 1);
		return 0;
	}
	bpf_spin_lock(&sxa_lock);
	idx = sxa_allocator.pool.idx;
	if (idx >= SXA_MAX_SLOTS) {
		bpf_spin_unlock(&sxa_lock);
		__sync_fetch_and_add(&nr_alloc_failed, 1);
		return 0;
	}
	sxa_allocator.pool.idx = idx + 1;
	esz = sxa_allocator.pool.elem_size;
	slab = sxa_allocator.pool.slab;
	pos = idx & (SXA_FANOUT - 1);
	leaf = sxa_leaf(idx);
	data = (struct sdt_data __arena *)((u64)slab + esz * idx);
	leaf->allocated[pos / 64] |= 1ull << (pos % 64);
	leaf->nr_free -= 1;
	leaf->chunk->data[pos] = data;
	data->tid.idx = idx;
	bpf_spin_unlock(&sxa_lock);

	pl = (struct sxa_payload __arena *)data->payload;
	pl->pid = p->pid;
	pl->magic = SXA_MAGIC ^ p->pid;
	pl->slot_index = idx;
	for (pos = 0; pos < sizeof(pl->comm); pos++)
		pl->comm[pos] = p->comm[pos];
	v->tid = data->tid;
	v->tptr = (u64)p;
	v->data = data;
	last_payload = pl;

	for (pos = 0; pos < sizeof(sxa_comm); pos++) {
		if (p->comm[pos] != sxa_comm[pos])
			goto out;
	}
	/* the loader's newest child: alive until after the failure */
	newest_slot = (u64)data;
	kv = bpf_map_lookup_elem(&sxa_kptrs, &(u32){ nr_kptr_set++ % SXA_KPTRS });
	held = kv ? bpf_task_acquire(p) : NULL;
	if (kv && held) {
		kv->pid = p->pid;
		kv->tgid = p->tgid;
		kv->slot_index = idx;
		held = bpf_kptr_xchg(&kv->task, held);
		if (held)
			bpf_task_release(held);
	}
out:
	__sync_fetch_and_add(&nr_alloc, 1);
	return 0;
}

SEC("struct_ops.s/sxa_cgroup_init")
s32 BPF_PROG(sxa_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	struct sxa_cgrp_val *cv;
	struct cgroup *held;
	u32 k = nr_cgrp_set;

	if (k >= SXA_CGRPS)
		return 0;
	cv = bpf_map_lookup_elem(&sxa_cgrps, &k);
	held = cv ? bpf_cgroup_acquire(cgrp) : NULL;
	if (!held)
		return 0;
	nr_cgrp_set = k + 1;
	cv->id = cgrp->kn->id;
	cv->level = cgrp->level;
	held = bpf_kptr_xchg(&cv->cgrp, held);
	if (held)
		bpf_cgroup_release(held);
	return 0;
}

SEC("struct_ops/sxa_exit_task")
void BPF_PROG(sxa_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	struct sdt_desc __arena *leaf;
	struct sdt_data __arena *data;
	struct sxa_task_val *v;
	u64 idx, pos;

	sxa_use_arena();
	v = bpf_task_storage_get(&sxa_tasks, p, 0, 0);
	if (!v || !v->data || !sxa_allocator.root)
		return;
	data = v->data;
	idx = v->tid.idx;
	pos = idx & (SXA_FANOUT - 1);
	bpf_spin_lock(&sxa_lock);
	leaf = sxa_leaf(idx);
	leaf->allocated[pos / 64] &= ~(1ull << (pos % 64));
	leaf->nr_free += 1;
	data->tid.genn += 1;
	bpf_spin_unlock(&sxa_lock);
	__sync_fetch_and_add(&nr_free, 1);
	bpf_task_storage_delete(&sxa_tasks, p);
}

SEC("struct_ops/sxa_enqueue")
void BPF_PROG(sxa_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct sxa_task_val *v = bpf_task_storage_get(&sxa_tasks, p, 0, 0);
	struct sxa_payload __arena *pl;
	u32 cpu;

	sxa_use_arena();
	__sync_fetch_and_add(&nr_enqueued, 1);
	if (v && v->data) {
		pl = (struct sxa_payload __arena *)v->data->payload;
		pl->nr_enqueues += 1;
	}
	if (newest_slot)
		newest_idx_seen = ((struct sdt_data __arena *)newest_slot)->tid.idx;
	cpu = bpf_get_smp_processor_id();
	if (cpu < SXA_MAX_CPUS && sxa_cpus[cpu])
		sxa_cpus[cpu]->nr_enqueues += 1;
	if (sxa_hist) {
		sxa_hist->ring[sxa_hist->nr % 255] = p->pid;
		sxa_hist->nr += 1;
	}
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
	if (fail_now == 1) {
		fail_now = 2;
		sxt_error("scxdump-arena: planned failure, %llu slots live", nr_alloc - nr_free);
	}
}

SEC(".struct_ops.link")
struct sched_ext_ops sxa_ops = {
	.enqueue = (void *)sxa_enqueue,
	.init = (void *)sxa_init,
	.init_task = (void *)sxa_init_task,
	.exit_task = (void *)sxa_exit_task,
	.cgroup_init = (void *)sxa_cgroup_init,
	.name = "scxdump_arena",
};

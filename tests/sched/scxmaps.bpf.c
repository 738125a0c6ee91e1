// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_ext scheduler holding one map of every type scxdump captures,
 * with known contents (scxmaps.h), that fails after a set number of
 * enqueues. What BPF cannot fill, the loader (scxmaps.c) fills.
 */
#include "scxtest.bpf.h"
#include "scxmaps.h"

#define __arena __attribute__((address_space(1)))
#define __arena_global __attribute__((address_space(1)))
#define NUMA_NO_NODE (-1)

#define __kptr __attribute__((btf_type_tag("kptr")))

struct bpf_cpumask *bpf_cpumask_create(void) __ksym __weak;
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym __weak;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym __weak;

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, u32 page_cnt,
				    int node_id, u64 flags) __ksym __weak;

char _license[] SEC("license") = "GPL";

const volatile u64 fail_after;

/* A ring of four nodes on four non-adjacent arena pages. */
struct sxm_node {
	u64 value;			/* 111, 222, 333, 444 */
	struct sxm_node __arena *next;	/* the last points back to the first */
};

u64 nr_enqueued;
u64 nr_switches;
s64 last_stackid = -1;
s32 arena_err;
u64 scratch_read = 1;
struct sxm_node __arena *list_head;

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, SXM_ARENA_PAGES);
	__ulong(map_extra, 1ull << 40);	/* user address, 4 GiB aligned */
} arena SEC(".maps");

/* An arena global: libbpf puts it at the end of the arena. */
u64 __arena_global arena_magic = 0xa4e4a4e4a4e4a4e4ull;

/* cpumask kptrs: entry 0 holds CPUs 0 and 1, entry 1 CPU 1 alone. */
struct sxm_mask_val {
	struct bpf_cpumask __kptr *mask;
	u32 tag;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, struct sxm_mask_val);
} masks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SXM_PC_ARR);
	__type(key, u32);
	__type(value, u64);
} pc_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, struct sxm_pc_val);
} pc_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, struct sxm_pc_val);
} lru_pc_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, u32);
	__type(value, u64);
} lru_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxm_task_val);
} task_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxm_cg_val);
} cg_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxm_owner_val);
} inode_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxm_owner_val);
} sk_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4 * 4096);
} urb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 64);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 32 * sizeof(u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u32);
} progs SEC(".maps");

struct sxm_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, u32);
	__array(values, struct sxm_inner);
} outer_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, u32);
	__array(values, struct sxm_inner);
} outer_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, u32);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, u32);
} stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16);
	__type(key, struct sxm_lpm_key);
	__type(value, u32);
} lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__uint(map_extra, SXM_BLOOM_FUNCS);
	__type(value, u32);
} bloom SEC(".maps");

/* A tail-call target for the prog array (never called). */
SEC("socket")
int sxm_tail(void *ctx)
{
	return 0;
}

static long sxm_drain(struct bpf_dynptr *dynptr, void *ctx)
{
	return 0;
}

/*
 * Kernel stacks for the stack map, from every context switch. The maps
 * that are created without BTF (queue, stack, stack trace, map-in-maps,
 * user ring buffer) are attributed to the scheduler through a program of
 * its object that uses them: this one, which only reads them and never
 * takes the branch that would drain the user ring buffer.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(sxm_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u32 k = 1, v = 0;

	last_stackid = bpf_get_stackid(ctx, &stacks, 0);
	__sync_fetch_and_add(&nr_switches, 1);
	if (nr_switches == (u64)-1) {
		bpf_map_peek_elem(&queue, &v);
		bpf_map_peek_elem(&stack, &v);
		bpf_map_lookup_elem(&outer_arr, &k);
		bpf_map_lookup_elem(&outer_hash, &k);
		bpf_user_ringbuf_drain(&urb, sxm_drain, NULL, 0);
	}
	return 0;
}

static void sxm_build_list(void)
{
	static const u32 pages[SXM_LIST_LEN] = SXM_LIST_PAGES;
	struct sxm_node __arena *nodes[SXM_LIST_LEN];
	int i;

	for (i = 0; i < SXM_LIST_LEN; i++) {
		u64 hint = (u64)pages[i] * __PAGE_SIZE;

		nodes[i] = bpf_arena_alloc_pages(&arena, (void __arena *)hint, 1,
						 NUMA_NO_NODE, 0);
		if (!nodes[i]) {
			arena_err = -12;
			return;
		}
	}
	for (i = 0; i < SXM_LIST_LEN; i++) {
		nodes[i]->value = 111 * (i + 1);
		nodes[i]->next = nodes[(i + 1) % SXM_LIST_LEN];
	}
	list_head = nodes[0];
	/*
	 * A load from a page never allocated: the kernel maps its scratch page
	 * there (7.3) and the load reads 0. That page is not arena memory and
	 * must not show up in a dump.
	 */
	scratch_read = *(volatile u64 __arena *)((u64)30 * __PAGE_SIZE);
}

SEC("struct_ops.s/sxm_init_task")
s32 BPF_PROG(sxm_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct sxm_task_val *v;

	v = bpf_task_storage_get(&task_st, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v) {
		v->pid = p->pid;
		v->tgid = p->tgid;
		v->magic = 0x7a5c;
	}
	return 0;
}

SEC("struct_ops.s/sxm_cgroup_init")
s32 BPF_PROG(sxm_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	struct sxm_cg_val *v;

	v = bpf_cgrp_storage_get(&cg_st, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v) {
		v->id = cgrp->kn->id;
		v->level = cgrp->level;
	}
	return 0;
}

SEC("struct_ops/sxm_enqueue")
void BPF_PROG(sxm_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 n = __sync_fetch_and_add(&nr_enqueued, 1) + 1;

	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
	if (fail_after && n == fail_after)
		sxt_error("scxmaps: planned failure after %llu enqueues", n);
}

static void sxm_fill_mask(u32 key, bool cpu0)
{
	struct sxm_mask_val *v = bpf_map_lookup_elem(&masks, &key);
	struct bpf_cpumask *m, *old;

	if (!v)
		return;
	m = bpf_cpumask_create();
	if (!m)
		return;
	if (cpu0)
		bpf_cpumask_set_cpu(0, m);
	bpf_cpumask_set_cpu(1, m);
	v->tag = 0x3a5c + key;
	old = bpf_kptr_xchg(&v->mask, m);
	if (old)
		bpf_cpumask_release(old);
}

SEC("struct_ops.s/sxm_init")
s32 BPF_PROG(sxm_init)
{
	struct sxm_rb_rec r;
	u32 i;

	sxm_fill_mask(0, true);
	sxm_fill_mask(1, false);
	sxm_build_list();
	for (i = 1; i <= SXM_RB_RECORDS; i++) {
		r.seq = i;
		r.tag = 0xfeed0000 + i;
		bpf_ringbuf_output(&rb, &r, sizeof(r), 0);
	}
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops sxm_ops = {
	.enqueue = (void *)sxm_enqueue,
	.init_task = (void *)sxm_init_task,
	.cgroup_init = (void *)sxm_cgroup_init,
	.init = (void *)sxm_init,
	.timeout_ms = 5000,
	.name = "scxdump_maps",
};

// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_ext scheduler for scxdump's tests: a global FIFO that holds maps
 * with known contents and, in fail mode, calls scx_bpf_error() after a set
 * number of enqueues. Every value here is asserted on in tests/.
 */
#include "scxtest.bpf.h"
#include "scxtest.h"

char _license[] SEC("license") = "GPL";

/* .rodata: set by the loader before load. */
const volatile u64 seed;
const volatile u64 fail_after;		/* 0: never fail */

/* .data */
u32 magic_data = 0xc0ffee01;
char label[16] = "scxdump-test";
s16 neg_data = -1234;

/* .bss */
u64 nr_enqueued;
u64 failed_at;
u32 last_pid;
u64 arr_sum;
/*
 * What sched_ext's teardown changes: it runs exit_task for every task,
 * PID 1 included (which never exits otherwise), cgroup_exit for every
 * cgroup, the root one included, then exit. A dump taken before it has 0s.
 */
u64 nr_init_task;
u64 nr_exit_task_pid1;
u64 nr_cgroup_init;
u64 nr_cgroup_exit_root;
u64 exit_called;
s32 label_cmp = 99;
struct {
	u64 a;
	s32 b;
	enum sxt_phase phase;
} bss_stats;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SXT_ARR_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} arr_u64 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, struct sxt_sq);
} hash_kv SEC(".maps");

/* Used by no program: found through the object's BTF. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct sxt_pair_key);
	__type(value, struct sxt_pair_val);
} pair_hash SEC(".maps");

SEC("struct_ops/sxt_enqueue")
void BPF_PROG(sxt_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 n = __sync_fetch_and_add(&nr_enqueued, 1) + 1;
	u32 slot = n % SXT_ARR_ENTRIES;
	u64 *v = bpf_map_lookup_elem(&arr_u64, &slot);

	if (v)
		arr_sum += *v;	/* arr_u64 is the loader's; we only read it */

	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
	if (fail_after && n == fail_after) {
		failed_at = n;
		last_pid = p->pid;
		bss_stats.phase = SXT_PHASE_FAILED;
		sxt_error("scxdump-test: planned failure after %llu enqueues", n);
	}
}

SEC("struct_ops.s/sxt_init")
s32 BPF_PROG(sxt_init)
{
	struct sxt_sq v = {};
	u32 k, key;

	for (k = 1; k <= SXT_HASH_ENTRIES; k++) {
		key = k * 7;
		v.sq = (u64)k * k;
		v.key_echo = k;
		v.flags = k % 8;
		v.odd = k & 1;
		bpf_map_update_elem(&hash_kv, &key, &v, BPF_ANY);
	}
	bss_stats.a = 0xa1a2a3a4a5a6a7a8ull ^ seed;
	bss_stats.b = -42;
	bss_stats.phase = SXT_PHASE_RUNNING;
	/* A string literal: libbpf puts it in the .rodata.str1.1 map. */
	label_cmp = bpf_strncmp(label, sizeof(label), "scxdump-literal");
	return 0;
}

SEC("struct_ops.s/sxt_init_task")
s32 BPF_PROG(sxt_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	__sync_fetch_and_add(&nr_init_task, 1);
	return 0;
}

SEC("struct_ops/sxt_exit_task")
void BPF_PROG(sxt_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	if (p->pid == 1)
		__sync_fetch_and_add(&nr_exit_task_pid1, 1);
}

SEC("struct_ops.s/sxt_cgroup_init")
s32 BPF_PROG(sxt_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	__sync_fetch_and_add(&nr_cgroup_init, 1);
	return 0;
}

SEC("struct_ops/sxt_cgroup_exit")
void BPF_PROG(sxt_cgroup_exit, struct cgroup *cgrp)
{
	if (cgrp->level == 0)
		__sync_fetch_and_add(&nr_cgroup_exit_root, 1);
}

SEC("struct_ops/sxt_exit")
void BPF_PROG(sxt_exit, struct scx_exit_info *ei)
{
	exit_called = 1;
}

SEC(".struct_ops.link")
struct sched_ext_ops sxt_ops = {
	.enqueue = (void *)sxt_enqueue,
	.init = (void *)sxt_init,
	.init_task = (void *)sxt_init_task,
	.exit_task = (void *)sxt_exit_task,
	.cgroup_init = (void *)sxt_cgroup_init,
	.cgroup_exit = (void *)sxt_cgroup_exit,
	.exit = (void *)sxt_exit,
	.name = "scxdump_test",
};

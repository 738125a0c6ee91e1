// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler make bench captures (tests/bench/capture.sh): a global
 * FIFO whose maps are one per family the capture walks differently, sized
 * by the loader before load: an ARRAY of 4 KiB values, a HASH of u32 ->
 * 32 bytes, a PERCPU_HASH of the same, an ARENA whose pages the loader
 * touches, and a TASK_STORAGE value of 256 bytes for every task. It never
 * fails on its own: the bench captures it on demand. CPU hotplug is
 * accepted (empty callbacks), so the bench can take CPUs offline.
 */
#include "scxtest.bpf.h"
#include "scxbench.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* set by the loader */
	__type(key, u32);
	__type(value, struct sxb_page);
} b_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sxb_val);
} b_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sxb_val);
} b_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);		/* pages */
	__ulong(map_extra, 1ull << 42);	/* user address, 4 GiB aligned */
} arena SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxb_task);
} b_task SEC(".maps");

u64 nr_task_values;

SEC("struct_ops/sxb_enqueue")
void BPF_PROG(sxb_enqueue, struct task_struct *p, u64 enq_flags)
{
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC("struct_ops.s/sxb_init_task")
s32 BPF_PROG(sxb_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct sxb_task *v;
	int i;

	v = bpf_task_storage_get(&b_task, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v)
		return 0;
	for (i = 0; i < SXB_TASK_WORDS; i++)
		v->w[i] = SXB_MAGIC + i;
	v->w[0] = p->pid;
	__sync_fetch_and_add(&nr_task_values, 1);
	return 0;
}

SEC("struct_ops/sxb_cpu_online")
void BPF_PROG(sxb_cpu_online, s32 cpu)
{
}

SEC("struct_ops/sxb_cpu_offline")
void BPF_PROG(sxb_cpu_offline, s32 cpu)
{
}

/* the maps the loader fills are the scheduler's: its programs use them */
SEC("struct_ops.s/sxb_init")
s32 BPF_PROG(sxb_init)
{
	u32 k = 0;

	asm volatile("" :: "r"(&arena));
	if (!bpf_map_lookup_elem(&b_array, &k) || !bpf_map_lookup_elem(&b_hash, &k))
		return -22;
	bpf_map_lookup_elem(&b_pcpu, &k);
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops sxb_ops = {
	.enqueue = (void *)sxb_enqueue,
	.init_task = (void *)sxb_init_task,
	.cpu_online = (void *)sxb_cpu_online,
	.cpu_offline = (void *)sxb_cpu_offline,
	.init = (void *)sxb_init,
	.name = "scxdump_bench",
};

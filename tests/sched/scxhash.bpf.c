// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler test-hash captures: a global FIFO whose maps are hash
 * tables the loader (scxhash.c) puts through inserts, deletes, updates,
 * batch deletes and LRU evictions before it attaches, so that their
 * elements are in every state the kernel keeps them in: in a bucket's
 * list (first, or far down a long one), free, a spare of the update path,
 * evicted. Preallocated ones, dense and sparse, and one that is not.
 */
#include "scxtest.bpf.h"
#include "scxhash.h"

char _license[] SEC("license") = "GPL";

/* no seed: the loader knows each key's bucket, and fills one bucket */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__uint(max_entries, SXH_DEEP_MAX);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_deep SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_churn SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct sxh_okey);
	__type(value, struct sxh_oval);
} h_odd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_lru_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_sparse SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 2048);
	__type(key, u32);
	__type(value, struct sxh_val);
} h_noprealloc SEC(".maps");

SEC("struct_ops/sxh_enqueue")
void BPF_PROG(sxh_enqueue, struct task_struct *p, u64 enq_flags)
{
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

/* the maps are the scheduler's: its programs use them (nothing is changed) */
SEC("struct_ops.s/sxh_init")
s32 BPF_PROG(sxh_init)
{
	struct sxh_okey ok = { };
	u32 k = 0;

	bpf_map_lookup_elem(&h_deep, &k);
	bpf_map_lookup_elem(&h_churn, &k);
	bpf_map_lookup_elem(&h_odd, &ok);
	bpf_map_lookup_elem(&h_pcpu, &k);
	bpf_map_lookup_elem(&h_lru, &k);
	bpf_map_lookup_elem(&h_lru_pcpu, &k);
	bpf_map_lookup_elem(&h_sparse, &k);
	bpf_map_lookup_elem(&h_noprealloc, &k);
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops sxh_ops = {
	.enqueue = (void *)sxh_enqueue,
	.init = (void *)sxh_init,
	.name = "scxdump_hash",
};

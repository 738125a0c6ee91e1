// SPDX-License-Identifier: GPL-2.0
/*
 * A scheduler that keeps one invariant across three maps and fails on
 * request. Every enqueue, running and stopping callback, on every CPU, adds
 * one to inv_a[0], to this CPU's slot of inv_cpu and to inv_b[0], in that
 * order. The callbacks run with the runqueue lock held and interrupts off,
 * so at any instant at which no callback is halfway (a stop_machine()):
 *
 *	inv_a[0] == inv_b[0] == sum over CPUs of inv_cpu[0]
 *
 * A dump that reads the maps one after the other, while the callbacks go
 * on, may see inv_b ahead of inv_a. filler, 1 MiB between them in map
 * order, makes that window wide.
 */
#include "scxtest.bpf.h"
#include "scxsnap.h"

char _license[] SEC("license") = "GPL";

volatile u32 fail_now;		/* set by the loader */
u64 failed_at;
volatile u32 churn_pairs;	/* set by the loader: --big-hash */
u64 churn_seq, churn_swaps;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);		/* the loader sets it */
	__type(key, u32);
	__type(value, u64);
} big_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} big_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} inv_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SXS_FILLER_ENTRIES);
	__type(key, u32);
	__type(value, struct sxs_filler);
} filler SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sxs_big);
} big SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} inv_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} inv_b SEC(".maps");

/*
 * One pair swapped: the key not in the hash inserted, then the other
 * deleted, big_count[0] following each that succeeds (another CPU may be
 * swapping the same pair: then its insert finds the key there, or its
 * delete nothing). Inserted first, the new element is another than the
 * one then deleted: the pair moves in the element area, so that a walk
 * while it changes meets both keys or neither.
 */
static __always_inline void sxs_churn(void)
{
	u32 k0 = 0, pairs = churn_pairs, key, other;
	u64 *n, v, seq;

	if (!pairs)
		return;
	n = bpf_map_lookup_elem(&big_count, &k0);
	if (!n)
		return;
	seq = __sync_fetch_and_add(&churn_seq, 1);
	key = (u32)((seq * 2654435761ull) % pairs) * 2;
	other = key + 1;
	v = sxs_churn_value(other);
	if (bpf_map_update_elem(&big_hash, &other, &v, BPF_NOEXIST)) {
		other = key;
		key++;
		v = sxs_churn_value(other);
		if (bpf_map_update_elem(&big_hash, &other, &v, BPF_NOEXIST))
			return;
	}
	__sync_fetch_and_add(n, 1);
	if (!bpf_map_delete_elem(&big_hash, &key))
		__sync_fetch_and_add(n, -1);
	__sync_fetch_and_add(&churn_swaps, 1);
}

/*
 * The order of the lookups is the order of the program's used_maps, which
 * is the order of capture: inv_a, filler, inv_cpu, inv_b.
 */
static __always_inline void sxs_bump(void)
{
	u32 k = 0;
	u64 *a = bpf_map_lookup_elem(&inv_a, &k);
	struct sxs_filler *f = bpf_map_lookup_elem(&filler, &k);
	u64 *c = bpf_map_lookup_elem(&inv_cpu, &k);
	u64 *b = bpf_map_lookup_elem(&inv_b, &k);

	if (!a || !b || !c || !f)
		return;
	__sync_fetch_and_add(a, 1);
	f->w[1]++;		/* racy, and outside the invariant */
	*c += 1;
	__sync_fetch_and_add(b, 1);
	sxs_churn();
}

SEC("struct_ops/sxs_enqueue")
void BPF_PROG(sxs_enqueue, struct task_struct *p, u64 enq_flags)
{
	sxs_bump();
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
	if (fail_now && !failed_at) {
		u32 k = 0;
		u64 *a = bpf_map_lookup_elem(&inv_a, &k);

		failed_at = a ? *a : 1;
		sxt_error("scxdump-snap: planned failure at %llu updates", failed_at);
	}
}

SEC("struct_ops/sxs_running")
void BPF_PROG(sxs_running, struct task_struct *p)
{
	sxs_bump();
}

SEC("struct_ops/sxs_stopping")
void BPF_PROG(sxs_stopping, struct task_struct *p, bool runnable)
{
	sxs_bump();
}

SEC("struct_ops.s/sxs_init")
s32 BPF_PROG(sxs_init)
{
	u32 k = 0;
	u64 zero = 0;

	/* the hash's only element, updated in place from now on */
	return bpf_map_update_elem(&inv_b, &k, &zero, BPF_NOEXIST);
}

SEC(".struct_ops.link")
struct sched_ext_ops sxs_ops = {
	.enqueue = (void *)sxs_enqueue,
	.running = (void *)sxs_running,
	.stopping = (void *)sxs_stopping,
	.init = (void *)sxs_init,
	.name = "scxdump_snap",
};

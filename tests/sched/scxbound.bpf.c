// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_ext scheduler for the tests of a bounded, safe capture: every
 * task goes through one user DSQ, which dispatch can stop consuming (hold:
 * tasks pile up there, stranded, until sched_ext bypasses); a per-CPU
 * hash the loader fills with up to half a million keys; task storage on
 * every task, counted; LRU maps whose reference bits an iterator reads;
 * an overwrite-mode ring buffer whose oldest records were overwritten;
 * a ring buffer the loader can size to 16 MiB or more and fill
 * (sxb_fill_rb); 200 small arrays the loader creates only when asked.
 */
#include "scxtest.bpf.h"
#include <bpf/bpf_core_read.h>
#include "scxbound.h"

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym __weak;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym __weak;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym __weak;

char _license[] SEC("license") = "GPL";

/* .bss: set by the loader while the scheduler runs */
/* set by the loader where rb_ow cannot overwrite (6.12): writes stop when full */
const volatile u32 rb_plain;
const volatile u32 rbb_pages = 1;	/* rb_big's size in pages (the loader's) */
u32 hold;		/* dispatch leaves the DSQ alone */
u32 fail_now;		/* the next enqueue fails */
u64 fail_held_after;	/* with hold: fail after this many more enqueues */
/* .bss: kept by the scheduler */
u64 nr_enqueued;
u64 nr_held_enqueued;
u64 nr_task_st;		/* tasks with storage: in the same stop as the map */
u64 failed_at;
u64 rbb_records;	/* records sxb_fill_rb wrote into rb_big */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SXB_PC_MAX);
	__type(key, u32);
	__type(value, u64);
} pc_big SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxb_task_val);
} task_st SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SXB_LRU_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, SXB_LRU_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} lru_pc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(map_flags, 1u << 19);	/* BPF_F_RB_OVERWRITE */
	__uint(max_entries, SXB_RB_SIZE);
} rb_ow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SXB_RBB_PAGE);	/* set by the loader */
} rb_big SEC(".maps");

/* small_000 .. small_199, used by no program: found by their BTF */
#define SXB_SMALL(n)						\
	struct {						\
		__uint(type, BPF_MAP_TYPE_ARRAY);		\
		__uint(max_entries, 1);				\
		__type(key, u32);				\
		__type(value, struct sxb_small);		\
	} n SEC(".maps");
#define SXB_SMALL10(p)						\
	SXB_SMALL(p##0) SXB_SMALL(p##1) SXB_SMALL(p##2) SXB_SMALL(p##3) \
	SXB_SMALL(p##4) SXB_SMALL(p##5) SXB_SMALL(p##6) SXB_SMALL(p##7) \
	SXB_SMALL(p##8) SXB_SMALL(p##9)
SXB_SMALL10(small_00) SXB_SMALL10(small_01) SXB_SMALL10(small_02) SXB_SMALL10(small_03)
SXB_SMALL10(small_04) SXB_SMALL10(small_05) SXB_SMALL10(small_06) SXB_SMALL10(small_07)
SXB_SMALL10(small_08) SXB_SMALL10(small_09) SXB_SMALL10(small_10) SXB_SMALL10(small_11)
SXB_SMALL10(small_12) SXB_SMALL10(small_13) SXB_SMALL10(small_14) SXB_SMALL10(small_15)
SXB_SMALL10(small_16) SXB_SMALL10(small_17) SXB_SMALL10(small_18) SXB_SMALL10(small_19)

struct sxb_rec {
	u64 w[SXB_RB_REC_WORDS];	/* w[0] = SXB_RB_MAGIC + seq, w[124] = seq */
};

/*
 * No direct dispatch to an idle CPU (what the default select_cpu does):
 * every wakeup goes through enqueue and the DSQ, so that hold strands it.
 */
SEC("struct_ops/sxb_select_cpu")
s32 BPF_PROG(sxb_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

SEC("struct_ops/sxb_enqueue")
void BPF_PROG(sxb_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 n = __sync_fetch_and_add(&nr_enqueued, 1) + 1;

	sxt_dsq_insert(p, SXB_DSQ, SCX_SLICE_DFL, enq_flags);
	/* an idle CPU would not look at the DSQ on its own */
	if (!hold)
		scx_bpf_kick_cpu(scx_bpf_task_cpu(p), SCX_KICK_IDLE);
	if (hold && fail_held_after &&
	    __sync_fetch_and_add(&nr_held_enqueued, 1) + 1 == fail_held_after) {
		failed_at = n;
		sxt_error("scxbound: %llu tasks stranded on DSQ %d", fail_held_after, SXB_DSQ);
	}
	if (fail_now && !failed_at) {
		failed_at = n;
		sxt_error("scxbound: planned failure after %llu enqueues", n);
	}
}

SEC("struct_ops/sxb_dispatch")
void BPF_PROG(sxb_dispatch, s32 cpu, struct task_struct *prev)
{
	if (!hold)
		sxt_dsq_move_to_local(SXB_DSQ);
}

SEC("struct_ops.s/sxb_init_task")
s32 BPF_PROG(sxb_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct sxb_task_val *v;

	v = bpf_task_storage_get(&task_st, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v) {
		v->pid = p->pid;
		v->tgid = p->tgid;
		v->magic = SXB_TASK_MAGIC;
		__sync_fetch_and_add(&nr_task_st, 1);
	}
	return 0;
}

SEC("struct_ops/sxb_exit_task")
void BPF_PROG(sxb_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	if (bpf_task_storage_delete(&task_st, p) == 0)
		__sync_fetch_and_sub(&nr_task_st, 1);
}

SEC("struct_ops.s/sxb_init")
s32 BPF_PROG(sxb_init)
{
	struct sxb_rec *r;
	u32 i;

	for (i = 1; i <= SXB_RB_RECORDS; i++) {
		r = bpf_ringbuf_reserve(&rb_ow, sizeof(*r), 0);
		if (!r && rb_plain)
			break;
		if (!r)
			return -12;
		__builtin_memset(r, 0, sizeof(*r));
		r->w[0] = SXB_RB_MAGIC + i;
		r->w[SXB_RB_REC_WORDS - 1] = i;
		bpf_ringbuf_submit(r, 0);
	}
	/* rb_big among the maps the scheduler's programs use */
	if (bpf_ringbuf_query(&rb_big, BPF_RB_RING_SIZE) < SXB_RBB_PAGE)
		return -22;
	return scx_bpf_create_dsq(SXB_DSQ, -1);
}

static long sxb_fill_one(u64 i, void *ctx)
{
	u64 *r = bpf_ringbuf_reserve(&rb_big, SXB_RBB_REC, 0);

	if (!r)
		return 1;	/* full */
	r[0] = SXB_RB_MAGIC + i;
	bpf_ringbuf_submit(r, 0);
	rbb_records++;
	return 0;
}

/* Run by the loader through bpf(2) (--rb-fill): rb_big as full as it gets. */
SEC("syscall")
int sxb_fill_rb(void *ctx)
{
	bpf_loop(rbb_pages, sxb_fill_one, NULL, 0);
	return 0;
}

struct sxb_touch_args {
	u32 unused;
};

static __always_inline void sxb_touch_key(u32 k)
{
	bpf_map_lookup_elem(&lru, &k);
	bpf_map_lookup_elem(&lru_pc, &k);
}

/* Run by the loader through bpf(2): its lookups set the even keys' bits. */
SEC("syscall")
int sxb_touch(struct sxb_touch_args *ctx)
{
	sxb_touch_key(0);
	sxb_touch_key(2);
	sxb_touch_key(4);
	sxb_touch_key(6);
	sxb_touch_key(8);
	sxb_touch_key(10);
	sxb_touch_key(12);
	sxb_touch_key(14);
	return 0;
}

/*
 * Each element's LRU reference bit, as "key ref" lines. The map iterator
 * walks the buckets without a lookup (kernel/bpf/hashtab.c,
 * bpf_hash_map_seq_find_next), so reading leaves the bits as they are.
 */
SEC("iter/bpf_map_elem")
int sxb_lru_refs(struct bpf_iter__bpf_map_elem *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	void *k = ctx->key;
	unsigned long at;
	u32 key;
	u8 ref;

	if (!k)
		return 0;
	key = *(u32 *)k;
	/* the element holding the key: struct htab_elem, from the kernel's BTF */
	at = (unsigned long)k - bpf_core_field_offset(struct htab_elem, key) +
	     bpf_core_field_offset(struct htab_elem, lru_node.ref);
	if (bpf_probe_read_kernel(&ref, sizeof(ref), (void *)at))
		return 0;
	BPF_SEQ_PRINTF(seq, "%u %u\n", key, ref);
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops sxb_ops = {
	.select_cpu = (void *)sxb_select_cpu,
	.enqueue = (void *)sxb_enqueue,
	.dispatch = (void *)sxb_dispatch,
	.init_task = (void *)sxb_init_task,
	.exit_task = (void *)sxb_exit_task,
	.init = (void *)sxb_init,
	/*
	 * The last runnable task of a CPU is enqueued too when its slice ends,
	 * not kept running: with hold, every task strands, busy loops too.
	 */
	.flags = SCX_OPS_ENQ_LAST,
	.timeout_ms = 3000,
	.name = "scxdump_bound",
};

// SPDX-License-Identifier: GPL-2.0
/*
 * A parent and a child sched_ext scheduler, from one object loaded twice
 * (7.3 sub-schedulers; both in cid form, which requires an arena). The
 * parent schedules everything through the global queue and accepts the
 * child, attached to an empty cgroup; each instance records who it is in
 * its own role map and .bss. On request the parent fails with
 * scx_bpf_error(), and sched_ext disables the child with SCX_EXIT_PARENT.
 */
#include "scxtest.bpf.h"
#include "scxsub.h"

char _license[] SEC("license") = "GPL";

const volatile u64 sub_cgid;	/* 0: the parent; else the child's cgroup */
volatile u32 trigger_error;	/* set by the loader, in the parent */
u64 role_tag;

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sxb_role);
} role SEC(".maps");

static __always_inline struct sxb_role *sxb_role(void)
{
	u32 k = 0;

	return bpf_map_lookup_elem(&role, &k);
}

SEC("struct_ops/sxb_enqueue")
void BPF_PROG(sxb_enqueue, struct task_struct *p, u64 enq_flags)
{
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
	if (!sub_cgid && trigger_error)
		sxt_error("scxdump-sub: the parent fails on purpose");
}

SEC("struct_ops/sxb_sub_attach")
s32 BPF_PROG(sxb_sub_attach, struct scx_sub_attach_args *args)
{
	struct sxb_role *r = sxb_role();

	if (sub_cgid)
		return -95;	/* EOPNOTSUPP: the child takes no children */
	if (r)
		__sync_fetch_and_add(&r->nr_attach, 1);
	return 0;
}

SEC("struct_ops.s/sxb_init")
s32 BPF_PROG(sxb_init)
{
	struct sxb_role *r = sxb_role();

	/* a cid-form scheduler must use an arena: reference it */
	asm volatile("" :: "r"(&arena));
	role_tag = sub_cgid ? SXB_CHILD_TAG : SXB_PARENT_TAG;
	if (r) {
		r->tag = role_tag;
		r->sub_cgid = sub_cgid;
		r->nr_init++;
	}
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid sxb_ops = {
	.enqueue = (void *)sxb_enqueue,
	.sub_attach = (void *)sxb_sub_attach,
	.init = (void *)sxb_init,
	.name = "scxsub",
};

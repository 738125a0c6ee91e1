// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_ext scheduler with a known sequence of decisions, for the event
 * recorder's test: task A (pid_a) is inserted into DSQ SXR_DSQ_A with
 * slice SXR_SLICE_A, task B (pid_b) into DSQ SXR_DSQ_B by vtime
 * (SXR_VTIME_B + its insert's number) with slice SXR_SLICE_B, each insert
 * of B followed by a kick of CPU SXR_KICK_CPU; the SXR_FAIL_AT-th insert
 * of A calls scx_bpf_error(). Every other task goes to the global DSQ.
 * The loader wakes A, A wakes B, and so on: A's inserts and B's alternate.
 */
#include "scxtest.bpf.h"
#include "scxrec.h"

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym __weak;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___compat(struct task_struct *p, u64 dsq_id, u64 slice,
				     u64 vtime, u64 enq_flags) __ksym __weak;

char _license[] SEC("license") = "GPL";

const volatile s32 pid_a;	/* .rodata: set by the loader */
const volatile s32 pid_b;
u64 nr_a, nr_b, nr_kicks;	/* .bss: the decisions made */

/* every wakeup goes through enqueue: no direct dispatch to an idle CPU */
SEC("struct_ops/sxr_select_cpu")
s32 BPF_PROG(sxr_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

SEC("struct_ops/sxr_enqueue")
void BPF_PROG(sxr_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 n;

	if (pid_a && p->pid == pid_a) {
		n = __sync_fetch_and_add(&nr_a, 1) + 1;
		sxt_dsq_insert(p, SXR_DSQ_A, SXR_SLICE_A, enq_flags);
		if (n == SXR_FAIL_AT)
			sxt_error("scxrec: insert %llu of task A", n);
		return;
	}
	if (pid_b && p->pid == pid_b) {
		n = __sync_fetch_and_add(&nr_b, 1) + 1;
		if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime))
			scx_bpf_dsq_insert_vtime(p, SXR_DSQ_B, SXR_SLICE_B, SXR_VTIME_B + n,
						 enq_flags);
		else
			scx_bpf_dispatch_vtime___compat(p, SXR_DSQ_B, SXR_SLICE_B,
							SXR_VTIME_B + n, enq_flags);
		scx_bpf_kick_cpu(SXR_KICK_CPU, 0);
		__sync_fetch_and_add(&nr_kicks, 1);
		return;
	}
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC("struct_ops/sxr_dispatch")
void BPF_PROG(sxr_dispatch, s32 cpu, struct task_struct *prev)
{
	if (!sxt_dsq_move_to_local(SXR_DSQ_A))
		sxt_dsq_move_to_local(SXR_DSQ_B);
}

SEC("struct_ops.s/sxr_init")
s32 BPF_PROG(sxr_init)
{
	return scx_bpf_create_dsq(SXR_DSQ_A, -1) ?: scx_bpf_create_dsq(SXR_DSQ_B, -1);
}

SEC(".struct_ops.link")
struct sched_ext_ops sxr_ops = {
	.select_cpu = (void *)sxr_select_cpu,
	.enqueue = (void *)sxr_enqueue,
	.dispatch = (void *)sxr_dispatch,
	.init = (void *)sxr_init,
	.name = "scxdump_rec",
};

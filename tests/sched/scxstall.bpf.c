// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_ext scheduler that starves one task, for the stall watch's test:
 * every task goes to the global DSQ, except the one whose pid the loader
 * names (starve_pid), which goes to a DSQ nobody consumes. Its watchdog
 * timeout is short (SXS_TIMEOUT_MS), so sched_ext fails it for that
 * task's stall.
 */
#include "scxtest.bpf.h"
#include "scxstall.h"

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym __weak;

char _license[] SEC("license") = "GPL";

s32 starve_pid;			/* .bss: set by the loader */
u64 nr_enqueued;		/* .bss: kept by the scheduler */
u64 nr_starved_enqueues;	/* the victim's, all onto SXS_DSQ */

/*
 * No direct dispatch to an idle CPU (what the default select_cpu does):
 * every wakeup goes through enqueue, so that the victim cannot slip by.
 */
SEC("struct_ops/sxs_select_cpu")
s32 BPF_PROG(sxs_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

SEC("struct_ops/sxs_enqueue")
void BPF_PROG(sxs_enqueue, struct task_struct *p, u64 enq_flags)
{
	__sync_fetch_and_add(&nr_enqueued, 1);
	if (starve_pid && p->pid == starve_pid) {
		__sync_fetch_and_add(&nr_starved_enqueues, 1);
		sxt_dsq_insert(p, SXS_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC("struct_ops.s/sxs_init")
s32 BPF_PROG(sxs_init)
{
	return scx_bpf_create_dsq(SXS_DSQ, -1);
}

SEC(".struct_ops.link")
struct sched_ext_ops sxs_ops = {
	.select_cpu = (void *)sxs_select_cpu,
	.enqueue = (void *)sxs_enqueue,
	.init = (void *)sxs_init,
	.timeout_ms = SXS_TIMEOUT_MS,
	.name = "scxdump_stall",
};

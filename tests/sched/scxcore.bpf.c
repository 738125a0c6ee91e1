// SPDX-License-Identifier: GPL-2.0
/*
 * A scheduler that parks the tasks its loader names on two DSQs of its
 * own and never runs them: SXC_DSQ_VTIME, in vtime order (the loader
 * gives each its vtime), and SXC_DSQ_FIFO, in the order they arrive.
 * Everything else goes to the global DSQ. Every task it enqueues gets a
 * task_ctx (task storage) saying who it is and where it was parked. On
 * the loader's word it fails (scx_bpf_error()) at the next enqueue.
 */
#include "scxtest.bpf.h"
#include "scxcore.h"

char _license[] SEC("license") = "GPL";

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym __weak;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___compat(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				     u64 enq_flags) __ksym __weak;

volatile u32 fail_now;		/* set by the loader */
u32 nr_parked;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SXC_MAX_PARK);
	__type(key, s32);
	__type(value, struct sxc_park);
} park SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sxc_task);
} task_ctx SEC(".maps");

SEC("struct_ops/sxc_enqueue")
void BPF_PROG(sxc_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct sxc_task *t = bpf_task_storage_get(&task_ctx, p, NULL,
						  BPF_LOCAL_STORAGE_GET_F_CREATE);
	s32 pid = p->pid;
	struct sxc_park *k = bpf_map_lookup_elem(&park, &pid);

	if (fail_now)
		sxt_error("scxdump-core: planned failure with %u tasks parked", nr_parked);
	if (t) {
		t->magic = SXC_MAGIC ^ pid;
		t->enqueues++;
	}
	if (!k) {
		sxt_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
		return;
	}
	if (t) {
		t->park_dsq = k->dsq;
		t->park_order = k->order;
	}
	if (k->dsq == SXC_DSQ_VTIME) {
		if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime))
			scx_bpf_dsq_insert_vtime(p, SXC_DSQ_VTIME, SXC_SLICE, k->vtime, enq_flags);
		else
			scx_bpf_dispatch_vtime___compat(p, SXC_DSQ_VTIME, SXC_SLICE, k->vtime,
							enq_flags);
	} else {
		sxt_dsq_insert(p, SXC_DSQ_FIFO, SXC_SLICE, enq_flags);
	}
	if (!k->parked)
		k->parked = __sync_add_and_fetch(&nr_parked, 1);
}

/*
 * No direct dispatch to an idle CPU (the default ops.select_cpu's): every
 * wakeup comes through ops.enqueue, where the failure is planned.
 */
SEC("struct_ops/sxc_select_cpu")
s32 BPF_PROG(sxc_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

SEC("struct_ops.s/sxc_init")
s32 BPF_PROG(sxc_init)
{
	return scx_bpf_create_dsq(SXC_DSQ_VTIME, -1) ?: scx_bpf_create_dsq(SXC_DSQ_FIFO, -1);
}

SEC(".struct_ops.link")
struct sched_ext_ops sxc_ops = {
	.select_cpu = (void *)sxc_select_cpu,
	.enqueue = (void *)sxc_enqueue,
	.init = (void *)sxc_init,
	.timeout_ms = 20000,
	.name = "scxdump_core",
};

// SPDX-License-Identifier: GPL-2.0
/*
 * The capture hook: where in sched_ext's disable path the capture runs,
 * and why that point is safe (kernel/sched/ext/ext.c and sub.c, 7.3).
 *
 * sched_ext disables a scheduler in three steps: scx_claim_exit() in any
 * context (it sets ->aborting, after which the dispatch path no longer
 * consumes the scheduler's own DSQs: tasks queued there wait), then
 * scx_disable_irq_workfn() in hardirq (the exit message and sched_ext's
 * debug dump), then scx_disable_workfn() in the scheduler's
 * "sched_ext_helper" kthread. That one swaps exit_kind for SCX_EXIT_DONE,
 * writes exit_info->kind and ->reason, and calls scx_root_disable() or,
 * for a sub-scheduler, scx_sub_disable(). Both begin the same way:
 *
 *	scx_bypass(sch, true);		all runnable tasks make progress
 *	drain_descendants(sch);		wait for the children's own disable
 *	...				then, under scx_enable_mutex:
 *					ops.cgroup_exit / task re-homing,
 *					ops.exit_task for every task, ops.exit
 *
 * The capture runs at the entry of drain_descendants(): after bypass, so
 * every runnable task, including those stranded on the failed scheduler's
 * DSQs, makes forward progress ("Here, every runnable task is guaranteed
 * to make forward progress and we can safely use blocking synchronization
 * constructs", right after drain_descendants() in both callers); and
 * before any ops.cgroup_exit, ops.exit_task or ops.exit of this scheduler,
 * which come after drain_descendants() returns. So the capture may sleep,
 * take mutexes, allocate with GFP_KERNEL and stop the machine: nothing it
 * waits for can wait on a task that sched_ext no longer runs. It runs
 * before the children are drained, so a failing root is captured while
 * its sub-schedulers disable in parallel (each captured at its own
 * drain_descendants()), not after them. Bypass does not make the maps
 * quiescent: ops.select_cpu, ops.enqueue and ops.dispatch are skipped,
 * but ops.runnable/running/stopping/quiescent/tick/dequeue still run, and
 * so do tracing programs: the consistent snapshot still matters.
 *
 * drain_descendants() is global (sub.c) and called from nowhere else; on
 * a kernel without sub-schedulers (CONFIG_EXT_SUB_SCHED=n) it is an empty
 * inline and there is no such point: insmod says so.
 *
 * An ftrace ops with IPMODIFY on it (livepatch's method) sends the call to
 * hook_drain_descendants(), which runs in the same kthread, captures, then
 * calls the original (a static call: a direct call, which IBT allows into
 * a function whose ENDBR is sealed). The original's own call comes from
 * this module, which the ftrace handler lets through.
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include "ksyms.h"
#include "scxdump.h"

static void hook_drain_descendants(struct scx_sched *sch)
{
	trigger_exit(sch);
	static_call(hook_drain_descendants_orig)(sch);
	/* Taken by hook_ftrace_handler(); lets rmmod wait for us. */
	module_put(THIS_MODULE);
}

static void notrace hook_ftrace_handler(unsigned long ip, unsigned long parent_ip,
					struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
	/* The original called from hook_drain_descendants(): run it. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	/* The module is going away: let the kernel disable on its own. */
	if (!try_module_get(THIS_MODULE))
		return;
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)hook_drain_descendants);
}

static struct ftrace_ops hook_ftrace_ops = {
	.func = hook_ftrace_handler,
	.flags = FTRACE_OPS_FL_DYNAMIC |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 FTRACE_OPS_FL_IPMODIFY,
};

int hook_init(void)
{
	int err;

	err = ftrace_set_filter(&hook_ftrace_ops, (unsigned char *)HOOK_TARGET,
				strlen(HOOK_TARGET), 1);
	if (err) {
		pr_err("scxdump: cannot trace %s (%d): needs CONFIG_DYNAMIC_FTRACE\n",
		       HOOK_TARGET, err);
		return err;
	}
	err = register_ftrace_function(&hook_ftrace_ops);
	if (err) {
		pr_err("scxdump: cannot hook %s (%d); is another IPMODIFY user (livepatch, BPF trampoline) on it?\n",
		       HOOK_TARGET, err);
		ftrace_free_filter(&hook_ftrace_ops);
	}
	return err;
}

void hook_exit(void)
{
	int err = unregister_ftrace_function(&hook_ftrace_ops);

	/*
	 * Nothing can be undone here: the ops stays in ftrace's list and its
	 * handler would run from freed text. Say so loudly; the filter is
	 * left alone, since it belongs to an ops ftrace still holds.
	 */
	if (err) {
		pr_err("scxdump: cannot unhook %s (%d): the kernel may crash on the next sched_ext disable\n",
		       HOOK_TARGET, err);
		return;
	}
	ftrace_free_filter(&hook_ftrace_ops);
}

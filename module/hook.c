// SPDX-License-Identifier: GPL-2.0
/*
 * The capture hook. sched_ext disables a scheduler in three steps
 * (kernel/sched/ext/ext.c): scx_claim_exit() in any context, then
 * scx_disable_irq_workfn() in hardirq (which writes the exit message and
 * sched_ext's debug dump), then scx_disable_workfn() in the scheduler's
 * "sched_ext_helper" kthread, which bypasses, runs ops.cgroup_exit, every
 * task's ops.exit_task and finally ops.exit.
 *
 * An ftrace ops with IPMODIFY on scx_disable_workfn (livepatch's method)
 * sends the call to sxd_disable_workfn() instead. That runs in the same
 * kthread, sleepable and holding no lock, before any of the teardown:
 * it captures, then calls the original function. The original's own call
 * comes from this module, which the ftrace handler lets through.
 */
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include "ksyms.h"
#include "scxdump.h"

static const char sxd_hook_target[] = "scx_disable_workfn";

static void sxd_disable_workfn(struct kthread_work *work)
{
	sxd_capture_exit((u8 *)work - sxd_l.sch_disable_work);
	sxd_sym.disable_workfn(work);
	/* Taken by sxd_ftrace_handler(); lets rmmod wait for us. */
	module_put(THIS_MODULE);
}

static void notrace sxd_ftrace_handler(unsigned long ip, unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
	/* The original called from sxd_disable_workfn(): run it. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	/* The module is going away: let the kernel disable on its own. */
	if (!try_module_get(THIS_MODULE))
		return;
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)sxd_disable_workfn);
}

static struct ftrace_ops sxd_ftrace_ops = {
	.func = sxd_ftrace_handler,
	.flags = FTRACE_OPS_FL_DYNAMIC |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 FTRACE_OPS_FL_IPMODIFY,
};

int sxd_hook_init(void)
{
	int err;

	err = ftrace_set_filter(&sxd_ftrace_ops, (unsigned char *)sxd_hook_target,
				strlen(sxd_hook_target), 1);
	if (err) {
		pr_err("scxdump: cannot trace %s (%d): needs CONFIG_DYNAMIC_FTRACE\n",
		       sxd_hook_target, err);
		return err;
	}
	err = register_ftrace_function(&sxd_ftrace_ops);
	if (err) {
		pr_err("scxdump: cannot hook %s (%d); is another IPMODIFY user (livepatch, BPF trampoline) on it?\n",
		       sxd_hook_target, err);
		ftrace_free_filter(&sxd_ftrace_ops);
	}
	return err;
}

void sxd_hook_exit(void)
{
	unregister_ftrace_function(&sxd_ftrace_ops);
	ftrace_free_filter(&sxd_ftrace_ops);
}

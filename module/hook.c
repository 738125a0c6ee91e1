// SPDX-License-Identifier: GPL-2.0
/*
 * The capture hook: where in sched_ext's disable path the capture runs,
 * and why that point is safe (7.3: kernel/sched/ext/ext.c and sub.c;
 * 6.12: kernel/sched/ext.c).
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
 * a 7.x kernel without sub-schedulers (CONFIG_EXT_SUB_SCHED=n) it is an
 * empty inline and there is no such point: insmod says so.
 *
 * 6.12 has one scheduler and no drain_descendants(): its
 * scx_ops_disable_workfn() (kernel/sched/ext.c) swaps scx_exit_kind for
 * SCX_EXIT_DONE, writes scx_exit_info->kind and ->reason, then
 *
 *	scx_ops_bypass(true);		"guarantee forward progress"
 *	scx_ops_set_enable_state(SCX_OPS_DISABLING);
 *	mutex_lock(&scx_ops_enable_mutex);	("Here, every runnable task
 *	scx_cgroup_exit();		is guaranteed to make forward
 *	...				progress")
 *	scx_ops_exit_task() for every task, ops.exit
 *
 * and nothing between the bypass and scx_cgroup_exit() is a function of
 * its own (the rest is inlined or generic: mutex_lock). So there the
 * capture runs right after scx_ops_bypass(true) returns: the call is
 * sent to hook_ops_bypass(), which calls the original and then captures.
 * scx_ops_bypass() has other callers (enabling, the PM notifier, and the
 * bypass(false) at the end of the disable work): only the call with true
 * from the scx_ops_helper kthread while it runs scx_ops_disable_work is
 * sent there. The helper holds no lock at that point (the worker drops
 * its lock before calling the work; bypass drops its own), so the same
 * reasoning holds: the capture may sleep, allocate and stop the machine.
 * An enable failing at the same time may hold scx_ops_enable_mutex and
 * scx_fork_rwsem (delaying forks, never the capture, which needs
 * neither) and never waits on the disable work while holding them.
 *
 * One look comes earlier: the bypass moves every runnable task off the
 * failed scheduler's DSQs (onto the bypass or global DSQs), so the core
 * state (core.c: which task waited on which DSQ) is read at the entry of
 * that bypass, in the same kthread: on 7.x by a plain ftrace callback on
 * scx_bypass(sch, true) while sch's helper runs sch's disable work; on
 * 6.12 by hook_ops_bypass() before it calls the original. That read never
 * sleeps, allocates nothing and is bounded (core.c), since forward
 * progress is not guaranteed yet.
 *
 * The hook point is chosen at load time by which function the kernel has
 * (hook_resolve()); a kernel with neither cannot be captured safely, and
 * insmod says so.
 *
 * An ftrace ops with IPMODIFY on it (livepatch's method) sends the call
 * to the module's function, which runs in the same kthread, captures,
 * and calls the original (a static call: a direct call, which IBT allows
 * into a function whose ENDBR is sealed). The original's own call comes
 * from this module, which the ftrace handler lets through.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/tracepoint.h>
#include "ksyms.h"
#include "scxdump.h"

/* 7.x: drain_descendants(sch) */
typedef void hook_drain_descendants_fn(struct scx_sched *sch);

static void hook_drain_descendants_stub(struct scx_sched *sch)
{
}

DEFINE_STATIC_CALL(hook_drain_descendants_orig, hook_drain_descendants_stub);

static void hook_drain_descendants(struct scx_sched *sch)
{
	trigger_exit(sch);
	/* captured or not: its core state's buffer is free again */
	core_release(sch);
	static_call(hook_drain_descendants_orig)(sch);
	/* Taken by hook_redirect(); lets rmmod wait for us. */
	module_put(THIS_MODULE);
}

/* 6.12: scx_ops_bypass(bypass) */
typedef void hook_ops_bypass_fn(bool bypass);

static void hook_ops_bypass_stub(bool bypass)
{
}

DEFINE_STATIC_CALL(hook_ops_bypass_orig, hook_ops_bypass_stub);

static void hook_ops_bypass(bool bypass)
{
	/* what bypass is about to move: the DSQs' tasks (core.c) */
	core_presnap((struct scx_sched *)ksyms.scx_ops);
	static_call(hook_ops_bypass_orig)(bypass);
	/* 6.12's one scheduler: its handle is scx_ops (scxdump.h) */
	trigger_exit((struct scx_sched *)ksyms.scx_ops);
	core_release((struct scx_sched *)ksyms.scx_ops);
	module_put(THIS_MODULE);
}

/* Is this scx_ops_helper running scx_ops_disable_work (6.12)? */
static bool notrace hook_in_ops_disable_work(void)
{
	struct kthread_worker *w = READ_ONCE(*ksyms.scx_ops_helper);

	return w && current == w->task &&
	       READ_ONCE(w->current_work) == ksyms.scx_ops_disable_work;
}

static void notrace hook_redirect(struct ftrace_regs *fregs, void *to)
{
	/* The module is going away: let the kernel disable on its own. */
	if (!try_module_get(THIS_MODULE))
		return;
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)to);
}

/* Is this @sch's helper kthread running its disable work (7.x)? */
static bool notrace hook_in_disable_work(struct scx_sched *sch)
{
	struct kthread_worker *w;

	if (!sch || !klayout.has_sch_helper)
		return false;
	w = READ_ONCE(*(struct kthread_worker **)((u8 *)sch + klayout.sch_helper));
	return w && current == w->task &&
	       READ_ONCE(w->current_work) == (void *)((u8 *)sch + klayout.sch_disable_work);
}

static void notrace hook_drain_descendants_handler(unsigned long ip, unsigned long parent_ip,
						   struct ftrace_ops *op,
						   struct ftrace_regs *fregs)
{
	struct scx_sched *sch = (void *)ftrace_regs_get_argument(fregs, 0);

	/* The original called from hook_drain_descendants(): run it. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	/*
	 * Only @sch's own disable work, in its helper kthread: the one
	 * caller sched_ext has today, and the context hook.c's safety
	 * argument (above) is made for. A call from anywhere else goes on
	 * unchanged, and shows in status as a disable seen, not captured.
	 * Without scx_sched.helper in the BTF there is no telling: hook_init()
	 * says so.
	 */
	if (klayout.has_sch_helper && !hook_in_disable_work(sch))
		return;
	hook_redirect(fregs, hook_drain_descendants);
}

static void notrace hook_ops_bypass_handler(unsigned long ip, unsigned long parent_ip,
					    struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	if (within_module(parent_ip, THIS_MODULE))
		return;
	/* bypass(true) in the disable work only (a bool: its low byte counts) */
	if (!(u8)ftrace_regs_get_argument(fregs, 0) || !hook_in_ops_disable_work())
		return;
	hook_redirect(fregs, hook_ops_bypass);
}

/*
 * 7.x: scx_bypass(sch, true) at the start of @sch's disable work. Its
 * entry is the last moment the failed scheduler's DSQs still hold their
 * tasks: read them (core.c, which never sleeps: forward progress is not
 * guaranteed yet). Only a look: the call goes on unchanged.
 */
static void notrace hook_presnap_handler(unsigned long ip, unsigned long parent_ip,
					 struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct scx_sched *sch = (void *)ftrace_regs_get_argument(fregs, 0);

	if (!(u8)ftrace_regs_get_argument(fregs, 1) || !hook_in_disable_work(sch))
		return;
	core_presnap(sch);
}

/*
 * PERMANENT: a hook that sysctl kernel.ftrace_enabled=0 could switch off
 * would leave the module loaded, "armed", and capturing nothing. With it,
 * on 6.12 that sysctl fails with EBUSY while the ops is registered
 * (ftrace_enable_sysctl(): is_permanent_ops_registered()), and
 * register_ftrace_function() refuses the ops with EBUSY while
 * ftrace_enabled is 0 (__register_ftrace_function(), 6.12 and 7.3), so
 * insmod fails and says so rather than loading a hook that never fires.
 * (7.3 no longer lets the sysctl disable ftrace at all: it answers
 * EOPNOTSUPP.) The look at the bypass's entry inherits the flag.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define HOOK_FTRACE_FLAGS	(FTRACE_OPS_FL_DYNAMIC | FTRACE_OPS_FL_IPMODIFY | \
				 FTRACE_OPS_FL_PERMANENT)
#else
#define HOOK_FTRACE_FLAGS	(FTRACE_OPS_FL_DYNAMIC | FTRACE_OPS_FL_SAVE_REGS | \
				 FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)
#endif

static struct ftrace_ops hook_ftrace_ops = {
	.flags = HOOK_FTRACE_FLAGS,
};

static struct ftrace_ops hook_presnap_ops = {
	.func = hook_presnap_handler,
	.flags = HOOK_FTRACE_FLAGS & ~FTRACE_OPS_FL_IPMODIFY,
};

/*
 * 7.x: the bypass that starts a disable, when it can be told apart. The
 * targets are traced by their kallsyms address (ftrace_set_filter_ip():
 * ftrace_location() turns a function's start into its ftrace site, past
 * an ENDBR), the very function the static call calls, not by name: a
 * second static function of the same name elsewhere would match a
 * filter by name as well.
 */
static const char *hook_presnap_target;
static unsigned long hook_presnap_ip;

static const char *hook_target;
static const char *hook_target_proto;	/* as hook.c calls it */
static unsigned long hook_target_ip;

/*
 * Where the capture runs on this kernel: drain_descendants (7.x with
 * sub-schedulers), else scx_ops_bypass (6.12, with the statics that say
 * whether its caller is the disable work). Needs ksyms_init().
 */
int hook_resolve(void)
{
	void *fn = (void *)ksym_addr("drain_descendants");

	if (fn) {
		hook_target = "drain_descendants";
		hook_target_proto = "void drain_descendants(struct scx_sched *)";
		hook_target_ip = (unsigned long)fn;
		hook_ftrace_ops.func = hook_drain_descendants_handler;
		static_call_update(hook_drain_descendants_orig, (hook_drain_descendants_fn *)fn);
		hook_presnap_ip = ksym_addr("scx_bypass");
		if (hook_presnap_ip)
			hook_presnap_target = "scx_bypass";
		return 0;
	}
	fn = (void *)ksym_addr("scx_ops_bypass");
	if (fn && ksyms.scx_ops_helper && ksyms.scx_ops_disable_work && ksyms.scx_ops) {
		hook_target = "scx_ops_bypass";
		hook_target_proto = "void scx_ops_bypass(bool)";
		hook_target_ip = (unsigned long)fn;
		hook_ftrace_ops.func = hook_ops_bypass_handler;
		static_call_update(hook_ops_bypass_orig, (hook_ops_bypass_fn *)fn);
		return 0;
	}
	pr_err("neither drain_descendants (7.x sched_ext with sub-schedulers, CONFIG_EXT_SUB_SCHED) nor scx_ops_bypass with scx_ops_helper and scx_ops_disable_work (6.12, CONFIG_KALLSYMS_ALL): no point where the capture runs after bypass\n");
	return -ENOENT;
}

/* The look at the bypass's entry (7.x): without it, exit dumps lack the core state. */
static void hook_presnap_init(void)
{
	int err;

	if (!klayout.sched_globals && (!hook_presnap_target || !klayout.has_sch_helper)) {
		klayout_note_absent("core_before_bypass",
				    "no scx_bypass or scx_sched.helper/disable_work: exit dumps have no CPUs, DSQs or tasks");
		hook_presnap_target = NULL;
	}
	if (!hook_presnap_target)
		return;
	if (klayout_func_proto(hook_presnap_target)) {
		pr_err("%s is not void %s(struct scx_sched *, bool) in the kernel's BTF: exit dumps will have no CPUs, DSQs or tasks\n",
		       hook_presnap_target, hook_presnap_target);
		klayout_note_absent("core_before_bypass",
				    "the bypass's prototype is not the one read (kernel BTF)");
		hook_presnap_target = NULL;
		return;
	}
	err = ftrace_set_filter_ip(&hook_presnap_ops, hook_presnap_ip, 0, 1);
	if (!err) {
		err = register_ftrace_function(&hook_presnap_ops);
		if (err)
			ftrace_free_filter(&hook_presnap_ops);
	}
	if (err) {
		pr_err("cannot trace %s (%d): exit dumps will have no CPUs, DSQs or tasks\n",
		       hook_presnap_target, err);
		klayout_note_absent("core_before_bypass", "the bypass's entry cannot be traced");
		hook_presnap_target = NULL;
	}
}

/*
 * A hook that never fires is invisible: nothing is captured and nothing
 * says why. So the status file shows how many scheduler disables sched_ext
 * began, counted apart from the hook, next to what the hook did with
 * them: an exit capture begun, or an exit left out by the policy (not an
 * error, capture_all_exits N: trigger.c). Each disable reaches the hook
 * once (its disable work), so once it has, disables_seen = captures_exit
 * + exits_filtered; more seen than handled is a hook that did not fire.
 *
 * The disables are counted by a probe on sched_ext's sched_ext_exit
 * tracepoint (7.3: fired by scx_claim_exit() once the exit kind is
 * claimed, kernel/sched/ext/ext.c), found among the kernel's built-in
 * tracepoints by name (its __tracepoint_ symbol is not exported). 6.12
 * has no such tracepoint: the count is "unknown" there. Counting starts
 * at load, before the hook is armed, so that no disable is captured
 * before its start was counted.
 */
static atomic_long_t hook_disables_seen = ATOMIC_LONG_INIT(0);
static atomic_long_t hook_captures_exit = ATOMIC_LONG_INIT(0);
static atomic_long_t hook_exits_filtered = ATOMIC_LONG_INIT(0);
/* the tracepoint probed, or NULL; the status file may read it meanwhile */
static struct tracepoint *hook_exit_tp;

/*
 * 7.3's TP_PROTO(struct scx_sched *sch, __u32 kind), with the data pointer
 * first: the exact type, as the tracepoint calls it (kCFI checks it).
 * Called in any context, NMI too, under the claim: an atomic increment
 * only, neither argument read.
 */
static void hook_exit_probe(void *data, struct scx_sched *sch, u32 kind)
{
	atomic_long_inc(&hook_disables_seen);
}

static void hook_find_exit_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_ext_exit"))
		*(struct tracepoint **)priv = tp;
}

static void hook_count_init(void)
{
	struct tracepoint *tp = NULL;
	int err;

	for_each_kernel_tracepoint(hook_find_exit_tp, &tp);
	if (!tp) {
		klayout_note_absent("disables_seen",
				    "no sched_ext_exit tracepoint (7.x): the status file cannot count disables");
		return;
	}
	err = tracepoint_probe_register(tp, hook_exit_probe, NULL);
	if (err) {
		pr_err("cannot probe tracepoint sched_ext_exit (%d): disables_seen unknown\n",
		       err);
		klayout_note_absent("disables_seen",
				    "the sched_ext_exit tracepoint cannot be probed");
		return;
	}
	WRITE_ONCE(hook_exit_tp, tp);
}

/* After it returns no probe runs: the module's text may go. */
static void hook_count_exit(void)
{
	struct tracepoint *tp = hook_exit_tp;

	if (!tp)
		return;
	WRITE_ONCE(hook_exit_tp, NULL);
	tracepoint_probe_unregister(tp, hook_exit_probe, NULL);
	tracepoint_synchronize_unregister();
}

/* What trigger_exit() did with a disable the hook saw: captured, or left out. */
void hook_note_exit(bool captured)
{
	atomic_long_inc(captured ? &hook_captures_exit : &hook_exits_filtered);
}

/* The status file's lines (dumps.c). */
void hook_status(struct seq_file *m)
{
	if (READ_ONCE(hook_exit_tp))
		seq_printf(m, "disables_seen: %ld\n", atomic_long_read(&hook_disables_seen));
	else
		seq_puts(m, "disables_seen: unknown (no sched_ext_exit tracepoint on this kernel)\n");
	seq_printf(m, "captures_exit: %ld\n", atomic_long_read(&hook_captures_exit));
	seq_printf(m, "exits_filtered: %ld\n", atomic_long_read(&hook_exits_filtered));
}

/* The last step of the load (main.c): on failure, nothing of it is left. */
int hook_init(void)
{
	int err;

	/* called through a static call of this type, its arguments read */
	err = klayout_func_proto(hook_target);
	if (err) {
		pr_err("the kernel's BTF %s %s (%d): not hooked, no failure would be captured safely\n",
		       err == -ENOENT ? "has no" : "does not say", hook_target_proto, err);
		return -EINVAL;
	}
	if (hook_ftrace_ops.func == hook_drain_descendants_handler && !klayout.has_sch_helper)
		klayout_note_absent("hook_context",
				    "no scx_sched.helper/disable_work: drain_descendants() hooked from any caller");
	hook_count_init();

	err = ftrace_set_filter_ip(&hook_ftrace_ops, hook_target_ip, 0, 1);
	if (err) {
		pr_err("cannot trace %s at %pS (%d): needs CONFIG_DYNAMIC_FTRACE, and the function not inlined\n",
		       hook_target, (void *)hook_target_ip, err);
		hook_count_exit();
		return err;
	}
	err = register_ftrace_function(&hook_ftrace_ops);
	if (err) {
		pr_err("cannot hook %s (%d); is sysctl kernel.ftrace_enabled 0 (EBUSY), or another IPMODIFY user (livepatch, BPF trampoline) on it?\n",
		       hook_target, err);
		ftrace_free_filter(&hook_ftrace_ops);
		hook_count_exit();
		return err;
	}
	hook_presnap_init();
	return 0;
}

void hook_exit(void)
{
	int err;

	if (hook_presnap_target) {
		err = unregister_ftrace_function(&hook_presnap_ops);
		if (err)
			pr_err("cannot unhook %s (%d): the kernel may crash on the next sched_ext disable\n",
			       hook_presnap_target, err);
		else
			ftrace_free_filter(&hook_presnap_ops);
	}
	err = unregister_ftrace_function(&hook_ftrace_ops);

	/*
	 * Nothing can be undone here: the ops stays in ftrace's list and its
	 * handler would run from freed text. Say so loudly; the filter is
	 * left alone, since it belongs to an ops ftrace still holds.
	 */
	if (err)
		pr_err("cannot unhook %s (%d): the kernel may crash on the next sched_ext disable\n",
		       hook_target, err);
	else
		ftrace_free_filter(&hook_ftrace_ops);
	hook_count_exit();
}

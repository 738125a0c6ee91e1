// SPDX-License-Identifier: GPL-2.0
/*
 * When to capture, and whom: a scheduler's exit (errors, its children
 * disabled because it failed, and with capture_all_exits every exit), or
 * on demand and on a stall warning (stall.c) every running scheduler, the
 * root and its sub-schedulers, each pinned while it is captured.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/kobject.h>
#include <linux/kthread.h>
#include <linux/refcount.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include "capture.h"

/*
 * A sub-scheduler disabled because a scheduler above it failed: captured
 * like the failing one. Each child holds a reference on its parent, and
 * an exit's kind stays in its exit_info from the failure on.
 */
static bool trigger_ancestor_failed(struct scx_sched *sch, s32 kind)
{
	s32 level = scxsched_level(sch);
	u8 *ei;

	if (kind != klayout.exit_parent && kind != klayout.exit_parent_kill)
		return false;
	for (sch = scxsched_parent(sch, level); sch; sch = scxsched_parent(sch, --level)) {
		ei = scxsched_exit_info(sch);
		if (ei && READ_ONCE(*(s32 *)(ei + klayout.ei_kind)) >= klayout.exit_error)
			return true;
	}
	return false;
}

/*
 * Is @sch's exit one to capture: an error, a child of a failed ancestor,
 * or with capture_all_exits any exit? Called in @sch's disable work (the
 * capture, and core.c's read at the bypass before it), which owns @sch;
 * reads only, never sleeps.
 */
bool trigger_exit_wanted(struct scx_sched *sch)
{
	s32 kind = scxsched_exit_kind(sch);

	/* NONE or DONE: nothing is exiting; or no scheduler to capture */
	if (kind <= klayout.exit_done || !scxsched_live(sch))
		return false;
	return kind >= klayout.exit_error || opt_capture_all_exits ||
	       trigger_ancestor_failed(sch, kind);
}

/*
 * The scheduler's disable work is running: it owns @sch until it returns,
 * so nothing else needs pinning it.
 */
void trigger_exit(struct scx_sched *sch)
{
	s32 kind = scxsched_exit_kind(sch);

	/* nothing exiting: not a disable to count */
	if (kind <= klayout.exit_done || !scxsched_live(sch))
		return;
	if (!trigger_exit_wanted(sch)) {
		hook_note_exit(false);
		return;
	}
	/* counted first: the status shows it once the dump is published */
	hook_note_exit(true);
	/* past bypass (hook.c): waiting here stalls no task */
	mutex_lock(&capture_lock);
	capture_run(sch, SXD_TRIGGER_EXIT);
	mutex_unlock(&capture_lock);
}

/* Pin @sch through its kobject; it is freed after an RCU grace period. */
static bool trigger_sched_get(struct scx_sched *sch)
{
	return sch && kobject_get_unless_zero((struct kobject *)((u8 *)sch + klayout.sch_kobj));
}

static void trigger_sched_put(struct scx_sched *sch)
{
	kobject_put((struct kobject *)((u8 *)sch + klayout.sch_kobj));
}

/*
 * The running schedulers, pinned: the root, then its sub-schedulers
 * breadth first (their lists are RCU-protected). Returns how many.
 */
static u32 trigger_running_scheds(struct scx_sched **scheds)
{
	struct list_head *head, *pos;
	u32 n = 0, i, steps;
	bool more = false;
	struct scx_sched *child;

	rcu_read_lock();
	scheds[0] = rcu_dereference(*(void __rcu **)ksyms.scx_root);
	if (trigger_sched_get(scheds[0]))
		n = 1;
	for (i = 0; klayout.ok_sub && i < n; i++) {
		head = (struct list_head *)((u8 *)scheds[i] + klayout.sch_children);
		steps = 0;
		for (pos = rcu_dereference(list_next_rcu(head));
		     pos != head && steps++ < TRIGGER_MAX_SCHEDS;
		     pos = rcu_dereference(list_next_rcu(pos))) {
			child = (struct scx_sched *)((u8 *)pos - klayout.sch_sibling);
			if (n == TRIGGER_MAX_SCHEDS) {
				more = true;
				break;
			}
			if (trigger_sched_get(child))
				scheds[n++] = child;
		}
	}
	rcu_read_unlock();
	if (more)
		pr_warn("more than %u running schedulers: only the first %u captured\n",
			TRIGGER_MAX_SCHEDS, TRIGGER_MAX_SCHEDS);
	return n;
}

/*
 * On demand on 6.12: its one scheduler, held by scx_ops_enable_mutex.
 * Enabling holds that mutex throughout, and the disable work takes it
 * before ops.cgroup_exit, ops.exit_task, ops.exit and the memset of
 * scx_ops: under it, a scheduler that is not disabled stays whole. Lock
 * order: capture_lock, then the mutex. The exit hook takes capture_lock
 * holding nothing (hook.c), and enabling, which holds the mutex, never
 * takes capture_lock nor waits on the disable work.
 */
static int trigger_request_ops(u32 trigger)
{
	struct scx_sched *sch = (struct scx_sched *)ksyms.scx_ops;
	int err;

	if (!ksyms.scx_ops_enable_mutex || !ksyms.scx_ops_enable_state)
		return -EOPNOTSUPP;
	if (mutex_lock_killable(ksyms.scx_ops_enable_mutex))
		return -EINTR;
	err = scxsched_live(sch) ? capture_run(sch, trigger) : -ENODEV;
	mutex_unlock(ksyms.scx_ops_enable_mutex);
	return err;
}

/*
 * Capture each running scheduler (the root and its sub-schedulers), each
 * into its own dump, while they run; @trigger says why (a request, a stall
 * warning). The caller holds capture_lock.
 */
int trigger_running(u32 trigger)
{
	struct scx_sched **scheds;
	int err = 0, e;
	u32 i, n;

	lockdep_assert_held(&capture_lock);
	if (klayout.sched_globals)
		return trigger_request_ops(trigger);
	if (!klayout.ok_request || !ksyms.scx_root)
		return -EOPNOTSUPP;
	scheds = sxd_alloc(kcalloc(TRIGGER_MAX_SCHEDS, sizeof(*scheds), GFP_KERNEL));
	if (!scheds)
		return -ENOMEM;
	n = trigger_running_scheds(scheds);
	for (i = 0; i < n; i++) {
		e = capture_run(scheds[i], trigger);
		err = err ?: e;
		trigger_sched_put(scheds[i]);
	}
	kfree(scheds);
	return n ? err : -ENODEV;
}

/* An on-demand capture, handed to the module's real-time worker. */
struct trigger_req {
	struct kthread_work work;
	struct completion done;
	refcount_t ref;		/* the writer's and the work's */
	int err;
};

static void trigger_req_put(struct trigger_req *r)
{
	if (refcount_dec_and_test(&r->ref))
		kfree(r);
}

static int trigger_request_here(void)
{
	int err;

	if (mutex_lock_killable(&capture_lock))
		return -EINTR;
	err = trigger_running(SXD_TRIGGER_REQUEST);
	mutex_unlock(&capture_lock);
	return err;
}

static void trigger_req_fn(struct kthread_work *work)
{
	struct trigger_req *r = container_of(work, struct trigger_req, work);

	/* a kthread is never killed: the lock is taken */
	r->err = trigger_request_here();
	complete(&r->done);
	trigger_req_put(r);
}

/*
 * On demand (the control file): concurrent writers capture in turn. The
 * capture runs in the stall watch's worker (stall_queue_work()), a
 * SCHED_FIFO kthread, not in the writer's context: a writer on sched_ext
 * that the scheduler strands half way would hold capture_lock, and a
 * stall warning would wait behind it. The writer waits for it; killed
 * while it waits, it returns -EINTR and the capture still completes. With
 * no worker (a kernel without the stall watch), the writer captures.
 */
int trigger_request(void)
{
	struct trigger_req *r = sxd_alloc(kzalloc(sizeof(*r), GFP_KERNEL));
	int err;

	if (!r)
		return -ENOMEM;
	init_completion(&r->done);
	refcount_set(&r->ref, 2);
	kthread_init_work(&r->work, trigger_req_fn);
	if (!stall_queue_work(&r->work)) {
		kfree(r);
		return trigger_request_here();
	}
	err = wait_for_completion_killable(&r->done) ? -EINTR : r->err;
	trigger_req_put(r);
	return err;
}

/*
 * The running root scheduler, pinned, for a reader that does not capture
 * (the flight recorder, timeline.c), or NULL. 7.x: a kobject reference
 * taken under RCU, as trigger_running() does. 6.12: its one scheduler
 * lives in statics that the disable work zeroes under
 * scx_ops_enable_mutex (see trigger_request_ops()): the mutex, tried, not
 * waited for, so that enabling and disabling never wait on the reader.
 * Release with trigger_root_put().
 */
struct scx_sched *trigger_root_get(void)
{
	struct scx_sched *sch;

	if (klayout.sched_globals) {
		sch = (struct scx_sched *)ksyms.scx_ops;
		if (!ksyms.scx_ops_enable_mutex || !ksyms.scx_ops_enable_state ||
		    !mutex_trylock(ksyms.scx_ops_enable_mutex))
			return NULL;
		if (!scxsched_live(sch)) {
			mutex_unlock(ksyms.scx_ops_enable_mutex);
			return NULL;
		}
		return sch;
	}
	if (!klayout.ok_request || !ksyms.scx_root)
		return NULL;
	rcu_read_lock();
	sch = rcu_dereference(*(void __rcu **)ksyms.scx_root);
	if (!trigger_sched_get(sch))
		sch = NULL;
	rcu_read_unlock();
	return sch;
}

void trigger_root_put(struct scx_sched *sch)
{
	if (klayout.sched_globals)
		mutex_unlock(ksyms.scx_ops_enable_mutex);
	else
		trigger_sched_put(sch);
}

/*
 * Which load of a root scheduler this is: the kernel's scx_enable_seq
 * (a static of kernel/sched/ext, through kallsyms), which each enable
 * increments; -1 on a kernel without it.
 */
long trigger_load_seq(void)
{
	return ksyms.scx_enable_seq ? atomic_long_read(ksyms.scx_enable_seq) : -1;
}

/*
 * The running root scheduler's watchdog timeout in ms, 0 when none runs
 * (stall.c). It is the ops' timeout_ms, as sched_ext takes it at enable
 * (7.x scx_alloc_and_add_sched(), 6.12 scx_ops_enable()): 0 there means
 * SCX_WATCHDOG_MAX_TIMEOUT, 30 s on both. 7.x: the root is read under
 * RCU (a struct scx_sched is freed after a grace period); 6.12: scx_ops is
 * a static, zeroed when its scheduler is torn down, and a scheduler whose
 * enable state is not DISABLED has its ops in place.
 */
u32 trigger_root_timeout_ms(void)
{
	struct scx_sched *sch = NULL;
	u32 ms = 0;

	rcu_read_lock();
	if (klayout.sched_globals)
		sch = (struct scx_sched *)ksyms.scx_ops;
	else if (ksyms.scx_root)
		sch = rcu_dereference(*(void __rcu **)ksyms.scx_root);
	if (sch && scxsched_live(sch) && scxsched_exit_kind(sch) <= 0) {
		ms = READ_ONCE(*(u32 *)(scxsched_ops(sch) + klayout.ops_timeout));
		if (!ms)
			ms = 30 * MSEC_PER_SEC;
		if (klayout.sched_globals && !scxsched_live(sch))
			ms = 0;	/* torn down while read */
	}
	rcu_read_unlock();
	return ms;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's core state, as the kernel saw it: per CPU its runqueue
 * (struct rq: how many tasks of each class, the scx part, the current
 * task), every dispatch queue (local, global, bypass, the scheduler's
 * own) with its tasks in queue order, and every task on sched_ext. One
 * SXD_REC_CORE record per captured scheduler (include/scxdump_format.h).
 *
 * When. A failed scheduler's DSQs are emptied by the bypass that starts
 * its disable work (scx_bypass() / 6.12 scx_ops_bypass() dequeues every
 * runnable task and queues it on the bypass or global DSQ), so the state
 * that explains the failure exists only before it. hook.c calls
 * core_presnap() at the entry of that bypass, in the disable work's
 * kthread, and the capture at the safe point after it (hook.c) writes
 * what was read. That is before sched_ext guarantees forward progress, so
 * the walk there must not wait on any task: it never sleeps, allocates
 * nothing (the buffers are allocated at load), and takes only spinlocks
 * that the kernel holds for bounded times, one at a time. It is bounded
 * by count (core_max_*) and by time (core_budget_us); whatever is left
 * out is counted in the record. An on-demand capture reads the same
 * live, under the same locks, right before its consistent snapshot (not
 * inside it: there every CPU would be running its stopper thread).
 *
 * Why each read is safe:
 *  - struct rq is per-CPU and never freed. Its fields and its local DSQ
 *    are read under the rq lock, as scx_dump_state() does; rq->curr
 *    cannot be freed while it is held. That is the lock
 *    raw_spin_rq_lock() takes: rq->__lock, or with core scheduling on
 *    (CONFIG_SCHED_CORE) the core's, rq->core->__lock (core_rq_lock()).
 *    Where this kernel's core scheduling cannot be resolved, the rq is
 *    read without it, with the fault-safe copies below.
 *  - Global, bypass and user DSQs are walked under their own dsq->lock,
 *    which the kernel takes to link or unlink a task: a task on the list
 *    stays valid while it is held. DSQs are freed after an RCU grace
 *    period (destroy_dsq(): kfree_rcu / call_rcu); the user DSQ hash is
 *    walked under rcu_read_lock(), as rhashtable_lookup() is.
 *  - All tasks: sched_ext's scx_tasks list under scx_tasks_lock, which a
 *    task's removal (sched_ext_free() / sched_ext_dead()) takes before the
 *    task can be freed. On 6.12 that lock is a spinlock_t, whose raw lock
 *    comes first (not on PREEMPT_RT, where the task walk is left out).
 *    The lock is taken in batches, as the kernel's scx_task_iter does:
 *    a cursor of ours in the list keeps the place while it is dropped.
 *  - Every pointer followed and every field is still copied with
 *    copy_from_kernel_nofault(): a fault (a layout this code got wrong)
 *    leaves the value zero and is counted, never an oops; a list that
 *    does not come back to its head ends at the count bound.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/jump_label.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include "capture.h"
#include "ksyms.h"

/* list steps beyond what a DSQ or the task list can hold: a broken list */
#define CORE_LIST_SLACK		4096
/*
 * scx_tasks_lock is held for at most this many list entries (the kernel's
 * own walk drops it every SCX_TASK_ITER_BATCH, 32) and this long at a
 * time: every task's fork and exit spins on it with IRQs off meanwhile.
 */
#define CORE_TASKS_BATCH	32
#define CORE_TASKS_HOLD_NS	NSEC_PER_MSEC

struct core_buf {
	/* guarded by core_bufs_lock */
	struct scx_sched *sch;		/* claimed for this scheduler's exit, or NULL */
	bool busy;			/* being filled or written */
	bool ready;
	/* the record, filled by core_walk() */
	struct sxd_core hdr;
	struct sxd_core_cpu *cpus;	/* nr_cpu_ids */
	struct sxd_core_dsq *dsqs;	/* max_dsqs */
	struct sxd_core_task *queued;	/* max_queued */
	struct sxd_core_task *tasks;	/* max_tasks */
	struct sxd_core_task_more *more;	/* max_tasks: theirs (SXD_REC_CORE_TASKS) */
	u64 *cpu_masks;			/* nr_cpu_ids * SXD_CORE_CPU_MASKS lists */
	u64 *task_masks;		/* max_tasks lists */
	struct sched_ext_entity *cursor;	/* core_tasks()' place in scx_tasks */
	u32 max_dsqs, max_queued, max_tasks, mask_words;
	u64 deadline;			/* local_clock() past which the walk ends */
	u64 clock_ns;			/* local_clock() when the walk began */
};

/*
 * The exit buffers: one per scheduler whose disable work is between its
 * bypass and its capture, claimed at the bypass (core_presnap()) and
 * released when its capture has written it or its disable work goes on
 * without one (core_release()), never taken from another scheduler.
 * Schedulers disable in parallel (each in its own helper kthread: a root
 * and its sub-schedulers together), so there are core_exit_bufs of them
 * (load time, at most TRIGGER_MAX_SCHEDS), each sized by the core_max_*
 * parameters: (core_max_tasks + core_max_queued) * 96 + core_max_tasks *
 * 56 + core_max_dsqs * 40 + core_max_tasks * 8 * mask words + per CPU 80
 * + 32 * mask words bytes (struct sxd_core_*), about 2 MiB at the
 * defaults, 16 MiB for the default 8. A scheduler that finds none free is counted in
 * core_missed[] and its dump says how many were disabling at once.
 */
static struct core_buf **core_exit_bufs;
static u32 core_nr_exit_bufs;

/* the pieces of an SXD_REC_CORE record (core_buf_iov()) */
#define CORE_IOVS	7
static DEFINE_RAW_SPINLOCK(core_bufs_lock);

/* Schedulers whose exit found no free buffer, until their capture or release. */
static struct {
	struct scx_sched *sch;
	u32 disabling;			/* schedulers reading or holding one then */
} core_missed[TRIGGER_MAX_SCHEDS];

/* Found at load (core_init()): kallsyms, then what is missing and why. */
static struct {
	void __percpu *runqueues;	/* DEFINE_PER_CPU(struct rq, runqueues) */
	struct list_head *tasks;	/* scx_tasks */
	raw_spinlock_t *tasks_lock;	/* scx_tasks_lock */
	struct rhashtable *dsq_hash;	/* 6.12: the user DSQs */
	struct static_key_false *sched_core_key;	/* __sched_core_enabled */
	struct scx_dispatch_q ***global_dsqs;	/* 6.12: per node */
	const void *classes[SXD_CLASS_IDLE + 1];
	bool ok;
} core;

static const char *const core_class_syms[] = {
	[SXD_CLASS_STOP] = "stop_sched_class",
	[SXD_CLASS_DL] = "dl_sched_class",
	[SXD_CLASS_RT] = "rt_sched_class",
	[SXD_CLASS_FAIR] = "fair_sched_class",
	[SXD_CLASS_EXT] = "ext_sched_class",
	[SXD_CLASS_IDLE] = "idle_sched_class",
};

/* A fault-safe copy; on a fault the copy is zero and the walk says so. */
static bool core_copy(struct core_buf *b, void *dst, const void *src, size_t n)
{
	if (!copy_from_kernel_nofault(dst, src, n))
		return true;
	memset(dst, 0, n);
	b->hdr.nr_faults++;
	b->hdr.truncated |= SXD_CORE_TRUNC_FAULT;
	return false;
}

#define core_peek(b, dst, src)	core_copy(b, &(dst), &(src), sizeof(dst))

static bool core_late(struct core_buf *b)
{
	if (local_clock() < b->deadline)
		return false;
	b->hdr.truncated |= SXD_CORE_TRUNC_TIME;
	return true;
}

/* The class a sched_class pointer names (also recorder.c's, from its probes). */
u32 core_sched_class(const void *class)
{
	u32 i;

	for (i = 1; i < ARRAY_SIZE(core.classes); i++) {
		if (class && class == core.classes[i])
			return i;
	}
	return SXD_CLASS_OTHER;
}

/* The CPU list at @mask (a struct cpumask) into @dst, mask_words words. */
static void core_mask(struct core_buf *b, u64 *dst, const struct cpumask *mask)
{
	if (mask)
		core_copy(b, dst, cpumask_bits(mask), b->mask_words * sizeof(u64));
	else
		memset(dst, 0, b->mask_words * sizeof(u64));
}

/* A cpumask_var_t member at @base + @off: inline, or a pointer to it. */
static const struct cpumask *core_mask_var(struct core_buf *b, u8 *base, u32 off)
{
	cpumask_var_t *v = (cpumask_var_t *)(base + off);
	struct cpumask *m = NULL;

	if (IS_ENABLED(CONFIG_CPUMASK_OFFSTACK))
		core_copy(b, &m, v, sizeof(m));
	else
		m = (struct cpumask *)v;
	return m;
}

/* One task, read while something keeps it from being freed (see above). */
static void core_task(struct core_buf *b, struct sxd_core_task *t, struct task_struct *p)
{
	struct scx_dispatch_q *dsq = NULL;
	const void *class = NULL;
	long ops = 0;
	u32 flags = 0;

	memset(t, 0, sizeof(*t));
	core_peek(b, t->pid, p->pid);
	core_peek(b, t->tgid, p->tgid);
	core_peek(b, t->comm, p->comm);
	t->comm[sizeof(t->comm) - 1] = '\0';
	core_peek(b, t->state, p->__state);
	core_copy(b, &t->cpu, &task_thread_info(p)->cpu, sizeof(t->cpu));
	core_peek(b, t->prio, p->prio);
	core_peek(b, t->policy, p->policy);
	core_peek(b, class, p->sched_class);
	t->class = core_sched_class(class);
	core_peek(b, flags, p->scx.flags);
	t->scx_flags = flags;
	t->scx_state = (flags >> SCX_TASK_STATE_SHIFT) & ((1u << SCX_TASK_STATE_BITS) - 1);
	core_copy(b, &ops, &p->scx.ops_state, sizeof(ops));
	t->ops_state = ops & klayout.opss_state_mask;
	t->ops_qseq = klayout.opss_qseq_shift ? (unsigned long)ops >> klayout.opss_qseq_shift : 0;
	core_peek(b, dsq, p->scx.dsq);
	t->dsq_id = SXD_CORE_NO_DSQ;
	if (dsq)
		core_peek(b, t->dsq_id, dsq->id);
	core_peek(b, t->runnable_at, p->scx.runnable_at);
	core_peek(b, t->dsq_vtime, p->scx.dsq_vtime);
	core_peek(b, t->slice, p->scx.slice);
	core_peek(b, t->weight, p->scx.weight);
}

/*
 * One DSQ and its first tasks in queue order (a vtime DSQ keeps its list
 * in vtime order too). The caller holds what protects its list (the rq
 * lock for a local DSQ), or @lock says to take dsq->lock here.
 */
static void core_dsq(struct core_buf *b, struct scx_dispatch_q *dsq, u32 kind, s32 cpu,
		     bool lock)
{
	struct list_head *head = &dsq->list, *pos = NULL;
	struct scx_dsq_list_node *node;
	struct sxd_core_dsq *d;
	unsigned long irq;
	struct rb_node *priq = NULL;
	u32 nr, steps, bound, lflags;

	b->hdr.dsqs_seen++;
	if (b->hdr.nr_dsqs == b->max_dsqs) {
		b->hdr.truncated |= SXD_CORE_TRUNC_DSQS;
		return;
	}
	d = &b->dsqs[b->hdr.nr_dsqs++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->cpu = cpu;
	d->first = b->hdr.nr_queued;
	if (lock)
		raw_spin_lock_irqsave(&dsq->lock, irq);
	core_peek(b, d->id, dsq->id);
	core_peek(b, nr, dsq->nr);
	d->nr = nr;
	core_peek(b, d->seq, dsq->seq);
	core_peek(b, priq, dsq->priq.rb_node);
	if (priq)
		d->flags |= SXD_DSQ_PRIQ;
	bound = nr + CORE_LIST_SLACK;
	core_peek(b, pos, head->next);
	for (steps = 0; pos && pos != head && steps < bound; steps++) {
		node = container_of(pos, struct scx_dsq_list_node, node);
		if (!core_peek(b, lflags, node->flags))
			break;
		/* iterators' cursors (BPF, reenqueue, bypass balancing) */
		if (!(lflags & SCX_DSQ_LNODE_ITER_CURSOR)) {
			if (d->nr_listed == opt_core_dsq_tasks)
				break;	/* the rest: nr - nr_listed */
			if (b->hdr.nr_queued == b->max_queued) {
				b->hdr.truncated |= SXD_CORE_TRUNC_QUEUED;
				break;
			}
			core_task(b, &b->queued[b->hdr.nr_queued++],
				  container_of(node, struct task_struct, scx.dsq_list));
			d->nr_listed++;
		}
		if (!(steps & 63) && core_late(b))
			break;
		core_peek(b, pos, pos->next);
	}
	if (lock)
		raw_spin_unlock_irqrestore(&dsq->lock, irq);
}

/* The scheduler's per-CPU state (7.x), or NULL. */
static u8 *core_sch_pcpu(struct scx_sched *sch, s32 cpu)
{
	void __percpu *pcpu;

	if (klayout.sched_globals || !klayout.has_sch_pcpu)
		return NULL;
	pcpu = *(void __percpu **)((u8 *)sch + klayout.sch_core_pcpu);
	return pcpu ? per_cpu_ptr(pcpu, cpu) : NULL;
}

/* Attempts at the core-wide lock while core scheduling is switched on or off */
#define CORE_RQ_LOCK_TRIES	64

/* __rq_lockp() (kernel/sched/sched.h): the core's lock while core_enabled */
static raw_spinlock_t *core_rq_lockp(u8 *rq)
{
	u8 *core_rq = NULL;

	if (READ_ONCE(*(unsigned int *)(rq + klayout.rq_core_enabled)))
		core_rq = READ_ONCE(*(u8 **)(rq + klayout.rq_core));
	return (raw_spinlock_t *)((core_rq ?: rq) + klayout.rq_lock);
}

/*
 * Lock @rq with IRQs off as raw_spin_rq_lock_nested() does
 * (kernel/sched/core.c): without core scheduling (no rq->core_enabled in
 * the BTF, or the __sched_core_enabled key off) rq->__lock; else the lock
 * __rq_lockp() names, checked again once taken, since core scheduling may
 * have been switched meanwhile (IRQs off here stand for the kernel's
 * preempt_disable(), which __sched_core_enable()'s synchronize_rcu()
 * waits for). Returns the lock taken, or NULL with IRQs as they were:
 * core scheduling not resolved (core_init() says so) or its lock still
 * changing after CORE_RQ_LOCK_TRIES; the rq is then read without it.
 */
static raw_spinlock_t *core_rq_lock(u8 *rq, unsigned long *irq)
{
	raw_spinlock_t *lock = (raw_spinlock_t *)(rq + klayout.rq_lock);
	u32 tries;

	if (klayout.has_rq_core && !core.sched_core_key)
		return NULL;
	local_irq_save(*irq);
	if (!klayout.has_rq_core || !static_key_count(&core.sched_core_key->key)) {
		raw_spin_lock(lock);
		return lock;
	}
	for (tries = 0; tries < CORE_RQ_LOCK_TRIES; tries++) {
		lock = core_rq_lockp(rq);
		raw_spin_lock(lock);
		if (lock == core_rq_lockp(rq))
			return lock;
		raw_spin_unlock(lock);
	}
	local_irq_restore(*irq);
	return NULL;
}

static void core_rq_unlock(raw_spinlock_t *lock, unsigned long irq)
{
	if (lock)
		raw_spin_unlock_irqrestore(lock, irq);
}

/* One CPU: its rq, current task, kick masks and local DSQ. */
static void core_cpu(struct core_buf *b, struct scx_sched *sch, s32 cpu)
{
	u8 *rq = per_cpu_ptr((u8 __percpu *)core.runqueues, cpu);
	struct sxd_core_cpu *c = &b->cpus[b->hdr.nr_cpus];
	u64 *masks = b->cpu_masks + (u64)b->hdr.nr_cpus * SXD_CORE_CPU_MASKS * b->mask_words;
	raw_spinlock_t *lock = NULL;
	struct sxd_core_task curr;
	struct task_struct *p = NULL;
	u8 *kick_base = NULL, released = 0;
	const u32 *kick = NULL;
	unsigned long irq;
	s32 online = 0;
	u32 i;

	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	c->local_dsq = b->hdr.nr_dsqs;
	lock = core_rq_lock(rq, &irq);
	core_copy(b, &online, rq + klayout.rq_online, sizeof(online));
	c->flags = online ? SXD_CORE_CPU_ONLINE : 0;
	core_copy(b, &c->nr_running, rq + klayout.rq_nr_running, 4);
	if (klayout.has_cfs_nr)
		core_copy(b, &c->cfs_nr_running, rq + klayout.rq_cfs_nr, 4);
	if (klayout.has_rt_nr)
		core_copy(b, &c->rt_nr_running, rq + klayout.rq_rt_nr, 4);
	if (klayout.has_dl_nr)
		core_copy(b, &c->dl_nr_running, rq + klayout.rq_dl_nr, 4);
	core_copy(b, &c->scx_nr_running, rq + klayout.rq_scx_nr_running, 4);
	core_copy(b, &c->scx_flags, rq + klayout.rq_scx_flags, 4);
	if (klayout.has_rq_qseq)
		core_copy(b, &c->ops_qseq, rq + klayout.rq_ops_qseq, 8);
	core_copy(b, &released, rq + klayout.rq_cpu_released, 1);
	c->cpu_released = released;
	core_copy(b, &p, rq + klayout.rq_curr, sizeof(p));
	c->curr_pid = -1;
	if (p) {
		core_task(b, &curr, p);
		c->curr_pid = curr.pid;
		c->curr_class = curr.class;
		c->curr_policy = curr.policy;
		c->curr_prio = curr.prio;
		memcpy(c->curr_comm, curr.comm, sizeof(c->curr_comm));
	}
	if (klayout.kick_in_rq) {
		kick_base = rq;
		kick = klayout.rq_kick;
	} else if (klayout.kick_in_pcpu) {
		kick_base = core_sch_pcpu(sch, cpu);
		kick = klayout.pcpu_kick;
	}
	for (i = 0; i < SXD_CORE_CPU_MASKS; i++)
		core_mask(b, masks + i * b->mask_words,
			  kick_base ? core_mask_var(b, kick_base, kick[i]) : NULL);
	core_dsq(b, (struct scx_dispatch_q *)(rq + klayout.rq_local_dsq), SXD_DSQ_LOCAL, cpu,
		 false);
	core_rq_unlock(lock, irq);
	b->hdr.nr_cpus++;
}

/*
 * The oldest runnable task on @cpu's runqueue, for the stall watch
 * (stall.c), in O(1): the first of rq->scx.runnable_list, to which
 * sched_ext appends a task when it becomes runnable (set_task_runnable()),
 * so that its runnable_at is the list's earliest. Read under the rq lock,
 * as the kernel's own watchdog reads that list (check_rq_for_timeouts()):
 * a task stays linked, and so alive, while it is held (core_rq_lock():
 * the core's with core scheduling). Without that lock (core_rq_lock()
 * says when) it is read under RCU (a task_struct is freed after a grace
 * period), with the fault-safe copies. False when the list is empty or
 * could not be read.
 */
bool core_oldest_runnable(s32 cpu, struct sxd_stall_task *t)
{
	struct list_head *head, *first = NULL;
	raw_spinlock_t *lock = NULL;
	unsigned long irq, at = 0, now = 0;
	struct task_struct *p;
	bool ok = false;
	u8 *rq;

	if (!core.runqueues || !klayout.has_runnable_list)
		return false;
	rq = per_cpu_ptr((u8 __percpu *)core.runqueues, cpu);
	head = (struct list_head *)(rq + klayout.rq_runnable_list);
	rcu_read_lock();
	lock = core_rq_lock(rq, &irq);
	if (!copy_from_kernel_nofault(&first, &head->next, sizeof(first)) && first &&
	    first != head) {
		p = container_of(first, struct task_struct, scx.runnable_node);
		ok = !copy_from_kernel_nofault(&at, &p->scx.runnable_at, sizeof(at)) &&
		     !copy_from_kernel_nofault(&t->pid, &p->pid, sizeof(t->pid)) &&
		     !copy_from_kernel_nofault(t->comm, p->comm, sizeof(t->comm));
		now = jiffies;
	}
	core_rq_unlock(lock, irq);
	rcu_read_unlock();
	if (!ok)
		return false;
	t->cpu = cpu;
	t->wait_ms = time_after(now, at) ? jiffies_to_msecs(now - at) : 0;
	t->pad = 0;
	t->comm[sizeof(t->comm) - 1] = '\0';
	return true;
}

/* Node @node's global DSQ: the scheduler's (7.x) or sched_ext's (6.12). */
static struct scx_dispatch_q *core_global_dsq(struct core_buf *b, struct scx_sched *sch,
					      int node)
{
	u8 **pnode = NULL, *pn = NULL;
	struct scx_dispatch_q **gd = NULL, *dsq = NULL;

	if (klayout.has_sch_pnode && !klayout.sched_globals) {
		core_copy(b, &pnode, (u8 *)sch + klayout.sch_pnode, sizeof(pnode));
		if (pnode && core_peek(b, pn, pnode[node]) && pn)
			return (struct scx_dispatch_q *)(pn + klayout.pnode_global_dsq);
		return NULL;
	}
	if (core.global_dsqs && core_peek(b, gd, *core.global_dsqs) && gd)
		core_peek(b, dsq, gd[node]);
	return dsq;
}

static struct rhashtable *core_dsq_hash(struct scx_sched *sch)
{
	if (klayout.has_sch_dsq_hash && !klayout.sched_globals)
		return (struct rhashtable *)((u8 *)sch + klayout.sch_dsq_hash);
	return core.dsq_hash;
}

/* The scheduler's own DSQs, from its hash table, under RCU. */
static void core_user_dsqs(struct core_buf *b, struct scx_sched *sch)
{
	struct rhashtable *ht = core_dsq_hash(sch);
	const struct bucket_table *tbl;
	struct rhash_head *pos;
	unsigned int i, size = 0;
	u32 steps;

	if (!ht) {
		b->hdr.missing |= SXD_CORE_NO_USER_DSQS;
		return;
	}
	rcu_read_lock();
	tbl = rcu_dereference(ht->tbl);
	if (tbl)
		core_peek(b, size, tbl->size);
	for (i = 0; i < size && !core_late(b); i++) {
		steps = 0;
		rht_for_each_rcu(pos, tbl, i) {
			core_dsq(b, container_of(pos, struct scx_dispatch_q, hash_node),
				 SXD_DSQ_USER, -1, true);
			if (++steps > CORE_LIST_SLACK || core_late(b))
				break;
		}
	}
	rcu_read_unlock();
}

/* One DSQ's id and depth, for the flight recorder (core_depths()). */
static void core_depth_dsq(struct core_buf *b, struct sxd_tl_sample *s, struct sxd_tl_dsq *dsqs,
			   u32 max_dsqs, struct scx_dispatch_q *dsq, u32 kind)
{
	struct sxd_tl_dsq *d;

	s->dsqs_seen++;
	if (s->nr_dsqs == max_dsqs) {
		s->flags |= SXD_TL_S_DSQS;
		return;
	}
	d = &dsqs[s->nr_dsqs++];
	d->kind = kind;
	core_peek(b, d->id, dsq->id);
	core_peek(b, d->nr, dsq->nr);
}

/*
 * The depths the flight recorder samples (timeline.c): per possible CPU
 * its rq's nr_running, scx.nr_running and local DSQ depth; then the
 * global DSQs and the scheduler's own, their ids and depths. Counts only,
 * so no lock: each is one word, read with a fault-safe copy, a count of
 * that moment (the rq is per-CPU and never freed; DSQs are freed after an
 * RCU grace period and the hash is walked under rcu_read_lock(), as
 * core_user_dsqs() does). Bounded by the CPUs, @max_dsqs, CORE_LIST_SLACK
 * per bucket and core_budget_us; what is left out is counted in @s.
 */
void core_depths(struct scx_sched *sch, struct sxd_tl_sample *s, struct sxd_tl_cpu *cpus,
		 struct sxd_tl_dsq *dsqs, u32 max_dsqs)
{
	struct core_buf b = { };
	struct rhashtable *ht;
	const struct bucket_table *tbl;
	struct rhash_head *pos;
	unsigned int i, size = 0;
	s32 cpu, online;
	u32 steps;
	int node;
	u8 *rq;

	if (!core.ok)
		return;
	b.deadline = local_clock() + opt_core_budget_us * NSEC_PER_USEC;
	for_each_possible_cpu(cpu) {
		struct sxd_tl_cpu *c = &cpus[s->nr_cpus++];

		rq = per_cpu_ptr((u8 __percpu *)core.runqueues, cpu);
		online = 0;
		core_copy(&b, &online, rq + klayout.rq_online, sizeof(online));
		c->flags = online ? SXD_CORE_CPU_ONLINE : 0;
		core_copy(&b, &c->nr_running, rq + klayout.rq_nr_running, 4);
		core_copy(&b, &c->scx_nr_running, rq + klayout.rq_scx_nr_running, 4);
		core_copy(&b, &c->local_nr,
			  &((struct scx_dispatch_q *)(rq + klayout.rq_local_dsq))->nr, 4);
	}
	for (node = 0; node < nr_node_ids && !core_late(&b); node++) {
		struct scx_dispatch_q *dsq = core_global_dsq(&b, sch, node);

		if (!dsq)
			break;
		core_depth_dsq(&b, s, dsqs, max_dsqs, dsq, SXD_DSQ_GLOBAL);
	}
	ht = core_dsq_hash(sch);
	if (ht) {
		rcu_read_lock();
		tbl = rcu_dereference(ht->tbl);
		if (tbl)
			core_peek(&b, size, tbl->size);
		for (i = 0; i < size && !core_late(&b); i++) {
			steps = 0;
			rht_for_each_rcu(pos, tbl, i) {
				core_depth_dsq(&b, s, dsqs, max_dsqs,
					       container_of(pos, struct scx_dispatch_q, hash_node),
					       SXD_DSQ_USER);
				if (++steps > CORE_LIST_SLACK)
					break;
			}
		}
		rcu_read_unlock();
	}
	s->nr_faults = b.hdr.nr_faults;
	if (b.hdr.truncated & SXD_CORE_TRUNC_TIME)
		s->flags |= SXD_TL_S_LATE;
}

/*
 * What more a listed task says, read as core_task() reads (the task kept
 * from being freed the same way). Its parent is read through real_parent
 * under RCU (a task_struct is freed after a grace period; exit reparents
 * children before) and with a fault-safe copy all the same.
 */
static void core_task_more(struct core_buf *b, struct sxd_core_task_more *m, struct task_struct *p)
{
	struct task_struct *parent = NULL;

	memset(m, 0, sizeof(*m));
	core_peek(b, m->pid, p->pid);
	core_peek(b, m->ddsp_dsq_id, p->scx.ddsp_dsq_id);
	core_peek(b, m->ddsp_enq_flags, p->scx.ddsp_enq_flags);
	core_peek(b, m->sum_exec_runtime, p->se.sum_exec_runtime);
	core_copy(b, &m->nvcsw, &p->nvcsw, sizeof(p->nvcsw));
	core_copy(b, &m->nivcsw, &p->nivcsw, sizeof(p->nivcsw));
	core_peek(b, m->exec_start, p->se.exec_start);
	m->parent_tgid = -1;
	rcu_read_lock();
	core_peek(b, parent, p->real_parent);
	if (parent)
		core_peek(b, m->parent_tgid, parent->tgid);
	rcu_read_unlock();
}

static void core_task_listed(struct core_buf *b, struct task_struct *p)
{
	const struct cpumask *allowed = NULL;

	core_task(b, &b->tasks[b->hdr.nr_tasks], p);
	core_task_more(b, &b->more[b->hdr.nr_tasks], p);
	core_peek(b, allowed, p->cpus_ptr);
	core_mask(b, b->task_masks + (u64)b->hdr.nr_tasks * b->mask_words, allowed);
	b->hdr.nr_tasks++;
}

/*
 * Every task on sched_ext (on this scheduler, where tasks say which), in
 * batches: scx_tasks_lock is held for CORE_TASKS_BATCH entries or
 * CORE_TASKS_HOLD_NS at most, then dropped with IRQs restored and taken
 * again, as the kernel's scx_task_iter_next() does. Meanwhile the walk's
 * place is a cursor in the list, a struct sched_ext_entity flagged
 * SCX_TASK_CURSOR, as the kernel's iterators make theirs
 * (scx_task_iter_start()); every walker of scx_tasks (the kernel's and
 * this one) skips cursors, and tasks are added and removed around it.
 * struct sched_ext_entity is the public one every task embeds
 * (include/linux/sched/ext.h, the running kernel's, which this module is
 * built against as for every p->scx read here); no private layout. The
 * cursor is linked and moved only under the lock, after the entry it
 * follows was read without a fault, and unlinked before the walk ends.
 * @may_sleep: process context (on demand), where cond_resched() runs
 * between batches; the read at the bypass's entry must not sleep.
 */
static void core_tasks(struct core_buf *b, struct scx_sched *sch, bool may_sleep)
{
	struct list_head *head = core.tasks, *cur, *pos = NULL, *next = NULL, *back = NULL;
	struct sched_ext_entity *se;
	struct task_struct *p;
	const void *class;
	void *owner;
	unsigned long irq;
	u32 flags, steps, bound, batch = 0;
	u64 held;

	if (!head || !core.tasks_lock) {
		b->hdr.missing |= SXD_CORE_NO_TASKS;
		return;
	}
	bound = b->max_tasks * 64 + (1u << 20);
	memset(b->cursor, 0, sizeof(*b->cursor));
	b->cursor->flags = SCX_TASK_CURSOR;
	cur = &b->cursor->tasks_node;
	raw_spin_lock_irqsave(core.tasks_lock, irq);
	held = local_clock();
	list_add(cur, head);
	core_peek(b, pos, cur->next);
	for (steps = 0; pos && pos != head && steps < bound; steps++) {
		se = container_of(pos, struct sched_ext_entity, tasks_node);
		p = container_of(se, struct task_struct, scx);
		if (!core_peek(b, flags, se->flags) || !core_peek(b, next, pos->next))
			break;
		/* the kernel's iterators' cursors, and other walks of ours */
		if (!(flags & SCX_TASK_CURSOR) &&
		    core_peek(b, class, p->sched_class) && class &&
		    class == core.classes[SXD_CLASS_EXT]) {
			owner = sch;
			if (klayout.has_task_sched)
				core_copy(b, &owner, (u8 *)se + klayout.see_sched, sizeof(owner));
			if (owner == sch) {
				b->hdr.tasks_seen++;
				if (b->hdr.nr_tasks < b->max_tasks)
					core_task_listed(b, p);
				else
					b->hdr.truncated |= SXD_CORE_TRUNC_TASKS;
			}
		}
		pos = next;
		if (++batch < CORE_TASKS_BATCH && local_clock() - held < CORE_TASKS_HOLD_NS)
			continue;
		/* the cursor goes after what was read: a list that holds together */
		if (core_late(b) || !core_peek(b, back, next->prev) || back != &se->tasks_node)
			break;
		list_move(cur, back);
		raw_spin_unlock_irqrestore(core.tasks_lock, irq);
		if (may_sleep)
			cond_resched();
		raw_spin_lock_irqsave(core.tasks_lock, irq);
		held = local_clock();
		batch = 0;
		core_peek(b, pos, cur->next);
	}
	list_del_init(cur);
	raw_spin_unlock_irqrestore(core.tasks_lock, irq);
}

/*
 * Read @sch's core state into @b. Never sleeps (see the top of this
 * file): callable from the bypass entry and from process context alike.
 */
static void core_walk(struct core_buf *b, struct scx_sched *sch, u32 when)
{
	u64 t0 = local_clock();
	u8 *pcpu;
	s32 cpu;
	int node;

	memset(&b->hdr, 0, sizeof(b->hdr));
	b->hdr.when = when;
	b->hdr.boottime_ns = ktime_get_boottime_ns();
	b->hdr.jiffies = jiffies;
	b->hdr.hz = HZ;
	b->hdr.mask_words = b->mask_words;
	b->hdr.max_dsq_tasks = opt_core_dsq_tasks;
	memcpy(b->hdr.task_states, klayout.task_states, sizeof(b->hdr.task_states));
	b->deadline = t0 + opt_core_budget_us * NSEC_PER_USEC;
	b->clock_ns = t0;
	for_each_possible_cpu(cpu) {
		if (core_late(b))
			break;
		core_cpu(b, sch, cpu);
	}
	for_each_possible_cpu(cpu) {
		pcpu = klayout.has_bypass_dsq ? core_sch_pcpu(sch, cpu) : NULL;
		if (!pcpu || core_late(b))
			break;
		core_dsq(b, (struct scx_dispatch_q *)(pcpu + klayout.pcpu_bypass_dsq),
			 SXD_DSQ_BYPASS, cpu, true);
	}
	if (!klayout.has_bypass_dsq)
		b->hdr.missing |= SXD_CORE_NO_BYPASS_DSQS;
	for (node = 0; node < nr_node_ids && !core_late(b); node++) {
		struct scx_dispatch_q *dsq = core_global_dsq(b, sch, node);

		if (!dsq) {
			b->hdr.missing |= SXD_CORE_NO_GLOBAL_DSQS;
			break;
		}
		core_dsq(b, dsq, SXD_DSQ_GLOBAL, node, true);
	}
	core_user_dsqs(b, sch);
	/* on demand is process context; the read at the bypass is not */
	core_tasks(b, sch, when == SXD_CORE_LIVE);
	b->hdr.duration_ns = local_clock() - t0;
}

static void core_buf_free(struct core_buf *b)
{
	if (!b)
		return;
	kvfree(b->cursor);	/* the block's start */
	kfree(b);
}

/* A buffer for one walk, sized by the core_max_* parameters. */
static struct core_buf *core_buf_alloc(void)
{
	struct core_buf *b = sxd_alloc(kzalloc(sizeof(*b), GFP_KERNEL));
	size_t cursor, cpus, dsqs, queued, tasks, more, cmasks, tmasks, size;
	u8 *p;

	if (!b)
		return NULL;
	b->max_dsqs = opt_core_max_dsqs;
	b->max_queued = opt_core_max_queued;
	b->max_tasks = opt_core_max_tasks;
	b->mask_words = DIV_ROUND_UP(nr_cpu_ids, 64);
	/* first, where the block's alignment is the entity's */
	cursor = ALIGN(sizeof(*b->cursor), 8);
	cpus = array_size(nr_cpu_ids, sizeof(*b->cpus));
	dsqs = array_size(b->max_dsqs, sizeof(*b->dsqs));
	queued = array_size(b->max_queued, sizeof(*b->queued));
	tasks = array_size(b->max_tasks, sizeof(*b->tasks));
	more = array_size(b->max_tasks, sizeof(*b->more));
	cmasks = array3_size(nr_cpu_ids, SXD_CORE_CPU_MASKS, b->mask_words * sizeof(u64));
	tmasks = array3_size(b->max_tasks, b->mask_words, sizeof(u64));
	size = size_add(size_add(size_add(cpus, dsqs), size_add(queued, tasks)),
			size_add(size_add(cmasks, tmasks), size_add(cursor, more)));
	p = sxd_alloc(kvzalloc(size, GFP_KERNEL));
	if (!p) {
		kfree(b);
		return NULL;
	}
	b->cursor = (void *)p;
	b->cpus = (void *)(p += cursor);
	b->dsqs = (void *)(p += cpus);
	b->queued = (void *)(p += dsqs);
	b->tasks = (void *)(p += queued);
	b->more = (void *)(p += tasks);
	b->cpu_masks = (void *)(p += more);
	b->task_masks = (void *)(p + cmasks);
	return b;
}

/* What @b holds as the pieces of its SXD_REC_CORE record; its size. */
static size_t core_buf_iov(struct core_buf *b, struct dump_iov iov[CORE_IOVS])
{
	struct sxd_core *h = &b->hdr;
	size_t size = 0;
	u32 i;

	iov[0] = (struct dump_iov){ h, sizeof(*h) };
	iov[1] = (struct dump_iov){ b->cpus, (size_t)h->nr_cpus * sizeof(*b->cpus) };
	iov[2] = (struct dump_iov){ b->dsqs, (size_t)h->nr_dsqs * sizeof(*b->dsqs) };
	iov[3] = (struct dump_iov){ b->queued, (size_t)h->nr_queued * sizeof(*b->queued) };
	iov[4] = (struct dump_iov){ b->tasks, (size_t)h->nr_tasks * sizeof(*b->tasks) };
	iov[5] = (struct dump_iov){ b->cpu_masks,
				    (size_t)h->nr_cpus * SXD_CORE_CPU_MASKS * b->mask_words * 8 };
	iov[6] = (struct dump_iov){ b->task_masks, (size_t)h->nr_tasks * b->mask_words * 8 };
	for (i = 0; i < CORE_IOVS; i++)
		size += iov[i].len;
	return size;
}

/*
 * Reserve @b's record in the dump before the first map entry
 * (dump_writer_reserve()): the entries may fill the rest, never its room.
 * False, with an error record, when it does not fit beside what is
 * written and reserved already.
 */
static bool core_reserve(struct capture *c, struct core_buf *b)
{
	struct dump_iov iov[CORE_IOVS];
	size_t size = core_buf_iov(b, iov);

	if (size <= SXD_REC_MAX_SIZE && !dump_writer_reserve(&c->w, sxd_align(size)))
		return true;
	capture_error(c, -ENOSPC,
		      "core state (%u CPUs, %u DSQs, %u tasks: %zu bytes) left out: no room beside the records written before the maps and those reserved (max_dump_bytes %lu)",
		      b->hdr.nr_cpus, b->hdr.nr_dsqs, b->hdr.nr_tasks, size, opt_max_dump_bytes);
	return false;
}

/* Write what @b holds as @sch's SXD_REC_CORE record, in its reserved room. */
/* The listed tasks' more (SXD_REC_CORE_TASKS), after their core record. */
static void core_write_more(struct capture *c, struct core_buf *b)
{
	struct sxd_core_tasks t = {
		.sched_index = b->hdr.sched_index,
		.when = b->hdr.when,
		.nr_tasks = b->hdr.nr_tasks,
		.task_size = sizeof(*b->more),
		.clock_ns = b->clock_ns,
	};
	struct dump_iov iov[2] = {
		{ &t, sizeof(t) },
		{ b->more, (size_t)b->hdr.nr_tasks * sizeof(*b->more) },
	};
	int err = dump_writer_record(&c->w, SXD_REC_CORE_TASKS, iov, ARRAY_SIZE(iov));

	if (err)
		capture_error(c, err, "core state: the tasks' runtimes and parents left out: %s",
			      capture_why(err));
}

static void core_write_buf(struct capture *c, struct core_buf *b, u32 sched_index)
{
	struct sxd_core *h = &b->hdr;
	struct dump_iov iov[CORE_IOVS];
	int err;

	h->sched_index = sched_index;
	core_buf_iov(b, iov);
	err = dump_writer_record_reserved(&c->w, SXD_REC_CORE, iov, ARRAY_SIZE(iov));
	if (err)
		capture_error(c, err, "core state (%u CPUs, %u DSQs, %u tasks) left out: %s",
			      h->nr_cpus, h->nr_dsqs, h->nr_tasks, capture_why(err));
	else
		core_write_more(c, b);
	if (!err && h->truncated)
		pr_info("core state cut (0x%x): %u of %u tasks, %u of %u DSQs, %u faults\n",
			h->truncated, h->nr_tasks, h->tasks_seen, h->nr_dsqs, h->dsqs_seen,
			h->nr_faults);
}

/* How many exit buffers are claimed and exits are missing one. Lock held. */
static u32 core_disabling(void)
{
	u32 i, n = 0;

	for (i = 0; i < core_nr_exit_bufs; i++)
		n += !!core_exit_bufs[i]->sch;
	for (i = 0; i < ARRAY_SIZE(core_missed); i++)
		n += !!core_missed[i].sch;
	return n;
}

/* @sch's exit buffer, or NULL. core_bufs_lock held. */
static struct core_buf *core_exit_buf(struct scx_sched *sch)
{
	u32 i;

	for (i = 0; i < core_nr_exit_bufs; i++) {
		if (core_exit_bufs[i]->sch == sch)
			return core_exit_bufs[i];
	}
	return NULL;
}

/* Forget @sch's exit: its buffer free again, its miss cleared. Lock held. */
static void core_forget(struct scx_sched *sch)
{
	struct core_buf *b = core_exit_buf(sch);
	u32 i;

	/* a buffer being filled or written stays its reader's */
	if (b && !b->busy) {
		b->sch = NULL;
		b->ready = false;
	}
	for (i = 0; i < ARRAY_SIZE(core_missed); i++) {
		if (core_missed[i].sch == sch)
			core_missed[i].sch = NULL;
	}
}

/*
 * At the entry of the bypass that starts @sch's disable work (hook.c):
 * if its exit is one to capture (trigger_exit_wanted()), read its core
 * state into a free exit buffer for the capture after the bypass. A
 * buffer claimed by another scheduler is never taken: with none free,
 * the miss is noted for @sch's dump. Never sleeps.
 */
void core_presnap(struct scx_sched *sch)
{
	struct core_buf *b = NULL;
	unsigned long irq;
	u32 i, n = 0;

	if (!core.ok || !trigger_exit_wanted(sch))
		return;
	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	/* a disable work that ended without its capture (see core_release()) */
	core_forget(sch);
	for (i = 0; i < core_nr_exit_bufs; i++) {
		if (!core_exit_bufs[i]->sch) {
			b = core_exit_bufs[i];
			b->sch = sch;
			b->busy = true;
			break;
		}
	}
	if (!b) {
		n = core_disabling() + 1;
		for (i = 0; i < ARRAY_SIZE(core_missed); i++) {
			if (!core_missed[i].sch) {
				core_missed[i].sch = sch;
				core_missed[i].disabling = n;
				break;
			}
		}
	}
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
	if (!b) {
		pr_err("core state not read: %u schedulers disabling at once, pool of %u (core_exit_bufs)\n",
		       n, core_nr_exit_bufs);
		return;
	}
	core_walk(b, sch, SXD_CORE_BEFORE_BYPASS);
	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	b->busy = false;
	b->ready = true;
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
}

/*
 * @sch's disable work is past its capture point (hook.c), captured or
 * not: its exit buffer is free again. Its own kthread calls this, the one
 * that claimed the buffer, so the buffer is not being filled or written.
 */
void core_release(struct scx_sched *sch)
{
	unsigned long irq;

	if (!core.ok)
		return;
	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	core_forget(sch);
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
}

/* Give the exit buffer core_claim_exit() took back: written or not, @sch is done with it. */
static void core_release_exit(struct core_buf *b, struct scx_sched *sch)
{
	unsigned long irq;

	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	b->busy = false;
	core_forget(sch);
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
}

/* The exit capture of @sch: take what core_presnap() read, until written. */
static struct core_buf *core_claim_exit(struct capture *c, struct scx_sched *sch)
{
	struct core_buf *b;
	unsigned long irq;
	u32 i, missed = 0;

	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	b = core_exit_buf(sch);
	if (b && (!b->ready || b->busy))
		b = NULL;
	if (b)
		b->busy = true;
	for (i = 0; !b && i < ARRAY_SIZE(core_missed); i++) {
		if (core_missed[i].sch == sch)
			missed = core_missed[i].disabling;
	}
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
	if (!b) {
		if (missed)
			capture_error(c, -ENOBUFS,
				      "core state: not read: %u schedulers disabling at once, pool of %u (core_exit_bufs)",
				      missed, core_nr_exit_bufs);
		else
			capture_error(c, -ENODATA,
				      "core state: not read at the bypass that began this disable (its entry not traced, over %u disabling at once, or another path disabled it)",
				      core_nr_exit_bufs + TRIGGER_MAX_SCHEDS);
	}
	return b;
}

/*
 * Right before the consistent snapshot, and before any map entry: on
 * demand, read c->sch's core state live, each CPU and each DSQ under its
 * own lock (not inside the stop: there every CPU's current task is its
 * stopper thread, and which task each CPU was running is what the core
 * state is read for); at exit, take what core_presnap() read. Either way
 * its record's room is reserved now, so the maps cannot take it.
 */
void core_prepare(struct capture *c)
{
	if (!core.ok)
		return;
	if (c->trigger == SXD_TRIGGER_EXIT) {
		c->core_exit = core_claim_exit(c, c->sch);
		if (c->core_exit && !core_reserve(c, c->core_exit)) {
			core_release_exit(c->core_exit, c->sch);
			c->core_exit = NULL;
		}
		return;
	}
	c->core = core_buf_alloc();
	if (!c->core) {
		capture_error(c, -ENOMEM, "core state left out: no memory for its buffer");
		return;
	}
	core_walk(c->core, c->sch, SXD_CORE_LIVE);
	if (!core_reserve(c, c->core)) {
		core_buf_free(c->core);
		c->core = NULL;
	}
}

/* After the snapshot: write the core state into the room reserved for it. */
void core_write(struct capture *c, u32 sched_index)
{
	if (c->core_exit) {
		core_write_buf(c, c->core_exit, sched_index);
		core_release_exit(c->core_exit, c->sch);
		c->core_exit = NULL;
	}
	if (c->core) {
		core_write_buf(c, c->core, sched_index);
		core_buf_free(c->core);
		c->core = NULL;
	}
}

/*
 * Where this kernel keeps what the walk reads, beyond the BTF layouts
 * (layout.c): the runqueues, the task list and its lock, the classes,
 * and on 6.12 the DSQ hash and global DSQs that 7.x keeps per scheduler.
 * What is missing degrades the core state, with a reason in every dump;
 * the load never fails for it.
 */
int core_init(void)
{
	u32 i;

	core.runqueues = (void __percpu *)ksym_addr("runqueues");
	for (i = 1; i < ARRAY_SIZE(core_class_syms); i++)
		core.classes[i] = (const void *)ksym_addr(core_class_syms[i]);
	if (!klayout.ok_core || !core.runqueues || !core.classes[SXD_CLASS_EXT]) {
		if (klayout.ok_core)
			klayout_note_absent("core_state",
					    "kallsyms has no runqueues or ext_sched_class");
		return 0;
	}
	if (klayout.has_rq_core) {
		core.sched_core_key =
			(struct static_key_false *)ksym_addr("__sched_core_enabled");
		if (!klayout.has_rq_core_ptr || !core.sched_core_key) {
			core.sched_core_key = NULL;
			klayout_note_absent("core_rq_lock",
					    "core scheduling without rq->core or __sched_core_enabled: CPUs read without their rq lock");
		}
	}
	if (!IS_ENABLED(CONFIG_PREEMPT_RT)) {
		core.tasks = (struct list_head *)ksym_addr("scx_tasks");
		core.tasks_lock = (raw_spinlock_t *)ksym_addr("scx_tasks_lock");
	}
	/*
	 * The walk links a cursor into scx_tasks (core_tasks()): only where
	 * the kernel's own BTF puts the entry's flags and list node where
	 * this module's struct sched_ext_entity has them.
	 */
	if (core.tasks && core.tasks_lock &&
	    (!klayout.has_see_flags || !klayout.has_see_tasks_node ||
	     klayout.see_flags != offsetof(struct sched_ext_entity, flags) ||
	     klayout.see_tasks_node != offsetof(struct sched_ext_entity, tasks_node))) {
		core.tasks = NULL;
		klayout_note_absent("core_tasks",
				    "struct sched_ext_entity's flags or tasks_node not where the kernel's BTF has them");
	} else if (!core.tasks || !core.tasks_lock) {
		klayout_note_absent("core_tasks",
				    "no scx_tasks/scx_tasks_lock in kallsyms (or PREEMPT_RT)");
	}
	if (klayout.sched_globals) {
		core.dsq_hash = (struct rhashtable *)ksym_addr("dsq_hash");
		core.global_dsqs = (struct scx_dispatch_q ***)ksym_addr("global_dsqs");
	}
	if (!klayout.kick_in_rq && !klayout.kick_in_pcpu)
		klayout_note_absent("core_kick_masks",
				    "neither scx_rq nor scx_sched_pcpu has cpus_to_kick");
	if (!klayout.has_bypass_dsq)
		klayout_note_absent("bypass_dsqs",
				    "no scx_sched_pcpu.bypass_dsq: bypass uses the global DSQs");
	if (!klayout.has_rq_qseq)
		klayout_note_absent("cpu_ops_qseq",
				    "the kernel keeps ops_qseq per task (tasks[].ops_qseq), not per CPU");
	core_exit_bufs = sxd_alloc(kcalloc(opt_core_exit_bufs, sizeof(*core_exit_bufs),
					   GFP_KERNEL));
	for (i = 0; core_exit_bufs && i < opt_core_exit_bufs; i++) {
		core_exit_bufs[i] = core_buf_alloc();
		if (!core_exit_bufs[i])
			break;
		core_nr_exit_bufs++;
	}
	if (core_nr_exit_bufs < opt_core_exit_bufs) {
		pr_err("no memory for the core state's %lu buffers (core_exit_bufs; core_max_tasks %lu, core_max_queued %lu, core_max_dsqs %lu)\n",
		       opt_core_exit_bufs, opt_core_max_tasks, opt_core_max_queued,
		       opt_core_max_dsqs);
		core_exit();
		return -ENOMEM;
	}
	core.ok = true;
	return 0;
}

/*
 * After the hook and every capture are gone (main.c): nothing fills or
 * writes an exit buffer any more. The pool is taken out under
 * core_bufs_lock all the same, where core_presnap() and core_write_exit()
 * look for a buffer (an empty pool has none to give), and a buffer still
 * busy (which that order rules out) is left allocated, and said so,
 * rather than freed under its user.
 */
void core_exit(void)
{
	struct core_buf **bufs;
	unsigned long irq;
	u32 i, n;

	WRITE_ONCE(core.ok, false);
	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	bufs = core_exit_bufs;
	n = core_nr_exit_bufs;
	core_exit_bufs = NULL;
	core_nr_exit_bufs = 0;
	memset(core_missed, 0, sizeof(core_missed));
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
	for (i = 0; i < n; i++) {
		if (READ_ONCE(bufs[i]->busy)) {
			pr_err("a core state buffer still in use at unload: not freed\n");
			continue;
		}
		core_buf_free(bufs[i]);
	}
	kfree(bufs);
}

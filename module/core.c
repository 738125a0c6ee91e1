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
 *    are read under the rq lock (rq->__lock), as scx_dump_state() does;
 *    rq->curr cannot be freed while it is held. With core scheduling
 *    (rq->core_enabled exists) the lock may be another rq's: then the
 *    rq is read without it, with the fault-safe copies below.
 *  - Global, bypass and user DSQs are walked under their own dsq->lock,
 *    which the kernel takes to link or unlink a task: a task on the list
 *    stays valid while it is held. DSQs are freed after an RCU grace
 *    period (destroy_dsq(): kfree_rcu / call_rcu); the user DSQ hash is
 *    walked under rcu_read_lock(), as rhashtable_lookup() is.
 *  - All tasks: sched_ext's scx_tasks list under scx_tasks_lock, which a
 *    task's removal (sched_ext_free() / sched_ext_dead()) takes before the
 *    task can be freed. On 6.12 that lock is a spinlock_t, whose raw lock
 *    comes first (not on PREEMPT_RT, where the task walk is left out).
 *  - Every pointer followed and every field is still copied with
 *    copy_from_kernel_nofault(): a fault (a layout this code got wrong)
 *    leaves the value zero and is counted, never an oops; a list that
 *    does not come back to its head ends at the count bound.
 */
#include <linux/cpumask.h>
#include <linux/jiffies.h>
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

/* two failures at once (a root and its sub-scheduler) keep both */
#define CORE_EXIT_BUFS		4
/* list steps beyond what a DSQ or the task list can hold: a broken list */
#define CORE_LIST_SLACK		4096

unsigned long opt_core_max_tasks = 8192;
unsigned long opt_core_max_dsqs = 1024;
unsigned long opt_core_max_queued = 8192;
unsigned long opt_core_dsq_tasks = 64;
unsigned long opt_core_budget_us = 50000;

struct core_buf {
	/* guarded by core_bufs_lock */
	struct scx_sched *sch;		/* read for this scheduler */
	u64 stamp;			/* claim order: the oldest is reused */
	bool busy;			/* being filled or written */
	bool ready;
	/* the record, filled by core_walk() */
	struct sxd_core hdr;
	struct sxd_core_cpu *cpus;	/* nr_cpu_ids */
	struct sxd_core_dsq *dsqs;	/* max_dsqs */
	struct sxd_core_task *queued;	/* max_queued */
	struct sxd_core_task *tasks;	/* max_tasks */
	u64 *cpu_masks;			/* nr_cpu_ids * SXD_CORE_CPU_MASKS lists */
	u64 *task_masks;		/* max_tasks lists */
	u32 max_dsqs, max_queued, max_tasks, mask_words;
	u64 deadline;			/* local_clock() past which the walk ends */
};

/* the pieces of an SXD_REC_CORE record (core_buf_iov()) */
#define CORE_IOVS	7

static struct core_buf *core_exit_bufs[CORE_EXIT_BUFS];
static DEFINE_RAW_SPINLOCK(core_bufs_lock);
static u64 core_stamp;

/* Found at load (core_init()): kallsyms, then what is missing and why. */
static struct {
	void __percpu *runqueues;	/* DEFINE_PER_CPU(struct rq, runqueues) */
	struct list_head *tasks;	/* scx_tasks */
	raw_spinlock_t *tasks_lock;	/* scx_tasks_lock */
	struct rhashtable *dsq_hash;	/* 6.12: the user DSQs */
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

static u32 core_class(const void *class)
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
	t->class = core_class(class);
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

/*
 * @rq's own lock, or NULL with core scheduling (rq->core_enabled exists),
 * where the lock that guards it may be another rq's: then the rq is read
 * without it, with the fault-safe copies (the top of this file).
 */
static raw_spinlock_t *core_rq_lock(u8 *rq)
{
	return klayout.has_rq_core ? NULL : (raw_spinlock_t *)(rq + klayout.rq_lock);
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
	lock = core_rq_lock(rq);
	if (lock)
		raw_spin_lock_irqsave(lock, irq);
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
	if (lock)
		raw_spin_unlock_irqrestore(lock, irq);
	b->hdr.nr_cpus++;
}

/*
 * The oldest runnable task on @cpu's runqueue, for the stall watch
 * (stall.c), in O(1): the first of rq->scx.runnable_list, to which
 * sched_ext appends a task when it becomes runnable (set_task_runnable()),
 * so that its runnable_at is the list's earliest. Read under the rq lock,
 * as the kernel's own watchdog reads that list (check_rq_for_timeouts()):
 * a task stays linked, and so alive, while it is held. With core
 * scheduling (the lock may be another rq's) it is read without the lock,
 * under RCU (a task_struct is freed after a grace period), with the
 * fault-safe copies. False when the list is empty or could not be read.
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
	lock = core_rq_lock(rq);
	rcu_read_lock();
	if (lock)
		raw_spin_lock_irqsave(lock, irq);
	if (!copy_from_kernel_nofault(&first, &head->next, sizeof(first)) && first &&
	    first != head) {
		p = container_of(first, struct task_struct, scx.runnable_node);
		ok = !copy_from_kernel_nofault(&at, &p->scx.runnable_at, sizeof(at)) &&
		     !copy_from_kernel_nofault(&t->pid, &p->pid, sizeof(t->pid)) &&
		     !copy_from_kernel_nofault(t->comm, p->comm, sizeof(t->comm));
		now = jiffies;
	}
	if (lock)
		raw_spin_unlock_irqrestore(lock, irq);
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

static void core_task_listed(struct core_buf *b, struct task_struct *p)
{
	const struct cpumask *allowed = NULL;

	core_task(b, &b->tasks[b->hdr.nr_tasks], p);
	core_peek(b, allowed, p->cpus_ptr);
	core_mask(b, b->task_masks + (u64)b->hdr.nr_tasks * b->mask_words, allowed);
	b->hdr.nr_tasks++;
}

/* Every task on sched_ext (on this scheduler, where tasks say which). */
static void core_tasks(struct core_buf *b, struct scx_sched *sch)
{
	struct list_head *head = core.tasks, *pos = NULL;
	struct sched_ext_entity *se;
	struct task_struct *p;
	const void *class;
	void *owner;
	unsigned long irq;
	u32 flags, steps, bound;

	if (!head || !core.tasks_lock) {
		b->hdr.missing |= SXD_CORE_NO_TASKS;
		return;
	}
	bound = b->max_tasks * 64 + (1u << 20);
	raw_spin_lock_irqsave(core.tasks_lock, irq);
	core_peek(b, pos, head->next);
	for (steps = 0; pos && pos != head && steps < bound; steps++) {
		se = container_of(pos, struct sched_ext_entity, tasks_node);
		p = container_of(se, struct task_struct, scx);
		/* scx_task_iter's cursors are bare entities */
		if (core_peek(b, flags, se->flags) && !(flags & SCX_TASK_CURSOR) &&
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
		if (!(steps & 31) && core_late(b))
			break;
		core_peek(b, pos, pos->next);
	}
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
	core_tasks(b, sch);
	b->hdr.duration_ns = local_clock() - t0;
}

static void core_buf_free(struct core_buf *b)
{
	if (!b)
		return;
	kvfree(b->cpus);
	kfree(b);
}

/* A buffer for one walk, sized by the core_max_* parameters. */
static struct core_buf *core_buf_alloc(void)
{
	struct core_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);
	size_t cpus, dsqs, queued, tasks, cmasks, tmasks;
	u8 *p;

	if (!b)
		return NULL;
	b->max_dsqs = opt_core_max_dsqs;
	b->max_queued = opt_core_max_queued;
	b->max_tasks = opt_core_max_tasks;
	b->mask_words = DIV_ROUND_UP(nr_cpu_ids, 64);
	cpus = array_size(nr_cpu_ids, sizeof(*b->cpus));
	dsqs = array_size(b->max_dsqs, sizeof(*b->dsqs));
	queued = array_size(b->max_queued, sizeof(*b->queued));
	tasks = array_size(b->max_tasks, sizeof(*b->tasks));
	cmasks = array3_size(nr_cpu_ids, SXD_CORE_CPU_MASKS, b->mask_words * sizeof(u64));
	tmasks = array3_size(b->max_tasks, b->mask_words, sizeof(u64));
	p = kvzalloc(size_add(size_add(size_add(cpus, dsqs), size_add(queued, tasks)),
			      size_add(cmasks, tmasks)), GFP_KERNEL);
	if (!p) {
		kfree(b);
		return NULL;
	}
	b->cpus = (void *)p;
	b->dsqs = (void *)(p += cpus);
	b->queued = (void *)(p += dsqs);
	b->tasks = (void *)(p += queued);
	b->cpu_masks = (void *)(p += tasks);
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
static void core_write_buf(struct capture *c, struct core_buf *b, u32 sched_index)
{
	struct sxd_core *h = &b->hdr;
	struct dump_iov iov[CORE_IOVS];

	h->sched_index = sched_index;
	core_buf_iov(b, iov);
	if (dump_writer_record_reserved(&c->w, SXD_REC_CORE, iov, ARRAY_SIZE(iov)))
		capture_error(c, -ENOSPC,
			      "core state (%u CPUs, %u DSQs, %u tasks) left out: no room",
			      h->nr_cpus, h->nr_dsqs, h->nr_tasks);
	else if (h->truncated)
		pr_info("scxdump: core state cut (0x%x): %u of %u tasks, %u of %u DSQs, %u faults\n",
			h->truncated, h->nr_tasks, h->tasks_seen, h->nr_dsqs, h->dsqs_seen,
			h->nr_faults);
}

/*
 * At the entry of the bypass that starts @sch's disable work (hook.c):
 * read its core state into a free exit buffer (the oldest ready one if
 * none is free) for the capture after the bypass. Never sleeps.
 */
void core_presnap(struct scx_sched *sch)
{
	struct core_buf *b = NULL;
	unsigned long irq;
	u32 i;

	if (!core.ok)
		return;
	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	for (i = 0; i < CORE_EXIT_BUFS; i++) {
		struct core_buf *x = core_exit_bufs[i];

		if (!x || x->busy)
			continue;
		if (!x->ready || x->sch == sch) {
			b = x;
			break;
		}
		if (!b || x->stamp < b->stamp)
			b = x;
	}
	if (b) {
		b->busy = true;
		b->ready = false;
		b->sch = sch;
		b->stamp = ++core_stamp;
	}
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
	if (!b) {
		pr_err("scxdump: no free buffer for the core state before bypass\n");
		return;
	}
	core_walk(b, sch, SXD_CORE_BEFORE_BYPASS);
	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	b->busy = false;
	b->ready = true;
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
}

/* Give the exit buffer core_claim_exit() took back to core_presnap(). */
static void core_release_exit(struct core_buf *b)
{
	unsigned long irq;

	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	b->busy = false;
	b->ready = false;
	b->sch = NULL;
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
}

/* The exit capture of @sch: take what core_presnap() read, until written. */
static struct core_buf *core_claim_exit(struct capture *c, struct scx_sched *sch)
{
	struct core_buf *b = NULL;
	unsigned long irq;
	u32 i;

	raw_spin_lock_irqsave(&core_bufs_lock, irq);
	for (i = 0; i < CORE_EXIT_BUFS; i++) {
		struct core_buf *x = core_exit_bufs[i];

		if (x && x->ready && !x->busy && x->sch == sch) {
			b = x;
			b->busy = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&core_bufs_lock, irq);
	if (!b)
		capture_error(c, -ENODATA,
			      "core state: not read at the bypass that began this disable (no buffer, or another path disabled it)");
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
			core_release_exit(c->core_exit);
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
		core_release_exit(c->core_exit);
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
	if (!IS_ENABLED(CONFIG_PREEMPT_RT)) {
		core.tasks = (struct list_head *)ksym_addr("scx_tasks");
		core.tasks_lock = (raw_spinlock_t *)ksym_addr("scx_tasks_lock");
	}
	if (!core.tasks || !core.tasks_lock)
		klayout_note_absent("core_tasks",
				    "no scx_tasks/scx_tasks_lock in kallsyms (or PREEMPT_RT)");
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
	for (i = 0; i < CORE_EXIT_BUFS; i++) {
		core_exit_bufs[i] = core_buf_alloc();
		if (!core_exit_bufs[i]) {
			pr_err("scxdump: no memory for the core state's buffers (core_max_tasks %lu, core_max_queued %lu, core_max_dsqs %lu)\n",
			       opt_core_max_tasks, opt_core_max_queued, opt_core_max_dsqs);
			core_exit();
			return -ENOMEM;
		}
	}
	core.ok = true;
	return 0;
}

void core_exit(void)
{
	u32 i;

	core.ok = false;
	for (i = 0; i < CORE_EXIT_BUFS; i++) {
		core_buf_free(core_exit_bufs[i]);
		core_exit_bufs[i] = NULL;
	}
}

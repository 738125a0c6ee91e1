// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks' identities (pid, tgid, comm), taken just before the consistent
 * snapshot's stop, so that the stop names a task storage's owners from a
 * table of a few pages instead of reading each owner's task_struct: under
 * TCG that first touch of one page per element was half of each
 * element's time in the stop (maps/local_storage.c).
 *
 * Why a table entry names the owner: the table holds a reference on each
 * task in it. The task list is walked under rcu_read_lock(); a task found
 * there still holds the reference the list gives it, which release_task()
 * drops only after a grace period (put_task_struct_rcu_user(), through
 * call_rcu()), so get_task_struct() on it is safe (kernel/hung_task.c
 * does the same). A task we hold is not freed, so no other task can come
 * to have its address: an owner pointer equal to an entry's is that task.
 * An owner not in the table (forked after the walk, or beyond its bounds)
 * is read from its task_struct, as without a table.
 *
 * What an entry may lag by: a comm changed between the walk and the stop
 * (prctl(PR_SET_NAME), exec), and the pid of a thread that exec'd from a
 * non-leader thread (de_thread() exchanges it with the leader's). The
 * dump says how old the table was at the stop (SXD_INFO_OWNERS).
 *
 * Bounds: at most TASK_IDS_MAX tasks and TASK_IDS_MAX_NS of walk. Every
 * TASK_IDS_BREAK tasks the walk leaves RCU (to reschedule, and to grow the
 * table, which may sleep), holding the current thread and its leader, and
 * goes on only if both are still on the lists (pid_alive()), as
 * kernel/hung_task.c's rcu_lock_break() does; otherwise it ends there.
 * Whatever ends it is recorded (TASK_IDS_*), and the tasks it did not
 * reach are read in the stop. The references are put after the stop, in
 * the capture's sleepable context, which holds none of sched_ext's locks
 * (hook.c): a last put frees the task there as any exit's does.
 */
#include <linux/hash.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "capture.h"

#define TASK_IDS_MAX		BIT(18)
#define TASK_IDS_BREAK		1024u
#define TASK_IDS_MAX_NS		(100 * NSEC_PER_MSEC)

struct task_id {
	struct task_struct *task;	/* held */
	pid_t pid;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
};

struct task_ids {
	struct task_id *ids;
	u32 nr;
	u32 cap;
	u32 *slots;		/* index + 1 into ids; 0: empty */
	u32 bits;		/* log2 of the slots */
	u32 limits;		/* SXD_OWNERS_* : what ended the walk early */
	u64 build_ns;
	u64 taken_ns;		/* ktime_get_mono_fast_ns() when it was done */
};

static int task_ids_grow(struct task_ids *t)
{
	u32 cap = min_t(u32, t->cap * 2, TASK_IDS_MAX);
	struct task_id *ids;

	if (cap == t->cap)
		return -E2BIG;
	ids = sxd_alloc(kvmalloc_array(cap, sizeof(*ids), GFP_KERNEL));
	if (!ids)
		return -ENOMEM;
	memcpy(ids, t->ids, t->nr * sizeof(*ids));
	kvfree(t->ids);
	t->ids = ids;
	t->cap = cap;
	return 0;
}

/* Leave RCU with @g and @p held: whether the walk may go on from @p. */
static bool task_ids_break(struct task_ids *t, struct task_struct *g, struct task_struct *p)
{
	bool go_on;
	int err = 0;

	get_task_struct(g);
	get_task_struct(p);
	rcu_read_unlock();
	if (t->cap - t->nr < TASK_IDS_BREAK)
		err = task_ids_grow(t);
	cond_resched();
	rcu_read_lock();
	go_on = pid_alive(g) && pid_alive(p);
	put_task_struct(p);
	put_task_struct(g);
	if (err)
		t->limits |= err == -ENOMEM ? SXD_OWNERS_NOMEM : SXD_OWNERS_COUNT;
	else if (!go_on)
		t->limits |= SXD_OWNERS_CHANGED;
	return !err && go_on;
}

static void task_ids_walk(struct task_ids *t)
{
	struct task_struct *g, *p;
	u64 t0 = ktime_get_ns();	/* the walk may move between CPUs */
	struct task_id *id;
	u32 since = 0;

	rcu_read_lock();
	for_each_process_thread(g, p) {
		/* room for TASK_IDS_BREAK more is made at each break */
		if (t->nr == t->cap) {
			t->limits |= SXD_OWNERS_COUNT;
			break;
		}
		get_task_struct(p);
		id = &t->ids[t->nr++];
		id->task = p;
		id->pid = p->pid;
		id->tgid = p->tgid;
		/* a rename meanwhile gives a mix of two names, as /proc may */
		memcpy(id->comm, p->comm, sizeof(id->comm));
		id->comm[sizeof(id->comm) - 1] = '\0';
		if (++since < TASK_IDS_BREAK)
			continue;
		since = 0;
		if (ktime_get_ns() - t0 > TASK_IDS_MAX_NS) {
			t->limits |= SXD_OWNERS_TIME;
			break;
		}
		if (!task_ids_break(t, g, p))
			break;
	}
	rcu_read_unlock();
}

static void task_ids_index(struct task_ids *t)
{
	u32 i, h, mask = BIT(t->bits) - 1;

	for (i = 0; i < t->nr; i++) {
		h = hash_ptr(t->ids[i].task, t->bits);
		while (t->slots[h])
			h = (h + 1) & mask;
		t->slots[h] = i + 1;
	}
}

void task_ids_free(struct task_ids *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i < t->nr; i++) {
		put_task_struct(t->ids[i].task);
		if (!(i % TASK_IDS_BREAK))
			cond_resched();
	}
	kvfree(t->slots);
	kvfree(t->ids);
	kfree(t);
}

/*
 * The table, before the stop (sleepable). NULL without memory for it,
 * after an error record saying so: the owners are then read in the stop.
 */
struct task_ids *task_ids_build(struct capture *c)
{
	u64 t0 = ktime_get_ns();
	struct task_ids *t;

	BUILD_BUG_ON(sizeof(((struct sxd_owner *)0)->comm) != TASK_COMM_LEN);
	t = sxd_alloc(kzalloc(sizeof(*t), GFP_KERNEL));
	if (t) {
		t->cap = 2 * TASK_IDS_BREAK;
		t->ids = sxd_alloc(kvmalloc_array(t->cap, sizeof(*t->ids), GFP_KERNEL));
	}
	if (!t || !t->ids) {
		kfree(t);
		capture_error(c, -ENOMEM, "no memory for the task identity table: %s",
			      "task storage owners read in the stop");
		return NULL;
	}
	task_ids_walk(t);
	/* at most half full: a lookup ends at the first empty slot */
	t->bits = max_t(u32, ilog2(roundup_pow_of_two(max(t->nr, 1u))) + 1, 1);
	t->slots = sxd_alloc(kvcalloc(BIT(t->bits), sizeof(*t->slots), GFP_KERNEL));
	if (!t->slots) {
		capture_error(c, -ENOMEM, "no memory to index %u tasks' identities: %s",
			      t->nr, "task storage owners read in the stop");
		task_ids_free(t);
		return NULL;
	}
	task_ids_index(t);
	/* a table cut short is said by each map's SXD_INFO_OWNERS */
	t->build_ns = ktime_get_ns() - t0;
	t->taken_ns = ktime_get_mono_fast_ns();
	return t;
}

/*
 * In the stop (or anywhere: it reads only the table): @task's identity
 * into @o, if the table holds @task.
 */
bool task_ids_find(const struct task_ids *t, const struct task_struct *task, struct sxd_owner *o)
{
	u32 h, i, mask;

	if (!t)
		return false;
	mask = BIT(t->bits) - 1;
	for (h = hash_ptr(task, t->bits); (i = t->slots[h]); h = (h + 1) & mask) {
		if (t->ids[i - 1].task == task) {
			o->pid = t->ids[i - 1].pid;
			o->tgid = t->ids[i - 1].tgid;
			memcpy(o->comm, t->ids[i - 1].comm, sizeof(o->comm));
			return true;
		}
	}
	return false;
}

/*
 * What SXD_INFO_OWNERS says of the table: val[2..5] (docs/format.md), its
 * age once the map was walked: the most any entry lagged by.
 */
void task_ids_info(const struct task_ids *t, u64 *val)
{
	if (!t)
		return;
	val[2] = t->nr;
	val[3] = t->build_ns;
	val[4] = ktime_get_mono_fast_ns() - t->taken_ns;
	val[5] = t->limits;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The stall watch: one capture of the running schedulers before
 * sched_ext's watchdog fails them for a stall, so that the state that led
 * to it is kept, not only the end.
 *
 * Every check reads, on each possible CPU, the oldest runnable task of its
 * runqueue (core_oldest_runnable(): the head of rq->scx.runnable_list,
 * under the rq lock): O(CPUs), never a walk of the tasks. When one has
 * waited stall_warn_pct percent of the root scheduler's watchdog timeout,
 * every running scheduler is captured as on demand (they keep running),
 * with trigger "stall_warning" and an SXD_REC_STALL record naming those
 * tasks and their waits. Once per scheduler load ("episode": the kernel's
 * scx_enable_seq, which each enable of a root scheduler increments). If
 * that load then exits, its exit dump carries an SXD_REC_STALL record
 * with the warning's sequence number and time (SXD_STALL_PAIRED). A
 * published dump is never changed, so the warning dump cannot name the
 * exit dump that comes after it: the status file does (stall_status()).
 *
 * The checks run every quarter of the threshold (at least every
 * STALL_MIN_PERIOD_MS), in a kthread worker of its own with a SCHED_FIFO
 * priority, like sched_ext's own helper: the scheduler being watched
 * schedules only the SCHED_NORMAL/BATCH/IDLE/EXT classes, so a stalling
 * scheduler cannot stall its watch. The warning capture is an on-demand
 * capture: sleepable, with its consistent snapshot bounded as always
 * (snapshot.c); while it runs, a failing scheduler's exit capture waits
 * on capture_lock past sched_ext's bypass (hook.c), where waiting stalls
 * no task.
 *
 * On-demand captures run in this worker too (stall_queue_work(),
 * trigger.c), one after the other with the checks: none is held half way
 * by a writer the scheduler stranded, with capture_lock.
 *
 * Everything here runs at SCHED_FIFO: the checks, and the warning and
 * on-demand captures whole, the CRC over the finished dump included,
 * which must finish while a stalling scheduler runs nothing of the
 * classes below RT (a SCHED_NORMAL kthread is on sched_ext too). The
 * worker must never drop below RT, not even for the CRC: a worker
 * stranded on the scheduler's DSQ holds capture_lock and the checks
 * behind it, and the stall goes on to the watchdog's failure with no
 * warning (found by test-strand: an on-demand capture's CRC at
 * SCHED_NORMAL, the scheduler stranding every task). So that a 2 GiB
 * dump does not hold a CPU from every fair and sched_ext task, the CRC
 * rests a millisecond in every five (dump_writer_finish()).
 *
 * The watchdog timeout compared against is the root's (ops.timeout_ms,
 * trigger_root_timeout_ms()); a sub-scheduler with a shorter one of its
 * own may fail before the warning.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "capture.h"

/* the most tasks a warning names: one per CPU, the first this many CPUs */
#define STALL_MAX_TASKS		64
#define STALL_MIN_PERIOD_MS	20
/* with the watch off or no scheduler running: how often to look again */
#define STALL_IDLE_PERIOD_MS	250

static struct kthread_worker *stall_worker;
/* stall_queue_work() may queue: guarded against stall_exit() */
static DEFINE_MUTEX(stall_worker_lock);
static bool stall_worker_open;
static struct kthread_delayed_work stall_work;
/* the tasks found by the last check: only the worker touches these */
static struct sxd_stall_task stall_found[STALL_MAX_TASKS];

/* The last warning, for its dump and the exit dump that follows it. */
static struct {
	/* guarded by capture_lock */
	bool warned;		/* a warning was taken for this load */
	bool capturing;		/* the warning's captures are running */
	long enable_seq;
	u32 seq;		/* the first warning dump's capture_seq */
	u64 boottime_ns;
	u32 timeout_ms, threshold_ms;
	u32 nr, waiting;	/* tasks kept, CPUs past the threshold */
	struct sxd_stall_task tasks[STALL_MAX_TASKS];
} stall;

/* for the status file, read without capture_lock: the last warning, its exit */
static u32 stall_status_warning, stall_status_exit;

/* Take the warning captures (capture_lock held), once per load. */
static void stall_capture(long load, u32 timeout_ms, u32 threshold_ms, u32 nr, u32 waiting)
{
	int err;

	if (stall.warned && stall.enable_seq == load)
		return;
	stall.warned = true;
	stall.enable_seq = load;
	stall.seq = 0;
	stall.boottime_ns = ktime_get_boottime_ns();
	stall.timeout_ms = timeout_ms;
	stall.threshold_ms = threshold_ms;
	stall.nr = nr;
	stall.waiting = waiting;
	memcpy(stall.tasks, stall_found, nr * sizeof(stall.tasks[0]));
	pr_info("stall warning: %s[%d] runnable for %u ms on CPU %d (watchdog timeout %u ms): capturing\n",
		stall.tasks[0].comm, stall.tasks[0].pid, stall.tasks[0].wait_ms,
		stall.tasks[0].cpu, timeout_ms);
	stall.capturing = true;
	err = trigger_running(SXD_TRIGGER_STALL_WARNING);
	stall.capturing = false;
	if (err)
		pr_err("stall warning capture failed (%d)\n", err);
}

static void stall_workfn(struct kthread_work *work)
{
	u32 pct = READ_ONCE(opt_stall_warn_pct), timeout_ms, threshold_ms, nr = 0, waiting = 0;
	unsigned long period_ms = STALL_IDLE_PERIOD_MS;
	struct sxd_stall_task t;
	long load;
	s32 cpu;

	timeout_ms = pct ? trigger_root_timeout_ms() : 0;
	if (!timeout_ms)
		goto again;
	threshold_ms = (u32)div_u64((u64)timeout_ms * pct, 100);
	period_ms = max_t(unsigned long, threshold_ms / 4, STALL_MIN_PERIOD_MS);
	load = trigger_load_seq();
	/* a hint without the lock; stall_capture() decides under it */
	if (READ_ONCE(stall.warned) && READ_ONCE(stall.enable_seq) == load)
		goto again;
	for_each_possible_cpu(cpu) {
		if (!core_oldest_runnable(cpu, &t) || t.wait_ms < threshold_ms)
			continue;
		/* the record keeps the first STALL_MAX_TASKS, and counts all */
		if (nr < STALL_MAX_TASKS)
			stall_found[nr++] = t;
		waiting++;
	}
	if (nr) {
		mutex_lock(&capture_lock);
		/* the same load still running: its timeout is still the one */
		if (trigger_load_seq() == load && trigger_root_timeout_ms())
			stall_capture(load, timeout_ms, threshold_ms, nr, waiting);
		mutex_unlock(&capture_lock);
	}
again:
	kthread_queue_delayed_work(stall_worker, &stall_work, msecs_to_jiffies(period_ms));
}

/*
 * The SXD_REC_STALL record of capture @c (capture_lock held): in each
 * dump of a warning, and in an exit dump of the load warned about.
 */
void stall_write(struct capture *c)
{
	struct sxd_stall r = { };
	struct dump_iov iov[2];
	int err;

	lockdep_assert_held(&capture_lock);
	if (c->trigger == SXD_TRIGGER_STALL_WARNING && stall.capturing) {
		if (!stall.seq) {
			stall.seq = c->seq;
			WRITE_ONCE(stall_status_warning, c->seq);
			WRITE_ONCE(stall_status_exit, 0);
		}
		r.flags = SXD_STALL_WARNING;
	} else if (c->trigger == SXD_TRIGGER_EXIT && stall.warned &&
		   stall.enable_seq == trigger_load_seq()) {
		r.flags = SXD_STALL_PAIRED;
		if (!READ_ONCE(stall_status_exit))
			WRITE_ONCE(stall_status_exit, c->seq);
	} else {
		return;
	}
	r.warning_seq = stall.seq;
	r.warning_boottime_ns = stall.boottime_ns;
	r.enable_seq = stall.enable_seq;
	r.timeout_ms = stall.timeout_ms;
	r.threshold_ms = stall.threshold_ms;
	r.nr_tasks = stall.nr;
	r.nr_waiting = stall.waiting;
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ stall.tasks, stall.nr * sizeof(stall.tasks[0]) };
	err = dump_writer_record(&c->w, SXD_REC_STALL, iov, 2);
	if (err)
		capture_error(c, err, "the stall warning record left out: %s", capture_why(err));
}

/*
 * Run @work in the watch's worker (trigger.c: on-demand captures); false
 * when there is none. Its work is run before the worker goes
 * (stall_exit(): kthread_destroy_worker() flushes it).
 */
bool stall_queue_work(struct kthread_work *work)
{
	bool queued = false;

	mutex_lock(&stall_worker_lock);
	if (stall_worker_open)
		queued = kthread_queue_work(stall_worker, work);
	mutex_unlock(&stall_worker_lock);
	return queued;
}

/*
 * The status file's lines: the watch's threshold, the last warning dump
 * and the exit dump that named it (0: none), the other way round from the
 * dumps, which cannot change once published.
 */
void stall_status(struct seq_file *m)
{
	seq_printf(m, "stall_warn_pct: %lu%s\n", READ_ONCE(opt_stall_warn_pct),
		   stall_worker ? "" : " (no stall watch on this kernel)");
	seq_printf(m, "stall_warning_seq: %u\n", READ_ONCE(stall_status_warning));
	seq_printf(m, "stall_exit_seq: %u\n", READ_ONCE(stall_status_exit));
}

/*
 * Start the watch. A kernel without what it reads records why in every
 * dump (layout.c: rq->scx.runnable_list; here: scx_enable_seq) and loads
 * without it.
 */
int stall_init(void)
{
	if (!ksyms.scx_enable_seq) {
		klayout_note_absent("stall_warning", "no scx_enable_seq in kallsyms");
		return 0;
	}
	if (!klayout.has_runnable_list)
		return 0;	/* layout.c recorded why */
	stall_worker = worker_create_fifo("scxdump_stall");
	if (IS_ERR(stall_worker)) {
		int err = PTR_ERR(stall_worker);

		stall_worker = NULL;
		return err;
	}
	kthread_init_delayed_work(&stall_work, stall_workfn);
	kthread_queue_delayed_work(stall_worker, &stall_work,
				   msecs_to_jiffies(STALL_IDLE_PERIOD_MS));
	mutex_lock(&stall_worker_lock);
	stall_worker_open = true;
	mutex_unlock(&stall_worker_lock);
	return 0;
}

void stall_exit(void)
{
	mutex_lock(&stall_worker_lock);
	stall_worker_open = false;
	mutex_unlock(&stall_worker_lock);
	if (!stall_worker)
		return;
	kthread_cancel_delayed_work_sync(&stall_work);
	/* runs what is queued (an on-demand capture) first */
	kthread_destroy_worker(stall_worker);
	stall_worker = NULL;
}

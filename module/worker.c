// SPDX-License-Identifier: GPL-2.0
/*
 * The module's kthread workers (the stall watch's, which also runs the
 * on-demand captures, and the flight recorder's) run at a SCHED_FIFO
 * priority, like sched_ext's own helper: the scheduler they watch
 * schedules only the classes below RT, so a stalling scheduler cannot
 * stall them. They never drop below it: a worker stranded there would
 * stall what it was for (stall.c); long work rests instead (a dump's
 * CRC: dump_writer_finish()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include "scxdump.h"

/* A started SCHED_FIFO kthread worker called @name, or an ERR_PTR. */
struct kthread_worker *worker_create_fifo(const char *name)
{
	struct kthread_worker *w = kthread_create_worker(0, "%s", name);

	if (IS_ERR(w)) {
		pr_err("cannot start the %s worker (%ld)\n", name, PTR_ERR(w));
		return w;
	}
	sched_set_fifo_low(w->task);
	/* 7.x creates the worker asleep (kthread_run_worker() wakes it); 6.12 awake */
	wake_up_process(w->task);
	return w;
}

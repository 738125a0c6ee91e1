/* SPDX-License-Identifier: GPL-2.0 */
/* What scxcore's BPF side and its loader share. */
#ifndef SCXCORE_H
#define SCXCORE_H

#define SXC_DSQ_VTIME	100	/* vtime-ordered: parked by vtime */
#define SXC_DSQ_FIFO	200	/* parked in arrival order */
#define SXC_MAX_PARK	64
#define SXC_SLICE	7000000ull	/* 7 ms: the parked tasks' slice */
#define SXC_MAGIC	0x5c0eu	/* task_ctx.magic == SXC_MAGIC ^ pid */

/* park: what the loader wants done with one of its children, by pid */
struct sxc_park {
	unsigned int dsq;		/* SXC_DSQ_VTIME or SXC_DSQ_FIFO */
	unsigned int order;		/* 1.. in the order the loader parks them */
	unsigned long long vtime;	/* for SXC_DSQ_VTIME */
	unsigned int parked;		/* set by the scheduler once queued */
	unsigned int pad;
};

/* task_ctx: task storage, for every task the scheduler enqueues */
struct sxc_task {
	unsigned long long magic;	/* SXC_MAGIC ^ pid */
	unsigned long long enqueues;
	unsigned int park_dsq;		/* 0: not parked */
	unsigned int park_order;
};

#endif

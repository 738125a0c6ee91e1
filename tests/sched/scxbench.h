/* SPDX-License-Identifier: GPL-2.0 */
/* scxbench: the maps make bench captures, and the values in them. */
#ifndef SCXBENCH_H
#define SCXBENCH_H

#define SXB_PAGE_WORDS	512		/* a 4 KiB array value */
#define SXB_TASK_WORDS	32		/* a 256-byte task storage value */
#define SXB_MAGIC	0x5b5b0000c0ffeeull

struct sxb_page {
	unsigned long long w[SXB_PAGE_WORDS];
};

/* the hashes' 32-byte value: key k holds k, ~k, k * 3, SXB_MAGIC */
struct sxb_val {
	unsigned long long a, b, c, d;
};

struct sxb_task {
	unsigned long long w[SXB_TASK_WORDS];
};

#endif

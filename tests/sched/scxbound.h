/* SPDX-License-Identifier: GPL-2.0 */
/* What scxbound's BPF side and its loader share. */
#ifndef SCXBOUND_H
#define SCXBOUND_H

/* The big per-CPU hash: key k holds k * SXB_PC_MUL + cpu on each CPU. */
#define SXB_PC_MAX		(512 * 1024)
#define SXB_PC_MUL		1000ull

/* LRU maps whose reference bits the test reads before and after captures */
#define SXB_LRU_ENTRIES		16

/* The user DSQ every task goes to. */
#define SXB_DSQ			42

/* Overwrite-mode ring: 4 KiB, records of 1000 bytes, so they straddle. */
#define SXB_RB_SIZE		4096
#define SXB_RB_RECORDS		10
#define SXB_RB_REC_WORDS	125	/* 1000 bytes */
#define SXB_RB_MAGIC		0x5eed0000ull

/*
 * A large ring buffer, for the snapshot's time budget: the loader sizes it
 * (SXB_RBB_PAGE, a page, unless --rb-fill: SXB_RBB_MIB or --rb-mib MiB)
 * and fills it with records of SXB_RBB_REC bytes, a page with their
 * header, as many as fit.
 */
#define SXB_RBB_PAGE		4096
#define SXB_RBB_MIB		16	/* --rb-fill's size, unless --rb-mib */
#define SXB_RBB_MAX_MIB		256
#define SXB_RBB_REC		(4096 - 8)

/*
 * Many small maps (--many-maps, else not created): small_000 .. small_199,
 * arrays of one element, element i holding { SXB_SMALL_MAGIC, i }.
 */
#define SXB_SMALL_MAPS		200
#define SXB_SMALL_MAGIC		0x5a11ull

struct sxb_small {
	unsigned long long magic;
	unsigned long long idx;
};

struct sxb_task_val {
	int pid;
	int tgid;
	unsigned long long magic;	/* SXB_TASK_MAGIC */
};

#define SXB_TASK_MAGIC		0x7a5c7a5cull

#endif

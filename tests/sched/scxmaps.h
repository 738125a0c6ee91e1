/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map-types test scheduler (scxmaps) and its loader: one map of every
 * type a sched_ext scheduler can hold, with known contents.
 */
#ifndef SCXMAPS_H
#define SCXMAPS_H

#define SXM_ARENA_PAGES		64
/* Pages of the arena list: non-adjacent on purpose. */
#define SXM_LIST_PAGES		{ 1, 5, 9, 20 }
#define SXM_LIST_LEN		4
#define SXM_PC_ARR		8	/* pc_arr[k] on CPU c = (c + 1) * 1000 + k */
#define SXM_PC_HASH		5	/* pc_hash[k] = { c * 100 + k, k } for k 1..5 */
#define SXM_LRU			20	/* lru_hash[100 + i] = 3 * (100 + i) */
#define SXM_QUEUE		{ 10, 20, 30, 40, 50 }
#define SXM_STACK		{ 1, 2, 3 }
#define SXM_BLOOM_FUNCS		3
#define SXM_RB_RECORDS		3
#define SXM_SK_PORT		40123
#define SXM_SK_PEER		40124

struct sxm_pc_val {
	unsigned long long a;		/* c * 100 + k */
	unsigned int k;
};

struct sxm_task_val {
	int pid;
	int tgid;
	unsigned int magic;		/* 0x7a5c */
};

struct sxm_cg_val {
	unsigned long long id;		/* the cgroup's id */
	int level;
};

struct sxm_owner_val {
	unsigned int idx;
	unsigned int magic;		/* 0x1d0 + idx */
};

struct sxm_lpm_key {
	unsigned int prefixlen;
	unsigned char addr[4];
};

struct sxm_rb_rec {
	unsigned int seq;		/* 1.. */
	unsigned int tag;		/* 0xfeed0000 + seq */
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* What scxarena's BPF side and its loader share. */
#ifndef SCXARENA_H
#define SCXARENA_H

#define SXA_ARENA_PAGES		256
#define SXA_FANOUT		512	/* entries per chunk, as scx_sdt */
#define SXA_LEAVES		8	/* leaf descriptors set up at init */
#define SXA_MAX_SLOTS		(SXA_LEAVES * SXA_FANOUT)
#define SXA_MAGIC		0xa7e4a000u	/* payload.magic == SXA_MAGIC ^ pid */
#define SXA_KPTRS		4	/* task kptrs kept: the newest tasks */
#define SXA_CGRPS		64	/* cgroup kptrs kept: the first cgroups */
/* the bump allocator: one-page blocks, a config, per-CPU state, a history */
#define SXA_BUMP_PAGES		1
#define SXA_BUMP_LIMIT		(4 * 4096)	/* its lim_memusage */
#define SXA_MAX_CPUS		64	/* struct sxa_cpu taken for the first 64 */
#define SXA_CFG_MAGIC		0xc0f16000u
#define SXA_HIST_MAGIC		0x41570000u

/* The payload of each task's slot: 40 bytes, 48 with the slot's header. */
struct sxa_payload {
	int pid;
	unsigned int magic;		/* SXA_MAGIC ^ pid */
	unsigned long long nr_enqueues;
	unsigned long long slot_index;	/* the index it was allocated at */
	char comm[16];
};

#endif

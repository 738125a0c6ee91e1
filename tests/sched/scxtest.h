/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values shared by the test scheduler (BPF) and its loader: the known
 * contents that the tests look for in a dump.
 */
#ifndef SCXTEST_H
#define SCXTEST_H

#define SXT_SEED		0x5eed5eed12345678ull	/* .rodata seed */
#define SXT_ARR_ENTRIES		64	/* arr_u64[i] = i * i + SEED_LOW */
#define SXT_HASH_ENTRIES	100	/* hash_kv[k * 7] = { k * k, k } */
#define SXT_PAIRS		8	/* pair_hash, filled by the loader */

enum sxt_phase {
	SXT_PHASE_INIT = 1,
	SXT_PHASE_RUNNING = 2,
	SXT_PHASE_FAILED = 3,
};

struct sxt_sq {
	unsigned long long sq;		/* k * k */
	unsigned int key_echo;		/* k */
	unsigned int flags : 3;		/* k % 8 */
	unsigned int odd : 1;		/* k & 1 */
};

struct sxt_pair_key {
	unsigned int cpu;
	char tag[12];
};

struct sxt_pair_val {
	long long delta;		/* -1000 * i */
	char label[16];			/* "pair-<i>" */
};

#endif

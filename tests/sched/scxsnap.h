/* SPDX-License-Identifier: GPL-2.0 */
/* What scxsnap's BPF side and its loader share. */
#ifndef SCXSNAP_H
#define SCXSNAP_H

#define SXS_FILLER_ENTRIES	4096

/* 256 bytes: the filler map is 1 MiB */
struct sxs_filler {
	unsigned long long w[32];
};

/* A value larger than the capture's 64 KiB entry block: 96 KiB. */
#define SXS_BIG_WORDS		12288
#define SXS_BIG_PATTERN		0x5a5aull

struct sxs_big {
	unsigned long long w[SXS_BIG_WORDS];	/* w[i] == i ^ SXS_BIG_PATTERN */
};

/*
 * --big-hash N: churn, a preallocated hash of N pairs' entries (N at most
 * SXS_CHURN_MAX), with big_count[0] its count. Pair i is keys 2i and
 * 2i + 1, one of them in the hash; each callback swaps one pair (inserts
 * the other, deletes the one, counting each that succeeds), so entries
 * are deleted and inserted again all the time, and big_count[0] equals the
 * hash's entry count at every instant no callback is halfway. A value is
 * sxs_churn_value(key).
 */
#define SXS_CHURN_MAX		200000
#define SXS_CHURN_SLACK		1024
#define sxs_churn_value(k)	((unsigned long long)(k) * 3 + 0x5eed000000ull)

#endif

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

#endif

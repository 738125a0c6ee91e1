/* SPDX-License-Identifier: GPL-2.0 */
/* What scxsnap's BPF side and its loader share. */
#ifndef SCXSNAP_H
#define SCXSNAP_H

#define SXS_FILLER_ENTRIES	4096

/* 256 bytes: the filler map is 1 MiB */
struct sxs_filler {
	unsigned long long w[32];
};

#endif

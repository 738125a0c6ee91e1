/* SPDX-License-Identifier: GPL-2.0 */
/* scxhash: hash tables in every state an element can be in, and their values. */
#ifndef SCXHASH_H
#define SCXHASH_H

#define SXH_MAGIC	0x4a5a0000beefull
#define SXH_DEEP_MAX	1024	/* h_deep's max_entries, and its buckets */

/* key k's value: k, the generation of the update that wrote it, SXH_MAGIC */
struct sxh_val {
	unsigned int key;
	unsigned int gen;
	unsigned long long magic;
};

/* h_odd: a 6-byte key and a 20-byte value, both padded in the dump */
struct sxh_okey {
	unsigned short a, b, c;
};

struct sxh_oval {
	unsigned int x[5];
};

#endif

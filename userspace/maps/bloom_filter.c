// SPDX-License-Identifier: GPL-2.0
/*
 * Bloom filters (module/maps/bloom_filter.c): no entries, only the info:
 * hash functions, seed, the bit set and how many of its bits are set.
 */
#include "maps.h"

static void bloom_fields(struct emit *e, const struct sxd_map_info *mi)
{
	const uint8_t *bitset = (const uint8_t *)(mi + 1);
	uint64_t bits = 0, i;

	for (i = 0; i < mi->data_len; i++)
		bits += __builtin_popcount(bitset[i]);
	json_kuint(e->g, "nr_hash_funcs", mi->val[0]);
	json_kuint(e->g, "hash_seed", mi->val[1]);
	json_kuint(e->g, "nr_bits", mi->val[2]);
	json_kuint(e->g, "bits_set", bits);
	json_khex(e->g, "bitset_hex", bitset, mi->data_len);
}

const struct info_kind bloom_info = {
	.kind = SXD_INFO_BLOOM,
	.info = bloom_fields,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_BLOOM_FILTER: its hash count, seed and whole bitset.
 * struct bpf_bloom_filter is private (kernel/bpf/bloom_filter.c): bits are
 * only ever set, so an unlocked read sees a valid, maybe older, bitset of
 * bitset_mask + 1 bits.
 */
#include <linux/bitops.h>
#include <linux/bpf.h>
#include "../scxdump.h"

static int sxd_bloom_capture(struct sxd_map_ctx *mc)
{
	u8 *bf = (u8 *)mc->map;
	u64 bits, bytes, val[3];

	if (!sxd_l.ok_bloom)
		return sxd_missing_layout(mc, sxd_l.missing_bloom);
	bits = (u64)*(u32 *)(bf + sxd_l.bloom_mask) + 1;
	bytes = BITS_TO_LONGS(bits) * sizeof(unsigned long);
	val[0] = *(u32 *)(bf + sxd_l.bloom_nr_hash);
	val[1] = *(u32 *)(bf + sxd_l.bloom_seed);
	val[2] = bits;
	bytes = sxd_info_limit(mc, bytes, "bitset larger than the per-map limit: its start only");
	return sxd_map_info(mc, SXD_INFO_BLOOM, val, ARRAY_SIZE(val),
			    bf + sxd_l.bloom_bitset, bytes);
}

const struct sxd_map_ops sxd_bloom_ops = {
	.capture = sxd_bloom_capture,
	.stoppable = true,
};

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

static int bloom_dump_capture(struct map_ctx *mc)
{
	u8 *bf = (u8 *)mc->map;
	u64 bits, bytes, val[3];

	if (!klayout.ok_bloom)
		return maplib_missing_layout(mc, klayout.missing_bloom);
	bits = (u64)*(u32 *)(bf + klayout.bloom_mask) + 1;
	bytes = BITS_TO_LONGS(bits) * sizeof(unsigned long);
	val[0] = *(u32 *)(bf + klayout.bloom_nr_hash);
	val[1] = *(u32 *)(bf + klayout.bloom_seed);
	val[2] = bits;
	bytes = maplib_info_limit(mc, bytes,
				  "bitset larger than the per-map limit: its start only");
	return maplib_info(mc, SXD_INFO_BLOOM, val, ARRAY_SIZE(val),
			    bf + klayout.bloom_bitset, bytes);
}

const struct map_dump_ops bloom_dump_ops = {
	.capture = bloom_dump_capture,
	.stoppable = true,
};

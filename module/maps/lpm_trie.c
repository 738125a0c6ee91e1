// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LPM_TRIE (kernel/bpf/lpm_trie.c): walked by key with the
 * library's keyed walk (maplib.c), each value read with a plain lookup.
 */
#include <linux/bpf.h>
#include "../scxdump.h"

static int lpm_trie_dump_capture(struct map_ctx *mc)
{
	return maplib_keyed_walk(mc, maplib_copy_lookup);
}

/*
 * LPM_TRIE keys are struct bpf_lpm_trie_key_u8: prefixlen, then data.
 * Read live, after the stop: trie_get_next_key() allocates a stack of
 * nodes at every step (kernel/bpf/lpm_trie.c), which nothing may do in it.
 */
const struct map_dump_ops lpm_trie_dump_ops = {
	.capture = lpm_trie_dump_capture,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY: every key, 0..max_entries-1. struct bpf_array is
 * public (include/linux/bpf.h); values sit elem_size = round_up(value_size,
 * 8) apart in array->value (kernel/bpf/arraymap.c, array_map_alloc).
 * Global sections (.bss, .data, .rodata, ...) are arrays of one entry.
 */
#include <linux/bpf.h>
#include <linux/sched.h>
#include "scxdump.h"

static int sxd_array_capture(struct sxd_map_ctx *mc)
{
	struct bpf_array *array = container_of(mc->map, struct bpf_array, map);
	u32 i, n = mc->map->max_entries;
	u8 *slot;

	for (i = 0; i < n; i++) {
		slot = sxd_entry_slot(mc);
		if (!slot) {
			mc->nr_omitted += n - i;
			break;
		}
		memcpy(slot, &i, sizeof(i));
		memcpy(sxd_entry_value(mc, slot, 0),
		       array->value + (size_t)array->elem_size * i,
		       mc->map->value_size);
		sxd_entry_commit(mc);
		if (!(i & 1023))
			cond_resched();
	}
	return 0;
}

const struct sxd_map_ops sxd_array_ops = {
	.capture = sxd_array_capture,
};

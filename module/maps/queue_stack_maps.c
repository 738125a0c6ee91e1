// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_QUEUE and STACK: the elements in order, read in place
 * without popping (peek would take the map's lock and show one element).
 * struct bpf_queue_stack is private (kernel/bpf/queue_stack_maps.c): a ring
 * of size = max_entries + 1 slots where head is the next slot pushed and
 * tail the oldest element, so a queue reads tail .. head - 1 and a stack
 * head - 1 down to tail. Positions are keys: 0 is the oldest (queue) or
 * the top (stack). A push or pop racing with us may tear one element.
 */
#include <linux/bpf.h>
#include "../scxdump.h"

static void sxd_queue_init(struct sxd_map_ctx *mc)
{
	mc->key_size = sizeof(u32);
	mc->entry_flags = SXD_ENTRIES_POSITION;
}

static int sxd_queue_capture(struct sxd_map_ctx *mc)
{
	u8 *qs = (u8 *)mc->map;
	bool stack = mc->map->map_type == BPF_MAP_TYPE_STACK;
	u32 head, tail, size, n, i, idx;
	u64 val[4];
	u8 *slot;

	if (!sxd_l.ok_queue)
		return sxd_missing_layout(mc, sxd_l.missing_queue);
	head = READ_ONCE(*(u32 *)(qs + sxd_l.qs_head));
	tail = READ_ONCE(*(u32 *)(qs + sxd_l.qs_tail));
	size = *(u32 *)(qs + sxd_l.qs_size);
	if (!size || head >= size || tail >= size) {
		mc->reason = "inconsistent queue indices";
		return -EIO;
	}
	n = (head + size - tail) % size;
	val[0] = head;
	val[1] = tail;
	val[2] = size;
	val[3] = n;
	sxd_map_info(mc, SXD_INFO_QUEUE, val, ARRAY_SIZE(val), NULL, 0);
	for (i = 0; i < n; i++) {
		idx = stack ? (head + size - 1 - i) % size : (tail + i) % size;
		slot = sxd_entry_slot(mc);
		if (!slot) {
			mc->nr_omitted += n - i;
			break;
		}
		memcpy(slot, &i, sizeof(i));
		memcpy(sxd_entry_value(mc, slot, 0),
		       qs + sxd_l.qs_elements + (size_t)idx * mc->map->value_size,
		       mc->map->value_size);
		sxd_entry_commit(mc);
	}
	return 0;
}

const struct sxd_map_ops sxd_queue_ops = {
	.init = sxd_queue_init,
	.capture = sxd_queue_capture,
	.stoppable = true,
};

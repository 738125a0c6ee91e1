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

static void queue_dump_init(struct map_ctx *mc)
{
	mc->key_size = sizeof(u32);
	mc->entry_flags = SXD_ENTRIES_POSITION;
}

static int queue_dump_capture(struct map_ctx *mc)
{
	u8 *qs = (u8 *)mc->map;
	bool stack = mc->map->map_type == BPF_MAP_TYPE_STACK;
	u32 head, tail, size, n, i, idx;
	u64 val[4];
	u8 *slot;

	if (!klayout.ok_queue)
		return maplib_missing_layout(mc, klayout.missing_queue);
	head = READ_ONCE(*(u32 *)(qs + klayout.qs_head));
	tail = READ_ONCE(*(u32 *)(qs + klayout.qs_tail));
	size = *(u32 *)(qs + klayout.qs_size);
	if (!size || head >= size || tail >= size) {
		mc->reason = "inconsistent queue indices";
		return -EIO;
	}
	n = (head + size - tail) % size;
	val[0] = head;
	val[1] = tail;
	val[2] = size;
	val[3] = n;
	maplib_info(mc, SXD_INFO_QUEUE, val, ARRAY_SIZE(val), NULL, 0);
	for (i = 0; i < n; i++) {
		idx = stack ? (head + size - 1 - i) % size : (tail + i) % size;
		slot = maplib_entry_slot(mc);
		if (!slot) {
			mc->nr_omitted += n - i;
			break;
		}
		memcpy(slot, &i, sizeof(i));
		memcpy(maplib_entry_value(mc, slot, 0),
		       qs + klayout.qs_elements + (size_t)idx * mc->map->value_size,
		       mc->map->value_size);
		maplib_entry_commit(mc);
	}
	return 0;
}

const struct map_dump_ops queue_dump_ops = {
	.init = queue_dump_init,
	.capture = queue_dump_capture,
	.stoppable = true,
};

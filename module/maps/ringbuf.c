// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF and USER_RINGBUF: capacity, consumer, producer and
 * pending positions, and the bytes not consumed yet, [consumer, producer).
 * A ring in overwrite mode (BPF_F_RB_OVERWRITE, 7.x) drops its oldest
 * records when full: it keeps overwrite_pos, the start of the oldest
 * record still whole (kernel/bpf/ringbuf.c, __bpf_ringbuf_reserve), and
 * the unread bytes start at the later of it and the consumer.
 * struct bpf_ringbuf is private (kernel/bpf/ringbuf.c); its data pages are
 * mapped twice in a row, so the unconsumed span reads as one copy. One
 * side of each position is written by user space: everything is clamped
 * to the capacity, and records are parsed by the decoder, not here.
 */
#include <linux/bpf.h>
#include "../scxdump.h"

static int ringbuf_dump_capture(struct map_ctx *mc)
{
	u8 *rb = *(u8 **)((u8 *)mc->map + klayout.rbmap_rb);
	u64 cap, cons, prod, over, avail, val[6] = { };

	if (!klayout.ok_ringbuf)
		return maplib_missing_layout(mc, klayout.missing_ringbuf);
	if (!rb)
		return -ENOENT;
	cap = *(u64 *)(rb + klayout.rb_mask) + 1;
	/* pairs with the producer's and consumer's smp_store_release() */
	cons = smp_load_acquire((unsigned long *)(rb + klayout.rb_consumer_pos));
	/* pairs with the producer's smp_store_release() after the header */
	prod = smp_load_acquire((unsigned long *)(rb + klayout.rb_producer_pos));
	val[0] = cap;
	val[1] = cons;
	val[2] = prod;
	val[3] = READ_ONCE(*(unsigned long *)(rb + klayout.rb_pending_pos));
	if (klayout.has_rb_overwrite && klayout.has_rb_overwrite_pos &&
	    READ_ONCE(*(bool *)(rb + klayout.rb_overwrite_mode))) {
		/* read after producer_pos, as the kernel's consumers do */
		over = smp_load_acquire((unsigned long *)(rb + klayout.rb_overwrite_pos));
		val[4] = over;
		val[5] = 1;
		/* a record boundary: the oldest whole record */
		if (prod - over < prod - cons)
			cons = over;
	}
	avail = prod > cons ? prod - cons : 0;
	if (avail > cap) {
		/* overwritten (or lied about): the newest capacity's worth */
		avail = cap;
		cons = prod - cap;
		mc->flags |= SXD_MAP_TRUNCATED;
		mc->reason = "more unconsumed bytes than the capacity";
	}
	avail = maplib_info_limit(mc, avail,
				  "unconsumed bytes over the per-map limit: the oldest only");
	val[1] = cons;
	return maplib_info(mc, SXD_INFO_RINGBUF, val, ARRAY_SIZE(val),
			    rb + klayout.rb_data + (cons & (cap - 1)), avail);
}

const struct map_dump_ops ringbuf_dump_ops = {
	.capture = ringbuf_dump_capture,
	.stoppable = true,
};

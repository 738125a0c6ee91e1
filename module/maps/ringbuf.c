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

static int sxd_ringbuf_capture(struct sxd_map_ctx *mc)
{
	u8 *rb = *(u8 **)((u8 *)mc->map + sxd_l.rbmap_rb);
	u64 cap, cons, prod, over, avail, val[6] = { };

	if (!sxd_l.ok_ringbuf)
		return sxd_missing_layout(mc, sxd_l.missing_ringbuf);
	if (!rb)
		return -ENOENT;
	cap = *(u64 *)(rb + sxd_l.rb_mask) + 1;
	/* pairs with the producer's and consumer's smp_store_release() */
	cons = smp_load_acquire((unsigned long *)(rb + sxd_l.rb_consumer_pos));
	/* pairs with the producer's smp_store_release() after the header */
	prod = smp_load_acquire((unsigned long *)(rb + sxd_l.rb_producer_pos));
	val[0] = cap;
	val[1] = cons;
	val[2] = prod;
	val[3] = READ_ONCE(*(unsigned long *)(rb + sxd_l.rb_pending_pos));
	if (sxd_l.has_rb_overwrite && sxd_l.has_rb_overwrite_pos &&
	    READ_ONCE(*(bool *)(rb + sxd_l.rb_overwrite_mode))) {
		/* read after producer_pos, as the kernel's consumers do */
		over = smp_load_acquire((unsigned long *)(rb + sxd_l.rb_overwrite_pos));
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
	avail = sxd_info_limit(mc, avail,
			       "unconsumed bytes over the per-map limit: the oldest only");
	val[1] = cons;
	return sxd_map_info(mc, SXD_INFO_RINGBUF, val, ARRAY_SIZE(val),
			    rb + sxd_l.rb_data + (cons & (cap - 1)), avail);
}

const struct sxd_map_ops sxd_ringbuf_ops = {
	.capture = sxd_ringbuf_capture,
	.stoppable = true,
};

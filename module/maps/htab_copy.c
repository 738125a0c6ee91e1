// SPDX-License-Identifier: GPL-2.0
/*
 * The lists of a preallocated hash's flat copy (htab_copy.h): the
 * consistent snapshot copies the map's element area (bpf_htab.elems) and
 * its bucket array at memcpy speed while every CPU is held; this walk
 * reads them after the stop, bucket by bucket, as the kernel's own walks
 * go (each bucket's hlist_nulls list, include/linux/list_nulls.h), with
 * each link translated into an offset in the copied area. What it
 * reaches is exactly the elements that were in the table at the stop's
 * instant: a free or deleted element is in no list.
 *
 * The copy is only bytes: nothing here dereferences a kernel address.
 * A link must be a nulls marker (the list's end) or point at the hash
 * node of an element of the area; one that does not (outside the area,
 * between two elements' nodes), or an element met a second time (a
 * cycle, two lists joined), ends that list and is counted in @bad, never
 * followed. So the walk takes at most one step per element plus one per
 * bucket, whatever the bytes say.
 */
#include <linux/bitops.h>
#include <linux/list_nulls.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include "htab_copy.h"

/* The elements of the copied area (fewer than 2^32: an element is 48 bytes or more). */
u32 htab_copy_nr_elems(const struct htab_copy *hc)
{
	return hc->elem_size ? div_u64(hc->elems_len, hc->elem_size) : 0;
}

static void htab_copy_bad(struct htab_copy_bad *bad, u32 bucket, unsigned long link,
			  const char *why)
{
	if (!bad->nr++) {
		bad->bucket = bucket;
		bad->link = link;
		bad->why = why;
	}
}

/**
 * htab_copy_walk() - the elements in the copy's lists
 * @hc: the copy
 * @seen: a bitmap of htab_copy_nr_elems() bits, all clear: set for each
 *	element in a list (element n is at @hc->elems + n * elem_size), so
 *	that the caller reads them in address order, the copy streaming
 *	from memory, where the lists meet them in hash order
 * @bad: the lists cut short by a bad link (zeroed by the caller)
 *
 * May sleep between buckets (cond_resched()).
 *
 * Return: the elements set in @seen.
 */
u32 htab_copy_walk(const struct htab_copy *hc, unsigned long *seen, struct htab_copy_bad *bad)
{
	u32 i, rem, nr = htab_copy_nr_elems(hc), n = 0;
	u32 shift = is_power_of_2(hc->elem_size) ? ilog2(hc->elem_size) : 0;
	unsigned long link;
	u64 off, idx;

	if (!hc->elem_size)
		return 0;
	for (i = 0; i < hc->n_buckets; i++) {
		if (!(i & 1023))
			cond_resched();
		/* struct hlist_nulls_head: first */
		memcpy(&link, hc->buckets + (size_t)i * hc->bucket_size + hc->head_off,
		       sizeof(link));
		while (!is_a_nulls((struct hlist_nulls_node *)link)) {
			off = link - hc->elems_at - hc->node_off;
			if (shift) {
				idx = off >> shift;
				rem = off & (hc->elem_size - 1);
			} else {
				idx = div_u64_rem(off, hc->elem_size, &rem);
			}
			if (link < hc->elems_at + hc->node_off || off >= hc->elems_len || rem) {
				htab_copy_bad(bad, i, link, "a link leaves the element area");
				break;
			}
			if (idx >= nr || __test_and_set_bit(idx, seen)) {
				htab_copy_bad(bad, i, link, "an element met twice");
				break;
			}
			n++;
			/* struct hlist_nulls_node: next, then pprev */
			memcpy(&link, hc->elems + off + hc->node_off, sizeof(link));
		}
	}
	return n;
}

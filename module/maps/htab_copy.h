/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A preallocated hash's flat copy, read after the stop (htab_copy.c): the
 * element area and the bucket array as the consistent snapshot copied
 * them, each with the address it was copied from, since the lists' links
 * still point there.
 */
#ifndef SCXDUMP_HTAB_COPY_H
#define SCXDUMP_HTAB_COPY_H

#include <linux/types.h>

struct htab_copy {
	const u8 *elems;		/* the copy of the element area */
	unsigned long elems_at;		/* the area's address: where links point */
	u64 elems_len;			/* nr elements of elem_size bytes */
	u32 elem_size;
	u32 node_off;			/* an element's hash node (next, pprev) */
	const u8 *buckets;		/* the copy of the bucket array */
	u32 n_buckets;
	u32 bucket_size;
	u32 head_off;			/* a bucket's list head */
};

/* The lists a bad link cut short, and the first of them. */
struct htab_copy_bad {
	u32 nr;
	u32 bucket;
	unsigned long link;
	const char *why;
};

u32 htab_copy_nr_elems(const struct htab_copy *hc);
u32 htab_copy_walk(const struct htab_copy *hc, unsigned long *seen, struct htab_copy_bad *bad);

#endif /* SCXDUMP_HTAB_COPY_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps (module/maps/hashtab.c): the entries are typed by BTF
 * (typed.c); the info, only when the consistent snapshot's stop copied a
 * preallocated HASH or LRU_HASH flat (SXD_MAP_FLAT), is that copy: the
 * bytes and how long it held the CPUs, the element area and bucket array
 * it copied, the elements the hash lists led to after the stop, and the
 * lists a bad link cut short.
 */
#include <inttypes.h>
#include "maps.h"

/* MB/s of a copy of @bytes that took @ns: bytes a ns are GB/s; 0 without a time */
static double flat_mb_per_s(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / (double)ns * 1000.0 : 0.0;
}

static void flat_fields(struct emit *e, const struct sxd_map_info *mi)
{
	json_kstr(e->g, "kind", "flat_copy");
	json_kuint(e->g, "bytes", mi->val[0]);
	json_kuint(e->g, "stop_ns", mi->val[1]);
	json_kuint(e->g, "elements", mi->val[2]);
	json_kuint(e->g, "buckets", mi->val[3]);
	json_kuint(e->g, "found", mi->val[4]);
	json_kuint(e->g, "bad_lists", mi->val[5]);
	json_key(e->g, "mb_per_s");
	json_double(e->g, flat_mb_per_s(mi->val[0], mi->val[1]));
}

static void flat_text(FILE *out, const struct sxd_map_info *mi)
{
	fprintf(out, "flat copy: %.3f MB in %.3f ms (%.0f MB/s), %" PRIu64 " of %" PRIu64
		" elements in %" PRIu64 " buckets", mi->val[0] / 1e6, mi->val[1] / 1e6,
		flat_mb_per_s(mi->val[0], mi->val[1]), (uint64_t)mi->val[4],
		(uint64_t)mi->val[2], (uint64_t)mi->val[3]);
	if (mi->val[5])
		fprintf(out, ", %" PRIu64 " lists cut short by a bad link", (uint64_t)mi->val[5]);
}

const struct info_kind flat_info = {
	.kind = SXD_INFO_FLAT,
	.info = flat_fields,
	.text = flat_text,
};

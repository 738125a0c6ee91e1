/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds a dump in memory, one whole record at a time. A record either fits
 * under the writer's limit entirely or is left out and counted, so a dump is
 * always well-formed, whatever was cut. Pure logic: KUnit tests it on UML.
 */
#ifndef SCXDUMP_DUMP_WRITER_H
#define SCXDUMP_DUMP_WRITER_H

#include <linux/types.h>
#include "scxdump_format.h"

struct sxd_writer {
	u8 *buf;
	size_t len;		/* bytes written so far */
	size_t cap;		/* bytes allocated */
	size_t limit;		/* the dump may not grow past this */
	size_t reserve;		/* kept free for the END record */
	u32 nr_records;
	u64 bytes_omitted;
	u64 records_omitted;
	bool truncated;
	bool fixed;		/* no allocation: only the room already there */
};

/* One piece of a record's payload. */
struct sxd_iov {
	const void *base;
	size_t len;
};

int sxw_init(struct sxd_writer *w, size_t limit);
void sxw_release(struct sxd_writer *w);
int sxw_record(struct sxd_writer *w, u32 type, const struct sxd_iov *iov,
	       unsigned int nr_iov);
bool sxw_fits(const struct sxd_writer *w, size_t payload);
int sxw_prealloc(struct sxd_writer *w, size_t room);
int sxw_make_room(struct sxd_writer *w, size_t room);
bool sxw_fix(struct sxd_writer *w, bool fixed);
int sxw_finish(struct sxd_writer *w, struct sxd_end *end);
void *sxw_detach(struct sxd_writer *w, size_t *len);

#endif /* SCXDUMP_DUMP_WRITER_H */

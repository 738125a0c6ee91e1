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

struct dump_writer {
	u8 *buf;
	size_t len;		/* bytes written so far */
	size_t cap;		/* bytes allocated */
	size_t limit;		/* the dump may not grow past this */
	size_t reserve;		/* kept free: the END record, dump_writer_reserve() */
	u32 nr_records;
	u64 bytes_omitted;
	u64 records_omitted;
	bool truncated;
	bool fixed;		/* no allocation: only the room already there */
	bool open;		/* a record is being filled in place */
};

/* One piece of a record's payload. */
struct dump_iov {
	const void *base;
	size_t len;
};

int dump_writer_init(struct dump_writer *w, size_t limit);
void dump_writer_release(struct dump_writer *w);
int dump_writer_record(struct dump_writer *w, u32 type, const struct dump_iov *iov,
		       unsigned int nr_iov);
int dump_writer_reserve(struct dump_writer *w, size_t bytes);
int dump_writer_record_reserved(struct dump_writer *w, u32 type, const struct dump_iov *iov,
				unsigned int nr_iov);
bool dump_writer_fits(const struct dump_writer *w, size_t payload);
int dump_writer_prealloc(struct dump_writer *w, size_t room);
int dump_writer_make_room(struct dump_writer *w, size_t room);
bool dump_writer_fix(struct dump_writer *w, bool fixed);
void *dump_writer_open(struct dump_writer *w, size_t max, size_t *room);
void dump_writer_close(struct dump_writer *w, u32 type, size_t size);
void dump_writer_cancel(struct dump_writer *w);
void dump_writer_omit(struct dump_writer *w, size_t size);
int dump_writer_finish(struct dump_writer *w, struct sxd_end *end);
void *dump_writer_detach(struct dump_writer *w, size_t *len);

#endif /* SCXDUMP_DUMP_WRITER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the decoder knows of each record type, in one table: its name, the
 * size of its fixed part, how long its own fields say its tail is (the
 * check dump_check() runs on every record) and what the index keeps of
 * it. A new record type is one row here, one function in index.c.
 */
#ifndef SCXDUMP_RECORDS_H
#define SCXDUMP_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include "../include/scxdump_format.h"

struct dump_index;

/* The tail length of a record whose own fields contradict each other. */
#define REC_BAD_TAIL	UINT64_MAX

struct rec_type {
	const char *name;
	size_t min_size;	/* the fixed part; a record is at least this */
	/* bytes after the fixed part, by the record's fields; NULL: any */
	uint64_t (*tail)(const struct sxd_rec *r);
	/* what one pass over the dump keeps (index.c); NULL: nothing */
	void (*index)(struct dump_index *x, const struct sxd_rec *r, size_t next);
};

/* The row of @type, NULL for a type this decoder does not know. */
const struct rec_type *rec_type_of(uint32_t type);

/* 0, or -1 with a message, for a record whose lengths do not add up. */
int rec_check(const struct sxd_rec *r, size_t off, char *msg, size_t len);

#endif

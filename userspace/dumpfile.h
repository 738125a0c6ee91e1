/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a dump file: open it, check it whole (header, checksum, every
 * record's framing and, through the record table of records.c, its
 * internal lengths), then walk its records. After dump_open() succeeds,
 * every record can be used without further bounds checks.
 */
#ifndef SCXDUMP_DUMPFILE_H
#define SCXDUMP_DUMPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../include/scxdump_format.h"

struct dump_file {
	const uint8_t *data;
	size_t size;		/* salvaged: the intact records' end */
	const struct sxd_file_header *hdr;
	const struct sxd_end *end;	/* NULL when salvaged without one */
	size_t map_len;		/* mmap()ed length, 0 if not mapped */
	char *owned;		/* or the heap copy of what could not be mapped */
	/*
	 * Salvage (set before dump_check()): past a valid header, damage is
	 * recorded, not fatal, and size cut to the whole, intact records
	 * before it.
	 */
	bool salvage;
	bool hdr_valid;		/* magic, byte order, version and header size */
	bool damaged;
	size_t file_size;	/* the file's own size */
	uint32_t nr_intact;	/* records before the damage */
	char damage[192];	/* the first damage found */
	char stop_reason[192];	/* why the records end where they do */
};

/* Error codes of dump_open(); the message says more. */
enum dump_open_err {
	DUMP_OK = 0,
	DUMP_EIO = 1,		/* cannot read the file */
	DUMP_EFORMAT = 2,	/* not a dump, corrupt or truncated */
	DUMP_EVERSION = 3,	/* a format version this tool does not know */
};

/*
 * The most bytes read into memory from what cannot be mapped (a pipe, a
 * FIFO, stdin, a debugfs file): the largest dump the module writes
 * (OPT_MAX_DUMP_LIMIT, module/scxdump.h).
 */
#define DUMP_READ_MAX		((size_t)(2048 - 1) << 20)

/*
 * Open and check the dump at @path, "-" for stdin. A regular file is
 * mapped; anything else is read into memory (at most DUMP_READ_MAX). A
 * FIFO is opened without blocking, then its writer is awaited as cat
 * does. While a file is mapped, a SIGBUS from it shrinking ends the
 * process with a message and EXIT_IO (dumpfile.c).
 */
int dump_open(struct dump_file *f, const char *path, bool salvage, char *msg, size_t msglen);
int dump_check(struct dump_file *f, char *msg, size_t msglen);
void dump_close(struct dump_file *f);

/*
 * Map indexes are below this: the module's max_maps bound
 * (OPT_MAX_MAPS_LIMIT, module/scxdump.h); dump_check() refuses others.
 */
#define DUMP_MAX_MAP_INDEX	(1u << 20)

/* Bytes of the mapping a pass keeps resident behind it. */
#define DUMP_WINDOW	(16u << 20)

void dump_release(const struct dump_file *f, size_t from, size_t to);

/* Record iteration: start with off = 0. */
const struct sxd_rec *dump_next(const struct dump_file *f, size_t *off);

/* Bytes one entry takes in an SXD_REC_ENTRIES block, 0 on overflow. */
size_t dump_entry_size(uint32_t key_size, uint32_t value_size, uint32_t nr_values);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * u64 fields of map values that the scheduler's programs use as pointers,
 * found in their translated instructions (SXD_REC_PROG_INSNS): a 64-bit
 * load from a map value at a known offset whose result is then the base
 * of a load or store, or goes through an arena address-space cast. No
 * verifier-style tracking: straight-line code between jump targets, the
 * map values reached by direct loads (global sections) and by the storage
 * and lookup helpers. A field is marked only when a dereference was seen.
 */
#ifndef SCXDUMP_INFER_H
#define SCXDUMP_INFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump_index;

struct infer_field {
	uint32_t map_index;
	uint32_t off;			/* in the map's value */
};

struct infer_index {
	struct infer_field *f;		/* sorted, unique */
	size_t nr;
	size_t nr_insns;		/* instructions read */
};

/* 0 or -ENOMEM (then *@ix is empty). */
int infer_build(const struct dump_index *x, struct infer_index *ix);
void infer_free(struct infer_index *ix);
bool infer_is_ptr(const struct infer_index *ix, uint32_t map_index, uint32_t off);

#endif

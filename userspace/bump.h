/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bump allocators of arena memory, as the scx library's (lib/alloc:
 * struct bump, struct scx_static): allocations are carved in order from
 * a block of max_contig_bytes and never freed; a block that is full is
 * replaced by a new one whose first 8 bytes hold the previous block's
 * address. The global names the newest block (memory) and how much of it
 * is taken (off).
 *
 * Found by BTF shape, not by name: a global of a struct with a pointer
 * "memory" and 8-byte integers "off" and "max_contig_bytes". Its blocks
 * are followed through the dump's arena pages, newest first.
 */
#ifndef SCXDUMP_BUMP_H
#define SCXDUMP_BUMP_H

#include <stdbool.h>
#include <stdint.h>

struct btf;
struct dump_index;
struct emit;

/* Blocks followed per allocator (a chain longer than that is cut). */
#define BUMP_MAX_BLOCKS		65536

struct bump_block {
	uint64_t start;
	uint64_t used;		/* bytes taken: off for the newest, else at most the block */
};

struct bump_alloc {
	char var[64];			/* the global's name */
	uint32_t map_index;		/* the map that holds the global */
	uint64_t memory, off, block_size;
	bool has_usage;			/* the struct has cur_memusage and lim_memusage: */
	uint64_t cur_memusage, lim_memusage;
	struct bump_block *blocks;	/* in allocation order: the newest last */
	struct bump_by_addr {
		uint64_t start;
		uint32_t block;
	} *by_addr;			/* the blocks by start address */
	uint32_t nr_blocks;
	bool chain_cut;			/* more than BUMP_MAX_BLOCKS, or a cycle */
	bool chain_unreadable;		/* a block's link is not in the dump */
	const char *why;		/* why nothing was walked, or NULL */
};

struct bump_index {
	struct bump_alloc *a;
	uint32_t nr;
};

/* Find and walk every bump allocator of @x; 0 or -ENOMEM (then *@b is empty). */
int bump_index_build(const struct dump_index *x, struct bump_index *b);
void bump_index_free(struct bump_index *b);

/*
 * The allocator and block that hold user address @addr: the block's
 * number (allocation order) in *@block, @addr's offset in it in *@off.
 */
const struct bump_alloc *bump_block_of(const struct bump_index *b, uint64_t addr,
				       uint32_t *block, uint64_t *off);

/* "allocators": the bump allocators' objects (the array is the caller's). */
void bump_emit(const struct emit *e);

#endif

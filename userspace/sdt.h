/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sdt allocator of sched_ext schedulers (the kernel's
 * tools/sched_ext/scx_sdt.bpf.c and the scx library): a radix tree of
 * descriptors (struct sdt_desc: a bitmap of allocated positions and a
 * chunk of child pointers) whose leaves point at slots (struct sdt_data:
 * a union sdt_id header, then the payload) in arena memory.
 *
 * A dump's allocators are found by BTF shape, not by name: a global (a
 * VAR of a map's DATASEC) of a struct with a "root" pointer to a struct
 * with "allocated", "nr_free" and "chunk" (whose pointee holds a "data"
 * array of pointers), and a member struct with "elem_size". The tree is
 * walked in the dump's arena pages; every slot whose bit is set in its
 * leaf descriptor is live.
 */
#ifndef SCXDUMP_SDT_H
#define SCXDUMP_SDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;
struct dump_index;

/* Cap on the slots indexed per allocator (the rest are counted). */
#define SDT_MAX_SLOTS		(1u << 22)

struct sdt_slot {
	uint64_t addr;			/* the slot's header (struct sdt_data) */
	uint64_t index;			/* its position in the tree */
	int32_t tid_idx, tid_gen;	/* its header's union sdt_id */
};

struct sdt_alloc {
	char var[64];			/* the global's name */
	uint32_t map_index;		/* the map that holds the global */
	const struct btf *btf;		/* the allocator's BTF */
	uint64_t root, elem_size;
	uint32_t hdr_size, levels, fanout;
	const char *hdr_why;		/* why hdr_size is assumed, or NULL */
	const char *shape_why;		/* what of the tree's layout is assumed */
	/* the payload's type: *_btf NULL when none is chosen (*_why says why) */
	const struct btf *payload_btf;
	uint32_t payload_type;
	const char *payload_how, *payload_why;
	struct sdt_slot *slots;		/* sorted by address */
	size_t nr_slots;
	uint64_t nr_over_cap;		/* live slots past SDT_MAX_SLOTS */
	uint32_t nr_unreadable;		/* descriptors, chunks or slots not in the dump */
	uint32_t nr_index_mismatch;	/* live slots whose header names another index */
};

struct sdt_index {
	struct sdt_alloc *a;
	uint32_t nr;
};

/* Find and walk every allocator of @x; 0 or -ENOMEM (then *@s is empty). */
int sdt_index_build(const struct dump_index *x, struct sdt_index *s);
void sdt_index_free(struct sdt_index *s);

/* The live slot that holds user address @addr, and its allocator. */
const struct sdt_slot *sdt_slot_of(const struct sdt_index *s, uint64_t addr,
				   const struct sdt_alloc **a);

/* "allocators": the sdt allocators' objects (the array is the caller's). */
struct emit;
void sdt_emit(const struct emit *e);

#endif

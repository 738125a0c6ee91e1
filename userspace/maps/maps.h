/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decoder's map families, the counterpart of the module's
 * module/maps/: each file renders what its family's capture wrote. An
 * entry block's flags (SXD_ENTRIES_*) choose an entry shape, a map info
 * record's kind (SXD_INFO_*) an info kind; maps.c dispatches through the
 * tables of both, and entries no flag claims are typed by the map's BTF
 * (typed.c).
 */
#ifndef SCXDUMP_MAPS_H
#define SCXDUMP_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../emit.h"

/* One entry block of one map, as its entries are rendered. */
struct entry_view {
	struct emit *e;
	const struct sxd_map *m;
	const struct btf *btf;		/* the map's BTF, or its definition's, or NULL */
	uint32_t key_type, value_type;	/* their ids in btf (0: none) */
	const struct sxd_entries *blk;
};

struct entry_shape {
	uint32_t flag;			/* the SXD_ENTRIES_* it answers to; 0: any */
	/* a shape is believed only with the sizes it needs */
	uint32_t min_key_size, min_value_size;
	void (*key)(const struct entry_view *v, const uint8_t *p);		/* or NULL */
	void (*value)(const struct entry_view *v, const uint8_t *p);	/* or NULL */
	bool own_hex;			/* its rendering is the bytes: no *_hex */
};

struct info_kind {
	uint32_t kind;			/* SXD_INFO_* */
	/* the fields of "info": {...} */
	void (*info)(struct emit *e, const struct sxd_map_info *mi);
	/* keys of the map beside "info", or NULL */
	void (*beside)(struct emit *e, const struct sxd_map *m, const struct sxd_map_info *mi);
	/* the info in words for scxdump summary, one line without its end, or NULL */
	void (*text)(FILE *out, const struct sxd_map_info *mi);
};

/* typed.c: by BTF, or as numbers and hex without it (the last shape) */
extern const struct entry_shape typed_shape;
void typed_untyped(yajl_gen g, const uint8_t *p, uint32_t size);
bool typed_plans(const struct entry_view *v, const struct plan **key, const struct plan **value);

/* local_storage.c, arena.c, fd_array.c, stackmap.c */
extern const struct entry_shape local_storage_shape, arena_shape, fd_array_shape,
	stackmap_shape;
/*
 * arena.c, ringbuf.c, queue_stack_maps.c, bloom_filter.c, stackmap.c,
 * bpf_struct_ops.c, hashtab.c, local_storage.c
 */
extern const struct info_kind arena_info, ringbuf_info, queue_stack_info, bloom_info,
	stackmap_info, struct_ops_info, flat_info, owners_info;

#endif

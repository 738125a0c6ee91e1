// SPDX-License-Identifier: GPL-2.0
/*
 * The per-map driver: which family captures a map (the table built from
 * maps/map_types.h), the MAP and MAP_END records around its entries, the
 * context a family's capture runs in (with room for the kernel objects
 * its values point at, kmem.c), and the counting walk that sizes a map
 * before the snapshot.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "capture.h"
#include "kmem.h"

/* Index: BPF map type -> family, from maps/map_types.h. */
static const struct map_dump_ops *const mapdrv_ops_table[] = {
#define MAPDRV_TYPE(type, ops) \
	[type] = &(ops),
#include "maps/map_types.h"
#undef MAPDRV_TYPE
};

static const struct map_dump_ops *mapdrv_ops_of(const struct bpf_map *map)
{
	if (map->map_type < ARRAY_SIZE(mapdrv_ops_table))
		return mapdrv_ops_table[map->map_type];
	return NULL;
}

bool mapdrv_stoppable(const struct bpf_map *map)
{
	const struct map_dump_ops *ops = mapdrv_ops_of(map);

	return ops && ops->stoppable;
}

/* A record of @map's own: in its room reserved (capture_reserve_maps()) if it has one. */
static void mapdrv_record(struct capture *c, u32 index, u32 type, const struct dump_iov *iov,
			  unsigned int nr_iov)
{
	if (index < c->nr_maps_reserved)
		dump_writer_record_reserved(&c->w, type, iov, nr_iov);
	else
		dump_writer_record(&c->w, type, iov, nr_iov);
}

static void mapdrv_write_map(struct capture *c, struct bpf_map *map, u32 index,
			     u32 btf_index)
{
	struct sxd_map r = {
		.map_index = index,
		.id = map->id,
		.type = map->map_type,
		.key_size = map->key_size,
		.value_size = map->value_size,
		.max_entries = map->max_entries,
		.map_flags = map->map_flags,
		.map_extra = map->map_extra,
		.btf_index = btf_index,
		.btf_key_type_id = map->btf_key_type_id,
		.btf_value_type_id = map->btf_value_type_id,
		.btf_vmlinux_value_type_id = map->btf_vmlinux_value_type_id,
	};
	struct dump_iov iov = { &r, sizeof(r) };

	memcpy(r.name, map->name, min(sizeof(r.name), sizeof(map->name)));
	r.name[sizeof(r.name) - 1] = '\0';
	mapdrv_record(c, index, SXD_REC_MAP, &iov, 1);
}

static int mapdrv_ctx_init(struct map_ctx *mc, struct capture *c,
			   struct bpf_map *map, u32 index,
			    const struct map_dump_ops *ops)
{
	u64 size;

	memset(mc, 0, sizeof(*mc));
	mc->w = &c->w;
	mc->maps = &c->maps;
	mc->map = map;
	mc->map_index = index;
	mc->key_size = map->key_size;
	mc->value_size = map->value_size;
	mc->nr_values = 1;
	if (ops && ops->init)
		ops->init(mc);
	size = sxd_align(mc->key_size) + (u64)mc->nr_values * sxd_align(mc->value_size);
	if (size + sizeof(struct sxd_entries) > SXD_REC_MAX_SIZE) {
		mc->status = -E2BIG;
		mc->reason = "one entry is larger than the largest record";
		return -E2BIG;
	}
	mc->entry_size = size;
	/* whole entries to a record; one entry when it is larger than a block */
	mc->blk_max = size ? max_t(size_t, CAPTURE_BLOCK_SIZE / size, 1) * size : 0;
	if (c->atomic) {
		mc->atomic = true;
		mc->keys = c->keys;
		mc->deadline_ns = c->deadline_ns;
		mc->task_ids = c->task_ids;
		return 0;
	}
	mc->keys = sxd_alloc(kmalloc(2 * sxd_align(map->key_size) ?: 1, GFP_KERNEL));
	if (!mc->keys) {
		mc->status = -ENOMEM;
		mc->reason = "out of memory for the key buffers";
		return -ENOMEM;
	}
	return 0;
}

/* Free what mapdrv_ctx_init() allocated; the stop's buffers are not ours. */
static void mapdrv_ctx_free(struct map_ctx *mc)
{
	if (mc->atomic)
		return;
	kvfree(mc->kmems);
	kfree(mc->keys);
}

static void mapdrv_write_map_end(struct capture *c, struct map_ctx *mc, u64 t0)
{
	struct sxd_map_end r = {
		.map_index = mc->map_index,
		.status = -mc->status,
		.nr_entries = mc->nr_entries,
		.nr_omitted = mc->nr_omitted,
		.flags = mc->flags,
		.duration_ns = local_clock() - t0,
	};
	const char *reason = mc->reason ? mc->reason : "";
	struct dump_iov iov[2];

	r.reason_len = strnlen(reason, MAPDRV_REASON_MAX);
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ reason, r.reason_len };
	mapdrv_record(c, mc->map_index, SXD_REC_MAP_END, iov, 2);
}

/*
 * @map's records and entries: from its family's capture(), or, with
 * @flat, from the flat copy the stop made of it (flat_capture()).
 */
static bool mapdrv_capture_from(struct capture *c, struct bpf_map *map, u32 index,
				const struct map_flat *flat)
{
	const struct map_dump_ops *ops = NULL;
	u64 t0 = local_clock();
	struct map_ctx mc;
	bool from_copy;

	mapdrv_write_map(c, map, index, capture_btf_index(c, map));
	ops = mapdrv_ops_of(map);
	if (!mapdrv_ctx_init(&mc, c, map, index, ops)) {
		if (!ops) {
			mc.flags |= SXD_MAP_UNSUPPORTED;
			mc.reason = "this map type is not captured by this scxdump version";
		} else {
			/* in the stop: the buffer snapshot_prepare() allocated */
			if (kmem_map_has_kptr(map)) {
				mc.kmems = c->atomic ? c->kmems :
					   sxd_alloc(kvzalloc_obj(*mc.kmems, GFP_KERNEL));
				if (c->atomic)
					memset(mc.kmems, 0, offsetof(struct map_kmems, m));
				else if (!mc.kmems)
					capture_error(c, -ENOMEM,
						      "map %s: kptr pointees left out: out of memory",
						      map->name);
			}
			mc.status = flat ? ops->flat_capture(&mc, flat) : ops->capture(&mc);
			if (mc.over_budget) {
				/* undone by the caller, captured again after the stop */
				c->over_budget = true;
				mapdrv_ctx_free(&mc);
				return false;
			}
			if (!mc.full)
				maplib_entries_flush(&mc);
			/* after the flush: no record while an ENTRIES one is open */
			if (flat && mc.status == -EUCLEAN)
				capture_error(c, mc.status, "map %s: its flat copy has a bad link: %s; the lists it ended are left out",
					      map->name, mc.reason);
			if (mc.flat_unread)
				capture_error(c, -ENOMEM, "map %s: %s", map->name, mc.reason);
		}
	}
	if (mc.kmems)
		kmem_write(c, map, mc.kmems);
	from_copy = flat && !mc.flat_unread;
	if (c->atomic || from_copy)
		mc.flags |= SXD_MAP_SNAPSHOT;
	if (from_copy)
		mc.flags |= SXD_MAP_FLAT;
	mapdrv_write_map_end(c, &mc, t0);
	mapdrv_ctx_free(&mc);
	return from_copy;
}

void mapdrv_capture(struct capture *c, struct bpf_map *map, u32 index)
{
	mapdrv_capture_from(c, map, index, NULL);
}

/*
 * After the stop: @map's entries from the copy it made (mapdrv_flat_parts()).
 * Returns whether they were read from it (not walked for want of memory).
 */
bool mapdrv_capture_flat(struct capture *c, struct bpf_map *map, u32 index,
			 const struct map_flat *flat)
{
	return mapdrv_capture_from(c, map, index, flat);
}

/*
 * Where @map's memory is, for a flat copy in the stop: its parts, or 0
 * when its family has none for it (or its values point at kernel objects
 * read with it, kmem.c: those are walked). Before the stop.
 */
u32 mapdrv_flat_parts(struct bpf_map *map, u32 index, struct map_flat *f)
{
	const struct map_dump_ops *ops = mapdrv_ops_of(map);
	/* the map alone: flat_parts() reads where its memory is, nothing more */
	struct map_ctx mc = { .map = map, .map_index = index };
	u32 i, nr = 0;

	memset(f, 0, sizeof(*f));
	if (!opt_snapshot_flat_copy || !ops || !ops->flat_parts || kmem_map_has_kptr(map))
		return 0;
	nr = ops->flat_parts(&mc, f);
	for (i = 0; i < nr; i++)
		f->bytes += f->part[i].len;
	f->nr = nr;
	return nr;
}

/*
 * The bytes @map's capture will take, from a walk that copies nothing:
 * its entries, its MAP_INFO blobs and the records around them. The walk
 * counts no further than the limits let a capture go. @cost (if given)
 * gains what else the walk reads (ops->scan_bytes).
 */
u64 mapdrv_estimate(struct capture *c, struct bpf_map *map, u32 index, u64 *cost)
{
	const struct map_dump_ops *ops = mapdrv_ops_of(map);
	u64 bytes = 4096, per_blk, limit = c->w.limit;
	struct map_ctx mc;
	int err;

	if (opt_max_map_bytes)
		limit = min_t(u64, limit, opt_max_map_bytes);
	err = mapdrv_ctx_init(&mc, c, map, index, ops);
	/* other refusals are the capture's to report, when it meets them */
	if (err == -ENOMEM)
		capture_error(c, err, "map %s: no memory to estimate its size: %llu bytes prepared",
			      map->name, bytes);
	if (!err) {
		mc.counting = true;
		mc.count_cap = div64_u64(limit, max_t(u64, mc.entry_size, 1)) + 1;
		if (cost && ops->scan_bytes)
			*cost += ops->scan_bytes(&mc);
		if (ops->count && ops->count(&mc, &mc.nr_omitted))
			mc.nr_omitted = min(mc.nr_omitted, mc.count_cap);	/* no walk */
		else
			ops->capture(&mc);
		/* entries of no size (ring buffers, bloom filters) are none */
		per_blk = mc.entry_size ? max_t(u64, 1, mc.blk_max / mc.entry_size) : 1;
		bytes += mc.nr_omitted * mc.entry_size + mc.est_bytes +
			 (div64_u64(mc.nr_omitted, per_blk) + 1) *
			 sxd_align(sizeof(struct sxd_entries));
		/* no overflow: bytes - 4096 is below what a map can hold */
		if (bytes - 4096 > limit)
			bytes = limit + 4096;
		if (kmem_map_has_kptr(map))
			bytes += kmem_bytes_max();
	}
	mapdrv_ctx_free(&mc);
	return bytes;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Maps whose values are kernel objects: PROG_ARRAY, ARRAY_OF_MAPS,
 * PERF_EVENT_ARRAY, CGROUP_ARRAY (slots of the public struct bpf_array's
 * ptrs[]) and HASH_OF_MAPS (a keyed walk whose lookup returns the inner
 * map). Each populated slot becomes a struct sxd_obj_ref naming the
 * program or map; inner maps join the capture, so their contents follow.
 * Slots are read as the kernel reads them, READ_ONCE() under RCU
 * (kernel/bpf/arraymap.c, bpf_fd_array_map_lookup_elem).
 */
#include <linux/bpf.h>
#include <linux/cgroup.h>
#include <linux/filter.h>
#include "../scxdump.h"

static void fd_array_dump_init(struct map_ctx *mc)
{
	mc->value_size = sizeof(struct sxd_obj_ref);
	mc->entry_flags = SXD_ENTRIES_REF;
}

/* Describe @ptr, a slot's object. RCU held. */
static bool fd_array_ref(struct bpf_map *map, void *ptr, struct sxd_obj_ref *ref)
{
	struct bpf_prog *prog;
	struct bpf_map *m;

	switch (map->map_type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
		prog = ptr;
		ref->kind = SXD_REF_PROG;
		ref->id = prog->aux->id;
		strscpy(ref->name, prog->aux->name, sizeof(ref->name));
		return true;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		m = ptr;
		ref->kind = SXD_REF_MAP;
		ref->id = m->id;
		strscpy(ref->name, m->name, sizeof(ref->name));
		return true;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		ref->kind = SXD_REF_PERF_EVENT;
		return true;
	case BPF_MAP_TYPE_CGROUP_ARRAY:
		ref->kind = SXD_REF_CGROUP;
		ref->extra = cgroup_id(ptr);
		return true;
	default:
		return false;
	}
}

/* An inner map joins the capture, so its contents follow in the dump. */
static void fd_array_add_inner(struct map_ctx *mc, struct bpf_map *inner)
{
	if (!inner)
		return;
	sched_maps_add(mc->maps, inner);
	bpf_map_put(inner);
}

static int fd_array_dump_capture(struct map_ctx *mc)
{
	struct bpf_array *array = container_of(mc->map, struct bpf_array, map);
	bool of_maps = mc->map->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS;
	struct bpf_map *inner;
	u32 i, n = mc->map->max_entries;
	void *ptr;
	u8 *slot;

	for (i = 0; i < n; i++) {
		inner = NULL;
		slot = maplib_entry_slot(mc);
		rcu_read_lock();
		ptr = READ_ONCE(array->ptrs[i]);
		if (ptr && slot && fd_array_ref(mc->map, ptr, maplib_entry_value(mc, slot, 0))) {
			memcpy(slot, &i, sizeof(i));
			maplib_entry_commit(mc);
		} else if (ptr && !slot) {
			mc->nr_omitted++;
		}
		if (ptr && of_maps && !IS_ERR(bpf_map_inc_not_zero(ptr)))
			inner = ptr;
		rcu_read_unlock();
		fd_array_add_inner(mc, inner);
		if (!(i & 1023))
			maplib_walk_yield(mc);
	}
	return 0;
}

/*
 * Inner map ids seen by the HASH_OF_MAPS walk, added after it: room for
 * as many as the hash holds (max_entries), or as max_maps lets in.
 */
struct fd_array_inner_ids {
	u32 nr;
	u32 cap;
	u32 ids[];
};

/* HASH_OF_MAPS: map_lookup_elem returns the inner map itself. RCU held. */
static bool fd_array_copy_inner(struct map_ctx *mc, void *key, u8 *slot)
{
	struct fd_array_inner_ids *inner = mc->priv;
	struct bpf_map *m = mc->map->ops->map_lookup_elem(mc->map, key);

	if (!m)
		return false;
	if (slot)
		fd_array_ref(mc->map, m, maplib_entry_value(mc, slot, 0));
	if (inner->nr < inner->cap)
		inner->ids[inner->nr++] = m->id;
	else
		mc->maps->nr_over++;	/* said with the other maps past the limit */
	return true;
}

static int hash_of_maps_dump_capture(struct map_ctx *mc)
{
	u32 i, cap = min_t(u32, mc->map->max_entries, mc->maps->max);
	struct fd_array_inner_ids *inner;
	int err;

	inner = sxd_alloc(kvzalloc(struct_size(inner, ids, cap), GFP_KERNEL));
	if (!inner) {
		mc->reason = "out of memory for the inner maps' ids";
		return -ENOMEM;
	}
	inner->cap = cap;
	mc->priv = inner;
	err = maplib_keyed_walk(mc, fd_array_copy_inner);
	for (i = 0; i < inner->nr; i++)
		fd_array_add_inner(mc, discover_map_get_by_id(inner->ids[i]));
	kvfree(inner);
	return err;
}

const struct map_dump_ops fd_array_dump_ops = {
	.init = fd_array_dump_init,
	.capture = fd_array_dump_capture,
};

const struct map_dump_ops hash_of_maps_dump_ops = {
	.init = fd_array_dump_init,
	.capture = hash_of_maps_dump_capture,
};

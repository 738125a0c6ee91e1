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

static void sxd_fd_init(struct sxd_map_ctx *mc)
{
	mc->value_size = sizeof(struct sxd_obj_ref);
	mc->entry_flags = SXD_ENTRIES_REF;
}

/* Describe @ptr, a slot's object. RCU held. */
static bool sxd_ref(struct bpf_map *map, void *ptr, struct sxd_obj_ref *ref)
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
static void sxd_add_inner(struct sxd_map_ctx *mc, struct bpf_map *inner)
{
	if (!inner)
		return;
	sxd_maps_add(mc->maps, inner);
	bpf_map_put(inner);
}

static int sxd_fd_array_capture(struct sxd_map_ctx *mc)
{
	struct bpf_array *array = container_of(mc->map, struct bpf_array, map);
	bool of_maps = mc->map->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS;
	struct bpf_map *inner;
	u32 i, n = mc->map->max_entries;
	void *ptr;
	u8 *slot;

	for (i = 0; i < n; i++) {
		inner = NULL;
		slot = sxd_entry_slot(mc);
		rcu_read_lock();
		ptr = READ_ONCE(array->ptrs[i]);
		if (ptr && slot && sxd_ref(mc->map, ptr, sxd_entry_value(mc, slot, 0))) {
			memcpy(slot, &i, sizeof(i));
			sxd_entry_commit(mc);
		} else if (ptr && !slot) {
			mc->nr_omitted++;
		}
		if (ptr && of_maps && !IS_ERR(bpf_map_inc_not_zero(ptr)))
			inner = ptr;
		rcu_read_unlock();
		sxd_add_inner(mc, inner);
		if (!(i & 1023))
			sxd_walk_yield(mc);
	}
	return 0;
}

/* Inner map ids seen by the HASH_OF_MAPS walk, added after it. */
struct sxd_inner_ids {
	u32 nr;
	u32 ids[SXD_MAX_MAPS];
};

/* HASH_OF_MAPS: map_lookup_elem returns the inner map itself. RCU held. */
static bool sxd_copy_inner(struct sxd_map_ctx *mc, void *key, u8 *slot)
{
	struct sxd_inner_ids *inner = mc->priv;
	struct bpf_map *m = mc->map->ops->map_lookup_elem(mc->map, key);

	if (!m)
		return false;
	if (slot)
		sxd_ref(mc->map, m, sxd_entry_value(mc, slot, 0));
	if (inner->nr < ARRAY_SIZE(inner->ids))
		inner->ids[inner->nr++] = m->id;
	else
		mc->maps->overflow = true;	/* said with the other maps past the limit */
	return true;
}

static int sxd_hash_of_maps_capture(struct sxd_map_ctx *mc)
{
	struct sxd_inner_ids *inner = kvzalloc(sizeof(*inner), GFP_KERNEL);
	u32 i;
	int err;

	if (!inner) {
		mc->reason = "out of memory for the inner maps' ids";
		return -ENOMEM;
	}
	mc->priv = inner;
	err = sxd_keyed_walk(mc, sxd_copy_inner);
	for (i = 0; i < inner->nr; i++)
		sxd_add_inner(mc, sxd_map_get_by_id(inner->ids[i]));
	kvfree(inner);
	return err;
}

const struct sxd_map_ops sxd_fd_array_ops = {
	.init = sxd_fd_init,
	.capture = sxd_fd_array_capture,
};

const struct sxd_map_ops sxd_hash_of_maps_ops = {
	.init = sxd_fd_init,
	.capture = sxd_hash_of_maps_capture,
};

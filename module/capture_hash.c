// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH: every element, walked the way the bpf(2) syscall's
 * BPF_MAP_GET_NEXT_KEY and BPF_MAP_LOOKUP_ELEM do (kernel/bpf/syscall.c):
 * map->ops under rcu_read_lock(), one element at a time so the walk can
 * reschedule. Neither op takes a bucket lock. An element deleted under our
 * feet makes get_next_key restart from the first bucket, so the walk is
 * bounded by twice max_entries and says so when it hits that bound.
 */
#include <linux/bpf.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "scxdump.h"

/* Copy the element after @prev (NULL: the first) into @slot. */
static int sxd_hash_next(struct bpf_map *map, const void *prev, void *key,
			 void *value)
{
	void *v;
	int err;

	rcu_read_lock();
	err = map->ops->map_get_next_key(map, (void *)prev, key);
	if (!err) {
		v = map->ops->map_lookup_elem(map, key);
		if (v && value)
			memcpy(value, v, map->value_size);
		else if (!v)
			err = -EAGAIN;	/* deleted since get_next_key */
	}
	rcu_read_unlock();
	return err;
}

static int sxd_hash_capture(struct sxd_map_ctx *mc)
{
	struct bpf_map *map = mc->map;
	u64 steps, bound = 2ull * map->max_entries + 1;
	void *prev, *key;
	int err = 0;
	u8 *slot;

	prev = kmalloc(map->key_size, GFP_KERNEL);
	key = kmalloc(map->key_size, GFP_KERNEL);
	if (!prev || !key) {
		err = -ENOMEM;
		mc->reason = "out of memory for the hash walk";
		goto out;
	}
	for (steps = 0; steps < bound; steps++) {
		slot = sxd_entry_slot(mc);
		err = sxd_hash_next(map, steps ? prev : NULL, key,
				    slot ? sxd_entry_value(mc, slot, 0) : NULL);
		if (err == -ENOENT) {
			err = 0;	/* past the last element */
			break;
		}
		if (err == -EAGAIN) {
			err = 0;
			memcpy(prev, key, map->key_size);
			continue;
		}
		if (err) {
			mc->reason = "get_next_key failed";
			break;
		}
		if (slot) {
			memcpy(slot, key, map->key_size);
			sxd_entry_commit(mc);
		} else {
			mc->nr_omitted++;
		}
		memcpy(prev, key, map->key_size);
		cond_resched();
	}
	if (steps == bound) {
		mc->flags |= SXD_MAP_ITER_LIMIT;
		mc->reason = "walk stopped at 2 * max_entries steps (map changing under it)";
	}
out:
	kfree(prev);
	kfree(key);
	return err;
}

const struct sxd_map_ops sxd_hash_ops = {
	.capture = sxd_hash_capture,
};

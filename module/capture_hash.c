// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed maps walked by key: HASH, LRU_HASH, PERCPU_HASH, LRU_PERCPU_HASH
 * and LPM_TRIE. The walk is the bpf(2) syscall's: map->ops->map_get_next_key
 * then a lookup, under rcu_read_lock() (kernel/bpf/syscall.c,
 * map_get_next_key and bpf_map_copy_value), one element at a time so it can
 * reschedule. None of these ops takes a bucket or trie lock.
 *
 * Lookups differ per type: LRU_HASH uses map_lookup_elem_sys_only, which
 * does not set the element's LRU reference bit (kernel/bpf/hashtab.c,
 * htab_lru_map_lookup_elem_sys); per-CPU hashes, LRU or not, are read as
 * bpf(2) reads them, with bpf_percpu_hash_copy(): one lookup that leaves
 * the LRU reference bit alone ("We do not mark LRU map element here"),
 * where map_lookup_percpu_elem would set it once per CPU.
 *
 * An element deleted under our feet makes get_next_key restart from the
 * first bucket, so the walk is bounded by twice max_entries and says so
 * when it hits that bound.
 */
#include <linux/bpf.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "scxdump.h"

/* HASH, LPM_TRIE: the value at the key. RCU held. */
static bool sxd_copy_value(struct sxd_map_ctx *mc, void *key, u8 *slot)
{
	void *v = mc->map->ops->map_lookup_elem(mc->map, key);

	if (v && slot)
		memcpy(sxd_entry_value(mc, slot, 0), v, mc->map->value_size);
	return v;
}

/* LRU_HASH: without setting the element's reference bit. RCU held. */
static bool sxd_copy_value_sys(struct sxd_map_ctx *mc, void *key, u8 *slot)
{
	void *v = mc->map->ops->map_lookup_elem_sys_only(mc->map, key);

	if (v && slot)
		memcpy(sxd_entry_value(mc, slot, 0), v, mc->map->value_size);
	return v;
}

/*
 * Per-CPU hashes: every possible CPU's copy, with one lookup. RCU held.
 * bpf_percpu_hash_copy() writes the possible CPUs' values one after the
 * other, each 8-aligned: our layout when they are CPUs 0..n-1; otherwise
 * each CPU's value is asked for alone (BPF_F_CPU). Counting asks nothing:
 * get_next_key found the key.
 */
static bool sxd_copy_percpu(struct sxd_map_ctx *mc, void *key, u8 *slot)
{
	struct bpf_map *map = mc->map;
	int cpu;

	if (!slot)
		return true;
	if (num_possible_cpus() == nr_cpu_ids)
		return !static_call(sxd_percpu_hash_copy)(map, key,
							  sxd_entry_value(mc, slot, 0), 0);
	for_each_possible_cpu(cpu) {
		if (static_call(sxd_percpu_hash_copy)(map, key, sxd_entry_value(mc, slot, cpu),
						      BPF_F_CPU | (u64)cpu << 32))
			return false;
	}
	return true;
}

/*
 * One step: the key after @prev (NULL: the first) into @key and, when
 * @slot is given, its values. -ENOENT past the last, -EAGAIN when the
 * element went away between get_next_key and the lookup.
 */
static int sxd_keyed_next(struct sxd_map_ctx *mc, sxd_copy_fn copy,
			  const void *prev, void *key, u8 *slot)
{
	struct bpf_map *map = mc->map;
	int err;

	rcu_read_lock();
	err = map->ops->map_get_next_key(map, (void *)prev, key);
	if (!err && !copy(mc, key, slot))
		err = -EAGAIN;
	rcu_read_unlock();
	return err;
}

/*
 * How many elements the map holds, from the per-CPU count the kernel
 * keeps for hash maps (bpf_map_inc_elem_count(), what map iterators
 * print); false when this map has none.
 */
static bool sxd_elem_count(const struct bpf_map *map, u64 *count)
{
	s64 sum = 0;
	int cpu;

	if (!map->elem_count)
		return false;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(map->elem_count, cpu));
	*count = max_t(s64, sum, 0);
	return true;
}

/*
 * The walk stopped (room or time): what it did not reach, from the
 * kernel's element count when it keeps one.
 */
static void sxd_keyed_rest(struct sxd_map_ctx *mc)
{
	u64 count, seen = sxd_walk_seen(mc);

	if (sxd_elem_count(mc->map, &count))
		sxd_walk_rest(mc, count > seen ? count - seen : 0, SXD_MAP_OMITTED_EST);
	else
		sxd_walk_rest(mc, 0, SXD_MAP_OMITTED_MORE);
}

int sxd_keyed_walk(struct sxd_map_ctx *mc, sxd_copy_fn copy)
{
	struct bpf_map *map = mc->map;
	u64 steps, bound = 2ull * map->max_entries + 1;
	void *prev, *key;
	int err = 0;
	u8 *slot;

	if (!mc->keys) {
		mc->reason = "out of memory for the key walk";
		return -ENOMEM;
	}
	prev = mc->keys;
	key = mc->keys + sxd_align(map->key_size);
	for (steps = 0; steps < bound; steps++) {
		slot = sxd_entry_slot(mc);
		if (!slot && mc->stop)
			break;	/* no room or no time left: the rest is estimated */
		err = sxd_keyed_next(mc, copy, steps ? prev : NULL, key, slot);
		if (err == -ENOENT) {
			err = 0;	/* past the last element */
			break;
		}
		if (err && err != -EAGAIN) {
			mc->reason = "get_next_key failed";
			break;
		}
		if (!err && slot) {
			memcpy(slot, key, map->key_size);
			sxd_entry_commit(mc);
		} else if (!err) {
			mc->nr_omitted++;	/* counting */
		}
		err = 0;
		memcpy(prev, key, map->key_size);
		if (!sxd_walk_yield(mc))
			break;
	}
	if (mc->stop) {
		sxd_keyed_rest(mc);
	} else if (steps == bound) {
		mc->flags |= SXD_MAP_ITER_LIMIT;
		mc->reason = "walk stopped at 2 * max_entries steps (map changing under it)";
	}
	return err;
}

static int sxd_hash_capture(struct sxd_map_ctx *mc)
{
	return sxd_keyed_walk(mc, sxd_copy_value);
}

static int sxd_lru_hash_capture(struct sxd_map_ctx *mc)
{
	if (!mc->map->ops->map_lookup_elem_sys_only) {
		mc->reason = "no side-effect-free lookup for this LRU map";
		return -EOPNOTSUPP;
	}
	return sxd_keyed_walk(mc, sxd_copy_value_sys);
}

static int sxd_percpu_hash_capture(struct sxd_map_ctx *mc)
{
	if (!sxd_sym.percpu_hash_copy) {
		mc->flags |= SXD_MAP_UNSUPPORTED;
		mc->reason = "no bpf_percpu_hash_copy() in this kernel: it leaves LRU state alone";
		return -EOPNOTSUPP;
	}
	return sxd_keyed_walk(mc, sxd_copy_percpu);
}

const struct sxd_map_ops sxd_hash_ops = {
	.capture = sxd_hash_capture,
	.stoppable = true,
};

const struct sxd_map_ops sxd_lru_hash_ops = {
	.capture = sxd_lru_hash_capture,
	.stoppable = true,
};

const struct sxd_map_ops sxd_percpu_hash_ops = {
	.init = sxd_map_percpu,
	.capture = sxd_percpu_hash_capture,
	.stoppable = true,
};

/*
 * LPM_TRIE keys are struct bpf_lpm_trie_key_u8: prefixlen, then data.
 * Read live, after the stop: trie_get_next_key() allocates a stack of
 * nodes at every step (kernel/bpf/lpm_trie.c), which nothing may do in it.
 */
const struct sxd_map_ops sxd_lpm_trie_ops = {
	.capture = sxd_hash_capture,
};

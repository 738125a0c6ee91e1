// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps (kernel/bpf/hashtab.c), walked by key with the library's
 * keyed walk (maplib.c): HASH, LRU_HASH, PERCPU_HASH, LRU_PERCPU_HASH.
 * The walk is the bpf(2) syscall's: map->ops->map_get_next_key then a
 * lookup, under rcu_read_lock() (kernel/bpf/syscall.c,
 * map_get_next_key and bpf_map_copy_value), one element at a time so it can
 * reschedule. None of these ops takes a bucket or trie lock.
 *
 * Lookups differ per type: LRU_HASH uses map_lookup_elem_sys_only, which
 * does not set the element's LRU reference bit (kernel/bpf/hashtab.c,
 * htab_lru_map_lookup_elem_sys); per-CPU hashes, LRU or not, are read as
 * bpf(2) reads them, with bpf_percpu_hash_copy(): one lookup that leaves
 * the LRU reference bit alone ("We do not mark LRU map element here"),
 * where map_lookup_percpu_elem would set it once per CPU.
 */
#include <linux/bpf.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "../scxdump.h"

/* LRU_HASH: without setting the element's reference bit. RCU held. */
static bool htab_copy_value_sys(struct map_ctx *mc, void *key, u8 *slot)
{
	void *v = mc->map->ops->map_lookup_elem_sys_only(mc->map, key);

	if (v && slot)
		memcpy(maplib_entry_value(mc, slot, 0), v, mc->map->value_size);
	return v;
}

/*
 * Per-CPU hashes: every possible CPU's copy, with one lookup. RCU held.
 * bpf_percpu_hash_copy() writes the possible CPUs' values one after the
 * other, each 8-aligned: our layout when they are CPUs 0..n-1; otherwise
 * each CPU's value is asked for alone (BPF_F_CPU). Counting asks nothing:
 * get_next_key found the key.
 */
static bool htab_copy_percpu(struct map_ctx *mc, void *key, u8 *slot)
{
	struct bpf_map *map = mc->map;
	int cpu;

	if (!slot)
		return true;
	/* with flags 0 the call is right whether or not the kernel takes them */
	if (num_possible_cpus() == nr_cpu_ids)
		return !static_call(ksyms_percpu_hash_copy)(map, key,
							  maplib_entry_value(mc, slot, 0), 0);
	for_each_possible_cpu(cpu) {
		if (static_call(ksyms_percpu_hash_copy)(map, key, maplib_entry_value(mc, slot, cpu),
							klayout.bpf_f_cpu | (u64)cpu << 32))
			return false;
	}
	return true;
}

static int htab_dump_capture(struct map_ctx *mc)
{
	return maplib_keyed_walk(mc, maplib_copy_lookup);
}

static int lru_hash_dump_capture(struct map_ctx *mc)
{
	if (!mc->map->ops->map_lookup_elem_sys_only) {
		mc->reason = "no side-effect-free lookup for this LRU map";
		return -EOPNOTSUPP;
	}
	return maplib_keyed_walk(mc, htab_copy_value_sys);
}

static int percpu_hash_dump_capture(struct map_ctx *mc)
{
	/* CPU ids with holes need one CPU a call: BPF_F_CPU, which 6.x lacks */
	if (num_possible_cpus() != nr_cpu_ids &&
	    (klayout.percpu_copy_args < 4 || !klayout.bpf_f_cpu)) {
		mc->flags |= SXD_MAP_UNSUPPORTED;
		mc->reason = "possible CPUs with holes and a kernel without BPF_F_CPU copies";
		return -EOPNOTSUPP;
	}
	if (!ksyms.percpu_hash_copy) {
		mc->flags |= SXD_MAP_UNSUPPORTED;
		mc->reason = "no bpf_percpu_hash_copy() in this kernel: it leaves LRU state alone";
		return -EOPNOTSUPP;
	}
	return maplib_keyed_walk(mc, htab_copy_percpu);
}

const struct map_dump_ops htab_dump_ops = {
	.capture = htab_dump_capture,
	.stoppable = true,
};

const struct map_dump_ops lru_hash_dump_ops = {
	.capture = lru_hash_dump_capture,
	.stoppable = true,
};

const struct map_dump_ops percpu_hash_dump_ops = {
	.init = maplib_percpu,
	.capture = percpu_hash_dump_capture,
	.stoppable = true,
};

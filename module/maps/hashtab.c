// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps (kernel/bpf/hashtab.c): HASH, LRU_HASH, PERCPU_HASH,
 * LRU_PERCPU_HASH, walked bucket by bucket (htab_bucket_walk()) where the
 * kernel's BTF gives their layout (layout.c), else by key.
 *
 * The keyed walk is the library's (maplib.c) and the bpf(2) syscall's:
 * map->ops->map_get_next_key then a lookup, under rcu_read_lock()
 * (kernel/bpf/syscall.c, map_get_next_key and bpf_map_copy_value), one
 * element at a time so it can reschedule. None of these ops takes a
 * bucket or trie lock. It hashes every key twice and scans its bucket
 * twice: several times slower than the bucket walk.
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
#include <linux/list_nulls.h>
#include <linux/rculist_nulls.h>
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

/*
 * The bucket walk: each bucket's nulls list, as the kernel's own walks go
 * (bpf_hash_map_seq_find_next(), bpf_for_each_hash_elem()): under
 * rcu_read_lock(), without the bucket lock. Every element reached is
 * readable: a preallocated map never frees its elements (they are reused
 * in place), and the others' are freed after an RCU grace period
 * (bpf_mem_alloc). One deleted and reused meanwhile may be met twice, or
 * take the walk into another bucket's list up to that list's end: a walk
 * while the map changes is as consistent as bpf(2)'s; inside the stop
 * nothing changes it (save a program in an NMI). Nothing is looked up: no
 * LRU reference bit is set.
 *
 * The dump's room for the elements is made before (maplib_nosleep_begin(),
 * from the kernel's element count or max_entries), so that no slot
 * allocates under RCU. Bounded by twice max_entries plus the buckets
 * steps, and it yields between buckets.
 */
static void htab_copy_elem(struct map_ctx *mc, const u8 *elem, u8 *slot, bool percpu)
{
	const struct bpf_map *map = mc->map;
	const u8 *val = elem + klayout.helem_key + round_up(map->key_size, 8);
	void __percpu *pptr;
	int cpu;

	memcpy(slot, elem + klayout.helem_key, map->key_size);
	if (!percpu) {
		memcpy(maplib_entry_value(mc, slot, 0), val, map->value_size);
		return;
	}
	pptr = *(void __percpu **)val;	/* htab_elem_get_ptr() */
	for_each_possible_cpu(cpu)
		memcpy(maplib_entry_value(mc, slot, cpu), per_cpu_ptr(pptr, cpu),
		       map->value_size);
}

static int htab_bucket_walk(struct map_ctx *mc, bool percpu)
{
	const u8 *htab = (const u8 *)mc->map;
	const u8 *buckets = READ_ONCE(*(u8 *const *)(htab + klayout.htab_buckets));
	u32 i, n = READ_ONCE(*(const u32 *)(htab + klayout.htab_n_buckets));
	u64 steps = 0, bound = 2ull * mc->map->max_entries + n, room = mc->map->max_entries;
	const struct hlist_nulls_head *head;
	struct hlist_nulls_node *node;
	bool fixed;
	u8 *slot;

	if (maplib_elem_count(mc->map, &room))
		room = min_t(u64, room + room / 8 + 64, mc->map->max_entries);
	/* every possible CPU's value is copied, holes between their ids stay 0 */
	mc->fills_entries = !percpu || num_possible_cpus() == nr_cpu_ids;
	fixed = maplib_nosleep_begin(mc, room);
	for (i = 0; i < n && !mc->stop && steps <= bound; i++) {
		if (!(i & 255) && !maplib_walk_yield(mc))
			break;
		head = (const void *)(buckets + (size_t)i * klayout.htab_bucket_size +
				      klayout.bucket_head);
		/*
		 * The bucket array lives as long as the map (we hold it): an
		 * empty bucket is passed without an RCU section, which costs
		 * most where most buckets are empty (lockdep, KASAN).
		 */
		if (is_a_nulls(READ_ONCE(head->first)))
			continue;
		rcu_read_lock();
		for (node = rcu_dereference_raw(head->first); !is_a_nulls(node);
		     node = rcu_dereference_raw(node->next)) {
			if (++steps > bound)
				break;
			slot = maplib_entry_slot(mc);
			if (!slot && mc->stop)
				break;
			if (!slot) {
				mc->nr_omitted++;	/* counting */
				continue;
			}
			htab_copy_elem(mc, (const u8 *)node - klayout.helem_node, slot, percpu);
			maplib_entry_commit(mc);
		}
		rcu_read_unlock();
	}
	maplib_nosleep_end(mc, fixed);
	if (mc->stop) {
		maplib_keyed_rest(mc);
	} else if (steps > bound) {
		mc->flags |= SXD_MAP_ITER_LIMIT;
		mc->reason = "walk stopped at 2 * max_entries + n_buckets steps (map changing)";
	}
	return 0;
}

static int htab_dump_capture(struct map_ctx *mc)
{
	if (klayout.ok_htab)
		return htab_bucket_walk(mc, false);
	mc->fills_entries = true;	/* the key, then value_size bytes */
	return maplib_keyed_walk(mc, maplib_copy_lookup);
}

static int lru_hash_dump_capture(struct map_ctx *mc)
{
	if (klayout.ok_htab)
		return htab_bucket_walk(mc, false);
	if (!mc->map->ops->map_lookup_elem_sys_only) {
		mc->reason = "no side-effect-free lookup for this LRU map";
		return -EOPNOTSUPP;
	}
	mc->fills_entries = true;
	return maplib_keyed_walk(mc, htab_copy_value_sys);
}

static int percpu_hash_dump_capture(struct map_ctx *mc)
{
	if (klayout.ok_htab)
		return htab_bucket_walk(mc, true);
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
	/* every CPU's value, its special fields zeroed (check_and_init_map_value) */
	mc->fills_entries = num_possible_cpus() == nr_cpu_ids;
	return maplib_keyed_walk(mc, htab_copy_percpu);
}

/*
 * What the walk reads besides the entries: every bucket's head (or, key
 * by key, every bucket scanned by get_next_key), so that an empty hash of
 * a million buckets is not taken for a small map in the stop's order.
 */
static u64 htab_dump_scan_bytes(struct map_ctx *mc)
{
	const u8 *htab = (const u8 *)mc->map;

	if (!klayout.ok_htab)
		return (u64)mc->map->max_entries * sizeof(void *);
	return (u64)READ_ONCE(*(const u32 *)(htab + klayout.htab_n_buckets)) *
	       klayout.htab_bucket_size;
}

/* The element count the kernel keeps for every hash (bpf_map_inc_elem_count()). */
static bool htab_dump_count(struct map_ctx *mc, u64 *nr)
{
	return maplib_elem_count(mc->map, nr);
}

const struct map_dump_ops htab_dump_ops = {
	.capture = htab_dump_capture,
	.count = htab_dump_count,
	.scan_bytes = htab_dump_scan_bytes,
	.stoppable = true,
};

const struct map_dump_ops lru_hash_dump_ops = {
	.capture = lru_hash_dump_capture,
	.count = htab_dump_count,
	.scan_bytes = htab_dump_scan_bytes,
	.stoppable = true,
};

const struct map_dump_ops percpu_hash_dump_ops = {
	.init = maplib_percpu,
	.capture = percpu_hash_dump_capture,
	.count = htab_dump_count,
	.scan_bytes = htab_dump_scan_bytes,
	.stoppable = true,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps (kernel/bpf/hashtab.c): HASH, LRU_HASH, PERCPU_HASH,
 * LRU_PERCPU_HASH: a preallocated one's element area scanned in address
 * order (htab_area_scan()), or walked bucket by bucket (htab_bucket_walk())
 * where the kernel's BTF gives their layout (layout.c), else by key.
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
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/list_nulls.h>
#include <linux/rculist_nulls.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include "../scxdump.h"
#include "htab_copy.h"

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
 * An entry from an element: the element holds its key and value as an
 * entry does, each 8-aligned (htab_elem_value(); per-CPU hashes keep a
 * pointer to round_up(value_size, 8) bytes a CPU there), so a copy takes
 * the rounded sizes and then clears the bytes past key_size and
 * value_size in the last word of each, with @mask (as a little-endian
 * word). Without per-CPU values, one copy.
 */
struct htab_shape {
	u32 ka, va;		/* key_size, value_size rounded up to 8 */
	u64 key_mask, val_mask;
	bool percpu;
};

static u64 htab_pad_mask(u32 size)
{
	u32 last = size - (round_up(size, 8) - 8);	/* bytes of the last word: 1..8 */

	return last == 8 ? ~0ull : (1ull << (8 * last)) - 1;
}

static void htab_shape_init(struct htab_shape *sh, const struct bpf_map *map, bool percpu)
{
	sh->ka = round_up(map->key_size, 8);
	sh->va = round_up(map->value_size, 8);
	sh->key_mask = htab_pad_mask(map->key_size);
	sh->val_mask = htab_pad_mask(map->value_size);
	sh->percpu = percpu;
}

static void htab_pad(u8 *word, u64 mask)
{
	if (mask != ~0ull)
		put_unaligned_le64(get_unaligned_le64(word) & mask, word);
}

/*
 * @n bytes, a multiple of 8: the sizes of small keys and values are
 * copied inline, without a call per entry.
 */
static __always_inline void htab_copy(u8 *dst, const u8 *src, u32 n)
{
	switch (n) {
	case 8:
		memcpy(dst, src, 8);
		break;
	case 16:
		memcpy(dst, src, 16);
		break;
	case 24:
		memcpy(dst, src, 24);
		break;
	case 32:
		memcpy(dst, src, 32);
		break;
	case 40:
		memcpy(dst, src, 40);
		break;
	case 48:
		memcpy(dst, src, 48);
		break;
	case 56:
		memcpy(dst, src, 56);
		break;
	case 64:
		memcpy(dst, src, 64);
		break;
	default:
		memcpy(dst, src, n);
	}
}

/*
 * Inline in the walks: a call an element (its saved registers and return
 * thunk) was a fifth of the area scan's time under TCG.
 */
static __always_inline void htab_fill_entry(struct map_ctx *mc, const struct htab_shape *sh,
					    const u8 *elem, u8 *slot)
{
	const u8 *key = elem + klayout.helem_key;
	void __percpu *pptr;
	u8 *v;
	u32 cpu;

	if (!sh->percpu) {
		htab_copy(slot, key, sh->ka + sh->va);
		htab_pad(slot + sh->ka - 8, sh->key_mask);
		htab_pad(slot + sh->ka + sh->va - 8, sh->val_mask);
		return;
	}
	/*
	 * Every possible CPU's value; holes between their ids stay 0. With
	 * none (mc->fills_entries), the possible CPUs are 0 to nr_cpu_ids - 1
	 * and are counted, not looked up in the mask, a lookup an entry each.
	 */
	if (!mc->fills_entries)
		memset(slot, 0, mc->entry_size);
	htab_copy(slot, key, sh->ka);
	htab_pad(slot + sh->ka - 8, sh->key_mask);
	pptr = *(void __percpu *const *)(key + sh->ka);	/* htab_elem_get_ptr() */
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!mc->fills_entries && !cpu_possible(cpu))
			continue;
		v = slot + sh->ka + (size_t)cpu * sh->va;
		htab_copy(v, per_cpu_ptr(pptr, cpu), sh->va);
		htab_pad(v + sh->va - 8, sh->val_mask);
	}
}

/* Room for the entries: the kernel's element count and some, or max_entries. */
static u64 htab_room(struct map_ctx *mc)
{
	u64 room = mc->map->max_entries;

	if (maplib_elem_count(mc->map, &room))
		room = min_t(u64, room + room / 8 + 64, mc->map->max_entries);
	return room;
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
 * steps, and it yields between buckets. The first @skip elements of each
 * list are passed over (the area scan took them); room is made for @room
 * entries.
 */
static void htab_bucket_walk(struct map_ctx *mc, const struct htab_shape *sh, u32 skip,
			     u64 room)
{
	const u8 *htab = (const u8 *)mc->map;
	const u8 *buckets = READ_ONCE(*(u8 *const *)(htab + klayout.htab_buckets));
	u32 i, pos, one, n = READ_ONCE(*(const u32 *)(htab + klayout.htab_n_buckets));
	u64 steps = 0, bound = 2ull * mc->map->max_entries + n;
	const struct hlist_nulls_head *head;
	struct hlist_nulls_node *node;
	bool fixed;
	u8 *slot;

	fixed = maplib_nosleep_begin(mc, room);
	for (i = 0; i < n && !mc->stop && steps <= bound; i++) {
		if (!(i & 255) && !maplib_walk_chunk(mc))
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
		pos = 0;
		for (node = rcu_dereference_raw(head->first); !is_a_nulls(node);
		     node = rcu_dereference_raw(node->next)) {
			if (++steps > bound)
				break;
			if (pos < skip) {
				pos++;
				continue;
			}
			slot = maplib_entry_run(mc, 1, &one);
			if (!slot && mc->stop)
				break;
			if (!slot) {
				mc->nr_omitted++;	/* counting */
				continue;
			}
			htab_fill_entry(mc, sh, (const u8 *)node - klayout.helem_node, slot);
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
}

/*
 * The area scan: a preallocated hash (no BPF_F_NO_PREALLOC) keeps every
 * element in one area, bpf_htab.elems, allocated with the map and freed
 * with it (prealloc_init(), prealloc_destroy()): max_entries elements of
 * elem_size bytes, and one spare per possible CPU where extra_elems is
 * set. Read in address order, the elements stream from memory; the
 * bucket walk meets them in hash order, one cache miss (and, under TCG,
 * one soft TLB miss) each.
 *
 * Which elements are in the table is told by each one's hash_node.pprev,
 * as the list code keeps it (include/linux/rculist_nulls.h): the first of
 * a list points into the bucket array (&head->first), the others at their
 * predecessor's node (&prev->next), and the predecessor's next points
 * back. An element not in a list has pprev LIST_POISON2 (deleted), NULL
 * (never used, or the end of a list below), a pcpu_freelist_node (free:
 * the node overlaps pprev, and sits at another offset of its element than
 * a node's next, klayout_resolve_htab_area()), or, while a batch delete
 * frees it, batch_flink: the element deleted before it, itself out of
 * the table. So an element is in the table when following pprev back,
 * each predecessor's next pointing at the one after it, reaches the
 * bucket array; a pointer is followed only when it points at an element
 * of the area, which lives as long as the map (we hold it): nothing read
 * can be freed. The same holds as the bucket walk's: exact inside the
 * stop, as consistent as bpf(2) outside it.
 *
 * More than HTAB_BACK_MAX predecessors are not followed: the elements
 * that deep in their list are then taken by a bucket walk passing over
 * the first HTAB_BACK_MAX + 1 of each list, the ones the scan took. With
 * a bucket per element and the kernel's seeded jhash, lists that long do
 * not occur but by design.
 */
#define HTAB_BACK_MAX	16
/* Elements scanned per run of entries: the stop's clock is read once a run. */
#define HTAB_SCAN_RUN	256

struct htab_area {
	const u8 *elems;
	u64 len;		/* bytes: nr elements of elem_size */
	u32 nr, elem_size;
	const u8 *buckets;
	u32 n_buckets;
	uintptr_t heads;	/* the first bucket's head */
	u64 heads_len;		/* the bucket array's bytes */
	u32 bucket_mask;	/* bucket size - 1 when a power of two, else 0 */
};

/* 1: in the table; 0: not; -1: deeper in its list than HTAB_BACK_MAX */
static int htab_elem_linked(const struct htab_area *a, const u8 *elem)
{
	const struct hlist_nulls_node *node = (const void *)(elem + klayout.helem_node);
	const struct hlist_nulls_node *prev;
	uintptr_t pprev, off;
	u32 n;

	for (n = 0; n <= HTAB_BACK_MAX; n++) {
		pprev = (uintptr_t)READ_ONCE(node->pprev);
		off = pprev - a->heads;
		if (off < a->heads_len)
			return a->bucket_mask ? !(off & a->bucket_mask) :
						!(off % klayout.htab_bucket_size);
		off = pprev - (uintptr_t)a->elems - klayout.helem_node -
		      offsetof(struct hlist_nulls_node, next);
		if (off >= a->len || off % a->elem_size)
			return 0;
		prev = (const void *)(a->elems + off + klayout.helem_node);
		if (READ_ONCE(prev->next) != node)
			return 0;
		node = prev;
	}
	return -1;
}

/* The map's element area, when it has one (a preallocated hash's). */
static bool htab_area_layout(struct map_ctx *mc, struct htab_area *a, bool percpu)
{
	const u8 *htab = (const u8 *)mc->map;

	if (!klayout.ok_htab || !klayout.ok_htab_area ||
	    (mc->map->map_flags & BPF_F_NO_PREALLOC))
		return false;
	a->elems = READ_ONCE(*(u8 *const *)(htab + klayout.htab_elems));
	a->elem_size = READ_ONCE(*(const u32 *)(htab + klayout.htab_elem_size));
	a->nr = mc->map->max_entries;
	if (READ_ONCE(*(void *const *)(htab + klayout.htab_extra_elems)))
		a->nr += num_possible_cpus();
	if (!a->elems || a->elem_size < klayout.helem_key + round_up(mc->map->key_size, 8) +
	    (percpu ? sizeof(void *) : round_up(mc->map->value_size, 8)))
		return false;
	a->len = (u64)a->nr * a->elem_size;
	a->buckets = READ_ONCE(*(u8 *const *)(htab + klayout.htab_buckets));
	a->heads = (uintptr_t)a->buckets + klayout.bucket_head +
		   offsetof(struct hlist_nulls_head, first);
	a->n_buckets = READ_ONCE(*(const u32 *)(htab + klayout.htab_n_buckets));
	a->heads_len = (u64)a->n_buckets * klayout.htab_bucket_size;
	a->bucket_mask = is_power_of_2(klayout.htab_bucket_size) ?
			 klayout.htab_bucket_size - 1 : 0;
	return a->buckets;
}

/*
 * The map's element area, when it has one and it is worth scanning: at
 * least a quarter of its elements in the table (the kernel's count),
 * else the bucket walk reads less.
 */
static bool htab_area_get(struct map_ctx *mc, struct htab_area *a, bool percpu)
{
	u64 count;

	return htab_area_layout(mc, a, percpu) &&
	       (!maplib_elem_count(mc->map, &count) || count >= a->nr / 4);
}

static void htab_area_scan(struct map_ctx *mc, const struct htab_shape *sh,
			   const struct htab_area *a)
{
	const u8 *elem = a->elems;
	u32 i = 0, end, room, n;
	u64 deep = 0;
	bool fixed;
	u8 *slot;
	int r;

	fixed = maplib_nosleep_begin(mc, htab_room(mc));
	while (i < a->nr && maplib_walk_yield(mc)) {
		end = min_t(u32, a->nr, i + HTAB_SCAN_RUN);
		slot = maplib_entry_run(mc, end - i, &room);
		if (!slot && mc->stop)
			break;
		for (n = 0; i < end && (!slot || n < room); i++, elem += a->elem_size) {
			r = htab_elem_linked(a, elem);
			if (r <= 0)
				deep += r < 0;
			else if (!slot)
				mc->nr_omitted++;	/* counting */
			else
				htab_fill_entry(mc, sh, elem, slot + (size_t)n++ * mc->entry_size);
		}
		if (slot)
			maplib_entry_run_commit(mc, n);
	}
	maplib_nosleep_end(mc, fixed);
	if (mc->stop)
		maplib_keyed_rest(mc);
	else if (deep)
		htab_bucket_walk(mc, sh, HTAB_BACK_MAX + 1, deep + deep / 8 + 64);
}

static int htab_walk(struct map_ctx *mc, bool percpu)
{
	struct htab_shape sh;
	struct htab_area a;

	htab_shape_init(&sh, mc->map, percpu);
	mc->fills_entries = !percpu || num_possible_cpus() == nr_cpu_ids;
	if (htab_area_get(mc, &a, percpu))
		htab_area_scan(mc, &sh, &a);
	else
		htab_bucket_walk(mc, &sh, 0, htab_room(mc));
	return 0;
}

/*
 * The flat copy (HASH and LRU_HASH, preallocated): the stop copies the
 * element area and the bucket array as they are (snapshot.c), two
 * memcpy()s however full the map is, and flat_capture() reads the lists
 * from the copy after the stop (htab_copy.c): exactly the elements in the
 * table at the stop's instant. Nothing is looked up, so no LRU reference
 * bit is set; the copy holds each element's bits as they were.
 */
static u32 htab_flat_parts(struct map_ctx *mc, struct map_flat *f)
{
	struct htab_area a;

	if (!htab_area_layout(mc, &a, false))
		return 0;
	f->part[0].src = a.elems;
	f->part[0].len = a.len;
	f->part[1].src = a.buckets;
	f->part[1].len = a.heads_len;
	return 2;
}

/*
 * After the stop: the copy's lists (htab_copy_walk()) say which elements
 * were in the table; their entries are then written in address order, in
 * runs, as the area scan writes them (the copy streams from memory). The
 * dump full, the rest are counted: the copy says exactly how many.
 */
static int htab_flat_capture(struct map_ctx *mc, const struct map_flat *f)
{
	const u8 *htab = (const u8 *)mc->map;
	struct htab_copy_bad bad = { };
	struct htab_shape sh;
	struct htab_copy hc = {
		.elems = f->part[0].copy,
		.elems_at = (unsigned long)f->part[0].src,
		.elems_len = f->part[0].len,
		.elem_size = READ_ONCE(*(const u32 *)(htab + klayout.htab_elem_size)),
		.node_off = klayout.helem_node,
		.buckets = f->part[1].copy,
		.bucket_size = klayout.htab_bucket_size,
		.head_off = klayout.bucket_head,
	};
	u32 nr, i = 0, n, room, nr_found;
	unsigned long *seen;
	u64 info[6];
	bool fixed;
	u8 *slot;

	hc.n_buckets = div_u64(f->part[1].len, hc.bucket_size);
	htab_shape_init(&sh, mc->map, false);
	mc->fills_entries = true;
	nr = htab_copy_nr_elems(&hc);
	/* kv: a million elements' bitmap is 128 KiB, too large to ask kmalloc for */
	seen = sxd_alloc(kvcalloc(BITS_TO_LONGS(nr), sizeof(*seen), GFP_KERNEL));
	if (!seen) {
		/* the entries all the same, as a walk after the stop reads them */
		mc->flat_unread = true;
		mc->reason = "no memory to read its flat copy: walked after the stop";
		return htab_walk(mc, false);
	}
	nr_found = htab_copy_walk(&hc, seen, &bad);
	/* the elements found, in address order, in runs: their room made once */
	fixed = maplib_nosleep_begin(mc, nr_found);
	i = find_first_bit(seen, nr);
	while (i < nr) {
		slot = maplib_entry_run(mc, HTAB_SCAN_RUN, &room);
		if (!slot) {
			/* the dump is full: the rest counted */
			mc->nr_omitted += bitmap_weight(seen, nr) - bitmap_weight(seen, i);
			break;
		}
		for (n = 0; n < room && i < nr; n++, i = find_next_bit(seen, nr, i + 1))
			htab_fill_entry(mc, &sh, hc.elems + (size_t)i * hc.elem_size,
					slot + (size_t)n * mc->entry_size);
		maplib_entry_run_commit(mc, n);
		cond_resched();
	}
	maplib_nosleep_end(mc, fixed);
	kvfree(seen);
	info[0] = f->bytes;
	info[1] = f->took_ns;
	info[2] = nr;
	info[3] = hc.n_buckets;
	info[4] = nr_found;
	info[5] = bad.nr;
	maplib_info(mc, SXD_INFO_FLAT, info, ARRAY_SIZE(info), NULL, 0);
	if (bad.nr) {
		mc->flags |= SXD_MAP_OMITTED_MORE;
		mc->reason = bad.why;	/* mapdrv.c says it in an error record too */
		return -EUCLEAN;
	}
	return 0;
}

static int htab_dump_capture(struct map_ctx *mc)
{
	if (klayout.ok_htab)
		return htab_walk(mc, false);
	mc->fills_entries = true;	/* the key, then value_size bytes */
	return maplib_keyed_walk(mc, maplib_copy_lookup);
}

static int lru_hash_dump_capture(struct map_ctx *mc)
{
	if (klayout.ok_htab)
		return htab_walk(mc, false);
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
		return htab_walk(mc, true);
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
 * What the walk reads besides the entries: the element area it scans, or
 * every bucket's head (or, key by key, every bucket scanned by
 * get_next_key), so that an empty hash of a million buckets is not taken
 * for a small map in the stop's order.
 */
static u64 htab_dump_scan_bytes(struct map_ctx *mc)
{
	const u8 *htab = (const u8 *)mc->map;
	struct htab_area a;

	if (htab_area_get(mc, &a, mc->map->map_type == BPF_MAP_TYPE_PERCPU_HASH ||
			  mc->map->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH))
		return a.len;
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
	.flat_parts = htab_flat_parts,
	.flat_capture = htab_flat_capture,
	.stoppable = true,
};

const struct map_dump_ops lru_hash_dump_ops = {
	.capture = lru_hash_dump_capture,
	.count = htab_dump_count,
	.scan_bytes = htab_dump_scan_bytes,
	.flat_parts = htab_flat_parts,
	.flat_capture = htab_flat_capture,
	.stoppable = true,
};

const struct map_dump_ops percpu_hash_dump_ops = {
	.init = maplib_percpu,
	.capture = percpu_hash_dump_capture,
	.count = htab_dump_count,
	.scan_bytes = htab_dump_scan_bytes,
	.stoppable = true,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * The library the map families (maps/) call, as kernel/bpf's
 * bpf_local_storage.c is for the four storage maps: room for entries and
 * their framing into ENTRIES blocks, the walk's end when room or time is
 * gone and the count of what it did not reach, facts that are not
 * entries (MAP_INFO), and the keyed walk of hash-like maps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/btf.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include "capture.h"
#include "kmem.h"

/* The walk ends here, for @reason; the family counts what it did not reach. */
static void maplib_walk_truncate(struct map_ctx *mc, const char *reason)
{
	mc->flags |= SXD_MAP_TRUNCATED;
	mc->reason = reason;
	mc->stop = true;
}

/*
 * Entries are written where they end up: an ENTRIES record is opened in
 * the dump (dump_writer_open()), the family's slots are handed out inside
 * it, and maplib_entries_flush() writes its header and closes it. One
 * copy, from the map into the dump; nothing else is written to the dump
 * while the record is open (maplib_info() flushes first).
 */
static int maplib_entries_open(struct map_ctx *mc)
{
	size_t hdr = sizeof(struct sxd_entries), room;
	u8 *rec = dump_writer_open(mc->w, hdr + mc->blk_max, &room);

	if (rec && room >= hdr + mc->entry_size) {
		mc->blk = rec + hdr;
		mc->blk_cap = room - hdr;
		return 0;
	}
	if (rec)
		dump_writer_cancel(mc->w);
	dump_writer_omit(mc->w, hdr + mc->entry_size);
	mc->full = true;
	maplib_walk_truncate(mc, !dump_writer_fits(mc->w, hdr + mc->entry_size) ?
			  "dump size limit (max_dump_bytes) reached" : mc->atomic ?
			  "the map grew past the room prepared for the snapshot" :
			  "the map grew past the room prepared while it was read");
	return -ENOSPC;
}

/* Close the open ENTRIES record, if any: its header now, in place. */
int maplib_entries_flush(struct map_ctx *mc)
{
	struct sxd_entries *r;

	if (!mc->blk)
		return 0;
	if (!mc->blk_nr) {
		dump_writer_cancel(mc->w);
	} else {
		r = (struct sxd_entries *)(mc->blk - sizeof(*r));
		*r = (struct sxd_entries){
			.map_index = mc->map_index,
			.nr = mc->blk_nr,
			.key_size = mc->key_size,
			.value_size = mc->value_size,
			.nr_values = mc->nr_values,
			.flags = mc->entry_flags,
		};
		dump_writer_close(mc->w, SXD_REC_ENTRIES, sizeof(*r) + mc->blk_len);
		mc->nr_entries += mc->blk_nr;
	}
	mc->blk = NULL;
	mc->blk_cap = 0;
	mc->blk_len = 0;
	mc->blk_nr = 0;
	return 0;
}

/*
 * Is the walk over: its room gone, or (inside the stop) its time budget?
 * The clock is read every MAPLIB_CLOCK_EVERY entries (each 2 KiB or more:
 * every one), so the budget is overrun by a few microseconds at most.
 */
#define MAPLIB_CLOCK_EVERY	32
/*
 * Inside the stop, the most bytes copied between two reads of the clock:
 * a run of entries (maplib_entry_run()) or a piece of a blob (MAP_INFO).
 * MAPLIB_CLOCK_EVERY entries under 2 KiB copy no more.
 */
#define MAPLIB_CHUNK		SZ_64K

static bool maplib_walk_over(struct map_ctx *mc)
{
	if (!mc->atomic || !mc->deadline_ns ||
	    (++mc->clock_tick < MAPLIB_CLOCK_EVERY && mc->entry_size < SZ_2K))
		return mc->stop;
	mc->clock_tick = 0;
	if (local_clock() > mc->deadline_ns) {
		mc->over_budget = true;
		mc->stop = true;
	}
	return mc->stop;
}

/*
 * The dump's bytes are not zeroed beforehand: every byte of a slot is
 * written. A family that fills the whole key and every value itself
 * (mc->fills_entries) leaves only the alignment padding to zero.
 */
static void maplib_entry_clear(struct map_ctx *mc, u8 *slot)
{
	u32 ka = sxd_align(mc->key_size), va = sxd_align(mc->value_size), i;

	if (!mc->fills_entries) {
		memset(slot, 0, mc->entry_size);
		return;
	}
	memset(slot + mc->key_size, 0, ka - mc->key_size);
	if (va == mc->value_size)
		return;
	for (i = 0; i < mc->nr_values; i++)
		memset(slot + ka + (size_t)i * va + mc->value_size, 0, va - mc->value_size);
}

/**
 * maplib_entry_slot() - room for the next entry of the map being captured
 * @mc: the map's capture
 *
 * The room is for one entry: the key, then nr_values values, each
 * 8-aligned (maplib_entry_value()); the family fills it and calls
 * maplib_entry_commit(). Never sleeps: a full block is flushed into the dump,
 * which allocates only when the writer is not fixed (outside the stop and
 * outside maplib_nosleep_begin()).
 *
 * Return: the slot, or NULL. NULL with mc->stop set means the walk must
 * end now (the map's or the dump's room is gone, or the stop's time
 * budget); the family then says what it did not reach with
 * maplib_walk_rest(). NULL without mc->stop happens only while counting: the
 * family counts the entry in mc->nr_omitted and goes on.
 */
u8 *maplib_entry_slot(struct map_ctx *mc)
{
	u32 n;
	u8 *slot = maplib_entry_run(mc, 1, &n);

	if (slot)
		maplib_entry_clear(mc, slot);
	return slot;
}

/**
 * maplib_entry_run() - room for up to @want entries in a row
 * @mc: the map's capture
 * @want: entries the family could fill now
 * @n: set to the entries there is room for, 1 to @want
 *
 * As maplib_entry_slot(), for a family that fills entries in a run: the
 * slots follow each other, mc->entry_size bytes apart, and are not
 * cleared: the family writes every byte, pads included. It commits the
 * ones it filled with maplib_entry_run_commit(). A run of more than one
 * entry reads the stop's clock.
 *
 * Return: the first slot, or NULL as maplib_entry_slot() returns it.
 */
u8 *maplib_entry_run(struct map_ctx *mc, u32 want, u32 *n)
{
	u64 fit;

	if (want > 1)
		mc->clock_tick = MAPLIB_CLOCK_EVERY;
	if (maplib_walk_over(mc))
		return NULL;
	if (mc->counting) {
		/* past what the limits let through, counting changes nothing */
		if (mc->nr_omitted >= mc->count_cap)
			mc->stop = true;
		return NULL;
	}
	if (opt_max_map_bytes && mc->bytes + mc->entry_size > opt_max_map_bytes) {
		maplib_walk_truncate(mc, "per-map size limit (max_map_bytes) reached");
		return NULL;
	}
	if (mc->blk && mc->blk_len + mc->entry_size > mc->blk_cap)
		maplib_entries_flush(mc);
	/* a full dump has stopped the walk (maplib_entries_open()) */
	if (!mc->blk && maplib_entries_open(mc))
		return NULL;
	fit = (mc->blk_cap - mc->blk_len) / mc->entry_size;
	if (opt_max_map_bytes)
		fit = min_t(u64, fit, div64_u64(opt_max_map_bytes - mc->bytes, mc->entry_size));
	*n = clamp_t(u64, fit, 1, want);
	if (mc->atomic)		/* one chunk: the next run reads the clock */
		*n = clamp_t(u64, MAPLIB_CHUNK / mc->entry_size, 1, *n);
	return mc->blk + mc->blk_len;
}

/* Entries the walk has met so far: written, waiting in the block, left out. */
u64 maplib_walk_seen(const struct map_ctx *mc)
{
	return mc->nr_entries + mc->blk_nr + mc->nr_omitted;
}

/**
 * maplib_walk_rest() - count what a stopped walk did not reach
 * @mc: the map's capture, whose walk ended with mc->stop
 * @rest: how many elements it did not reach
 * @how: 0 when @rest is exact, SXD_MAP_OMITTED_EST when it comes from an
 *	element count the kernel keeps, SXD_MAP_OMITTED_MORE when the kernel
 *	keeps none (then nr_omitted is a floor)
 *
 * Nothing to do when counting, or when the stop's budget ran out: that
 * map is captured again after the stop.
 */
void maplib_walk_rest(struct map_ctx *mc, u64 rest, u32 how)
{
	if (!mc->stop || mc->counting || mc->over_budget)
		return;
	mc->nr_omitted += rest;
	mc->flags |= how;
}

/**
 * maplib_walk_yield() - between two elements of a walk
 * @mc: the map's capture
 *
 * Outside the stop it lets the CPU go (not under RCU: call it between
 * RCU sections); inside, it checks the stop's time budget.
 *
 * Return: false when the walk must end (mc->stop).
 */
bool maplib_walk_yield(struct map_ctx *mc)
{
	if (!mc->atomic)
		cond_resched();
	return !maplib_walk_over(mc);
}

/**
 * maplib_walk_chunk() - between two chunks of a walk
 * @mc: the map's capture
 *
 * As maplib_walk_yield(), for a walk that may go a long way without
 * handing out an entry (hundreds of empty buckets, of unmapped arena
 * pages): inside the stop it reads the clock every time, so that the
 * stop ends at most one chunk past its budget.
 *
 * Return: false when the walk must end (mc->stop).
 */
bool maplib_walk_chunk(struct map_ctx *mc)
{
	mc->clock_tick = MAPLIB_CLOCK_EVERY;
	return maplib_walk_yield(mc);
}

/**
 * maplib_nosleep_begin() - prepare @n entries' room for a walk that cannot sleep
 * @mc: the map's capture
 * @n: the entries about to be copied under RCU
 *
 * The dump gets room for @n entries and their blocks' headers now, and
 * the writer is fixed, so that maplib_entry_slot() flushes full blocks into
 * that room without allocating. Inside the stop the room is there already.
 *
 * Return: the writer's previous fixed state, for maplib_nosleep_end().
 */
bool maplib_nosleep_begin(struct map_ctx *mc, u64 n)
{
	u64 per_blk = max_t(u64, 1, mc->blk_max / max_t(size_t, mc->entry_size, 1));
	u64 room = n * mc->entry_size +
		   (div64_u64(n, per_blk) + 2) * sxd_align(sizeof(struct sxd_entries));

	if (!mc->w->fixed && !mc->counting)
		dump_writer_make_room(mc->w, room);	/* what does not fit is cut, counted */
	return dump_writer_fix(mc->w, true);
}

void maplib_nosleep_end(struct map_ctx *mc, bool fixed)
{
	dump_writer_fix(mc->w, fixed);
}

/* The @n entries of a run (maplib_entry_run()) are filled: they are the map's. */
void maplib_entry_run_commit(struct map_ctx *mc, u32 n)
{
	u8 *slot = mc->blk + mc->blk_len;
	u32 e, i;
	void *v;

	if (mc->kmems && !(mc->entry_flags & ~SXD_ENTRIES_OWNER)) {
		for (e = 0; e < n; e++, slot += mc->entry_size) {
			for (i = 0; i < mc->nr_values; i++) {
				v = maplib_entry_value(mc, slot, i);
				kmem_read_value(mc->kmems, mc->map, v);
			}
		}
	}
	mc->bytes += (u64)n * mc->entry_size;
	mc->blk_len += (size_t)n * mc->entry_size;
	mc->blk_nr += n;
}

void maplib_entry_commit(struct map_ctx *mc)
{
	maplib_entry_run_commit(mc, 1);
}

/*
 * A MAP_INFO record of @r and @len bytes at @data, copied in place inside
 * the stop in MAPLIB_CHUNK pieces with the clock read before each: a
 * ring buffer's unread bytes or a bloom filter's bitset reach 64 MiB, and
 * one memcpy() of them would hold every CPU for tens of milliseconds past
 * the budget. Out of time, the record is cancelled and the map undone
 * (mc->over_budget). -ENOSPC when the room prepared does not hold it.
 */
static int maplib_info_chunked(struct map_ctx *mc, const struct sxd_map_info *r,
			       const void *data, u32 len)
{
	size_t size = sizeof(*r) + len, room, off, n;
	u8 *rec = dump_writer_open(mc->w, sxd_align(size), &room);

	if (!rec || room < size) {
		if (rec)
			dump_writer_cancel(mc->w);
		return -ENOSPC;
	}
	memcpy(rec, r, sizeof(*r));
	for (off = 0; off < len; off += n) {
		if (local_clock() > mc->deadline_ns) {
			dump_writer_cancel(mc->w);
			mc->over_budget = true;
			mc->stop = true;
			return -ETIME;
		}
		n = min_t(size_t, len - off, MAPLIB_CHUNK);
		memcpy(rec + sizeof(*r) + off, (const u8 *)data + off, n);
	}
	dump_writer_close(mc->w, SXD_REC_MAP_INFO, size);
	return 0;
}

/* Facts about the map that are not entries (enum sxd_info_kind). */
int maplib_info(struct map_ctx *mc, u32 kind, const u64 *val, u32 nr_val,
		const void *data, u32 len)
{
	struct sxd_map_info r = {
		.map_index = mc->map_index,
		.kind = kind,
		.data_len = len,
	};
	struct dump_iov iov[2] = { { &r, sizeof(r) }, { data, len } };
	int err;

	if (mc->counting) {
		mc->est_bytes += sxd_align(sizeof(r) + len);
		return 0;
	}
	maplib_entries_flush(mc);	/* no record while one is open */
	memcpy(r.val, val, min_t(size_t, nr_val, ARRAY_SIZE(r.val)) * sizeof(*val));
	if (mc->atomic && mc->deadline_ns && len > MAPLIB_CHUNK) {
		err = maplib_info_chunked(mc, &r, data, len);
		if (err != -ENOSPC)
			return err;
		/* no room: refused, and counted, as any record */
	}
	err = dump_writer_record(mc->w, SXD_REC_MAP_INFO, iov, 2);
	if (err)
		maplib_walk_truncate(mc, "dump size limit (max_dump_bytes) reached");
	return err;
}

/*
 * Bytes one MAP_INFO blob of this map may take: under a record's size and
 * under max_map_bytes. A family cutting to it says so in @mc.
 */
u64 maplib_info_limit(struct map_ctx *mc, u64 want, const char *reason)
{
	u64 limit = SXD_REC_MAX_SIZE - 4096;

	if (opt_max_map_bytes)
		limit = min_t(u64, limit, opt_max_map_bytes);
	if (want <= limit)
		return want;
	mc->flags |= SXD_MAP_TRUNCATED;
	mc->reason = reason;
	mc->nr_omitted = want - limit;
	return limit;
}

/* The kernel's BTF lacks a field this family needs: say so, capture none. */
int maplib_missing_layout(struct map_ctx *mc, const char *type)
{
	mc->flags |= SXD_MAP_UNSUPPORTED;
	mc->reason = "the running kernel's BTF lacks a field of this map's private struct";
	pr_warn_once("%s maps are not captured: no layout for struct %s\n",
		     mc->map->name, type ?: "?");
	return -EOPNOTSUPP;
}

/* Where value @i (a CPU for per-CPU maps) of the entry at @slot goes. */
void *maplib_entry_value(struct map_ctx *mc, u8 *slot, u32 i)
{
	return slot + sxd_align(mc->key_size) + (size_t)i * sxd_align(mc->value_size);
}

/* For per-CPU families: one value per possible CPU id. */
void maplib_percpu(struct map_ctx *mc)
{
	mc->nr_values = nr_cpu_ids;
}

/**
 * maplib_copy_lookup() - the value at @key, through the map's own lookup
 * @mc: the map's capture
 * @key: the key
 * @slot: where the entry goes, or NULL when only counting
 *
 * For hashes and LPM tries, whose lookup has no side effect. RCU held.
 *
 * Return: false when the element went away.
 */
bool maplib_copy_lookup(struct map_ctx *mc, void *key, u8 *slot)
{
	void *v = mc->map->ops->map_lookup_elem(mc->map, key);

	if (v && slot)
		memcpy(maplib_entry_value(mc, slot, 0), v, mc->map->value_size);
	return v;
}

/*
 * One step: the key after @prev (NULL: the first) into @key and, when
 * @slot is given, its values. -ENOENT past the last, -EAGAIN when the
 * element went away between get_next_key and the lookup.
 */
static int maplib_keyed_next(struct map_ctx *mc, maplib_copy_fn copy,
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
bool maplib_elem_count(const struct bpf_map *map, u64 *count)
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
void maplib_keyed_rest(struct map_ctx *mc)
{
	u64 count, seen = maplib_walk_seen(mc);

	if (maplib_elem_count(mc->map, &count))
		maplib_walk_rest(mc, count > seen ? count - seen : 0, SXD_MAP_OMITTED_EST);
	else
		maplib_walk_rest(mc, 0, SXD_MAP_OMITTED_MORE);
}

/**
 * maplib_keyed_walk() - capture a map by walking its keys
 * @mc: the map's capture
 * @copy: fills a slot's values for a key, false when the element is gone
 *
 * The walk is the bpf(2) syscall's: map_get_next_key, then the value,
 * under rcu_read_lock(), one element at a time so that it can yield. An
 * element deleted under our feet makes get_next_key restart from the
 * first bucket, so the walk is bounded by twice max_entries and says so
 * when it hits that bound. When room or time runs out it stops, and the
 * rest is estimated from the kernel's element count where it keeps one.
 *
 * Return: 0, or a negative errno (mc->reason says why).
 */
int maplib_keyed_walk(struct map_ctx *mc, maplib_copy_fn copy)
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
		slot = maplib_entry_slot(mc);
		if (!slot && mc->stop)
			break;	/* no room or no time left: the rest is estimated */
		err = maplib_keyed_next(mc, copy, steps ? prev : NULL, key, slot);
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
			maplib_entry_commit(mc);
		} else if (!err) {
			mc->nr_omitted++;	/* counting */
		}
		err = 0;
		memcpy(prev, key, map->key_size);
		if (!maplib_walk_yield(mc))
			break;
	}
	if (mc->stop) {
		maplib_keyed_rest(mc);
	} else if (steps == bound) {
		mc->flags |= SXD_MAP_ITER_LIMIT;
		mc->reason = "walk stopped at 2 * max_entries steps (map changing under it)";
	}
	return err;
}

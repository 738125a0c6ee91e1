// SPDX-License-Identifier: GPL-2.0
/*
 * The consistent snapshot: the maps whose families can be copied without
 * sleeping (ops->stoppable) are copied inside one stop_machine(): every
 * other CPU spins with interrupts off, so no BPF program runs between the
 * first map's copy and the last's (except those run from NMIs, which
 * stop_machine() does not hold). Their size is counted first and the
 * dump's room and the key buffers are allocated before the stop; the
 * entries are copied once, straight into that room. The stop is bounded
 * by time as well as by room: smallest maps first, the clock read before
 * each map, every few elements of a walk and between the 64 KiB chunks
 * of a large blob (maplib.c), and once snapshot_budget_us is spent the
 * map being copied is undone and it and the rest are read live after it:
 * the CPUs are held at most the budget and one element or chunk more.
 */
#include <linux/bpf.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stop_machine.h>
#include <linux/timekeeping.h>
#include "capture.h"
#include "kmem.h"

/*
 * Stoppable maps first, in discovery order otherwise: they are the ones
 * the stop copies, and map indices follow the order of capture. One pass
 * through a copy (a scheduler may bring thousands of maps); without
 * memory for it, nothing is stoppable: every map is read live, and an
 * error record says why.
 */
void snapshot_partition(struct capture *c)
{
	struct bpf_map **m = c->maps.maps, **rest;
	u32 i, n = 0, r = 0;

	c->nr_stoppable = 0;
	if (!c->maps.nr)
		return;
	rest = sxd_alloc(kvmalloc_array(c->maps.nr, sizeof(*rest), GFP_KERNEL));
	if (!rest) {
		capture_error(c, -ENOMEM, "no memory to order %u maps: none copied in the stop",
			      c->maps.nr);
		return;
	}
	for (i = 0; i < c->maps.nr; i++) {
		if (mapdrv_stoppable(m[i]))
			m[n++] = m[i];
		else
			rest[r++] = m[i];
	}
	memcpy(m + n, rest, r * sizeof(*rest));
	kvfree(rest);
	c->nr_stoppable = n;
}

struct snapshot_sized_map {
	struct bpf_map *map;
	u64 bytes;		/* its room in the dump */
	u64 cost;		/* and what its walk reads besides */
	u32 order;		/* discovery order, to break ties */
};

static int snapshot_sized_cmp(const void *a, const void *b)
{
	const struct snapshot_sized_map *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Copy the stoppable maps, smallest first, until all are copied or the
 * time budget is spent. The map being copied then is undone: the writer
 * goes back to where that map began (it never reallocates in the stop),
 * and that map and the rest are read live after the stop.
 */
static int snapshot_fn(void *data)
{
	struct capture *c = data;
	u64 t0 = local_clock();
	size_t len0 = c->w.len;
	struct dump_writer mark;
	u32 i;

	c->deadline_ns = t0 + opt_snapshot_budget_us * NSEC_PER_USEC;
	for (i = 0; i < c->nr_stoppable; i++) {
		/*
		 * A walk reads the clock every few elements, and a small map
		 * may end before it does: the clock is read before each map
		 * too, so many small maps cannot run the stop past its budget.
		 */
		if (local_clock() > c->deadline_ns) {
			c->over_budget = true;
			break;
		}
		mark = c->w;
		mapdrv_capture(c, c->maps.maps[i], i);
		if (c->over_budget) {
			c->w = mark;
			break;
		}
	}
	c->nr_copied = i;
	c->copied_bytes = c->w.len - len0;
	c->held_ns = local_clock() - t0;
	return 0;
}

/*
 * Allocate, before the stop, all that the copy inside it will use (the
 * entries go straight into the dump's room), and order the stoppable maps
 * cheapest first (the bytes they take and their walk reads besides), so
 * that a budget too short for every map still holds the most maps at one
 * instant.
 */
static int snapshot_prepare(struct capture *c, u64 *room)
{
	struct snapshot_sized_map *sized;
	bool kmems = false;
	u32 i, key = 1;
	struct bpf_map *map;

	*room = 0;
	sized = sxd_alloc(kvcalloc(c->nr_stoppable, sizeof(*sized), GFP_KERNEL));
	if (!sized)
		return -ENOMEM;
	for (i = 0; i < c->nr_stoppable; i++) {
		map = c->maps.maps[i];
		sized[i].map = map;
		sized[i].order = i;
		sized[i].bytes = mapdrv_estimate(c, map, i, &sized[i].cost);
		sized[i].cost += sized[i].bytes;
		*room = size_add(*room, sized[i].bytes);
		key = max(key, map->key_size);
		kmems |= kmem_map_has_kptr(map);
		cond_resched();
	}
	sort(sized, c->nr_stoppable, sizeof(*sized), snapshot_sized_cmp, NULL);
	for (i = 0; i < c->nr_stoppable; i++) {
		c->maps.maps[i] = sized[i].map;
		capture_btf_index(c, sized[i].map);	/* BTF records now, not in the stop */
	}
	kvfree(sized);
	/* what the maps may gain between the count and the stop */
	*room = size_add(*room, *room / 4 + (256u << 10));
	c->keys = sxd_alloc(kmalloc(2 * sxd_align(key), GFP_KERNEL));
	c->kmems = kmems ? sxd_alloc(kvzalloc(sizeof(*c->kmems), GFP_KERNEL)) : NULL;
	if (!c->keys || (kmems && !c->kmems))
		return -ENOMEM;
	return dump_writer_prealloc(&c->w, *room);
}

static void snapshot_release(struct capture *c)
{
	kfree(c->keys);
	kvfree(c->kmems);
	c->keys = NULL;
	c->kmems = NULL;
}

/*
 * Copy the stoppable maps inside one stop_machine(). Returns how many
 * maps were captured; the caller captures the rest live (the SNAPSHOT
 * record says which happened and why).
 */
u32 snapshot_run(struct capture *c)
{
	struct sxd_snapshot r = { .mode = SXD_SNAP_LIVE };
	struct dump_iov iov = { &r, sizeof(r) };
	u64 room, t0;
	int err;

	r.budget_ns = opt_snapshot_budget_us * NSEC_PER_USEC;
	if (!opt_consistent_snapshot || !c->nr_stoppable)
		goto out;
	err = snapshot_prepare(c, &room);
	r.reserved_bytes = room;
	if (err) {
		r.status = err;
		capture_error(c, err, "no memory for the consistent snapshot (%llu bytes)", room);
		goto out;
	}
	r.nr_cpus = num_online_cpus();
	dump_writer_fix(&c->w, true);
	c->atomic = true;
	t0 = ktime_get_ns();
	err = stop_machine(snapshot_fn, c, NULL);
	r.stop_ns = ktime_get_ns() - t0;
	c->atomic = false;
	dump_writer_fix(&c->w, false);
	if (err) {
		r.status = err;
		capture_error(c, err, "stop_machine failed; maps read live");
		goto out;
	}
	r.mode = SXD_SNAP_STOPPED;
	r.held_ns = c->held_ns;
	r.copied_bytes = c->copied_bytes;
	r.nr_maps = c->nr_copied;
	r.nr_maps_live = c->nr_stoppable - c->nr_copied;
	if (c->over_budget)
		r.snap_flags |= SXD_SNAP_F_BUDGET;
out:
	snapshot_release(c);
	/* in the room capture_run() reserved for it */
	dump_writer_record_reserved(&c->w, SXD_REC_SNAPSHOT, &iov, 1);
	return r.mode == SXD_SNAP_STOPPED ? r.nr_maps : 0;
}

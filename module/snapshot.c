// SPDX-License-Identifier: GPL-2.0
/*
 * The consistent snapshot: the maps whose families can be copied without
 * sleeping (ops->stoppable) are copied inside one stop_machine(): every
 * other CPU spins with interrupts off, so no BPF program runs between the
 * first map's copy and the last's (except those run from NMIs, which
 * stop_machine() does not hold). Before the stop, each map's cost is
 * counted and the stop is planned (snapshot_plan()): a map is either
 * walked in it, its entries written straight into dump room allocated
 * before, or, where its family has its memory in flat parts (a
 * preallocated hash's element area and buckets), copied flat into a
 * buffer allocated before, at memcpy speed, and its entries read from
 * that copy after the stop; the quicker of the two, at rates earlier
 * stops measured. What does not fit the time budget is not started. The
 * stop is still bounded by the clock: read before each map, every few
 * elements of a walk, between the 64 KiB chunks of a large blob
 * (maplib.c) and the 256 KiB chunks of a flat copy; once
 * snapshot_budget_us is spent the map being copied is undone and it and
 * the rest are read live after it: the CPUs are held at most the budget
 * and one element or chunk more. When that happens to a map the plan,
 * at measured rates, said fits (the stop was slowed: a vCPU preempted by
 * its host, another CPU's memory traffic), the whole stop is done again,
 * once, from where the first began (snapshot_redo()): at most two stops,
 * each within the budget, a moment apart.
 *
 * A flat copy reads memory the map owns for its whole life (the capture
 * holds a reference) with every CPU held: nothing frees or moves it, and
 * nothing but an NMI's program writes it meanwhile (a torn element at
 * worst, as a walk would read). The copy is only bytes: its links are
 * translated into offsets of the copy and checked before one is followed
 * (maps/htab_copy.c), never dereferenced.
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

/*
 * Rates the stops measured, kept for the next capture's plan (captures
 * are serialized by capture_lock): picoseconds a byte of a flat copy, and
 * of each map type's walk (per byte of what it costs: its dump room and
 * what it reads besides), from maps of SNAPSHOT_RATE_MIN bytes or more;
 * a smaller map's time is mostly what any map costs (its records, the
 * clock), snapshot_small_ns, the mean of the last stop's small maps but
 * those over 4 times the quickest (the first stop after a load, under
 * TCG, translates the code its first maps run: a millisecond more). 0:
 * not measured yet.
 */
static u64 snapshot_copy_ps;
static u64 snapshot_walk_ps[__MAX_BPF_MAP_TYPE];
static u64 snapshot_small_ns;
#define SNAPSHOT_RATE_MIN	(64u << 10)

/* a copy rate measured before any flat copy: 256 KiB of the first flat map */
#define SNAPSHOT_CALIBRATE	(256u << 10)
#define SNAPSHOT_CALIBRATE_PIECE	(64u << 10)
/* a flat copy checks the stop's clock between chunks */
#define SNAPSHOT_FLAT_CHUNK	(256u << 10)
/* a flat copy's buffer at most: the plan's budget caps it long before */
#define SNAPSHOT_FLAT_MAX	BIT_ULL(30)

struct snapshot_plan {
	struct bpf_map *map;
	u64 bytes;		/* its room in the dump, walked */
	u64 cost;		/* that and what its walk reads besides */
	u64 ns;			/* the hold the plan expects of it */
	u64 took_ns;		/* and the one it took */
	u64 done_bytes;		/* copied (flat) or written (walked) by then */
	u32 order;		/* discovery order, to break ties */
	bool flat;		/* copied flat: flat's copies hold it */
	bool planned;		/* in the stop, by the plan */
	bool measured;		/* its rate is a stop's, not a guess */
	struct map_flat flat_parts;
};

/*
 * The stop's order: small maps first (whatever their rate, they cost
 * little more than any map: they are most of the maps an invariant spans),
 * then the flat copies (the most bytes for the time, at a rate that varies
 * least), then the walks the plan knows the time of, then the untried in
 * what is left; each quickest first.
 */
static u32 snapshot_class(const struct snapshot_plan *q)
{
	if (!q->flat && q->cost < SNAPSHOT_RATE_MIN)
		return 0;
	if (q->flat)
		return 1;
	return q->measured ? 2 : 3;
}

static int snapshot_plan_cmp(const void *a, const void *b)
{
	const struct snapshot_plan *x = a, *y = b;
	u32 cx = snapshot_class(x), cy = snapshot_class(y);

	if (x->planned != y->planned)
		return x->planned ? -1 : 1;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static u64 snapshot_ns(u64 bytes, u64 ps)
{
	return div64_u64(bytes * ps, 1000) + 1;	/* < 2^34 bytes at < 2^20 ps */
}

struct snapshot_calibration {
	const u8 *src;
	void *buf;
	u64 len, best;
};

/* In a stop of its own: each piece's copy, the quickest kept. */
static int snapshot_calibrate_fn(void *data)
{
	struct snapshot_calibration *k = data;
	const u64 piece = SNAPSHOT_CALIBRATE_PIECE;
	u64 t, done;

	for (done = 0; done + piece <= k->len; done += piece) {
		t = local_clock();
		memcpy(k->buf, k->src + done, piece);
		k->best = min(k->best, local_clock() - t);
	}
	return 0;
}

/*
 * The flat copy's rate, from a stop if one measured it, else timed now:
 * copies of up to 256 KiB of the largest flat map's memory, in 64 KiB
 * pieces, into a scratch buffer (bytes only, thrown away: the memory
 * lives as long as the map, which the capture holds), in a stop_machine()
 * of their own, as the copies will run: held there, a piece is not
 * timed across another task's run or, under one-thread TCG, another
 * vCPU's turn (which made timings outside a stop 10 to 80 times too
 * slow). Once per module load, until a stop has measured its flat copy.
 */
static u64 snapshot_copy_rate(struct capture *c, struct snapshot_plan *p, u32 n)
{
	struct snapshot_calibration k = { .best = U64_MAX };
	u64 ps = READ_ONCE(snapshot_copy_ps);
	int err;
	u32 i;

	if (ps)
		return ps;
	/* the largest first part: a small map's is shorter than a piece */
	for (i = 0; i < n; i++) {
		if (p[i].flat_parts.nr && p[i].flat_parts.part[0].len > k.len) {
			k.src = p[i].flat_parts.part[0].src;
			k.len = p[i].flat_parts.part[0].len;
		}
	}
	/* too small to time: a copy that short fits any budget */
	if (k.len < SNAPSHOT_CALIBRATE_PIECE)
		return 1;
	k.len = min_t(u64, k.len, SNAPSHOT_CALIBRATE);
	/* zeroed: its pages touched, as the flat copies' are before the stop */
	k.buf = sxd_alloc(kvzalloc(SNAPSHOT_CALIBRATE_PIECE, GFP_KERNEL | __GFP_NOWARN));
	if (!k.buf) {
		capture_error(c, -ENOMEM, "no memory to time the flat copy (%u bytes): maps walked",
			      SNAPSHOT_CALIBRATE_PIECE);
		return 0;
	}
	err = stop_machine(snapshot_calibrate_fn, &k, NULL);
	kvfree(k.buf);
	if (err) {
		capture_error(c, err, "stop_machine failed timing the flat copy: maps walked");
		return 0;
	}
	if (k.best == U64_MAX)
		return 0;
	ps = max_t(u64, div64_u64(k.best * 1000, SNAPSHOT_CALIBRATE_PIECE), 1);
	WRITE_ONCE(snapshot_copy_ps, ps);
	return ps;
}

/*
 * A measured rate a quarter quicker (snapshot_plan()). One not measured
 * stays 0: a copy rate the plan took as 1 for a map too small to time
 * (snapshot_copy_rate()) is not thereby measured.
 */
static void snapshot_rate_quicker(u64 *rate)
{
	u64 ps = READ_ONCE(*rate);

	if (ps)
		WRITE_ONCE(*rate, max_t(u64, ps - ps / 4, 1));
}

/*
 * The plan: each stoppable map's expected hold, walked (its family's rate
 * measured in an earlier stop) or copied flat (the copy's rate), the
 * quicker of the two; then the maps that fit the budget together, in the
 * stop's order (snapshot_class()). A map that
 * would not fit is not started (it is read live after the stop), so the
 * stop does not copy what it then undoes, unless a rate was wrong: the
 * clock is read as before. A family not measured yet is tried after the
 * others, in the time they leave (the clock decides, and its rate is
 * measured for the next plan). A flat copy's buffer is allocated only
 * for a map planned in: the memory the copies take is what the budget
 * can copy; without it, the map is walked.
 */
static void snapshot_plan(struct capture *c, struct snapshot_plan *p, u32 n)
{
	u64 budget = opt_snapshot_budget_us * NSEC_PER_USEC, sum = 0, copy_ps, walk_ps, flat_ns;
	u64 decayed = 0;	/* the map types whose rate this plan made quicker */
	bool copy_decayed = false;	/* and the flat copy's */
	struct snapshot_plan *q;
	void *buf;
	u32 i, k;

	copy_ps = snapshot_copy_rate(c, p, n);
	c->copy_ps = READ_ONCE(snapshot_copy_ps);	/* 0: none measured */
	for (i = 0; i < n; i++) {
		q = &p[i];
		walk_ps = READ_ONCE(snapshot_walk_ps[q->map->map_type]);
		q->measured = walk_ps;
		/* not measured: ordered as if 4x a copy, and tried */
		q->ns = snapshot_ns(q->cost, walk_ps ?: 4 * max_t(u64, copy_ps, 1));
		if (q->cost < SNAPSHOT_RATE_MIN && READ_ONCE(snapshot_small_ns)) {
			q->measured = true;
			q->ns = READ_ONCE(snapshot_small_ns);
		}
		if (!q->flat_parts.nr || !copy_ps || q->flat_parts.bytes > SNAPSHOT_FLAT_MAX)
			continue;
		flat_ns = snapshot_ns(q->flat_parts.bytes, copy_ps);
		if (flat_ns < q->ns) {
			q->flat = true;
			q->measured = true;
			q->ns = flat_ns;
		}
	}
	sort(p, n, sizeof(*p), snapshot_plan_cmp, NULL);
	for (i = 0; i < n; i++) {
		q = &p[i];
		/* a small map is always tried: one slow stop cannot keep it out */
		if (q->measured && sum + q->ns > budget && snapshot_class(q)) {
			/*
			 * left out at a rate only a stop can measure again: the
			 * type's walk rate, or the flat copy's, a quarter
			 * quicker next time, so that a rate one slow stop
			 * measured does not keep its maps out for good (a map
			 * that truly cannot fit is tried and undone again every
			 * few captures, and measured again)
			 */
			if (q->flat && !copy_decayed) {
				copy_decayed = true;
				snapshot_rate_quicker(&snapshot_copy_ps);
			} else if (!q->flat && !(decayed & BIT_ULL(q->map->map_type % 64))) {
				decayed |= BIT_ULL(q->map->map_type % 64);
				snapshot_rate_quicker(&snapshot_walk_ps[q->map->map_type]);
			}
			continue;
		}
		q->planned = true;
		if (q->measured)
			sum += q->ns;
	}
	c->plan_ns = sum;
	/* the planned ones first, quickest first */
	sort(p, n, sizeof(*p), snapshot_plan_cmp, NULL);
	for (i = 0; i < n; i++) {
		q = &p[i];
		if (!q->flat || !q->planned) {
			q->flat = false;
			continue;
		}
		/* zeroed: no page of it first touched in the stop */
		buf = sxd_alloc(kvzalloc(q->flat_parts.bytes, GFP_KERNEL | __GFP_NOWARN));
		if (!buf) {
			capture_error(c, -ENOMEM,
				      "map %s: no memory for its flat copy (%llu bytes): walked",
				      q->map->name, q->flat_parts.bytes);
			q->flat = false;
			continue;
		}
		for (k = 0; k < q->flat_parts.nr; k++) {
			q->flat_parts.part[k].copy = buf;
			buf += q->flat_parts.part[k].len;
		}
	}
}

/*
 * In the stop: @q's flat parts into their buffers, the clock read between
 * chunks (after the first); past the deadline the copy stops, undone.
 */
static void snapshot_copy_flat(struct capture *c, struct snapshot_plan *q)
{
	u64 done, len;
	u32 k;

	for (k = 0; k < q->flat_parts.nr; k++) {
		for (done = 0; done < q->flat_parts.part[k].len; done += len) {
			if (q->done_bytes && local_clock() > c->deadline_ns) {
				c->over_budget = true;
				return;
			}
			len = min_t(u64, q->flat_parts.part[k].len - done, SNAPSHOT_FLAT_CHUNK);
			memcpy(q->flat_parts.part[k].copy + done, q->flat_parts.part[k].src + done,
			       len);
			q->done_bytes += len;
		}
	}
	c->flat_bytes += q->flat_parts.bytes;
}

/*
 * Copy the planned maps, quickest first, until all are copied or the
 * time budget is spent. The map being copied then is undone: the writer
 * goes back to where that map began (it never reallocates in the stop),
 * and that map and the rest are read live after the stop. A flat map is
 * only copied here; its records are written after the stop.
 */
static int snapshot_fn(void *data)
{
	struct capture *c = data;
	u64 t0 = local_clock(), tm;
	size_t len0 = c->w.len;
	struct dump_writer mark;
	struct snapshot_plan *q;
	u32 i;

	c->deadline_ns = t0 + opt_snapshot_budget_us * NSEC_PER_USEC;
	for (i = 0; i < c->nr_planned; i++) {
		/*
		 * A walk reads the clock every few elements, and a small map
		 * may end before it does: the clock is read before each map
		 * too, so many small maps cannot run the stop past its budget.
		 */
		tm = local_clock();
		if (tm > c->deadline_ns) {
			c->over_budget = true;
			break;
		}
		q = &c->plan[i];
		if (q->flat) {
			snapshot_copy_flat(c, q);
		} else {
			mark = c->w;
			mapdrv_capture(c, c->maps.maps[i], i);
			q->done_bytes = c->w.len - mark.len;
			if (c->over_budget)
				c->w = mark;
		}
		q->took_ns = local_clock() - tm;	/* undone: at least that */
		if (c->over_budget) {
			c->undone = true;
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
 * entries go straight into the dump's room, the flat copies into their
 * buffers), and order the stoppable maps as planned (snapshot_plan()).
 */
static int snapshot_prepare(struct capture *c, u64 *room)
{
	struct snapshot_plan *p;
	bool kmems = false, tasks = false;
	u32 i, key = 1;
	struct bpf_map *map;
	int err;

	*room = 0;
	p = sxd_alloc(kvcalloc(c->nr_stoppable, sizeof(*p), GFP_KERNEL));
	if (!p)
		return -ENOMEM;
	c->plan = p;
	for (i = 0; i < c->nr_stoppable; i++) {
		map = c->maps.maps[i];
		p[i].map = map;
		p[i].order = i;
		p[i].bytes = mapdrv_estimate(c, map, i, &p[i].cost);
		p[i].cost += p[i].bytes;
		mapdrv_flat_parts(map, i, &p[i].flat_parts);
		cond_resched();
	}
	snapshot_plan(c, p, c->nr_stoppable);
	for (i = 0; i < c->nr_stoppable; i++) {
		map = p[i].map;
		c->maps.maps[i] = map;
		if (p[i].planned)
			c->nr_planned = i + 1;
		else
			c->nr_unplanned++;
		if (p[i].flat)
			continue;	/* written after the stop */
		capture_btf_index(c, map);	/* BTF records now, not in the stop */
		if (!p[i].planned)
			continue;
		*room = size_add(*room, p[i].bytes);
		key = max(key, map->key_size);
		kmems |= kmem_map_has_kptr(map);
		tasks |= map->map_type == BPF_MAP_TYPE_TASK_STORAGE;
	}
	/* what the maps may gain between the count and the stop */
	*room = size_add(*room, *room / 4 + (256u << 10));
	c->keys = sxd_alloc(kmalloc(2 * sxd_align(key), GFP_KERNEL));
	c->kmems = kmems ? sxd_alloc(kvzalloc(sizeof(*c->kmems), GFP_KERNEL)) : NULL;
	if (!c->keys || (kmems && !c->kmems))
		return -ENOMEM;
	err = dump_writer_prealloc(&c->w, *room);
	/*
	 * The owners of the task storages walked in the stop are named from
	 * identities taken last, right before it: the prealloc zeroes the
	 * dump's room, hundreds of ms for a large one under TCG, and an
	 * identity may lag by as long as the table is old.
	 */
	if (!err && tasks)
		c->task_ids = task_ids_build(c);
	return err;
}

/*
 * The rates this stop measured, for the next plan: of each map it
 * copied, and of the one it undid, from the part it did (or, if it wrote
 * nothing yet, twice the time it took): next time it is not started
 * unless it fits; and the small maps' time.
 */
static void snapshot_learn(struct capture *c)
{
	u64 ps, ns, total, *rate, small_ns = 0, small_min = U64_MAX;
	u32 i, end = c->nr_copied + c->undone, nr_small = 0;
	struct snapshot_plan *q;

	/* the small maps' quickest: their mean is of those within 4 times it */
	for (i = 0; i < c->nr_copied; i++) {
		q = &c->plan[i];
		if (!q->flat && q->cost < SNAPSHOT_RATE_MIN)
			small_min = min(small_min, q->took_ns);
	}
	for (i = 0; i < end; i++) {
		q = &c->plan[i];
		total = q->flat ? q->flat_parts.bytes : q->bytes;
		if (i < c->nr_copied && !q->flat && q->cost < SNAPSHOT_RATE_MIN) {
			if (q->took_ns <= 4 * small_min) {
				small_ns += q->took_ns;
				nr_small++;
			}
			continue;
		}
		if (q->flat && q->flat_parts.bytes >= SNAPSHOT_FLAT_CHUNK)
			rate = &snapshot_copy_ps;
		else if (!q->flat && q->cost >= SNAPSHOT_RATE_MIN)
			rate = &snapshot_walk_ps[q->map->map_type];
		else
			continue;
		ns = q->took_ns;
		/* undone: the whole at the rate of the part done, twice what it took if none */
		if (i == c->nr_copied)
			ns = q->done_bytes && q->done_bytes < total ?
			     div64_u64(ns * total, q->done_bytes) : 2 * ns;
		ps = div64_u64(ns * 1000, q->flat ? q->flat_parts.bytes : q->cost);
		ps = max_t(u64, ps, 1);
		if (i < c->nr_copied || ps > READ_ONCE(*rate))
			WRITE_ONCE(*rate, ps);
	}
	if (nr_small)
		WRITE_ONCE(snapshot_small_ns, max_t(u64, div_u64(small_ns, nr_small), 1));
}

/* After the stop: the flat maps' records, from their copies, then the buffers freed. */
static void snapshot_flat_write(struct capture *c)
{
	struct snapshot_plan *q;
	u32 i;

	for (i = 0; i < c->nr_copied; i++) {
		q = &c->plan[i];
		if (!q->flat)
			continue;
		if (i >= c->nr_maps_reserved)
			capture_reserve_maps(c);
		q->flat_parts.took_ns = q->took_ns;
		if (mapdrv_capture_flat(c, q->map, i, &q->flat_parts))
			c->nr_flat++;
		else
			c->nr_flat_unread++;
		cond_resched();
	}
}

static void snapshot_release(struct capture *c)
{
	u32 i;

	for (i = 0; c->plan && i < c->nr_stoppable; i++) {
		if (c->plan[i].flat)
			kvfree(c->plan[i].flat_parts.part[0].copy);
	}
	kfree(c->keys);
	kvfree(c->kmems);
	task_ids_free(c->task_ids);
	c->keys = NULL;
	c->kmems = NULL;
	c->task_ids = NULL;
}

/*
 * A stoppable map read live after the stop (the plan left it out, or the
 * clock undid it, or it came after): its walk took @ns and wrote
 * @written bytes. A walk cut short (max_map_bytes, a full dump) or a map
 * that shrank wrote less than half of what the plan counted: its time is
 * not the whole walk's, and teaches nothing. Otherwise it is whole, with the
 * code it runs translated and its memory touched. That is a better
 * measure of its type's rate than a part done in the stop, extrapolated:
 * in the first stop after a load the part includes what running the walk
 * first costs (under TCG the debug kernel's storage walk did there 1 in
 * 8 of what it does whole at that speed, and the plan then kept it out
 * of a 100 ms stop it takes 15 ms of). The type's rate becomes the
 * quicker of the two; one read slower live than in a stop (preempted,
 * other CPUs competing) changes nothing.
 */
void snapshot_learn_live(struct capture *c, u32 index, u64 ns, u64 written)
{
	struct snapshot_plan *q;
	u64 ps, *rate;

	if (!c->plan || index >= c->nr_stoppable)
		return;
	q = &c->plan[index];
	if (q->map != c->maps.maps[index] || q->cost < SNAPSHOT_RATE_MIN ||
	    written < q->bytes / 2)
		return;
	rate = &snapshot_walk_ps[q->map->map_type];
	ps = max_t(u64, div64_u64(ns * 1000, q->cost), 1);
	if (!READ_ONCE(*rate) || ps < READ_ONCE(*rate))
		WRITE_ONCE(*rate, ps);
}

/* After the maps read live: the plan, which snapshot_learn_live() reads. */
void snapshot_done(struct capture *c)
{
	kvfree(c->plan);
	c->plan = NULL;
}

/* One stop_machine() of snapshot_fn(); its wall time in @stop_ns. */
static int snapshot_stop(struct capture *c, u64 *stop_ns)
{
	u64 t0;
	int err;

	c->atomic = true;
	t0 = ktime_get_ns();
	err = stop_machine(snapshot_fn, c, NULL);
	*stop_ns = ktime_get_ns() - t0;
	c->atomic = false;
	return err;
}

/*
 * Whether the stop that ran out of its budget is done again: only when
 * the plan expected its measured maps to fit (plan_ns) and the map the
 * clock stopped at is one of them. A map the plan only tried (its
 * family's rate not measured yet) is expected to be undone sometimes;
 * trying it twice would teach nothing more.
 */
static bool snapshot_redo(const struct capture *c)
{
	u64 budget = opt_snapshot_budget_us * NSEC_PER_USEC;

	return c->over_budget && c->plan_ns <= budget && c->nr_copied < c->nr_planned &&
	       c->plan[c->nr_copied].measured;
}

/*
 * Back to before the first stop: the writer where it began (the stop only
 * writes into room allocated before, so nothing is freed or moved), the
 * errors it wrote with it, and what the stop counted: all of it, though
 * snapshot_fn() sets some again, since the second stop_machine() may
 * fail before it runs (the maps are then read live, from a clean state).
 * The flat copies are written over.
 */
static void snapshot_reset(struct capture *c, const struct dump_writer *w0, u32 nr_errors,
			   u32 nr_errors_reserved)
{
	u32 i;

	c->w = *w0;
	c->nr_errors = nr_errors;
	c->nr_errors_reserved = nr_errors_reserved;
	c->over_budget = false;
	c->undone = false;
	c->nr_copied = 0;
	c->copied_bytes = 0;
	c->held_ns = 0;
	c->flat_bytes = 0;
	for (i = 0; i < c->nr_planned; i++) {
		c->plan[i].took_ns = 0;
		c->plan[i].done_bytes = 0;
	}
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
	u32 nr_errors, nr_errors_reserved;
	struct dump_writer w0;
	u64 room;
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
	w0 = c->w;
	nr_errors = c->nr_errors;
	nr_errors_reserved = c->nr_errors_reserved;
	err = snapshot_stop(c, &r.stop_ns);
	if (!err && snapshot_redo(c)) {
		/* what the slowed stop measured is not learnt: the second's is */
		r.snap_flags |= SXD_SNAP_F_REDONE;
		r.first_held_ns = c->held_ns;
		snapshot_reset(c, &w0, nr_errors, nr_errors_reserved);
		cond_resched();
		err = snapshot_stop(c, &r.stop_ns);
	}
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
	snapshot_learn(c);
	snapshot_flat_write(c);
	/* a flat copy walked after the stop instead (no memory to read it) is not in it */
	r.nr_maps -= c->nr_flat_unread;
	r.nr_maps_live += c->nr_flat_unread;
	r.flat_bytes = c->flat_bytes;
	r.nr_maps_flat = c->nr_flat;
out:
	r.plan_ns = c->plan_ns;
	r.nr_maps_unplanned = c->nr_unplanned;
	r.copy_ps_per_byte = c->copy_ps;
	snapshot_release(c);
	/* in the room capture_run() reserved for it */
	dump_writer_record_reserved(&c->w, SXD_REC_SNAPSHOT, &iov, 1);
	/* where the maps read live begin: a flat copy walked instead is before it */
	return r.mode == SXD_SNAP_STOPPED ? c->nr_copied : 0;
}

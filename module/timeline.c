// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder: with timeline_interval_ms set, the root scheduler
 * is sampled every interval into a ring in module memory, and every dump
 * of that scheduler load carries the ring (an SXD_REC_TIMELINE record,
 * include/scxdump_format.h), so that a failure comes with the seconds
 * before it, not only its end.
 *
 * A sample: sched_ext's event counters (summed over the CPUs, as the
 * dump's own), per CPU its rq's nr_running, scx.nr_running and local DSQ
 * depth, the depths of the global DSQs and the scheduler's own
 * (core_depths()), and the values of the array maps named in
 * timeline_maps, up to timeline_map_bytes each.
 *
 * Bounded: the ring is allocated at load (timeline_samples slots of one
 * size, all of it under TIMELINE_MAX_RING_BYTES, or the load fails and
 * says why), a sample reads O(CPUs + timeline_max_dsqs) words and at most
 * timeline_map_bytes per map, its DSQ walk is cut at core_budget_us.
 *
 * Where it runs: a kthread worker of its own at a SCHED_FIFO priority,
 * like the stall watch (stall.c): a stalling scheduler schedules only the
 * classes below RT and cannot stop its own recording. It never waits on
 * sched_ext: the root is pinned by a reference (7.x) or by a mutex that
 * is tried, not waited for (6.12; trigger_root_get()). On 6.12 the
 * disable work takes that mutex only after its bypass
 * (scx_ops_disable_workfn()), so a sample holding it delays no task that
 * the failed scheduler holds, and it is held for one sample. It stops sampling
 * a scheduler once its exit kind is set, so that the ring ends with the
 * state before the failure, not the bypass after it.
 *
 * Why each read is safe: the scheduler is pinned (above); its per-CPU
 * state and DSQs as core_depths() argues; a map's values are copied from
 * a map held by a reference (discover_map_get_by_id()), which keeps its
 * memory; the copy may interleave with the scheduler's own writes (a
 * value may be torn between two of them, as any reader of a live map
 * sees).
 *
 * A new load (the kernel's scx_enable_seq) empties the ring and finds the
 * named maps again, by name among the scheduler's maps; afterwards a
 * sample reads each by its id, so a map freed since is noted, not read.
 *
 * Locking: timeline_lock guards the ring. The worker finds the maps and
 * fills a sample outside it, then copies the sample in under it; a
 * capture writes the ring into its dump under it (timeline_write(),
 * capture_lock held). The worker never takes capture_lock, nor holds the
 * root while it takes timeline_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "capture.h"

#define TIMELINE_MAX_RING_BYTES	(64u << 20)
/* with no scheduler running: how often to look again */
#define TIMELINE_IDLE_MS	250

static DEFINE_MUTEX(timeline_lock);
static struct kthread_worker *tl_worker;
static struct kthread_delayed_work tl_work;

static struct {
	/* set at load */
	u32 nr_maps, map_bytes, max_dsqs, nr_events, nr_cpus;
	u32 sample_size, nr_slots;
	u32 flags;			/* SXD_TL_* */
	char want[TIMELINE_MAX_MAPS][16];	/* timeline_maps, split */
	/* the worker's own */
	u8 *stage;			/* the sample being taken */
	long wseq;			/* the load it samples; -1: none yet */
	struct sxd_tl_map wmaps[TIMELINE_MAX_MAPS];	/* that load's maps */
	/* written by the worker under timeline_lock, read under it */
	u8 *ring;			/* nr_slots samples */
	long enable_seq;		/* the load the ring holds; -1: none */
	u64 nr_taken;			/* samples of that load */
	struct sxd_tl_map maps[TIMELINE_MAX_MAPS];
} tl = { .enable_seq = -1, .wseq = -1 };

/* The parts of the sample at @p. */
static s64 *tl_events(u8 *p)
{
	return (s64 *)(p + sizeof(struct sxd_tl_sample));
}

static struct sxd_tl_cpu *tl_cpus(u8 *p)
{
	return (struct sxd_tl_cpu *)(tl_events(p) + tl.nr_events);
}

static struct sxd_tl_dsq *tl_dsqs(u8 *p)
{
	return (struct sxd_tl_dsq *)(tl_cpus(p) + tl.nr_cpus);
}

static struct sxd_tl_map_val *tl_map_val(u8 *p, u32 i)
{
	size_t each = sizeof(struct sxd_tl_map_val) + tl.map_bytes;

	return (struct sxd_tl_map_val *)((u8 *)(tl_dsqs(p) + tl.max_dsqs) + i * each);
}

/* Whether a map named @name is the one asked for as @want. */
static bool tl_name_matches(const char *name, const char *want)
{
	size_t n = strnlen(name, BPF_OBJ_NAME_LEN), w = strlen(want);

	if (want[0] == '.')	/* ".bss": the end of "<object>.bss" */
		return n >= w && !strcmp(name + n - w, want);
	return !strncmp(name, want, BPF_OBJ_NAME_LEN);
}

/*
 * A new load: find each named map among @sch's maps, into the worker's
 * own tl.wmaps (discover_maps() takes references and may sleep; the
 * worker holds no lock of ours then).
 */
static void tl_resolve_maps(struct scx_sched *sch)
{
	struct sxd_tl_map old[TIMELINE_MAX_MAPS];
	struct sched_maps m = { };
	struct bpf_map *map;
	u32 i, j;
	int err;

	memcpy(old, tl.wmaps, sizeof(old));
	for (i = 0; i < tl.nr_maps; i++) {
		struct sxd_tl_map *t = &tl.wmaps[i];

		memset(t, 0, sizeof(*t));
		memcpy(t->want, tl.want[i], sizeof(t->want));
		t->status = SXD_TL_MAP_NOT_FOUND;
	}
	if (!tl.nr_maps)
		return;
	err = discover_maps(sch, &m);
	if (err)
		pr_err("timeline: cannot find the scheduler's maps (%d)\n", err);
	for (i = 0; i < tl.nr_maps; i++) {
		struct sxd_tl_map *t = &tl.wmaps[i];

		for (j = 0; j < m.nr; j++) {
			map = m.maps[j];
			if (!tl_name_matches(map->name, t->want))
				continue;
			strscpy(t->name, map->name, sizeof(t->name));
			t->id = map->id;
			t->type = map->map_type;
			t->value_size = map->value_size;
			t->elem_size = round_up(map->value_size, 8);
			t->max_entries = map->max_entries;
			if (map->map_type != BPF_MAP_TYPE_ARRAY)
				t->status = SXD_TL_MAP_UNSUPPORTED;
			else if (t->elem_size > tl.map_bytes)
				t->status = SXD_TL_MAP_TOO_BIG;
			else
				t->status = SXD_TL_MAP_OK;
			break;
		}
		/* said once, not again at each load of the same scheduler */
		if (t->status == old[i].status && !strcmp(t->name, old[i].name))
			continue;
		if (t->status == SXD_TL_MAP_NOT_FOUND)
			pr_info("timeline: no map named %s: not sampled\n", t->want);
		else if (t->status == SXD_TL_MAP_TOO_BIG)
			pr_info("timeline: %s: a value is larger than timeline_map_bytes: not sampled\n",
				t->name);
		else if (t->status == SXD_TL_MAP_UNSUPPORTED)
			pr_info("timeline: %s is not an array (type %u): not sampled\n",
				t->name, t->type);
	}
	sched_maps_release(&m);
}

/* One named map's values into its part of the sample. */
static void tl_sample_map(const struct sxd_tl_map *t, struct sxd_tl_map_val *v)
{
	struct bpf_array *array;
	struct bpf_map *map;
	u32 n;

	v->status = t->status;
	v->len = 0;
	if (t->status != SXD_TL_MAP_OK)
		return;
	map = discover_map_get_by_id(t->id);
	/* ids are cyclic: one reused since is not the map found at the load */
	if (!map || map->map_type != BPF_MAP_TYPE_ARRAY || map->value_size != t->value_size) {
		v->status = SXD_TL_MAP_GONE;
		if (map)
			bpf_map_put(map);
		return;
	}
	array = container_of(map, struct bpf_array, map);
	/* whole values only: as many as timeline_map_bytes holds */
	n = min_t(u32, map->max_entries, tl.map_bytes / array->elem_size);
	memcpy(v + 1, array->value, (size_t)n * array->elem_size);
	v->len = n * array->elem_size;
	bpf_map_put(map);
}

/* Take one sample of @sch into tl.stage. */
static void tl_sample(struct scx_sched *sch, u64 seq)
{
	struct sxd_tl_sample *s = (struct sxd_tl_sample *)tl.stage;
	u64 t0 = local_clock();
	u32 i;

	memset(tl.stage, 0, tl.sample_size);
	s->seq = seq;
	s->boottime_ns = ktime_get_boottime_ns();
	if (tl.nr_events && !scxsched_read_events(sch, tl_events(tl.stage)))
		memset(tl_events(tl.stage), 0, tl.nr_events * sizeof(s64));
	core_depths(sch, s, tl_cpus(tl.stage), tl_dsqs(tl.stage), tl.max_dsqs);
	for (i = 0; i < tl.nr_maps; i++)
		tl_sample_map(&tl.wmaps[i], tl_map_val(tl.stage, i));
	s->duration_ns = local_clock() - t0;
}

/*
 * One tick: a sample of the running root, if any. The next tick is due
 * one interval after this one began, not after it ended, so that a slow
 * sample (a debug kernel, a busy host) does not stretch the interval; at
 * least a jiffy later all the same, so that samples slower than the
 * interval never keep this real-time thread on its CPU.
 */
static void tl_workfn(struct kthread_work *work)
{
	unsigned long period_ms = TIMELINE_IDLE_MS, start = jiffies, delay, spent;
	struct scx_sched *sch;
	bool new_load;
	long load;
	u64 seq;

	sch = trigger_root_get();
	if (!sch)
		goto again;
	period_ms = opt_timeline_interval_ms;
	/* a failing scheduler: the ring keeps what came before */
	if (scxsched_exit_kind(sch) > 0) {
		trigger_root_put(sch);
		goto again;
	}
	load = trigger_load_seq();
	new_load = load != tl.wseq;
	if (new_load) {
		tl.wseq = load;
		tl_resolve_maps(sch);
	}
	/* only this worker writes nr_taken: no lock to read it */
	seq = new_load ? 0 : tl.nr_taken;
	tl_sample(sch, seq);
	trigger_root_put(sch);
	mutex_lock(&timeline_lock);
	if (new_load) {
		tl.enable_seq = load;
		tl.nr_taken = 0;
		memcpy(tl.maps, tl.wmaps, sizeof(tl.maps));
	}
	memcpy(tl.ring + (size_t)(seq % tl.nr_slots) * tl.sample_size, tl.stage, tl.sample_size);
	tl.nr_taken = seq + 1;
	mutex_unlock(&timeline_lock);
again:
	delay = msecs_to_jiffies(period_ms);
	spent = jiffies - start;
	delay = spent < delay ? delay - spent : 1;
	kthread_queue_delayed_work(tl_worker, &tl_work, delay);
}

/*
 * The ring into capture @c's dump (capture_lock held), when it holds
 * samples of the load being captured: oldest first.
 */
void timeline_write(struct capture *c)
{
	struct sxd_timeline r = { };
	struct sxd_tl_event *ev = NULL;
	struct dump_iov iov[5];
	size_t first, older, newer;
	u32 i;
	int err;

	/* a hint: whether to allocate ev; the ring is checked under the lock */
	if (!READ_ONCE(tl.ring))
		return;
	if (tl.nr_events) {
		ev = sxd_alloc(kcalloc(tl.nr_events, sizeof(*ev), GFP_KERNEL));
		if (!ev) {
			capture_error(c, -ENOMEM, "the timeline left out: out of memory");
			return;
		}
		for (i = 0; i < tl.nr_events; i++)
			strscpy(ev[i].name, klayout.events[i].name, sizeof(ev[i].name));
	}
	mutex_lock(&timeline_lock);
	if (!tl.ring) {		/* freed since (timeline_exit()) */
		mutex_unlock(&timeline_lock);
		kfree(ev);
		return;
	}
	if (!tl.nr_taken || tl.enable_seq != trigger_load_seq()) {
		mutex_unlock(&timeline_lock);
		kfree(ev);
		capture_error(c, -ENODATA,
			      "the timeline has no sample of this scheduler yet (timeline_interval_ms %lu)",
			      opt_timeline_interval_ms);
		return;
	}
	r.interval_ms = opt_timeline_interval_ms;
	r.nr_samples = min_t(u64, tl.nr_taken, tl.nr_slots);
	r.enable_seq = tl.enable_seq;
	r.nr_taken = tl.nr_taken;
	r.nr_events = tl.nr_events;
	r.nr_cpus = tl.nr_cpus;
	r.max_dsqs = tl.max_dsqs;
	r.nr_maps = tl.nr_maps;
	r.map_bytes = tl.map_bytes;
	r.sample_size = tl.sample_size;
	r.flags = tl.flags;
	/* the oldest kept is slot nr_taken % nr_slots once the ring wrapped */
	first = tl.nr_taken > tl.nr_slots ? tl.nr_taken % tl.nr_slots : 0;
	older = (size_t)min_t(u64, r.nr_samples, tl.nr_slots - first) * tl.sample_size;
	newer = (size_t)r.nr_samples * tl.sample_size - older;
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ ev, (size_t)tl.nr_events * sizeof(*ev) };
	iov[2] = (struct dump_iov){ tl.maps, (size_t)tl.nr_maps * sizeof(tl.maps[0]) };
	iov[3] = (struct dump_iov){ tl.ring + first * tl.sample_size, older };
	iov[4] = (struct dump_iov){ tl.ring, newer };
	err = dump_writer_record(&c->w, SXD_REC_TIMELINE, iov, ARRAY_SIZE(iov));
	if (err)
		capture_error(c, err, "the timeline (%u samples, %zu bytes) left out: %s",
			      r.nr_samples, older + newer, capture_why(err));
	mutex_unlock(&timeline_lock);
	kfree(ev);
}

/* The status file's lines. */
void timeline_status(struct seq_file *m)
{
	bool ring;
	u64 taken;

	mutex_lock(&timeline_lock);
	ring = tl.ring;
	taken = tl.nr_taken;
	mutex_unlock(&timeline_lock);
	seq_printf(m, "timeline_interval_ms: %lu%s\n", opt_timeline_interval_ms,
		   ring || !opt_timeline_interval_ms ? "" : " (not on this kernel)");
	if (ring)
		seq_printf(m, "timeline_samples: %llu taken, %u kept, %u bytes each\n", taken,
			   (u32)min_t(u64, taken, tl.nr_slots), tl.sample_size);
}

/* The names of timeline_maps, split into tl.maps[].want. */
static void tl_parse_maps(void)
{
	const char *p = opt_timeline_maps;
	size_t n;

	while (*p && tl.nr_maps < TIMELINE_MAX_MAPS) {
		n = strcspn(p, ",");
		memcpy(tl.want[tl.nr_maps], p, min_t(size_t, n, 15));
		tl.nr_maps++;
		p += n;
		if (*p == ',')
			p++;
	}
}

int timeline_init(void)
{
	size_t size, ring;

	if (!opt_timeline_interval_ms)
		return 0;
	if (!ksyms.scx_enable_seq) {
		klayout_note_absent("timeline", "no scx_enable_seq in kallsyms");
		return 0;
	}
	tl_parse_maps();
	tl.map_bytes = round_up(opt_timeline_map_bytes, 8);
	tl.max_dsqs = opt_timeline_max_dsqs;
	tl.nr_events = klayout.ok_events ? klayout.nr_events : 0;
	if (!tl.nr_events)
		tl.flags |= SXD_TL_NO_EVENTS;
	tl.nr_cpus = nr_cpu_ids;
	tl.nr_slots = opt_timeline_samples;
	size = sizeof(struct sxd_tl_sample) + (size_t)tl.nr_events * sizeof(s64) +
	       (size_t)tl.nr_cpus * sizeof(struct sxd_tl_cpu) +
	       (size_t)tl.max_dsqs * sizeof(struct sxd_tl_dsq) +
	       (size_t)tl.nr_maps * (sizeof(struct sxd_tl_map_val) + tl.map_bytes);
	ring = size * tl.nr_slots;
	if (ring > TIMELINE_MAX_RING_BYTES) {
		pr_err("timeline: %u samples of %zu bytes (%u CPUs, timeline_max_dsqs %u, %u maps of timeline_map_bytes %u) need %zu bytes, more than %u: lower timeline_samples or timeline_map_bytes\n",
		       tl.nr_slots, size, tl.nr_cpus, tl.max_dsqs, tl.nr_maps, tl.map_bytes, ring,
		       TIMELINE_MAX_RING_BYTES);
		return -E2BIG;
	}
	tl.sample_size = size;
	tl.ring = sxd_alloc(kvzalloc(ring, GFP_KERNEL));
	tl.stage = sxd_alloc(kvzalloc(size, GFP_KERNEL));
	if (!tl.ring || !tl.stage) {
		pr_err("timeline: no memory for its ring (%zu bytes)\n", ring);
		goto err;
	}
	tl_worker = worker_create_fifo("scxdump_timeline");
	if (IS_ERR(tl_worker)) {
		tl_worker = NULL;
		goto err;
	}
	kthread_init_delayed_work(&tl_work, tl_workfn);
	kthread_queue_delayed_work(tl_worker, &tl_work, 0);
	pr_info("timeline: every %lu ms, %u samples of %zu bytes\n",
		opt_timeline_interval_ms, tl.nr_slots, size);
	return 0;
err:
	kvfree(tl.ring);
	kvfree(tl.stage);
	tl.ring = NULL;
	tl.stage = NULL;
	return -ENOMEM;
}

/*
 * After stall_exit() (main.c): no capture runs any more, but the ring is
 * taken away under timeline_lock all the same, and timeline_write() and
 * timeline_status() look for it under that lock: a reader that got the
 * lock first finishes its copy before the ring is freed, one that gets it
 * after finds none. tl.stage is the worker's own, gone with it.
 */
void timeline_exit(void)
{
	u8 *ring;

	if (tl_worker) {
		kthread_cancel_delayed_work_sync(&tl_work);
		kthread_destroy_worker(tl_worker);
		tl_worker = NULL;
	}
	mutex_lock(&timeline_lock);
	ring = tl.ring;
	tl.ring = NULL;
	mutex_unlock(&timeline_lock);
	kvfree(ring);
	kvfree(tl.stage);
	tl.stage = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * One capture: the records of a dump in the order the decoder
 * wants them (docs/format.md): CAPTURE, SCHED, every BTF object once, then
 * per map MAP, its ENTRIES blocks and MAP_END, and END; then the finished
 * dump is published (dumps.c). Runs sleepable, at the point hook.c
 * explains, or from a write of "control". Captures are serialised by
 * capture_lock: sequence numbers are handed out and dumps published
 * in one order, whoever asks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include "capture.h"

/* One capture at a time: dumps get their sequence and are published in order. */
DEFINE_MUTEX(capture_lock);
static u32 capture_seq;

void capture_error(struct capture *c, int err, const char *fmt, ...)
{
	struct sxd_error e = { .err = err };
	char msg[CAPTURE_REASON_MAX];
	struct dump_iov iov[2];
	va_list ap;

	va_start(ap, fmt);
	e.msg_len = vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s (%d)\n", msg, err);
	iov[0] = (struct dump_iov){ &e, sizeof(e) };
	iov[1] = (struct dump_iov){ msg, e.msg_len };
	/* the first ones in the reserve; END counts every one */
	if (!c->nr_errors_reserved)
		dump_writer_record(&c->w, SXD_REC_ERROR, iov, 2);
	else if (!dump_writer_record_reserved(&c->w, SXD_REC_ERROR, iov, 2))
		c->nr_errors_reserved--;
	c->nr_errors++;
}

/*
 * Why a record was left out, from what the dump writer returned: its
 * buffer could not grow (-ENOMEM), or the dump is at max_dump_bytes.
 */
const char *capture_why(int err)
{
	return err == -ENOMEM ? "out of memory" : err == -ENOSPC ? "no room" : "not written";
}

/*
 * Room for what every capture writes whatever its maps: the SNAPSHOT
 * record and the first error records. Asked for first, it always fits
 * (max_dump_bytes is 64 KiB at least).
 */
static void capture_reserve_fixed(struct capture *c)
{
	size_t room = sxd_align(sizeof(struct sxd_snapshot)) +
		      CAPTURE_RESERVED_ERRORS * CAPTURE_ERROR_ROOM;

	if (dump_writer_reserve(&c->w, room)) {
		capture_error(c, -ENOSPC,
			      "no room to reserve %zu bytes for the snapshot and error records (max_dump_bytes %lu)",
			      room, opt_max_dump_bytes);
		return;
	}
	c->nr_errors_reserved = CAPTURE_RESERVED_ERRORS;
}

/**
 * capture_reserve_maps() - room for the MAP and MAP_END records of the maps listed
 * @c: the capture
 *
 * Called before the first entry is written, and again as map-in-maps
 * add their inner maps: the maps' entries may fill the dump, never the
 * room of the records that say which maps it holds and what each lacks
 * (MAP_END's nr_omitted). Once the room is short, the maps that did not
 * get it (and every later one) are counted in an error record
 * (capture_maps()); their records take what room is left, or are left out
 * and counted in END.
 */
void capture_reserve_maps(struct capture *c)
{
	size_t room = c->w.limit - min(c->w.limit, c->w.len + c->w.reserve);
	u32 want = c->maps.nr - c->nr_maps_reserved, fit;

	if (!want || c->maps_unreserved)
		return;
	fit = min_t(size_t, want, room / CAPTURE_MAP_ROOM);
	if (fit && !dump_writer_reserve(&c->w, (size_t)fit * CAPTURE_MAP_ROOM))
		c->nr_maps_reserved += fit;
	if (c->nr_maps_reserved < c->maps.nr)
		c->maps_unreserved = true;
}

static int capture_write_header(struct capture *c, u32 trigger)
{
	struct sxd_capture r = {
		.realtime_ns = ktime_get_real_ns(),
		.boottime_ns = ktime_get_boottime_ns(),
		.trigger = trigger,
		.nr_cpu_slots = nr_cpu_ids,
		.nr_possible_cpus = num_possible_cpus(),
		.nr_online_cpus = num_online_cpus(),
		.page_size = PAGE_SIZE,
		.capture_seq = c->seq,
	};
	struct dump_iov iov = { &r, sizeof(r) };
	size_t size;

	strscpy(r.kernel_release, utsname()->release, sizeof(r.kernel_release));
	strscpy(r.machine, utsname()->machine, sizeof(r.machine));
	strscpy(r.module_version, SCXDUMP_VERSION, sizeof(r.module_version));
	r.kernel_btf_size = klayout_kernel_btf(&size, &r.kernel_btf_crc32) ? size : 0;
	return dump_writer_record(&c->w, SXD_REC_CAPTURE, &iov, 1);
}

/* What this kernel cannot give the dump, found at load (layout.c). */
static void capture_write_absent(struct capture *c)
{
	const struct klayout_absent *a;
	struct sxd_absent r = { };
	struct dump_iov iov[3];
	u32 i, n = klayout_nr_absent();	/* entries below n are whole */
	int err;

	for (i = 0; i < n; i++) {
		a = &klayout.absent[i];
		r.feature_len = strlen(a->feature);
		r.reason_len = strlen(a->reason);
		iov[0] = (struct dump_iov){ &r, sizeof(r) };
		iov[1] = (struct dump_iov){ a->feature, r.feature_len };
		iov[2] = (struct dump_iov){ a->reason, r.reason_len };
		err = dump_writer_record(&c->w, SXD_REC_ABSENT, iov, 3);
		if (err)
			capture_error(c, err, "what the kernel lacks left out: %s",
				      capture_why(err));
	}
}

/* The dump-local index of @map's BTF, embedding it on first use. */
u32 capture_btf_index(struct capture *c, struct bpf_map *map)
{
	struct btf *btf = map->btf;
	struct sxd_btf r = { .kind = SXD_BTF_PROG };
	struct dump_iov iov[2];
	struct btf **btfs;
	void *data;
	u32 i;
	int err;

	if (!btf)
		return SXD_NO_INDEX;
	for (i = 0; i < c->nr_btfs; i++) {
		if (c->btfs[i] == btf)
			return i;
	}
	for (i = 0; i < c->nr_btfs_out; i++) {
		if (c->btfs_out[i] == btf)
			return SXD_NO_INDEX;	/* left out once, said once */
	}
	if (c->atomic)
		return SXD_NO_INDEX;	/* embedding allocates: failed before the stop */
	data = *(void **)((u8 *)btf + klayout.btf_data);
	r.size = *(u32 *)((u8 *)btf + klayout.btf_data_size);
	r.kernel_id = *(u32 *)((u8 *)btf + klayout.btf_id);
	r.btf_index = c->nr_btfs;
	if (!data || !r.size)
		return SXD_NO_INDEX;
	btfs = sxd_alloc(krealloc_array(c->btfs, c->nr_btfs + 1, sizeof(*btfs), GFP_KERNEL));
	if (!btfs) {
		capture_error(c, -ENOMEM, "BTF %u of map %s left out: out of memory",
			      r.kernel_id, map->name);
		return SXD_NO_INDEX;
	}
	c->btfs = btfs;
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ data, r.size };
	err = dump_writer_record(&c->w, SXD_REC_BTF, iov, 2);
	if (err) {
		capture_error(c, err, "BTF %u (%u bytes) of map %s left out: %s",
			      r.kernel_id, r.size, map->name, capture_why(err));
		/*
		 * Not tried again for the maps that share it: each try would
		 * cost an error record, and those past the reserve's are lost.
		 */
		btfs = sxd_alloc(krealloc_array(c->btfs_out, c->nr_btfs_out + 1, sizeof(*btfs),
						GFP_KERNEL));
		if (btfs) {
			c->btfs_out = btfs;
			c->btfs_out[c->nr_btfs_out++] = btf;
		}
		return SXD_NO_INDEX;
	}
	c->btfs[c->nr_btfs] = btf;
	return c->nr_btfs++;
}

/*
 * Values typed by the kernel's BTF (struct_ops) need it to decode on
 * another machine: embed it once, when some map refers to it.
 */
static void capture_embed_vmlinux_btf(struct capture *c)
{
	struct sxd_btf r = { .kind = SXD_BTF_VMLINUX, .kernel_id = 1 };
	struct dump_iov iov[2];
	struct btf **btfs;
	const void *data;
	size_t size;
	u32 i;
	int err;

	for (i = 0; i < c->maps.nr; i++) {
		if (c->maps.maps[i]->btf_vmlinux_value_type_id)
			break;
	}
	if (i == c->maps.nr || !opt_embed_kernel_btf)
		return;
	data = klayout_kernel_btf(&size, NULL);
	if (!data) {
		capture_error(c, -ENOENT, "the kernel's BTF is not at hand");
		return;
	}
	r.btf_index = c->nr_btfs;
	r.size = size;
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ data, size };
	btfs = sxd_alloc(krealloc_array(c->btfs, c->nr_btfs + 1, sizeof(*btfs), GFP_KERNEL));
	if (!btfs) {
		capture_error(c, -ENOMEM, "kernel BTF (%zu bytes) left out: out of memory", size);
		return;
	}
	c->btfs = btfs;
	err = dump_writer_record(&c->w, SXD_REC_BTF, iov, 2);
	if (err) {
		capture_error(c, err, "kernel BTF (%zu bytes) left out: %s", size,
			      capture_why(err));
	} else {
		/* no struct btf of ours: never matched by capture_btf_index() */
		c->btfs[c->nr_btfs++] = NULL;
	}
}

static void capture_maps(struct capture *c)
{
	u32 i;

	capture_embed_vmlinux_btf(c);
	snapshot_partition(c);
	core_prepare(c);
	/* c->maps.nr grows as map-in-maps add their inner maps */
	i = snapshot_run(c);
	core_write(c, 0);
	for (; i < c->maps.nr; i++) {
		size_t w0;
		u64 t0;

		if (i >= c->nr_maps_reserved)
			capture_reserve_maps(c);	/* inner maps found since */
		w0 = c->w.len;
		t0 = local_clock();
		mapdrv_capture(c, c->maps.maps[i], i);
		snapshot_learn_live(c, i, local_clock() - t0, c->w.len - w0);
		cond_resched();
	}
	snapshot_done(c);
	if (c->nr_maps_reserved < c->maps.nr)
		capture_error(c, -ENOSPC,
			      "%u of %u maps had no room reserved for their MAP and MAP_END records (%zu bytes each, max_dump_bytes %lu): those missing are counted in records_omitted",
			      c->maps.nr - c->nr_maps_reserved, c->maps.nr,
			      (size_t)CAPTURE_MAP_ROOM, opt_max_dump_bytes);
	if (c->maps.nr_over)
		capture_error(c, -E2BIG,
			      "%u more maps left out: a dump holds at most %u (max_maps)",
			      c->maps.nr_over, c->maps.max);
	if (c->maps.nr_nomem)
		capture_error(c, -ENOMEM, "%u maps left out: no memory to list them",
			      c->maps.nr_nomem);
	if (c->maps.prog_btfs_overflow)
		capture_error(c, -E2BIG,
			      "programs from more than %u BTF objects: maps only those objects hold were not sought",
			  DISCOVER_MAX_PROG_BTFS);
}

static int capture_finish(struct capture *c)
{
	struct sxd_end end = {
		.nr_maps = c->maps.nr,
		.nr_errors = c->nr_errors,
	};
	struct held_dump *d;
	int err;

	end.duration_ns = ktime_get_ns() - c->t0;
	err = dump_writer_finish(&c->w, &end);
	if (err) {
		dumps_note_failure(err, "finishing the dump");
		return err;
	}
	d = sxd_alloc(kzalloc(sizeof(*d), GFP_KERNEL));
	if (!d) {
		dumps_note_failure(-ENOMEM, "publishing the dump");
		return -ENOMEM;
	}
	kref_init(&d->ref);
	d->seq = c->seq;
	d->buf = dump_writer_detach(&c->w, &d->len);
	dumps_publish(d);
	pr_info("captured dump %u: %zu bytes, %u maps, %llu us\n",
		d->seq, d->len, c->maps.nr, div_u64(end.duration_ns, 1000));
	return 0;
}

/* Capture the scheduler @sch (a struct scx_sched, pinned by the caller). */
int capture_run(struct scx_sched *sch, u32 trigger)
{
	struct capture c = { };
	int err;

	lockdep_assert_held(&capture_lock);
	c.t0 = ktime_get_ns();
	c.seq = ++capture_seq;
	c.sch = sch;
	c.trigger = trigger;
	err = dump_writer_init(&c.w, opt_max_dump_bytes);
	if (err) {
		dumps_note_failure(err, "allocating the dump");
		return err;
	}
	capture_reserve_fixed(&c);
	capture_write_header(&c, trigger);
	capture_write_absent(&c);
	err = discover_maps(sch, &c.maps);
	if (err)
		capture_error(&c, err, "cannot find the scheduler's maps");
	/* before anything else can fill the dump */
	capture_reserve_maps(&c);
	if (scxsched_write(&c, sch))
		capture_error(&c, -ENOSPC, "scheduler record left out");
	scxsched_write_tree(&c, sch);
	scxsched_write_events(&c, sch);
	scxsched_write_prog_stats(&c);
	stall_write(&c);
	timeline_write(&c);
	recorder_write(&c);
	capture_maps(&c);
	/* after the maps: the snapshot orders them, and map indexes are final */
	insns_write(&c);
	err = capture_finish(&c);
	sched_maps_release(&c.maps);
	kfree(c.btfs);
	kfree(c.btfs_out);
	dump_writer_release(&c.w);
	return err;
}

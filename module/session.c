// SPDX-License-Identifier: GPL-2.0
/*
 * One capture session: the records of a dump in the order the decoder
 * wants them (docs/format.md): CAPTURE, SCHED, every BTF object once, then
 * per map MAP, its ENTRIES blocks and MAP_END, and END; then the finished
 * dump is published (dumps.c). Runs sleepable, at the point hook.c
 * explains, or from a write of "control". Captures are serialised by
 * sxd_capture_lock: sequence numbers are handed out and dumps published
 * in one order, whoever asks.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include "capture.h"

/* One capture at a time: dumps get their sequence and are published in order. */
DEFINE_MUTEX(sxd_capture_lock);
static u32 sxd_capture_seq;

void sxd_error(struct sxd_cap *c, int err, const char *fmt, ...)
{
	struct sxd_error e = { .err = err };
	char msg[SXD_REASON_MAX];
	struct sxd_iov iov[2];
	va_list ap;

	va_start(ap, fmt);
	e.msg_len = vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("scxdump: %s (%d)\n", msg, err);
	iov[0] = (struct sxd_iov){ &e, sizeof(e) };
	iov[1] = (struct sxd_iov){ msg, e.msg_len };
	sxw_record(&c->w, SXD_REC_ERROR, iov, 2);
	c->nr_errors++;
}

static int sxd_write_capture(struct sxd_cap *c, u32 trigger)
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
	struct sxd_iov iov = { &r, sizeof(r) };
	size_t size;

	strscpy(r.kernel_release, utsname()->release, sizeof(r.kernel_release));
	strscpy(r.machine, utsname()->machine, sizeof(r.machine));
	strscpy(r.module_version, SXD_MODULE_VERSION, sizeof(r.module_version));
	r.kernel_btf_size = sxd_kernel_btf(&size, &r.kernel_btf_crc32) ? size : 0;
	return sxw_record(&c->w, SXD_REC_CAPTURE, &iov, 1);
}

/* The dump-local index of @map's BTF, embedding it on first use. */
u32 sxd_btf_index(struct sxd_cap *c, struct bpf_map *map)
{
	struct btf *btf = map->btf;
	struct sxd_btf r = { .kind = SXD_BTF_PROG };
	struct sxd_iov iov[2];
	struct btf **btfs;
	void *data;
	u32 i;

	if (!btf)
		return SXD_NO_INDEX;
	for (i = 0; i < c->nr_btfs; i++) {
		if (c->btfs[i] == btf)
			return i;
	}
	if (c->atomic)
		return SXD_NO_INDEX;	/* embedding allocates: failed before the stop */
	data = *(void **)((u8 *)btf + sxd_l.btf_data);
	r.size = *(u32 *)((u8 *)btf + sxd_l.btf_data_size);
	r.kernel_id = *(u32 *)((u8 *)btf + sxd_l.btf_id);
	r.btf_index = c->nr_btfs;
	if (!data || !r.size)
		return SXD_NO_INDEX;
	btfs = krealloc_array(c->btfs, c->nr_btfs + 1, sizeof(*btfs), GFP_KERNEL);
	if (!btfs) {
		sxd_error(c, -ENOMEM, "BTF %u of map %s left out: out of memory",
			  r.kernel_id, map->name);
		return SXD_NO_INDEX;
	}
	c->btfs = btfs;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ data, r.size };
	if (sxw_record(&c->w, SXD_REC_BTF, iov, 2)) {
		sxd_error(c, -ENOSPC, "BTF %u of map %s left out", r.kernel_id, map->name);
		return SXD_NO_INDEX;
	}
	c->btfs[c->nr_btfs] = btf;
	return c->nr_btfs++;
}

/*
 * Values typed by the kernel's BTF (struct_ops) need it to decode on
 * another machine: embed it once, when some map refers to it.
 */
static void sxd_embed_vmlinux_btf(struct sxd_cap *c)
{
	struct sxd_btf r = { .kind = SXD_BTF_VMLINUX, .kernel_id = 1 };
	struct sxd_iov iov[2];
	struct btf **btfs;
	const void *data;
	size_t size;
	u32 i;

	for (i = 0; i < c->maps.nr; i++) {
		if (c->maps.maps[i]->btf_vmlinux_value_type_id)
			break;
	}
	if (i == c->maps.nr || !sxd_embed_kernel_btf)
		return;
	data = sxd_kernel_btf(&size, NULL);
	if (!data) {
		sxd_error(c, -ENOENT, "the kernel's BTF is not at hand");
		return;
	}
	r.btf_index = c->nr_btfs;
	r.size = size;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ data, size };
	btfs = krealloc_array(c->btfs, c->nr_btfs + 1, sizeof(*btfs), GFP_KERNEL);
	if (!btfs) {
		sxd_error(c, -ENOMEM, "kernel BTF (%zu bytes) left out: out of memory", size);
		return;
	}
	c->btfs = btfs;
	if (sxw_record(&c->w, SXD_REC_BTF, iov, 2)) {
		sxd_error(c, -ENOSPC, "kernel BTF (%zu bytes) left out", size);
	} else {
		/* no struct btf of ours: never matched by sxd_btf_index() */
		c->btfs[c->nr_btfs++] = NULL;
	}
}

static void sxd_capture_maps(struct sxd_cap *c)
{
	u32 i;

	sxd_embed_vmlinux_btf(c);
	sxd_maps_partition(c);
	/* c->maps.nr grows as map-in-maps add their inner maps */
	for (i = sxd_snapshot(c); i < c->maps.nr; i++) {
		sxd_capture_map(c, c->maps.maps[i], i);
		cond_resched();
	}
	if (c->maps.overflow)
		sxd_error(c, -E2BIG, "more than %u maps; the rest were left out",
			  SXD_MAX_MAPS);
	if (c->maps.prog_btfs_overflow)
		sxd_error(c, -E2BIG,
			  "programs from more than %u BTF objects: maps only those objects hold were not sought",
			  SXD_MAX_PROG_BTFS);
}

static int sxd_capture_finish(struct sxd_cap *c)
{
	struct sxd_end end = {
		.nr_maps = c->maps.nr,
		.nr_errors = c->nr_errors,
	};
	struct sxd_dump *d;
	int err;

	end.duration_ns = ktime_get_ns() - c->t0;
	err = sxw_finish(&c->w, &end);
	if (err) {
		sxd_note_failure(err, "finishing the dump");
		return err;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		sxd_note_failure(-ENOMEM, "publishing the dump");
		return -ENOMEM;
	}
	kref_init(&d->ref);
	d->seq = c->seq;
	d->buf = sxw_detach(&c->w, &d->len);
	sxd_publish(d);
	pr_info("scxdump: captured dump %u: %zu bytes, %u maps, %llu us\n",
		d->seq, d->len, c->maps.nr, div_u64(end.duration_ns, 1000));
	return 0;
}

/* Capture the scheduler @sch (a struct scx_sched, pinned by the caller). */
int sxd_capture(struct scx_sched *sch, u32 trigger)
{
	struct sxd_cap c = { };
	int err;

	lockdep_assert_held(&sxd_capture_lock);
	c.t0 = ktime_get_ns();
	c.seq = ++sxd_capture_seq;
	err = sxw_init(&c.w, sxd_max_dump_bytes);
	if (err) {
		sxd_note_failure(err, "allocating the dump");
		return err;
	}
	sxd_write_capture(&c, trigger);
	err = sxd_discover(sch, &c.maps);
	if (err)
		sxd_error(&c, err, "cannot find the scheduler's maps");
	if (sxd_write_sched(&c, sch))
		sxd_error(&c, -ENOSPC, "scheduler record left out");
	sxd_write_sched_tree(&c, sch);
	sxd_write_events(&c, sch);
	sxd_write_prog_stats(&c);
	sxd_capture_maps(&c);
	err = sxd_capture_finish(&c);
	sxd_maps_release(&c.maps);
	kfree(c.btfs);
	sxw_release(&c.w);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's state, read from struct scx_sched (7.x) or sched_ext's
 * statics (6.12) and its exit info through the BTF-resolved layout
 * (layout.c): its exit (kind, reason, message, backtrace, sched_ext's own
 * dump), its place among sub-schedulers, its event counters and its
 * programs' run-time stats.
 */
#include <linux/bpf.h>
#include <linux/cgroup.h>
#include <linux/filter.h>
#include <linux/jump_label.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>
#include "capture.h"

/* A NUL-terminated kernel string of at most @max bytes, or "". */
static const char *scxsched_str(const char *s, size_t max, u32 *len)
{
	*len = s ? strnlen(s, max) : 0;
	return s ? s : "";
}

/*
 * Where @sch's state is, the one place that differs by kernel: 7.x, in
 * the struct scx_sched; 6.12, in ext.c's statics, @sch being the address
 * of scx_ops (a handle).
 */
u8 *scxsched_ops(struct scx_sched *sch)
{
	return klayout.sched_globals ? ksyms.scx_ops : (u8 *)sch + klayout.sch_ops;
}

static atomic_t *scxsched_exit_kind_ptr(struct scx_sched *sch)
{
	return klayout.sched_globals ? ksyms.scx_exit_kind :
	       (atomic_t *)((u8 *)sch + klayout.sch_exit_kind);
}

/* Its struct scx_exit_info, or NULL (6.12: freed after ops.exit). */
u8 *scxsched_exit_info(struct scx_sched *sch)
{
	return READ_ONCE(*(u8 **)(klayout.sched_globals ? (void *)ksyms.scx_exit_info :
				  (u8 *)sch + klayout.sch_exit_info));
}

/*
 * @sch has its ops in place: always on 7.x, where the disable work or a
 * reference holds the struct scx_sched; on 6.12 unless sched_ext's enable
 * state is SCX_OPS_DISABLED (an error claimed with no scheduler, or one
 * torn down: scx_ops zeroed). Read with scx_ops_enable_mutex held, or
 * from the disable work before it takes the mutex.
 */
bool scxsched_live(struct scx_sched *sch)
{
	return !klayout.sched_globals ||
	       atomic_read(ksyms.scx_ops_enable_state) != klayout.ops_disabled;
}

/* @sch's parent (7.3 sub-schedulers), or NULL for a root. */
struct scx_sched *scxsched_parent(struct scx_sched *sch, s32 level)
{
	if (!klayout.ok_sub || !klayout.has_level || level <= 0 || level > SCXSCHED_MAX_LEVEL)
		return NULL;
	return ((void **)((u8 *)sch + klayout.sch_ancestors))[level - 1];
}

s32 scxsched_level(struct scx_sched *sch)
{
	return klayout.has_level ? *(s32 *)((u8 *)sch + klayout.sch_level) : 0;
}

/*
 * How @sch exits. Its exit_kind holds the kind from the claim until
 * the disable work (7.x scx_disable_workfn(), 6.12
 * scx_ops_disable_workfn()) swaps it for SCX_EXIT_DONE and writes the
 * kind to exit_info: past that, which is where the hook captures,
 * exit_info has it.
 */
s32 scxsched_exit_kind(struct scx_sched *sch)
{
	s32 kind = atomic_read(scxsched_exit_kind_ptr(sch));
	u8 *ei = scxsched_exit_info(sch);

	if (kind == klayout.exit_done && ei)
		kind = READ_ONCE(*(s32 *)(ei + klayout.ei_kind));
	return kind;
}

/* sched_ext's saved backtrace as "symbol+off/size [module]" lines. */
static char *scxsched_format_bt(const unsigned long *bt, u32 n, u32 *len)
{
	size_t cap = (size_t)n * SCXSCHED_BT_LINE + 1, off = 0;
	char *text;
	u32 i;

	*len = 0;
	if (!bt || !n)
		return NULL;
	text = sxd_alloc(kvmalloc(cap, GFP_KERNEL));
	if (!text)
		return NULL;
	for (i = 0; i < n; i++)
		off += scnprintf(text + off, cap - off, "%pS\n", (void *)bt[i]);
	*len = off;
	return text;
}

int scxsched_write(struct capture *c, struct scx_sched *sch)
{
	u8 *ops = scxsched_ops(sch);
	u8 *ei = scxsched_exit_info(sch);
	u32 dump_max = *(u32 *)(ops + klayout.ops_dump_len);
	struct sxd_sched r = { .exit_cpu = -1 };
	const char *reason = "", *msg = "", *dump = "";
	struct dump_iov iov[5];
	char *bt = NULL;
	int err;

	r.level = max(scxsched_level(sch), 0);
	r.exit_kind = scxsched_exit_kind(sch);
	r.nr_maps = c->maps.nr;
	r.ops_flags = *(u64 *)(ops + klayout.ops_flags);
	r.timeout_ms = *(u32 *)(ops + klayout.ops_timeout);
	memcpy(r.name, ops + klayout.ops_name,
	       min_t(u32, klayout.ops_name_len, sizeof(r.name) - 1));
	strscpy(r.exit_kind_name, klayout_exit_kind_name(r.exit_kind),
		sizeof(r.exit_kind_name));
	if (ei) {
		u32 bt_len = min_t(u32, *(u32 *)(ei + klayout.ei_bt_len), SCXSCHED_BT_MAX);

		r.exit_code = *(s64 *)(ei + klayout.ei_exit_code);
		if (klayout.has_exit_cpu)
			r.exit_cpu = *(s32 *)(ei + klayout.ei_exit_cpu);
		reason = scxsched_str(*(char **)(ei + klayout.ei_reason), CAPTURE_REASON_MAX,
				      &r.reason_len);
		msg = scxsched_str(*(char **)(ei + klayout.ei_msg), klayout.exit_msg_len,
				   &r.msg_len);
		dump = scxsched_str(*(char **)(ei + klayout.ei_dump), dump_max, &r.dump_len);
		bt = scxsched_format_bt(*(unsigned long **)(ei + klayout.ei_bt), bt_len,
					&r.bt_len);
		if (bt_len && *(unsigned long **)(ei + klayout.ei_bt) && !bt)
			capture_error(c, -ENOMEM, "exit backtrace left out: out of memory");
	}
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ reason, r.reason_len };
	iov[2] = (struct dump_iov){ msg, r.msg_len };
	iov[3] = (struct dump_iov){ bt, r.bt_len };
	iov[4] = (struct dump_iov){ dump, r.dump_len };
	err = dump_writer_record(&c->w, SXD_REC_SCHED, iov, ARRAY_SIZE(iov));
	kvfree(bt);
	return err;
}

/* Where @sch sits among sub-schedulers: id, cgroup, parent. */
void scxsched_write_tree(struct capture *c, struct scx_sched *sch)
{
	struct sxd_sched_tree r = { };
	struct cgroup *cgrp;
	const char *path;
	struct dump_iov iov[2];
	void *parent;

	if (!klayout.ok_sub)
		return;
	r.level = max(scxsched_level(sch), 0);
	r.id = *(u64 *)((u8 *)sch + klayout.sch_id);
	cgrp = *(struct cgroup **)((u8 *)sch + klayout.sch_cgrp);
	if (cgrp)
		r.cgroup_id = cgroup_id(cgrp);
	path = scxsched_str(*(char **)((u8 *)sch + klayout.sch_cgrp_path), PATH_MAX, &r.path_len);
	parent = scxsched_parent(sch, r.level);
	if (parent) {
		r.parent_id = *(u64 *)((u8 *)parent + klayout.sch_id);
		memcpy(r.parent_name, scxsched_ops(parent) + klayout.ops_name,
		       min_t(u32, klayout.ops_name_len, sizeof(r.parent_name) - 1));
	}
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ path, r.path_len };
	dump_writer_record(&c->w, SXD_REC_SCHED_TREE, iov, 2);
}

/*
 * sched_ext's event counters of @sch, summed over every possible CPU, into
 * @vals (klayout.nr_events of them); false when the scheduler has none.
 * Its per-CPU state lives as long as the scheduler, which the caller pins.
 */
bool scxsched_read_events(struct scx_sched *sch, s64 *vals)
{
	void __percpu *pcpu;
	u32 i;
	int cpu;

	if (!klayout.ok_events || !klayout.nr_events)
		return false;
	pcpu = *(void __percpu **)((u8 *)sch + klayout.sch_pcpu);
	if (!pcpu)
		return false;
	for (i = 0; i < klayout.nr_events; i++) {
		vals[i] = 0;
		for_each_possible_cpu(cpu) {
			u8 *base = (u8 *)per_cpu_ptr(pcpu, cpu) + klayout.pcpu_events;

			vals[i] += READ_ONCE(*(s64 *)(base + klayout.events[i].off));
		}
	}
	return true;
}

/* sched_ext's event counters of @sch, as an SXD_REC_COUNTERS record. */
void scxsched_write_events(struct capture *c, struct scx_sched *sch)
{
	struct sxd_counters r = { .nr = klayout.nr_events };
	struct sxd_counter *ev;
	struct dump_iov iov[2];
	s64 *vals;
	u32 i;

	if (!klayout.ok_events || !klayout.nr_events)
		return;
	ev = sxd_alloc(kcalloc(klayout.nr_events, sizeof(*ev) + sizeof(*vals), GFP_KERNEL));
	if (!ev) {
		capture_error(c, -ENOMEM, "event counters left out: out of memory");
		return;
	}
	vals = (s64 *)(ev + klayout.nr_events);
	if (!scxsched_read_events(sch, vals)) {
		capture_error(c, -ENOENT,
			      "event counters left out: the scheduler has no per-CPU state");
		kfree(ev);
		return;
	}
	for (i = 0; i < klayout.nr_events; i++) {
		strscpy(ev[i].name, klayout.events[i].name, sizeof(ev[i].name));
		ev[i].value = vals[i];
	}
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ ev, r.nr * sizeof(*ev) };
	dump_writer_record(&c->w, SXD_REC_COUNTERS, iov, 2);
	kfree(ev);
}

struct scxsched_stats_walk {
	struct sxd_prog_stat *st;
	u32 nr, cap;
};

/* discover_walk_progs() callback: one program's run-time stats. */
static int scxsched_prog_stat(struct bpf_prog *prog, void *data)
{
	struct scxsched_stats_walk *w = data;
	struct sxd_prog_stat *s;
	unsigned int start;
	int cpu;

	if (w->nr == w->cap)
		return 0;
	s = &w->st[w->nr++];
	s->id = prog->aux->id;
	strscpy(s->name, prog->aux->name, sizeof(s->name));
	for_each_possible_cpu(cpu) {
		const struct bpf_prog_stats *st = per_cpu_ptr(prog->stats, cpu);
		u64 cnt, nsecs, misses;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			cnt = u64_stats_read(&st->cnt);
			nsecs = u64_stats_read(&st->nsecs);
			misses = u64_stats_read(&st->misses);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		s->run_cnt += cnt;
		s->run_time_ns += nsecs;
		s->recursion_misses += misses;
	}
	return 0;
}

void scxsched_write_prog_stats(struct capture *c)
{
	struct scxsched_stats_walk w = { .cap = 256 };
	struct sxd_prog_stats r = { };
	struct dump_iov iov[2];

	if (!c->maps.ops_map)
		return;
	w.st = sxd_alloc(kcalloc(w.cap, sizeof(*w.st), GFP_KERNEL));
	if (!w.st) {
		capture_error(c, -ENOMEM, "program statistics left out: out of memory");
		return;
	}
	discover_walk_progs(c->maps.ops_map, scxsched_prog_stat, &w);
	/*
	 * Whether the kernel counted runs (kernel.bpf_stats_enabled): a
	 * static key in vmlinux's data, there as long as the kernel; reading
	 * its count is an atomic_read. Unknown (no flag) when not found.
	 */
	if (ksyms.bpf_stats_enabled_key) {
		u32 i, f = static_key_enabled(ksyms.bpf_stats_enabled_key) ?
			   SXD_PROG_STATS_ON : SXD_PROG_STATS_OFF;

		for (i = 0; i < w.nr; i++)
			w.st[i].flags = f;
	}
	r.nr = w.nr;
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ w.st, w.nr * sizeof(*w.st) };
	dump_writer_record(&c->w, SXD_REC_PROG_STATS, iov, 2);
	kfree(w.st);
}

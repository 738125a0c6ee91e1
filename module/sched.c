// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's state, read from struct scx_sched and its exit info
 * through the BTF-resolved layout (layout.c): its exit (kind, reason,
 * message, backtrace, sched_ext's own dump), its place among
 * sub-schedulers, its event counters and its programs' run-time stats.
 */
#include <linux/bpf.h>
#include <linux/cgroup.h>
#include <linux/filter.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>
#include "capture.h"

/* A NUL-terminated kernel string of at most @max bytes, or "". */
static const char *sxd_str(const char *s, size_t max, u32 *len)
{
	*len = s ? strnlen(s, max) : 0;
	return s ? s : "";
}

/* @sch's parent (7.3 sub-schedulers), or NULL for a root. */
struct scx_sched *sxd_parent(struct scx_sched *sch, s32 level)
{
	if (!sxd_l.ok_sub || !sxd_l.has_level || level <= 0 || level > SXD_MAX_LEVEL)
		return NULL;
	return ((void **)((u8 *)sch + sxd_l.sch_ancestors))[level - 1];
}

s32 sxd_level(struct scx_sched *sch)
{
	return sxd_l.has_level ? *(s32 *)((u8 *)sch + sxd_l.sch_level) : 0;
}

/*
 * How @sch exits. Its exit_kind holds the kind from the claim until
 * scx_disable_workfn() swaps it for SCX_EXIT_DONE and writes the kind to
 * exit_info (kernel/sched/ext/ext.c): past that, which is where the hook
 * captures, exit_info has it.
 */
s32 sxd_exit_kind(struct scx_sched *sch)
{
	s32 kind = atomic_read((atomic_t *)((u8 *)sch + sxd_l.sch_exit_kind));
	u8 *ei = *(u8 **)((u8 *)sch + sxd_l.sch_exit_info);

	if (kind == sxd_l.exit_done && ei)
		kind = READ_ONCE(*(s32 *)(ei + sxd_l.ei_kind));
	return kind;
}

/* sched_ext's saved backtrace as "symbol+off/size [module]" lines. */
static char *sxd_format_bt(const unsigned long *bt, u32 n, u32 *len)
{
	size_t cap = (size_t)n * SXD_BT_LINE + 1, off = 0;
	char *text;
	u32 i;

	*len = 0;
	if (!bt || !n)
		return NULL;
	text = kvmalloc(cap, GFP_KERNEL);
	if (!text)
		return NULL;
	for (i = 0; i < n; i++)
		off += scnprintf(text + off, cap - off, "%pS\n", (void *)bt[i]);
	*len = off;
	return text;
}

int sxd_write_sched(struct sxd_cap *c, struct scx_sched *sch)
{
	u8 *ei = *(u8 **)((u8 *)sch + sxd_l.sch_exit_info);
	u32 dump_max = *(u32 *)((u8 *)sch + sxd_l.sch_ops_dump_len);
	struct sxd_sched r = { .exit_cpu = -1 };
	const char *reason = "", *msg = "", *dump = "";
	struct sxd_iov iov[5];
	char *bt = NULL;
	int err;

	r.level = max(sxd_level(sch), 0);
	r.exit_kind = sxd_exit_kind(sch);
	r.nr_maps = c->maps.nr;
	r.ops_flags = *(u64 *)((u8 *)sch + sxd_l.sch_ops_flags);
	r.timeout_ms = *(u32 *)((u8 *)sch + sxd_l.sch_ops_timeout);
	memcpy(r.name, (u8 *)sch + sxd_l.sch_ops_name,
	       min_t(u32, sxd_l.sch_ops_name_len, sizeof(r.name) - 1));
	strscpy(r.exit_kind_name, sxd_exit_kind_name(r.exit_kind),
		sizeof(r.exit_kind_name));
	if (ei) {
		u32 bt_len = min_t(u32, *(u32 *)(ei + sxd_l.ei_bt_len), SXD_BT_MAX);

		r.exit_code = *(s64 *)(ei + sxd_l.ei_exit_code);
		r.exit_cpu = *(s32 *)(ei + sxd_l.ei_exit_cpu);
		reason = sxd_str(*(char **)(ei + sxd_l.ei_reason), SXD_REASON_MAX,
				 &r.reason_len);
		msg = sxd_str(*(char **)(ei + sxd_l.ei_msg), sxd_l.exit_msg_len,
			      &r.msg_len);
		dump = sxd_str(*(char **)(ei + sxd_l.ei_dump), dump_max, &r.dump_len);
		bt = sxd_format_bt(*(unsigned long **)(ei + sxd_l.ei_bt), bt_len,
				   &r.bt_len);
		if (bt_len && *(unsigned long **)(ei + sxd_l.ei_bt) && !bt)
			sxd_error(c, -ENOMEM, "exit backtrace left out: out of memory");
	}
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ reason, r.reason_len };
	iov[2] = (struct sxd_iov){ msg, r.msg_len };
	iov[3] = (struct sxd_iov){ bt, r.bt_len };
	iov[4] = (struct sxd_iov){ dump, r.dump_len };
	err = sxw_record(&c->w, SXD_REC_SCHED, iov, ARRAY_SIZE(iov));
	kvfree(bt);
	return err;
}

/* Where @sch sits among sub-schedulers: id, cgroup, parent. */
void sxd_write_sched_tree(struct sxd_cap *c, struct scx_sched *sch)
{
	struct sxd_sched_tree r = { };
	struct cgroup *cgrp;
	const char *path;
	struct sxd_iov iov[2];
	void *parent;

	if (!sxd_l.ok_sub)
		return;
	r.level = max(sxd_level(sch), 0);
	r.id = *(u64 *)((u8 *)sch + sxd_l.sch_id);
	cgrp = *(struct cgroup **)((u8 *)sch + sxd_l.sch_cgrp);
	if (cgrp)
		r.cgroup_id = cgroup_id(cgrp);
	path = sxd_str(*(char **)((u8 *)sch + sxd_l.sch_cgrp_path), PATH_MAX, &r.path_len);
	parent = sxd_parent(sch, r.level);
	if (parent) {
		r.parent_id = *(u64 *)((u8 *)parent + sxd_l.sch_id);
		memcpy(r.parent_name, (u8 *)parent + sxd_l.sch_ops_name,
		       min_t(u32, sxd_l.sch_ops_name_len, sizeof(r.parent_name) - 1));
	}
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ path, r.path_len };
	sxw_record(&c->w, SXD_REC_SCHED_TREE, iov, 2);
}

/* sched_ext's event counters of @sch, summed over every possible CPU. */
void sxd_write_events(struct sxd_cap *c, struct scx_sched *sch)
{
	struct sxd_counters r = { .nr = sxd_l.nr_events };
	void __percpu *pcpu;
	struct sxd_counter *ev;
	struct sxd_iov iov[2];
	u32 i;
	int cpu;

	if (!sxd_l.ok_events || !sxd_l.nr_events)
		return;
	pcpu = *(void __percpu **)((u8 *)sch + sxd_l.sch_pcpu);
	if (!pcpu) {
		sxd_error(c, -ENOENT,
			  "event counters left out: the scheduler has no per-CPU state");
		return;
	}
	ev = kcalloc(sxd_l.nr_events, sizeof(*ev), GFP_KERNEL);
	if (!ev) {
		sxd_error(c, -ENOMEM, "event counters left out: out of memory");
		return;
	}
	for (i = 0; i < sxd_l.nr_events; i++) {
		strscpy(ev[i].name, sxd_l.events[i].name, sizeof(ev[i].name));
		for_each_possible_cpu(cpu)
			ev[i].value += READ_ONCE(*(s64 *)((u8 *)per_cpu_ptr(pcpu, cpu) +
							  sxd_l.pcpu_events + sxd_l.events[i].off));
	}
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ ev, r.nr * sizeof(*ev) };
	sxw_record(&c->w, SXD_REC_COUNTERS, iov, 2);
	kfree(ev);
}

struct sxd_stats_walk {
	struct sxd_prog_stat *st;
	u32 nr, cap;
};

/* bpf_struct_ops_for_each_prog() callback: one program's run-time stats. */
static int sxd_prog_stat(struct bpf_prog *prog, void *data)
{
	struct sxd_stats_walk *w = data;
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

void sxd_write_prog_stats(struct sxd_cap *c)
{
	struct sxd_stats_walk w = { .cap = 256 };
	struct sxd_prog_stats r = { };
	struct sxd_iov iov[2];

	if (!c->maps.ops_map)
		return;
	w.st = kcalloc(w.cap, sizeof(*w.st), GFP_KERNEL);
	if (!w.st) {
		sxd_error(c, -ENOMEM, "program statistics left out: out of memory");
		return;
	}
	bpf_struct_ops_for_each_prog((u8 *)c->maps.ops_map + sxd_l.stmap_kdata,
				     sxd_prog_stat, &w);
	r.nr = w.nr;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ w.st, w.nr * sizeof(*w.st) };
	sxw_record(&c->w, SXD_REC_PROG_STATS, iov, 2);
	kfree(w.st);
}

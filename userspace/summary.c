// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump summary: the exit on top, then one line a map (type, entries,
 * bytes captured, truncated, error), for reading at a terminal: the
 * dump's own text (names, comms, messages) goes through textout.h, so no
 * byte of it reaches the terminal as a control.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core.h"
#include "decode.h"
#include "names.h"
#include "render.h"
#include "sdt.h"
#include "bump.h"
#include "textout.h"

static void print_exit(const struct sxd_sched *s, FILE *out)
{
	const char *p = (const char *)(s + 1);

	fputs("scheduler ", out);
	text_fixed(out, s->name, sizeof(s->name), 0);
	fprintf(out, " (level %u): ", s->level);
	text_fixed(out, s->exit_kind_name, sizeof(s->exit_kind_name), 0);
	fprintf(out, " (%" PRId64 ")%s", (int64_t)s->exit_kind, s->reason_len ? ", " : "");
	text_bytes(out, p, s->reason_len, 0);
	fputc('\n', out);
	if (s->msg_len) {
		fputs("message: ", out);
		text_bytes(out, p + s->reason_len, s->msg_len, 0);
		fputc('\n', out);
	}
	if (s->exit_code)
		fprintf(out, "exit code: %" PRId64 "\n", (int64_t)s->exit_code);
	fprintf(out, "ops flags 0x%" PRIx64 ", timeout %u ms\n", (uint64_t)s->ops_flags,
		s->timeout_ms);
}

/* Event counters that moved, each program's run count and time, the tree. */
static void print_stats(const struct sxd_rec *r, FILE *out)
{
	const struct sxd_counters *co = (const void *)r;
	const struct sxd_prog_stats *ps = (const void *)r;
	uint32_t i;

	if (r->type == SXD_REC_COUNTERS) {
		const struct sxd_counter *c = (const void *)(co + 1);

		for (i = 0; i < co->nr; i++) {
			if (c[i].value) {
				fputs("event ", out);
				text_fixed(out, c[i].name, sizeof(c[i].name), 0);
				fprintf(out, ": %" PRId64 "\n", (int64_t)c[i].value);
			}
		}
	} else if (r->type == SXD_REC_SCHED_TREE) {
		const struct sxd_sched_tree *t = (const void *)r;

		fprintf(out, "scheduler id %" PRIu64 " on cgroup ", (uint64_t)t->id);
		text_bytes(out, t + 1, t->path_len, 0);
		fprintf(out, " (id %" PRIu64 ")", (uint64_t)t->cgroup_id);
		if (t->parent_id) {
			fputs(", sub-scheduler of ", out);
			text_fixed(out, t->parent_name, sizeof(t->parent_name), 0);
			fprintf(out, " (id %" PRIu64 ")\n", (uint64_t)t->parent_id);
		} else
			fprintf(out, ", root\n");
	} else if (r->type == SXD_REC_PROG_STATS) {
		const struct sxd_prog_stat *st = (const void *)(ps + 1);

		for (i = 0; i < ps->nr; i++) {
			fputs("program ", out);
			text_fixed(out, st[i].name, sizeof(st[i].name), 0);
			fprintf(out, " (id %u): ", st[i].id);
			/* zeros the kernel did not count are no counts */
			if (st[i].flags & SXD_PROG_STATS_OFF)
				fprintf(out, "run counts not kept: sysctl kernel.bpf_stats_enabled=0");
			else
				fprintf(out, "%" PRIu64 " runs, %" PRIu64 " ns",
					(uint64_t)st[i].run_cnt, (uint64_t)st[i].run_time_ns);
			fprintf(out, ", %" PRIu64 " recursion misses\n",
				(uint64_t)st[i].recursion_misses);
		}
	}
}

/*
 * How the maps were copied. A record of before flat copies reads 0 in
 * their fields (index_snapshot()): no lines of them. Of the maps read
 * live, those the plan left out are not the budget's.
 */
static void print_snapshot(const struct sxd_snapshot *sn, FILE *out)
{
	uint32_t unplanned;

	if (!sn)
		return;
	if (sn->mode == SXD_SNAP_STOPPED) {
		unplanned = sn->nr_maps_unplanned < sn->nr_maps_live ?
			    sn->nr_maps_unplanned : sn->nr_maps_live;
		fprintf(out, "snapshot: %s, %u maps copied while %u CPUs were held %.3f ms (stop_machine %.3f ms)\n",
			sn->nr_maps ? "consistent" : "not consistent", sn->nr_maps, sn->nr_cpus,
			sn->held_ns / 1e6, sn->stop_ns / 1e6);
		fprintf(out, "snapshot: %" PRIu64 " dump bytes written while the CPUs were held\n",
			(uint64_t)sn->copied_bytes);
		if (sn->nr_maps_flat)
			fprintf(out, "snapshot: %u maps copied flat (%.3f MB of kernel memory), read after the stop; held %.3f MB in all\n",
				sn->nr_maps_flat, sn->flat_bytes / 1e6,
				((double)sn->copied_bytes + sn->flat_bytes) / 1e6);
		if (sn->snap_flags & SXD_SNAP_F_REDONE)
			fprintf(out, "snapshot: done again: the first stop ran out of its budget after %.3f ms on a map the plan said fits\n",
				sn->first_held_ns / 1e6);
		if (sn->snap_flags & SXD_SNAP_F_BUDGET)
			fprintf(out, "snapshot: its %.3f ms budget ran out; %u more maps read live after it\n",
				sn->budget_ns / 1e6, sn->nr_maps_live - unplanned);
		if (unplanned)
			fprintf(out, "snapshot: %u maps planned out (would not fit the budget at the measured rates), read live\n",
				unplanned);
	} else if (sn->status)
		fprintf(out, "snapshot: not consistent, maps read one by one (%s)\n",
			name_errno(sn->status));
	else
		fprintf(out, "snapshot: off, maps read one by one while the scheduler ran\n");
}

/*
 * What the dump lacks for want of room, from its END record: records
 * left out, error and map records counted but not held, the SNAPSHOT
 * record. The module reserves room for the records that describe a dump,
 * so any of these lines but the first says the reserve was short.
 */
static void print_missing(const struct dump_index *x, FILE *out)
{
	const struct sxd_end *e = x->f->end;

	if (!e)
		return;
	if (e->records_omitted)
		fprintf(out, "left out for want of room: %" PRIu64 " records, %" PRIu64 " bytes\n",
			(uint64_t)e->records_omitted, (uint64_t)e->bytes_omitted);
	if (e->nr_errors > x->nr_errors)
		fprintf(out, "left out: %u of the %u error records\n", e->nr_errors - x->nr_errors,
			e->nr_errors);
	if (e->nr_maps > x->nr_maps)
		fprintf(out, "left out: the records of %u of the %u maps\n", e->nr_maps - x->nr_maps,
			e->nr_maps);
	if (!x->snap)
		fprintf(out, "left out: the snapshot record (how the maps were copied is not known)\n");
}

#define SUMMARY_STALL_TASKS	8

/*
 * The stall watch: a warning dump names the tasks that waited; an exit dump
 * after a warning says which dump it was and how long before the failure.
 */
static void print_stall(const struct dump_index *x, FILE *out)
{
	const struct sxd_stall *st = x->stall;
	const struct sxd_stall_task *t;
	uint32_t i;

	if (!st)
		return;
	t = (const void *)(st + 1);
	if (st->flags & SXD_STALL_PAIRED)
		fprintf(out, "stall warning: dump %u, %.3f s before this capture\n",
			st->warning_seq, x->cap && x->cap->boottime_ns >= st->warning_boottime_ns ?
			(x->cap->boottime_ns - st->warning_boottime_ns) / 1e9 : 0.0);
	else
		fprintf(out, "stall warning: tasks runnable %u ms or more (%u%% of the %u ms watchdog timeout)\n",
			st->threshold_ms, st->timeout_ms ?
			(unsigned int)((uint64_t)st->threshold_ms * 100 / st->timeout_ms) : 0,
			st->timeout_ms);
	for (i = 0; i < st->nr_tasks && i < SUMMARY_STALL_TASKS; i++) {
		fputs("  ", out);
		text_fixed(out, t[i].comm, sizeof(t[i].comm), 0);
		fprintf(out, "[%d] runnable %u ms on CPU %d\n", t[i].pid, t[i].wait_ms, t[i].cpu);
	}
	if (st->nr_waiting > SUMMARY_STALL_TASKS && st->nr_waiting > st->nr_tasks)
		fprintf(out, "  (%u more CPUs with a task past the threshold)\n",
			st->nr_waiting - (st->nr_tasks < SUMMARY_STALL_TASKS ?
					  st->nr_tasks : SUMMARY_STALL_TASKS));
	else if (st->nr_tasks > SUMMARY_STALL_TASKS)
		fprintf(out, "  (%u more)\n", st->nr_tasks - SUMMARY_STALL_TASKS);
}

/* The flight recorder's ring: how much of the time before this capture it holds. */
static void print_timeline(const struct dump_index *x, FILE *out)
{
	const struct sxd_timeline *t = x->timeline;
	const struct sxd_tl_sample *first, *last;
	const uint8_t *p;
	uint64_t now;

	if (!t || !t->nr_samples)
		return;
	p = (const uint8_t *)(t + 1) + (size_t)t->nr_events * sizeof(struct sxd_tl_event) +
	    (size_t)t->nr_maps * sizeof(struct sxd_tl_map);
	first = (const void *)p;
	last = (const void *)(p + (size_t)(t->nr_samples - 1) * t->sample_size);
	now = x->cap ? x->cap->boottime_ns : last->boottime_ns;
	fprintf(out, "timeline: %u samples every %u ms (of %llu taken), from %.3f s to %.3f s before this capture: scxdump timeline\n",
		t->nr_samples, t->interval_ms, (unsigned long long)t->nr_taken,
		now >= first->boottime_ns ? (now - first->boottime_ns) / 1e9 : 0.0,
		now >= last->boottime_ns ? (now - last->boottime_ns) / 1e9 : 0.0);
}

static void print_capture(const struct dump_index *x, FILE *out)
{
	const struct dump_file *f = x->f;
	const struct sxd_capture *c = x->cap;
	char when[32] = "?";
	time_t t;

	if (c) {
		t = c->realtime_ns / 1000000000ull;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
		fputs("kernel ", out);
		text_fixed(out, c->kernel_release, sizeof(c->kernel_release), 0);
		fprintf(out, ", %u CPUs, captured %s", c->nr_cpu_slots, when);
		if (f->end)
			fprintf(out, " in %.3f ms", f->end->duration_ns / 1e6);
		fputc('\n', out);
	}
	if (f->damaged)
		fprintf(out, "DAMAGED: %s; %u whole records read, to byte %zu of %zu (%s)\n",
			f->damage, f->nr_intact, f->size, f->file_size, f->stop_reason);
	if (f->end)
		fprintf(out, "dump %zu bytes, %u maps, %u errors%s\n", f->size, f->end->nr_maps,
			f->end->nr_errors, f->hdr->flags & SXD_F_TRUNCATED ? ", TRUNCATED" : "");
	print_missing(x, out);
	print_snapshot(x->snap, out);
	print_stall(x, out);
	print_timeline(x, out);
}

/* One line per arena allocator: how many slots live, of which payload. */
static void print_allocators(const struct dump_index *x, FILE *out)
{
	struct bump_index bi;
	struct sdt_index si;
	char name[256];
	uint32_t i;

	if (sdt_index_build(x, &si)) {
		fprintf(out, "allocators: not indexed (out of memory)\n");
		return;
	}
	for (i = 0; i < si.nr; i++) {
		const struct sdt_alloc *a = &si.a[i];

		if (a->payload_btf)
			render_type_name(a->payload_btf, a->payload_type, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "untyped payloads: %s", a->payload_why);
		fputs("allocator ", out);
		text_bytes(out, a->var, strlen(a->var), 0);
		fprintf(out, ": %llu live slots of %llu bytes (",
			(unsigned long long)(a->nr_slots + a->nr_over_cap),
			(unsigned long long)a->elem_size);
		text_bytes(out, name, strlen(name), 0);
		fprintf(out, ")%s\n", a->nr_unreadable ? ", some not in the dump" : "");
	}
	sdt_index_free(&si);
	if (bump_index_build(x, &bi)) {
		fprintf(out, "bump allocators: not indexed (out of memory)\n");
		return;
	}
	for (i = 0; i < bi.nr; i++) {
		const struct bump_alloc *a = &bi.a[i];

		fputs("allocator ", out);
		text_bytes(out, a->var, strlen(a->var), 0);
		if (a->why) {
			fputs(" (bump): ", out);
			text_bytes(out, a->why, strlen(a->why), 0);
			fputc('\n', out);
		} else
			fprintf(out, " (bump): %u blocks of %llu bytes, %llu bytes used in the newest%s\n",
				a->nr_blocks, (unsigned long long)a->block_size,
				(unsigned long long)a->off,
				a->chain_unreadable ? ", older blocks not in the dump" :
				a->chain_cut ? ", its chain cut" : "");
	}
	bump_index_free(&bi);
}

#define SUMMARY_WAITERS	5

static void print_dsq(const struct sxd_core_dsq *d, FILE *out)
{
	char buf[40];
	const char *name = core_dsq_name(d->id, buf, sizeof(buf));

	if (name)
		fprintf(out, "%s", name);
	else
		fprintf(out, "%" PRIu64, (uint64_t)d->id);
	fprintf(out, " (%s", name_dsq_kind(d->kind));
	if (d->kind == SXD_DSQ_LOCAL || d->kind == SXD_DSQ_BYPASS)
		fprintf(out, ", cpu %d", d->cpu);
	fprintf(out, ")");
}

/*
 * What the task of @pid ran, how often it switched, its parent: from its
 * more (SXD_REC_CORE_TASKS), when the dump has them.
 */
static void print_ran(const struct core_view *v, int32_t pid, FILE *out)
{
	struct sxd_core_task_more m;
	uint32_t i;

	for (i = 0; i < v->h->nr_tasks; i++) {
		if (v->tasks[i].pid != pid || !core_more(v, i, &m))
			continue;
		fprintf(out, ", ran %.3f ms, %" PRIu64 " voluntary and %" PRIu64 " involuntary switches",
			m.sum_exec_runtime / 1e6, (uint64_t)m.nvcsw, (uint64_t)m.nivcsw);
		if (m.parent_tgid != -1)
			fprintf(out, ", parent %d", m.parent_tgid);
		return;
	}
}

/*
 * The core state under the exit: the tasks that waited longest on a DSQ,
 * each DSQ's depth, and what every CPU was running.
 */
static void print_core(const struct index_sched *is, FILE *out)
{
	const struct sxd_core *h = is->core;
	const struct sxd_core_dsq *top_dsq[SUMMARY_WAITERS] = { NULL };
	const struct sxd_core_task *top[SUMMARY_WAITERS] = { NULL };
	int64_t top_ms[SUMMARY_WAITERS];
	struct core_view v;
	uint32_t i, j, k;
	int64_t ms;

	core_view(h, &v);
	core_view_more(&v, is->core_tasks);
	fprintf(out, "core state (%s, read in %" PRIu64 " us): %u CPUs, %u DSQs, %u tasks on sched_ext%s\n",
		name_core_when(h->when), (uint64_t)h->duration_ns / 1000, h->nr_cpus, h->nr_dsqs,
		h->tasks_seen, h->truncated ? " (cut: see .core.truncated)" : "");
	for (i = 0; i < h->nr_dsqs; i++) {
		for (j = 0; j < v.dsqs[i].nr_listed; j++) {
			const struct sxd_core_task *t = &v.queued[v.dsqs[i].first + j];

			ms = core_runnable_ms(h, t);
			for (k = 0; k < SUMMARY_WAITERS && top[k] && top_ms[k] >= ms; k++)
				;
			if (k == SUMMARY_WAITERS)
				continue;
			memmove(&top[k + 1], &top[k], (SUMMARY_WAITERS - k - 1) * sizeof(top[0]));
			memmove(&top_dsq[k + 1], &top_dsq[k], (SUMMARY_WAITERS - k - 1) * sizeof(top_dsq[0]));
			memmove(&top_ms[k + 1], &top_ms[k], (SUMMARY_WAITERS - k - 1) * sizeof(top_ms[0]));
			top[k] = t;
			top_dsq[k] = &v.dsqs[i];
			top_ms[k] = ms;
		}
	}
	if (top[0])
		fprintf(out, "longest waiting:\n");
	for (k = 0; k < SUMMARY_WAITERS && top[k]; k++) {
		fprintf(out, "  %d ", top[k]->pid);
		text_fixed(out, top[k]->comm, sizeof(top[k]->comm), 0);
		fputs(" on ", out);
		print_dsq(top_dsq[k], out);
		fprintf(out, ", runnable %" PRId64 " ms", top_ms[k]);
		print_ran(&v, top[k]->pid, out);
		fputc('\n', out);
	}
	fprintf(out, "DSQ depths:\n");
	for (i = 0; i < h->nr_dsqs; i++) {
		if (!v.dsqs[i].nr && v.dsqs[i].kind != SXD_DSQ_USER)
			continue;
		fprintf(out, "  ");
		print_dsq(&v.dsqs[i], out);
		fprintf(out, ": %u\n", v.dsqs[i].nr);
	}
	fprintf(out, "CPUs:\n");
	for (i = 0; i < h->nr_cpus; i++) {
		const struct sxd_core_cpu *c = &v.cpus[i];

		fprintf(out, "  cpu %d%s: ", c->cpu, c->flags & SXD_CORE_CPU_ONLINE ? "" : " (offline)");
		if (c->curr_pid >= 0) {
			fprintf(out, "%d ", c->curr_pid);
			text_fixed(out, c->curr_comm, sizeof(c->curr_comm), 0);
			fprintf(out, " (%s, %s)", name_sched_class(c->curr_class),
				name_sched_policy(c->curr_policy));
		}
		fprintf(out, ", nr_running %u (fair %u, rt %u, deadline %u, ext %u)\n",
			c->nr_running, c->cfs_nr_running, c->rt_nr_running, c->dl_nr_running,
			c->scx_nr_running);
	}
}

static void print_map(const struct dump_index *x, const struct index_map *im, FILE *out)
{
	const struct sxd_map_end *e = dump_index_end(x, im->rec->map_index);
	char trunc[24] = "no";

	if (e && (e->flags & (SXD_MAP_TRUNCATED | SXD_MAP_ITER_LIMIT)))
		snprintf(trunc, sizeof(trunc), "yes (+%" PRIu64 ")", (uint64_t)e->nr_omitted);
	text_fixed(out, im->rec->name, sizeof(im->rec->name), 16);
	fprintf(out, " %-16s %10" PRIu64 " %12" PRIu64 " %-9s ",
		name_map_type(im->rec->type), e ? (uint64_t)e->nr_entries : 0, im->bytes, trunc);
	if (!e)
		fputs("no end record: its count and what it lacks unknown", out);
	else if (e->status || (e->flags & SXD_MAP_UNSUPPORTED))
		text_bytes(out, map_end_reason(e), e->reason_len < 95 ? e->reason_len : 95, 0);
	else
		fputc('-', out);
	fputc('\n', out);
}

/*
 * A line a map info that has words (maps/: a flat copy's bytes, time,
 * rate and elements), before the table: what the table's row cannot say.
 */
static void print_map_infos(const struct dump_index *x, FILE *out)
{
	const struct sxd_map_info *mi;
	uint32_t i;

	for (i = 0; i < x->nr_maps; i++) {
		mi = dump_index_info(x, x->maps[i].rec->map_index);
		if (mi)
			map_info_text(out, x->maps[i].rec, mi);
	}
}

int decode_summary(const struct dump_index *x, FILE *out)
{
	uint32_t i, j;

	for (i = 0; i < x->nr_scheds; i++) {
		print_exit(x->scheds[i].rec, out);
		for (j = 0; j < x->scheds[i].nr_stats; j++)
			print_stats(x->scheds[i].stats[j], out);
		if (x->scheds[i].core)
			print_core(&x->scheds[i], out);
	}
	print_capture(x, out);
	print_allocators(x, out);
	print_map_infos(x, out);
	for (i = 0; i < x->nr_errors; i++) {
		fprintf(out, "error %d: ", x->errors[i]->err);
		text_bytes(out, x->errors[i] + 1, x->errors[i]->msg_len, 0);
		fputc('\n', out);
	}
	for (i = 0; i < x->nr_problems; i++)
		fprintf(out, "error %d: %s\n", -EINVAL, x->problems[i]);
	for (i = 0; i < x->nr_absent; i++) {
		const char *a = (const char *)(x->absent[i] + 1);

		fputs("not in this kernel: ", out);
		text_bytes(out, a, x->absent[i]->feature_len, 0);
		fputs(" (", out);
		text_bytes(out, a + x->absent[i]->feature_len, x->absent[i]->reason_len, 0);
		fputs(")\n", out);
	}
	fprintf(out, "\n%-16s %-16s %10s %12s %-9s %s\n", "MAP", "TYPE", "ENTRIES",
		"BYTES", "TRUNCATED", "ERROR");
	for (i = 0; i < x->nr_maps; i++)
		print_map(x, &x->maps[i], out);
	return ferror(out) ? -1 : 0;
}

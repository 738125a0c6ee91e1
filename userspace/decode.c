// SPDX-License-Identifier: GPL-2.0
/*
 * A dump as JSON (docs/json.md): the document's top — capture, snapshot,
 * schedulers with their exit and statistics, errors, BTF objects — from
 * the index, then the maps streamed by maps.c.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/btf.h>
#include "core.h"
#include "emit.h"
#include "events.h"
#include "memory.h"
#include "names.h"

/* The JSON's own version (docs/json.md): a removed or retyped key bumps it. */
#define JSON_VERSION		1

static void emit_time(yajl_gen g, uint64_t ns)
{
	time_t s = ns / 1000000000ull;
	struct tm tm;
	char buf[48];

	gmtime_r(&s, &tm);
	snprintf(buf + strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm),
		 sizeof(buf) - 20, ".%06uZ", (unsigned int)(ns % 1000000000ull / 1000));
	json_kstr(g, "time", buf);
}

/*
 * The maps the stop copied, by map_index: each one's name, how (its memory
 * flat, or its entries walked) and the dump bytes it takes.
 */
static void emit_snapshot_maps(yajl_gen g, const struct dump_index *x)
{
	const struct index_map *im;
	const char *copy;
	uint32_t i;

	json_key(g, "maps");
	json_arr(g);
	for (i = 0; i < x->nr_ends; i++) {
		if (!x->ends[i] || !(copy = name_snapshot_copy(x->ends[i]->flags)))
			continue;
		json_obj(g);
		/* a MAP_END without its map's header is not a dump's: no name */
		im = dump_index_map(x, i);
		json_key(g, "name");
		if (im)
			json_strn(g, im->rec->name, strnlen(im->rec->name, sizeof(im->rec->name)));
		else
			json_null(g);
		json_kuint(g, "map_index", i);
		json_kstr(g, "copy", copy);
		json_kuint(g, "dump_bytes", dump_index_map_bytes(x, i));
		json_obj_end(g);
	}
	json_arr_end(g);
}

/*
 * How the maps were copied: at one instant (stop_machine) or one by one.
 * A record of before flat copies reads 0 past its end (index_snapshot()).
 */
static void emit_snapshot(yajl_gen g, const struct dump_index *x)
{
	const struct sxd_snapshot *sn = x->snap;

	if (!sn)
		return;
	json_key(g, "snapshot");
	json_obj(g);
	/* a stop whose budget ran out before the first map holds none */
	json_kbool(g, "consistent", sn->mode == SXD_SNAP_STOPPED && sn->nr_maps);
	json_kstr(g, "mode", name_snapshot_mode(sn->mode));
	if (sn->status)
		json_kstr(g, "error", name_errno(sn->status));
	json_kuint(g, "nr_maps", sn->nr_maps);
	json_kuint(g, "nr_cpus_held", sn->nr_cpus);
	json_kuint(g, "held_ns", sn->held_ns);
	json_kuint(g, "stop_ns", sn->stop_ns);
	json_kuint(g, "reserved_bytes", sn->reserved_bytes);
	json_kuint(g, "budget_ns", sn->budget_ns);
	json_kbool(g, "budget_exhausted", sn->snap_flags & SXD_SNAP_F_BUDGET);
	json_kbool(g, "redone", sn->snap_flags & SXD_SNAP_F_REDONE);
	json_kuint(g, "first_held_ns", sn->first_held_ns);
	json_kuint(g, "nr_maps_live", sn->nr_maps_live);
	json_kuint(g, "copied_bytes", sn->copied_bytes);
	json_kuint(g, "flat_bytes", sn->flat_bytes);
	json_kuint(g, "held_bytes", sn->copied_bytes + sn->flat_bytes);
	json_kuint(g, "plan_ns", sn->plan_ns);
	json_kuint(g, "nr_maps_flat", sn->nr_maps_flat);
	json_kuint(g, "nr_maps_unplanned", sn->nr_maps_unplanned);
	json_kuint(g, "copy_ps_per_byte", sn->copy_ps_per_byte);
	emit_snapshot_maps(g, x);
	json_obj_end(g);
}

static void emit_capture(const struct emit *e)
{
	const struct dump_file *f = e->x->f;
	const struct sxd_capture *c = e->x->cap;
	yajl_gen g = e->g;

	json_key(g, "capture");
	json_obj(g);
	if (c) {
		json_kstr(g, "trigger", name_trigger(c->trigger));
		emit_time(g, c->realtime_ns);
		json_kuint(g, "realtime_ns", c->realtime_ns);
		json_kuint(g, "boottime_ns", c->boottime_ns);
		json_kfixed(g, "kernel_release", c->kernel_release, sizeof(c->kernel_release));
		json_kfixed(g, "machine", c->machine, sizeof(c->machine));
		json_kfixed(g, "module_version", c->module_version, sizeof(c->module_version));
		json_kuint(g, "nr_cpu_ids", c->nr_cpu_slots);
		json_kuint(g, "nr_possible_cpus", c->nr_possible_cpus);
		json_kuint(g, "nr_online_cpus", c->nr_online_cpus);
		json_kuint(g, "page_size", c->page_size);
		json_kuint(g, "capture_seq", c->capture_seq);
	}
	/* a salvaged dump may have lost its END record: those facts with it */
	if (f->end)
		json_kuint(g, "duration_ns", f->end->duration_ns);
	json_kuint(g, "dump_bytes", f->size);
	json_kbool(g, "truncated", f->hdr->flags & SXD_F_TRUNCATED);
	if (f->end) {
		json_kuint(g, "bytes_omitted", f->end->bytes_omitted);
		json_kuint(g, "records_omitted", f->end->records_omitted);
		json_kuint(g, "nr_maps", f->end->nr_maps);
		json_kuint(g, "nr_errors", f->end->nr_errors);
	}
	emit_snapshot(g, e->x);
	json_obj_end(g);
}

/* --salvage on a damaged dump: what was read, where it stopped and why. */
static void emit_salvage(const struct emit *e)
{
	const struct dump_file *f = e->x->f;
	yajl_gen g = e->g;

	if (!f->damaged)
		return;
	json_key(g, "salvage");
	json_obj(g);
	json_kuint(g, "file_bytes", f->file_size);
	json_kuint(g, "read_bytes", f->size);
	json_kuint(g, "stopped_at", f->size);
	json_kuint(g, "records", f->nr_intact);
	json_kstr(g, "damage", f->damage);
	json_kstr(g, "stopped_by", f->stop_reason);
	json_kbool(g, "complete", f->end != NULL);
	json_obj_end(g);
}

/*
 * The stall watch's record: in a warning dump, the tasks that waited; in
 * an exit dump after a warning, that warning and how long before it was.
 */
static void emit_stall(const struct emit *e)
{
	const struct sxd_stall *st = e->x->stall;
	const struct sxd_stall_task *t;
	const struct sxd_capture *c = e->x->cap;
	yajl_gen g = e->g;
	uint32_t i;

	json_key(g, "stall");
	if (!st) {
		json_null(g);
		return;
	}
	json_obj(g);
	json_kstr(g, "kind", st->flags & SXD_STALL_WARNING ? "warning" :
			     st->flags & SXD_STALL_PAIRED ? "paired" : "unknown");
	json_kuint(g, "warning_seq", st->warning_seq);
	json_kuint(g, "warning_boottime_ns", st->warning_boottime_ns);
	/* how long before this capture the warning was: the failure, for an exit */
	json_key(g, "warning_ms_before");
	if (c && c->boottime_ns >= st->warning_boottime_ns)
		json_uint(g, (c->boottime_ns - st->warning_boottime_ns) / 1000000);
	else
		json_null(g);
	json_kuint(g, "enable_seq", st->enable_seq);
	json_kuint(g, "timeout_ms", st->timeout_ms);
	json_kuint(g, "threshold_ms", st->threshold_ms);
	json_kuint(g, "nr_cpus_waiting", st->nr_waiting);
	json_key(g, "tasks");
	json_arr(g);
	t = (const void *)(st + 1);
	for (i = 0; i < st->nr_tasks; i++) {
		json_obj(g);
		json_kint(g, "pid", t[i].pid);
		json_kfixed(g, "comm", t[i].comm, sizeof(t[i].comm));
		json_kint(g, "cpu", t[i].cpu);
		json_kuint(g, "wait_ms", t[i].wait_ms);
		json_obj_end(g);
	}
	json_arr_end(g);
	json_obj_end(g);
}

/* Lines of text as an array of strings, without the empty last one. */
static void emit_lines(yajl_gen g, const char *s, size_t len)
{
	const char *end = s + len, *nl;

	json_arr(g);
	while (s < end) {
		nl = memchr(s, '\n', end - s);
		if (!nl)
			nl = end;
		json_strn(g, s, nl - s);
		s = nl + 1;
	}
	json_arr_end(g);
}

static void emit_counters(yajl_gen g, const struct sxd_counters *co)
{
	const struct sxd_counter *c = (const void *)(co + 1);
	uint32_t i;

	json_key(g, "event_counters");
	json_obj(g);
	for (i = 0; i < co->nr; i++) {
		json_strn(g, c[i].name, strnlen(c[i].name, sizeof(c[i].name)));	/* the key */
		json_int(g, c[i].value);
	}
	json_obj_end(g);
}

static void emit_prog_stats(yajl_gen g, const struct sxd_prog_stats *ps)
{
	const struct sxd_prog_stat *st = (const void *)(ps + 1);
	uint32_t i;

	json_key(g, "programs");
	json_arr(g);
	for (i = 0; i < ps->nr; i++) {
		json_obj(g);
		json_kuint(g, "id", st[i].id);
		json_kfixed(g, "name", st[i].name, sizeof(st[i].name));
		json_kuint(g, "run_cnt", st[i].run_cnt);
		json_kuint(g, "run_time_ns", st[i].run_time_ns);
		json_kuint(g, "recursion_misses", st[i].recursion_misses);
		/* kernel.bpf_stats_enabled at capture, when the dump says */
		if (st[i].flags & (SXD_PROG_STATS_ON | SXD_PROG_STATS_OFF))
			json_kbool(g, "stats_kept", st[i].flags & SXD_PROG_STATS_ON);
		json_obj_end(g);
	}
	json_arr_end(g);
}

/* Its place among sub-schedulers: id, cgroup, parent (null: a root). */
static void emit_sched_tree(yajl_gen g, const struct sxd_sched_tree *t)
{
	json_kuint(g, "id", t->id);
	json_key(g, "cgroup");
	json_obj(g);
	json_kuint(g, "id", t->cgroup_id);
	json_kstrn(g, "path", (const char *)(t + 1), t->path_len);
	json_obj_end(g);
	json_key(g, "parent");
	if (!t->parent_id) {
		json_null(g);
		return;
	}
	json_obj(g);
	json_kuint(g, "id", t->parent_id);
	json_kfixed(g, "name", t->parent_name, sizeof(t->parent_name));
	json_obj_end(g);
}

static void emit_sched(const struct emit *e, const struct index_sched *is)
{
	yajl_gen g = e->g;
	const struct sxd_sched *s = is->rec;
	const char *p = (const char *)(s + 1);
	uint32_t i;

	json_obj(g);
	json_kuint(g, "index", s->sched_index);
	json_kfixed(g, "name", s->name, sizeof(s->name));
	json_kint(g, "level", s->level);
	json_kuint(g, "nr_maps", s->nr_maps);
	json_key(g, "ops");
	json_obj(g);
	json_kuint(g, "flags", s->ops_flags);
	json_kuint(g, "timeout_ms", s->timeout_ms);
	json_obj_end(g);
	json_key(g, "exit");
	json_obj(g);
	json_kint(g, "kind", s->exit_kind);
	json_kfixed(g, "kind_name", s->exit_kind_name, sizeof(s->exit_kind_name));
	json_kstrn(g, "reason", p, s->reason_len);
	p += s->reason_len;
	json_kstrn(g, "message", p, s->msg_len);
	p += s->msg_len;
	json_kint(g, "exit_code", s->exit_code);
	json_kint(g, "exit_cpu", s->exit_cpu);
	json_key(g, "backtrace");
	emit_lines(g, p, s->bt_len);
	p += s->bt_len;
	json_kstrn(g, "dump", p, s->dump_len);
	json_obj_end(g);
	for (i = 0; i < is->nr_stats; i++) {
		const struct sxd_rec *r = is->stats[i];

		if (r->type == SXD_REC_COUNTERS)
			emit_counters(g, (const void *)r);
		else if (r->type == SXD_REC_PROG_STATS)
			emit_prog_stats(g, (const void *)r);
		else if (r->type == SXD_REC_SCHED_TREE)
			emit_sched_tree(g, (const void *)r);
	}
	emit_core(e, is);
	json_obj_end(g);
}

static void emit_scheds_and_errors(const struct emit *e)
{
	const struct dump_index *x = e->x;
	uint32_t i;

	json_key(e->g, "schedulers");
	json_arr(e->g);
	for (i = 0; i < x->nr_scheds; i++)
		emit_sched(e, &x->scheds[i]);
	json_arr_end(e->g);
	json_key(e->g, "errors");
	json_arr(e->g);
	for (i = 0; i < x->nr_errors; i++) {
		const struct sxd_error *er = x->errors[i];

		json_obj(e->g);
		json_kint(e->g, "errno", er->err);
		json_kstrn(e->g, "message", er + 1, er->msg_len);
		json_obj_end(e->g);
	}
	/* the decoder's: records that contradict each other, left out */
	for (i = 0; i < x->nr_problems; i++) {
		json_obj(e->g);
		json_kint(e->g, "errno", -EINVAL);
		json_kstr(e->g, "message", x->problems[i]);
		json_obj_end(e->g);
	}
	json_arr_end(e->g);
	json_key(e->g, "absent");
	json_arr(e->g);
	for (i = 0; i < x->nr_absent; i++) {
		const struct sxd_absent *a = x->absent[i];

		json_obj(e->g);
		json_kstrn(e->g, "feature", a + 1, a->feature_len);
		json_kstrn(e->g, "reason", (const char *)(a + 1) + a->feature_len, a->reason_len);
		json_obj_end(e->g);
	}
	json_arr_end(e->g);
}

static void emit_btf_objects(const struct emit *e)
{
	uint32_t i;

	json_key(e->g, "btf_objects");
	json_arr(e->g);
	for (i = 0; i < e->x->nr_btfs; i++) {
		const struct index_btf *s = &e->x->btfs[i];
		const struct btf *btf = index_btf_at(e->x, i, NULL);

		if (!s->rec)
			continue;
		json_obj(e->g);
		json_kuint(e->g, "index", i);
		json_kstr(e->g, "kind", name_btf_kind(s->rec->kind));
		json_kuint(e->g, "kernel_id", s->rec->kernel_id);
		json_kuint(e->g, "size", s->rec->size);
		json_kuint(e->g, "nr_types", btf ? btf__type_cnt(btf) - 1 : 0);
		json_key(e->g, "error");
		if (s->err)
			json_str(e->g, s->err);
		else
			json_null(e->g);
		json_obj_end(e->g);
	}
	json_arr_end(e->g);
}

/* "allocators": every arena allocator found, sdt ones first. */
void emit_allocators(const struct emit *e)
{
	json_key(e->g, "allocators");
	json_arr(e->g);
	sdt_emit(e);
	bump_emit(e);
	json_arr_end(e->g);
}

int decode_json(const struct dump_index *x, FILE *out, const struct decode_opts *o)
{
	struct emit e = { .x = x, .o = o };
	int err, merr = 0;

	plan_cache_init(&e.plans);
	e.mem = mem_for_render(x, &e.view, &err);
	e.g = err ? NULL : json_open(out, o->pretty);
	if (!e.g) {
		mem_view_free(&e.view);
		plan_cache_free(&e.plans);
		return -ENOMEM;
	}
	json_obj(e.g);
	json_kuint(e.g, "json_version", JSON_VERSION);
	json_kuint(e.g, "format_version", x->f->hdr->version);
	emit_salvage(&e);
	if (o->timeline_only) {
		emit_timeline(&e);
	} else if (o->events_only) {
		emit_events(&e);
	} else {
		if (!o->maps_only) {
			emit_capture(&e);
			emit_stall(&e);
			emit_scheds_and_errors(&e);
			emit_btf_objects(&e);
			emit_allocators(&e);
		}
		/* scxdump info and diff leave the samples and the events out */
		if (!o->maps_only && !o->header_only) {
			emit_timeline(&e);
			emit_events(&e);
		}
		if (!o->header_only)
			merr = emit_maps(&e);
	}
	json_obj_end(e.g);
	json_close(e.g);
	mem_view_free(&e.view);
	plan_cache_free(&e.plans);
	fputc('\n', out);
	if (merr)
		return merr;
	return ferror(out) ? -EIO : 0;
}

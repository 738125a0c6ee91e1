// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump trace: the event recorder's events (events.h) as Chrome's
 * trace-event JSON ({"traceEvents": [...]}), which Perfetto's UI and
 * chrome://tracing load. The dump is process 0, named after its
 * scheduler; each CPU a thread (tid = the CPU). What each CPU ran is an
 * "X" slice from one switch to the next (the first from the CPU's first
 * switch, the last to the failure, or the capture); every other event an
 * instant on its CPU with its fields as args; a wakeup a flow to the
 * woken task's next slice; the failure a global instant. Times are
 * microseconds from the first event, written exactly (ns / 1000).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"
#include "names.h"

struct trace_slice {
	uint64_t start, end;
	int32_t pid, tgid;
	uint32_t cpu, class;
};

struct trace {
	yajl_gen g;
	const struct events_view *v;
	uint64_t base;			/* the first event's ts: time 0 */
	struct trace_slice *slices;	/* CPU by CPU, each in time order */
	size_t nr_slices;
	size_t *by_pid;			/* slices[] by (pid, start) */
};

/* @key: @ns as microseconds, three decimals: exact */
static void trace_us(yajl_gen g, const char *key, int64_t ns)
{
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	char buf[40];
	int n;

	n = snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%03" PRIu64, ns < 0 ? "-" : "", a / 1000,
		     a % 1000);
	json_key(g, key);
	yajl_gen_number(g, buf, n);
}

/* The members every event has (its name @len bytes of the dump's); its object left open. */
static void trace_head(struct trace *t, const char *ph, const char *name, size_t len,
		       uint32_t tid, uint64_t ts)
{
	yajl_gen g = t->g;

	json_obj(g);
	json_kstr(g, "ph", ph);
	json_kstrn(g, "name", name, len);
	json_kuint(g, "pid", 0);
	json_kuint(g, "tid", tid);
	trace_us(g, "ts", (int64_t)(ts - t->base));
}

static void trace_meta(struct trace *t, const char *what, uint32_t tid, const char *name,
		       size_t len)
{
	yajl_gen g = t->g;

	trace_head(t, "M", what, strlen(what), tid, t->base);
	json_key(g, "args");
	json_obj(g);
	json_kstrn(g, "name", name, len);
	json_obj_end(g);
	json_obj_end(g);
}

/* The process (the dump's scheduler) and a thread a CPU. */
static void trace_names(struct trace *t)
{
	const struct dump_index *x = t->v->x;
	const struct sxd_sched *s = x->nr_scheds ? x->scheds[0].rec : NULL;
	char name[16 + sizeof(s->name)];
	uint32_t i;
	int n;

	n = snprintf(name, sizeof(name), "scheduler ");
	if (s) {
		size_t len = strnlen(s->name, sizeof(s->name));

		memcpy(name + n, s->name, len);
		n += len;
	} else {
		n += snprintf(name + n, sizeof(name) - n, "?");
	}
	trace_meta(t, "process_name", 0, name, n);
	for (i = 0; i < t->v->h->nr_cpus; i++) {
		uint32_t cpu = t->v->cpus[i].cpu;

		n = snprintf(name, sizeof(name), "CPU %" PRIu32, cpu);
		trace_meta(t, "thread_name", cpu, name, n);
		trace_head(t, "M", "thread_sort_index", 17, cpu, t->base);
		json_key(t->g, "args");
		json_obj(t->g);
		json_kuint(t->g, "sort_index", cpu);
		json_obj_end(t->g);
		json_obj_end(t->g);
	}
}

/*
 * Each CPU's slices from its switches: the events are in time order, so
 * a CPU's slices follow one another and none overlaps the next. Idle
 * (pid 0) runs no slice.
 */
static int trace_slices(struct trace *t)
{
	const struct events_view *v = t->v;
	uint64_t end = v->ref_ns;
	size_t *open, i, n = 0;
	uint32_t max_cpu = 0;

	for (i = 0; i < v->h->nr_events; i++) {
		if (v->sorted[i]->type == SXD_EV_SWITCH)
			n++;
		if (v->sorted[i]->cpu > max_cpu)
			max_cpu = v->sorted[i]->cpu;
	}
	t->slices = calloc(n ? n : 1, sizeof(*t->slices));
	/* 1 + the slice of each CPU still running; 0: none */
	open = calloc((size_t)max_cpu + 1, sizeof(*open));
	if (!t->slices || !open) {
		free(open);
		return -ENOMEM;
	}
	for (i = 0; i < v->h->nr_events; i++) {
		const struct sxd_event *e = v->sorted[i];
		struct trace_slice *s;

		if (e->type != SXD_EV_SWITCH)
			continue;
		if (open[e->cpu])
			t->slices[open[e->cpu] - 1].end = e->ts;
		open[e->cpu] = 0;
		if ((int32_t)e->arg <= 0)
			continue;
		s = &t->slices[t->nr_slices++];
		*s = (struct trace_slice){
			.start = e->ts, .end = e->ts, .pid = (int32_t)e->arg, .tgid = (int32_t)e->d,
			.cpu = e->cpu, .class = SXD_EV_SW_NEXT_CLASS(e->b),
		};
		open[e->cpu] = t->nr_slices;
	}
	/* the last of each CPU runs to the failure (or the capture), if after it */
	for (i = 0; i <= max_cpu; i++) {
		if (open[i] && end > t->slices[open[i] - 1].start)
			t->slices[open[i] - 1].end = end;
	}
	free(open);
	return 0;
}

static int slice_pid_cmp(const void *a, const void *b, void *ctx)
{
	const struct trace_slice *p = &((const struct trace_slice *)ctx)[*(const size_t *)a];
	const struct trace_slice *q = &((const struct trace_slice *)ctx)[*(const size_t *)b];

	if (p->pid != q->pid)
		return p->pid < q->pid ? -1 : 1;
	return (p->start > q->start) - (p->start < q->start);
}

static int trace_by_pid(struct trace *t)
{
	size_t i;

	t->by_pid = malloc((t->nr_slices ? t->nr_slices : 1) * sizeof(*t->by_pid));
	if (!t->by_pid)
		return -ENOMEM;
	for (i = 0; i < t->nr_slices; i++)
		t->by_pid[i] = i;
	qsort_r(t->by_pid, t->nr_slices, sizeof(*t->by_pid), slice_pid_cmp, t->slices);
	return 0;
}

/* The first slice of @pid starting at or after @ts, or NULL. */
static const struct trace_slice *next_slice(const struct trace *t, int32_t pid, uint64_t ts)
{
	size_t lo = 0, hi = t->nr_slices;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct trace_slice *s = &t->slices[t->by_pid[mid]];

		if (s->pid < pid || (s->pid == pid && s->start < ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->nr_slices || t->slices[t->by_pid[lo]].pid != pid)
		return NULL;
	return &t->slices[t->by_pid[lo]];
}

static void trace_slice(struct trace *t, const struct trace_slice *s)
{
	const char *comm = events_comm(t->v, s->pid);
	yajl_gen g = t->g;
	char name[24];
	int64_t dur = (int64_t)(s->end - s->start);

	if (comm) {
		trace_head(t, "X", comm, strnlen(comm, 16), s->cpu, s->start);
	} else {
		snprintf(name, sizeof(name), "pid %" PRId32, s->pid);
		trace_head(t, "X", name, strlen(name), s->cpu, s->start);
	}
	trace_us(g, "dur", dur > 0 ? dur : 0);
	json_kstr(g, "cat", "run");
	json_key(g, "args");
	json_obj(g);
	json_kint(g, "pid", s->pid);
	json_kint(g, "tgid", s->tgid);
	json_kstr(g, "class", name_sched_class(s->class));
	json_obj_end(g);
	json_obj_end(g);
}

/* A wakeup's flow: from the waker's CPU to the woken task's next slice. */
static void trace_flow(struct trace *t, const struct sxd_event *e, uint64_t id)
{
	const struct trace_slice *s = e->pid > 0 ? next_slice(t, e->pid, e->ts) : NULL;
	yajl_gen g = t->g;

	if (!s)
		return;
	trace_head(t, "s", "wakeup", 6, e->cpu, e->ts);
	json_kstr(g, "cat", "wakeup");
	json_kuint(g, "id", id);
	json_obj_end(g);
	trace_head(t, "f", "wakeup", 6, s->cpu, s->start);
	json_kstr(g, "cat", "wakeup");
	json_kuint(g, "id", id);
	json_kstr(g, "bp", "e");
	json_obj_end(g);
}

static void trace_instant(struct trace *t, const struct sxd_event *e)
{
	yajl_gen g = t->g;
	const char *name = events_type_name(e->type);

	trace_head(t, "i", name, strlen(name), e->cpu, e->ts);
	json_kstr(g, "s", "t");
	json_kstr(g, "cat", "event");
	json_key(g, "args");
	json_obj(g);
	json_kuint(g, "seq", e->seq);
	json_kint(g, "t_ns", events_t(t->v, e->ts));
	events_emit_fields(g, t->v, e);
	json_obj_end(g);
	json_obj_end(g);
}

static void trace_failure(struct trace *t)
{
	const struct sxd_events *h = t->v->h;
	size_t len = 0;
	const char *kind = h->stop_kind >= 0 ? events_kind_name(t->v, h->stop_kind, &len) : NULL;
	yajl_gen g = t->g;

	trace_head(t, "i", "failure", 7, 0, h->stop_ns);
	json_kstr(g, "s", "g");
	json_kstr(g, "cat", "failure");
	json_key(g, "args");
	json_obj(g);
	json_kint(g, "exit_kind", h->stop_kind);
	if (kind)
		json_kstrn(g, "exit_kind_name", kind, len);
	json_obj_end(g);
	json_obj_end(g);
}

static void trace_events(struct trace *t)
{
	const struct events_view *v = t->v;
	uint64_t flows = 0;
	size_t i;

	json_obj(t->g);
	json_key(t->g, "traceEvents");
	json_arr(t->g);
	trace_names(t);
	for (i = 0; i < t->nr_slices; i++)
		trace_slice(t, &t->slices[i]);
	for (i = 0; i < v->h->nr_events; i++) {
		const struct sxd_event *e = v->sorted[i];

		if (e->type == SXD_EV_SWITCH || e->type == SXD_EV_EXIT)
			continue;	/* slices; the failure */
		trace_instant(t, e);
		if (e->type == SXD_EV_WAKEUP || e->type == SXD_EV_WAKEUP_NEW)
			trace_flow(t, e, ++flows);
	}
	if (v->stopped)
		trace_failure(t);
	json_arr_end(t->g);
	json_kstr(t->g, "displayTimeUnit", "ns");
	json_obj_end(t->g);
}

int trace_json(const struct dump_index *x, FILE *out, const struct decode_opts *o)
{
	struct events_view v;
	struct trace t = { 0 };
	int err;

	err = events_open(&v, x, o->vmlinux);
	if (err)
		return err;
	t.v = &v;
	t.base = v.h->nr_events ? v.sorted[0]->ts : v.ref_ns;
	err = trace_slices(&t);
	if (!err)
		err = trace_by_pid(&t);
	if (!err) {
		t.g = json_open(out, o->pretty);
		if (!t.g)
			err = -ENOMEM;
	}
	if (!err) {
		trace_events(&t);
		json_close(t.g);
		fputc('\n', out);
		err = ferror(out) ? -EIO : 0;
	}
	free(t.slices);
	free(t.by_pid);
	events_close(&v);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The event recorder's events (SXD_REC_EVENTS, events.h): in time order
 * across CPUs, each one's fields named by its type, as the JSON's
 * "events" and "events_info" (docs/json.md) and as `scxdump events`, a
 * line an event with its time from the failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "core.h"
#include "events.h"
#include "names.h"
#include "textout.h"

/* a name in b..d of an event: 24 bytes, NUL-padded, not always ended */
#define EV_NAME_LEN	24

static const char *const type_names[] = {
	[SXD_EV_SWITCH] = "switch",
	[SXD_EV_WAKEUP] = "wakeup",
	[SXD_EV_WAKEUP_NEW] = "wakeup_new",
	[SXD_EV_MIGRATE] = "migrate",
	[SXD_EV_INSERT] = "insert",
	[SXD_EV_INSERT_VTIME] = "insert_vtime",
	[SXD_EV_MOVE_TO_LOCAL] = "move_to_local",
	[SXD_EV_MOVE] = "move",
	[SXD_EV_MOVE_VTIME] = "move_vtime",
	[SXD_EV_KICK] = "kick",
	[SXD_EV_SET_SLICE] = "set_slice",
	[SXD_EV_SET_VTIME] = "set_vtime",
	[SXD_EV_DSQ_CREATE] = "dsq_create",
	[SXD_EV_DSQ_DESTROY] = "dsq_destroy",
	[SXD_EV_ERROR] = "error",
	[SXD_EV_BPF_EXIT] = "bpf_exit",
	[SXD_EV_SCX_EVENT] = "scx_event",
	[SXD_EV_EXIT] = "exit",
};

const char *events_type_name(uint32_t type)
{
	return type < sizeof(type_names) / sizeof(type_names[0]) && type_names[type] ?
	       type_names[type] : "unknown";
}

static int event_cmp(const void *a, const void *b)
{
	const struct sxd_event *p = *(const struct sxd_event *const *)a;
	const struct sxd_event *q = *(const struct sxd_event *const *)b;

	if (p->ts != q->ts)
		return p->ts < q->ts ? -1 : 1;
	if (p->cpu != q->cpu)
		return p->cpu < q->cpu ? -1 : 1;
	return (p->seq > q->seq) - (p->seq < q->seq);
}

static int comm_cmp(const void *a, const void *b)
{
	const struct events_comm *p = a, *q = b;

	if (p->pid != q->pid)
		return p->pid < q->pid ? -1 : 1;
	return (p->order > q->order) - (p->order < q->order);
}

static void comm_add(struct events_view *v, int32_t pid, const char *comm)
{
	v->comms[v->nr_comms] = (struct events_comm){ pid, comm, v->nr_comms };
	v->nr_comms++;
}

/*
 * Every task the core states and the stall watch name, by pid: a pid's
 * first is the core state's task, then a CPU's current, then the stall's.
 */
static int events_comms(struct events_view *v)
{
	const struct dump_index *x = v->x;
	const struct sxd_stall_task *st;
	struct core_view cv;
	size_t n = x->stall ? x->stall->nr_tasks : 0;
	uint32_t i, k;

	for (i = 0; i < x->nr_scheds; i++) {
		if (x->scheds[i].core)
			n += (size_t)x->scheds[i].core->nr_tasks + x->scheds[i].core->nr_cpus;
	}
	if (!n)
		return 0;
	v->comms = calloc(n, sizeof(*v->comms));
	if (!v->comms)
		return -ENOMEM;
	for (i = 0; i < x->nr_scheds; i++) {
		if (!x->scheds[i].core)
			continue;
		core_view(x->scheds[i].core, &cv);
		for (k = 0; k < cv.h->nr_tasks; k++)
			comm_add(v, cv.tasks[k].pid, cv.tasks[k].comm);
		for (k = 0; k < cv.h->nr_cpus; k++) {
			if (cv.cpus[k].curr_pid >= 0)
				comm_add(v, cv.cpus[k].curr_pid, cv.cpus[k].curr_comm);
		}
	}
	st = x->stall ? (const void *)(x->stall + 1) : NULL;
	for (k = 0; st && k < x->stall->nr_tasks; k++)
		comm_add(v, st[k].pid, st[k].comm);
	qsort(v->comms, v->nr_comms, sizeof(*v->comms), comm_cmp);
	return 0;
}

const char *events_comm(const struct events_view *v, int32_t pid)
{
	size_t lo = 0, hi = v->nr_comms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->comms[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nr_comms && v->comms[lo].pid == pid ? v->comms[lo].comm : NULL;
}

int events_open(struct events_view *v, const struct dump_index *x, const struct btf *vmlinux)
{
	const struct sxd_events *h = x->events;
	const struct sxd_event *ev;
	uint32_t i;

	memset(v, 0, sizeof(*v));
	v->x = x;
	v->vmlinux = vmlinux ? vmlinux : index_vmlinux(x);
	if (!h)
		return -ENOENT;
	/* records.c checked the counts against the record's size */
	v->h = h;
	v->hooks = (const void *)(h + 1);
	v->cpus = (const void *)(v->hooks + h->nr_hooks);
	ev = (const void *)(v->cpus + h->nr_cpus);
	v->stopped = (h->flags & SXD_EV_F_STOPPED) && h->stop_ns;
	v->ref_ns = v->stopped ? h->stop_ns : h->capture_ns;
	if (h->nr_events) {
		v->sorted = malloc((size_t)h->nr_events * sizeof(*v->sorted));
		if (!v->sorted)
			return -ENOMEM;
		for (i = 0; i < h->nr_events; i++)
			v->sorted[i] = &ev[i];
		qsort(v->sorted, h->nr_events, sizeof(*v->sorted), event_cmp);
	}
	if (events_comms(v)) {
		events_close(v);
		return -ENOMEM;
	}
	return 0;
}

void events_close(struct events_view *v)
{
	free(v->sorted);
	free(v->comms);
	memset(v, 0, sizeof(*v));
}

/*
 * The kernel's name of exit kind @kind: a scheduler's record of the dump
 * names its own exit's, the kernel's BTF (enum scx_exit_kind) any.
 */
const char *events_kind_name(const struct events_view *v, int32_t kind, size_t *len)
{
	const struct btf_type *t;
	const char *name;
	uint32_t i;
	int id;

	for (i = 0; i < v->x->nr_scheds; i++) {
		const struct sxd_sched *s = v->x->scheds[i].rec;

		if (s->exit_kind == kind && s->exit_kind_name[0]) {
			*len = strnlen(s->exit_kind_name, sizeof(s->exit_kind_name));
			return s->exit_kind_name;
		}
	}
	id = v->vmlinux ? btf__find_by_name_kind(v->vmlinux, "scx_exit_kind", BTF_KIND_ENUM) : -1;
	t = id > 0 ? btf__type_by_id(v->vmlinux, id) : NULL;
	for (i = 0; t && i < btf_vlen(t); i++) {
		if (render_enumerator(v->vmlinux, t, i, &name) == kind && name) {
			*len = strlen(name);
			return name;
		}
	}
	return NULL;
}

bool events_match(const struct events_view *v, const struct sxd_event *e,
		  const struct events_filter *f)
{
	int64_t t = events_t(v, e->ts);
	bool pid = !f->has_pid, dsq = !f->has_dsq;
	struct ev_fields fs;
	unsigned int i;

	if ((f->has_cpu && e->cpu != f->cpu) || (f->has_since && t < f->since) ||
	    (f->has_until && t > f->until))
		return false;
	if (pid && dsq)
		return true;
	/* the task and DSQ fields the event is written with */
	events_fields(v, e, &fs);
	for (i = 0; i < fs.n; i++) {
		pid |= fs.f[i].kind == EVF_PID && fs.f[i].i == f->pid;
		dsq |= fs.f[i].kind == EVF_DSQ && fs.f[i].u == f->dsq;
	}
	return pid && dsq;
}

/* Field builders */
static struct ev_field *add(struct ev_fields *o, const char *key, enum ev_field_kind kind)
{
	struct ev_field *f = &o->f[o->n < EV_MAX_FIELDS ? o->n++ : EV_MAX_FIELDS - 1];

	*f = (struct ev_field){ .key = key, .kind = kind };
	return f;
}

static void add_int(struct ev_fields *o, const char *key, int64_t i)
{
	add(o, key, EVF_INT)->i = i;
}

static void add_flags(struct ev_fields *o, const char *key, uint64_t u)
{
	add(o, key, EVF_FLAGS)->u = u;
}

static void add_name(struct ev_fields *o, const char *key, const char *s)
{
	add(o, key, EVF_NAME)->s = s;
}

static void add_bytes(struct ev_fields *o, const char *key, const char *s, size_t len)
{
	struct ev_field *f = add(o, key, EVF_BYTES);

	f->s = s;
	f->len = len;
}

static void add_pid(struct ev_fields *o, const char *key, const char *comm_key, int32_t pid)
{
	struct ev_field *f = add(o, key, EVF_PID);

	f->i = pid;
	f->comm_key = comm_key;
}

/* the pid of an event that names a task, when it has one */
static void add_task(struct ev_fields *o, const struct sxd_event *e)
{
	if (e->pid >= 0)
		add_pid(o, "pid", "comm", e->pid);
}

static void add_dsq(struct ev_fields *o, uint64_t id)
{
	add(o, "dsq_id", EVF_DSQ)->u = id;
}

/* a kfunc's result: true, false, nothing for a void one */
static void add_result(struct ev_fields *o, uint32_t res)
{
	if (res != SXD_EV_RES_VOID)
		add(o, "result", EVF_BOOL)->i = res == SXD_EV_RES_TRUE;
}

/* the name in b..d */
static void add_ev_name(struct ev_fields *o, const char *key, const struct sxd_event *e)
{
	const char *s = (const char *)&e->b;

	add_bytes(o, key, s, strnlen(s, EV_NAME_LEN));
}

void events_fields(const struct events_view *v, const struct sxd_event *e, struct ev_fields *o)
{
	const char *kind;
	size_t len;

	_Static_assert(offsetof(struct sxd_event, d) - offsetof(struct sxd_event, b) == 16,
		       "an event's name is b, c and d in a row");
	o->n = 0;
	switch (e->type) {
	case SXD_EV_SWITCH:
		add_pid(o, "prev_pid", "prev_comm", e->pid);
		add_int(o, "prev_tgid", (int32_t)e->c);
		add_flags(o, "prev_state", e->a);
		add_name(o, "prev_class", name_sched_class(SXD_EV_SW_PREV_CLASS(e->b)));
		add_pid(o, "next_pid", "next_comm", (int32_t)e->arg);
		add_int(o, "next_tgid", (int32_t)e->d);
		add_name(o, "next_class", name_sched_class(SXD_EV_SW_NEXT_CLASS(e->b)));
		add(o, "preempt", EVF_BOOL)->i = !!(e->b & SXD_EV_SW_PREEMPT);
		break;
	case SXD_EV_WAKEUP:
	case SXD_EV_WAKEUP_NEW:
		add_task(o, e);
		add_int(o, "tgid", (int32_t)e->a);
		add_int(o, "target_cpu", (int32_t)e->arg);
		add_name(o, "class", name_sched_class(e->b));
		break;
	case SXD_EV_MIGRATE:
		add_task(o, e);
		add_int(o, "tgid", (int32_t)e->a);
		add_int(o, "from_cpu", (int32_t)e->b);
		add_int(o, "to_cpu", (int32_t)e->arg);
		break;
	case SXD_EV_INSERT:
	case SXD_EV_INSERT_VTIME:
		add_task(o, e);
		add_dsq(o, e->a);
		add_int(o, "slice", (int64_t)e->b);
		if (e->type == SXD_EV_INSERT_VTIME)
			add_int(o, "vtime", (int64_t)e->d);
		add_flags(o, "enq_flags", e->c);
		add_result(o, e->arg);
		break;
	case SXD_EV_MOVE_TO_LOCAL:
	case SXD_EV_MOVE:
	case SXD_EV_MOVE_VTIME:
		add_task(o, e);
		add_dsq(o, e->a);
		add_flags(o, "enq_flags", e->c);
		add_result(o, e->arg);
		break;
	case SXD_EV_KICK:
		add_task(o, e);
		add_int(o, "kicked_cpu", (int32_t)e->arg);
		add_flags(o, "flags", e->a);
		break;
	case SXD_EV_SET_SLICE:
	case SXD_EV_SET_VTIME:
		add_task(o, e);
		add_int(o, e->type == SXD_EV_SET_SLICE ? "slice" : "vtime", (int64_t)e->a);
		add_result(o, e->arg);
		break;
	case SXD_EV_DSQ_CREATE:
		add_dsq(o, e->a);
		add_int(o, "node", (int32_t)e->arg);
		add_int(o, "result", (int32_t)e->b);
		break;
	case SXD_EV_DSQ_DESTROY:
		add_dsq(o, e->a);
		break;
	case SXD_EV_ERROR:
	case SXD_EV_BPF_EXIT:
		add_task(o, e);
		if (e->type == SXD_EV_BPF_EXIT)
			add_int(o, "exit_code", (int64_t)e->a);
		add_ev_name(o, "prog", e);
		break;
	case SXD_EV_SCX_EVENT:
		add_ev_name(o, "name", e);
		add_int(o, "delta", (int64_t)e->a);
		break;
	case SXD_EV_EXIT:
		add_task(o, e);
		add_int(o, "exit_kind", (int32_t)e->arg);
		kind = events_kind_name(v, (int32_t)e->arg, &len);
		if (kind)
			add_bytes(o, "exit_kind_name", kind, len);
		break;
	default:	/* a type this decoder does not know: the fields as they are */
		add_int(o, "type_id", e->type);
		add_int(o, "pid", e->pid);
		add_flags(o, "arg", e->arg);
		add_flags(o, "a", e->a);
		add_flags(o, "b", e->b);
		add_flags(o, "c", e->c);
		add_flags(o, "d", e->d);
		break;
	}
}

void events_emit_fields(yajl_gen g, const struct events_view *v, const struct sxd_event *e)
{
	struct ev_fields fs;
	const char *comm;
	unsigned int i;

	events_fields(v, e, &fs);
	for (i = 0; i < fs.n; i++) {
		const struct ev_field *f = &fs.f[i];

		switch (f->kind) {
		case EVF_INT:
			json_kint(g, f->key, f->i);
			break;
		case EVF_FLAGS:
			json_kuint(g, f->key, f->u);
			break;
		case EVF_BOOL:
			json_kbool(g, f->key, f->i);
			break;
		case EVF_NAME:
			json_kstr(g, f->key, f->s);
			break;
		case EVF_BYTES:
			json_kstrn(g, f->key, f->s, f->len);
			break;
		case EVF_PID:
			json_kint(g, f->key, f->i);
			comm = events_comm(v, f->i);
			if (comm)
				json_kfixed(g, f->comm_key, comm, 16);
			break;
		case EVF_DSQ:
			core_emit_dsq(g, "dsq_id", "dsq_name", f->u);
			break;
		}
	}
}

static void emit_info(yajl_gen g, const struct events_view *v)
{
	static const char *const flags[] = { "stopped", "live" };
	static const char *const hook_kinds[] = { "unknown", "tracepoint", "kfunc" };
	const struct sxd_events *h = v->h;
	const char *kind;
	size_t len;
	uint32_t i;

	json_key(g, "events_info");
	json_obj(g);
	json_kuint(g, "load", h->load);
	json_kuint(g, "enable_seq", h->enable_seq);
	json_kuint(g, "per_cpu", h->per_cpu);
	json_kuint(g, "stop_ns", h->stop_ns);
	json_kuint(g, "capture_ns", h->capture_ns);
	json_kint(g, "stop_kind", h->stop_kind);
	json_key(g, "stop_kind_name");
	kind = h->stop_kind >= 0 ? events_kind_name(v, h->stop_kind, &len) : NULL;
	if (kind)
		json_strn(g, kind, len);
	else
		json_null(g);
	json_kflags(g, "flags", h->flags, flags, sizeof(flags) / sizeof(flags[0]));
	json_kstr(g, "times_from", v->stopped ? "stop" : "capture");
	json_kuint(g, "nr_events", h->nr_events);
	json_key(g, "hooks");
	json_arr(g);
	for (i = 0; i < h->nr_hooks; i++) {
		const struct sxd_ev_hook *k = &v->hooks[i];

		json_obj(g);
		json_kfixed(g, "name", k->name, sizeof(k->name));
		json_kstr(g, "kind", k->kind < 3 ? hook_kinds[k->kind] : "unknown");
		json_kstr(g, "type", events_type_name(k->type));
		json_obj_end(g);
	}
	json_arr_end(g);
	json_key(g, "cpus");
	json_arr(g);
	for (i = 0; i < h->nr_cpus; i++) {
		const struct sxd_ev_cpu *c = &v->cpus[i];

		json_obj(g);
		json_kuint(g, "cpu", c->cpu);
		json_kuint(g, "nr", c->nr);
		json_kuint(g, "written", c->written);
		json_kuint(g, "overwritten", c->overwritten);
		json_kuint(g, "other", c->other);
		json_kuint(g, "torn", c->torn);
		json_kuint(g, "after_stop", c->after_stop);
		json_obj_end(g);
	}
	json_arr_end(g);
	json_obj_end(g);
}

void emit_events(const struct emit *e)
{
	struct events_view v;
	yajl_gen g = e->g;
	uint32_t i;

	if (events_open(&v, e->x, e->o->vmlinux)) {
		/* no record, or no memory for its order: said as none */
		json_key(g, "events_info");
		json_null(g);
		json_key(g, "events");
		json_null(g);
		return;
	}
	emit_info(g, &v);
	json_key(g, "events");
	json_arr(g);
	for (i = 0; i < v.h->nr_events; i++) {
		const struct sxd_event *ev = v.sorted[i];

		if (!events_match(&v, ev, &e->o->events))
			continue;
		json_obj(g);
		json_kuint(g, "seq", ev->seq);
		json_kuint(g, "cpu", ev->cpu);
		json_kuint(g, "ts_ns", ev->ts);
		json_kint(g, "t_ns", events_t(&v, ev->ts));
		json_kstr(g, "type", events_type_name(ev->type));
		events_emit_fields(g, &v, ev);
		json_obj_end(g);
	}
	json_arr_end(g);
	events_close(&v);
}

/* "-1.234567 ms": ns as ms, exactly */
static void text_time(FILE *out, int64_t t)
{
	uint64_t a = t < 0 ? -(uint64_t)t : (uint64_t)t;
	char buf[40];

	snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%06" PRIu64 " ms", t < 0 ? "-" : "",
		 a / 1000000, a % 1000000);
	fprintf(out, "%16s", buf);
}

static void text_field(FILE *out, const struct events_view *v, const struct ev_field *f)
{
	const char *comm;
	char name[40];

	switch (f->kind) {
	case EVF_INT:
		fprintf(out, " %s %" PRId64, f->key, f->i);
		break;
	case EVF_FLAGS:
		fprintf(out, " %s 0x%" PRIx64, f->key, f->u);
		break;
	case EVF_BOOL:
		fprintf(out, " %s %s", f->key, f->i ? "true" : "false");
		break;
	case EVF_NAME:
		fprintf(out, " %s %s", f->key, f->s);
		break;
	case EVF_BYTES:
		fprintf(out, " %s ", f->key);
		text_bytes(out, f->s, f->len, 0);
		break;
	case EVF_PID:
		fprintf(out, " %s %" PRId64, f->key, f->i);
		comm = events_comm(v, f->i);
		if (comm) {
			fputs(" (", out);
			text_fixed(out, comm, 16, 0);
			fputc(')', out);
		}
		break;
	case EVF_DSQ:
		if (core_dsq_name(f->u, name, sizeof(name)))
			fprintf(out, " dsq %s", name);
		else
			fprintf(out, " dsq %" PRIu64, f->u);
		break;
	}
}

static void text_event(FILE *out, const struct events_view *v, const struct sxd_event *e)
{
	struct ev_fields fs;
	unsigned int i;

	text_time(out, events_t(v, e->ts));
	fprintf(out, "  cpu %-3u  %-13s ", e->cpu, events_type_name(e->type));
	events_fields(v, e, &fs);
	for (i = 0; i < fs.n; i++) {
		text_field(out, v, &fs.f[i]);
		/* the task apart from what was done to it */
		if (fs.f[i].kind == EVF_PID && i + 1 < fs.n)
			fputc(' ', out);
	}
	fputc('\n', out);
}

/* The failure's line: where the recording stopped, and why. */
static void text_failure(FILE *out, const struct events_view *v)
{
	size_t len = 0;
	const char *kind = v->h->stop_kind >= 0 ? events_kind_name(v, v->h->stop_kind, &len) : NULL;

	text_time(out, 0);
	fputs("  ==== failure: exit kind ", out);
	if (kind)
		text_bytes(out, kind, len, 0);
	else
		fprintf(out, "%" PRId32, v->h->stop_kind);
	fputs(" ====\n", out);
}

static void text_header(FILE *out, const struct events_view *v)
{
	const struct sxd_events *h = v->h;
	uint32_t i;

	fprintf(out, "events of scheduler load %" PRIu32 ": %" PRIu32 " kept on %" PRIu32
		" CPUs (%" PRIu32 " slots each), times from the %s\n",
		h->load, h->nr_events, h->nr_cpus, h->per_cpu,
		v->stopped ? "failure" : "capture (the recording had not stopped)");
	fputs("per CPU, kept/overwritten/torn:", out);
	for (i = 0; i < h->nr_cpus; i++)
		fprintf(out, " %" PRIu32 ": %" PRIu32 "/%" PRIu64 "/%" PRIu64, v->cpus[i].cpu,
			v->cpus[i].nr, (uint64_t)v->cpus[i].overwritten, (uint64_t)v->cpus[i].torn);
	fputc('\n', out);
}

int events_text(const struct dump_index *x, FILE *out, const struct decode_opts *o)
{
	const struct events_filter *f = &o->events;
	struct events_view v;
	bool marked;
	uint32_t i;
	int err;

	err = events_open(&v, x, o->vmlinux);
	if (err)
		return err;
	text_header(out, &v);
	/* the failure's line, once, where its time falls, if the window holds it */
	marked = !v.stopped || (f->has_since && f->since > 0) || (f->has_until && f->until < 0);
	for (i = 0; i < v.h->nr_events; i++) {
		const struct sxd_event *e = v.sorted[i];

		if (!events_match(&v, e, f))
			continue;
		if (!marked && events_t(&v, e->ts) > 0) {
			text_failure(out, &v);
			marked = true;
		}
		text_event(out, &v, e);
		if (!marked && e->type == SXD_EV_EXIT && events_t(&v, e->ts) == 0) {
			text_failure(out, &v);
			marked = true;
		}
	}
	if (!marked)
		text_failure(out, &v);
	events_close(&v);
	return ferror(out) ? -EIO : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's core state as JSON (core.h, docs/json.md): what the
 * kernel saw per CPU, per dispatch queue and per task, at the moment the
 * record says ("when"), with each task's task-storage values beside it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include "core.h"
#include "names.h"

/* sched_ext's built-in DSQ ids (include/linux/sched/ext.h, both kernels) */
#define DSQ_FLAG_BUILTIN	(1ULL << 63)
#define DSQ_FLAG_LOCAL_ON	(1ULL << 62)
/* p->scx.ddsp_dsq_id with no direct dispatch pending */
#define SCX_DSQ_INVALID		DSQ_FLAG_BUILTIN
/* JSON numbers past 2^53 lose digits in jq: such ids are hex strings */
#define JSON_EXACT_MAX		(1ULL << 53)

void core_view(const struct sxd_core *h, struct core_view *v)
{
	const uint8_t *p = (const void *)(h + 1);

	v->h = h;
	v->cpus = (const void *)p;
	p += (size_t)h->nr_cpus * sizeof(*v->cpus);
	v->dsqs = (const void *)p;
	p += (size_t)h->nr_dsqs * sizeof(*v->dsqs);
	v->queued = (const void *)p;
	p += (size_t)h->nr_queued * sizeof(*v->queued);
	v->tasks = (const void *)p;
	p += (size_t)h->nr_tasks * sizeof(*v->tasks);
	v->cpu_masks = (const void *)p;
	p += (size_t)h->nr_cpus * SXD_CORE_CPU_MASKS * h->mask_words * 8;
	v->task_masks = (const void *)p;
	v->more = NULL;
}

void core_view_more(struct core_view *v, const struct sxd_core_tasks *t)
{
	v->more = t;
}

bool core_more(const struct core_view *v, uint32_t i, struct sxd_core_task_more *m)
{
	const struct sxd_core_tasks *t = v->more;

	if (!t || i >= t->nr_tasks || i >= v->h->nr_tasks || t->task_size < sizeof(*m))
		return false;
	/* the entries are task_size apart, any size: copied, not cast */
	memcpy(m, (const uint8_t *)(t + 1) + (size_t)i * t->task_size, sizeof(*m));
	return m->pid == v->tasks[i].pid;
}

/*
 * Both fields are the dump's: any difference, any HZ. Whole seconds and the
 * rest apart, so no product overflows: d * 1000 / hz exactly, or INT64_MAX
 * past it (more than 292 million years).
 */
int64_t core_runnable_ms(const struct sxd_core *h, const struct sxd_core_task *t)
{
	uint64_t d, s;

	if (t->state || !t->runnable_at || !h->hz)
		return -1;
	if ((int64_t)(h->jiffies - t->runnable_at) <= 0)
		return 0;	/* queued after the walk's jiffies were read */
	d = h->jiffies - t->runnable_at;
	s = d / h->hz;
	if (s > (uint64_t)INT64_MAX / 1000 - 1)
		return INT64_MAX;
	return (int64_t)(s * 1000 + d % h->hz * 1000 / h->hz);
}

const char *core_dsq_name(uint64_t id, char *buf, size_t len)
{
	static const char *const builtin[] = {
		"SCX_DSQ_INVALID", "SCX_DSQ_GLOBAL", "SCX_DSQ_LOCAL", "SCX_DSQ_BYPASS",
		"SCX_DSQ_REJECT", "SCX_DSQ_RESCUE",
	};
	uint64_t low = id & ~(DSQ_FLAG_BUILTIN | DSQ_FLAG_LOCAL_ON);

	if (!(id & DSQ_FLAG_BUILTIN))
		return NULL;
	if (id & DSQ_FLAG_LOCAL_ON)
		snprintf(buf, len, "SCX_DSQ_LOCAL_ON|%" PRIu64, low);
	else if (low < sizeof(builtin) / sizeof(builtin[0]))
		snprintf(buf, len, "%s", builtin[low]);
	else
		snprintf(buf, len, "SCX_DSQ_BUILTIN|%" PRIu64, low);
	return buf;
}

void core_emit_dsq(yajl_gen g, const char *id_key, const char *name_key, uint64_t id)
{
	char name[40], hex[24];

	if (id < JSON_EXACT_MAX) {
		json_kuint(g, id_key, id);
	} else {
		snprintf(hex, sizeof(hex), "0x%" PRIx64, id);
		json_kstr(g, id_key, hex);
	}
	json_key(g, name_key);
	if (core_dsq_name(id, name, sizeof(name)))
		json_str(g, name);
	else
		json_null(g);
}

static void emit_cpulist(yajl_gen g, const struct emit *e, const char *key, const uint64_t *mask,
			 uint32_t words)
{
	uint32_t bits = words * 64;
	char list[4096];

	if (e->x->cap && e->x->cap->nr_cpu_slots && e->x->cap->nr_cpu_slots < bits)
		bits = e->x->cap->nr_cpu_slots;
	render_cpulist((const uint8_t *)mask, bits, list, sizeof(list));
	json_kstr(g, key, list);
}

static void emit_runnable_ms(yajl_gen g, const struct sxd_core *h, const struct sxd_core_task *t)
{
	int64_t ms = core_runnable_ms(h, t);

	json_key(g, "runnable_ms");
	if (ms < 0)
		json_null(g);
	else
		json_int(g, ms);
}

/* A queued task, as its DSQ lists it. */
static void emit_queued(yajl_gen g, const struct sxd_core *h, const struct sxd_core_task *t)
{
	json_obj(g);
	json_kint(g, "pid", t->pid);
	json_kfixed(g, "comm", t->comm, sizeof(t->comm));
	json_kuint(g, "dsq_vtime", t->dsq_vtime);
	json_kuint(g, "slice", t->slice);
	json_kuint(g, "weight", t->weight);
	json_kuint(g, "scx_flags", t->scx_flags);
	emit_runnable_ms(g, h, t);
	json_obj_end(g);
}

/* A task-storage value of the scheduler's, for the task of @pid. */
struct core_storage {
	int32_t pid;
	const struct sxd_map *map;
	const uint8_t *value;
	uint32_t value_size;	/* the entries block's: a corrupt dump's map record may say more */
};

static int storage_cmp(const void *a, const void *b)
{
	const struct core_storage *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->map->map_index < y->map->map_index ? -1 : x->map->map_index > y->map->map_index;
}

/* Every task-storage element of the scheduler's maps, sorted by pid. */
static struct core_storage *storage_collect(const struct dump_index *x, uint32_t sched_index,
					    size_t *nr)
{
	const struct sxd_map *m = NULL;
	struct core_storage *s = NULL, *n;
	const struct sxd_entries *b;
	const struct sxd_owner *o;
	const struct sxd_rec *r;
	size_t off = 0, cap = 0, esz;
	const uint8_t *p;
	uint32_t i;

	*nr = 0;
	while ((r = dump_next(x->f, &off))) {
		if (r->type == SXD_REC_MAP) {
			m = (const void *)r;
			if (m->type != BPF_MAP_TYPE_TASK_STORAGE || m->sched_index != sched_index)
				m = NULL;
			continue;
		}
		if (r->type != SXD_REC_ENTRIES || !m)
			continue;
		b = (const void *)r;
		esz = dump_entry_size(b->key_size, b->value_size, b->nr_values);
		if (b->map_index != m->map_index || !(b->flags & SXD_ENTRIES_OWNER) ||
		    b->nr_values != 1 || b->key_size < sizeof(*o) || !esz)
			continue;
		p = (const void *)(b + 1);
		for (i = 0; i < b->nr; i++, p += esz) {
			o = (const void *)p;
			if (o->kind != SXD_OWNER_TASK)
				continue;
			if (*nr == cap) {
				cap = cap ? cap * 2 : 256;
				n = realloc(s, cap * sizeof(*s));
				if (!n)
					goto out;
				s = n;
			}
			s[(*nr)++] = (struct core_storage){
				o->pid, m, p + sxd_align(b->key_size), b->value_size
			};
		}
	}
out:
	if (*nr)
		qsort(s, *nr, sizeof(*s), storage_cmp);
	return s;
}

static void emit_storage(const struct emit *e, const struct core_storage *s, size_t nr, int32_t pid)
{
	const struct core_storage *k = NULL;
	const struct btf *bt;
	size_t lo = 0, hi = nr;
	yajl_gen g = e->g;

	/* the first element of @pid */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	json_key(g, "storage");
	json_obj(g);
	/* no task storage at all: @s is NULL, no pointer arithmetic on it */
	for (k = nr ? s + lo : NULL; k && k < s + nr && k->pid == pid; k++) {
		json_strn(g, k->map->name, strnlen(k->map->name, sizeof(k->map->name)));
		bt = index_btf_at(e->x, k->map->btf_index, NULL);
		if (bt && k->map->btf_value_type_id)
			render_value_map(g, bt, k->map->btf_value_type_id, k->value,
					 k->value_size, e->mem, k->map->map_index);
		else
			json_hex(g, k->value, k->value_size);
	}
	json_obj_end(g);
}

/*
 * A pending direct dispatch: where ops.select_cpu() or ops.enqueue()
 * dispatched the task, not inserted yet (on no DSQ meanwhile).
 */
static void emit_ddsp(yajl_gen g, const struct sxd_core_task_more *m)
{
	json_key(g, "ddsp");
	if (m->ddsp_dsq_id == SCX_DSQ_INVALID) {
		json_null(g);
		return;
	}
	json_obj(g);
	core_emit_dsq(g, "dsq_id", "dsq_name", m->ddsp_dsq_id);
	json_kuint(g, "enq_flags", m->ddsp_enq_flags);
	json_obj_end(g);
}

/*
 * Its parent, then what it ran and when it last did, by the clock the
 * record was read with: those left out for scxdump diff (e->o->stable),
 * as any two captures differ in them.
 */
static void emit_ran(const struct emit *e, const struct sxd_core_tasks *t,
		     const struct sxd_core_task_more *m)
{
	yajl_gen g = e->g;

	json_key(g, "parent_tgid");
	if (m->parent_tgid == -1)
		json_null(g);
	else
		json_int(g, m->parent_tgid);
	if (e->o->stable)
		return;
	json_kuint(g, "runtime_ns", m->sum_exec_runtime);
	json_kuint(g, "nvcsw", m->nvcsw);
	json_kuint(g, "nivcsw", m->nivcsw);
	json_kuint(g, "last_ran_ns", m->exec_start);
	json_key(g, "last_ran_ago_ms");
	/*
	 * exec_start is the rq's clock_task, which leaves out IRQ (and steal)
	 * time: behind local_clock(), so the age is approximate, too large
	 */
	if (m->exec_start && m->exec_start <= t->clock_ns)
		json_double(g, (double)(t->clock_ns - m->exec_start) / 1e6);
	else
		json_null(g);
}

static void emit_task(const struct emit *e, const struct core_view *v, uint32_t i,
		      const struct core_storage *s, size_t nr)
{
	const struct sxd_core_task *t = &v->tasks[i];
	const struct sxd_core *h = v->h;
	yajl_gen g = e->g;
	char state[2] = { name_task_state_char(t->state), 0 };
	struct sxd_core_task_more m;
	bool more = core_more(v, i, &m);

	json_obj(g);
	json_kint(g, "pid", t->pid);
	json_kint(g, "tgid", t->tgid);
	json_kfixed(g, "comm", t->comm, sizeof(t->comm));
	json_kstr(g, "state", state);
	json_kint(g, "cpu", t->cpu);
	json_kuint(g, "scx_flags", t->scx_flags);
	json_key(g, "scx_state");
	if (t->scx_state < 8 && h->task_states[t->scx_state][0])
		json_strn(g, h->task_states[t->scx_state],
			  strnlen(h->task_states[t->scx_state], sizeof(h->task_states[0])));
	else
		json_uint(g, t->scx_state);
	json_kstr(g, "ops_state", name_ops_state(t->ops_state));
	json_kuint(g, "ops_qseq", t->ops_qseq);
	json_key(g, "dsq");
	if (t->dsq_id == SXD_CORE_NO_DSQ) {
		json_null(g);
	} else {
		json_obj(g);
		core_emit_dsq(g, "id", "name", t->dsq_id);
		json_obj_end(g);
	}
	if (more)
		emit_ddsp(g, &m);
	emit_runnable_ms(g, h, t);
	json_kuint(g, "slice", t->slice);
	json_kuint(g, "dsq_vtime", t->dsq_vtime);
	json_kuint(g, "weight", t->weight);
	json_kint(g, "prio", t->prio);
	json_kstr(g, "policy", name_sched_policy(t->policy));
	json_kstr(g, "class", name_sched_class(t->class));
	if (more)
		emit_ran(e, v->more, &m);
	emit_cpulist(g, e, "cpus_allowed", v->task_masks + (size_t)i * h->mask_words, h->mask_words);
	emit_storage(e, s, nr, t->pid);
	json_obj_end(g);
}

static void emit_dsq_tasks(yajl_gen g, const struct core_view *v, const struct sxd_core_dsq *d)
{
	uint32_t i;

	json_kuint(g, "nr", d->nr);
	json_kuint(g, "listed", d->nr_listed);
	json_kuint(g, "not_listed", d->nr > d->nr_listed ? d->nr - d->nr_listed : 0);
	json_key(g, "tasks");
	json_arr(g);
	for (i = 0; i < d->nr_listed; i++)
		emit_queued(g, v->h, &v->queued[d->first + i]);
	json_arr_end(g);
}

static void emit_cpu(const struct emit *e, const struct core_view *v, uint32_t i)
{
	static const char *const masks[SXD_CORE_CPU_MASKS] = {
		"cpus_to_kick", "cpus_to_kick_if_idle", "cpus_to_preempt", "cpus_to_wait",
	};
	const struct sxd_core_cpu *c = &v->cpus[i];
	const uint64_t *m = v->cpu_masks + (size_t)i * SXD_CORE_CPU_MASKS * v->h->mask_words;
	yajl_gen g = e->g;
	uint32_t k;

	json_obj(g);
	json_kint(g, "cpu", c->cpu);
	json_kbool(g, "online", c->flags & SXD_CORE_CPU_ONLINE);
	json_kuint(g, "nr_running", c->nr_running);
	json_key(g, "nr_running_by_class");
	json_obj(g);
	json_kuint(g, "fair", c->cfs_nr_running);
	json_kuint(g, "rt", c->rt_nr_running);
	json_kuint(g, "deadline", c->dl_nr_running);
	json_kuint(g, "ext", c->scx_nr_running);
	json_obj_end(g);
	json_key(g, "scx");
	json_obj(g);
	json_kuint(g, "nr_running", c->scx_nr_running);
	json_kuint(g, "flags", c->scx_flags);
	json_kbool(g, "cpu_released", c->cpu_released);
	for (k = 0; k < SXD_CORE_CPU_MASKS; k++)
		emit_cpulist(g, e, masks[k], m + k * v->h->mask_words, v->h->mask_words);
	json_obj_end(g);
	json_key(g, "curr");
	if (c->curr_pid < 0) {
		json_null(g);
	} else {
		json_obj(g);
		json_kint(g, "pid", c->curr_pid);
		json_kfixed(g, "comm", c->curr_comm, sizeof(c->curr_comm));
		json_kstr(g, "class", name_sched_class(c->curr_class));
		json_kstr(g, "policy", name_sched_policy(c->curr_policy));
		json_kint(g, "prio", c->curr_prio);
		json_obj_end(g);
	}
	json_key(g, "local_dsq");
	if (c->local_dsq < v->h->nr_dsqs && v->dsqs[c->local_dsq].kind == SXD_DSQ_LOCAL) {
		json_obj(g);
		emit_dsq_tasks(g, v, &v->dsqs[c->local_dsq]);
		json_obj_end(g);
	} else {
		json_null(g);
	}
	json_obj_end(g);
}

static void emit_core_meta(yajl_gen g, const struct sxd_core *h)
{
	static const char *const cut[] = { "tasks", "dsqs", "queued", "time", "fault" };
	static const char *const missing[] = {
		"tasks", "user_dsqs", "global_dsqs", "bypass_dsqs",
	};

	json_key(g, "core");
	json_obj(g);
	json_kstr(g, "when", name_core_when(h->when));
	json_kuint(g, "boottime_ns", h->boottime_ns);
	json_kuint(g, "duration_ns", h->duration_ns);
	json_kuint(g, "jiffies", h->jiffies);
	json_kuint(g, "hz", h->hz);
	json_kuint(g, "tasks_seen", h->tasks_seen);
	json_kuint(g, "tasks_listed", h->nr_tasks);
	json_kuint(g, "dsqs_seen", h->dsqs_seen);
	json_kuint(g, "dsqs_listed", h->nr_dsqs);
	json_kuint(g, "max_dsq_tasks", h->max_dsq_tasks);
	json_kuint(g, "faults", h->nr_faults);
	json_kflags(g, "truncated", h->truncated, cut, sizeof(cut) / sizeof(cut[0]));
	json_kflags(g, "missing", h->missing, missing, sizeof(missing) / sizeof(missing[0]));
	json_obj_end(g);
}

void emit_core(const struct emit *e, const struct index_sched *is)
{
	struct core_storage *s;
	struct core_view v;
	yajl_gen g = e->g;
	size_t nr;
	uint32_t i;

	if (!is->core)
		return;
	core_view(is->core, &v);
	core_view_more(&v, is->core_tasks);
	emit_core_meta(g, v.h);
	json_key(g, "cpus");
	json_arr(g);
	for (i = 0; i < v.h->nr_cpus; i++)
		emit_cpu(e, &v, i);
	json_arr_end(g);
	json_key(g, "dsqs");
	json_arr(g);
	for (i = 0; i < v.h->nr_dsqs; i++) {
		const struct sxd_core_dsq *d = &v.dsqs[i];

		json_obj(g);
		core_emit_dsq(g, "id", "name", d->id);
		json_kstr(g, "kind", name_dsq_kind(d->kind));
		json_kint(g, d->kind == SXD_DSQ_GLOBAL ? "node" : "cpu", d->cpu);
		json_kuint(g, "seq", d->seq);
		json_kbool(g, "vtime_ordered", d->flags & SXD_DSQ_PRIQ);
		emit_dsq_tasks(g, &v, d);
		json_obj_end(g);
	}
	json_arr_end(g);
	s = storage_collect(e->x, is->rec->sched_index, &nr);
	json_key(g, "tasks");
	json_arr(g);
	for (i = 0; i < v.h->nr_tasks; i++)
		emit_task(e, &v, i, s, nr);
	json_arr_end(g);
	free(s);
}

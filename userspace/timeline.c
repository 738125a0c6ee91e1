// SPDX-License-Identifier: GPL-2.0
/*
 * The flight recorder's samples (SXD_REC_TIMELINE, module/timeline.c):
 * as the "timeline" of the JSON (docs/json.md), each sample's map values
 * rendered through the BTF of the map the dump holds with the same id;
 * and `scxdump timeline`, a table of what changed from each tick to the
 * next, compared as `scxdump diff` compares two dumps (jsontree.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "decode.h"
#include "jsontree.h"
#include "emit.h"
#include "names.h"
#include "textout.h"

static const char *tl_map_status(uint32_t st)
{
	switch (st) {
	case SXD_TL_MAP_OK:
		return "ok";
	case SXD_TL_MAP_NOT_FOUND:
		return "not_found";
	case SXD_TL_MAP_UNSUPPORTED:
		return "not_an_array";
	case SXD_TL_MAP_GONE:
		return "gone";
	case SXD_TL_MAP_TOO_BIG:
		return "value_too_big";
	}
	return "unknown";
}

/* The dump's map with kernel id @id, or NULL. */
static const struct sxd_map *tl_dump_map(const struct dump_index *x, uint32_t id)
{
	uint32_t i;

	for (i = 0; id && i < x->nr_maps; i++)
		if (x->maps[i].rec->id == id)
			return x->maps[i].rec;
	return NULL;
}

/* One named map's values in one sample: entries by index. */
static void tl_emit_map(const struct emit *e, const struct sxd_tl_map *t,
			const struct sxd_tl_map_val *v, uint32_t map_bytes)
{
	const struct sxd_map *m = tl_dump_map(e->x, t->id);
	const struct btf *btf = NULL;
	const uint8_t *data = (const void *)(v + 1);
	const char *why = "the dump holds no map with its id";
	yajl_gen g = e->g;
	uint32_t i, n = 0;

	if (m && !m->btf_vmlinux_value_type_id)
		btf = map_btf(e->x, m, &why);
	json_obj(g);
	/* the map's name; the name asked for when none was found */
	if (t->name[0])
		json_kfixed(g, "name", t->name, sizeof(t->name));
	else
		json_kfixed(g, "name", t->want, sizeof(t->want));
	json_kstr(g, "status", tl_map_status(v->status));
	/* whole values, within the slot: a sample that says more is cut */
	if (t->elem_size && t->elem_size >= t->value_size && v->len <= map_bytes)
		n = v->len / t->elem_size;
	if (!btf && n)
		json_kstr(g, "btf_missing", why ?: "the map has no BTF");
	json_key(g, "entries");
	json_arr(g);
	for (i = 0; i < n; i++) {
		json_obj(g);
		json_kuint(g, "key", i);
		json_key(g, "value");
		if (btf)
			render_value(g, btf, m->btf_value_type_id, data + (size_t)i * t->elem_size,
				     t->value_size);
		else
			json_null(g);
		json_khex(g, "value_hex", data + (size_t)i * t->elem_size, t->value_size);
		json_obj_end(g);
	}
	json_arr_end(g);
	json_obj_end(g);
}

static void tl_emit_sample(const struct emit *e, const struct sxd_timeline *t,
			   const struct sxd_tl_event *ev, const struct sxd_tl_map *maps,
			   const uint8_t *p)
{
	const struct sxd_tl_sample *s = (const void *)p;
	const int64_t *vals = (const void *)(s + 1);
	const struct sxd_tl_cpu *cpus = (const void *)(vals + t->nr_events);
	const struct sxd_tl_dsq *dsqs = (const void *)(cpus + t->nr_cpus);
	const uint8_t *mv = (const void *)(dsqs + t->max_dsqs);
	const struct sxd_capture *c = e->x->cap;
	yajl_gen g = e->g;
	uint32_t i;

	json_obj(g);
	json_kuint(g, "seq", s->seq);
	json_kuint(g, "boottime_ns", s->boottime_ns);
	json_key(g, "ms_before_capture");
	if (c && c->boottime_ns >= s->boottime_ns)
		json_uint(g, (c->boottime_ns - s->boottime_ns) / 1000000);
	else
		json_null(g);
	json_kuint(g, "duration_ns", s->duration_ns);
	json_kuint(g, "faults", s->nr_faults);
	json_key(g, "cut");
	json_arr(g);
	if (s->flags & SXD_TL_S_LATE)
		json_str(g, "time");
	if (s->flags & SXD_TL_S_DSQS)
		json_str(g, "dsqs");
	json_arr_end(g);
	json_key(g, "events");
	json_obj(g);
	for (i = 0; i < t->nr_events; i++) {
		char name[sizeof(ev[i].name) + 1];

		memcpy(name, ev[i].name, sizeof(ev[i].name));
		name[sizeof(ev[i].name)] = '\0';
		json_kint(g, name, vals[i]);
	}
	json_obj_end(g);
	json_key(g, "cpus");
	json_arr(g);
	for (i = 0; i < s->nr_cpus && i < t->nr_cpus; i++) {
		json_obj(g);
		json_kuint(g, "cpu", i);
		json_kbool(g, "online", cpus[i].flags & SXD_CORE_CPU_ONLINE);
		json_kuint(g, "nr_running", cpus[i].nr_running);
		json_kuint(g, "scx_nr_running", cpus[i].scx_nr_running);
		json_kuint(g, "local_dsq_nr", cpus[i].local_nr);
		json_obj_end(g);
	}
	json_arr_end(g);
	json_key(g, "dsqs");
	json_arr(g);
	for (i = 0; i < s->nr_dsqs && i < t->max_dsqs; i++) {
		json_obj(g);
		json_kuint(g, "id", dsqs[i].id);
		json_kstr(g, "kind", name_dsq_kind(dsqs[i].kind));
		json_kuint(g, "nr", dsqs[i].nr);
		json_obj_end(g);
	}
	json_arr_end(g);
	json_kuint(g, "dsqs_seen", s->dsqs_seen);
	json_key(g, "maps");
	json_arr(g);
	for (i = 0; i < t->nr_maps; i++) {
		const struct sxd_tl_map_val *v =
			(const void *)(mv + (size_t)i * (sizeof(*v) + t->map_bytes));

		tl_emit_map(e, &maps[i], v, t->map_bytes);
	}
	json_arr_end(g);
	json_obj_end(g);
}

void emit_timeline(const struct emit *e)
{
	const struct sxd_timeline *t = e->x->timeline;
	const struct sxd_tl_event *ev;
	const struct sxd_tl_map *maps;
	const uint8_t *p;
	yajl_gen g = e->g;
	uint32_t i;

	json_key(g, "timeline");
	if (!t) {
		json_null(g);
		return;
	}
	ev = (const void *)(t + 1);
	maps = (const void *)(ev + t->nr_events);
	p = (const void *)(maps + t->nr_maps);
	json_obj(g);
	json_kuint(g, "interval_ms", t->interval_ms);
	json_kuint(g, "enable_seq", t->enable_seq);
	json_kuint(g, "samples_taken", t->nr_taken);
	json_kuint(g, "samples_kept", t->nr_samples);
	json_kuint(g, "nr_cpus", t->nr_cpus);
	json_kuint(g, "max_dsqs", t->max_dsqs);
	json_kuint(g, "map_bytes", t->map_bytes);
	json_kuint(g, "sample_bytes", t->sample_size);
	json_kbool(g, "events_absent", t->flags & SXD_TL_NO_EVENTS);
	json_key(g, "maps");
	json_arr(g);
	for (i = 0; i < t->nr_maps; i++) {
		json_obj(g);
		json_kfixed(g, "want", maps[i].want, sizeof(maps[i].want));
		json_kfixed(g, "name", maps[i].name, sizeof(maps[i].name));
		json_kuint(g, "id", maps[i].id);
		json_kstr(g, "type", maps[i].id ? name_map_type(maps[i].type) : "none");
		json_kuint(g, "value_size", maps[i].value_size);
		json_kuint(g, "max_entries", maps[i].max_entries);
		json_kstr(g, "status", tl_map_status(maps[i].status));
		json_obj_end(g);
	}
	json_arr_end(g);
	json_key(g, "samples");
	json_arr(g);
	for (i = 0; i < t->nr_samples; i++)
		tl_emit_sample(e, t, ev, maps, p + (size_t)i * t->sample_size);
	json_arr_end(g);
	json_obj_end(g);
}

/* A number member of @o as text, "?" when it is not one. */
static const char *tl_num(yajl_val o, const char *key)
{
	yajl_val v = jsontree_get(o, key);

	return YAJL_IS_NUMBER(v) ? v->u.number.r : "?";
}

static const char *tl_str(yajl_val o, const char *key)
{
	return jsontree_str(o, key) ?: "?";
}

static size_t tl_len(yajl_val a)
{
	return YAJL_IS_ARRAY(a) ? a->u.array.len : 0;
}

/* The first sample, whole: what the later lines change. */
static void tl_text_first(yajl_val s, FILE *out)
{
	yajl_val cpus = jsontree_get(s, "cpus"), dsqs = jsontree_get(s, "dsqs"), maps = jsontree_get(s, "maps");
	size_t i;

	fprintf(out, "seq %s (%s ms before the capture): the first kept\n", tl_num(s, "seq"),
		tl_num(s, "ms_before_capture"));
	for (i = 0; i < tl_len(cpus); i++) {
		yajl_val c = cpus->u.array.values[i];

		fprintf(out, "  cpu %s: nr_running %s, scx %s, local DSQ %s\n", tl_num(c, "cpu"),
			tl_num(c, "nr_running"), tl_num(c, "scx_nr_running"),
			tl_num(c, "local_dsq_nr"));
	}
	for (i = 0; i < tl_len(dsqs); i++) {
		yajl_val d = dsqs->u.array.values[i];
		unsigned long long id = strtoull(tl_num(d, "id"), NULL, 10);

		/* sched_ext's own DSQs (SCX_DSQ_FLAG_BUILTIN, the top bit) in hex */
		fprintf(out, id >> 63 ? "  dsq 0x%llx (" : "  dsq %llu (", id);
		text_parsed(out, tl_str(d, "kind"), 0);
		fprintf(out, "): %s\n", tl_num(d, "nr"));
	}
	for (i = 0; i < tl_len(maps); i++) {
		yajl_val m = maps->u.array.values[i];

		fputs("  map ", out);
		text_parsed(out, tl_str(m, "name"), 0);
		fputs(": ", out);
		text_parsed(out, tl_str(m, "status"), 0);
		fprintf(out, ", %zu values\n", tl_len(jsontree_get(m, "entries")));
	}
}

int timeline_text(const struct dump_index *x, FILE *out, const struct decode_opts *base)
{
	static const char *const parts[] = { "events", "cpus", "dsqs", "maps" };
	struct decode_opts o = *base;
	yajl_val doc, tl, samples, maps, prev, cur;
	unsigned long n;
	char path[32];
	size_t i, k;
	int err;

	o.timeline_only = true;
	doc = jsontree_of_dump(x, &o, &err);
	if (!doc)
		return err;
	tl = jsontree_get(doc, "timeline");
	if (!YAJL_IS_OBJECT(tl)) {
		fprintf(out, "no timeline in this dump (taken with timeline_interval_ms 0, or on a kernel without it)\n");
		goto out;
	}
	samples = jsontree_get(tl, "samples");
	maps = jsontree_get(tl, "maps");
	fprintf(out, "timeline: %s samples kept of %s taken, every %s ms, scheduler load %s\n",
		tl_num(tl, "samples_kept"), tl_num(tl, "samples_taken"), tl_num(tl, "interval_ms"),
		tl_num(tl, "enable_seq"));
	for (i = 0; i < tl_len(maps); i++) {
		yajl_val m = maps->u.array.values[i];

		fputs("map ", out);
		text_parsed(out, tl_str(m, "want"), 0);
		fputs(": ", out);
		text_parsed(out, tl_str(m, "status"), 0);
		if (*tl_str(m, "name")) {
			fputs(", ", out);
			text_parsed(out, tl_str(m, "name"), 0);
		}
		fputc('\n', out);
	}
	for (i = 0; i < tl_len(samples); i++) {
		cur = samples->u.array.values[i];
		if (!i) {
			tl_text_first(cur, out);
			continue;
		}
		prev = samples->u.array.values[i - 1];
		fprintf(out, "seq %s (%s ms before the capture):\n", tl_num(cur, "seq"),
			tl_num(cur, "ms_before_capture"));
		n = 0;
		for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
			snprintf(path, sizeof(path), ".%s", parts[k]);
			n += jsontree_diff_text(jsontree_get(prev, parts[k]), jsontree_get(cur, parts[k]), path,
					      "  ", out);
		}
		if (!n)
			fprintf(out, "  (no change)\n");
	}
out:
	yajl_tree_free(doc);
	return ferror(out) ? -EIO : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A dump as JSON (docs/format.md for the records). One pass indexes the
 * small records (capture, schedulers, BTF, errors, map ends); a second one
 * streams the maps with their entries in file order, so memory stays
 * proportional to the number of maps, not to the dump's size.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "decode.h"
#include "json.h"
#include "render.h"

/* A dump's maps are bounded by the module (SXD_MAX_MAPS); be generous. */
#define MAX_MAP_INDEX		(1u << 16)
#define MAX_BTF_INDEX		(1u << 16)

struct decoder {
	const struct sxd_file *f;
	const struct decode_opts *o;
	yajl_gen g;
	const struct sxd_capture *cap;
	struct btf_slot {
		const struct sxd_btf *rec;
		struct btf *btf;
		const char *err;	/* why btf is NULL */
	} *btfs;			/* by btf_index */
	uint32_t nr_btfs;
	const struct sxd_map_end **ends;	/* by map_index */
	uint32_t nr_ends;
};

static int grow(void *pp, uint32_t *nr, uint32_t index, size_t elem)
{
	void **p = pp;
	void *n;

	if (index < *nr)
		return 0;
	n = realloc(*p, (size_t)(index + 1) * elem);
	if (!n)
		return -ENOMEM;
	memset((char *)n + *nr * elem, 0, (index + 1 - *nr) * elem);
	*p = n;
	*nr = index + 1;
	return 0;
}

static void index_btf(struct decoder *d, const struct sxd_btf *b)
{
	struct btf_slot *slot;

	if (b->btf_index >= MAX_BTF_INDEX || grow(&d->btfs, &d->nr_btfs, b->btf_index,
						  sizeof(*d->btfs)))
		return;
	slot = &d->btfs[b->btf_index];
	if (slot->rec)
		return;	/* a duplicate index: keep the first */
	slot->rec = b;
	slot->btf = btf__new(b + 1, b->size);
	if (!slot->btf)
		slot->err = "embedded BTF does not parse";
}

static void index_records(struct decoder *d)
{
	const struct sxd_rec *r;
	size_t off = 0;

	while ((r = sxd_file_next(d->f, &off))) {
		if (r->type == SXD_REC_CAPTURE && !d->cap) {
			d->cap = (const void *)r;
		} else if (r->type == SXD_REC_BTF) {
			index_btf(d, (const void *)r);
		} else if (r->type == SXD_REC_MAP_END) {
			const struct sxd_map_end *e = (const void *)r;

			if (e->map_index < MAX_MAP_INDEX &&
			    !grow(&d->ends, &d->nr_ends, e->map_index, sizeof(*d->ends)))
				d->ends[e->map_index] = e;
		}
	}
}

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

/* A fixed char[] field of a record, which may lack its NUL. */
static void emit_fixed_str(yajl_gen g, const char *key, const char *s, size_t max)
{
	json_kstrn(g, key, s, strnlen(s, max));
}

static void emit_capture(struct decoder *d)
{
	const struct sxd_capture *c = d->cap;
	const struct sxd_end *e = d->f->end;
	yajl_gen g = d->g;

	json_key(g, "capture");
	json_obj(g);
	if (c) {
		json_kstr(g, "trigger", c->trigger == SXD_TRIGGER_EXIT ? "exit" :
			  c->trigger == SXD_TRIGGER_REQUEST ? "request" : "unknown");
		emit_time(g, c->realtime_ns);
		json_kuint(g, "realtime_ns", c->realtime_ns);
		json_kuint(g, "boottime_ns", c->boottime_ns);
		emit_fixed_str(g, "kernel_release", c->kernel_release, sizeof(c->kernel_release));
		emit_fixed_str(g, "machine", c->machine, sizeof(c->machine));
		emit_fixed_str(g, "module_version", c->module_version, sizeof(c->module_version));
		json_kuint(g, "nr_cpu_ids", c->nr_cpu_slots);
		json_kuint(g, "nr_possible_cpus", c->nr_possible_cpus);
		json_kuint(g, "nr_online_cpus", c->nr_online_cpus);
		json_kuint(g, "page_size", c->page_size);
		json_kuint(g, "capture_seq", c->capture_seq);
	}
	json_kuint(g, "duration_ns", e->duration_ns);
	json_kuint(g, "dump_bytes", d->f->size);
	json_kbool(g, "truncated", d->f->hdr->flags & SXD_F_TRUNCATED);
	json_kuint(g, "bytes_omitted", e->bytes_omitted);
	json_kuint(g, "records_omitted", e->records_omitted);
	json_kuint(g, "nr_maps", e->nr_maps);
	json_kuint(g, "nr_errors", e->nr_errors);
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

static void emit_sched(yajl_gen g, const struct sxd_sched *s)
{
	const char *p = (const char *)(s + 1);

	json_obj(g);
	json_kuint(g, "index", s->sched_index);
	emit_fixed_str(g, "name", s->name, sizeof(s->name));
	json_kint(g, "level", s->level);
	json_kuint(g, "nr_maps", s->nr_maps);
	json_key(g, "exit");
	json_obj(g);
	json_kint(g, "kind", s->exit_kind);
	emit_fixed_str(g, "kind_name", s->exit_kind_name, sizeof(s->exit_kind_name));
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
	json_obj_end(g);
}

static void emit_scheds_and_errors(struct decoder *d)
{
	const struct sxd_rec *r;
	size_t off = 0;

	json_key(d->g, "schedulers");
	json_arr(d->g);
	while ((r = sxd_file_next(d->f, &off))) {
		if (r->type == SXD_REC_SCHED)
			emit_sched(d->g, (const void *)r);
	}
	json_arr_end(d->g);
	json_key(d->g, "errors");
	json_arr(d->g);
	off = 0;
	while ((r = sxd_file_next(d->f, &off))) {
		const struct sxd_error *e = (const void *)r;

		if (r->type != SXD_REC_ERROR)
			continue;
		json_obj(d->g);
		json_kint(d->g, "errno", e->err);
		json_kstrn(d->g, "message", e + 1, e->msg_len);
		json_obj_end(d->g);
	}
	json_arr_end(d->g);
}

static void emit_btf_objects(struct decoder *d)
{
	uint32_t i;

	json_key(d->g, "btf_objects");
	json_arr(d->g);
	for (i = 0; i < d->nr_btfs; i++) {
		const struct btf_slot *s = &d->btfs[i];

		if (!s->rec)
			continue;
		json_obj(d->g);
		json_kuint(d->g, "index", i);
		json_kstr(d->g, "kind", s->rec->kind == SXD_BTF_PROG ? "program" :
			  s->rec->kind == SXD_BTF_VMLINUX ? "vmlinux" : "unknown");
		json_kuint(d->g, "kernel_id", s->rec->kernel_id);
		json_kuint(d->g, "size", s->rec->size);
		json_kuint(d->g, "nr_types", s->btf ? btf__type_cnt(s->btf) - 1 : 0);
		json_key(d->g, "error");
		if (s->err)
			json_str(d->g, s->err);
		else
			json_null(d->g);
		json_obj_end(d->g);
	}
	json_arr_end(d->g);
}

/* The map's BTF, or NULL; *why says why not when it is missing. */
static const struct btf *map_btf(struct decoder *d, const struct sxd_map *m,
				 const char **why)
{
	const struct btf_slot *slot;

	*why = NULL;
	if (m->btf_index == SXD_NO_INDEX) {
		*why = "the map has no BTF";
		return NULL;
	}
	slot = m->btf_index < d->nr_btfs ? &d->btfs[m->btf_index] : NULL;
	if (!slot || (!slot->btf && !slot->err)) {
		*why = "the map's BTF was not captured";
		return NULL;
	}
	*why = slot->err;
	return slot->btf;
}

/* A key or value without BTF: a number when it has a number's size. */
static void emit_untyped(yajl_gen g, const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	if (size == 1 || size == 2 || size == 4 || size == 8) {
		memcpy(&v, p, size);
		json_uint(g, v);
	} else {
		json_hex(g, p, size);
	}
}

static void emit_typed(yajl_gen g, const struct btf *btf, uint32_t type_id,
		       const uint8_t *p, uint32_t size)
{
	if (btf && type_id)
		render_value(g, btf, type_id, p, size);
	else
		emit_untyped(g, p, size);
}

/* libbpf places string literals in a ".rodata.str1.1" section map. */
static bool is_string_section(const struct sxd_map *m)
{
	return strstr(m->name, ".rodata.str") != NULL;
}

static void emit_strings(yajl_gen g, const uint8_t *p, uint32_t size)
{
	uint32_t i = 0, len;

	json_arr(g);
	while (i < size) {
		len = strnlen((const char *)p + i, size - i);
		if (len)
			json_strn(g, p + i, len);
		i += len + 1;
	}
	json_arr_end(g);
}

static void emit_value(struct decoder *d, const struct sxd_map *m, const struct btf *btf,
		       const uint8_t *p)
{
	if (is_string_section(m))
		emit_strings(d->g, p, m->value_size);
	else
		emit_typed(d->g, btf, btf ? m->btf_value_type_id : 0, p, m->value_size);
}

static void emit_entries(struct decoder *d, const struct sxd_map *m,
			 const struct btf *btf, const struct sxd_entries *e)
{
	size_t esz = sxd_entry_size(e->key_size, e->value_size, e->nr_values);
	const uint8_t *p = (const uint8_t *)(e + 1);
	yajl_gen g = d->g;
	uint32_t i, c;

	/* A block must describe the map it belongs to. */
	if (e->key_size != m->key_size || e->value_size != m->value_size)
		return;
	for (i = 0; i < e->nr; i++, p += esz) {
		const uint8_t *v = p + sxd_align(e->key_size);

		json_obj(g);
		json_key(g, "key");
		emit_typed(g, btf, btf ? m->btf_key_type_id : 0, p, e->key_size);
		if (e->nr_values == 1) {
			json_key(g, "value");
			emit_value(d, m, btf, v);
		} else {
			json_key(g, "values");
			json_arr(g);
			for (c = 0; c < e->nr_values; c++)
				emit_value(d, m, btf, v + (size_t)c * sxd_align(e->value_size));
			json_arr_end(g);
		}
		json_khex(g, "key_hex", p, e->key_size);
		json_key(g, "value_hex");
		if (e->nr_values == 1) {
			json_hex(g, v, e->value_size);
		} else {
			json_arr(g);
			for (c = 0; c < e->nr_values; c++)
				json_hex(g, v + (size_t)c * sxd_align(e->value_size), e->value_size);
			json_arr_end(g);
		}
		json_obj_end(g);
	}
}

static void emit_map_end(yajl_gen g, const struct sxd_map_end *e)
{
	if (!e) {
		json_kstr(g, "status", "incomplete");
		json_kstr(g, "reason", "the dump has no end record for this map");
		return;
	}
	json_kuint(g, "nr_entries", e->nr_entries);
	json_kuint(g, "nr_omitted", e->nr_omitted);
	json_kbool(g, "truncated", e->flags & (SXD_MAP_TRUNCATED | SXD_MAP_ITER_LIMIT));
	json_kbool(g, "unsupported", e->flags & SXD_MAP_UNSUPPORTED);
	if (e->status)
		json_kstr(g, "status", strerror(e->status));
	else
		json_kstr(g, "status", "ok");
	json_key(g, "reason");
	if (e->reason_len)
		json_strn(g, e + 1, e->reason_len);
	else
		json_null(g);
}

static void emit_map_head(struct decoder *d, const struct sxd_map *m,
			  const struct btf **btf)
{
	const char *type = libbpf_bpf_map_type_str(m->type);
	yajl_gen g = d->g;
	const char *why;
	char name[256];

	*btf = map_btf(d, m, &why);
	json_obj(g);
	emit_fixed_str(g, "name", m->name, sizeof(m->name));
	json_kuint(g, "index", m->map_index);
	json_kuint(g, "id", m->id);
	json_kstr(g, "type", type ?: "unknown");
	json_kuint(g, "type_id", m->type);
	json_kuint(g, "key_size", m->key_size);
	json_kuint(g, "value_size", m->value_size);
	json_kuint(g, "max_entries", m->max_entries);
	json_kuint(g, "flags", m->map_flags);
	json_kuint(g, "map_extra", m->map_extra);
	json_key(g, "btf_index");
	if (m->btf_index == SXD_NO_INDEX)
		json_null(g);
	else
		json_uint(g, m->btf_index);
	json_key(g, "btf");
	if (*btf) {
		json_obj(g);
		render_type_name(*btf, m->btf_key_type_id, name, sizeof(name));
		json_kstr(g, "key_type", name);
		render_type_name(*btf, m->btf_value_type_id, name, sizeof(name));
		json_kstr(g, "value_type", name);
		json_obj_end(g);
	} else {
		json_null(g);
		json_kstr(g, "btf_missing", why);
	}
	emit_map_end(g, m->map_index < d->nr_ends ? d->ends[m->map_index] : NULL);
	json_key(g, "entries");
	json_arr(g);
}

static bool map_selected(const struct decoder *d, const struct sxd_map *m)
{
	return !d->o->map_name || !strncmp(m->name, d->o->map_name, sizeof(m->name));
}

static void emit_maps(struct decoder *d)
{
	const struct sxd_map *cur = NULL;
	const struct btf *btf = NULL;
	const struct sxd_rec *r;
	size_t off = 0;

	json_key(d->g, "maps");
	json_arr(d->g);
	while ((r = sxd_file_next(d->f, &off))) {
		if (r->type == SXD_REC_MAP) {
			if (cur)
				json_arr_end(d->g), json_obj_end(d->g);
			cur = (const void *)r;
			if (!map_selected(d, cur)) {
				cur = NULL;
				continue;
			}
			emit_map_head(d, cur, &btf);
		} else if (r->type == SXD_REC_ENTRIES && cur) {
			const struct sxd_entries *e = (const void *)r;

			if (e->map_index == cur->map_index)
				emit_entries(d, cur, btf, e);
		}
	}
	if (cur)
		json_arr_end(d->g), json_obj_end(d->g);
	json_arr_end(d->g);
}

int decode_json(const struct sxd_file *f, FILE *out, const struct decode_opts *o)
{
	struct decoder d = { .f = f, .o = o };
	uint32_t i;

	d.g = json_open(out, o->pretty);
	if (!d.g)
		return -ENOMEM;
	index_records(&d);
	json_obj(d.g);
	json_kuint(d.g, "format_version", f->hdr->version);
	emit_capture(&d);
	emit_scheds_and_errors(&d);
	emit_btf_objects(&d);
	if (!o->header_only)
		emit_maps(&d);
	json_obj_end(d.g);
	json_close(d.g);
	fputc('\n', out);
	for (i = 0; i < d.nr_btfs; i++)
		btf__free(d.btfs[i].btf);
	free(d.btfs);
	free(d.ends);
	return ferror(out) ? -EIO : 0;
}

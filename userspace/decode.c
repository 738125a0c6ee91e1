// SPDX-License-Identifier: GPL-2.0
/*
 * A dump as JSON (docs/format.md for the records). One pass indexes the
 * small records (capture, schedulers, BTF, errors, map ends); a second one
 * streams the maps with their entries in file order, so memory stays
 * proportional to the number of maps, not to the dump's size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <zlib.h>
#include "decode.h"
#include "json.h"
#include "render.h"

/* The JSON's own version (docs/json.md): a removed or retyped key bumps it. */
#define JSON_VERSION		1

/* A dump's maps are bounded by the module (SXD_MAX_MAPS); be generous. */
#define MAX_MAP_INDEX		(1u << 16)
#define MAX_BTF_INDEX		(1u << 16)

struct decoder {
	const struct sxd_file *f;
	const struct decode_opts *o;
	yajl_gen g;
	const struct sxd_capture *cap;
	const struct sxd_snapshot *snap;
	struct btf_slot {
		const struct sxd_btf *rec;
		struct btf *btf;
		const char *err;	/* why btf is NULL */
	} *btfs;			/* by btf_index */
	uint32_t nr_btfs;
	const struct sxd_map_end **ends;	/* by map_index */
	uint32_t nr_ends;
	const struct sxd_map_info **infos;	/* by map_index: the first */
	uint32_t nr_infos;
	const struct sxd_sym **syms;		/* sorted by address */
	size_t nr_syms;
	const struct btf *vmlinux;		/* embedded kernel BTF, if any */
	struct arena_page {
		uint64_t addr;
		const uint8_t *data;
		uint32_t size;
	} *pages;				/* every captured arena page */
	size_t nr_pages;
	struct render_mem mem;			/* pointers chase into pages */
	const struct sxd_kmem **kmems;		/* copied pointees, by address */
	size_t nr_kmems;
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

static int sym_cmp(const void *a, const void *b)
{
	uint64_t x = (*(const struct sxd_sym *const *)a)->addr;
	uint64_t y = (*(const struct sxd_sym *const *)b)->addr;

	return x < y ? -1 : x > y;
}

static void index_symbols(struct decoder *d, const struct sxd_symbols *s)
{
	const struct sxd_sym *sym = (const void *)(s + 1);
	const struct sxd_sym **n;
	uint32_t i;

	n = realloc(d->syms, (d->nr_syms + s->nr) * sizeof(*n));
	if (!n)
		return;
	d->syms = n;
	for (i = 0; i < s->nr; i++)
		d->syms[d->nr_syms++] = &sym[i];
}

static void index_arena_pages(struct decoder *d, const struct sxd_entries *e)
{
	size_t esz = sxd_entry_size(e->key_size, e->value_size, 1);
	struct arena_page *n;
	uint32_t i;

	if (e->key_size != 8 || e->nr_values != 1 || !e->nr)
		return;
	n = realloc(d->pages, (d->nr_pages + e->nr) * sizeof(*n));
	if (!n)
		return;
	d->pages = n;
	for (i = 0; i < e->nr; i++) {
		const uint8_t *p = (const uint8_t *)(e + 1) + i * esz;
		struct arena_page *pg = &d->pages[d->nr_pages++];

		memcpy(&pg->addr, p, 8);
		pg->data = p + 8;
		pg->size = e->value_size;
	}
}

static int page_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct arena_page *)a)->addr;
	uint64_t y = ((const struct arena_page *)b)->addr;

	return x < y ? -1 : x > y;
}

static int kmem_cmp(const void *a, const void *b)
{
	uint64_t x = (*(const struct sxd_kmem *const *)a)->addr;
	uint64_t y = (*(const struct sxd_kmem *const *)b)->addr;

	return x < y ? -1 : x > y;
}

/* struct render_mem's cpumask: the bits copied at capture. */
static bool kmem_cpumask(const void *ctx, uint64_t addr, const uint8_t **bits,
			 uint32_t *nr_bits)
{
	const struct decoder *d = ctx;
	size_t lo = 0, hi = d->nr_kmems;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct sxd_kmem *k = d->kmems[mid];

		if (k->addr == addr) {
			if (k->kind != SXD_KMEM_CPUMASK)
				return false;
			*bits = (const uint8_t *)(k + 1);
			*nr_bits = k->nr_bits;
			return true;
		}
		if (k->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* struct render_mem's read: bytes from the captured arena pages. */
static bool arena_mem_read(const void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	const struct decoder *d = ctx;
	uint8_t *out = buf;

	while (len) {
		size_t lo = 0, hi = d->nr_pages;
		const struct arena_page *pg = NULL;
		uint64_t off, n;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (d->pages[mid].addr <= addr &&
			    addr - d->pages[mid].addr < d->pages[mid].size) {
				pg = &d->pages[mid];
				break;
			}
			if (d->pages[mid].addr < addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!pg)
			return false;
		off = addr - pg->addr;
		n = pg->size - off < len ? pg->size - off : len;
		memcpy(out, pg->data + off, n);
		out += n;
		addr += n;
		len -= n;
	}
	return true;
}

static void index_records(struct decoder *d)
{
	const struct sxd_rec *r;
	size_t off = 0;
	uint32_t i;

	while ((r = sxd_file_next(d->f, &off))) {
		if (r->type == SXD_REC_CAPTURE && !d->cap) {
			d->cap = (const void *)r;
		} else if (r->type == SXD_REC_SNAPSHOT && !d->snap) {
			d->snap = (const void *)r;
		} else if (r->type == SXD_REC_BTF) {
			index_btf(d, (const void *)r);
		} else if (r->type == SXD_REC_MAP_END) {
			const struct sxd_map_end *e = (const void *)r;

			if (e->map_index < MAX_MAP_INDEX &&
			    !grow(&d->ends, &d->nr_ends, e->map_index, sizeof(*d->ends)))
				d->ends[e->map_index] = e;
		} else if (r->type == SXD_REC_MAP_INFO) {
			const struct sxd_map_info *mi = (const void *)r;

			if (mi->map_index < MAX_MAP_INDEX &&
			    !grow(&d->infos, &d->nr_infos, mi->map_index, sizeof(*d->infos)) &&
			    !d->infos[mi->map_index])
				d->infos[mi->map_index] = mi;
		} else if (r->type == SXD_REC_SYMBOLS) {
			index_symbols(d, (const void *)r);
		} else if (r->type == SXD_REC_KMEM) {
			const struct sxd_kmem **n = realloc(d->kmems, (d->nr_kmems + 1) * sizeof(*n));

			if (n) {
				d->kmems = n;
				d->kmems[d->nr_kmems++] = (const void *)r;
			}
		} else if (r->type == SXD_REC_ENTRIES &&
			   (((const struct sxd_entries *)r)->flags & SXD_ENTRIES_ARENA)) {
			index_arena_pages(d, (const void *)r);
		}
	}
	if (d->nr_pages)
		qsort(d->pages, d->nr_pages, sizeof(*d->pages), page_cmp);
	if (d->nr_kmems)
		qsort(d->kmems, d->nr_kmems, sizeof(*d->kmems), kmem_cmp);
	d->mem.read = d->nr_pages ? arena_mem_read : NULL;
	d->mem.cpumask = d->nr_kmems ? kmem_cpumask : NULL;
	d->mem.ctx = d;
	if (d->nr_syms)
		qsort(d->syms, d->nr_syms, sizeof(*d->syms), sym_cmp);
	d->vmlinux = d->o->vmlinux;
	for (i = 0; i < d->nr_btfs && !d->vmlinux; i++) {
		if (d->btfs[i].btf && d->btfs[i].rec->kind == SXD_BTF_VMLINUX)
			d->vmlinux = d->btfs[i].btf;
	}
}

const struct sxd_capture *decode_capture(const struct sxd_file *f)
{
	const struct sxd_rec *r;
	size_t off = 0;

	while ((r = sxd_file_next(f, &off))) {
		if (r->type == SXD_REC_CAPTURE)
			return (const void *)r;
	}
	return NULL;
}

/*
 * The kernel BTF in @path (raw, as /sys/kernel/btf/vmlinux), if it is the
 * one of the kernel that wrote the dump: same size and CRC-32.
 */
struct btf *decode_load_vmlinux(const struct sxd_file *f, const char *path,
				char *msg, size_t len)
{
	const struct sxd_capture *c = decode_capture(f);
	struct btf *btf = NULL;
	uint8_t *data = NULL;
	long size;
	FILE *in;

	in = fopen(path, "rb");
	if (!in) {
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(in, 0, SEEK_END) || (size = ftell(in)) <= 0 || fseek(in, 0, SEEK_SET) ||
	    !(data = malloc(size)) || fread(data, 1, size, in) != (size_t)size) {
		snprintf(msg, len, "%s: cannot read it", path);
		goto out;
	}
	if (c && c->kernel_btf_size &&
	    ((uint64_t)size != c->kernel_btf_size ||
	     (uint32_t)crc32(0, data, size) != c->kernel_btf_crc32)) {
		snprintf(msg, len, "%s is not the BTF of the kernel that wrote the dump (%s: %u bytes, CRC 0x%08x)",
			 path, c->kernel_release, c->kernel_btf_size, c->kernel_btf_crc32);
		goto out;
	}
	btf = btf__new(data, size);
	if (!btf)
		snprintf(msg, len, "%s: not raw BTF", path);
out:
	free(data);
	fclose(in);
	return btf;
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

/* How the maps were copied: at one instant (stop_machine) or one by one. */
static void emit_snapshot(yajl_gen g, const struct sxd_snapshot *rec)
{
	struct sxd_snapshot sn_v = { 0 }, *sn = &sn_v;

	if (!rec)
		return;
	/* a record from before module 0.2 is shorter: its new fields are 0 */
	memcpy(sn, rec, rec->rec.size < sizeof(*sn) ? rec->rec.size : sizeof(*sn));
	json_key(g, "snapshot");
	json_obj(g);
	/* a stop whose budget ran out before the first map holds none */
	json_kbool(g, "consistent", sn->mode == SXD_SNAP_STOPPED && sn->nr_maps);
	json_kstr(g, "mode", sn->mode == SXD_SNAP_STOPPED ? "stop_machine" :
		  sn->mode == SXD_SNAP_LIVE ? "live" : "unknown");
	if (sn->status)
		json_kstr(g, "error", strerror(sn->status < 0 ? -sn->status : sn->status));
	json_kuint(g, "nr_maps", sn->nr_maps);
	json_kuint(g, "nr_cpus_held", sn->nr_cpus);
	json_kuint(g, "held_ns", sn->held_ns);
	json_kuint(g, "stop_ns", sn->stop_ns);
	json_kuint(g, "reserved_bytes", sn->reserved_bytes);
	if (rec->rec.size > SXD_SNAPSHOT_V1_SIZE) {
		json_kuint(g, "budget_ns", sn->budget_ns);
		json_kbool(g, "budget_exhausted", sn->snap_flags & SXD_SNAP_F_BUDGET);
		json_kuint(g, "nr_maps_live", sn->nr_maps_live);
	}
	json_obj_end(g);
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
	emit_snapshot(g, d->snap);
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
		emit_fixed_str(g, "name", st[i].name, sizeof(st[i].name));
		json_kuint(g, "run_cnt", st[i].run_cnt);
		json_kuint(g, "run_time_ns", st[i].run_time_ns);
		json_kuint(g, "recursion_misses", st[i].recursion_misses);
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
	emit_fixed_str(g, "name", t->parent_name, sizeof(t->parent_name));
	json_obj_end(g);
}

/* The counters, program statistics and tree place written after @s. */
static void emit_sched_stats(const struct decoder *d, const struct sxd_sched *s)
{
	size_t off = (const uint8_t *)s - d->f->data;
	const struct sxd_rec *r;

	sxd_file_next(d->f, &off);	/* past @s */
	while ((r = sxd_file_next(d->f, &off)) && r->type != SXD_REC_MAP &&
	       r->type != SXD_REC_SCHED) {
		if (r->type == SXD_REC_COUNTERS &&
		    ((const struct sxd_counters *)r)->sched_index == s->sched_index)
			emit_counters(d->g, (const void *)r);
		else if (r->type == SXD_REC_PROG_STATS &&
			 ((const struct sxd_prog_stats *)r)->sched_index == s->sched_index)
			emit_prog_stats(d->g, (const void *)r);
		else if (r->type == SXD_REC_SCHED_TREE &&
			 ((const struct sxd_sched_tree *)r)->sched_index == s->sched_index)
			emit_sched_tree(d->g, (const void *)r);
	}
}

static void emit_sched(const struct decoder *d, const struct sxd_sched *s)
{
	const char *p = (const char *)(s + 1);
	yajl_gen g = d->g;

	json_obj(g);
	json_kuint(g, "index", s->sched_index);
	emit_fixed_str(g, "name", s->name, sizeof(s->name));
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
	emit_sched_stats(d, s);
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
			emit_sched(d, (const void *)r);
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

static void emit_typed(struct decoder *d, const struct btf *btf, uint32_t type_id,
		       const uint8_t *p, uint32_t size)
{
	if (btf && type_id)
		render_value_mem(d->g, btf, type_id, p, size,
				 d->nr_pages || d->nr_kmems ? &d->mem : NULL);
	else
		emit_untyped(d->g, p, size);
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
		       uint32_t type_id, const uint8_t *p, uint32_t size)
{
	if (is_string_section(m))
		emit_strings(d->g, p, size);
	else
		emit_typed(d, btf, type_id, p, size);
}

static void emit_addr(yajl_gen g, uint64_t a)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, a);
	json_str(g, buf);
}

static void emit_ip(yajl_gen g, const uint8_t *p, int family)
{
	char buf[64];

	inet_ntop(family == 10 ? AF_INET6 : AF_INET, p, buf, sizeof(buf));
	json_str(g, buf);
}

/* A local-storage element's owner (struct sxd_owner). */
static void emit_owner(yajl_gen g, const struct sxd_owner *o)
{
	char buf[32];

	json_obj(g);
	switch (o->kind) {
	case SXD_OWNER_TASK:
		json_kstr(g, "owner", "task");
		json_kint(g, "pid", o->pid);
		json_kint(g, "tgid", o->tgid);
		emit_fixed_str(g, "comm", o->comm, sizeof(o->comm));
		break;
	case SXD_OWNER_CGROUP:
		json_kstr(g, "owner", "cgroup");
		json_kuint(g, "id", o->id);
		emit_fixed_str(g, "path", o->path, sizeof(o->path));
		break;
	case SXD_OWNER_INODE:
		json_kstr(g, "owner", "inode");
		json_kuint(g, "ino", o->id);
		/* the kernel's dev_t: major in the top 12 bits */
		snprintf(buf, sizeof(buf), "%u:%u", o->dev >> 20, o->dev & 0xfffff);
		json_kstr(g, "dev", buf);
		break;
	case SXD_OWNER_SOCK:
		json_kstr(g, "owner", "socket");
		json_kstr(g, "family", o->family == 2 ? "inet" : o->family == 10 ? "inet6" : "other");
		json_key(g, "src");
		emit_ip(g, o->saddr, o->family);
		json_kuint(g, "sport", o->sport);
		json_key(g, "dst");
		emit_ip(g, o->daddr, o->family);
		json_kuint(g, "dport", o->dport);
		break;
	default:
		json_kstr(g, "owner", "unknown");
	}
	json_obj_end(g);
}

static void emit_ref(yajl_gen g, const struct sxd_obj_ref *r)
{
	static const char *const kinds[] = {
		[SXD_REF_PROG] = "prog", [SXD_REF_MAP] = "map",
		[SXD_REF_PERF_EVENT] = "perf_event", [SXD_REF_CGROUP] = "cgroup",
	};

	json_obj(g);
	json_kstr(g, "kind", r->kind < 5 && kinds[r->kind] ? kinds[r->kind] : "unknown");
	if (r->kind == SXD_REF_PROG || r->kind == SXD_REF_MAP) {
		json_kuint(g, "id", r->id);
		emit_fixed_str(g, "name", r->name, sizeof(r->name));
	} else if (r->kind == SXD_REF_CGROUP) {
		json_kuint(g, "cgroup_id", r->extra);
	}
	json_obj_end(g);
}

static const char *symbol_of(const struct decoder *d, uint64_t addr)
{
	size_t lo = 0, hi = d->nr_syms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->syms[mid]->addr == addr)
			return d->syms[mid]->name;
		if (d->syms[mid]->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A stack trace: u64 nr, then nr addresses, symbolised at capture. */
static void emit_stack(struct decoder *d, const uint8_t *v, uint32_t size)
{
	uint64_t nr, i, ip;
	const char *sym;

	memcpy(&nr, v, 8);
	if (nr > (size - 8) / 8)
		nr = (size - 8) / 8;
	json_obj(d->g);
	json_kuint(d->g, "nr", nr);
	json_key(d->g, "frames");
	json_arr(d->g);
	for (i = 0; i < nr; i++) {
		memcpy(&ip, v + 8 + 8 * i, 8);
		sym = symbol_of(d, ip);
		if (sym)
			json_strn(d->g, sym, strnlen(sym, sizeof(((struct sxd_sym *)0)->name)));
		else
			emit_addr(d->g, ip);
	}
	json_arr_end(d->g);
	json_obj_end(d->g);
}

static void emit_key(struct decoder *d, const struct sxd_map *m, const struct btf *btf,
		     const struct sxd_entries *e, const uint8_t *p)
{
	uint64_t a;

	if ((e->flags & SXD_ENTRIES_OWNER) && e->key_size >= sizeof(struct sxd_owner)) {
		emit_owner(d->g, (const void *)p);
	} else if ((e->flags & SXD_ENTRIES_ARENA) && e->key_size >= 8) {
		memcpy(&a, p, 8);
		emit_addr(d->g, a);
	} else if (e->key_size == m->key_size) {
		emit_typed(d, btf, btf ? m->btf_key_type_id : 0, p, e->key_size);
	} else {
		emit_untyped(d->g, p, e->key_size);
	}
}

/* One value of an entry, by what the block says it holds. */
static void emit_one_value(struct decoder *d, const struct sxd_map *m, const struct btf *btf,
			   const struct sxd_entries *e, const uint8_t *v)
{
	/* a shape flag is believed only with the sizes that shape needs */
	if ((e->flags & SXD_ENTRIES_REF) && e->value_size >= sizeof(struct sxd_obj_ref))
		emit_ref(d->g, (const void *)v);
	else if ((e->flags & SXD_ENTRIES_STACK) && e->value_size >= 8)
		emit_stack(d, v, e->value_size);
	else if (e->flags & SXD_ENTRIES_ARENA)
		json_hex(d->g, v, e->value_size);
	else if (m->btf_vmlinux_value_type_id && d->vmlinux)
		emit_value(d, m, d->vmlinux, m->btf_vmlinux_value_type_id, v, e->value_size);
	else if (e->value_size == m->value_size)
		emit_value(d, m, btf, btf && !m->btf_vmlinux_value_type_id ?
			   m->btf_value_type_id : 0, v, e->value_size);
	else
		emit_untyped(d->g, v, e->value_size);
}

static void emit_entries(struct decoder *d, const struct sxd_map *m,
			 const struct btf *btf, const struct sxd_entries *e)
{
	size_t esz = sxd_entry_size(e->key_size, e->value_size, e->nr_values);
	const uint8_t *p = (const uint8_t *)(e + 1);
	/* arena pages are their own hex; other values get raw hex beside */
	bool raw = !(e->flags & (SXD_ENTRIES_ARENA | SXD_ENTRIES_OWNER));
	yajl_gen g = d->g;
	uint32_t i, c;

	for (i = 0; i < e->nr; i++, p += esz) {
		const uint8_t *v = p + sxd_align(e->key_size);

		json_obj(g);
		json_key(g, "key");
		emit_key(d, m, btf, e, p);
		if (e->nr_values == 1) {
			json_key(g, "value");
			emit_one_value(d, m, btf, e, v);
		} else {
			json_key(g, "values");
			json_arr(g);
			for (c = 0; c < e->nr_values; c++)
				emit_one_value(d, m, btf, e, v + (size_t)c * sxd_align(e->value_size));
			json_arr_end(g);
		}
		if (raw) {
			json_khex(g, "key_hex", p, e->key_size);
			json_key(g, "value_hex");
			if (e->nr_values == 1) {
				json_hex(g, v, e->value_size);
			} else {
				json_arr(g);
				for (c = 0; c < e->nr_values; c++)
					json_hex(g, v + (size_t)c * sxd_align(e->value_size),
						 e->value_size);
				json_arr_end(g);
			}
		}
		json_obj_end(g);
	}
}

/* Ring buffer records in [consumer, producer): 8-byte header, payload. */
static void emit_ringbuf_records(yajl_gen g, const struct sxd_map_info *mi)
{
	const uint8_t *data = (const uint8_t *)(mi + 1);
	uint32_t off = 0, len, hdr;

	json_key(g, "records");
	json_arr(g);
	while (mi->data_len - off >= 8) {
		memcpy(&hdr, data + off, 4);
		len = hdr & ~(0x80000000u | 0x40000000u);
		json_obj(g);
		json_kuint(g, "pos", mi->val[1] + off);
		json_kuint(g, "len", len);
		json_kbool(g, "busy", hdr & 0x80000000u);
		json_kbool(g, "discarded", hdr & 0x40000000u);
		if (len > mi->data_len - off - 8) {
			json_kbool(g, "cut", true);
			len = mi->data_len - off - 8;
		}
		json_khex(g, "data_hex", data + off + 8, len);
		json_obj_end(g);
		if (hdr & 0x80000000u)
			break;	/* not committed: nothing after it is either */
		off += (len + 8 + 7) & ~7u;
	}
	json_arr_end(g);
}

static void emit_info(struct decoder *d, const struct sxd_map_info *mi)
{
	static const char *const states[] = { "init", "inuse", "tobefree", "ready" };
	const uint8_t *data = (const uint8_t *)(mi + 1);
	yajl_gen g = d->g;
	uint64_t bits = 0, i;

	json_key(g, "info");
	json_obj(g);
	switch (mi->kind) {
	case SXD_INFO_ARENA:
		json_key(g, "user_vm_start");
		emit_addr(g, mi->val[0]);
		json_key(g, "user_vm_end");
		emit_addr(g, mi->val[1]);
		json_kuint(g, "nr_pages", mi->val[3]);
		break;
	case SXD_INFO_RINGBUF:
		json_kuint(g, "capacity", mi->val[0]);
		json_kuint(g, "consumer_pos", mi->val[1]);
		json_kuint(g, "producer_pos", mi->val[2]);
		json_kuint(g, "pending_pos", mi->val[3]);
		json_kbool(g, "overwrite", mi->val[5]);
		if (mi->val[5])
			json_kuint(g, "overwrite_pos", mi->val[4]);
		json_kuint(g, "unconsumed_bytes", mi->data_len);
		emit_ringbuf_records(g, mi);
		break;
	case SXD_INFO_QUEUE:
		json_kuint(g, "head", mi->val[0]);
		json_kuint(g, "tail", mi->val[1]);
		json_kuint(g, "slots", mi->val[2]);
		json_kuint(g, "count", mi->val[3]);
		break;
	case SXD_INFO_BLOOM:
		for (i = 0; i < mi->data_len; i++)
			bits += __builtin_popcount(data[i]);
		json_kuint(g, "nr_hash_funcs", mi->val[0]);
		json_kuint(g, "hash_seed", mi->val[1]);
		json_kuint(g, "nr_bits", mi->val[2]);
		json_kuint(g, "bits_set", bits);
		json_khex(g, "bitset_hex", data, mi->data_len);
		break;
	case SXD_INFO_STACKMAP:
		json_kuint(g, "nr_buckets", mi->val[0]);
		json_kuint(g, "elem_size", mi->val[1]);
		break;
	case SXD_INFO_STRUCT_OPS:
		json_kstr(g, "state", mi->val[0] < 4 ? states[mi->val[0]] : "unknown");
		json_key(g, "programs");
		json_arr(g);
		for (i = 0; i < mi->data_len / sizeof(struct sxd_obj_ref); i++) {
			const struct sxd_obj_ref *r = (const void *)(data + i * sizeof(*r));

			if (!r->kind)
				continue;
			json_obj(g);
			json_kuint(g, "slot", i);
			json_kuint(g, "id", r->id);
			emit_fixed_str(g, "name", r->name, sizeof(r->name));
			json_obj_end(g);
		}
		json_arr_end(g);
		break;
	}
	json_obj_end(g);
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
	json_kstr(g, "nr_omitted_is", e->flags & SXD_MAP_OMITTED_MORE ? "at_least" :
		  e->flags & SXD_MAP_OMITTED_EST ? "estimate" : "exact");
	json_kbool(g, "truncated", e->flags & (SXD_MAP_TRUNCATED | SXD_MAP_ITER_LIMIT));
	json_kbool(g, "unsupported", e->flags & SXD_MAP_UNSUPPORTED);
	json_kbool(g, "in_snapshot", e->flags & SXD_MAP_SNAPSHOT);
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

/* libbpf's names, and ours for types newer than the libbpf at hand. */
static const char *map_type_name(uint32_t type)
{
	static const char *const newer[] = {
		[33] = "arena", [34] = "insn_array",
	};
	const char *name = libbpf_bpf_map_type_str(type);

	if (name)
		return name;
	if (type < sizeof(newer) / sizeof(newer[0]) && newer[type])
		return newer[type];
	return "unknown";
}

/* A program BTF of the dump with arena globals (DATASEC .addr_space.1). */
static const struct btf *arena_datasec(const struct decoder *d, int32_t *id)
{
	uint32_t i;

	for (i = 0; i < d->nr_btfs; i++) {
		const struct btf *b = d->btfs[i].btf;

		if (!b || d->btfs[i].rec->kind != SXD_BTF_PROG)
			continue;
		*id = btf__find_by_name_kind(b, ".addr_space.1", BTF_KIND_DATASEC);
		if (*id > 0)
			return b;
	}
	return NULL;
}

/* Copy [addr, addr + len) out of the arena pages captured after @off. */
static bool arena_read(const struct decoder *d, const struct sxd_map *m, size_t off,
		       uint64_t addr, uint8_t *buf, uint32_t len)
{
	const struct sxd_rec *r;
	uint32_t got = 0, i;

	while (got < len && (r = sxd_file_next(d->f, &off)) && r->type != SXD_REC_MAP) {
		const struct sxd_entries *e = (const void *)r;
		size_t esz;

		if (r->type != SXD_REC_ENTRIES || e->map_index != m->map_index ||
		    !(e->flags & SXD_ENTRIES_ARENA) || e->key_size != 8)
			continue;
		esz = sxd_entry_size(e->key_size, e->value_size, 1);
		for (i = 0; i < e->nr; i++) {
			const uint8_t *p = (const uint8_t *)(e + 1) + i * esz;
			uint64_t page, lo, hi;

			memcpy(&page, p, 8);
			lo = page > addr ? page : addr;
			hi = page + e->value_size < addr + len ? page + e->value_size : addr + len;
			if (lo >= hi)
				continue;
			memcpy(buf + (lo - addr), p + 8 + (lo - page), hi - lo);
			got += hi - lo;
		}
	}
	return got == len;
}

/*
 * Arena globals by name. libbpf puts them at the arena's end where it can
 * (and at its start before that): the first place whose pages the dump
 * holds is where they are.
 */
static void emit_arena_globals(struct decoder *d, const struct sxd_map *m,
			       const struct sxd_map_info *mi, size_t off)
{
	uint64_t page = d->cap && d->cap->page_size ? d->cap->page_size : 4096;
	const struct btf *btf;
	uint64_t size, at[2];
	uint8_t *buf;
	int32_t id;
	int i;

	btf = arena_datasec(d, &id);
	if (!btf || mi->kind != SXD_INFO_ARENA)
		return;
	size = btf__type_by_id(btf, id)->size;
	/* the globals live inside the arena: a BTF saying otherwise is wrong */
	if (!size || mi->val[1] <= mi->val[0] || size > mi->val[1] - mi->val[0] ||
	    size > (64u << 20)) {
		json_kstr(d->g, "arena_globals_missing", "their BTF size does not fit the arena");
		return;
	}
	at[0] = mi->val[1] - (size + page - 1) / page * page;
	at[1] = mi->val[0];
	buf = size ? calloc(1, size) : NULL;
	for (i = 0; buf && i < 2; i++) {
		if (at[i] < mi->val[0] || !arena_read(d, m, off, at[i], buf, size))
			continue;
		json_key(d->g, "arena_globals_at");
		emit_addr(d->g, at[i]);
		json_key(d->g, "arena_globals");
		render_value(d->g, btf, id, buf, size);
		break;
	}
	if (buf && i == 2)
		json_kstr(d->g, "arena_globals_missing", "their pages are not in the dump");
	free(buf);
}

static void emit_map_head(struct decoder *d, const struct sxd_map *m,
			  const struct btf **btf, size_t off)
{
	const char *type = map_type_name(m->type);
	yajl_gen g = d->g;
	const char *why;
	char name[256];

	*btf = map_btf(d, m, &why);
	json_obj(g);
	emit_fixed_str(g, "name", m->name, sizeof(m->name));
	json_kuint(g, "index", m->map_index);
	json_kuint(g, "id", m->id);
	json_kstr(g, "type", type);
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
	if (m->btf_vmlinux_value_type_id && d->vmlinux) {
		json_obj(g);
		render_type_name(d->vmlinux, m->btf_vmlinux_value_type_id, name, sizeof(name));
		json_kstr(g, "value_type", name);
		json_kstr(g, "from", "kernel");
		json_obj_end(g);
	} else if (*btf && !m->btf_vmlinux_value_type_id) {
		json_obj(g);
		render_type_name(*btf, m->btf_key_type_id, name, sizeof(name));
		json_kstr(g, "key_type", name);
		render_type_name(*btf, m->btf_value_type_id, name, sizeof(name));
		json_kstr(g, "value_type", name);
		json_obj_end(g);
	} else {
		json_null(g);
		json_kstr(g, "btf_missing", m->btf_vmlinux_value_type_id ?
			  "the kernel's BTF is not in the dump (embed_kernel_btf=N): pass --vmlinux-btf" : why);
	}
	emit_map_end(g, m->map_index < d->nr_ends ? d->ends[m->map_index] : NULL);
	if (m->map_index < d->nr_infos && d->infos[m->map_index]) {
		emit_info(d, d->infos[m->map_index]);
		emit_arena_globals(d, m, d->infos[m->map_index], off);
	}
	json_key(g, "entries");
	json_arr(g);
}

static bool map_selected(const struct decoder *d, const struct sxd_map *m)
{
	unsigned int i;

	for (i = 0; i < d->o->nr_map_names; i++) {
		if (!strncmp(m->name, d->o->map_names[i], sizeof(m->name)))
			return true;
	}
	return !d->o->nr_map_names;
}

/* Progress on a terminal's stderr, for dumps that take a while. */
static void progress(const struct decoder *d, size_t off, int *last)
{
	int pct;

	if (d->f->size < (64u << 20) || !isatty(STDERR_FILENO))
		return;
	pct = off >= d->f->size ? 100 : (int)(off * 100 / d->f->size);
	if (pct == *last)
		return;
	*last = pct;
	fprintf(stderr, "\rscxdump: decoding %3d%%%s", pct, pct == 100 ? "\n" : "");
}

static void emit_maps(struct decoder *d)
{
	const struct sxd_map *cur = NULL;
	const struct btf *btf = NULL;
	const struct sxd_rec *r;
	size_t off = 0;
	int last = -1;

	json_key(d->g, "maps");
	json_arr(d->g);
	while ((r = sxd_file_next(d->f, &off))) {
		progress(d, off, &last);
		if (r->type == SXD_REC_MAP) {
			if (cur)
				json_arr_end(d->g), json_obj_end(d->g);
			cur = (const void *)r;
			if (!map_selected(d, cur)) {
				cur = NULL;
				continue;
			}
			emit_map_head(d, cur, &btf, off);
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
	json_kuint(d.g, "json_version", JSON_VERSION);
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
	free(d.infos);
	free(d.syms);
	free(d.pages);
	free(d.kmems);
	return ferror(out) ? -EIO : 0;
}

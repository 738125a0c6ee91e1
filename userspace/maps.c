// SPDX-License-Identifier: GPL-2.0
/*
 * The maps, streamed in file order: each map's header, BTF types, end
 * status and info from the index, then its entry blocks as they come.
 * What an entry or an info means is its family's (maps/), chosen by the
 * two tables below.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "array.h"
#include "mapdef.h"
#include "maps/maps.h"
#include "names.h"
#include "textout.h"

/*
 * Entry shapes by the block's flags, first match wins, for the key and the
 * value apart; typed_shape, last, takes what no flag claims.
 */
static const struct entry_shape *const entry_shapes[] = {
	&fd_array_shape,	/* SXD_ENTRIES_REF: values */
	&stackmap_shape,	/* SXD_ENTRIES_STACK: values */
	&local_storage_shape,	/* SXD_ENTRIES_OWNER: keys */
	&arena_shape,		/* SXD_ENTRIES_ARENA: keys and values */
	&typed_shape,
};

static const struct info_kind *const info_kinds[] = {
	&arena_info, &ringbuf_info, &queue_stack_info, &bloom_info,
	&stackmap_info, &struct_ops_info, &flat_info, &owners_info,
};

#define NR(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The shape that renders a block's keys (@key) or values: the first whose
 * flag the block has, with a handler, and the size that shape needs.
 */
static const struct entry_shape *shape_for(const struct sxd_entries *b, bool key)
{
	size_t i;

	for (i = 0; i < NR(entry_shapes); i++) {
		const struct entry_shape *s = entry_shapes[i];

		if (s->flag && !(b->flags & s->flag))
			continue;
		if (key ? s->key && b->key_size >= s->min_key_size :
			  s->value && b->value_size >= s->min_value_size)
			return s;
	}
	return &typed_shape;
}

/*
 * Raw key_hex/value_hex beside the rendering, unless a shape is bytes;
 * beside a BTF rendering only on request (--hex): it doubles the output.
 */
static bool wants_hex(const struct entry_view *v, const struct sxd_entries *b)
{
	size_t i;

	if (v->btf && !v->e->o->hex)
		return false;
	for (i = 0; i < NR(entry_shapes); i++) {
		if (entry_shapes[i]->own_hex && entry_shapes[i]->flag & b->flags)
			return false;
	}
	return true;
}

static void emit_hex_values(yajl_gen g, const struct sxd_entries *b, const uint8_t *v)
{
	uint32_t c;

	if (b->nr_values == 1) {
		json_hex(g, v, b->value_size);
		return;
	}
	json_arr(g);
	for (c = 0; c < b->nr_values; c++)
		json_hex(g, v + (size_t)c * sxd_align(b->value_size), b->value_size);
	json_arr_end(g);
}

static void emit_entry(const struct entry_view *v, const struct entry_shape *ks,
		       const struct entry_shape *vs, bool hex, const uint8_t *p)
{
	const struct sxd_entries *b = v->blk;
	const uint8_t *val = p + sxd_align(b->key_size);
	yajl_gen g = v->e->g;
	uint32_t c;

	json_obj(g);
	json_key(g, "key");
	ks->key(v, p);
	if (b->nr_values == 1) {
		json_key(g, "value");
		vs->value(v, val);
	} else {
		json_key(g, "values");
		json_arr(g);
		for (c = 0; c < b->nr_values; c++)
			vs->value(v, val + (size_t)c * sxd_align(b->value_size));
		json_arr_end(g);
	}
	if (hex) {
		json_khex(g, "key_hex", p, b->key_size);
		json_key(g, "value_hex");
		emit_hex_values(g, b, val);
	}
	json_obj_end(g);
}

/* The planned entries' text gathered before it goes to yajl as one token. */
#define PLANNED_CHUNK	(64u << 10)
/* The longest text of one entry written that way. */
#define PLANNED_MAX_ENTRY	(64u << 20)

/* One entry's text at @o, as emit_entry() writes it: past it, or NULL. */
static char *planned_entry(const struct entry_view *v, const struct plan *kp,
			   const struct plan *vp, const uint8_t *p, char *o)
{
	static const char key[] = "{\"key\":", value[] = ",\"value\":", values[] = ",\"values\":[";
	const struct sxd_entries *b = v->blk;
	const uint8_t *val = p + sxd_align(b->key_size);
	size_t n;
	uint32_t c;

	memcpy(o, key, sizeof(key) - 1);
	o += sizeof(key) - 1;
	if (!(n = plan_run(kp, p, o)))
		return NULL;
	o += n;
	if (b->nr_values == 1) {
		memcpy(o, value, sizeof(value) - 1);
		o += sizeof(value) - 1;
		if (!(n = plan_run(vp, val, o)))
			return NULL;
		o += n;
	} else {
		memcpy(o, values, sizeof(values) - 1);
		o += sizeof(values) - 1;
		for (c = 0; c < b->nr_values; c++) {
			if (c)
				*o++ = ',';
			if (!(n = plan_run(vp, val + (size_t)c * sxd_align(b->value_size), o)))
				return NULL;
			o += n;
		}
		*o++ = ']';
	}
	*o++ = '}';
	return o;
}

/*
 * A block whose keys and values both have a compiled renderer (plan.h):
 * the entries' text, each as emit_entry() writes it, joined by commas,
 * goes to yajl in chunks of PLANNED_CHUNK bytes, one token each (yajl
 * writes a number's text as given, and the comma before it); an entry a
 * plan leaves to render.c is emit_entry()'s.
 */
static bool emit_entries_planned(const struct entry_view *v, const struct entry_shape *ks,
				 const struct entry_shape *vs, const uint8_t *p, size_t esz)
{
	const struct sxd_entries *b = v->blk;
	const struct plan *kp, *vp;
	size_t max, cap, len = 0;
	char *buf, *o;
	uint32_t i;

	if (!typed_plans(v, &kp, &vp))
		return false;
	/* ",{"key":K,"values":[V,...]}"; one so long is render.c's, entry by entry */
	max = 32 + plan_max_len(kp) + (size_t)b->nr_values * (plan_max_len(vp) + 1);
	if (max > PLANNED_MAX_ENTRY)
		return false;
	cap = max > PLANNED_CHUNK ? max : PLANNED_CHUNK;
	buf = malloc(cap);
	if (!buf)
		return false;
	for (i = 0; i < b->nr; i++, p += esz) {
		if (len + max > cap) {
			yajl_gen_number(v->e->g, buf, len);
			len = 0;
		}
		o = buf + len;
		if (len)
			*o++ = ',';
		o = planned_entry(v, kp, vp, p, o);
		if (o) {
			len = o - buf;
			continue;
		}
		if (len)
			yajl_gen_number(v->e->g, buf, len);
		len = 0;
		emit_entry(v, ks, vs, false, p);
	}
	if (len)
		yajl_gen_number(v->e->g, buf, len);
	free(buf);
	return true;
}

static void emit_entries(const struct entry_view *v)
{
	const struct sxd_entries *b = v->blk;
	size_t esz = dump_entry_size(b->key_size, b->value_size, b->nr_values);
	const uint8_t *p = (const uint8_t *)(b + 1);
	const struct entry_shape *ks = shape_for(b, true), *vs = shape_for(b, false);
	bool hex = wants_hex(v, b);
	uint32_t i;

	/* the entries' text in one token: a compact document only */
	if (ks == &typed_shape && vs == &typed_shape && !hex && json_compact(v->e->g) &&
	    emit_entries_planned(v, ks, vs, p, esz))
		return;
	for (i = 0; i < b->nr; i++, p += esz)
		emit_entry(v, ks, vs, hex, p);
}

/* The family's kind of a map info, or NULL for a kind this decoder does not know. */
static const struct info_kind *info_kind_of(const struct sxd_map_info *mi)
{
	size_t i;

	for (i = 0; i < NR(info_kinds); i++) {
		if (info_kinds[i]->kind == mi->kind)
			return info_kinds[i];
	}
	return NULL;
}

bool map_info_text(FILE *out, const struct sxd_map *m, const struct sxd_map_info *mi)
{
	const struct info_kind *k = info_kind_of(mi);

	if (!k || !k->text)
		return false;
	fputs("map ", out);
	text_fixed(out, m->name, sizeof(m->name), 0);
	fputs(": ", out);
	k->text(out, mi);
	fputc('\n', out);
	return true;
}

static void emit_info(struct emit *e, const struct sxd_map *m, const struct sxd_map_info *mi)
{
	const struct info_kind *k = info_kind_of(mi);

	json_key(e->g, "info");
	json_obj(e->g);
	if (k)
		k->info(e, mi);
	json_obj_end(e->g);
	if (k && k->beside)
		k->beside(e, m, mi);
}

static void emit_map_end(yajl_gen g, const struct sxd_map_end *e)
{
	const char *copy;

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
	json_key(g, "snapshot_copy");
	if ((copy = name_snapshot_copy(e->flags)))
		json_str(g, copy);
	else
		json_null(g);
	if (e->status)
		json_kstr(g, "status", strerror(e->status));
	else
		json_kstr(g, "status", "ok");
	json_key(g, "reason");
	if (e->reason_len)
		json_strn(g, map_end_reason(e), e->reason_len);
	else
		json_null(g);
	json_kuint(g, "capture_ns", e->duration_ns);
}

/* The map's BTF, or NULL; *why says why not when it is missing. */
const struct btf *map_btf(const struct dump_index *x, const struct sxd_map *m, const char **why)
{
	const struct btf *btf;

	*why = NULL;
	if (m->btf_index == SXD_NO_INDEX) {
		*why = "the map has no BTF";
		return NULL;
	}
	if (m->btf_index >= x->nr_btfs || !x->btfs[m->btf_index].rec) {
		*why = "the map's BTF was not captured";
		return NULL;
	}
	btf = index_btf_at(x, m->btf_index, why);
	return btf;
}

static void emit_btf_types(const struct emit *e, const struct sxd_map *m,
			   const struct entry_view *v, const struct mapdef *def, const char *why)
{
	yajl_gen g = e->g;
	char name[256];

	json_key(g, "btf");
	if (m->btf_vmlinux_value_type_id && emit_vmlinux(e)) {
		json_obj(g);
		render_type_name(emit_vmlinux(e), m->btf_vmlinux_value_type_id, name, sizeof(name));
		json_kstr(g, "value_type", name);
		json_kstr(g, "from", "kernel");
		json_obj_end(g);
	} else if (v->btf && !m->btf_vmlinux_value_type_id) {
		json_obj(g);
		render_type_name(v->btf, v->key_type, name, sizeof(name));
		json_kstr(g, "key_type", name);
		render_type_name(v->btf, v->value_type, name, sizeof(name));
		json_kstr(g, "value_type", name);
		if (def) {
			json_kstr(g, "from", "definition");
			json_kuint(g, "btf_index", def->btf_index);
		}
		json_obj_end(g);
	} else {
		json_null(g);
		json_kstr(g, "btf_missing", m->btf_vmlinux_value_type_id ?
			  "the kernel's BTF is not in the dump (embed_kernel_btf=N): pass --vmlinux-btf" : why);
	}
}

/* Which map-in-map holds each inner map (mapdef.h): read once, when a map without BTF asks. */
struct inner_refs {
	struct mapdef_refs r;
	bool built;
};

/* Everything of a map but its entries, and the opening of "entries". */
static void emit_map_head(struct emit *e, struct inner_refs *refs, const struct sxd_map *m,
			  struct entry_view *v)
{
	const struct sxd_map_info *mi = dump_index_info(e->x, m->map_index);
	struct mapdef def;
	bool by_def;
	yajl_gen g = e->g;
	const char *why;

	v->btf = map_btf(e->x, m, &why);
	v->key_type = m->btf_key_type_id;
	v->value_type = m->btf_value_type_id;
	/* libbpf made it without BTF: its types from its definition */
	if (!v->btf && !refs->built) {
		/* without memory for it, inner maps are only left untyped */
		mapdef_refs_build(e->x, &refs->r);
		refs->built = true;
	}
	by_def = !v->btf && mapdef_find(e->x, &refs->r, m, &def, &why);
	if (by_def) {
		v->btf = def.btf;
		v->key_type = def.key_type;
		v->value_type = def.value_type;
	}
	json_obj(g);
	json_kfixed(g, "name", m->name, sizeof(m->name));
	json_kuint(g, "index", m->map_index);
	json_kuint(g, "id", m->id);
	json_kstr(g, "type", name_map_type(m->type));
	json_kuint(g, "type_id", m->type);
	json_kuint(g, "key_size", m->key_size);
	json_kuint(g, "value_size", m->value_size);
	json_kuint(g, "max_entries", m->max_entries);
	json_kuint(g, "flags", m->map_flags);
	json_kuint(g, "map_extra", m->map_extra);
	json_kuint(g, "dump_bytes", dump_index_map_bytes(e->x, m->map_index));
	json_key(g, "btf_index");
	if (m->btf_index == SXD_NO_INDEX)
		json_null(g);
	else
		json_uint(g, m->btf_index);
	emit_btf_types(e, m, v, by_def ? &def : NULL, why);
	emit_map_end(g, dump_index_end(e->x, m->map_index));
	if (mi)
		emit_info(e, m, mi);
	json_key(g, "entries");
	json_arr(g);
}

static int slot_cmp(const void *a, const void *b)
{
	uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)b;

	return (p > q) - (p < q);
}

/*
 * The maps[] slots --map names, in file order, into *@slots (found by name
 * in the index, so that diff, which decodes one name at a time, does not
 * read the whole dump per name); *@slots NULL: every map. 0, or -ENOMEM.
 */
static int maps_selected(const struct emit *e, uint32_t **slots, uint32_t *nr)
{
	const struct dump_index *x = e->x;
	uint32_t i, k, n = 0, first, cnt;
	uint32_t *s;

	*slots = NULL;
	*nr = x->nr_maps;
	if (!e->o->nr_map_names)
		return 0;
	for (i = 0, cnt = 0; i < e->o->nr_map_names; i++)
		cnt += dump_index_named(x, e->o->map_names[i], &first);
	s = malloc((cnt ? cnt : 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < e->o->nr_map_names; i++) {
		cnt = dump_index_named(x, e->o->map_names[i], &first);
		for (k = 0; k < cnt; k++)
			s[n++] = x->by_name[first + k].slot;
	}
	qsort(s, n, sizeof(*s), slot_cmp);
	for (i = 0, k = 0; i < n; i++)	/* a name given twice: its maps once */
		if (!k || s[k - 1] != s[i])
			s[k++] = s[i];
	*slots = s;
	*nr = k;
	return 0;
}

/* Progress on a terminal's stderr, for dumps that take a while. */
static void progress(const struct dump_file *f, size_t off, int *last)
{
	int pct;

	if (f->size < (64u << 20) || !isatty(STDERR_FILENO))
		return;
	pct = off >= f->size ? 100 : (int)(off * 100 / f->size);
	if (pct == *last)
		return;
	*last = pct;
	fprintf(stderr, "\rscxdump: decoding %3d%%%s", pct, pct == 100 ? "\n" : "");
}

int emit_maps(struct emit *e)
{
	const struct dump_file *f = e->x->f;
	struct entry_view v = { .e = e };
	struct inner_refs refs = { 0 };
	const struct sxd_rec *r;
	uint32_t *slots, nr, i;
	size_t off;
	int last = -1;

	if (maps_selected(e, &slots, &nr))
		return -ENOMEM;
	json_key(e->g, "maps");
	json_arr(e->g);
	for (i = 0; i < nr; i++) {
		const struct index_map *im = &e->x->maps[slots ? slots[i] : i];

		v.m = im->rec;
		emit_map_head(e, &refs, v.m, &v);
		/* its entries: the records up to the next map's header */
		for (off = im->next; (r = dump_next(f, &off)) && r->type != SXD_REC_MAP;) {
			progress(f, off, &last);
			v.blk = (const void *)r;
			if (r->type == SXD_REC_ENTRIES && v.blk->map_index == v.m->map_index)
				emit_entries(&v);
		}
		json_arr_end(e->g);
		json_obj_end(e->g);
	}
	json_arr_end(e->g);
	free(slots);
	mapdef_refs_free(&refs.r);
	return 0;
}

/*
 * One map's entries, rendered one at a time (scxdump diff): the map's entry
 * blocks are found once, an entry is rendered on request into a generator
 * of the walk's own, so memory holds one entry's text, not the map's.
 */
struct entry_walk_blk {
	const struct sxd_entries *blk;
	size_t first;			/* the map's index of its first entry */
};

struct entry_walk {
	struct emit e;
	struct decode_opts o;
	struct inner_refs refs;
	struct entry_view v;
	struct entry_walk_blk *blks;
	size_t nr_blks, cap_blks, nr_entries;
	size_t last;			/* the block of the last entry asked for */
};

struct entry_walk *entry_walk_open(const struct dump_index *x, const struct decode_opts *o,
				   int *err)
{
	struct entry_walk *w = calloc(1, sizeof(*w));

	*err = -ENOMEM;
	if (!w)
		return NULL;
	w->o = *o;
	w->o.pretty = false;
	w->e.x = x;
	w->e.o = &w->o;
	w->v.e = &w->e;
	plan_cache_init(&w->e.plans);
	w->e.mem = mem_for_render(x, &w->e.view, err);
	w->e.g = *err ? NULL : yajl_gen_alloc(NULL);
	if (!w->e.g) {
		entry_walk_close(w);
		*err = -ENOMEM;
		return NULL;
	}
	*err = 0;
	return w;
}

void entry_walk_close(struct entry_walk *w)
{
	if (!w)
		return;
	if (w->e.g)
		yajl_gen_free(w->e.g);
	mem_view_free(&w->e.view);
	plan_cache_free(&w->e.plans);
	mapdef_refs_free(&w->refs.r);
	free(w->blks);
	free(w);
}

/* What the walk's generator holds, and a fresh start for the next value. */
static void walk_text(struct entry_walk *w, const unsigned char **text, size_t *len)
{
	yajl_gen_get_buf(w->e.g, text, len);
}

static void walk_restart(struct entry_walk *w)
{
	yajl_gen_clear(w->e.g);
	yajl_gen_reset(w->e.g, NULL);
}

int entry_walk_map(struct entry_walk *w, uint32_t slot, const unsigned char **text, size_t *len)
{
	const struct dump_file *f = w->e.x->f;
	const struct index_map *im = &w->e.x->maps[slot];
	const struct sxd_rec *r;
	const struct sxd_entries *b;
	size_t off;

	w->nr_blks = w->nr_entries = w->last = 0;
	w->v.m = im->rec;
	walk_restart(w);
	emit_map_head(&w->e, &w->refs, w->v.m, &w->v);
	json_arr_end(w->e.g);
	json_obj_end(w->e.g);
	walk_text(w, text, len);
	for (off = im->next; (r = dump_next(f, &off)) && r->type != SXD_REC_MAP;) {
		b = (const void *)r;
		if (r->type != SXD_REC_ENTRIES || b->map_index != w->v.m->map_index || !b->nr)
			continue;
		if (!array_grow(&w->blks, &w->cap_blks, w->nr_blks + 1, sizeof(*w->blks)))
			return -ENOMEM;
		w->blks[w->nr_blks].blk = b;
		w->blks[w->nr_blks++].first = w->nr_entries;
		w->nr_entries += b->nr;
	}
	return 0;
}

size_t entry_walk_count(const struct entry_walk *w)
{
	return w->nr_entries;
}

int entry_walk_entry(struct entry_walk *w, size_t i, const unsigned char **text, size_t *len)
{
	const struct entry_walk_blk *wb;
	size_t lo = 0, hi = w->nr_blks, esz;

	if (i >= w->nr_entries)
		return -ENOENT;
	/* the block of entry @i: most often the last one's, or the next */
	if (w->last < w->nr_blks && i >= w->blks[w->last].first) {
		lo = w->last;
		if (lo + 1 < w->nr_blks && i >= w->blks[lo + 1].first)
			lo++;
	}
	while (lo + 1 < hi && i >= w->blks[lo + 1].first) {
		size_t mid = lo + (hi - lo) / 2;

		if (i >= w->blks[mid].first)
			lo = mid;
		else
			hi = mid;
	}
	w->last = lo;
	wb = &w->blks[lo];
	w->v.blk = wb->blk;
	esz = dump_entry_size(wb->blk->key_size, wb->blk->value_size, wb->blk->nr_values);
	walk_restart(w);
	emit_entry(&w->v, shape_for(wb->blk, true), shape_for(wb->blk, false),
		   wants_hex(&w->v, wb->blk),
		   (const uint8_t *)(wb->blk + 1) + (i - wb->first) * esz);
	walk_text(w, text, len);
	return 0;
}

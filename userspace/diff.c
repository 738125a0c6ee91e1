// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump diff A B: what changed between two dumps, as JSON or text.
 *
 * The header (capture, schedulers with their exit, counters and core
 * state) of both dumps is rendered and read back as trees (jsontree.c),
 * which it compares. Maps are matched by name, in order of appearance, and
 * their entries by identity as jsontree.c matches array elements, but one
 * entry at a time (entry_walk, maps.c): memory holds each entry's identity
 * and 16 bytes, and one entry of each side rendered, never a whole map.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>
#include "array.h"
#include "decode.h"
#include "diff.h"
#include "json.h"
#include "jsontree.h"
#include "textout.h"

static void side(struct jsontree_diff *d, const char *label, const char *file, yajl_val hdr)
{
	yajl_val cap = jsontree_get(hdr, "capture");
	yajl_val seq = jsontree_get(cap, "capture_seq");
	yajl_val s0 = jsontree_get(hdr, "schedulers");
	const char *sched = YAJL_IS_ARRAY(s0) && s0->u.array.len ?
			    jsontree_str(s0->u.array.values[0], "name") : NULL;

	if (d->text) {
		fprintf(d->text, "%s: ", label);
		text_bytes(d->text, file, strlen(file), 0);
		fprintf(d->text, ": capture %s, trigger ", YAJL_IS_NUMBER(seq) ? seq->u.number.r : "?");
		text_parsed(d->text, jsontree_str(cap, "trigger") ?: "?", 0);
		fputs(", ", d->text);
		text_parsed(d->text, jsontree_str(cap, "time") ?: "?", 0);
		fputs(", scheduler ", d->text);
		text_parsed(d->text, sched ?: "(none)", 0);
		fputc('\n', d->text);
		return;
	}
	json_key(d->g, label);
	json_obj(d->g);
	json_kstr(d->g, "file", file);
	json_key(d->g, "capture_seq");
	jsontree_gen(d->g, seq);
	json_key(d->g, "trigger");
	jsontree_gen(d->g, jsontree_get(cap, "trigger"));
	json_key(d->g, "time");
	jsontree_gen(d->g, jsontree_get(cap, "time"));
	json_key(d->g, "scheduler");
	if (sched)
		json_str_parsed(d->g, sched);
	else
		json_null(d->g);
	json_obj_end(d->g);
}

/* Changes of one part of the header (@key), under a JSON key of its own. */
static void header_part(struct jsontree_diff *d, yajl_val ha, yajl_val hb, const char *key)
{
	unsigned long before = d->nr_changes;

	if (d->text) {
		fprintf(d->text, "%s:\n", key);
	} else {
		json_key(d->g, key);
		json_arr(d->g);
	}
	snprintf(d->path, sizeof(d->path), ".%s", key);
	jsontree_diff_val(d, jsontree_get(ha, key), jsontree_get(hb, key));
	if (d->text && d->nr_changes == before)
		fprintf(d->text, "%s(no change)\n", d->indent);
	if (!d->text)
		json_arr_end(d->g);
}

/* A map's name, NUL-terminated whatever the dump holds. */
struct map_name {
	char s[sizeof(((struct sxd_map *)0)->name) + 1];
};

/* The distinct map names of @x, in order of first appearance. */
static struct map_name *map_names(const struct dump_index *x, size_t *n)
{
	struct map_name *names = calloc(x->nr_maps + 1, sizeof(*names));
	uint32_t i, first;

	*n = 0;
	if (!names)
		return NULL;
	for (i = 0; i < x->nr_maps; i++) {
		/* the first map of its name: by_name[] orders a name's maps by slot */
		if (dump_index_named(x, x->maps[i].rec->name, &first) &&
		    x->by_name[first].slot == i)
			memcpy(names[(*n)++].s, x->maps[i].rec->name, sizeof(names->s) - 1);
	}
	return names;
}

/*
 * One side's entries of a map, by identity: each entry's identity text
 * (jsontree_ident(), "key=...") in one pool, and per entry where it is and
 * which entry of the other side it met. 16 bytes and the identity's text
 * per entry: the entries themselves are rendered again when compared.
 */
struct entry_id {
	uint64_t id;		/* its identity's offset in the pool */
	uint32_t at;		/* its index in the map */
	uint32_t match;		/* 1 + the other side's index, 0 when none */
};

struct entry_ids {
	struct entry_id *ids;	/* sorted by identity, then index */
	uint32_t *by_at;	/* the ids[] slot of each index */
	char *pool;
	size_t n, pool_len, pool_cap;
};

static void entry_ids_free(struct entry_ids *s)
{
	free(s->ids);
	free(s->by_at);
	free(s->pool);
	memset(s, 0, sizeof(*s));
}

/* Entry @i of @w's map, parsed: NULL when it cannot be (only memory can fail). */
static yajl_val entry_tree(struct entry_walk *w, size_t i, const unsigned char **text, size_t *len)
{
	char msg[64];

	if (entry_walk_entry(w, i, text, len))
		return NULL;
	/* yajl's buffer ends its text with a NUL */
	return yajl_tree_parse((const char *)*text, msg, sizeof(msg));
}

/* By identity (in the pool @ctx), then by index. */
static int id_cmp(const void *x, const void *y, void *ctx)
{
	const struct entry_id *a = x, *b = y;
	int c = strcmp((const char *)ctx + a->id, (const char *)ctx + b->id);

	return c ? c : (a->at > b->at) - (a->at < b->at);
}

/* Every entry of @w's map: its identity, sorted. 0, -ENOMEM or -EFBIG. */
static int entry_ids_build(struct entry_walk *w, struct entry_ids *s)
{
	char id[JSONTREE_ID_MAX];
	const unsigned char *t;
	size_t i, len, l;
	yajl_val e;

	s->n = entry_walk_count(w);
	if (s->n >= UINT32_MAX)
		return -EFBIG;
	s->ids = malloc((s->n + 1) * sizeof(*s->ids));
	s->by_at = malloc((s->n + 1) * sizeof(*s->by_at));
	if (!s->ids || !s->by_at)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		e = entry_tree(w, i, &t, &len);
		if (!e)
			return -ENOMEM;
		jsontree_ident(e, "key", id, sizeof(id));
		yajl_tree_free(e);
		l = strlen(id) + 1;
		if (!array_grow(&s->pool, &s->pool_cap, s->pool_len + l, 1))
			return -ENOMEM;
		memcpy(s->pool + s->pool_len, id, l);
		s->ids[i] = (struct entry_id){ .id = s->pool_len, .at = i };
		s->pool_len += l;
	}
	qsort_r(s->ids, s->n, sizeof(*s->ids), id_cmp, s->pool);
	for (i = 0; i < s->n; i++)
		s->by_at[s->ids[i].at] = i;
	return 0;
}

/*
 * Match the two sides' entries by identity (merged sorted: the n-th entry
 * of an identity on one side meets the n-th on the other), as
 * jsontree_diff_arr() matches the elements of two arrays.
 */
static void entry_ids_match(struct entry_ids *a, struct entry_ids *b)
{
	size_t i = 0, j = 0;
	int c;

	while (i < a->n && j < b->n) {
		c = strcmp(a->pool + a->ids[i].id, b->pool + b->ids[j].id);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			a->ids[i].match = b->ids[j].at + 1;
			b->ids[j].match = a->ids[i].at + 1;
			i++;
			j++;
		}
	}
}

/*
 * The entries of the maps @wa and @wb walk, compared as jsontree_diff_arr()
 * compares two arrays of them (A's order, then B's entries A lacks), with
 * one entry of each side rendered at a time; the same text is the same
 * entry without parsing it.
 */
static int diff_entries(struct jsontree_diff *d, struct entry_walk *wa, struct entry_walk *wb,
			struct jsontree_counts *st)
{
	struct entry_ids a = { 0 }, b = { 0 };
	const unsigned char *ta, *tb;
	size_t i, la, lb;
	char seg[JSONTREE_ID_MAX + 4];
	int err;

	err = entry_ids_build(wa, &a);
	if (!err)
		err = entry_ids_build(wb, &b);
	if (err)
		goto out;
	entry_ids_match(&a, &b);
	for (i = 0; i < a.n && !err; i++) {
		const struct entry_id *ia = &a.ids[a.by_at[i]];
		yajl_val ea = NULL, eb = NULL;

		snprintf(seg, sizeof(seg), "[%s]", a.pool + ia->id);
		if (ia->match) {
			if (entry_walk_entry(wa, i, &ta, &la) ||
			    entry_walk_entry(wb, ia->match - 1, &tb, &lb)) {
				err = -ENOMEM;
				break;
			}
			if (la == lb && !memcmp(ta, tb, la)) {
				st->same++;
				continue;
			}
			/* yajl's buffers end their texts with a NUL */
			ea = yajl_tree_parse((const char *)ta, NULL, 0);
			eb = yajl_tree_parse((const char *)tb, NULL, 0);
		} else {
			ea = entry_tree(wa, i, &ta, &la);
		}
		if (ea && (eb || !ia->match))
			jsontree_diff_elem(d, seg, ea, eb, st);
		else
			err = -ENOMEM;
		yajl_tree_free(ea);
		yajl_tree_free(eb);
	}
	for (i = 0; i < b.n && !err; i++) {
		const struct entry_id *ib = &b.ids[b.by_at[i]];
		yajl_val eb;

		if (ib->match)
			continue;
		snprintf(seg, sizeof(seg), "[%s]", b.pool + ib->id);
		eb = entry_tree(wb, i, &tb, &lb);
		if (!eb) {
			err = -ENOMEM;
			break;
		}
		jsontree_diff_elem(d, seg, NULL, eb, st);
		yajl_tree_free(eb);
	}
out:
	entry_ids_free(&a);
	entry_ids_free(&b);
	return err;
}

/* The map in maps[] slot @slot of @w's dump, without its entries: NULL when it cannot be. */
static yajl_val map_head(struct entry_walk *w, uint32_t slot, int *err)
{
	const unsigned char *t;
	yajl_val v;
	size_t len;

	*err = entry_walk_map(w, slot, &t, &len);
	if (*err)
		return NULL;
	v = yajl_tree_parse((const char *)t, NULL, 0);
	if (!v)
		*err = -ENOMEM;
	return v;
}

/*
 * @info is a map's "info" of a fact of the capture, not of the map: a flat
 * copy (maps/hashtab.c), how a task storage's owners were named
 * (maps/local_storage.c)
 */
static bool capture_info(yajl_val info)
{
	const char *kind = jsontree_str(info, "kind");

	return kind && (!strcmp(kind, "flat_copy") || !strcmp(kind, "owners"));
}

/*
 * A map's key that is not compared: the entries (below); ids and indexes,
 * which differ between captures; a capture's time and bytes, which are
 * the capture's, not the map's, as is how its stop copied it
 * (in_snapshot says whether); and an info of the capture's: a flat copy's
 * (bytes, time, elements found), how a task storage's owners were named.
 */
static bool map_key_skipped(const char *k, yajl_val va, yajl_val vb)
{
	if (!strcmp(k, "info"))
		return capture_info(va) || capture_info(vb);
	return !strcmp(k, "entries") || !strcmp(k, "index") || !strcmp(k, "id") ||
	       !strcmp(k, "btf_index") || !strcmp(k, "capture_ns") || !strcmp(k, "dump_bytes") ||
	       !strcmp(k, "snapshot_copy");
}

/*
 * One map of each side (@wa or @wb NULL: only on the other side): its own
 * fields, then its entries.
 */
static int diff_map(struct jsontree_diff *d, const char *name, struct entry_walk *wa, uint32_t sa,
		    struct entry_walk *wb, uint32_t sb)
{
	struct jsontree_counts st = { 0 };
	yajl_val a = NULL, b = NULL;
	size_t i, at;
	int err = 0;

	if (wa)
		a = map_head(wa, sa, &err);
	if (!err && wb)
		b = map_head(wb, sb, &err);
	if (err)
		goto out;
	d->path[0] = 0;
	if (d->text) {
		fputs("map ", d->text);
		text_bytes(d->text, name, strlen(name), 0);
		fprintf(d->text, ":%s\n", !a ? " only in B" : !b ? " only in A" : "");
	} else {
		json_obj(d->g);
		json_kstr(d->g, "name", name);
		json_kstr(d->g, "status", !a ? "added" : !b ? "removed" : "compared");
		json_key(d->g, "changes");
		json_arr(d->g);
	}
	for (i = 0; a && b && i < a->u.object.len; i++) {
		const char *k = a->u.object.keys[i];

		if (map_key_skipped(k, a->u.object.values[i], jsontree_get(b, k)))
			continue;
		at = jsontree_path_push(d, ".%s", k);
		jsontree_diff_val(d, a->u.object.values[i], jsontree_get(b, k));
		d->path[at] = 0;
	}
	/* and what only B has (an info, a status a newer decoder adds) */
	for (i = 0; a && b && i < b->u.object.len; i++) {
		const char *k = b->u.object.keys[i];

		if (jsontree_get(a, k) || map_key_skipped(k, NULL, b->u.object.values[i]))
			continue;
		at = jsontree_path_push(d, ".%s", k);
		jsontree_diff_val(d, NULL, b->u.object.values[i]);
		d->path[at] = 0;
	}
	if (a && b) {
		at = jsontree_path_push(d, "%s", ".entries");
		err = diff_entries(d, wa, wb, &st);
		d->path[at] = 0;
	}
	if (d->text) {
		if (a && b)
			fprintf(d->text, "%sentries: %lu added, %lu removed, %lu changed, %lu same\n",
				d->indent, st.added, st.removed, st.changed, st.same);
		goto out;
	}
	json_arr_end(d->g);
	json_key(d->g, "entries");
	if (a && b) {
		json_obj(d->g);
		json_kuint(d->g, "added", st.added);
		json_kuint(d->g, "removed", st.removed);
		json_kuint(d->g, "changed", st.changed);
		json_kuint(d->g, "same", st.same);
		json_obj_end(d->g);
	} else {
		json_null(d->g);
	}
	json_obj_end(d->g);
out:
	yajl_tree_free(a);
	yajl_tree_free(b);
	return err;
}

static int diff_maps(struct jsontree_diff *d, const struct dump_index *xa, const struct decode_opts *base_a,
		     const struct dump_index *xb, const struct decode_opts *base_b)
{
	struct decode_opts oa = *base_a, ob = *base_b;
	struct map_name *names_a = NULL, *names_b = NULL;
	struct entry_walk *wa = NULL, *wb = NULL;
	uint32_t fa, fb, ca, cb, k;
	size_t na, nb, i;
	int err = 0;

	oa.header_only = ob.header_only = false;
	oa.maps_only = ob.maps_only = true;
	oa.hex = ob.hex = true;	/* a change of bytes BTF does not show */
	names_a = map_names(xa, &na);
	names_b = map_names(xb, &nb);
	if (!names_a || !names_b)
		err = -ENOMEM;
	if (!err)
		wa = entry_walk_open(xa, &oa, &err);
	if (!err)
		wb = entry_walk_open(xb, &ob, &err);
	if (err)
		goto out;
	if (!d->text) {
		json_key(d->g, "maps");
		json_arr(d->g);
	}
	/* every name of A (with B's maps of that name), then B's new names */
	for (i = 0; i < na + nb && !err; i++) {
		const char *name = i < na ? names_a[i].s : names_b[i - na].s;

		if (i >= na && dump_index_named(xa, name, &fa))
			continue;	/* done with A's names */
		ca = i < na ? dump_index_named(xa, name, &fa) : 0;
		cb = dump_index_named(xb, name, &fb);
		for (k = 0; !err && (k < ca || k < cb); k++)
			err = diff_map(d, name, k < ca ? wa : NULL, k < ca ? xa->by_name[fa + k].slot : 0,
				       k < cb ? wb : NULL, k < cb ? xb->by_name[fb + k].slot : 0);
	}
	if (!d->text)
		json_arr_end(d->g);
out:
	entry_walk_close(wa);
	entry_walk_close(wb);
	free(names_a);
	free(names_b);
	return err;
}

int diff_dumps(const struct dump_index *xa, const char *file_a,
	       const struct dump_index *xb, const char *file_b,
	       FILE *out, const struct diff_opts *opts)
{
	/*
	 * stable: without the tasks' runtimes, switch counts and last runs,
	 * which differ in any two captures and would bury what changed
	 */
	struct decode_opts oa = { .header_only = true, .stable = true, .vmlinux = opts->vmlinux_a };
	struct decode_opts ob = { .header_only = true, .stable = true, .vmlinux = opts->vmlinux_b };
	struct jsontree_diff d = { .text = opts->text ? out : NULL, .indent = "  " };
	yajl_val ha, hb;
	int err;

	ha = jsontree_of_dump(xa, &oa, &err);
	if (!ha)
		return err;
	hb = jsontree_of_dump(xb, &ob, &err);
	if (!hb) {
		yajl_tree_free(ha);
		return err;
	}
	if (!d.text) {
		d.g = json_open(out, opts->pretty);
		if (!d.g) {
			err = -ENOMEM;
			goto out;
		}
		json_obj(d.g);
		json_kuint(d.g, "diff_version", 1);
	}
	side(&d, "a", file_a, ha);
	side(&d, "b", file_b, hb);
	header_part(&d, ha, hb, "stall");
	header_part(&d, ha, hb, "schedulers");
	header_part(&d, ha, hb, "errors");
	header_part(&d, ha, hb, "absent");
	err = diff_maps(&d, xa, &oa, xb, &ob);
	if (d.text) {
		fprintf(out, "%lu change%s\n", d.nr_changes, d.nr_changes == 1 ? "" : "s");
	} else {
		json_kuint(d.g, "nr_changes", d.nr_changes);
		json_obj_end(d.g);
		json_close(d.g);
		fputc('\n', out);
	}
out:
	yajl_tree_free(ha);
	yajl_tree_free(hb);
	return err ? err : ferror(out) ? -EIO : 0;
}


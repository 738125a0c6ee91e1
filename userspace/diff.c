// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump diff A B: what changed between two dumps, as JSON or text.
 *
 * Both dumps are rendered and read back as trees (jsontree.c), which it
 * compares: first the header (capture, schedulers with their exit,
 * counters and core state), then one map at a time, so memory holds two
 * renderings of the largest map, never two whole dumps. Maps are matched
 * by name, in order of appearance; within them, as jsontree.c matches.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>
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

/* The @k-th map of the maps[] in @doc (one name's maps), or NULL. */
static yajl_val nth_map(yajl_val doc, size_t k)
{
	yajl_val maps = jsontree_get(doc, "maps");

	return YAJL_IS_ARRAY(maps) && k < maps->u.array.len ? maps->u.array.values[k] : NULL;
}

/* One map of each side (either may be NULL): its own fields, its entries. */
static void diff_map(struct jsontree_diff *d, const char *name, yajl_val a, yajl_val b)
{
	yajl_val ea = jsontree_get(a, "entries"), eb = jsontree_get(b, "entries");
	struct jsontree_counts st = { 0 };
	size_t i, at;

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

		/*
		 * the entries below; ids and indexes differ between captures,
		 * and a capture's time and bytes are the capture's, not the map's
		 */
		if (!strcmp(k, "entries") || !strcmp(k, "index") || !strcmp(k, "id") ||
		    !strcmp(k, "btf_index") || !strcmp(k, "capture_ns") || !strcmp(k, "dump_bytes"))
			continue;
		at = jsontree_path_push(d, ".%s", k);
		jsontree_diff_val(d, a->u.object.values[i], jsontree_get(b, k));
		d->path[at] = 0;
	}
	if (a && b && YAJL_IS_ARRAY(ea) && YAJL_IS_ARRAY(eb)) {
		at = jsontree_path_push(d, "%s", ".entries");
		jsontree_diff_arr(d, ea, eb, &st);
		d->path[at] = 0;
	}
	if (d->text) {
		if (a && b)
			fprintf(d->text, "%sentries: %lu added, %lu removed, %lu changed, %lu same\n",
				d->indent, st.added, st.removed, st.changed, st.same);
		return;
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
}

static int diff_maps(struct jsontree_diff *d, const struct dump_index *xa, const struct decode_opts *base_a,
		     const struct dump_index *xb, const struct decode_opts *base_b)
{
	size_t na, nb, i, k;
	struct map_name *names_a = map_names(xa, &na), *names_b = map_names(xb, &nb);
	int err = 0;

	if (!names_a || !names_b) {
		err = -ENOMEM;
		goto out;
	}
	if (!d->text) {
		json_key(d->g, "maps");
		json_arr(d->g);
	}
	/* every name of A (with B's maps of that name), then B's new names */
	for (i = 0; i < na + nb && !err; i++) {
		const char *name = i < na ? names_a[i].s : names_b[i - na].s;
		struct decode_opts oa = *base_a, ob = *base_b;
		yajl_val ta = NULL, tb = NULL;
		uint32_t first;

		if (i >= na && dump_index_named(xa, name, &first))
			continue;	/* done with A's names */
		oa.header_only = ob.header_only = false;
		oa.maps_only = ob.maps_only = true;
		oa.hex = ob.hex = true;	/* a change of bytes BTF does not show */
		oa.nr_map_names = ob.nr_map_names = 1;
		oa.map_names[0] = ob.map_names[0] = name;
		ta = i < na ? jsontree_of_dump(xa, &oa, &err) : NULL;
		if (!err)
			tb = jsontree_of_dump(xb, &ob, &err);
		for (k = 0; !err && (nth_map(ta, k) || nth_map(tb, k)); k++)
			diff_map(d, name, nth_map(ta, k), nth_map(tb, k));
		yajl_tree_free(ta);
		yajl_tree_free(tb);
	}
	if (!d->text)
		json_arr_end(d->g);
out:
	free(names_a);
	free(names_b);
	return err;
}

int diff_dumps(const struct dump_index *xa, const char *file_a,
	       const struct dump_index *xb, const char *file_b,
	       FILE *out, const struct diff_opts *opts)
{
	struct decode_opts oa = { .header_only = true, .vmlinux = opts->vmlinux_a };
	struct decode_opts ob = { .header_only = true, .vmlinux = opts->vmlinux_b };
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


// SPDX-License-Identifier: GPL-2.0
/*
 * Parsed JSON trees: a dump rendered through the same code as `scxdump
 * decode` (so a value is compared as it is rendered, field by field through
 * BTF) and read back with yajl's tree parser; and the structural
 * comparison of two such trees.
 *
 * Arrays of objects are matched by identity, not position: map entries by
 * their key, tasks by "pid", DSQs, schedulers and programs by "id", CPUs
 * by "cpu", the rest by "name": the first of these both sides' elements
 * carry; other arrays (per-CPU values, bitmaps) by index. A changed leaf
 * is a change with its path (a BTF path inside a map value), old and new
 * value, and for two integers the delta.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>
#include "json.h"
#include "jsontree.h"
#include "textout.h"


/* --- a dump (or one map of it) rendered and read back --- */

/* The JSON of @x with @o, parsed; NULL with @err set when it cannot be. */
yajl_val jsontree_of_dump(const struct dump_index *x, const struct decode_opts *o, int *err)
{
	char msg[128];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	yajl_val v;

	f = open_memstream(&buf, &len);
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = decode_json(x, f, o);
	if (fclose(f) && !*err)
		*err = -ENOMEM;
	if (*err) {
		free(buf);
		return NULL;
	}
	v = yajl_tree_parse(buf, msg, sizeof(msg));
	free(buf);
	if (!v)
		*err = -ENOMEM;	/* our own JSON: only memory can fail */
	return v;
}

yajl_val jsontree_get(yajl_val o, const char *key)
{
	size_t i;

	if (!YAJL_IS_OBJECT(o))
		return NULL;
	for (i = 0; i < o->u.object.len; i++)
		if (!strcmp(o->u.object.keys[i], key))
			return o->u.object.values[i];
	return NULL;
}

const char *jsontree_str(yajl_val o, const char *key)
{
	yajl_val v = jsontree_get(o, key);

	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* --- output: a change, in either form --- */

void jsontree_gen(yajl_gen g, yajl_val v)
{
	size_t i;

	if (!v || YAJL_IS_NULL(v)) {
		json_null(g);
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		json_bool(g, YAJL_IS_TRUE(v));
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_STRING(v)) {
		json_str_parsed(g, v->u.string);
	} else if (YAJL_IS_ARRAY(v)) {
		json_arr(g);
		for (i = 0; i < v->u.array.len; i++)
			jsontree_gen(g, v->u.array.values[i]);
		json_arr_end(g);
	} else {
		json_obj(g);
		for (i = 0; i < v->u.object.len; i++) {
			json_str_parsed(g, v->u.object.keys[i]);
			jsontree_gen(g, v->u.object.values[i]);
		}
		json_obj_end(g);
	}
}

/* How much of the first @len bytes of UTF-8 text @s to keep: not a cut character. */
static size_t utf8_cut(const unsigned char *s, size_t len)
{
	size_t i = len;

	while (i && (s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i && s[i - 1] >= 0xc0 && !utf8_len(s + i - 1, len - i + 1))
		return i - 1;	/* its last character lacks bytes */
	return len;
}

/* @v as compact JSON in @buf (yajl's generator); "..." ends it when cut. */
static const char *val_text(yajl_val v, char *buf, size_t cap)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *out;
	size_t len = 0;

	buf[0] = 0;
	if (!g) {
		snprintf(buf, cap, "(no memory)");
		return buf;
	}
	jsontree_gen(g, v);
	if (yajl_gen_get_buf(g, &out, &len) == yajl_gen_status_ok) {
		if (len < cap) {
			memcpy(buf, out, len);
			buf[len] = 0;
		} else if (cap > 4) {
			len = utf8_cut(out, cap - 4);
			memcpy(buf, out, len);
			strcpy(buf + len, "...");
		}
	}
	yajl_gen_free(g);
	return buf;
}

/*
 * An integer's digits as sign and magnitude; false for anything else
 * (a fraction, an exponent, a string). The decoder prints u64 values
 * exactly, beyond what a double holds, so deltas are computed on digits.
 */
static bool int_parts(yajl_val v, bool *neg, uint64_t *mag)
{
	const char *s;
	char *end;

	if (!YAJL_IS_NUMBER(v))
		return false;
	s = v->u.number.r;
	*neg = *s == '-';
	if (*neg)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*mag = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* new - old as digits in @buf, or NULL when either is no integer. */
static const char *int_delta(yajl_val a, yajl_val b, char *buf, size_t len)
{
	bool na, nb, neg;
	uint64_t ma, mb, d;

	if (!int_parts(a, &na, &ma) || !int_parts(b, &nb, &mb))
		return NULL;
	if (na == nb) {
		/* same sign: |b| - |a|, negated for two negatives */
		neg = (mb < ma) != na;
		d = mb >= ma ? mb - ma : ma - mb;
	} else {
		/* opposite signs: the magnitudes add (saturating) */
		neg = nb;
		d = ma + mb < ma ? UINT64_MAX : ma + mb;
	}
	snprintf(buf, len, "%s%" PRIu64, d && neg ? "-" : d ? "+" : "", d);
	return buf;
}

static void change(struct jsontree_diff *d, yajl_val a, yajl_val b)
{
	char ta[160], tb[160], dl[32];
	const char *delta = int_delta(a, b, dl, sizeof(dl));

	d->nr_changes++;
	if (d->text) {
		fputs(d->indent, d->text);
		text_parsed(d->text, d->path[0] ? d->path : ".", 0);
		fputs(": ", d->text);
		text_parsed(d->text, a ? val_text(a, ta, sizeof(ta)) : "(none)", 0);
		fputs(" -> ", d->text);
		text_parsed(d->text, b ? val_text(b, tb, sizeof(tb)) : "(none)", 0);
		if (delta)
			fprintf(d->text, " (%s)", delta);
		fputc('\n', d->text);
		return;
	}
	json_obj(d->g);
	json_key(d->g, "path");
	json_str_parsed(d->g, d->path[0] ? d->path : ".");
	json_key(d->g, "old");
	jsontree_gen(d->g, a);
	json_key(d->g, "new");
	jsontree_gen(d->g, b);
	if (delta) {
		json_key(d->g, "delta");
		/* "+5" is no JSON number: drop the plus sign */
		yajl_gen_number(d->g, delta[0] == '+' ? delta + 1 : delta,
				strlen(delta[0] == '+' ? delta + 1 : delta));
	}
	json_obj_end(d->g);
}

/* --- the structural comparison --- */

size_t jsontree_path_push(struct jsontree_diff *d, const char *fmt, const char *s)
{
	size_t len = strlen(d->path);
	int n = snprintf(d->path + len, sizeof(d->path) - len, fmt, s);

	if (n > 0 && (size_t)n >= sizeof(d->path) - len)	/* cut: not inside a character */
		d->path[utf8_cut((unsigned char *)d->path, sizeof(d->path) - 1)] = 0;
	return len;
}

static bool same_leaf(yajl_val a, yajl_val b)
{
	if (YAJL_IS_NUMBER(a) && YAJL_IS_NUMBER(b))
		return !strcmp(a->u.number.r, b->u.number.r);
	if (YAJL_IS_STRING(a) && YAJL_IS_STRING(b))
		return !strcmp(a->u.string, b->u.string);
	return a->type == b->type;	/* null, true, false */
}

/* Fields not compared: raw bytes beside their rendering. */
static bool skipped(yajl_val obj, const char *key)
{
	size_t n = strlen(key);
	char base[128];

	if (n > 4 && n < sizeof(base) - 1 && !strcmp(key + n - 4, "_hex")) {
		memcpy(base, key, n - 4);
		base[n - 4] = 0;
		if (jsontree_get(obj, base))
			return true;
		strcat(base, "s");	/* per-CPU: values beside value_hex */
		return jsontree_get(obj, base) != NULL;
	}
	return false;
}

void jsontree_diff_val(struct jsontree_diff *d, yajl_val a, yajl_val b);

static void diff_obj(struct jsontree_diff *d, yajl_val a, yajl_val b)
{
	size_t i, at;

	for (i = 0; i < a->u.object.len; i++) {
		const char *k = a->u.object.keys[i];

		if (skipped(a, k))
			continue;
		at = jsontree_path_push(d, ".%s", k);
		jsontree_diff_val(d, a->u.object.values[i], jsontree_get(b, k));
		d->path[at] = 0;
	}
	for (i = 0; i < b->u.object.len; i++) {
		const char *k = b->u.object.keys[i];

		if (jsontree_get(a, k) || skipped(b, k))
			continue;
		at = jsontree_path_push(d, ".%s", k);
		jsontree_diff_val(d, NULL, b->u.object.values[i]);
		d->path[at] = 0;
	}
}

/* The identity field both sides' elements carry, or NULL: match by index. */
static const char *id_field(yajl_val a, yajl_val b)
{
	static const char *const fields[] = { "key", "pid", "id", "cpu", "name", "index" };
	yajl_val ea, eb;
	size_t i;

	ea = a->u.array.len ? a->u.array.values[0] : NULL;
	eb = b->u.array.len ? b->u.array.values[0] : NULL;
	if ((ea && !YAJL_IS_OBJECT(ea)) || (eb && !YAJL_IS_OBJECT(eb)) || (!ea && !eb))
		return NULL;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((!ea || jsontree_get(ea, fields[i])) && (!eb || jsontree_get(eb, fields[i])))
			return fields[i];
	return NULL;
}

struct idref {
	char *id;
	size_t at;
	size_t match;	/* 1 + index on the other side, 0 when none */
};

static int idref_cmp(const void *x, const void *y)
{
	const struct idref *a = x, *b = y;
	int c = strcmp(a->id, b->id);

	return c ? c : a->at < b->at ? -1 : a->at > b->at;
}

/*
 * An element's identity by @field, as its path segment shows it: a local
 * DSQ's id is SCX_DSQ_LOCAL on every CPU, so an "id" is qualified by the
 * element's "cpu" when it has one.
 */
const char *jsontree_ident(yajl_val e, const char *field, char *buf, size_t len)
{
	char v[JSONTREE_ID_MAX], c[JSONTREE_ID_MAX];
	yajl_val cpu = jsontree_get(e, "cpu");

	int n;

	val_text(jsontree_get(e, field), v, sizeof(v));
	n = snprintf(buf, len, "%s=%s", field, v);
	if (!strcmp(field, "id") && cpu && !YAJL_IS_NULL(cpu) && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ",cpu=%.32s", val_text(cpu, c, sizeof(c)));
	return buf;
}

static struct idref *ids_of(yajl_val arr, const char *field)
{
	struct idref *r = calloc(arr->u.array.len + 1, sizeof(*r));
	char buf[JSONTREE_ID_MAX];
	size_t i;

	if (!r)
		return NULL;
	for (i = 0; i < arr->u.array.len; i++) {
		r[i].id = strdup(jsontree_ident(arr->u.array.values[i], field, buf, sizeof(buf)));
		r[i].at = i;
		if (!r[i].id) {
			while (i--)
				free(r[i].id);
			free(r);
			return NULL;
		}
	}
	qsort(r, arr->u.array.len, sizeof(*r), idref_cmp);
	return r;
}

static void ids_free(struct idref *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++)
		free(r[i].id);
	free(r);
}

/*
 * Match @a's and @b's elements by @field (sorted identities, merged: the
 * n-th element with an identity on one side meets the n-th on the other);
 * @ma[i] / @mb[j] get 1 + the matching index, 0 when none.
 */
static int match_by(yajl_val a, yajl_val b, const char *field, size_t *ma, size_t *mb)
{
	struct idref *ra = ids_of(a, field), *rb = ids_of(b, field);
	size_t i = 0, j = 0, na = a->u.array.len, nb = b->u.array.len;
	int c;

	if (!ra || !rb) {
		ids_free(ra, na);
		ids_free(rb, nb);
		return -ENOMEM;
	}
	while (i < na && j < nb) {
		c = strcmp(ra[i].id, rb[j].id);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			ma[ra[i].at] = rb[j].at + 1;
			mb[rb[j].at] = ra[i].at + 1;
			i++;
			j++;
		}
	}
	ids_free(ra, na);
	ids_free(rb, nb);
	return 0;
}


void jsontree_diff_elem(struct jsontree_diff *d, const char *seg, yajl_val ea, yajl_val eb,
		      struct jsontree_counts *st)
{
	unsigned long before = d->nr_changes;
	size_t at = jsontree_path_push(d, "%s", seg);

	jsontree_diff_val(d, ea, eb);
	d->path[at] = 0;
	if (!ea)
		st->added++;
	else if (!eb)
		st->removed++;
	else if (d->nr_changes != before)
		st->changed++;
	else
		st->same++;
}

void jsontree_diff_arr(struct jsontree_diff *d, yajl_val a, yajl_val b, struct jsontree_counts *st)
{
	const char *field = id_field(a, b);
	size_t na = a->u.array.len, nb = b->u.array.len, i;
	struct jsontree_counts dummy;
	size_t *ma, *mb;
	char seg[JSONTREE_ID_MAX + 4], id[JSONTREE_ID_MAX];

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	ma = calloc(na + 1, sizeof(*ma));
	mb = calloc(nb + 1, sizeof(*mb));
	if (!ma || !mb || (field && match_by(a, b, field, ma, mb))) {
		free(ma);
		free(mb);
		field = NULL;	/* no memory for the identities: by index */
		ma = mb = NULL;
	}
	for (i = 0; i < (field ? na : (na > nb ? na : nb)); i++) {
		yajl_val ea = i < na ? a->u.array.values[i] : NULL, eb;

		if (field) {
			eb = ma[i] ? b->u.array.values[ma[i] - 1] : NULL;
			snprintf(seg, sizeof(seg), "[%s]", jsontree_ident(ea, field, id, sizeof(id)));
		} else {
			eb = i < nb ? b->u.array.values[i] : NULL;
			snprintf(seg, sizeof(seg), "[%zu]", i);
		}
		jsontree_diff_elem(d, seg, ea, eb, st);
	}
	for (i = 0; field && i < nb; i++) {
		if (mb[i])
			continue;
		snprintf(seg, sizeof(seg), "[%s]",
			 jsontree_ident(b->u.array.values[i], field, id, sizeof(id)));
		jsontree_diff_elem(d, seg, NULL, b->u.array.values[i], st);
	}
	free(ma);
	free(mb);
}

void jsontree_diff_val(struct jsontree_diff *d, yajl_val a, yajl_val b)
{
	if (!a || !b) {
		if (a || b)
			change(d, a, b);	/* only on one side */
		return;
	}
	if (YAJL_IS_OBJECT(a) && YAJL_IS_OBJECT(b))
		diff_obj(d, a, b);
	else if (YAJL_IS_ARRAY(a) && YAJL_IS_ARRAY(b))
		jsontree_diff_arr(d, a, b, NULL);
	else if (a->type != b->type || !same_leaf(a, b))
		change(d, a, b);
}

unsigned long jsontree_diff_text(yajl_val a, yajl_val b, const char *path, const char *indent,
			       FILE *out)
{
	struct jsontree_diff d = { .text = out, .indent = indent };

	snprintf(d.path, sizeof(d.path), "%s", path);
	jsontree_diff_val(&d, a, b);
	return d.nr_changes;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsed JSON trees (jsontree.c): a dump rendered as `scxdump decode`
 * renders it and read back with yajl's tree parser, members looked up,
 * and the structural comparison of two trees that scxdump diff and
 * timeline print.
 */
#ifndef SCXDUMP_JSONTREE_H
#define SCXDUMP_JSONTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>
#include "decode.h"
#include "index.h"

#define JSONTREE_PATH_MAX	1024
/* an element's identity, "field=value" (cut with "..." beyond) */
#define JSONTREE_ID_MAX		256

/* The JSON of @x with @o, parsed; NULL with *err set when it cannot be. */
yajl_val jsontree_of_dump(const struct dump_index *x, const struct decode_opts *o, int *err);
/* The member @key of object @o, or NULL; its string, or NULL. */
yajl_val jsontree_get(yajl_val o, const char *key);
const char *jsontree_str(yajl_val o, const char *key);
/* @v (NULL: null) as JSON into @g. */
void jsontree_gen(yajl_gen g, yajl_val v);

/*
 * A comparison in progress: where the changes go (JSON into g, or text
 * lines into text, each after indent), the path of the value compared and
 * how many changes so far.
 */
struct jsontree_diff {
	yajl_gen g;		/* JSON output, or NULL */
	FILE *text;		/* text output, or NULL */
	char path[JSONTREE_PATH_MAX];
	const char *indent;	/* text: before each change */
	unsigned long nr_changes;
};

/* What an array comparison found, element by element. */
struct jsontree_counts {
	unsigned long added, removed, changed, same;
};

/*
 * The changes from @a to @b (either may be NULL: only on one side) under
 * d->path. Arrays of objects are matched by identity (jsontree.c), other
 * arrays by index; a changed leaf is a change with its path, old and new
 * value and, for two integers, the delta.
 */
void jsontree_diff_val(struct jsontree_diff *d, yajl_val a, yajl_val b);
/* Two arrays, as jsontree_diff_val(); @st (if given) counts their elements. */
void jsontree_diff_arr(struct jsontree_diff *d, yajl_val a, yajl_val b,
		       struct jsontree_counts *st);
/*
 * Elements @ea (of A) and @eb (of B), either NULL, under path segment
 * @seg, counted in @st: how jsontree_diff_arr() compares two it matched.
 */
void jsontree_diff_elem(struct jsontree_diff *d, const char *seg, yajl_val ea, yajl_val eb,
			struct jsontree_counts *st);
/*
 * Element @e's identity by @field in @buf (JSONTREE_ID_MAX): "field=value",
 * value as compact JSON; an "id" with the element's "cpu" beside it.
 */
const char *jsontree_ident(yajl_val e, const char *field, char *buf, size_t len);
/* d->path gains @fmt with @s; the length it had, to cut it back to. */
size_t jsontree_path_push(struct jsontree_diff *d, const char *fmt, const char *s);
/*
 * What changed from @a to @b as text lines: @indent, the path (@path,
 * then the rest), old -> new and the delta of integers. Returns how many.
 */
unsigned long jsontree_diff_text(yajl_val a, yajl_val b, const char *path, const char *indent,
				 FILE *out);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxdump diff: a structural comparison of two dumps (diff.c).
 */
#ifndef SCXDUMP_DIFF_H
#define SCXDUMP_DIFF_H

#include <stdbool.h>
#include <stdio.h>
#include <yajl/yajl_tree.h>
#include "decode.h"
#include "index.h"

struct btf;

struct diff_opts {
	bool text;		/* a readable listing instead of JSON */
	bool pretty;		/* JSON: indented */
	struct btf *vmlinux_a;	/* --vmlinux-btf, loaded for each dump */
	struct btf *vmlinux_b;
};

/* 0, -ENOMEM, or -EIO when @out could not be written. */
int diff_dumps(const struct dump_index *a, const char *file_a,
	       const struct dump_index *b, const char *file_b,
	       FILE *out, const struct diff_opts *o);

/* The JSON of @x with @o, parsed; NULL with *err set when it cannot be. */
yajl_val render_tree(const struct dump_index *x, const struct decode_opts *o, int *err);
/* The member @key of object @o, or NULL; its string, or NULL. */
yajl_val obj_get(yajl_val o, const char *key);
const char *obj_str(yajl_val o, const char *key);
/*
 * What changed from @a to @b (parsed JSON), matched as diff_dumps() does,
 * as text lines: @indent, the path (@path, then the rest), old -> new and
 * the delta of integers. Returns how many.
 */
unsigned long diff_values_text(yajl_val a, yajl_val b, const char *path, const char *indent,
			       FILE *out);

#endif

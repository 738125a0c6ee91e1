/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxdump diff: a structural comparison of two dumps (diff.c).
 */
#ifndef SCXDUMP_DIFF_H
#define SCXDUMP_DIFF_H

#include <stdbool.h>
#include <stdio.h>
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

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the scxdump commands ask of the decoder library: a dump as JSON
 * (decode, info), as text (summary), and the kernel's BTF given apart.
 * All of them start from the index (index.h) of a checked dump.
 */
#ifndef SCXDUMP_DECODE_H
#define SCXDUMP_DECODE_H

#include <stdbool.h>
#include <stdio.h>
#include "index.h"

struct btf;

#define DECODE_MAX_MAP_NAMES	32

struct decode_opts {
	bool pretty;
	bool hex;		/* raw key_hex/value_hex beside BTF renderings */
	bool bpftool;		/* --format bpftool: one map as bpftool -j map dump */
	bool header_only;	/* scxdump info */
	bool maps_only;		/* only the maps (scxdump diff, a map at a time) */
	bool timeline_only;	/* only the timeline (scxdump timeline) */
	const char *map_names[DECODE_MAX_MAP_NAMES];	/* only these maps */
	unsigned int nr_map_names;			/* 0: all */
	struct btf *vmlinux;	/* --vmlinux-btf: kernel BTF given apart */
};

/* 0, -ENOMEM, or -EIO when @out could not be written. */
int decode_json(const struct dump_index *x, FILE *out, const struct decode_opts *o);
int decode_summary(const struct dump_index *x, FILE *out);
/* bpftool.c: --format bpftool, the map named first in o->map_names */
int decode_bpftool(const struct dump_index *x, FILE *out, const struct decode_opts *o);
/* timeline.c: scxdump timeline, what changed from each sample to the next */
int timeline_text(const struct dump_index *x, FILE *out, const struct decode_opts *o);

/*
 * maps.c: one map's entries rendered one at a time, each as decode
 * renders it with @o (scxdump diff: memory for one entry, not the map).
 * entry_walk_map() selects the map in maps[] slot @slot and gives its
 * JSON object without entries ("entries": []); entry_walk_entry() gives
 * entry @i of it (file order). A text is the walk's until its next call.
 */
struct entry_walk;
struct entry_walk *entry_walk_open(const struct dump_index *x, const struct decode_opts *o,
				   int *err);
void entry_walk_close(struct entry_walk *w);
int entry_walk_map(struct entry_walk *w, uint32_t slot, const unsigned char **text, size_t *len);
size_t entry_walk_count(const struct entry_walk *w);
int entry_walk_entry(struct entry_walk *w, size_t i, const unsigned char **text, size_t *len);

/* vmlinux_btf.c: the BTF in @path, if it is that of the dump's kernel. */
struct btf *vmlinux_btf_load(const struct dump_index *x, const char *path,
			     char *msg, size_t len);

#endif

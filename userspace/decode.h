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

/*
 * Which of the event recorder's events to write (scxdump events): all of
 * those whose has_ bits are false. Times are ns relative to the failure
 * (the recording's stop), or to the capture when it did not stop.
 */
struct events_filter {
	bool has_cpu, has_pid, has_dsq, has_since, has_until;
	uint32_t cpu;
	int32_t pid;		/* any pid of the event: prev and next of a switch */
	uint64_t dsq;
	int64_t since, until;	/* inclusive */
};

struct decode_opts {
	bool pretty;
	bool hex;		/* raw key_hex/value_hex beside BTF renderings */
	bool bpftool;		/* --format bpftool: one map as bpftool -j map dump */
	bool header_only;	/* scxdump info */
	bool stable;		/* scxdump diff: no values every capture changes */
	bool maps_only;		/* only the maps (scxdump diff, a map at a time) */
	bool timeline_only;	/* only the timeline (scxdump timeline) */
	bool events_only;	/* only the events (scxdump events --json) */
	struct events_filter events;	/* the events written */
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
 * events.c: scxdump events, a line an event; trace.c: scxdump trace, the
 * events as Chrome's trace-event JSON. Both -ENOENT (nothing written)
 * when the dump has no events record.
 */
int events_text(const struct dump_index *x, FILE *out, const struct decode_opts *o);
int trace_json(const struct dump_index *x, FILE *out, const struct decode_opts *o);

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

/*
 * maps.c: a line "map NAME: ..." of @mi in words (scxdump summary), when
 * its kind has them (maps/: the kind's text); false, nothing written, when not.
 */
bool map_info_text(FILE *out, const struct sxd_map *m, const struct sxd_map_info *mi);

/* vmlinux_btf.c: the BTF in @path, if it is that of the dump's kernel. */
struct btf *vmlinux_btf_load(const struct dump_index *x, const char *path,
			     char *msg, size_t len);

#endif

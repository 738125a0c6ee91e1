/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One pass over a dump that every command starts with: it keeps pointers
 * to the small records (capture, snapshot, schedulers and their
 * statistics and core state, errors, BTF, symbols, kernel memory, map
 * ends and infos) and to each map's header, and where each arena page
 * is. Entries themselves are not kept: the map stream reads them in file
 * order afterwards, so memory stays proportional to the number of maps,
 * not the dump's size.
 */
#ifndef SCXDUMP_INDEX_H
#define SCXDUMP_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dumpfile.h"

struct btf;

/* An embedded BTF object, parsed when first asked for (index_btf_at()). */
struct index_btf {
	const struct sxd_btf *rec;
	struct btf *btf;
	const char *err;		/* why btf is NULL, once parsed */
	bool parsed;
};

struct index_sched {
	const struct sxd_sched *rec;
	/* its COUNTERS, PROG_STATS and SCHED_TREE records, in file order */
	const struct sxd_rec **stats;
	uint32_t nr_stats;
	const struct sxd_core *core;	/* its CPUs, DSQs and tasks */
	/* more of core's tasks, when its count and size agree (index_core_tasks) */
	const struct sxd_core_tasks *core_tasks;
	bool core_tasks_seen;		/* one was paired with core, agreeing or not */
};

struct index_map {
	const struct sxd_map *rec;
	size_t next;			/* the offset of the record after it */
	uint64_t bytes;			/* its ENTRIES and MAP_INFO records */
};

/* A map's name and its maps[] slot: by_name[] sorts them by name, then slot. */
struct index_name {
	const char *name;		/* the map's 16 bytes, not always ended */
	uint32_t slot;
};

struct arena_page {
	uint64_t addr;			/* user address in the arena */
	const uint8_t *data;
	uint32_t size;
	uint32_t map_index;		/* the arena it was captured from */
};

struct dump_index {
	const struct dump_file *f;
	const struct sxd_capture *cap;		/* the first */
	const struct sxd_snapshot *snap;	/* the first: snap_buf */
	/* its copy, zero past a shorter record's end (dumps of before flat copies) */
	struct sxd_snapshot snap_buf;
	const struct sxd_stall *stall;		/* the first: the stall watch */
	const struct sxd_timeline *timeline;	/* the first: the flight recorder */
	const struct sxd_events *events;	/* the first: the event recorder */
	struct index_sched *scheds;		/* in file order */
	uint32_t nr_scheds;
	int32_t cur_sched;			/* while indexing: stats go here */
	const struct sxd_error **errors;
	uint32_t nr_errors;
	const struct sxd_absent **absent;	/* what the kernel lacks */
	uint32_t nr_absent;
	/*
	 * What the decoder found the dump's records to contradict each other
	 * in, short of a corrupt dump (each left out): "errors" of the JSON
	 */
	char **problems;
	uint32_t nr_problems;
	struct index_btf *btfs;			/* by btf_index */
	uint32_t nr_btfs;
	struct index_map *maps;			/* in file order */
	uint32_t nr_maps;
	struct index_name *by_name;		/* nr_maps: maps by name */
	uint32_t *map_at;			/* by map_index: 1 + maps[] slot */
	uint32_t nr_map_at;
	const struct sxd_map_end **ends;	/* by map_index: the last */
	uint32_t nr_ends;
	const struct sxd_map_info **infos;	/* by map_index: the first */
	uint32_t nr_infos;
	const struct sxd_sym **syms;		/* sorted by address */
	size_t nr_syms;
	const struct sxd_kmem **kmems;		/* sorted by address */
	size_t nr_kmems;
	const struct sxd_prog_insns **progs;	/* the programs' instructions */
	size_t nr_progs;
	struct arena_page *pages;		/* sorted by address, then arena */
	size_t nr_pages;
	const struct btf *vmlinux;		/* the embedded kernel BTF, */
	bool vmlinux_looked;			/* once index_vmlinux() looked */
	int err;				/* -ENOMEM: something was not kept */
};

/* 0, or -ENOMEM (what was indexed is freed). */
int dump_index_build(struct dump_index *x, const struct dump_file *f);
void dump_index_free(struct dump_index *x);

/*
 * The BTF object of index @i, parsed on first use (a --map decode of a
 * dump that embeds the kernel's 5 MB BTF need not parse it): NULL when it
 * was not captured or does not parse, with *@err (if given) saying why.
 * The index caches what it parsed; it is not shared between threads.
 */
const struct btf *index_btf_at(const struct dump_index *x, uint32_t i, const char **err);
/* The embedded kernel BTF: the lowest index of that kind that parses. */
const struct btf *index_vmlinux(const struct dump_index *x);

/*
 * The maps called @name (compared as a map's 16-byte name is, like
 * --map NAME): how many, and in *@first where they begin in
 * x->by_name[], in file order.
 */
uint32_t dump_index_named(const struct dump_index *x, const char *name, uint32_t *first);

const struct sxd_map_end *dump_index_end(const struct dump_index *x, uint32_t map_index);
/* The map of @map_index (its last header), or NULL. */
const struct index_map *dump_index_map(const struct dump_index *x, uint32_t map_index);
/* Bytes of the dump a map's entries and facts take (its last header's). */
uint64_t dump_index_map_bytes(const struct dump_index *x, uint32_t map_index);

/* A MAP_END's reason text: its last reason_len bytes, whatever its length. */
static inline const char *map_end_reason(const struct sxd_map_end *e)
{
	return (const char *)e + e->rec.size - e->reason_len;
}
const struct sxd_map_info *dump_index_info(const struct dump_index *x, uint32_t map_index);

/* The rows of the record table (records.c) that keep something. */
void index_capture(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_stall(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_timeline(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_events(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_prog_insns(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_sched(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_sched_stats(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_btf(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_map(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_entries(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_map_end(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_map_info(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_error(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_absent(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_core(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_core_tasks(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_symbols(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_kmem(struct dump_index *x, const struct sxd_rec *r, size_t next);
void index_snapshot(struct dump_index *x, const struct sxd_rec *r, size_t next);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's core state (SXD_REC_CORE, written by module/core.c):
 * the record's arrays, and their JSON: "core", "cpus", "dsqs", "tasks" in
 * a scheduler's object, each task joined by pid with the values the
 * scheduler's task-storage maps hold for it.
 */
#ifndef SCXDUMP_CORE_H
#define SCXDUMP_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "emit.h"
#include "index.h"

struct core_view {
	const struct sxd_core *h;
	const struct sxd_core_cpu *cpus;
	const struct sxd_core_dsq *dsqs;
	const struct sxd_core_task *queued;	/* each DSQ's, from its first */
	const struct sxd_core_task *tasks;
	const uint64_t *cpu_masks;		/* SXD_CORE_CPU_MASKS per CPU */
	const uint64_t *task_masks;		/* one per task */
	const struct sxd_core_tasks *more;	/* SXD_REC_CORE_TASKS, or NULL */
};

/* @v: the arrays of @h, without more (core_view_more()). */
void core_view(const struct sxd_core *h, struct core_view *v);
/* @v gains @t (NULL: none), as the index kept it: as many tasks, each large enough. */
void core_view_more(struct core_view *v, const struct sxd_core_tasks *t);
/*
 * Task @i's more in *@m (the fields this decoder knows of an entry that
 * may be larger): false when there is none, or its pid is not the task's.
 */
bool core_more(const struct core_view *v, uint32_t i, struct sxd_core_task_more *m);
/* How long @t has been runnable, in ms; -1 when it is not runnable. */
int64_t core_runnable_ms(const struct sxd_core *h, const struct sxd_core_task *t);
/* "SCX_DSQ_GLOBAL", "SCX_DSQ_LOCAL_ON|3"..., or NULL for a scheduler's own id. */
const char *core_dsq_name(uint64_t id, char *buf, size_t len);

/*
 * A DSQ id as the core state writes it: @id_key the number (a "0x..."
 * string past 2^53), @name_key its sched_ext name or null.
 */
void core_emit_dsq(yajl_gen g, const char *id_key, const char *name_key, uint64_t id);

/* The scheduler's "core", "cpus", "dsqs" and "tasks" keys. */
void emit_core(const struct emit *e, const struct index_sched *is);

#endif

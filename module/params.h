/* SPDX-License-Identifier: GPL-2.0 */
/* The module's parameters (params.c), as the files that use them read them. */
#ifndef SCXDUMP_PARAMS_H
#define SCXDUMP_PARAMS_H

#include <linux/types.h>

/* capture: which exits, how large, how many kept (capture.c, dumps.c) */
extern bool opt_capture_all_exits;
extern unsigned long opt_max_dump_bytes;
extern unsigned long opt_max_map_bytes;
extern unsigned long opt_max_maps;	/* the scheduler's own maps and inner maps */
extern unsigned long opt_keep_dumps;
extern bool opt_embed_kernel_btf;
/* the consistent snapshot (snapshot.c) */
extern bool opt_consistent_snapshot;
extern bool opt_snapshot_flat_copy;
extern unsigned long opt_snapshot_budget_us;
/* the core state (core.c) */
extern unsigned long opt_core_max_tasks, opt_core_max_dsqs, opt_core_max_queued;
extern unsigned long opt_core_dsq_tasks, opt_core_budget_us, opt_core_exit_bufs;
/* the stall watch (stall.c) */
extern unsigned long opt_stall_warn_pct;
/* the flight recorder (timeline.c) */
extern unsigned long opt_timeline_interval_ms, opt_timeline_samples;
extern unsigned long opt_timeline_map_bytes, opt_timeline_max_dsqs;
extern char opt_timeline_maps[];
/* the event recorder (recorder.c) */
extern unsigned long opt_events_per_cpu;

#endif /* SCXDUMP_PARAMS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pieces of one capture share: the capture itself (capture.c), the
 * scheduler-state reader (scxsched.c), the per-map driver (mapdrv.c), the
 * snapshot (snapshot.c) and the trigger policy (trigger.c). Map families
 * see only scxdump.h.
 */
#ifndef SCXDUMP_CAPTURE_H
#define SCXDUMP_CAPTURE_H

#include "scxdump.h"

struct btf_field;
struct core_buf;
struct snapshot_plan;

#define CAPTURE_BLOCK_SIZE	(64u << 10)
#define CAPTURE_REASON_MAX	256
/* a MAP_END record's reason: longer ones are cut (they are constant text) */
#define MAPDRV_REASON_MAX	128
/*
 * The room reserved before the first map entry (dump_writer_reserve()):
 * each map's MAP and MAP_END records, the SNAPSHOT record, the first
 * CAPTURE_RESERVED_ERRORS error records (whose count END gives in any
 * case) and the core state's record, its size known before the maps.
 */
#define CAPTURE_MAP_ROOM	(sxd_align(sizeof(struct sxd_map)) + \
				 sxd_align(sizeof(struct sxd_map_end) + MAPDRV_REASON_MAX))
#define CAPTURE_ERROR_ROOM	sxd_align(sizeof(struct sxd_error) + CAPTURE_REASON_MAX)
#define CAPTURE_RESERVED_ERRORS	16
/* sched_ext keeps at most SCX_EXIT_BT_LEN (64) frames. */
#define SCXSCHED_BT_MAX		64
#define SCXSCHED_BT_LINE	(KSYM_SYMBOL_LEN + 8)

struct capture {
	struct dump_writer w;
	struct scx_sched *sch;	/* the scheduler captured */
	u32 trigger;		/* enum sxd_trigger */
	struct core_buf *core;	/* on demand: its core state (core.c) */
	struct core_buf *core_exit;	/* at exit: the one read at the bypass */
	struct sched_maps maps;
	struct btf **btfs;	/* embedded BTF objects, by index */
	u32 nr_btfs;
	struct btf **btfs_out;	/* BTF objects left out for want of room */
	u32 nr_btfs_out;
	u32 nr_errors;
	u32 nr_errors_reserved;	/* error records the reserve still holds */
	u32 nr_maps_reserved;	/* maps [0, this) have their records' room */
	bool maps_unreserved;	/* a reserve failed: no more maps get one */
	u32 seq;
	u64 t0;
	/* the consistent snapshot: maps [0, nr_stoppable) */
	u32 nr_stoppable;
	bool atomic;		/* inside stop_machine() */
	u64 deadline_ns;	/* local_clock() past which the stop ends */
	bool over_budget;	/* it did, in the middle of map nr_copied */
	u32 nr_copied;		/* maps copied whole in the stop */
	u8 *keys;		/* the key buffers they share */
	struct map_kmems *kmems;
	u64 held_ns;
	u64 copied_bytes;	/* dump bytes the stop wrote */
	/* the plan (snapshot.c): maps [0, nr_planned) are tried in the stop */
	struct snapshot_plan *plan;
	u32 nr_planned;
	u32 nr_unplanned;	/* stoppable, left out by the plan */
	u64 plan_ns;		/* the hold it expects of the measured ones */
	u64 copy_ps;		/* the flat copy's rate it used */
	u64 flat_bytes;		/* copied flat in the stop */
	u32 nr_flat;		/* maps written from their flat copies */
	u32 nr_flat_unread;	/* copied flat, then walked: no memory to read the copy */
	bool undone;		/* the stop undid map nr_copied */
	/* task storage owners' identities, for the stop (task_ids.c) */
	struct task_ids *task_ids;
};

extern struct mutex capture_lock;

/* capture.c */
__printf(3, 4) void capture_error(struct capture *c, int err, const char *fmt, ...);
const char *capture_why(int err);
u32 capture_btf_index(struct capture *c, struct bpf_map *map);
void capture_reserve_maps(struct capture *c);
int capture_run(struct scx_sched *sch, u32 trigger);

/* scxsched.c */
struct scx_sched *scxsched_parent(struct scx_sched *sch, s32 level);
s32 scxsched_level(struct scx_sched *sch);
int scxsched_write(struct capture *c, struct scx_sched *sch);
void scxsched_write_tree(struct capture *c, struct scx_sched *sch);
void scxsched_write_events(struct capture *c, struct scx_sched *sch);
void scxsched_write_prog_stats(struct capture *c);
/* insns.c */
void insns_write(struct capture *c);

/* mapdrv.c */
bool mapdrv_stoppable(const struct bpf_map *map);
void mapdrv_capture(struct capture *c, struct bpf_map *map, u32 index);
u32 mapdrv_flat_parts(struct bpf_map *map, u32 index, struct map_flat *f);
bool mapdrv_capture_flat(struct capture *c, struct bpf_map *map, u32 index,
			 const struct map_flat *flat);
u64 mapdrv_estimate(struct capture *c, struct bpf_map *map, u32 index, u64 *cost);

/* core.c */
void core_prepare(struct capture *c);
void core_write(struct capture *c, u32 sched_index);

/* task_ids.c */
struct task_ids *task_ids_build(struct capture *c);
void task_ids_free(struct task_ids *t);

/* snapshot.c */
void snapshot_partition(struct capture *c);
u32 snapshot_run(struct capture *c);
void snapshot_learn_live(struct capture *c, u32 index, u64 ns, u64 written);
void snapshot_done(struct capture *c);

#endif /* SCXDUMP_CAPTURE_H */

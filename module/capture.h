/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pieces of one capture share: the session (session.c), the
 * scheduler-state reader (sched.c), the per-map driver (mapdrv.c), the
 * snapshot (snapshot.c) and the trigger policy (trigger.c). Map families
 * see only scxdump.h.
 */
#ifndef SCXDUMP_CAPTURE_H
#define SCXDUMP_CAPTURE_H

#include "scxdump.h"

struct btf_field;

#define SXD_BLOCK_SIZE		(64u << 10)
#define SXD_REASON_MAX		256
/* sched_ext keeps at most SCX_EXIT_BT_LEN (64) frames. */
#define SXD_BT_MAX		64
#define SXD_BT_LINE		(KSYM_SYMBOL_LEN + 8)

struct sxd_cap {
	struct sxd_writer w;
	struct sxd_maps maps;
	struct btf **btfs;	/* embedded BTF objects, by index */
	u32 nr_btfs;
	u32 nr_errors;
	u32 seq;
	u64 t0;
	/* the consistent snapshot: maps [0, nr_stoppable) */
	u32 nr_stoppable;
	bool atomic;		/* inside stop_machine() */
	u64 deadline_ns;	/* local_clock() past which the stop ends */
	bool over_budget;	/* it did, in the middle of map nr_copied */
	u32 nr_copied;		/* maps copied whole in the stop */
	u8 *blk;		/* the entry block all maps share in it */
	size_t blk_cap;
	u8 *keys;		/* the key buffers they share */
	struct sxd_kmems *kmems;
	u64 held_ns;
};

extern struct mutex sxd_capture_lock;

/* session.c */
__printf(3, 4) void sxd_error(struct sxd_cap *c, int err, const char *fmt, ...);
u32 sxd_btf_index(struct sxd_cap *c, struct bpf_map *map);
int sxd_capture(struct scx_sched *sch, u32 trigger);

/* sched.c */
struct scx_sched *sxd_parent(struct scx_sched *sch, s32 level);
s32 sxd_level(struct scx_sched *sch);
s32 sxd_exit_kind(struct scx_sched *sch);
int sxd_write_sched(struct sxd_cap *c, struct scx_sched *sch);
void sxd_write_sched_tree(struct sxd_cap *c, struct scx_sched *sch);
void sxd_write_events(struct sxd_cap *c, struct scx_sched *sch);
void sxd_write_prog_stats(struct sxd_cap *c);

/* mapdrv.c */
bool sxd_stoppable(const struct bpf_map *map);
bool sxd_has_cpumask_kptr(const struct bpf_map *map);
void sxd_capture_map(struct sxd_cap *c, struct bpf_map *map, u32 index);
u64 sxd_map_estimate(struct sxd_cap *c, struct bpf_map *map, u32 index,
		     size_t *entry_size);

/* maplib.c */
bool sxd_is_cpumask_kptr(const struct btf_field *f);
int sxd_entries_flush(struct sxd_map_ctx *mc);

/* snapshot.c */
void sxd_maps_partition(struct sxd_cap *c);
u32 sxd_snapshot(struct sxd_cap *c);

#endif /* SCXDUMP_CAPTURE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the scxdump module's files. */
#ifndef SCXDUMP_H
#define SCXDUMP_H

#include <linux/kref.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include "alloc.h"
#include "dump_writer.h"
#include "ksyms.h"
#include "params.h"

#define SCXDUMP_VERSION	"0.1.0"

struct bpf_map;
struct dentry;
struct btf;
/*
 * A scheduler, as the module holds it: on 7.x a struct scx_sched
 * (kernel/sched/ext/internal.h), read through klayout; on 6.12, which has
 * one scheduler whose state is in ext.c's statics, the address of its
 * scx_ops, a handle only (scxsched.c's scxsched_ops()/scxsched_exit_info()
 * are where the two differ).
 */
struct scx_sched;
struct kthread_worker;
struct kthread_work;
struct mutex;

/*
 * Offsets into private kernel structures, read from the running kernel's
 * BTF at load time (layout.c). The comments name the kernel's fields.
 */
#define KLAYOUT_MAX_EXIT_KINDS	32
#define KLAYOUT_MAX_EVENTS	64
#define KLAYOUT_MAX_ABSENT	32
#define KLAYOUT_MAX_TASK_STATES	8

/* the functions whose prototypes layout.c checks (klayout_funcs[]) */
#define KLAYOUT_NR_FUNCS	29

struct kernel_layout {
	/*
	 * Where a scheduler's state lives (layout.c): 7.x, in its struct
	 * scx_sched (kernel/sched/ext/internal.h) at these offsets; 6.12
	 * (sched_globals), in ext.c's statics scx_ops, scx_exit_kind and
	 * scx_exit_info (struct kernel_syms).
	 */
	bool sched_globals;
	s64 ops_disabled;		/* 6.12: SCX_OPS_DISABLED */
	u32 sch_exit_kind;		/* atomic_t exit_kind */
	u32 sch_exit_info;		/* struct scx_exit_info *exit_info */
	u32 sch_ops;			/* struct sched_ext_ops ops */
	u32 sch_level;			/* s32 level (7.3, sub-schedulers) */
	bool has_level;
	/* struct sched_ext_ops: the scheduler's copy, and as registered */
	u32 ops_size;
	u32 ops_name;			/* name[SCX_OPS_NAME_LEN] */
	u32 ops_name_len;
	u32 ops_dump_len;		/* exit_dump_len */
	u32 ops_flags;			/* flags */
	u32 ops_timeout;		/* timeout_ms */
	u32 ops_priv;			/* void __rcu *priv == the scx_sched (7.x) */
	bool has_ops_priv;
	/* struct scx_exit_info */
	u32 ei_kind, ei_exit_cpu, ei_exit_code, ei_reason;
	bool has_exit_cpu;		/* 7.x */
	u32 ei_bt, ei_bt_len, ei_msg, ei_dump;
	/* struct bpf_struct_ops_map (kernel/bpf/bpf_struct_ops.c) */
	u32 stmap_desc;			/* st_ops_desc */
	u32 stmap_kdata;		/* kvalue.data: the ops as registered */
	u32 stmap_links, stmap_funcs_cnt, stmap_uvalue, stmap_kvalue;
	/* struct btf (kernel/bpf/btf.c) */
	u32 btf_data, btf_data_size, btf_id;
	/*
	 * Per map family, optional: a kernel without one of these fields
	 * degrades that family alone to an error record naming it.
	 */
	bool ok_arena;		/* struct bpf_arena (kernel/bpf/arena.c) */
	u32 arena_user_vm_start, arena_user_vm_end, arena_kern_vm;
	u32 arena_scratch_page;
	bool has_arena_scratch;	/* 7.3: faults install a scratch page */
	/*
	 * kernel/bpf/hashtab.c's struct bpf_htab, struct bucket, struct
	 * htab_elem: hashes are walked bucket by bucket; without them, key
	 * by key (get_next_key), as bpf(2) walks them
	 */
	bool ok_htab;
	u32 htab_buckets, htab_n_buckets, htab_bucket_size, bucket_head;
	u32 helem_node, helem_key;
	/* and a preallocated hash's element area, scanned in address order */
	bool ok_htab_area;
	u32 htab_elems, htab_elem_size, htab_extra_elems;
	bool ok_ringbuf;	/* struct bpf_ringbuf(_map) (kernel/bpf/ringbuf.c) */
	u32 rbmap_rb, rb_mask, rb_consumer_pos, rb_producer_pos, rb_pending_pos, rb_data;
	u32 rb_overwrite_mode, rb_overwrite_pos;
	/* bpf_percpu_hash_copy()'s parameters: 4 when it takes BPF_F_CPU */
	u32 percpu_copy_args;
	s64 bpf_f_cpu;			/* BPF_F_CPU (7.x uapi), or 0 */
	bool has_rb_overwrite, has_rb_overwrite_pos;
	bool ok_stackmap;	/* struct bpf_stack_map (kernel/bpf/stackmap.c) */
	u32 smap_n_buckets, smap_buckets, sbucket_hash, sbucket_nr, sbucket_data;
	bool ok_queue;		/* struct bpf_queue_stack (kernel/bpf/queue_stack_maps.c) */
	u32 qs_head, qs_tail, qs_size, qs_elements;
	bool ok_bloom;		/* struct bpf_bloom_filter (kernel/bpf/bloom_filter.c) */
	u32 bloom_mask, bloom_seed, bloom_nr_hash, bloom_bitset;
	bool ok_stmap;		/* struct bpf_struct_ops_map's links, uvalue */
	u32 sch_kobj;			/* struct kobject kobj: pins the sched */
	bool ok_request;		/* 7.x on-demand capture: pinning a sched */
	bool ok_events;		/* sch->pcpu->event_stats (7.3) */
	u32 sch_pcpu, pcpu_events;
	u32 nr_events;
	struct klayout_event_field {
		char name[56];
		u32 off;
	} events[KLAYOUT_MAX_EVENTS];
	s32 cpumask_type_id;	/* struct bpf_cpumask in the kernel's BTF */
	u32 cpumask_bits;	/* offset of its cpumask member */
	s32 task_type_id;	/* struct task_struct: kptrs to it are identified */
	s32 cgroup_type_id;	/* struct cgroup: likewise */
	s32 kn_parent;		/* struct kernfs_node's parent link (__parent since 6.15), or -1 */
	/* what a family's missing field was, for its error record */
	const char *missing_arena, *missing_ringbuf, *missing_stackmap;
	const char *missing_queue, *missing_bloom, *missing_stmap;
	const char *missing_events, *missing_request, *missing_sub, *missing_core;
	/* 7.3 sub-schedulers: struct scx_sched's place in the tree */
	bool ok_sub;
	u32 sch_id, sch_cgrp, sch_cgrp_path, sch_ancestors;
	u32 sch_children, sch_sibling;	/* RCU lists of the tree */
	/* the core state (core.c): struct rq, its scx part, the DSQs' homes */
	bool ok_core;
	u32 rq_nr_running, rq_curr, rq_cpu, rq_online, rq_lock;
	u32 rq_local_dsq, rq_scx_nr_running, rq_scx_flags, rq_cpu_released;
	u32 rq_cfs_nr, rq_rt_nr, rq_dl_nr, rq_core_enabled;
	bool has_cfs_nr, has_rt_nr, has_dl_nr, has_rq_core;
	u32 rq_core;			/* CONFIG_SCHED_CORE: rq->core, whose lock it takes */
	bool has_rq_core_ptr;
	u32 rq_ops_qseq;
	bool has_rq_qseq;
	u32 rq_runnable_list;		/* scx.runnable_list: the stall watch */
	bool has_runnable_list;
	u32 rq_kick[4], pcpu_kick[4];	/* cpus_to_kick, _kick_if_idle, _preempt, _wait */
	bool kick_in_rq, kick_in_pcpu;
	u32 pcpu_bypass_dsq, sch_core_pcpu;
	bool has_bypass_dsq, has_sch_pcpu;
	u32 sch_dsq_hash, sch_pnode, pnode_global_dsq;
	bool has_sch_dsq_hash, has_sch_pnode;
	u32 see_sched;			/* sched_ext_entity.sched (7.x) */
	bool has_task_sched;
	u32 see_flags, see_tasks_node;	/* the scx_tasks cursor's (core.c) */
	bool has_see_flags, has_see_tasks_node;
	u32 sch_helper, sch_disable_work;	/* 7.x: who runs the disable work */
	bool has_sch_helper;
	/* the traced functions' prototypes: klayout_func_proto() */
	int func_proto[KLAYOUT_NR_FUNCS];
	s64 opss_state_mask, opss_qseq_shift;	/* SCX_OPSS_* */
	char task_states[KLAYOUT_MAX_TASK_STATES][16];	/* enum scx_task_state */
	/* enum scx_exit_kind */
	s64 exit_done;			/* SCX_EXIT_DONE */
	s64 exit_error;			/* SCX_EXIT_ERROR */
	s64 exit_parent, exit_parent_kill;	/* SCX_EXIT_PARENT(_KILL), or -1 */
	struct klayout_enum_name {
		s64 val;
		char name[32];
	} exit_kinds[KLAYOUT_MAX_EXIT_KINDS];
	u32 nr_exit_kinds;
	s64 exit_msg_len;		/* SCX_EXIT_MSG_LEN */
	/* what this kernel cannot give dumps (SXD_REC_ABSENT) */
	struct klayout_absent {
		const char *feature;
		char reason[96];
	} absent[KLAYOUT_MAX_ABSENT];
	u32 nr_absent;			/* published: klayout_nr_absent() */
};

extern struct kernel_layout klayout;

/*
 * Whether a function hook.c traces and calls has the prototype it
 * assumes, as the kernel's BTF says: 0, -ENOENT (not in the BTF) or
 * -EINVAL (another prototype); -ENOENT for a name not in the table.
 */
int klayout_func_proto(const char *name);

int klayout_init(void);
void klayout_exit(void);
const void *klayout_kernel_btf(size_t *size, u32 *crc);
const char *klayout_exit_kind_name(s64 kind);
void klayout_note_absent(const char *feature, const char *reason);
u32 klayout_nr_absent(void);

#define DUMPS_MAX_KEPT		64
/* the largest dump: one kvmalloc() buffer, which must stay under INT_MAX */
#define OPT_MAX_DUMP_LIMIT	(SZ_2G - SZ_1M)
#define OPT_MAX_BUDGET_US	100000
/* SCX_SUB_MAX_DEPTH is 4 in 7.3; anything deeper is not believed */
#define SCXSCHED_MAX_LEVEL	16
/* on-demand captures of a tree of sub-schedulers: at most this many */
#define TRIGGER_MAX_SCHEDS	64

/* core.c: the scheduler's CPUs, DSQs and tasks */
int core_init(void);
void core_exit(void);
void core_presnap(struct scx_sched *sch);
void core_release(struct scx_sched *sch);
u32 core_sched_class(const void *class);
struct sxd_stall_task;
bool core_oldest_runnable(s32 cpu, struct sxd_stall_task *t);

/* stall.c: the stall watch, a warning capture before the watchdog fires */
int stall_init(void);
void stall_exit(void);
struct capture;
struct seq_file;
void stall_write(struct capture *c);
void stall_status(struct seq_file *m);
struct kthread_work;
bool stall_queue_work(struct kthread_work *work);

/* worker.c: the module's SCHED_FIFO kthread workers */
struct kthread_worker;
struct kthread_worker *worker_create_fifo(const char *name);

/* timeline.c: the flight recorder, samples of the root scheduler in a ring */
#define TIMELINE_MAX_MAPS	8
#define TIMELINE_MAPS_LEN	(TIMELINE_MAX_MAPS * 16)
int recorder_init(void);
void recorder_exit(void);
void recorder_write(struct capture *c);
void recorder_status(struct seq_file *m);

int timeline_init(void);
void timeline_exit(void);
void timeline_write(struct capture *c);
void timeline_status(struct seq_file *m);
struct sxd_tl_sample;
struct sxd_tl_cpu;
struct sxd_tl_dsq;
void core_depths(struct scx_sched *sch, struct sxd_tl_sample *s, struct sxd_tl_cpu *cpus,
		 struct sxd_tl_dsq *dsqs, u32 max_dsqs);
bool scxsched_read_events(struct scx_sched *sch, s64 *vals);

/* A finished dump, shared by the debugfs readers that hold it open. */
struct held_dump {
	struct kref ref;
	void *buf;
	size_t len;
	u32 seq;
};

void held_dump_put(struct held_dump *d);
void dumps_publish(struct held_dump *d);
void dumps_note_failure(int err, const char *what);
void dumps_set_armed(bool armed);

/* dumps.c: the published dumps and their debugfs files */
int dumps_init(void);
void dumps_exit(void);
struct dentry *dumps_dir(void);
/* control.c: the control file, in that directory */
int control_init(struct dentry *dir);
void control_exit(void);

int hook_resolve(void);
int hook_init(void);
void hook_exit(void);
void hook_note_exit(bool captured);
void hook_status(struct seq_file *m);

/* Capture of one scheduler, run from the hook (sleepable). */
bool trigger_exit_wanted(struct scx_sched *sch);
void trigger_exit(struct scx_sched *sch);
/* scxsched.c: where a scheduler's state is on this kernel */
u8 *scxsched_ops(struct scx_sched *sch);
u8 *scxsched_exit_info(struct scx_sched *sch);
bool scxsched_live(struct scx_sched *sch);
s32 scxsched_exit_kind(struct scx_sched *sch);
/* Capture the running schedulers, which keep running (sleepable). */
int trigger_request(void);
int trigger_running(u32 trigger);	/* capture_lock held */
u32 trigger_root_timeout_ms(void);
struct scx_sched *trigger_root_get(void);
void trigger_root_put(struct scx_sched *sch);
long trigger_load_seq(void);

/*
 * One map being captured. A family's capture function walks the map and
 * fills entries through maplib_entry_slot()/maplib_entry_commit() (or
 * runs of them, maplib_entry_run()), which frame them into
 * SXD_REC_ENTRIES blocks.
 */
struct map_ctx {
	struct dump_writer *w;
	struct sched_maps *maps;	/* the capture's map list: inner maps join it */
	void *priv;		/* the family's own state during capture */
	struct map_kmems *kmems;	/* pointees of cpumask kptrs in values */
	struct bpf_map *map;
	u32 map_index;
	/* the shape of an entry, which the family may set in ops->init */
	u32 key_size;		/* map->key_size unless the family says */
	u32 value_size;		/* map->value_size unless the family says */
	u32 nr_values;		/* values per entry: 1, or nr_cpu_ids */
	u32 entry_flags;	/* SXD_ENTRIES_* */
	u32 flags;		/* SXD_MAP_* */
	int status;		/* 0 or a negative errno */
	const char *reason;	/* why status or flags are set */
	u64 nr_entries;
	u64 nr_omitted;
	u64 bytes;		/* entry bytes written, for max_map_bytes */
	/* the ENTRIES record being filled in the dump (maplib.c) */
	u8 *blk;		/* its first entry; NULL: none open */
	size_t blk_cap;		/* entry bytes it has room for */
	size_t blk_max;		/* entry bytes a record holds at most */
	size_t blk_len;
	size_t entry_size;
	u32 blk_nr;
	/* the family writes every byte of key and values: only pads are zeroed */
	bool fills_entries;
	bool full;		/* the dump has no room left for entries */
	u8 *keys;		/* two keys' room, for keyed walks */
	/*
	 * Inside stop_machine(): nothing may sleep or allocate; the block,
	 * the keys and the dump's room were prepared before.
	 */
	bool atomic;
	/*
	 * Counting, to size that room: no slot is handed out and every entry
	 * goes to nr_omitted, up to count_cap (past it the limits cut the
	 * map anyway); MAP_INFO bytes add to est_bytes.
	 */
	bool counting;
	u64 count_cap;
	u64 est_bytes;
	u32 clock_tick;		/* entries since the stop's clock was read */
	/*
	 * The walk ends now: the map's or the dump's room is gone, or (inside
	 * the stop) its time budget, over_budget, ran out at deadline_ns
	 * (local_clock()). Every family's walk checks it at each element.
	 */
	bool stop;
	bool over_budget;
	u64 deadline_ns;
	/*
	 * flat_capture() read the map live instead of its copy (no memory
	 * to read the copy): not in the snapshot, and mc->reason says why
	 */
	bool flat_unread;
	/*
	 * In the stop: tasks' identities taken before it (task_ids.c), and
	 * how many owners were named from them or read from their task
	 */
	const struct task_ids *task_ids;
	u64 owners_found;
	u64 owners_read;
};

/* Tasks' identities taken before the stop (task_ids.c). */
struct task_ids;
bool task_ids_find(const struct task_ids *t, const struct task_struct *task,
		   struct sxd_owner *o);
void task_ids_info(const struct task_ids *t, u64 *val);

/*
 * A map's memory as flat parts (a preallocated hash's element area and its
 * buckets): where each is, and its copy, made in the stop (snapshot.c).
 */
#define MAP_FLAT_PARTS	2
struct map_flat {
	struct {
		const void *src;
		void *copy;
		u64 len;
	} part[MAP_FLAT_PARTS];
	u32 nr;
	u64 bytes;		/* of all parts */
	u64 took_ns;		/* the copy's hold of the CPUs */
};

/* How one family of map types is captured (maps/). */
struct map_dump_ops {
	/* optional: set mc's entry shape (key_size, value_size, nr_values) */
	void (*init)(struct map_ctx *mc);
	int (*capture)(struct map_ctx *mc);
	/*
	 * optional: how many entries capture() would write, when the kernel
	 * knows it without a walk (max_entries, an element count); false:
	 * unknown, the sizing walks the map counting
	 */
	bool (*count)(struct map_ctx *mc, u64 *nr);
	/*
	 * optional: the bytes of kernel memory the walk reads besides its
	 * entries (a hash's bucket heads): the stop copies maps in the order
	 * of what they cost, smallest first
	 */
	u64 (*scan_bytes)(struct map_ctx *mc);
	/*
	 * optional: the map's memory as flat parts, which the stop may copy
	 * at memcpy speed instead of running capture() (snapshot.c plans
	 * which is quicker); flat_capture() then writes the entries from the
	 * copy, after the stop, where it may sleep and allocate. Returns the
	 * number of parts, 0 if the map has none to copy.
	 */
	u32 (*flat_parts)(struct map_ctx *mc, struct map_flat *f);
	int (*flat_capture)(struct map_ctx *mc, const struct map_flat *f);
	/*
	 * capture() never sleeps nor allocates when mc->atomic: the family's
	 * maps are copied inside the consistent snapshot's stop_machine().
	 */
	bool stoppable;
};

/* Every family's ops, in one declaration (a name listed twice is fine). */
#define MAPDRV_TYPE(type, ops) ops,
extern const struct map_dump_ops
#include "maps/map_types.h"
	mapdrv_ops_none;	/* ends the list; never defined nor used */
#undef MAPDRV_TYPE

void maplib_percpu(struct map_ctx *mc);
int maplib_info(struct map_ctx *mc, u32 kind, const u64 *val, u32 nr_val,
		const void *data, u32 len);
int maplib_missing_layout(struct map_ctx *mc, const char *type);
u64 maplib_info_limit(struct map_ctx *mc, u64 want, const char *reason);
bool maplib_walk_yield(struct map_ctx *mc);
bool maplib_walk_chunk(struct map_ctx *mc);
void maplib_walk_rest(struct map_ctx *mc, u64 rest, u32 how);
u64 maplib_walk_seen(const struct map_ctx *mc);
bool maplib_nosleep_begin(struct map_ctx *mc, u64 n);
void maplib_nosleep_end(struct map_ctx *mc, bool fixed);

/* Keyed walks (maplib.c): @copy fills @slot's values, false if gone. */
typedef bool (*maplib_copy_fn)(struct map_ctx *mc, void *key, u8 *slot);
int maplib_keyed_walk(struct map_ctx *mc, maplib_copy_fn copy);
void maplib_keyed_rest(struct map_ctx *mc);
/* close the ENTRIES record being filled: before any other record */
int maplib_entries_flush(struct map_ctx *mc);
bool maplib_elem_count(const struct bpf_map *map, u64 *count);
bool maplib_copy_lookup(struct map_ctx *mc, void *key, u8 *slot);

u8 *maplib_entry_slot(struct map_ctx *mc);
void maplib_entry_commit(struct map_ctx *mc);
u8 *maplib_entry_run(struct map_ctx *mc, u32 want, u32 *n);
void maplib_entry_run_commit(struct map_ctx *mc, u32 n);
void *maplib_entry_value(struct map_ctx *mc, u8 *slot, u32 i);

#define DISCOVER_MAX_PROG_BTFS	16
#define OPT_MAX_MAPS_LIMIT	BIT(20)

/* The scheduler's maps, found from its struct_ops map (discover.c). */
struct sched_maps {
	struct bpf_map **maps;	/* each holds a reference */
	u32 nr;
	u32 cap;
	u32 max;		/* max_maps when the capture began */
	struct xarray ids;	/* map id -> the map, or a value: left out */
	u32 nr_over;		/* maps left out: more than max */
	u32 nr_nomem;		/* maps left out: no memory to list them */
	struct bpf_map *ops_map;	/* the scheduler's struct_ops map */
	/* the programs' BTF objects: maps created with one are ours too */
	const struct btf *prog_btfs[DISCOVER_MAX_PROG_BTFS];
	u32 nr_prog_btfs;
	bool prog_btfs_overflow;	/* more: their objects' other maps not sought */
};

int discover_maps(struct scx_sched *sch, struct sched_maps *m);
struct bpf_prog;
int discover_walk_progs(struct bpf_map *st_map,
			int (*cb)(struct bpf_prog *prog, void *data), void *data);
int sched_maps_add(struct sched_maps *m, struct bpf_map *map);
struct bpf_map *discover_map_get_by_id(u32 id);
void sched_maps_release(struct sched_maps *m);

#endif /* SCXDUMP_H */

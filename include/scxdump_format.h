/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxdump binary dump format, shared by the kernel module (writer), the
 * scxdump decoder and the KUnit tests. docs/format.md describes it in prose.
 *
 * A dump is a file header followed by records. Every record starts with a
 * struct sxd_rec and is padded with zeroes to an 8-byte boundary; rec.size
 * counts the bytes of the record without that padding. All integers are
 * little-endian, all structures have explicit padding and no
 * compiler-dependent layout, so the file decodes on any machine.
 *
 * A dump always ends with an SXD_REC_END record; the header's crc32 covers
 * the whole file with the crc32 field itself taken as zero.
 */
#ifndef SCXDUMP_FORMAT_H
#define SCXDUMP_FORMAT_H

#include <linux/types.h>

#define SXD_MAGIC		"SCXDUMP"	/* 8 bytes with its NUL */
#define SXD_VERSION		1
#define SXD_BYTE_ORDER		0x01020304u	/* as stored by the writer */
#define SXD_ALIGN		8u
#define SXD_NO_INDEX		0xffffffffu

/* Largest single record a reader needs to accept (an embedded BTF blob). */
#define SXD_REC_MAX_SIZE	(64u << 20)

struct sxd_file_header {
	__u8	magic[8];		/* SXD_MAGIC */
	__u32	version;		/* SXD_VERSION */
	__u32	header_size;		/* sizeof(struct sxd_file_header) */
	__u32	byte_order;		/* SXD_BYTE_ORDER */
	__u32	crc32;			/* CRC-32 (IEEE) of the file, this field 0 */
	__u64	total_size;		/* file size in bytes, header included */
	__u32	nr_records;
	__u32	flags;			/* SXD_F_* */
	__u64	reserved[4];
};

/* The dump hit the size limit: some records were left out (see END). */
#define SXD_F_TRUNCATED		0x1u

enum sxd_rec_type {
	SXD_REC_CAPTURE		= 1,	/* struct sxd_capture */
	SXD_REC_SCHED		= 2,	/* struct sxd_sched + strings */
	SXD_REC_BTF		= 3,	/* struct sxd_btf + raw BTF bytes */
	SXD_REC_MAP		= 4,	/* struct sxd_map */
	SXD_REC_ENTRIES		= 5,	/* struct sxd_entries + entries */
	SXD_REC_MAP_END		= 6,	/* struct sxd_map_end + reason */
	SXD_REC_ERROR		= 7,	/* struct sxd_error + message */
	SXD_REC_END		= 8,	/* struct sxd_end */
	SXD_REC_MAP_INFO	= 9,	/* struct sxd_map_info + data */
	SXD_REC_SYMBOLS		= 10,	/* struct sxd_symbols + struct sxd_sym[] */
	SXD_REC_KMEM		= 11,	/* struct sxd_kmem + bytes */
	SXD_REC_COUNTERS	= 12,	/* struct sxd_counters + sxd_counter[] */
	SXD_REC_PROG_STATS	= 13,	/* struct sxd_prog_stats + sxd_prog_stat[] */
	SXD_REC_SNAPSHOT	= 14,	/* struct sxd_snapshot */
	SXD_REC_SCHED_TREE	= 15,	/* struct sxd_sched_tree + cgroup path */
	SXD_REC_ABSENT		= 16,	/* struct sxd_absent + feature + reason */
	SXD_REC_CORE		= 17,	/* struct sxd_core + its arrays */
	SXD_REC_STALL		= 18,	/* struct sxd_stall + sxd_stall_task[] */
	SXD_REC_TIMELINE	= 19,	/* struct sxd_timeline + its arrays + samples */
	SXD_REC_PROG_INSNS	= 20,	/* struct sxd_prog_insns + maps + instructions */
	SXD_REC_EVENTS		= 21,	/* struct sxd_events + hooks + CPUs + events */
	SXD_REC_CORE_TASKS	= 22,	/* struct sxd_core_tasks + sxd_core_task_more[] */
};

struct sxd_rec {
	__u32	type;			/* enum sxd_rec_type */
	__u32	size;			/* header + payload, without padding */
};

/* What made the module capture. */
enum sxd_trigger {
	SXD_TRIGGER_EXIT	= 1,	/* a scheduler's disable path */
	SXD_TRIGGER_REQUEST	= 2,	/* a write to the control file */
	SXD_TRIGGER_STALL_WARNING = 3,	/* a task waited past stall_warn_pct */
};

struct sxd_capture {
	struct sxd_rec rec;
	__u64	realtime_ns;		/* CLOCK_REALTIME at capture start */
	__u64	boottime_ns;		/* CLOCK_BOOTTIME at capture start */
	__u32	trigger;		/* enum sxd_trigger */
	__u32	nr_cpu_slots;		/* nr_cpu_ids: per-CPU values stored */
	__u32	nr_possible_cpus;
	__u32	nr_online_cpus;
	__u32	page_size;
	__u32	capture_seq;		/* 1 for the module's first capture */
	char	kernel_release[65];	/* utsname()->release */
	char	machine[15];		/* utsname()->machine, cut */
	char	module_version[24];
	__u32	kernel_btf_size;	/* the running kernel's BTF: what */
	__u32	kernel_btf_crc32;	/* --vmlinux-btf must match */
};

/*
 * One scheduler. The exit fields are those of sched_ext's struct
 * scx_exit_info at capture time. Followed by, in order and unpadded:
 * reason_len bytes of reason, msg_len bytes of message, bt_len bytes of
 * backtrace text (one symbolised frame a line) and dump_len bytes of
 * sched_ext's own debug dump text (ops.dump and per-CPU/task lines).
 */
struct sxd_sched {
	struct sxd_rec rec;
	__u32	sched_index;		/* referenced by struct sxd_map */
	__u32	level;			/* 0 for the root scheduler */
	__s64	exit_kind;		/* enum scx_exit_kind */
	__s64	exit_code;
	__s32	exit_cpu;		/* -1 when unknown */
	__u32	nr_maps;
	char	name[128];		/* sched_ext_ops.name */
	char	exit_kind_name[32];	/* from the kernel's own enum */
	__u64	ops_flags;		/* sched_ext_ops.flags (SCX_OPS_*) */
	__u32	timeout_ms;		/* sched_ext_ops.timeout_ms as given */
	__u32	pad;
	__u32	reason_len;
	__u32	msg_len;
	__u32	bt_len;
	__u32	dump_len;
};

/*
 * A scheduler's place among sub-schedulers (kernels with them): its id,
 * the cgroup it schedules, its parent. Written after its SCHED record.
 */
struct sxd_sched_tree {
	struct sxd_rec rec;
	__u32	sched_index;		/* the struct sxd_sched it belongs to */
	__u32	level;			/* 0: root; n: n parents above it */
	__u64	id;			/* scx_sched id, unique since boot */
	__u64	cgroup_id;		/* the cgroup (v2) it schedules */
	__u64	parent_id;		/* 0 for the root */
	char	parent_name[128];	/* the parent's sched_ext_ops.name */
	__u32	path_len;		/* followed by the cgroup's path */
	__u32	pad;
};

enum sxd_btf_kind {
	SXD_BTF_PROG		= 1,	/* a program's BTF (standalone) */
	SXD_BTF_VMLINUX		= 2,	/* the kernel's BTF */
};

/* A BTF object, embedded once; followed by size bytes of raw BTF. */
struct sxd_btf {
	struct sxd_rec rec;
	__u32	btf_index;		/* referenced by struct sxd_map */
	__u32	kind;			/* enum sxd_btf_kind */
	__u32	kernel_id;		/* the kernel's BTF object id */
	__u32	size;
};

struct sxd_map {
	struct sxd_rec rec;
	__u32	map_index;		/* referenced by the map's later records */
	__u32	sched_index;
	__u32	id;			/* the kernel's map id */
	__u32	type;			/* enum bpf_map_type */
	__u32	key_size;
	__u32	value_size;
	__u32	max_entries;
	__u32	map_flags;
	__u64	map_extra;
	__u32	btf_index;		/* SXD_NO_INDEX: no BTF */
	__u32	btf_key_type_id;
	__u32	btf_value_type_id;
	__u32	btf_vmlinux_value_type_id;
	char	name[16];		/* BPF_OBJ_NAME_LEN */
};

/*
 * A block of one map's entries. Each entry is a key of key_size bytes
 * padded to 8, then nr_values values of value_size bytes, each padded to 8
 * (nr_values is 1, or nr_cpu_ids for per-CPU maps).
 */
struct sxd_entries {
	struct sxd_rec rec;
	__u32	map_index;
	__u32	nr;			/* entries in this block */
	__u32	key_size;
	__u32	value_size;
	__u32	nr_values;
	__u32	flags;
};

#define SXD_ENTRIES_OWNER	0x1u	/* keys are struct sxd_owner */
#define SXD_ENTRIES_ARENA	0x2u	/* keys are u64 user addresses, values pages */
#define SXD_ENTRIES_POSITION	0x4u	/* keys are u32 positions, oldest/top first */
#define SXD_ENTRIES_STACK	0x8u	/* values are u64 nr, then nr PCs */
#define SXD_ENTRIES_REF		0x10u	/* values are struct sxd_obj_ref */

/* The owner of a local-storage element (TASK/CGRP/INODE/SK_STORAGE). */
enum sxd_owner_kind {
	SXD_OWNER_TASK		= 1,	/* pid, tgid, comm */
	SXD_OWNER_CGROUP	= 2,	/* id (cgroup id), path */
	SXD_OWNER_INODE		= 3,	/* id (inode number), dev */
	SXD_OWNER_SOCK		= 4,	/* family, addresses, ports */
};

struct sxd_owner {
	__u32	kind;			/* enum sxd_owner_kind */
	__s32	pid;
	__s32	tgid;
	__u32	dev;			/* inode: the kernel's dev_t */
	__u64	id;
	char	comm[16];
	__u16	family;
	__u16	sport;			/* host byte order */
	__u16	dport;
	__u16	pad;
	__u8	saddr[16];		/* IPv4 in the first 4 bytes */
	__u8	daddr[16];
	char	path[128];		/* cgroup path, cut */
};

/* What a slot of an fd-holding map points to. */
enum sxd_ref_kind {
	SXD_REF_PROG		= 1,	/* id, name */
	SXD_REF_MAP		= 2,	/* id, name; the map is captured too */
	SXD_REF_PERF_EVENT	= 3,
	SXD_REF_CGROUP		= 4,	/* extra: cgroup id */
};

struct sxd_obj_ref {
	__u32	kind;			/* enum sxd_ref_kind */
	__u32	id;
	__u64	extra;
	char	name[16];
};

/*
 * Facts about a map that are not entries, by kind; val[] and the data
 * that follows are described in docs/format.md.
 */
enum sxd_info_kind {
	SXD_INFO_ARENA		= 1,
	SXD_INFO_RINGBUF	= 2,
	SXD_INFO_QUEUE		= 3,
	SXD_INFO_BLOOM		= 4,
	SXD_INFO_STACKMAP	= 5,
	SXD_INFO_STRUCT_OPS	= 6,
	/*
	 * A map copied flat in the stop (SXD_MAP_FLAT): val[0] the bytes
	 * copied, val[1] the ns the copy held the CPUs, val[2] the elements
	 * of the copied area, val[3] its buckets, val[4] the elements found
	 * in the lists, val[5] the lists a bad link cut short
	 */
	SXD_INFO_FLAT		= 7,
	/*
	 * How a task storage's owners were named: val[0] from identities
	 * taken before the stop (a table of the tasks, each held), val[1]
	 * read from the owner's task_struct, val[2] the tasks in that table,
	 * val[3] the ns it took to build, val[4] its age (ns) once the map
	 * was walked: the most an entry's comm or pid may lag by, val[5]
	 * what cut the table short (SXD_OWNERS_*). No table (read live, or
	 * none built): val[2..5] are 0.
	 */
	SXD_INFO_OWNERS		= 8,
};

#define SXD_OWNERS_COUNT	0x1u	/* its bound on tasks */
#define SXD_OWNERS_TIME		0x2u	/* its bound on time */
#define SXD_OWNERS_CHANGED	0x4u	/* the task list changed under a break */
#define SXD_OWNERS_NOMEM	0x8u	/* no memory to grow it */

struct sxd_map_info {
	struct sxd_rec rec;
	__u32	map_index;
	__u32	kind;			/* enum sxd_info_kind */
	__u64	val[6];
	__u32	data_len;		/* followed by data_len bytes */
	__u32	pad;
};

/* sched_ext's event counters of a scheduler, summed over CPUs. */
struct sxd_counter {
	char	name[56];		/* SCX_EV_*, from the kernel's BTF */
	__s64	value;
};

struct sxd_counters {
	struct sxd_rec rec;
	__u32	sched_index;
	__u32	nr;			/* followed by nr struct sxd_counter */
};

/*
 * Run-time statistics of a scheduler program. The kernel counts runs and
 * their time only while kernel.bpf_stats_enabled is on (its static key
 * bpf_stats_enabled_key); flags say whether it was at capture. Neither
 * flag: not known (the key was not found, said in an SXD_REC_ABSENT
 * "bpf_stats_enabled").
 * recursion_misses is counted always.
 */
struct sxd_prog_stat {
	__u32	id;
	__u32	flags;			/* SXD_PROG_STATS_* */
	char	name[16];
	__u64	run_cnt;
	__u64	run_time_ns;
	__u64	recursion_misses;
};

#define SXD_PROG_STATS_ON	0x1u	/* run_cnt, run_time_ns counted */
#define SXD_PROG_STATS_OFF	0x2u	/* not counted: 0, or from an earlier time on */

struct sxd_prog_stats {
	struct sxd_rec rec;
	__u32	sched_index;
	__u32	nr;			/* followed by nr struct sxd_prog_stat */
};

/*
 * Kernel memory a map value points to, copied at capture so the decoder
 * can render the pointer (a kptr): for SXD_KMEM_CPUMASK, the bits of a
 * struct bpf_cpumask, nr_cpu_ids of them; for SXD_KMEM_TASK, a
 * struct sxd_kmem_task; for SXD_KMEM_CGROUP, a struct sxd_kmem_cgroup.
 */
enum sxd_kmem_kind {
	SXD_KMEM_CPUMASK	= 1,
	SXD_KMEM_TASK		= 2,
	SXD_KMEM_CGROUP		= 3,
};

struct sxd_kmem {
	struct sxd_rec rec;
	__u64	addr;			/* the pointer's value */
	__u32	kind;			/* enum sxd_kmem_kind */
	__u32	nr_bits;		/* followed by nr_bits / 8 bytes, whole u64 words */
};

/* The identity of a struct task_struct a kptr holds, at capture time. */
struct sxd_kmem_task {
	__s32	pid;
	__s32	tgid;
	char	comm[16];
};

/*
 * The identity of a struct cgroup a kptr holds: its kernfs node's. path
 * is its path from the hierarchy's root ("/" for the root), its last
 * characters when longer, then starting "..."; empty when the kernel's
 * kernfs_node has no parent link the module could resolve (dumps before
 * path was added end after name).
 */
struct sxd_kmem_cgroup {
	__u64	id;			/* cgroup_id() */
	__s32	level;
	__u32	pad;
	char	name[48];		/* its directory name, cut to fit */
	char	path[64];
};

/* Kernel addresses symbolised at capture time (stack traces). */
struct sxd_sym {
	__u64	addr;
	char	name[120];		/* "func+0x12/0x80 [module]" */
};

struct sxd_symbols {
	struct sxd_rec rec;
	__u32	nr;			/* followed by nr struct sxd_sym */
	__u32	pad;
};

/* The map's capture is over. status is 0 or a positive errno. */
struct sxd_map_end {
	struct sxd_rec rec;
	__u32	map_index;
	__u32	status;
	__u64	nr_entries;		/* entries written */
	__u64	nr_omitted;		/* entries seen but left out (caps) */
	__u32	flags;			/* SXD_MAP_* */
	__u32	reason_len;		/* reason text: the record's last bytes */
	__u64	duration_ns;		/* the map's capture, MAP record to MAP_END */
};

#define SXD_MAP_TRUNCATED	0x1u	/* a cap left entries out */
#define SXD_MAP_UNSUPPORTED	0x2u	/* type not captured */
#define SXD_MAP_ITER_LIMIT	0x4u	/* walk stopped at its bound */
#define SXD_MAP_SNAPSHOT	0x8u	/* copied while every CPU was stopped */
/*
 * The walk stopped when a limit cut it; what it did not reach is in
 * nr_omitted: exactly (neither flag), estimated from the element count the
 * kernel keeps (OMITTED_EST), or not known (OMITTED_MORE: at least that).
 */
#define SXD_MAP_OMITTED_EST	0x10u
#define SXD_MAP_OMITTED_MORE	0x20u
/*
 * With SNAPSHOT: the stop copied the map's memory flat (a preallocated
 * hash's element area and buckets) at memcpy speed, and its entries were
 * read from that copy after the stop: the same instant as the others.
 */
#define SXD_MAP_FLAT		0x40u

/*
 * How the maps were copied. In SXD_SNAP_STOPPED mode the maps flagged
 * SXD_MAP_SNAPSHOT were all copied within one stop_machine() call, into
 * memory reserved before it: they show one instant across all CPUs. The
 * others (kernel objects: program and map-in-map slots, stack traces,
 * struct_ops) were read live afterwards.
 */
enum sxd_snap_mode {
	SXD_SNAP_LIVE		= 0,	/* maps read one after the other */
	SXD_SNAP_STOPPED	= 1,	/* stop_machine() around the copy */
};

struct sxd_snapshot {
	struct sxd_rec rec;
	__u32	mode;			/* enum sxd_snap_mode */
	__s32	status;			/* 0, or why it fell back to live */
	__u64	held_ns;		/* the copy, every other CPU spinning */
	__u64	stop_ns;		/* the whole stop_machine() call */
	__u64	reserved_bytes;		/* dump space prepared for the copy */
	__u32	nr_maps;		/* maps copied in the stop */
	__u32	nr_cpus;		/* online CPUs held */
	__u64	budget_ns;		/* the longest the stop may hold CPUs */
	__u32	nr_maps_live;		/* planned for the stop, read live after */
	__u32	snap_flags;		/* SXD_SNAP_F_* */
	__u64	copied_bytes;		/* dump bytes written while CPUs were held */
	/* from here on, not in dumps of before (their record is 72 bytes) */
	__u64	flat_bytes;		/* kernel memory copied flat (SXD_MAP_FLAT) */
	__u64	plan_ns;		/* the hold the plan expected for its maps */
	__u32	nr_maps_flat;		/* of nr_maps, those copied flat */
	__u32	nr_maps_unplanned;	/* of nr_maps_live, those the plan left out */
	__u64	copy_ps_per_byte;	/* the flat copy's rate the plan used */
	/* from here on, not in dumps of before (their record is 104 bytes) */
	__u64	first_held_ns;		/* SXD_SNAP_F_REDONE: the first stop's hold */
};

#define SXD_SNAPSHOT_SIZE_V1	72	/* the record before flat copies */
#define SXD_SNAPSHOT_SIZE_V2	104	/* the record before stops done again */
#define SXD_SNAP_F_BUDGET	0x1u	/* the time budget ran out in the stop */
/*
 * The first stop ran out of the budget on a map the plan, at measured
 * rates, said fits: every map was copied again in a second stop, once
 * (held_ns and stop_ns are the second's)
 */
#define SXD_SNAP_F_REDONE	0x2u

/*
 * Something this kernel cannot give the dump (6.12 has no event counters,
 * say), found when the module loaded: the feature's name and why. Written
 * after the CAPTURE record, one per feature.
 */
struct sxd_absent {
	struct sxd_rec rec;
	__u32	feature_len;		/* followed by the feature's name */
	__u32	reason_len;		/* then by the reason */
};

/*
 * The scheduler's core state as the kernel saw it: per CPU, its runqueue
 * (struct rq, its scx part, its current task); every dispatch queue with
 * its tasks in queue order; every task on sched_ext. After a scheduler's
 * SCHED record. Followed, unpadded, by nr_cpus struct sxd_core_cpu,
 * nr_dsqs struct sxd_core_dsq, nr_queued struct sxd_core_task (the DSQs'
 * listed tasks, each DSQ's from its first, in queue order), nr_tasks
 * struct sxd_core_task (every task), then the CPU lists: per CPU
 * SXD_CORE_CPU_MASKS lists, then one per task (its allowed CPUs), each
 * mask_words __u64 words, bit n of word n / 64 for CPU n.
 */
enum sxd_core_when {
	SXD_CORE_BEFORE_BYPASS	= 1,	/* exit: the disable work, before bypass moves tasks */
	SXD_CORE_LIVE		= 2,	/* on demand: while the scheduler runs */
};

#define SXD_CORE_TRUNC_TASKS	0x01u	/* more tasks than core_max_tasks */
#define SXD_CORE_TRUNC_DSQS	0x02u	/* more DSQs than core_max_dsqs */
#define SXD_CORE_TRUNC_QUEUED	0x04u	/* more queued tasks than core_max_queued */
#define SXD_CORE_TRUNC_TIME	0x08u	/* core_budget_us ran out */
#define SXD_CORE_TRUNC_FAULT	0x10u	/* a read faulted: that part is left out */

/* Parts the kernel could not give (each also an SXD_REC_ABSENT). */
#define SXD_CORE_NO_TASKS	0x01u	/* no scx_tasks list */
#define SXD_CORE_NO_USER_DSQS	0x02u	/* no DSQ hash table */
#define SXD_CORE_NO_GLOBAL_DSQS	0x04u
#define SXD_CORE_NO_BYPASS_DSQS	0x08u	/* the kernel has no bypass DSQ */

struct sxd_core {
	struct sxd_rec rec;
	__u32	sched_index;
	__u32	when;			/* enum sxd_core_when */
	__u64	boottime_ns;		/* when it was read */
	__u64	jiffies;		/* jiffies then: runnable_at's ages */
	__u64	duration_ns;		/* the walk */
	__u32	hz;			/* HZ */
	__u32	nr_cpus;
	__u32	nr_dsqs;
	__u32	nr_queued;
	__u32	nr_tasks;
	__u32	mask_words;
	__u32	truncated;		/* SXD_CORE_TRUNC_* */
	__u32	missing;		/* SXD_CORE_NO_* */
	__u32	tasks_seen;		/* tasks on sched_ext walked */
	__u32	dsqs_seen;
	__u32	max_dsq_tasks;		/* the most tasks listed per DSQ */
	__u32	nr_faults;
	char	task_states[8][16];	/* scx_state's names, by number */
};

#define SXD_CORE_CPU_MASKS	4	/* cpus_to_kick, _kick_if_idle, _preempt, _wait */
#define SXD_CORE_MAX_MASK_WORDS	128	/* NR_CPUS is at most 8192 */
#define SXD_CORE_CPU_ONLINE	0x1u	/* rq->online */

/* The class a task's sched_class pointer names. */
enum sxd_sched_class {
	SXD_CLASS_OTHER		= 0,
	SXD_CLASS_STOP		= 1,
	SXD_CLASS_DL		= 2,
	SXD_CLASS_RT		= 3,
	SXD_CLASS_FAIR		= 4,
	SXD_CLASS_EXT		= 5,
	SXD_CLASS_IDLE		= 6,
};

struct sxd_core_cpu {
	__s32	cpu;
	__u32	flags;			/* SXD_CORE_CPU_* */
	__u32	nr_running;		/* rq->nr_running: every class */
	__u32	cfs_nr_running;		/* rq->cfs.h_nr_queued (h_nr_running) */
	__u32	rt_nr_running;		/* rq->rt.rt_nr_running */
	__u32	dl_nr_running;		/* rq->dl.dl_nr_running */
	__u32	scx_nr_running;		/* rq->scx.nr_running */
	__u32	scx_flags;		/* rq->scx.flags (SCX_RQ_*) */
	__u32	cpu_released;		/* rq->scx.cpu_released */
	__u32	local_dsq;		/* its local DSQ's index among the DSQs */
	__u64	ops_qseq;		/* rq->scx.ops_qseq */
	__s32	curr_pid;		/* rq->curr */
	__u32	curr_class;		/* enum sxd_sched_class */
	__u32	curr_policy;
	__s32	curr_prio;
	char	curr_comm[16];
};

enum sxd_dsq_kind {
	SXD_DSQ_LOCAL		= 1,	/* a CPU's rq->scx.local_dsq */
	SXD_DSQ_GLOBAL		= 2,	/* SCX_DSQ_GLOBAL, one per node */
	SXD_DSQ_BYPASS		= 3,	/* a CPU's bypass DSQ */
	SXD_DSQ_USER		= 4,	/* created by the scheduler */
};

#define SXD_DSQ_PRIQ		0x1u	/* vtime-ordered: its list is in vtime order */

struct sxd_core_dsq {
	__u64	id;			/* dsq->id */
	__u32	kind;			/* enum sxd_dsq_kind */
	__s32	cpu;			/* local, bypass: its CPU; global: its node; else -1 */
	__u32	nr;			/* dsq->nr: tasks queued */
	__u32	seq;			/* dsq->seq */
	__u32	first;			/* its first listed task among the queued */
	__u32	nr_listed;		/* how many are listed (the rest: nr - nr_listed) */
	__u32	flags;			/* SXD_DSQ_* */
	__u32	pad;
};

#define SXD_CORE_NO_DSQ		(~0ULL)	/* struct sxd_core_task.dsq_id: on none */

struct sxd_core_task {
	__s32	pid;
	__s32	tgid;
	char	comm[16];
	__u32	state;			/* __state (TASK_*) */
	__s32	cpu;			/* task_cpu() */
	__u32	scx_flags;		/* p->scx.flags (SCX_TASK_*) */
	__u32	scx_state;		/* its task state bits, a task_states index */
	__u32	ops_state;		/* p->scx.ops_state & SCX_OPSS_STATE_MASK */
	__u32	ops_qseq;		/* and the rest: the queueing sequence */
	__u64	dsq_id;			/* the DSQ it is on, or SXD_CORE_NO_DSQ */
	__u64	runnable_at;		/* p->scx.runnable_at, in jiffies */
	__u64	dsq_vtime;
	__u64	slice;			/* ns left */
	__u32	weight;
	__s32	prio;
	__u32	policy;
	__u32	class;			/* enum sxd_sched_class */
};

/*
 * More of each task listed in the SXD_REC_CORE record that precedes it
 * (the same sched_index and when), in that record's tasks[] order: what a
 * task is waiting for when it shows no DSQ (a direct dispatch pending),
 * what it ran, its parent.
 */
struct sxd_core_tasks {
	struct sxd_rec rec;
	__u32	sched_index;
	__u32	when;			/* enum sxd_core_when */
	__u32	nr_tasks;		/* the core record's */
	__u32	task_size;		/* sizeof(struct sxd_core_task_more) */
	__u64	clock_ns;		/* local_clock() when read: exec_start's clock */
};

struct sxd_core_task_more {
	__s32	pid;			/* the core record's task at this index */
	__s32	parent_tgid;		/* real_parent's tgid; -1: not read */
	__u64	ddsp_dsq_id;		/* p->scx.ddsp_dsq_id: SCX_DSQ_INVALID when none */
	__u64	ddsp_enq_flags;
	__u64	sum_exec_runtime;	/* ns it ran, in all */
	__u64	nvcsw;			/* voluntary switches */
	__u64	nivcsw;			/* involuntary switches */
	__u64	exec_start;		/* se.exec_start: rq clock_task ns when it last ran */
};

/*
 * The stall watch (module/stall.c). In a stall warning dump (trigger
 * SXD_TRIGGER_STALL_WARNING): the tasks that had waited past the
 * threshold, the oldest runnable task of each CPU that had. In an exit
 * dump of a scheduler instance that had a warning (SXD_STALL_PAIRED): that
 * warning's sequence number and time, and its tasks again.
 */
#define SXD_STALL_WARNING	0x01u	/* this dump is the warning */
#define SXD_STALL_PAIRED	0x02u	/* an exit dump after a warning */

struct sxd_stall {
	struct sxd_rec rec;
	__u32	flags;			/* SXD_STALL_* */
	__u32	warning_seq;		/* the warning dump's capture_seq */
	__u64	warning_boottime_ns;	/* CLOCK_BOOTTIME when it was taken */
	__u64	enable_seq;		/* the kernel's scx_enable_seq: which load */
	__u32	timeout_ms;		/* the scheduler's watchdog timeout */
	__u32	threshold_ms;		/* timeout * stall_warn_pct / 100 */
	__u32	nr_tasks;		/* followed by struct sxd_stall_task[] */
	__u32	nr_waiting;		/* CPUs past it; beyond nr_tasks: counted */
};

struct sxd_stall_task {
	__s32	pid;
	__s32	cpu;			/* whose runqueue it waited on */
	__u32	wait_ms;		/* runnable this long when seen */
	__u32	pad;
	char	comm[16];
};

/*
 * The flight recorder (module/timeline.c): with timeline_interval_ms set,
 * the root scheduler sampled every interval into a ring in module memory;
 * every dump of that scheduler load carries the ring's samples, oldest
 * first. The record: struct sxd_timeline, nr_events struct
 * sxd_tl_event (the counters' names, in sample order), nr_maps struct
 * sxd_tl_map (the maps asked for, timeline_maps), then nr_samples samples
 * of sample_size bytes each. A sample: struct sxd_tl_sample, __s64
 * events[nr_events], struct sxd_tl_cpu cpus[nr_cpus], struct sxd_tl_dsq
 * dsqs[max_dsqs] (the first nr_dsqs used), then per map struct
 * sxd_tl_map_val and map_bytes bytes (the first len used: whole values,
 * each elem_size apart).
 */
#define SXD_TL_NO_EVENTS	0x01u	/* the kernel keeps no event counters */
#define SXD_TL_NO_DSQS		0x02u	/* no user DSQs (their hash not found) */

struct sxd_timeline {
	struct sxd_rec rec;
	__u32	interval_ms;
	__u32	nr_samples;		/* samples in this record */
	__u64	enable_seq;		/* the kernel's scx_enable_seq: which load */
	__u64	nr_taken;		/* samples taken in the load: the rest overwritten */
	__u32	nr_events;
	__u32	nr_cpus;		/* CPU slots per sample (nr_cpu_ids) */
	__u32	max_dsqs;		/* DSQ slots per sample */
	__u32	nr_maps;
	__u32	map_bytes;		/* bytes per map per sample, a multiple of 8 */
	__u32	sample_size;
	__u32	flags;			/* SXD_TL_* */
	__u32	pad;
};

struct sxd_tl_event {
	char	name[56];		/* SCX_EV_*, from the kernel's BTF */
};

enum sxd_tl_map_status {
	SXD_TL_MAP_OK		= 0,
	SXD_TL_MAP_NOT_FOUND	= 1,	/* no map of the scheduler has the name */
	SXD_TL_MAP_UNSUPPORTED	= 2,	/* not an array: type says which */
	SXD_TL_MAP_GONE		= 3,	/* in a sample: the map was freed */
	SXD_TL_MAP_TOO_BIG	= 4,	/* a value larger than map_bytes */
};

struct sxd_tl_map {
	char	want[16];		/* the name asked for */
	char	name[16];		/* the map's own */
	__u32	id;			/* the kernel's map id; 0: none */
	__u32	type;			/* enum bpf_map_type */
	__u32	value_size;
	__u32	elem_size;		/* value_size rounded up to 8 */
	__u32	max_entries;
	__u32	status;			/* enum sxd_tl_map_status */
};

#define SXD_TL_S_LATE		0x01u	/* core_budget_us ran out: DSQs cut */
#define SXD_TL_S_DSQS		0x02u	/* more DSQs than timeline_max_dsqs */

struct sxd_tl_sample {
	__u64	seq;			/* 0, 1, ... within the load */
	__u64	boottime_ns;		/* CLOCK_BOOTTIME when taken */
	__u64	duration_ns;		/* what taking it cost */
	__u32	nr_cpus;		/* CPU slots used */
	__u32	nr_dsqs;		/* DSQ slots used */
	__u32	dsqs_seen;		/* DSQs found: beyond nr_dsqs counted */
	__u32	flags;			/* SXD_TL_S_* */
	__u32	nr_faults;		/* reads that faulted (left zero) */
	__u32	pad;
};

struct sxd_tl_cpu {
	__u32	nr_running;		/* rq->nr_running, every class */
	__u32	scx_nr_running;		/* rq->scx.nr_running */
	__u32	local_nr;		/* its local DSQ's depth */
	__u32	flags;			/* SXD_CORE_CPU_ONLINE */
};

struct sxd_tl_dsq {
	__u64	id;
	__u32	nr;			/* its depth */
	__u32	kind;			/* enum sxd_dsq_kind: GLOBAL or USER */
};

struct sxd_tl_map_val {
	__u32	status;			/* enum sxd_tl_map_status */
	__u32	len;			/* bytes that follow, of map_bytes */
};

/*
 * The event recorder (module/recorder.c): with events_per_cpu set, each
 * CPU keeps a ring of its last events_per_cpu events (scheduler core
 * tracepoints, the BPF scheduler's kfunc calls, sched_ext's own
 * tracepoints), and every dump of a scheduler load carries those of that
 * load. The record: struct sxd_events, nr_hooks struct sxd_ev_hook (what
 * was recorded from), nr_cpus struct sxd_ev_cpu, then nr_events struct
 * sxd_event: CPU by CPU in the order of the sxd_ev_cpu, each CPU's
 * oldest first (seq ascending).
 *
 * Times are local_clock() ns (per-CPU sched_clock, comparable across CPUs
 * to within its drift). The recorder numbers the root scheduler's loads
 * itself (a load's enable runs before scx_enable_seq counts it, and an
 * enable that fails is never counted): a record holds the events of
 * one. Recording stops for a load when its root scheduler's exit kind is
 * set: stop_ns is that moment, the failure, and
 * an SXD_EV_EXIT event says which kind.
 */
#define SXD_EV_F_STOPPED	0x01u	/* recording of this load stopped */
#define SXD_EV_F_LIVE		0x02u	/* read while still recording (on demand) */

struct sxd_events {
	struct sxd_rec rec;
	__u64	enable_seq;		/* the load: the kernel's scx_enable_seq */
	__u64	stop_ns;		/* local_clock() at the stop; 0: not stopped */
	__u64	capture_ns;		/* local_clock() when the rings were read */
	__u32	per_cpu;		/* ring slots per CPU (a power of 2) */
	__u32	nr_cpus;		/* sxd_ev_cpu that follow */
	__u32	nr_events;		/* sxd_event that follow, all CPUs */
	__u32	nr_hooks;		/* sxd_ev_hook that follow */
	__u32	flags;			/* SXD_EV_F_* */
	__s32	stop_kind;		/* exit kind that stopped it, or -1 */
	__u32	event_size;		/* sizeof(struct sxd_event) */
	__u32	load;			/* the recorder's load number: the events' */
};

enum sxd_ev_hook_kind {
	SXD_EV_HOOK_TRACEPOINT	= 1,
	SXD_EV_HOOK_KFUNC	= 2,	/* a function, entry (and exit: results) */
};

struct sxd_ev_hook {
	char	name[48];		/* the tracepoint or function */
	__u32	kind;			/* enum sxd_ev_hook_kind */
	__u32	type;			/* enum sxd_ev_type it records */
};

struct sxd_ev_cpu {
	__u32	cpu;
	__u32	nr;			/* its events in this record */
	__u64	written;		/* events it recorded since insmod: next seq */
	__u64	overwritten;		/* of this load, lost to the ring's size */
	__u64	other;			/* slots of another load: left out */
	__u64	torn;			/* slots being written when read: left out */
	__u64	after_stop;		/* not recorded: after the stop, as a load began */
};

/* struct sxd_event.type, and what each field holds */
enum sxd_ev_type {
	/* pid prev, arg next pid, a prev_state, b classes, c/d tgids */
	SXD_EV_SWITCH		= 1,
	/* pid, arg target CPU, a tgid, b class */
	SXD_EV_WAKEUP		= 2,
	SXD_EV_WAKEUP_NEW	= 3,
	/* pid, arg destination CPU, a tgid, b source CPU */
	SXD_EV_MIGRATE		= 4,
	/* pid, arg result, a DSQ id, b slice, c enq_flags (d vtime) */
	SXD_EV_INSERT		= 5,
	SXD_EV_INSERT_VTIME	= 6,
	/* pid -1, arg result, a DSQ id, c enq_flags */
	SXD_EV_MOVE_TO_LOCAL	= 7,
	/* pid, arg result, a DSQ id, c enq_flags */
	SXD_EV_MOVE		= 8,
	SXD_EV_MOVE_VTIME	= 9,
	/* arg CPU kicked, a flags */
	SXD_EV_KICK		= 10,
	/* pid, arg result, a slice or vtime */
	SXD_EV_SET_SLICE	= 11,
	SXD_EV_SET_VTIME	= 12,
	/* arg node (create), a DSQ id, b result (create: s32) */
	SXD_EV_DSQ_CREATE	= 13,
	SXD_EV_DSQ_DESTROY	= 14,
	/* pid current, b..d the calling program's name (24 bytes, NUL-padded) */
	SXD_EV_ERROR		= 15,	/* scx_bpf_error() */
	SXD_EV_BPF_EXIT		= 16,	/* scx_bpf_exit(): a exit code */
	/* a delta, b..d the counter's name without SCX_EV_ (24 bytes) */
	SXD_EV_SCX_EVENT	= 17,	/* tracepoint sched_ext_event */
	/* pid current, arg exit kind: the stop, recorded last */
	SXD_EV_EXIT		= 18,
};

/* struct sxd_event.b of a switch: enum sxd_sched_class of each side */
#define SXD_EV_SW_PREV_CLASS(b)	((__u32)(b) & 0xff)
#define SXD_EV_SW_NEXT_CLASS(b)	(((__u32)(b) >> 8) & 0xff)
#define SXD_EV_SW_PREEMPT	0x10000u

/* arg of the events that have a result */
#define SXD_EV_RES_FALSE	0u
#define SXD_EV_RES_TRUE		1u
#define SXD_EV_RES_VOID		2u	/* the function returns nothing */

struct sxd_event {
	__u64	ts;			/* local_clock() ns */
	__u64	seq;			/* its CPU's, from 0 at insmod */
	__u32	load;			/* the recorder's count of root loads */
	__u16	type;			/* enum sxd_ev_type */
	__u16	cpu;
	__s32	pid;			/* the task, or -1 */
	__u32	arg;
	__u64	a;
	__u64	b;
	__u64	c;
	__u64	d;
};

struct sxd_error {
	struct sxd_rec rec;
	__s32	err;			/* negative errno */
	__u32	msg_len;		/* followed by the message */
};

struct sxd_end {
	struct sxd_rec rec;
	__u64	duration_ns;		/* capture start to end */
	__u32	nr_maps;
	__u32	nr_errors;
	__u64	bytes_omitted;		/* bytes of records left out */
	__u64	records_omitted;
};

static inline __u32 sxd_align(__u32 n)
{
	return (n + SXD_ALIGN - 1) & ~(SXD_ALIGN - 1);
}

/*
 * One program of the scheduler as the kernel runs it: its translated
 * instructions (the verifier's output, 8 bytes each, as struct bpf_insn),
 * after nr_maps struct sxd_prog_map telling which maps the 64-bit
 * immediates name. Helper calls keep the kernel's form: the callee is
 * call_base + imm; the storage helpers' addresses are given.
 */
#define SXD_INSNS_CUT		1	/* fewer instructions than the program has */

struct sxd_prog_insns {
	struct sxd_rec rec;
	__u32	sched_index;
	__u32	prog_id;
	__u32	nr_insns;		/* written */
	__u32	len;			/* the program's */
	__u32	nr_maps;
	__u32	flags;			/* SXD_INSNS_* */
	char	name[16];
	__u64	call_base;		/* __bpf_call_base */
	__u64	fn_task_storage_get;	/* 0: not found */
	__u64	fn_cgrp_storage_get;
	__u64	fn_map_lookup_elem;
};

struct sxd_prog_map {
	__u64	map_addr;		/* the struct bpf_map */
	__u64	value_addr;		/* its values, for direct loads (arrays), or 0 */
	__u32	map_index;		/* in this dump, or SXD_NO_INDEX */
	__u32	value_size;
};

#endif /* SCXDUMP_FORMAT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve the layouts of the private kernel structures scxdump reads
 * (struct scx_sched or, on 6.12, sched_ext's statics, struct
 * sched_ext_ops, struct scx_exit_info, struct bpf_struct_ops_map, struct
 * btf) from the running kernel's own BTF, /sys/kernel/btf/vmlinux.
 * Nothing is hard-coded: a kernel whose BTF lacks a required field makes
 * insmod fail with a message naming the field.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include <linux/crc32.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/list_nulls.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "kbtf.h"
#include "ksyms.h"
#include "scxdump.h"

#define KLAYOUT_VMLINUX_BTF	"/sys/kernel/btf/vmlinux"
/* Debian's 7.3 vmlinux BTF is about 6 MiB; refuse anything absurd. */
#define KLAYOUT_VMLINUX_BTF_MAX	(256u << 20)

struct kernel_layout klayout;

struct klayout_field {
	const char *type;	/* struct name */
	const char *path;	/* member, dotted for nested members */
	u32 *off;
	u32 size;		/* expected size in bytes, 0: any */
	bool *found;		/* optional field: set when present */
	bool *group;		/* a family's fields: cleared when one is missing */
	const char **missing;	/* and where to say which one */
	const char *what;	/* what the family's absence leaves out */
	const char *feature;	/* and its name in dumps (SXD_REC_ABSENT) */
};

#define KLAYOUT_GROUP(g, w)	.group = &klayout.ok_##g, .missing = &klayout.missing_##g, .what = w
#define KLAYOUT_MAPS(g)		KLAYOUT_GROUP(g, "those maps are not captured")
/* the 7.x scheduler tree: 6.12 has one scheduler and no struct scx_sched */
#define KLAYOUT_SUB		KLAYOUT_GROUP(sub, "no sub-schedulers"), .feature = "sub_schedulers"
#define KLAYOUT_CORE		KLAYOUT_GROUP(core, "no CPUs, DSQs or tasks in dumps"), \
				.feature = "core_state"
#define KLAYOUT_EVENTS		KLAYOUT_GROUP(events, "no event counters in dumps"), \
				.feature = "event_counters"

static const struct klayout_field klayout_fields[] = {
	{ "scx_sched", "level", &klayout.sch_level, 4, &klayout.has_level },
	{ "scx_sched", "kobj", &klayout.sch_kobj, 0,
	  KLAYOUT_GROUP(request, "on-demand capture pins no struct scx_sched") },
	{ "scx_sched", "id", &klayout.sch_id, 8, KLAYOUT_SUB },
	{ "scx_sched", "cgrp", &klayout.sch_cgrp, 8, KLAYOUT_SUB },
	{ "scx_sched", "cgrp_path", &klayout.sch_cgrp_path, 8, KLAYOUT_SUB },
	{ "scx_sched", "ancestors", &klayout.sch_ancestors, 0, KLAYOUT_SUB },
	{ "scx_sched", "children", &klayout.sch_children, 16, KLAYOUT_SUB },
	{ "scx_sched", "sibling", &klayout.sch_sibling, 16, KLAYOUT_SUB },
	{ "scx_sched", "pcpu", &klayout.sch_pcpu, 8, KLAYOUT_EVENTS },
	{ "scx_sched_pcpu", "event_stats", &klayout.pcpu_events, 0, KLAYOUT_EVENTS },
	{ "sched_ext_ops", "name", &klayout.ops_name },
	{ "sched_ext_ops", "exit_dump_len", &klayout.ops_dump_len, 4 },
	{ "sched_ext_ops", "flags", &klayout.ops_flags, 8 },
	{ "sched_ext_ops", "timeout_ms", &klayout.ops_timeout, 4 },
	/* 7.x: the registered ops point back at their scheduler */
	{ "sched_ext_ops", "priv", &klayout.ops_priv, 8, .found = &klayout.has_ops_priv },
	{ "scx_exit_info", "kind", &klayout.ei_kind, 4 },
	{ "scx_exit_info", "exit_cpu", &klayout.ei_exit_cpu, 4, .found = &klayout.has_exit_cpu,
	  .feature = "exit_cpu" },
	{ "scx_exit_info", "exit_code", &klayout.ei_exit_code, 8 },
	{ "scx_exit_info", "reason", &klayout.ei_reason, 8 },
	{ "scx_exit_info", "bt", &klayout.ei_bt, 8 },
	{ "scx_exit_info", "bt_len", &klayout.ei_bt_len, 4 },
	{ "scx_exit_info", "msg", &klayout.ei_msg, 8 },
	{ "scx_exit_info", "dump", &klayout.ei_dump, 8 },
	{ "bpf_struct_ops_map", "st_ops_desc", &klayout.stmap_desc, 8 },
	{ "bpf_struct_ops_map", "kvalue.data", &klayout.stmap_kdata },
	{ "bpf_struct_ops_map", "links", &klayout.stmap_links, 8, KLAYOUT_MAPS(stmap) },
	{ "bpf_struct_ops_map", "funcs_cnt", &klayout.stmap_funcs_cnt, 4, KLAYOUT_MAPS(stmap) },
	{ "bpf_struct_ops_map", "uvalue", &klayout.stmap_uvalue, 8, KLAYOUT_MAPS(stmap) },
	{ "bpf_struct_ops_map", "kvalue", &klayout.stmap_kvalue, 0, KLAYOUT_MAPS(stmap) },
	{ "bpf_arena", "user_vm_start", &klayout.arena_user_vm_start, 8, KLAYOUT_MAPS(arena) },
	{ "bpf_arena", "user_vm_end", &klayout.arena_user_vm_end, 8, KLAYOUT_MAPS(arena) },
	{ "bpf_arena", "kern_vm", &klayout.arena_kern_vm, 8, KLAYOUT_MAPS(arena) },
	{ "bpf_arena", "scratch_page", &klayout.arena_scratch_page, 8,
	  .found = &klayout.has_arena_scratch },
	{ "bpf_ringbuf_map", "rb", &klayout.rbmap_rb, 8, KLAYOUT_MAPS(ringbuf) },
	{ "bpf_ringbuf", "mask", &klayout.rb_mask, 8, KLAYOUT_MAPS(ringbuf) },
	{ "bpf_ringbuf", "consumer_pos", &klayout.rb_consumer_pos, 8, KLAYOUT_MAPS(ringbuf) },
	{ "bpf_ringbuf", "producer_pos", &klayout.rb_producer_pos, 8, KLAYOUT_MAPS(ringbuf) },
	{ "bpf_ringbuf", "pending_pos", &klayout.rb_pending_pos, 8, KLAYOUT_MAPS(ringbuf) },
	{ "bpf_ringbuf", "data", &klayout.rb_data, 0, KLAYOUT_MAPS(ringbuf) },
	/* 7.x: BPF_F_RB_OVERWRITE rings keep where their oldest record is */
	{ "bpf_ringbuf", "overwrite_mode", &klayout.rb_overwrite_mode, 1,
	  .found = &klayout.has_rb_overwrite },
	{ "bpf_ringbuf", "overwrite_pos", &klayout.rb_overwrite_pos, 8,
	  .found = &klayout.has_rb_overwrite_pos },
	{ "bpf_stack_map", "n_buckets", &klayout.smap_n_buckets, 4, KLAYOUT_MAPS(stackmap) },
	{ "bpf_stack_map", "buckets", &klayout.smap_buckets, 0, KLAYOUT_MAPS(stackmap) },
	{ "stack_map_bucket", "hash", &klayout.sbucket_hash, 4, KLAYOUT_MAPS(stackmap) },
	{ "stack_map_bucket", "nr", &klayout.sbucket_nr, 4, KLAYOUT_MAPS(stackmap) },
	{ "stack_map_bucket", "data", &klayout.sbucket_data, 0, KLAYOUT_MAPS(stackmap) },
	{ "bpf_queue_stack", "head", &klayout.qs_head, 4, KLAYOUT_MAPS(queue) },
	{ "bpf_queue_stack", "tail", &klayout.qs_tail, 4, KLAYOUT_MAPS(queue) },
	{ "bpf_queue_stack", "size", &klayout.qs_size, 4, KLAYOUT_MAPS(queue) },
	{ "bpf_queue_stack", "elements", &klayout.qs_elements, 0, KLAYOUT_MAPS(queue) },
	{ "bpf_bloom_filter", "bitset_mask", &klayout.bloom_mask, 4, KLAYOUT_MAPS(bloom) },
	{ "bpf_bloom_filter", "hash_seed", &klayout.bloom_seed, 4, KLAYOUT_MAPS(bloom) },
	{ "bpf_bloom_filter", "nr_hash_funcs", &klayout.bloom_nr_hash, 4, KLAYOUT_MAPS(bloom) },
	{ "bpf_bloom_filter", "bitset", &klayout.bloom_bitset, 0, KLAYOUT_MAPS(bloom) },
	/*
	 * The core state (core.c): struct rq and its scx part
	 * (kernel/sched/sched.h); where a scheduler keeps its DSQs and
	 * per-CPU state (7.x: struct scx_sched; 6.12: ext.c's statics,
	 * found by core.c).
	 */
	{ "rq", "nr_running", &klayout.rq_nr_running, 4, KLAYOUT_CORE },
	{ "rq", "curr", &klayout.rq_curr, 8, KLAYOUT_CORE },
	{ "rq", "cpu", &klayout.rq_cpu, 4, KLAYOUT_CORE },
	{ "rq", "online", &klayout.rq_online, 4, KLAYOUT_CORE },
	{ "rq", "__lock", &klayout.rq_lock, 0, KLAYOUT_CORE },
	{ "rq", "scx.local_dsq", &klayout.rq_local_dsq, 0, KLAYOUT_CORE },
	{ "rq", "scx.nr_running", &klayout.rq_scx_nr_running, 4, KLAYOUT_CORE },
	{ "rq", "scx.flags", &klayout.rq_scx_flags, 4, KLAYOUT_CORE },
	{ "rq", "scx.cpu_released", &klayout.rq_cpu_released, 1, KLAYOUT_CORE },
	/* 6.12.0 counted queueing per CPU; later kernels (and 6.12's stable) per task */
	{ "rq", "scx.ops_qseq", &klayout.rq_ops_qseq, 8, .found = &klayout.has_rq_qseq },
	/* fair's count: h_nr_queued since 6.13 (and 6.12's stable backports) */
	{ "rq", "cfs.h_nr_queued", &klayout.rq_cfs_nr, 4, .found = &klayout.has_cfs_nr },
	{ "rq", "rt.rt_nr_running", &klayout.rq_rt_nr, 4, .found = &klayout.has_rt_nr },
	{ "rq", "dl.dl_nr_running", &klayout.rq_dl_nr, 4, .found = &klayout.has_dl_nr },
	/* core scheduling: the rq lock may be the core's (rq_lockp(), core.c) */
	{ "rq", "core_enabled", &klayout.rq_core_enabled, 4, .found = &klayout.has_rq_core },
	{ "rq", "core", &klayout.rq_core, 8, .found = &klayout.has_rq_core_ptr },
	/* the stall watch (stall.c): tasks in the order they became runnable */
	{ "rq", "scx.runnable_list", &klayout.rq_runnable_list, 0,
	  .found = &klayout.has_runnable_list, .feature = "stall_warning" },
	/* the kick masks: the rq's (6.12) or the scheduler's per CPU (7.x) */
	{ "rq", "scx.cpus_to_kick", &klayout.rq_kick[0], 0, .found = &klayout.kick_in_rq },
	{ "rq", "scx.cpus_to_kick_if_idle", &klayout.rq_kick[1], 0, .found = &klayout.kick_in_rq },
	{ "rq", "scx.cpus_to_preempt", &klayout.rq_kick[2], 0, .found = &klayout.kick_in_rq },
	{ "rq", "scx.cpus_to_wait", &klayout.rq_kick[3], 0, .found = &klayout.kick_in_rq },
	{ "scx_sched_pcpu", "cpus_to_kick", &klayout.pcpu_kick[0], 0,
	  .found = &klayout.kick_in_pcpu },
	{ "scx_sched_pcpu", "cpus_to_kick_if_idle", &klayout.pcpu_kick[1], 0,
	  .found = &klayout.kick_in_pcpu },
	{ "scx_sched_pcpu", "cpus_to_preempt", &klayout.pcpu_kick[2], 0,
	  .found = &klayout.kick_in_pcpu },
	{ "scx_sched_pcpu", "cpus_to_wait", &klayout.pcpu_kick[3], 0,
	  .found = &klayout.kick_in_pcpu },
	{ "scx_sched_pcpu", "bypass_dsq", &klayout.pcpu_bypass_dsq, 0,
	  .found = &klayout.has_bypass_dsq },
	{ "scx_sched", "pcpu", &klayout.sch_core_pcpu, 8, .found = &klayout.has_sch_pcpu },
	{ "scx_sched", "dsq_hash", &klayout.sch_dsq_hash, 0, .found = &klayout.has_sch_dsq_hash },
	{ "scx_sched", "pnode", &klayout.sch_pnode, 8, .found = &klayout.has_sch_pnode },
	{ "scx_sched_pnode", "global_dsq", &klayout.pnode_global_dsq, 0,
	  .found = &klayout.has_sch_pnode },
	/* 7.x: which scheduler a task is on, and the disable work's kthread */
	{ "sched_ext_entity", "sched", &klayout.see_sched, 8, .found = &klayout.has_task_sched },
	/* what the kernel's scx_tasks walkers read of an entry: core.c's cursor */
	{ "sched_ext_entity", "flags", &klayout.see_flags, 4, .found = &klayout.has_see_flags },
	{ "sched_ext_entity", "tasks_node", &klayout.see_tasks_node, 16,
	  .found = &klayout.has_see_tasks_node },
	{ "scx_sched", "helper", &klayout.sch_helper, 8, .found = &klayout.has_sch_helper },
	{ "scx_sched", "disable_work", &klayout.sch_disable_work, 0,
	  .found = &klayout.has_sch_helper },
	{ "btf", "data", &klayout.btf_data, 8 },
	{ "btf", "data_size", &klayout.btf_data_size, 4 },
	{ "btf", "id", &klayout.btf_id, 4 },
};

/* The running kernel's raw BTF, kvfree() it; an ERR_PTR on failure. */
static void *klayout_read_vmlinux_btf(size_t *size)
{
	struct file *f;
	loff_t pos = 0;
	size_t len;
	void *buf;
	ssize_t n;

	f = filp_open(KLAYOUT_VMLINUX_BTF, O_RDONLY, 0);
	if (IS_ERR(f))
		return f;
	len = i_size_read(file_inode(f));
	if (!len || len > KLAYOUT_VMLINUX_BTF_MAX) {
		buf = ERR_PTR(-EFBIG);
		goto out;
	}
	buf = sxd_alloc(kvmalloc(len, GFP_KERNEL));
	if (!buf) {
		buf = ERR_PTR(-ENOMEM);
		goto out;
	}
	/* kernel_read() may return less than asked; sysfs bin files do. */
	while (pos < len) {
		n = kernel_read(f, buf + pos, len - pos, &pos);
		if (n <= 0) {
			kvfree(buf);
			buf = ERR_PTR(n < 0 ? n : -EIO);
			goto out;
		}
	}
	*size = len;
out:
	filp_close(f, NULL);
	return buf;
}

/*
 * Fields come grouped by struct: look each struct up once, not once per
 * field (a lookup scans all of the kernel's ~130k types).
 */
struct klayout_struct_cache {
	const char *type;
	s32 id;
};

static s32 klayout_struct_id(const struct kbtf *b, struct klayout_struct_cache *c,
			     const char *type)
{
	if (!c->type || strcmp(c->type, type)) {
		c->type = type;
		c->id = kbtf_find(b, type, BTF_KIND_STRUCT);
	}
	return c->id;
}

/*
 * What this kernel cannot give dumps, and why: each dump says so.
 *
 * Written at load only (klayout_init(), then each piece's init, the hook's
 * last), one writer at a time; but the control file and the stall watch
 * exist before the hook is armed (main.c), so a capture may read the list
 * (capture_write_absent()) while an entry is added. An entry is filled
 * first and then published by the release store of nr_absent; a reader
 * takes nr_absent with an acquire load and reads only entries below it,
 * which are whole and never change again.
 */
static struct klayout_absent *klayout_absent_slot(void)
{
	u32 n = klayout.nr_absent;	/* the one writer's own */

	return n < KLAYOUT_MAX_ABSENT ? &klayout.absent[n] : NULL;
}

static void klayout_absent_publish(void)
{
	/* orders the entry's fill before the count: pairs with klayout_nr_absent() */
	smp_store_release(&klayout.nr_absent, klayout.nr_absent + 1);
}

/* How many entries are published, for a reader that may run during load. */
u32 klayout_nr_absent(void)
{
	/* pairs with klayout_absent_publish(): entries below are filled */
	return smp_load_acquire(&klayout.nr_absent);
}

static void klayout_absent(const struct klayout_field *f)
{
	struct klayout_absent *a = klayout_absent_slot();

	if (!f->feature || !a)
		return;
	a->feature = f->feature;
	snprintf(a->reason, sizeof(a->reason), "the kernel's BTF has no %s.%s", f->type,
		 f->path);
	klayout_absent_publish();
}

/* Something found missing after load, by the piece that needs it. */
void klayout_note_absent(const char *feature, const char *reason)
{
	struct klayout_absent *a = klayout_absent_slot();

	if (!a) {
		pr_err("%s: %s (not recorded in dumps: more than %d such notes)\n",
		       feature, reason, KLAYOUT_MAX_ABSENT);
		return;
	}
	a->feature = feature;
	strscpy(a->reason, reason, sizeof(a->reason));
	klayout_absent_publish();
}

static int klayout_resolve_field(const struct kbtf *b, struct klayout_struct_cache *c,
				 const struct klayout_field *f)
{
	u32 off, size;
	s32 id;
	int err;

	id = klayout_struct_id(b, c, f->type);
	err = id < 0 ? id : kbtf_member(b, id, f->path, &off, &size);
	if (!err && f->size && size != f->size)
		err = -EINVAL;
	if (err && f->group) {
		if (*f->group) {
			pr_warn("kernel BTF has no %s.%s: %s\n",
				f->type, f->path, f->what);
			*f->group = false;
			*f->missing = f->type;
			klayout_absent(f);
		}
		return 0;
	}
	if (err) {
		if (f->found) {
			klayout_absent(f);
			return 0;
		}
		pr_err("kernel BTF has no usable struct %s.%s (%d)\n",
		       f->type, f->path, err);
		return err;
	}
	*f->off = off;
	if (f->found)
		*f->found = true;
	if (f->off == &klayout.ops_name)
		klayout.ops_name_len = size;
	return 0;
}

/* Keep enum scx_exit_kind's names so dumps say "SCX_EXIT_ERROR_BPF". */
static void klayout_resolve_exit_kinds(const struct kbtf *b)
{
	s32 id = kbtf_find(b, "scx_exit_kind", BTF_KIND_ENUM);
	struct klayout_enum_name *e;
	const char *name;
	s64 val;
	u32 i;

	for (i = 0; id > 0 && i < KLAYOUT_MAX_EXIT_KINDS; i++) {
		if (kbtf_enum_get(b, id, i, &name, &val))
			break;
		e = &klayout.exit_kinds[i];
		e->val = val;
		strscpy(e->name, name, sizeof(e->name));
	}
	klayout.nr_exit_kinds = i;
}

/*
 * A cgroup kptr's path is read up its kernfs nodes' parent links: the
 * member is __parent since 6.15 (an RCU pointer), parent before. Without
 * it, cgroup kptrs keep their id, level and name.
 */
static void klayout_resolve_kn_parent(const struct kbtf *b)
{
	s32 kn = kbtf_find(b, "kernfs_node", BTF_KIND_STRUCT);
	u32 off, size;

	klayout.kn_parent = -1;
	if (kn > 0 && (!kbtf_member(b, kn, "__parent", &off, &size) ||
		       !kbtf_member(b, kn, "parent", &off, &size)) && size == sizeof(void *)) {
		klayout.kn_parent = off;
		return;
	}
	klayout_note_absent("cgroup_path",
			    "struct kernfs_node has no parent link in the kernel's BTF: cgroup kptrs without their path");
}

/*
 * The names of the task states in p->scx.flags' state bits, by number:
 * 6.12 numbers them 0.. (enum scx_task_state), 7.x shifts them into place
 * (enum scx_ent_flags) and has two more.
 */
static void klayout_resolve_task_states(const struct kbtf *b)
{
	static const char *const names[] = {
		"SCX_TASK_NONE", "SCX_TASK_INIT_BEGIN", "SCX_TASK_INIT", "SCX_TASK_READY",
		"SCX_TASK_ENABLED", "SCX_TASK_DEAD",
	};
	s64 val, shift;
	u32 i;

	if (kbtf_enum_value(b, "SCX_TASK_STATE_SHIFT", &shift))
		shift = 8;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (kbtf_enum_value(b, names[i], &val))
			continue;
		if (val >= (1ll << shift))
			val >>= shift;
		if (val >= 0 && val < KLAYOUT_MAX_TASK_STATES)
			strscpy(klayout.task_states[val], names[i] + strlen("SCX_TASK_"),
				sizeof(klayout.task_states[val]));
	}
}

/* The s64 counters of struct scx_event_stats, by name, as this kernel has them. */
static void klayout_resolve_events(const struct kbtf *b)
{
	s32 id = kbtf_find(b, "scx_event_stats", BTF_KIND_STRUCT);
	const char *name;
	u32 i, off;

	for (i = 0; id > 0 && i < KLAYOUT_MAX_EVENTS; i++) {
		if (kbtf_member_get(b, id, i, &name, &off))
			break;
		strscpy(klayout.events[i].name, name, sizeof(klayout.events[i].name));
		klayout.events[i].off = off;
	}
	klayout.nr_events = i;
}

const char *klayout_exit_kind_name(s64 kind)
{
	u32 i;

	for (i = 0; i < klayout.nr_exit_kinds; i++) {
		if (klayout.exit_kinds[i].val == kind)
			return klayout.exit_kinds[i].name;
	}
	return "";
}

/*
 * How many parameters the kernel function @name takes, from its BTF
 * prototype; 0 when the BTF does not say. One kernel difference read
 * here: bpf_percpu_hash_copy() took (map, key, value) up to 6.x and takes
 * a fourth, flags (BPF_F_CPU: one CPU's value), in 7.x.
 */
static u32 klayout_func_args(const struct kbtf *b, const char *name)
{
	s32 id = kbtf_find(b, name, BTF_KIND_FUNC);
	const struct btf_type *t = id > 0 ? kbtf_type(b, id) : NULL;

	t = t ? kbtf_type(b, t->type) : NULL;
	return t && btf_kind(t) == BTF_KIND_FUNC_PROTO ? btf_vlen(t) : 0;
}

/*
 * The functions and tracepoints the module traces, with the prototype it
 * assumes: the parameters it reads (each "bool", an integer of 32 or 64
 * bits, "ptr", or a struct passed by pointer) and what the function
 * returns. hook.c reads its functions' arguments from the registers and
 * calls the original with them; recorder.c reads the first parameters of
 * sched_ext's kfuncs (which may take more after them: the implicit
 * struct bpf_prog_aux *, "prefix") and their return values, and attaches
 * probes to tracepoints (whose BTF is the typedef btf_trace_NAME, a
 * pointer to the probe's prototype, void *data first). A kernel whose
 * function takes anything else is not hooked there. pahole leaves out of
 * the BTF a function whose calling convention the compiler changed (a
 * .isra or .constprop clone): one missing from the BTF is not hooked
 * either.
 */
#define KLAYOUT_MAX_ARGS	5

static const struct klayout_func {
	const char *name;
	const char *ret;		/* "void", "bool", "s32" */
	u32 nr;
	bool prefix;			/* more parameters may follow */
	const char *args[KLAYOUT_MAX_ARGS];
} klayout_funcs[KLAYOUT_NR_FUNCS] = {
	{ "drain_descendants", "void", 1, false, { "scx_sched" } },	/* 7.x */
	{ "scx_bypass", "void", 2, false, { "scx_sched", "bool" } },	/* 7.x */
	{ "scx_ops_bypass", "void", 1, false, { "bool" } },		/* 6.12 */
	/* recorder.c: 7.x's kfuncs */
	{ "scx_bpf_dsq_insert", "void", 4, true, { "task_struct", "u64", "u64", "u64" } },
	{ "scx_bpf_dsq_insert___v2", "bool", 4, true,
	  { "task_struct", "u64", "u64", "u64" } },
	{ "scx_bpf_dsq_insert_vtime", "void", 5, true,
	  { "task_struct", "u64", "u64", "u64", "u64" } },
	{ "__scx_bpf_dsq_insert_vtime", "bool", 2, true,
	  { "task_struct", "scx_bpf_dsq_insert_vtime_args" } },
	{ "scx_bpf_dsq_move_to_local", "bool", 1, true, { "u64" } },
	{ "scx_bpf_dsq_move_to_local___v2", "bool", 2, true, { "u64", "u64" } },
	{ "scx_bpf_dsq_move", "bool", 4, true,
	  { "bpf_iter_scx_dsq", "task_struct", "u64", "u64" } },
	{ "scx_bpf_dsq_move_vtime", "bool", 4, true,
	  { "bpf_iter_scx_dsq", "task_struct", "u64", "u64" } },
	{ "scx_bpf_task_set_slice", "bool", 2, true, { "task_struct", "u64" } },
	{ "scx_bpf_task_set_dsq_vtime", "bool", 2, true, { "task_struct", "u64" } },
	/* both */
	{ "scx_bpf_kick_cpu", "void", 2, true, { "s32", "u64" } },
	{ "scx_bpf_create_dsq", "s32", 2, true, { "u64", "s32" } },
	{ "scx_bpf_destroy_dsq", "void", 1, true, { "u64" } },
	{ "scx_bpf_error_bstr", "void", 0, true, { } },
	{ "scx_bpf_exit_bstr", "void", 1, true, { "s64" } },
	/* 6.12's names */
	{ "scx_bpf_dispatch", "void", 4, true, { "task_struct", "u64", "u64", "u64" } },
	{ "scx_bpf_dispatch_vtime", "void", 5, true,
	  { "task_struct", "u64", "u64", "u64", "u64" } },
	{ "scx_bpf_consume", "bool", 1, true, { "u64" } },
	{ "scx_bpf_dispatch_from_dsq", "bool", 4, true,
	  { "bpf_iter_scx_dsq", "task_struct", "u64", "u64" } },
	{ "scx_bpf_dispatch_vtime_from_dsq", "bool", 4, true,
	  { "bpf_iter_scx_dsq", "task_struct", "u64", "u64" } },
	/* recorder.c's tracepoints */
	{ "btf_trace_sched_switch", "void", 4, false,
	  { "bool", "task_struct", "task_struct", "u32" } },
	{ "btf_trace_sched_wakeup", "void", 1, false, { "task_struct" } },
	{ "btf_trace_sched_wakeup_new", "void", 1, false, { "task_struct" } },
	{ "btf_trace_sched_migrate_task", "void", 2, false, { "task_struct", "s32" } },
	{ "btf_trace_sched_ext_event", "void", 2, false, { "ptr", "s64" } },
	{ "btf_trace_sched_ext_exit", "void", 2, false, { "scx_sched", "u32" } },
};

static bool klayout_param_is(const struct kbtf *b, u32 type, const char *what)
{
	s32 id = kbtf_resolve(b, type);
	const struct btf_type *t = id > 0 ? kbtf_type(b, id) : NULL;

	if (!strcmp(what, "void"))
		return !type;
	if (!t)
		return false;
	if (!strcmp(what, "bool"))
		return btf_kind(t) == BTF_KIND_INT && t->size == 1 &&
		       (btf_int_encoding(t) & BTF_INT_BOOL);
	if (what[0] == 'u' || what[0] == 's')
		if (!strcmp(what + 1, "32") || !strcmp(what + 1, "64"))
			return btf_kind(t) == BTF_KIND_INT &&
			       t->size == (what[1] == '3' ? 4 : 8);
	if (btf_kind(t) != BTF_KIND_PTR)
		return false;
	if (!strcmp(what, "ptr"))
		return true;
	id = kbtf_resolve(b, t->type);
	t = id > 0 ? kbtf_type(b, id) : NULL;
	return t && btf_kind(t) == BTF_KIND_STRUCT && !strcmp(kbtf_name(b, t->name_off), what);
}

static int klayout_func_is(const struct kbtf *b, const struct klayout_func *f)
{
	bool tp = !strncmp(f->name, "btf_trace_", 10);
	s32 id = kbtf_find(b, f->name, tp ? BTF_KIND_TYPEDEF : BTF_KIND_FUNC);
	const struct btf_type *t = id > 0 ? kbtf_type(b, id) : NULL;
	const struct btf_param *p;
	u32 i, skip = tp ? 1 : 0;	/* a probe's void *data */

	if (!t)
		return -ENOENT;
	if (tp) {
		t = kbtf_type(b, t->type);
		if (!t || btf_kind(t) != BTF_KIND_PTR)
			return -EINVAL;
	}
	t = kbtf_type(b, t->type);
	if (!t || btf_kind(t) != BTF_KIND_FUNC_PROTO || !klayout_param_is(b, t->type, f->ret) ||
	    btf_vlen(t) < f->nr + skip || (!f->prefix && btf_vlen(t) != f->nr + skip))
		return -EINVAL;
	p = btf_params(t) + skip;
	for (i = 0; i < f->nr; i++) {
		if (!klayout_param_is(b, p[i].type, f->args[i]))
			return -EINVAL;
	}
	return 0;
}

int klayout_func_proto(const char *name)
{
	u32 i;

	for (i = 0; i < KLAYOUT_NR_FUNCS; i++) {
		if (!strcmp(klayout_funcs[i].name, name))
			return klayout.func_proto[i];
	}
	return -ENOENT;
}

/*
 * Where a scheduler's state lives, one kernel difference: 7.x has a
 * struct scx_sched per scheduler (sub-schedulers); 6.12 has one
 * scheduler, its copy of the ops, its exit kind and exit info in ext.c's
 * statics, found through kallsyms (main.c).
 */
static int klayout_resolve_sched(const struct kbtf *b)
{
	s32 id = kbtf_find(b, "scx_sched", BTF_KIND_STRUCT);
	u32 size;
	int err;

	if (id > 0) {
		err = kbtf_member(b, id, "exit_kind", &klayout.sch_exit_kind, &size) ?:
		      (size == 4 ? 0 : -EINVAL) ?:
		      kbtf_member(b, id, "exit_info", &klayout.sch_exit_info, &size) ?:
		      (size == 8 ? 0 : -EINVAL) ?:
		      kbtf_member(b, id, "ops", &klayout.sch_ops, &size);
		if (err)
			pr_err("kernel BTF has no usable struct scx_sched exit_kind, exit_info, ops (%d)\n",
			       err);
		return err;
	}
	if (ksyms.scx_ops && ksyms.scx_exit_kind && ksyms.scx_exit_info &&
	    ksyms.scx_ops_enable_state &&
	    !kbtf_enum_value(b, "SCX_OPS_DISABLED", &klayout.ops_disabled)) {
		klayout.sched_globals = true;
		return 0;
	}
	pr_err("the kernel has neither struct scx_sched (7.x) nor sched_ext's scx_ops, scx_exit_kind, scx_exit_info, scx_ops_enable_state_var and SCX_OPS_DISABLED (6.12, which needs CONFIG_KALLSYMS_ALL): is CONFIG_SCHED_CLASS_EXT on?\n");
	return -ENOENT;
}

/*
 * A preallocated hash's element area (bpf_htab.elems, elem_size bytes
 * each, and a spare per possible CPU where bpf_htab.extra_elems is set:
 * prealloc_init()), scanned in address order (maps/hashtab.c). A free
 * element's pcpu_freelist_node must not sit where a node's next pointer
 * is: pointers to the one are told from pointers to the other by their
 * offset in an element.
 */
static void klayout_resolve_htab_area(const struct kbtf *b, s32 htab, s32 elem)
{
	u32 size = 0, fnode = 0;

	if (!kbtf_member(b, htab, "elems", &klayout.htab_elems, &size) && size == 8 &&
	    !kbtf_member(b, htab, "elem_size", &klayout.htab_elem_size, &size) && size == 4 &&
	    !kbtf_member(b, htab, "extra_elems", &klayout.htab_extra_elems, &size) && size == 8 &&
	    !kbtf_member(b, elem, "fnode", &fnode, &size) &&
	    fnode != klayout.helem_node + offsetof(struct hlist_nulls_node, next)) {
		klayout.ok_htab_area = true;
		return;
	}
	klayout_note_absent("hash_area_scan",
			    "no bpf_htab element area layout in the kernel's BTF: preallocated hashes walked bucket by bucket");
}

/*
 * The hash maps' own layout (kernel/bpf/hashtab.c, private): the bucket
 * array, each bucket's nulls list head, where an element's list node and
 * key are. The bucket's type is the one bpf_htab.buckets points at (the
 * kernel has more than one struct called bucket). Without all of them,
 * hashes are walked key by key, as bpf(2) does, and dumps say so.
 */
static void klayout_resolve_htab(const struct kbtf *b)
{
	s32 htab = kbtf_find(b, "bpf_htab", BTF_KIND_STRUCT);
	s32 elem = kbtf_find(b, "htab_elem", BTF_KIND_STRUCT);
	const struct btf_type *t = NULL;
	u32 ptr = 0, size = 0;
	s32 bucket = -1, r;

	if (htab > 0 && !kbtf_member_type(b, htab, "buckets", &klayout.htab_buckets, &ptr)) {
		r = kbtf_resolve(b, ptr);
		t = r > 0 ? kbtf_type(b, r) : NULL;
	}
	if (t && btf_type_is_ptr(t))
		bucket = kbtf_resolve(b, t->type);
	if (bucket > 0 && elem > 0 &&
	    !kbtf_member(b, htab, "n_buckets", &klayout.htab_n_buckets, &size) && size == 4 &&
	    !kbtf_size(b, bucket, &klayout.htab_bucket_size) && klayout.htab_bucket_size &&
	    !kbtf_member(b, bucket, "head", &klayout.bucket_head, &size) && size == 8 &&
	    !kbtf_member(b, elem, "hash_node", &klayout.helem_node, &size) && size == 16 &&
	    !kbtf_member(b, elem, "key", &klayout.helem_key, &size) &&
	    IS_ALIGNED(klayout.helem_key, 8)) {
		klayout.ok_htab = true;
		klayout_resolve_htab_area(b, htab, elem);
		return;
	}
	pr_warn("kernel BTF has no bpf_htab bucket layout: hashes are walked key by key\n");
	klayout_note_absent("hash_bucket_walk",
			    "no bpf_htab bucket layout in the kernel's BTF: hashes walked key by key");
}

static int klayout_resolve(const struct kbtf *b)
{
	s32 ops_id;
	struct klayout_struct_cache cache = { };
	unsigned int i;
	int err;

	klayout.ok_arena = true;
	klayout.ok_ringbuf = true;
	klayout.ok_stackmap = true;
	klayout.ok_queue = true;
	klayout.ok_bloom = true;
	klayout.ok_stmap = true;
	klayout.ok_events = true;
	klayout.ok_request = true;
	klayout.ok_sub = true;
	klayout.ok_core = true;
	for (i = 0; i < ARRAY_SIZE(klayout_fields); i++) {
		err = klayout_resolve_field(b, &cache, &klayout_fields[i]);
		if (err)
			return err;
	}
	err = klayout_resolve_sched(b);
	if (err)
		return err;
	klayout_resolve_htab(b);
	ops_id = kbtf_find(b, "sched_ext_ops", BTF_KIND_STRUCT);
	err = ops_id < 0 ? ops_id : kbtf_size(b, ops_id, &klayout.ops_size);
	if (err) {
		pr_err("kernel BTF has no struct sched_ext_ops size (%d)\n", err);
		return err;
	}
	err = kbtf_enum_value(b, "SCX_EXIT_ERROR", &klayout.exit_error);
	if (err) {
		pr_err("kernel BTF has no enum value SCX_EXIT_ERROR\n");
		return err;
	}
	if (kbtf_enum_value(b, "SCX_EXIT_DONE", &klayout.exit_done)) {
		pr_err("kernel BTF has no enum value SCX_EXIT_DONE\n");
		return -ENOENT;
	}
	/* kernels without sub-schedulers have neither */
	if (kbtf_enum_value(b, "SCX_EXIT_PARENT", &klayout.exit_parent))
		klayout.exit_parent = -1;
	if (kbtf_enum_value(b, "SCX_EXIT_PARENT_KILL", &klayout.exit_parent_kill))
		klayout.exit_parent_kill = -1;
	klayout_resolve_exit_kinds(b);
	klayout_resolve_events(b);
	/* optional: cpumask kptrs in map values are then captured too */
	klayout.cpumask_type_id = kbtf_find(b, "bpf_cpumask", BTF_KIND_STRUCT);
	if (klayout.cpumask_type_id > 0) {
		u32 size;

		if (kbtf_member(b, klayout.cpumask_type_id, "cpumask", &klayout.cpumask_bits,
				&size))
			klayout.cpumask_type_id = -1;
	}
	/* optional: task and cgroup kptrs in map values are then identified */
	klayout.task_type_id = kbtf_find(b, "task_struct", BTF_KIND_STRUCT);
	klayout.cgroup_type_id = kbtf_find(b, "cgroup", BTF_KIND_STRUCT);
	klayout_resolve_kn_parent(b);
	klayout_resolve_task_states(b);
	if (kbtf_enum_value(b, "SCX_OPSS_STATE_MASK", &klayout.opss_state_mask) ||
	    kbtf_enum_value(b, "SCX_OPSS_QSEQ_SHIFT", &klayout.opss_qseq_shift)) {
		klayout.opss_state_mask = -1;	/* core.c: ops_state kept whole */
		klayout.opss_qseq_shift = 0;
	}
	klayout.percpu_copy_args = klayout_func_args(b, "bpf_percpu_hash_copy");
	for (i = 0; i < KLAYOUT_NR_FUNCS; i++)
		klayout.func_proto[i] = klayout_func_is(b, &klayout_funcs[i]);
	if (kbtf_enum_value(b, "BPF_F_CPU", &klayout.bpf_f_cpu))
		klayout.bpf_f_cpu = 0;
	if (kbtf_enum_value(b, "SCX_EXIT_MSG_LEN", &klayout.exit_msg_len))
		klayout.exit_msg_len = 1024;	/* its value since 6.12 */
	return 0;
}

/*
 * The kernel's BTF, which dumps embed for kernel-typed values. The
 * capture runs in a kthread whose root may not see /sys, so it is found
 * now: in place, where the kernel keeps it (__start_BTF, what sysfs
 * serves), or as the copy read from sysfs.
 */
static const void *klayout_vmlinux_btf;
static size_t klayout_vmlinux_btf_size;
static void *klayout_vmlinux_btf_copy;
static u32 klayout_vmlinux_btf_crc;

const void *klayout_kernel_btf(size_t *size, u32 *crc)
{
	*size = klayout_vmlinux_btf_size;
	if (crc)
		*crc = klayout_vmlinux_btf_crc;
	return klayout_vmlinux_btf;
}

static void klayout_keep_btf(void *data, size_t size)
{
	unsigned long start = ksym_addr("__start_BTF");
	unsigned long stop = ksym_addr("__stop_BTF");

	if (start && stop > start && stop - start == size &&
	    !memcmp((void *)start, data, min_t(size_t, size, 64))) {
		klayout_vmlinux_btf = (void *)start;
		kvfree(data);
	} else {
		klayout_vmlinux_btf = data;
		klayout_vmlinux_btf_copy = data;
	}
	klayout_vmlinux_btf_size = size;
	/* identifies this kernel's BTF for a decoder given it separately */
	klayout_vmlinux_btf_crc = ~crc32_le(~0u, klayout_vmlinux_btf, size);
}

void klayout_exit(void)
{
	kvfree(klayout_vmlinux_btf_copy);
	klayout_vmlinux_btf_copy = NULL;
	klayout_vmlinux_btf = NULL;
}

int klayout_init(void)
{
	struct kbtf b;
	size_t size;
	void *data;
	int err;

	data = klayout_read_vmlinux_btf(&size);
	if (IS_ERR(data)) {
		pr_err("cannot read %s (%ld); the kernel needs CONFIG_DEBUG_INFO_BTF\n",
		       KLAYOUT_VMLINUX_BTF, PTR_ERR(data));
		return PTR_ERR(data);
	}
	err = kbtf_parse(&b, data, size);
	if (err) {
		pr_err("cannot parse %s (%d)\n", KLAYOUT_VMLINUX_BTF, err);
		kvfree(data);
		return err;
	}
	err = klayout_resolve(&b);
	kbtf_free(&b);
	if (err)
		kvfree(data);
	else
		klayout_keep_btf(data, size);
	return err;
}

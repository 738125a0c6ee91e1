// SPDX-License-Identifier: GPL-2.0
/*
 * The module's parameters, all of them: each value, its default, the range
 * it takes and its description. A value out of range is refused with a
 * message giving the range, and the old value stays. The files that use a
 * parameter read it through params.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include "scxdump.h"

/* Like the kernel's bool parameters, but a refused value says why. */
static int opt_set_bool(const char *val, const struct kernel_param *kp)
{
	bool v;

	if (!val)
		val = "1";	/* "insmod scxdump.ko capture_all_exits" sets it */
	if (kstrtobool(val, &v)) {
		pr_err("%s must be Y or N (or 1/0, y/n), not '%.*s'\n", kp->name,
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	*(bool *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops opt_bool_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = opt_set_bool,
	.get = param_get_bool,
};

bool opt_capture_all_exits;
module_param_cb(capture_all_exits, &opt_bool_ops, &opt_capture_all_exits, 0644);
MODULE_PARM_DESC(capture_all_exits,
		 "Also capture normal exits (unregister, SysRq), not only errors (default: N)");

unsigned long opt_max_dump_bytes = 256ul << 20;
unsigned long opt_max_map_bytes = 64ul << 20;
unsigned long opt_keep_dumps = 8;
unsigned long opt_snapshot_budget_us = 5000;
unsigned long opt_max_maps = 65536;

/* A numeric parameter and the values it takes (0 too, if zero_is says what it means). */
struct opt_size {
	const char *name;
	unsigned long *val;
	unsigned long min, max;
	const char *zero_is;
};

/*
 * The dump is one kvmalloc() buffer, and kvmalloc() refuses (with a
 * warning, a panic under panic_on_warn) anything over INT_MAX.
 */
static const struct opt_size opt_max_dump = {
	"max_dump_bytes", &opt_max_dump_bytes, 64ul << 10, OPT_MAX_DUMP_LIMIT, NULL,
};

static const struct opt_size opt_max_map = {
	"max_map_bytes", &opt_max_map_bytes, PAGE_SIZE, ULONG_MAX, "no limit",
};

/* Each map listed costs a pointer and an xarray slot; a map left out, a slot. */
static const struct opt_size opt_max_maps_p = {
	"max_maps", &opt_max_maps, 16, OPT_MAX_MAPS_LIMIT, NULL,
};

static const struct opt_size opt_keep = {
	"keep_dumps", &opt_keep_dumps, 1, DUMPS_MAX_KEPT, NULL,
};

/* Far below the hard-lockup (10 s) and RCU-stall (21 s) detectors. */
static const struct opt_size opt_budget = {
	"snapshot_budget_us", &opt_snapshot_budget_us, 10, OPT_MAX_BUDGET_US, NULL,
};

/* Refuse, and say why, anything but a number in range: the old value stays. */
static int opt_set_size(const char *val, const struct kernel_param *kp)
{
	const struct opt_size *p = kp->arg;
	unsigned long v;

	if (kstrtoul(val, 0, &v) || (v && v < p->min) || v > p->max || (!v && !p->zero_is)) {
		pr_err("%s must be %s%s%sa number from %lu to %lu, not '%.*s'\n",
		       p->name, p->zero_is ? "0 (" : "", p->zero_is ?: "",
		       p->zero_is ? ") or " : "", p->min, p->max,
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	*p->val = v;
	return 0;
}

static int opt_get_size(char *buf, const struct kernel_param *kp)
{
	const struct opt_size *p = kp->arg;

	return sysfs_emit(buf, "%lu\n", *p->val);
}

static const struct kernel_param_ops opt_size_ops = {
	.set = opt_set_size,
	.get = opt_get_size,
};

module_param_cb(max_dump_bytes, &opt_size_ops, (void *)&opt_max_dump, 0644);
MODULE_PARM_DESC(max_dump_bytes,
		 "Largest dump in bytes; what does not fit is left out and recorded (default: 256 MiB)");
module_param_cb(max_map_bytes, &opt_size_ops, (void *)&opt_max_map, 0644);
MODULE_PARM_DESC(max_map_bytes,
		 "Largest capture of one map in bytes, 0 for none; the rest is left out and recorded (default: 64 MiB)");

module_param_cb(max_maps, &opt_size_ops, (void *)&opt_max_maps_p, 0644);
MODULE_PARM_DESC(max_maps,
		 "Most maps in one dump, the scheduler's own first, then inner maps of map-in-maps (16-1048576, default: 65536); the rest are counted and recorded");

module_param_cb(keep_dumps, &opt_size_ops, (void *)&opt_keep, 0644);
MODULE_PARM_DESC(keep_dumps,
		 "How many of the last dumps stay readable, each as dumps/<seq> in debugfs (1-64, default: 8)");

module_param_cb(snapshot_budget_us, &opt_size_ops, (void *)&opt_budget, 0644);
MODULE_PARM_DESC(snapshot_budget_us,
		 "Longest the consistent snapshot may hold the other CPUs, in microseconds (10-100000); maps not copied by then are read live (default: 5000)");

/*
 * The core state (core.c): its buffers are allocated at load, sized by
 * these; the per-DSQ listing and the time bound may change at run time.
 */
unsigned long opt_core_max_tasks = 8192;
unsigned long opt_core_max_dsqs = 1024;
unsigned long opt_core_max_queued = 8192;
unsigned long opt_core_dsq_tasks = 64;
unsigned long opt_core_budget_us = 50000;
unsigned long opt_core_exit_bufs = 8;

static const struct opt_size opt_core_tasks = {
	"core_max_tasks", &opt_core_max_tasks, 1, 1ul << 18, NULL,
};

static const struct opt_size opt_core_dsqs = {
	"core_max_dsqs", &opt_core_max_dsqs, 1, 1ul << 16, NULL,
};

static const struct opt_size opt_core_queued = {
	"core_max_queued", &opt_core_max_queued, 1, 1ul << 18, NULL,
};

static const struct opt_size opt_core_bufs = {
	"core_exit_bufs", &opt_core_exit_bufs, 1, TRIGGER_MAX_SCHEDS, NULL,
};

static const struct opt_size opt_core_dsq = {
	"core_dsq_tasks", &opt_core_dsq_tasks, 1, 1ul << 18, NULL,
};

static const struct opt_size opt_core_budget = {
	"core_budget_us", &opt_core_budget_us, 10, 1000000, NULL,
};

module_param_cb(core_max_tasks, &opt_size_ops, (void *)&opt_core_tasks, 0444);
MODULE_PARM_DESC(core_max_tasks,
		 "Most tasks on sched_ext a dump lists (load time; default 8192)");
module_param_cb(core_max_dsqs, &opt_size_ops, (void *)&opt_core_dsqs, 0444);
MODULE_PARM_DESC(core_max_dsqs, "Most dispatch queues a dump lists (load time; default 1024)");
module_param_cb(core_max_queued, &opt_size_ops, (void *)&opt_core_queued, 0444);
MODULE_PARM_DESC(core_max_queued,
		 "Most queued tasks a dump lists over all DSQs (load time; default 8192)");
module_param_cb(core_exit_bufs, &opt_size_ops, (void *)&opt_core_bufs, 0444);
MODULE_PARM_DESC(core_exit_bufs,
		 "Most schedulers disabling at once whose exit dumps have their core state, one buffer each sized by core_max_* (load time; 1-64, default 8)");
module_param_cb(core_dsq_tasks, &opt_size_ops, (void *)&opt_core_dsq, 0644);
MODULE_PARM_DESC(core_dsq_tasks, "Most queued tasks listed per DSQ (default 64)");
module_param_cb(core_budget_us, &opt_size_ops, (void *)&opt_core_budget, 0644);
MODULE_PARM_DESC(core_budget_us,
		 "Longest walk of the CPUs, DSQs and tasks, in microseconds (default 50000)");

/* The stall watch (stall.c) */
unsigned long opt_stall_warn_pct = 50;

static const struct opt_size opt_stall = {
	"stall_warn_pct", &opt_stall_warn_pct, 1, 99, "off",
};

module_param_cb(stall_warn_pct, &opt_size_ops, (void *)&opt_stall, 0644);
MODULE_PARM_DESC(stall_warn_pct,
		 "Capture the running schedulers once when a task has been runnable this percent of the watchdog timeout (0: off; default 50)");

/*
 * The flight recorder (timeline.c): its ring is allocated at load, sized
 * by these; an interval of 0 leaves it off.
 */
unsigned long opt_timeline_interval_ms;
unsigned long opt_timeline_samples = 64;
unsigned long opt_timeline_map_bytes = 4096;
unsigned long opt_timeline_max_dsqs = 64;
char opt_timeline_maps[TIMELINE_MAPS_LEN];

static const struct opt_size opt_tl_interval = {
	"timeline_interval_ms", &opt_timeline_interval_ms, 10, 60000, "off",
};

static const struct opt_size opt_tl_samples = {
	"timeline_samples", &opt_timeline_samples, 2, 4096, NULL,
};

static const struct opt_size opt_tl_map_bytes = {
	"timeline_map_bytes", &opt_timeline_map_bytes, 8, 65536, NULL,
};

static const struct opt_size opt_tl_dsqs = {
	"timeline_max_dsqs", &opt_timeline_max_dsqs, 1, 4096, "none",
};

module_param_cb(timeline_interval_ms, &opt_size_ops, (void *)&opt_tl_interval, 0444);
MODULE_PARM_DESC(timeline_interval_ms,
		 "Flight recorder: sample the root scheduler every this many ms, 10-60000 (load time; default 0: off)");
module_param_cb(timeline_samples, &opt_size_ops, (void *)&opt_tl_samples, 0444);
MODULE_PARM_DESC(timeline_samples,
		 "Flight recorder: the last this many samples are kept and go into every dump, 2-4096 (load time; default 64)");
module_param_cb(timeline_map_bytes, &opt_size_ops, (void *)&opt_tl_map_bytes, 0444);
MODULE_PARM_DESC(timeline_map_bytes,
		 "Flight recorder: bytes sampled per named map, whole values only, 8-65536 (load time; default 4096)");
module_param_cb(timeline_max_dsqs, &opt_size_ops, (void *)&opt_tl_dsqs, 0444);
MODULE_PARM_DESC(timeline_max_dsqs,
		 "Flight recorder: DSQ depths per sample, global then the scheduler's own, 0-4096; the rest counted (load time; default 64)");

/*
 * timeline_maps: up to TIMELINE_MAX_MAPS names, comma-separated, each a
 * map's name (BPF_OBJ_NAME_LEN - 1 characters at most) or, from its dot
 * on, the end of one (".bss" is "<object>.bss").
 */
static int opt_set_maps(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n"), i, name = 0, names = 0;

	for (i = 0; i <= len; i++) {
		char ch = i < len ? val[i] : ',';

		if (ch == ',') {
			if (!name && len)
				goto bad;
			names += name > 0;
			name = 0;
			continue;
		}
		if (!isalnum(ch) && ch != '_' && ch != '.')
			goto bad;
		if (++name > 15)
			goto bad;
	}
	if (names > TIMELINE_MAX_MAPS)
		goto bad;
	memcpy(opt_timeline_maps, val, len);
	opt_timeline_maps[len] = '\0';
	return 0;
bad:
	pr_err("timeline_maps must be at most %d map names, comma-separated, each of 1 to 15 letters, digits, '_' or '.', not '%.*s'\n",
	       TIMELINE_MAX_MAPS, (int)len, val);
	return -EINVAL;
}

static int opt_get_maps(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", opt_timeline_maps);
}

static const struct kernel_param_ops opt_maps_ops = {
	.set = opt_set_maps,
	.get = opt_get_maps,
};

module_param_cb(timeline_maps, &opt_maps_ops, NULL, 0444);
MODULE_PARM_DESC(timeline_maps,
		 "Flight recorder: the scheduler's array maps whose values each sample keeps, by name, comma-separated, e.g. .bss,stats (load time)");

bool opt_embed_kernel_btf = true;
module_param_cb(embed_kernel_btf, &opt_bool_ops, &opt_embed_kernel_btf, 0644);
MODULE_PARM_DESC(embed_kernel_btf,
		 "Embed the kernel's BTF when a value is kernel-typed (struct_ops), so dumps decode anywhere; N: decode with scxdump --vmlinux-btf (default: Y)");

bool opt_consistent_snapshot = true;
module_param_cb(consistent_snapshot, &opt_bool_ops, &opt_consistent_snapshot, 0644);
MODULE_PARM_DESC(consistent_snapshot,
		 "Copy the maps that hold plain data inside one stop_machine(), so they show one instant across all CPUs; N: read them one after the other while BPF programs run (default: Y)");

bool opt_snapshot_flat_copy = true;
module_param_cb(snapshot_flat_copy, &opt_bool_ops, &opt_snapshot_flat_copy, 0644);
MODULE_PARM_DESC(snapshot_flat_copy,
		 "In the stop, copy a preallocated hash's memory flat at memcpy speed and read its entries after it, where that is quicker than walking it there; N: walk every map in the stop (default: Y)");

/*
 * The event recorder (recorder.c): its rings are allocated at load, this
 * many events per possible CPU (rounded up to a power of two); 0 leaves
 * it off, with no probe attached.
 */
unsigned long opt_events_per_cpu = 1024;

static const struct opt_size opt_events = {
	"events_per_cpu", &opt_events_per_cpu, 16, 65536, "off",
};

module_param_cb(events_per_cpu, &opt_size_ops, (void *)&opt_events, 0444);
MODULE_PARM_DESC(events_per_cpu,
		 "Event recorder: the last this many scheduling events of each CPU go into every dump, 16-65536, rounded up to a power of 2 (load time; 0: off; default 1024)");

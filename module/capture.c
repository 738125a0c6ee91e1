// SPDX-License-Identifier: GPL-2.0
/*
 * One capture: the records of a dump in the order the decoder wants them
 * (docs/format.md): CAPTURE, SCHED, every BTF object once, then per map
 * MAP, its ENTRIES blocks and MAP_END, and END. Runs sleepable, in the
 * scheduler's helper kthread, while the scheduler is still registered.
 *
 * In consistent-snapshot mode the maps whose families can be copied
 * without sleeping (ops->stoppable) come first and are copied inside one
 * stop_machine(): every other CPU spins with interrupts off, so no BPF
 * program runs between the first map's copy and the last's (except those
 * run from NMIs, which stop_machine() does not hold). Their size is
 * counted first and the dump's room, the entry block and the key buffers
 * are allocated before the stop. The stop is bounded by time as well as
 * by room: smallest maps first, and once snapshot_budget_us is spent the
 * map being copied is undone and it and the rest are read live after it.
 *
 * Captures are serialised by sxd_capture_lock: sequence numbers are
 * handed out and dumps published in one order, whoever asks.
 */
#include <linux/bitops.h>
#include <linux/cgroup.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/cpumask.h>
#include <linux/filter.h>
#include <linux/u64_stats_sync.h>
#include <linux/uaccess.h>
#include <linux/kallsyms.h>
#include <linux/kobject.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stop_machine.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include "scxdump.h"

#define SXD_BLOCK_SIZE		(64u << 10)
#define SXD_REASON_MAX		256
/* sched_ext keeps at most SCX_EXIT_BT_LEN (64) frames. */
#define SXD_BT_MAX		64
#define SXD_BT_LINE		(KSYM_SYMBOL_LEN + 8)

/* Index: BPF map type -> family, as kernel/bpf's bpf_types.h does. */
static const struct sxd_map_ops *const sxd_map_ops_table[] = {
	[BPF_MAP_TYPE_ARRAY] = &sxd_array_ops,
	[BPF_MAP_TYPE_PERCPU_ARRAY] = &sxd_percpu_array_ops,
	[BPF_MAP_TYPE_HASH] = &sxd_hash_ops,
	[BPF_MAP_TYPE_LRU_HASH] = &sxd_lru_hash_ops,
	[BPF_MAP_TYPE_PERCPU_HASH] = &sxd_percpu_hash_ops,
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = &sxd_percpu_hash_ops,
	[BPF_MAP_TYPE_LPM_TRIE] = &sxd_lpm_trie_ops,
	[BPF_MAP_TYPE_QUEUE] = &sxd_queue_ops,
	[BPF_MAP_TYPE_STACK] = &sxd_queue_ops,
	[BPF_MAP_TYPE_BLOOM_FILTER] = &sxd_bloom_ops,
	[BPF_MAP_TYPE_RINGBUF] = &sxd_ringbuf_ops,
	[BPF_MAP_TYPE_USER_RINGBUF] = &sxd_ringbuf_ops,
	[BPF_MAP_TYPE_STACK_TRACE] = &sxd_stackmap_ops,
	[BPF_MAP_TYPE_PROG_ARRAY] = &sxd_fd_array_ops,
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = &sxd_fd_array_ops,
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = &sxd_fd_array_ops,
	[BPF_MAP_TYPE_CGROUP_ARRAY] = &sxd_fd_array_ops,
	[BPF_MAP_TYPE_HASH_OF_MAPS] = &sxd_hash_of_maps_ops,
	[BPF_MAP_TYPE_TASK_STORAGE] = &sxd_storage_ops,
	[BPF_MAP_TYPE_CGRP_STORAGE] = &sxd_storage_ops,
	[BPF_MAP_TYPE_INODE_STORAGE] = &sxd_storage_ops,
	[BPF_MAP_TYPE_SK_STORAGE] = &sxd_storage_ops,
	[BPF_MAP_TYPE_ARENA] = &sxd_arena_ops,
	[BPF_MAP_TYPE_STRUCT_OPS] = &sxd_struct_ops_ops,
};

static const struct sxd_map_ops *sxd_map_ops_of(const struct bpf_map *map)
{
	if (map->map_type < ARRAY_SIZE(sxd_map_ops_table))
		return sxd_map_ops_table[map->map_type];
	return NULL;
}

static bool sxd_stoppable(const struct bpf_map *map)
{
	const struct sxd_map_ops *ops = sxd_map_ops_of(map);

	return ops && ops->stoppable;
}

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

/* One capture at a time: dumps get their sequence and are published in order. */
static DEFINE_MUTEX(sxd_capture_lock);
static u32 sxd_capture_seq;

static void sxd_error(struct sxd_cap *c, int err, const char *fmt, ...)
{
	struct sxd_error e = { .err = err };
	char msg[SXD_REASON_MAX];
	struct sxd_iov iov[2];
	va_list ap;

	va_start(ap, fmt);
	e.msg_len = vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("scxdump: %s (%d)\n", msg, err);
	iov[0] = (struct sxd_iov){ &e, sizeof(e) };
	iov[1] = (struct sxd_iov){ msg, e.msg_len };
	sxw_record(&c->w, SXD_REC_ERROR, iov, 2);
	c->nr_errors++;
}

static int sxd_write_capture(struct sxd_cap *c, u32 trigger)
{
	struct sxd_capture r = {
		.realtime_ns = ktime_get_real_ns(),
		.boottime_ns = ktime_get_boottime_ns(),
		.trigger = trigger,
		.nr_cpu_slots = nr_cpu_ids,
		.nr_possible_cpus = num_possible_cpus(),
		.nr_online_cpus = num_online_cpus(),
		.page_size = PAGE_SIZE,
		.capture_seq = c->seq,
	};
	struct sxd_iov iov = { &r, sizeof(r) };
	size_t size;

	strscpy(r.kernel_release, utsname()->release, sizeof(r.kernel_release));
	strscpy(r.machine, utsname()->machine, sizeof(r.machine));
	strscpy(r.module_version, SXD_MODULE_VERSION, sizeof(r.module_version));
	r.kernel_btf_size = sxd_kernel_btf(&size, &r.kernel_btf_crc32) ? size : 0;
	return sxw_record(&c->w, SXD_REC_CAPTURE, &iov, 1);
}

/* A NUL-terminated kernel string of at most @max bytes, or "". */
static const char *sxd_str(const char *s, size_t max, u32 *len)
{
	*len = s ? strnlen(s, max) : 0;
	return s ? s : "";
}

/* @sch's parent (7.3 sub-schedulers), or NULL for a root. */
static void *sxd_parent(void *sch, s32 level)
{
	if (!sxd_l.ok_sub || !sxd_l.has_level || level <= 0 || level > SXD_MAX_LEVEL)
		return NULL;
	return ((void **)((u8 *)sch + sxd_l.sch_ancestors))[level - 1];
}

static s32 sxd_level(void *sch)
{
	return sxd_l.has_level ? *(s32 *)((u8 *)sch + sxd_l.sch_level) : 0;
}

/*
 * How @sch exits. Its exit_kind holds the kind from the claim until
 * scx_disable_workfn() swaps it for SCX_EXIT_DONE and writes the kind to
 * exit_info (kernel/sched/ext/ext.c): past that, which is where the hook
 * captures, exit_info has it.
 */
static s32 sxd_exit_kind(void *sch)
{
	s32 kind = atomic_read((atomic_t *)((u8 *)sch + sxd_l.sch_exit_kind));
	u8 *ei = *(u8 **)((u8 *)sch + sxd_l.sch_exit_info);

	if (kind == sxd_l.exit_done && ei)
		kind = READ_ONCE(*(s32 *)(ei + sxd_l.ei_kind));
	return kind;
}

/* sched_ext's saved backtrace as "symbol+off/size [module]" lines. */
static char *sxd_format_bt(const unsigned long *bt, u32 n, u32 *len)
{
	size_t cap = (size_t)n * SXD_BT_LINE + 1, off = 0;
	char *text;
	u32 i;

	*len = 0;
	if (!bt || !n)
		return NULL;
	text = kvmalloc(cap, GFP_KERNEL);
	if (!text)
		return NULL;
	for (i = 0; i < n; i++)
		off += scnprintf(text + off, cap - off, "%pS\n", (void *)bt[i]);
	*len = off;
	return text;
}

static int sxd_write_sched(struct sxd_cap *c, void *sch)
{
	u8 *ei = *(u8 **)((u8 *)sch + sxd_l.sch_exit_info);
	u32 dump_max = *(u32 *)((u8 *)sch + sxd_l.sch_ops_dump_len);
	struct sxd_sched r = { .exit_cpu = -1 };
	const char *reason = "", *msg = "", *dump = "";
	struct sxd_iov iov[5];
	char *bt = NULL;
	int err;

	r.level = max(sxd_level(sch), 0);
	r.exit_kind = sxd_exit_kind(sch);
	r.nr_maps = c->maps.nr;
	r.ops_flags = *(u64 *)((u8 *)sch + sxd_l.sch_ops_flags);
	r.timeout_ms = *(u32 *)((u8 *)sch + sxd_l.sch_ops_timeout);
	memcpy(r.name, (u8 *)sch + sxd_l.sch_ops_name,
	       min_t(u32, sxd_l.sch_ops_name_len, sizeof(r.name) - 1));
	strscpy(r.exit_kind_name, sxd_exit_kind_name(r.exit_kind),
		sizeof(r.exit_kind_name));
	if (ei) {
		u32 bt_len = min_t(u32, *(u32 *)(ei + sxd_l.ei_bt_len), SXD_BT_MAX);

		r.exit_code = *(s64 *)(ei + sxd_l.ei_exit_code);
		r.exit_cpu = *(s32 *)(ei + sxd_l.ei_exit_cpu);
		reason = sxd_str(*(char **)(ei + sxd_l.ei_reason), SXD_REASON_MAX,
				 &r.reason_len);
		msg = sxd_str(*(char **)(ei + sxd_l.ei_msg), sxd_l.exit_msg_len,
			      &r.msg_len);
		dump = sxd_str(*(char **)(ei + sxd_l.ei_dump), dump_max, &r.dump_len);
		bt = sxd_format_bt(*(unsigned long **)(ei + sxd_l.ei_bt), bt_len,
				   &r.bt_len);
		if (bt_len && *(unsigned long **)(ei + sxd_l.ei_bt) && !bt)
			sxd_error(c, -ENOMEM, "exit backtrace left out: out of memory");
	}
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ reason, r.reason_len };
	iov[2] = (struct sxd_iov){ msg, r.msg_len };
	iov[3] = (struct sxd_iov){ bt, r.bt_len };
	iov[4] = (struct sxd_iov){ dump, r.dump_len };
	err = sxw_record(&c->w, SXD_REC_SCHED, iov, ARRAY_SIZE(iov));
	kvfree(bt);
	return err;
}

/* Where @sch sits among sub-schedulers: id, cgroup, parent. */
static void sxd_write_sched_tree(struct sxd_cap *c, void *sch)
{
	struct sxd_sched_tree r = { };
	struct cgroup *cgrp;
	const char *path;
	struct sxd_iov iov[2];
	void *parent;

	if (!sxd_l.ok_sub)
		return;
	r.level = max(sxd_level(sch), 0);
	r.id = *(u64 *)((u8 *)sch + sxd_l.sch_id);
	cgrp = *(struct cgroup **)((u8 *)sch + sxd_l.sch_cgrp);
	if (cgrp)
		r.cgroup_id = cgroup_id(cgrp);
	path = sxd_str(*(char **)((u8 *)sch + sxd_l.sch_cgrp_path), PATH_MAX, &r.path_len);
	parent = sxd_parent(sch, r.level);
	if (parent) {
		r.parent_id = *(u64 *)((u8 *)parent + sxd_l.sch_id);
		memcpy(r.parent_name, (u8 *)parent + sxd_l.sch_ops_name,
		       min_t(u32, sxd_l.sch_ops_name_len, sizeof(r.parent_name) - 1));
	}
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ path, r.path_len };
	sxw_record(&c->w, SXD_REC_SCHED_TREE, iov, 2);
}

/* sched_ext's event counters of @sch, summed over every possible CPU. */
static void sxd_write_events(struct sxd_cap *c, void *sch)
{
	struct sxd_counters r = { .nr = sxd_l.nr_events };
	void __percpu *pcpu;
	struct sxd_counter *ev;
	struct sxd_iov iov[2];
	u32 i;
	int cpu;

	if (!sxd_l.ok_events || !sxd_l.nr_events)
		return;
	pcpu = *(void __percpu **)((u8 *)sch + sxd_l.sch_pcpu);
	if (!pcpu) {
		sxd_error(c, -ENOENT,
			  "event counters left out: the scheduler has no per-CPU state");
		return;
	}
	ev = kcalloc(sxd_l.nr_events, sizeof(*ev), GFP_KERNEL);
	if (!ev) {
		sxd_error(c, -ENOMEM, "event counters left out: out of memory");
		return;
	}
	for (i = 0; i < sxd_l.nr_events; i++) {
		strscpy(ev[i].name, sxd_l.events[i].name, sizeof(ev[i].name));
		for_each_possible_cpu(cpu)
			ev[i].value += READ_ONCE(*(s64 *)((u8 *)per_cpu_ptr(pcpu, cpu) +
							  sxd_l.pcpu_events + sxd_l.events[i].off));
	}
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ ev, r.nr * sizeof(*ev) };
	sxw_record(&c->w, SXD_REC_COUNTERS, iov, 2);
	kfree(ev);
}

struct sxd_stats_walk {
	struct sxd_prog_stat *st;
	u32 nr, cap;
};

/* bpf_struct_ops_for_each_prog() callback: one program's run-time stats. */
static int sxd_prog_stat(struct bpf_prog *prog, void *data)
{
	struct sxd_stats_walk *w = data;
	struct sxd_prog_stat *s;
	unsigned int start;
	int cpu;

	if (w->nr == w->cap)
		return 0;
	s = &w->st[w->nr++];
	s->id = prog->aux->id;
	strscpy(s->name, prog->aux->name, sizeof(s->name));
	for_each_possible_cpu(cpu) {
		const struct bpf_prog_stats *st = per_cpu_ptr(prog->stats, cpu);
		u64 cnt, nsecs, misses;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			cnt = u64_stats_read(&st->cnt);
			nsecs = u64_stats_read(&st->nsecs);
			misses = u64_stats_read(&st->misses);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		s->run_cnt += cnt;
		s->run_time_ns += nsecs;
		s->recursion_misses += misses;
	}
	return 0;
}

static void sxd_write_prog_stats(struct sxd_cap *c)
{
	struct sxd_stats_walk w = { .cap = 256 };
	struct sxd_prog_stats r = { };
	struct sxd_iov iov[2];

	if (!c->maps.ops_map)
		return;
	w.st = kcalloc(w.cap, sizeof(*w.st), GFP_KERNEL);
	if (!w.st) {
		sxd_error(c, -ENOMEM, "program statistics left out: out of memory");
		return;
	}
	bpf_struct_ops_for_each_prog((u8 *)c->maps.ops_map + sxd_l.stmap_kdata,
				     sxd_prog_stat, &w);
	r.nr = w.nr;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ w.st, w.nr * sizeof(*w.st) };
	sxw_record(&c->w, SXD_REC_PROG_STATS, iov, 2);
	kfree(w.st);
}

/* The dump-local index of @map's BTF, embedding it on first use. */
static u32 sxd_btf_index(struct sxd_cap *c, struct bpf_map *map)
{
	struct btf *btf = map->btf;
	struct sxd_btf r = { .kind = SXD_BTF_PROG };
	struct sxd_iov iov[2];
	struct btf **btfs;
	void *data;
	u32 i;

	if (!btf)
		return SXD_NO_INDEX;
	for (i = 0; i < c->nr_btfs; i++) {
		if (c->btfs[i] == btf)
			return i;
	}
	if (c->atomic)
		return SXD_NO_INDEX;	/* embedding allocates: failed before the stop */
	data = *(void **)((u8 *)btf + sxd_l.btf_data);
	r.size = *(u32 *)((u8 *)btf + sxd_l.btf_data_size);
	r.kernel_id = *(u32 *)((u8 *)btf + sxd_l.btf_id);
	r.btf_index = c->nr_btfs;
	if (!data || !r.size)
		return SXD_NO_INDEX;
	btfs = krealloc_array(c->btfs, c->nr_btfs + 1, sizeof(*btfs), GFP_KERNEL);
	if (!btfs) {
		sxd_error(c, -ENOMEM, "BTF %u of map %s left out: out of memory",
			  r.kernel_id, map->name);
		return SXD_NO_INDEX;
	}
	c->btfs = btfs;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ data, r.size };
	if (sxw_record(&c->w, SXD_REC_BTF, iov, 2)) {
		sxd_error(c, -ENOSPC, "BTF %u of map %s left out", r.kernel_id, map->name);
		return SXD_NO_INDEX;
	}
	c->btfs[c->nr_btfs] = btf;
	return c->nr_btfs++;
}

static void sxd_write_map(struct sxd_cap *c, struct bpf_map *map, u32 index,
			  u32 btf_index)
{
	struct sxd_map r = {
		.map_index = index,
		.id = map->id,
		.type = map->map_type,
		.key_size = map->key_size,
		.value_size = map->value_size,
		.max_entries = map->max_entries,
		.map_flags = map->map_flags,
		.map_extra = map->map_extra,
		.btf_index = btf_index,
		.btf_key_type_id = map->btf_key_type_id,
		.btf_value_type_id = map->btf_value_type_id,
		.btf_vmlinux_value_type_id = map->btf_vmlinux_value_type_id,
	};
	struct sxd_iov iov = { &r, sizeof(r) };

	memcpy(r.name, map->name, min(sizeof(r.name), sizeof(map->name)));
	r.name[sizeof(r.name) - 1] = '\0';
	sxw_record(&c->w, SXD_REC_MAP, &iov, 1);
}

/* The walk ends here, for @reason; the family counts what it did not reach. */
static void sxd_walk_truncate(struct sxd_map_ctx *mc, const char *reason)
{
	mc->flags |= SXD_MAP_TRUNCATED;
	mc->reason = reason;
	mc->stop = true;
}

static int sxd_entries_flush(struct sxd_map_ctx *mc)
{
	struct sxd_entries r = {
		.map_index = mc->map_index,
		.nr = mc->blk_nr,
		.key_size = mc->key_size,
		.value_size = mc->value_size,
		.nr_values = mc->nr_values,
		.flags = mc->entry_flags,
	};
	struct sxd_iov iov[2] = { { &r, sizeof(r) }, { mc->blk, mc->blk_len } };
	int err;

	if (!mc->blk_nr)
		return 0;
	err = sxw_record(mc->w, SXD_REC_ENTRIES, iov, 2);
	if (err) {
		mc->full = true;
		mc->nr_omitted += mc->blk_nr;
		sxd_walk_truncate(mc, !sxw_fits(mc->w, sizeof(r) + mc->blk_len) ?
				  "dump size limit (max_dump_bytes) reached" : mc->atomic ?
				  "the map grew past the room prepared for the snapshot" :
				  "the map grew past the room prepared while it was read");
	} else {
		mc->nr_entries += mc->blk_nr;
	}
	mc->blk_len = 0;
	mc->blk_nr = 0;
	return err;
}

/* Inside the stop: is its time budget spent? Then the walk ends. */
static bool sxd_past_deadline(struct sxd_map_ctx *mc)
{
	if (mc->atomic && mc->deadline_ns && local_clock() > mc->deadline_ns) {
		mc->over_budget = true;
		mc->stop = true;
	}
	return mc->stop;
}

/**
 * sxd_entry_slot() - room for the next entry of the map being captured
 * @mc: the map's capture
 *
 * The room is for one entry: the key, then nr_values values, each
 * 8-aligned (sxd_entry_value()); the family fills it and calls
 * sxd_entry_commit(). Never sleeps: a full block is flushed into the dump,
 * which allocates only when the writer is not fixed (outside the stop and
 * outside sxd_nosleep_begin()).
 *
 * Return: the slot, or NULL. NULL with mc->stop set means the walk must
 * end now (the map's or the dump's room is gone, or the stop's time
 * budget); the family then says what it did not reach with
 * sxd_walk_rest(). NULL without mc->stop happens only while counting: the
 * family counts the entry in mc->nr_omitted and goes on.
 */
u8 *sxd_entry_slot(struct sxd_map_ctx *mc)
{
	u8 *slot;

	if (sxd_past_deadline(mc))
		return NULL;
	if (mc->counting) {
		/* past what the limits let through, counting changes nothing */
		if (mc->nr_omitted >= mc->count_cap)
			mc->stop = true;
		return NULL;
	}
	if (mc->full || !mc->blk) {
		sxd_walk_truncate(mc, "dump size limit (max_dump_bytes) reached");
		return NULL;
	}
	if (sxd_max_map_bytes && mc->bytes + mc->entry_size > sxd_max_map_bytes) {
		sxd_walk_truncate(mc, "per-map size limit (max_map_bytes) reached");
		return NULL;
	}
	if (mc->blk_len + mc->entry_size > mc->blk_cap && sxd_entries_flush(mc))
		return NULL;
	slot = mc->blk + mc->blk_len;
	memset(slot, 0, mc->entry_size);
	return slot;
}

/* Entries the walk has met so far: written, waiting in the block, left out. */
u64 sxd_walk_seen(const struct sxd_map_ctx *mc)
{
	return mc->nr_entries + mc->blk_nr + mc->nr_omitted;
}

/**
 * sxd_walk_rest() - count what a stopped walk did not reach
 * @mc: the map's capture, whose walk ended with mc->stop
 * @rest: how many elements it did not reach
 * @how: 0 when @rest is exact, SXD_MAP_OMITTED_EST when it comes from an
 *	element count the kernel keeps, SXD_MAP_OMITTED_MORE when the kernel
 *	keeps none (then nr_omitted is a floor)
 *
 * Nothing to do when counting, or when the stop's budget ran out: that
 * map is captured again after the stop.
 */
void sxd_walk_rest(struct sxd_map_ctx *mc, u64 rest, u32 how)
{
	if (!mc->stop || mc->counting || mc->over_budget)
		return;
	mc->nr_omitted += rest;
	mc->flags |= how;
}

/**
 * sxd_walk_yield() - between two elements of a walk
 * @mc: the map's capture
 *
 * Outside the stop it lets the CPU go (not under RCU: call it between
 * RCU sections); inside, it checks the stop's time budget.
 *
 * Return: false when the walk must end (mc->stop).
 */
bool sxd_walk_yield(struct sxd_map_ctx *mc)
{
	if (!mc->atomic)
		cond_resched();
	return !sxd_past_deadline(mc);
}

/**
 * sxd_nosleep_begin() - prepare @n entries' room for a walk that cannot sleep
 * @mc: the map's capture
 * @n: the entries about to be copied under RCU
 *
 * The dump gets room for @n entries and their blocks' headers now, and
 * the writer is fixed, so that sxd_entry_slot() flushes full blocks into
 * that room without allocating. Inside the stop the room is there already.
 *
 * Return: the writer's previous fixed state, for sxd_nosleep_end().
 */
bool sxd_nosleep_begin(struct sxd_map_ctx *mc, u64 n)
{
	u64 per_blk = max_t(u64, 1, mc->blk_cap / max_t(size_t, mc->entry_size, 1));
	u64 room = n * mc->entry_size +
		   (div64_u64(n, per_blk) + 2) * sxd_align(sizeof(struct sxd_entries));

	if (!mc->w->fixed && !mc->counting)
		sxw_make_room(mc->w, room);	/* what does not fit is cut, counted */
	return sxw_fix(mc->w, true);
}

void sxd_nosleep_end(struct sxd_map_ctx *mc, bool fixed)
{
	sxw_fix(mc->w, fixed);
}

/* Is @f a kptr to the kernel's struct bpf_cpumask? */
static bool sxd_is_cpumask_kptr(const struct btf_field *f)
{
	return (f->type & (BPF_KPTR_REF | BPF_KPTR_UNREF)) && sxd_l.cpumask_type_id > 0 &&
	       f->kptr.btf_id == sxd_l.cpumask_type_id && f->kptr.btf &&
	       *(u32 *)((u8 *)f->kptr.btf + sxd_l.btf_id) == 1;	/* vmlinux */
}

/* Copy the bits of every cpumask kptr in @value. Never sleeps. */
static void sxd_value_kmems(struct sxd_map_ctx *mc, const u8 *value)
{
	const struct btf_record *rec = mc->map->record;
	u32 i, words = min_t(u32, BITS_TO_LONGS(nr_cpu_ids), SXD_KMEM_WORDS);
	struct sxd_kmems *k = mc->kmems;
	u64 ptr;

	for (i = 0; i < rec->cnt; i++) {
		const struct btf_field *f = &rec->fields[i];

		if (!sxd_is_cpumask_kptr(f) || f->offset + sizeof(ptr) > mc->map->value_size)
			continue;
		memcpy(&ptr, value + f->offset, sizeof(ptr));
		if (!ptr)
			continue;
		if (k->nr == SXD_MAX_KMEMS) {
			k->nr_over++;
			continue;
		}
		/* the mask may be freed under us: read it as the kernel reads user memory */
		if (copy_from_kernel_nofault(k->m[k->nr].bits,
					     (void *)(ptr + sxd_l.cpumask_bits), words * 8)) {
			k->nr_unreadable++;
			continue;
		}
		k->m[k->nr++].addr = ptr;
	}
}

void sxd_entry_commit(struct sxd_map_ctx *mc)
{
	u32 i;

	if (mc->kmems && !(mc->entry_flags & ~SXD_ENTRIES_OWNER)) {
		u8 *slot = mc->blk + mc->blk_len;

		for (i = 0; i < mc->nr_values; i++)
			sxd_value_kmems(mc, sxd_entry_value(mc, slot, i));
	}
	mc->bytes += mc->entry_size;
	mc->blk_len += mc->entry_size;
	mc->blk_nr++;
}

/* Facts about the map that are not entries (enum sxd_info_kind). */
int sxd_map_info(struct sxd_map_ctx *mc, u32 kind, const u64 *val, u32 nr_val,
		 const void *data, u32 len)
{
	struct sxd_map_info r = {
		.map_index = mc->map_index,
		.kind = kind,
		.data_len = len,
	};
	struct sxd_iov iov[2] = { { &r, sizeof(r) }, { data, len } };
	int err;

	if (mc->counting) {
		mc->est_bytes += sxd_align(sizeof(r) + len);
		return 0;
	}
	memcpy(r.val, val, min_t(size_t, nr_val, ARRAY_SIZE(r.val)) * sizeof(*val));
	err = sxw_record(mc->w, SXD_REC_MAP_INFO, iov, 2);
	if (err)
		sxd_walk_truncate(mc, "dump size limit (max_dump_bytes) reached");
	return err;
}

/*
 * Bytes one MAP_INFO blob of this map may take: under a record's size and
 * under max_map_bytes. A family cutting to it says so in @mc.
 */
u64 sxd_info_limit(struct sxd_map_ctx *mc, u64 want, const char *reason)
{
	u64 limit = SXD_REC_MAX_SIZE - 4096;

	if (sxd_max_map_bytes)
		limit = min_t(u64, limit, sxd_max_map_bytes);
	if (want <= limit)
		return want;
	mc->flags |= SXD_MAP_TRUNCATED;
	mc->reason = reason;
	mc->nr_omitted = want - limit;
	return limit;
}

/* The kernel's BTF lacks a field this family needs: say so, capture none. */
int sxd_missing_layout(struct sxd_map_ctx *mc, const char *type)
{
	mc->flags |= SXD_MAP_UNSUPPORTED;
	mc->reason = "the running kernel's BTF lacks a field of this map's private struct";
	pr_warn_once("scxdump: %s maps are not captured: no layout for struct %s\n",
		     mc->map->name, type ?: "?");
	return -EOPNOTSUPP;
}

/* Where value @i (a CPU for per-CPU maps) of the entry at @slot goes. */
void *sxd_entry_value(struct sxd_map_ctx *mc, u8 *slot, u32 i)
{
	return slot + sxd_align(mc->key_size) + (size_t)i * sxd_align(mc->value_size);
}

/* For per-CPU families: one value per possible CPU id. */
void sxd_map_percpu(struct sxd_map_ctx *mc)
{
	mc->nr_values = nr_cpu_ids;
}

static int sxd_map_ctx_init(struct sxd_map_ctx *mc, struct sxd_cap *c,
			    struct bpf_map *map, u32 index,
			    const struct sxd_map_ops *ops)
{
	u64 size;

	memset(mc, 0, sizeof(*mc));
	mc->w = &c->w;
	mc->maps = &c->maps;
	mc->map = map;
	mc->map_index = index;
	mc->key_size = map->key_size;
	mc->value_size = map->value_size;
	mc->nr_values = 1;
	if (ops && ops->init)
		ops->init(mc);
	size = sxd_align(mc->key_size) + (u64)mc->nr_values * sxd_align(mc->value_size);
	if (size + sizeof(struct sxd_entries) > SXD_REC_MAX_SIZE) {
		mc->status = -E2BIG;
		mc->reason = "one entry is larger than the largest record";
		return -E2BIG;
	}
	mc->entry_size = size;
	if (c->atomic) {
		mc->atomic = true;
		if (size > c->blk_cap) {	/* sized before the stop: never */
			mc->status = -E2BIG;
			mc->reason = "entry larger than the snapshot's entry block";
			return -E2BIG;
		}
		mc->blk = c->blk;
		mc->blk_cap = c->blk_cap;
		mc->keys = c->keys;
		mc->deadline_ns = c->deadline_ns;
		return 0;
	}
	mc->keys = kmalloc(2 * sxd_align(map->key_size) ?: 1, GFP_KERNEL);
	mc->blk_cap = max_t(size_t, SXD_BLOCK_SIZE, size);
	mc->blk = kvmalloc(mc->blk_cap, GFP_KERNEL);
	if (!mc->blk || !mc->keys) {
		mc->status = -ENOMEM;
		mc->reason = "out of memory for the entry block";
		return -ENOMEM;
	}
	return 0;
}

/* Free what sxd_map_ctx_init() allocated; the stop's buffers are not ours. */
static void sxd_map_ctx_free(struct sxd_map_ctx *mc)
{
	if (mc->atomic)
		return;
	kvfree(mc->kmems);
	kvfree(mc->blk);
	kfree(mc->keys);
}

static void sxd_write_map_end(struct sxd_map_ctx *mc)
{
	struct sxd_map_end r = {
		.map_index = mc->map_index,
		.status = -mc->status,
		.nr_entries = mc->nr_entries,
		.nr_omitted = mc->nr_omitted,
		.flags = mc->flags,
	};
	const char *reason = mc->reason ? mc->reason : "";
	struct sxd_iov iov[2];

	r.reason_len = strlen(reason);
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ reason, r.reason_len };
	sxw_record(mc->w, SXD_REC_MAP_END, iov, 2);
}

/* Does this map's value hold a cpumask kptr? */
static bool sxd_has_cpumask_kptr(const struct bpf_map *map)
{
	const struct btf_record *rec = map->record;
	u32 i;

	for (i = 0; !IS_ERR_OR_NULL(rec) && i < rec->cnt; i++) {
		if (sxd_is_cpumask_kptr(&rec->fields[i]))
			return true;
	}
	return false;
}

static void sxd_write_kmems(struct sxd_cap *c, struct bpf_map *map, struct sxd_kmems *k)
{
	u32 i, j, words = min_t(u32, BITS_TO_LONGS(nr_cpu_ids), SXD_KMEM_WORDS);
	struct sxd_kmem r = { .kind = SXD_KMEM_CPUMASK, .nr_bits = words * 64 };
	struct sxd_iov iov[2];

	if (k->nr_over)
		sxd_error(c, -E2BIG, "map %s: %u cpumask kptrs past the first %u not read",
			  map->name, k->nr_over, SXD_MAX_KMEMS);
	if (k->nr_unreadable)
		sxd_error(c, -EFAULT, "map %s: %u cpumask kptrs freed while read",
			  map->name, k->nr_unreadable);
	if (BITS_TO_LONGS(nr_cpu_ids) > SXD_KMEM_WORDS && k->nr)
		sxd_error(c, -E2BIG, "map %s: cpumask bits of CPUs past %u not read",
			  map->name, SXD_KMEM_WORDS * 64 - 1);

	for (i = 0; i < k->nr; i++) {
		for (j = 0; j < i && k->m[j].addr != k->m[i].addr; j++)
			;
		if (j < i)
			continue;	/* the same mask in another value */
		r.addr = k->m[i].addr;
		iov[0] = (struct sxd_iov){ &r, sizeof(r) };
		iov[1] = (struct sxd_iov){ k->m[i].bits, words * 8 };
		sxw_record(&c->w, SXD_REC_KMEM, iov, 2);
	}
}

static void sxd_capture_map(struct sxd_cap *c, struct bpf_map *map, u32 index)
{
	const struct sxd_map_ops *ops = NULL;
	struct sxd_map_ctx mc;

	sxd_write_map(c, map, index, sxd_btf_index(c, map));
	ops = sxd_map_ops_of(map);
	if (!sxd_map_ctx_init(&mc, c, map, index, ops)) {
		if (!ops) {
			mc.flags |= SXD_MAP_UNSUPPORTED;
			mc.reason = "this map type is not captured by this scxdump version";
		} else {
			if (sxd_has_cpumask_kptr(map) && c->atomic) {
				mc.kmems = c->kmems;
				memset(mc.kmems, 0, offsetof(struct sxd_kmems, m));
			} else if (sxd_has_cpumask_kptr(map)) {
				mc.kmems = kvzalloc_obj(*mc.kmems, GFP_KERNEL);
				if (!mc.kmems)
					sxd_error(c, -ENOMEM,
						  "map %s: cpumask bits left out: out of memory",
						  map->name);
			}
			mc.status = ops->capture(&mc);
			if (mc.over_budget) {
				/* undone by the caller, captured again after the stop */
				c->over_budget = true;
				sxd_map_ctx_free(&mc);
				return;
			}
			if (!mc.full)
				sxd_entries_flush(&mc);
		}
	}
	if (mc.kmems)
		sxd_write_kmems(c, map, mc.kmems);
	if (c->atomic)
		mc.flags |= SXD_MAP_SNAPSHOT;
	sxd_write_map_end(&mc);
	sxd_map_ctx_free(&mc);
}

/*
 * The bytes @map's capture will take, from a walk that copies nothing:
 * its entries, its MAP_INFO blobs and the records around them. Also
 * raises @entry_size to the size of one of its entries. The walk counts
 * no further than the limits let a capture go.
 */
static u64 sxd_map_estimate(struct sxd_cap *c, struct bpf_map *map, u32 index,
			    size_t *entry_size)
{
	const struct sxd_map_ops *ops = sxd_map_ops_of(map);
	u64 bytes = 4096, per_blk, limit = c->w.limit;
	struct sxd_map_ctx mc;

	if (sxd_max_map_bytes)
		limit = min_t(u64, limit, sxd_max_map_bytes);
	if (!sxd_map_ctx_init(&mc, c, map, index, ops)) {
		/* the block shared in the stop must hold this map's entries */
		*entry_size = max(*entry_size, mc.entry_size);
		mc.counting = true;
		mc.count_cap = div64_u64(limit, max_t(u64, mc.entry_size, 1)) + 1;
		ops->capture(&mc);
		/* entries of no size (ring buffers, bloom filters) are none */
		per_blk = mc.entry_size ? max_t(u64, 1, mc.blk_cap / mc.entry_size) : 1;
		bytes += mc.nr_omitted * mc.entry_size + mc.est_bytes +
			 (div64_u64(mc.nr_omitted, per_blk) + 1) *
			 sxd_align(sizeof(struct sxd_entries));
		/* no overflow: bytes - 4096 is below what a map can hold */
		if (bytes - 4096 > limit)
			bytes = limit + 4096;
		if (sxd_has_cpumask_kptr(map))
			bytes += SXD_MAX_KMEMS * sxd_align(sizeof(struct sxd_kmem) +
							   SXD_KMEM_WORDS * 8);
	}
	sxd_map_ctx_free(&mc);
	return bytes;
}

/*
 * Values typed by the kernel's BTF (struct_ops) need it to decode on
 * another machine: embed it once, when some map refers to it.
 */
static void sxd_embed_vmlinux_btf(struct sxd_cap *c)
{
	struct sxd_btf r = { .kind = SXD_BTF_VMLINUX, .kernel_id = 1 };
	struct sxd_iov iov[2];
	struct btf **btfs;
	const void *data;
	size_t size;
	u32 i;

	for (i = 0; i < c->maps.nr; i++) {
		if (c->maps.maps[i]->btf_vmlinux_value_type_id)
			break;
	}
	if (i == c->maps.nr || !sxd_embed_kernel_btf)
		return;
	data = sxd_kernel_btf(&size, NULL);
	if (!data) {
		sxd_error(c, -ENOENT, "the kernel's BTF is not at hand");
		return;
	}
	r.btf_index = c->nr_btfs;
	r.size = size;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ data, size };
	btfs = krealloc_array(c->btfs, c->nr_btfs + 1, sizeof(*btfs), GFP_KERNEL);
	if (!btfs) {
		sxd_error(c, -ENOMEM, "kernel BTF (%zu bytes) left out: out of memory", size);
		return;
	}
	c->btfs = btfs;
	if (sxw_record(&c->w, SXD_REC_BTF, iov, 2)) {
		sxd_error(c, -ENOSPC, "kernel BTF (%zu bytes) left out", size);
	} else {
		/* no struct btf of ours: never matched by sxd_btf_index() */
		c->btfs[c->nr_btfs++] = NULL;
	}
}

/*
 * Stoppable maps first, in discovery order otherwise: they are the ones
 * the stop copies, and map indices follow the order of capture.
 */
static void sxd_maps_partition(struct sxd_cap *c)
{
	struct bpf_map **m = c->maps.maps, *map;
	u32 i, j, n = 0;

	for (i = 0; i < c->maps.nr; i++) {
		if (!sxd_stoppable(m[i]))
			continue;
		map = m[i];
		for (j = i; j > n; j--)
			m[j] = m[j - 1];
		m[n++] = map;
	}
	c->nr_stoppable = n;
}

struct sxd_sized_map {
	struct bpf_map *map;
	u64 bytes;
	u32 order;		/* discovery order, to break ties */
};

static int sxd_sized_cmp(const void *a, const void *b)
{
	const struct sxd_sized_map *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Copy the stoppable maps, smallest first, until all are copied or the
 * time budget is spent. The map being copied then is undone: the writer
 * goes back to where that map began (it never reallocates in the stop),
 * and that map and the rest are read live after the stop.
 */
static int sxd_snapshot_fn(void *data)
{
	struct sxd_cap *c = data;
	u64 t0 = local_clock();
	struct sxd_writer mark;
	u32 i;

	c->deadline_ns = t0 + sxd_snapshot_budget_us * NSEC_PER_USEC;
	for (i = 0; i < c->nr_stoppable; i++) {
		mark = c->w;
		sxd_capture_map(c, c->maps.maps[i], i);
		if (c->over_budget) {
			c->w = mark;
			break;
		}
	}
	c->nr_copied = i;
	c->held_ns = local_clock() - t0;
	return 0;
}

/*
 * Allocate, before the stop, all that the copy inside it will use, and
 * order the stoppable maps smallest first, so that a budget too short
 * for every map still holds the most maps at one instant.
 */
static int sxd_snapshot_prepare(struct sxd_cap *c, u64 *room)
{
	size_t entry = SXD_BLOCK_SIZE;
	struct sxd_sized_map *sized;
	bool kmems = false;
	u32 i, key = 1;
	struct bpf_map *map;

	*room = 0;
	sized = kvcalloc(c->nr_stoppable, sizeof(*sized), GFP_KERNEL);
	if (!sized)
		return -ENOMEM;
	for (i = 0; i < c->nr_stoppable; i++) {
		map = c->maps.maps[i];
		sized[i].map = map;
		sized[i].order = i;
		sized[i].bytes = sxd_map_estimate(c, map, i, &entry);
		*room = size_add(*room, sized[i].bytes);
		key = max(key, map->key_size);
		kmems |= sxd_has_cpumask_kptr(map);
		cond_resched();
	}
	sort(sized, c->nr_stoppable, sizeof(*sized), sxd_sized_cmp, NULL);
	for (i = 0; i < c->nr_stoppable; i++) {
		c->maps.maps[i] = sized[i].map;
		sxd_btf_index(c, sized[i].map);	/* BTF records now, not in the stop */
	}
	kvfree(sized);
	/* what the maps may gain between the count and the stop */
	*room = size_add(*room, *room / 4 + (256u << 10));
	c->blk_cap = entry;
	c->blk = kvmalloc(c->blk_cap, GFP_KERNEL);
	c->keys = kmalloc(2 * sxd_align(key), GFP_KERNEL);
	c->kmems = kmems ? kvzalloc(sizeof(*c->kmems), GFP_KERNEL) : NULL;
	if (!c->blk || !c->keys || (kmems && !c->kmems))
		return -ENOMEM;
	return sxw_prealloc(&c->w, *room);
}

static void sxd_snapshot_release(struct sxd_cap *c)
{
	kvfree(c->blk);
	kfree(c->keys);
	kvfree(c->kmems);
	c->blk = NULL;
	c->keys = NULL;
	c->kmems = NULL;
}

/*
 * Copy the stoppable maps inside one stop_machine(). Returns how many
 * maps were captured; the caller captures the rest live (the SNAPSHOT
 * record says which happened and why).
 */
static u32 sxd_snapshot(struct sxd_cap *c)
{
	struct sxd_snapshot r = { .mode = SXD_SNAP_LIVE };
	struct sxd_iov iov = { &r, sizeof(r) };
	u64 room, t0;
	int err;

	r.budget_ns = sxd_snapshot_budget_us * NSEC_PER_USEC;
	if (!sxd_consistent_snapshot || !c->nr_stoppable)
		goto out;
	err = sxd_snapshot_prepare(c, &room);
	r.reserved_bytes = room;
	if (err) {
		r.status = err;
		sxd_error(c, err, "no memory for the consistent snapshot (%llu bytes)", room);
		goto out;
	}
	r.nr_cpus = num_online_cpus();
	sxw_fix(&c->w, true);
	c->atomic = true;
	t0 = ktime_get_ns();
	err = stop_machine(sxd_snapshot_fn, c, NULL);
	r.stop_ns = ktime_get_ns() - t0;
	c->atomic = false;
	sxw_fix(&c->w, false);
	if (err) {
		r.status = err;
		sxd_error(c, err, "stop_machine failed; maps read live");
		goto out;
	}
	r.mode = SXD_SNAP_STOPPED;
	r.held_ns = c->held_ns;
	r.nr_maps = c->nr_copied;
	r.nr_maps_live = c->nr_stoppable - c->nr_copied;
	if (c->over_budget)
		r.snap_flags |= SXD_SNAP_F_BUDGET;
out:
	sxd_snapshot_release(c);
	sxw_record(&c->w, SXD_REC_SNAPSHOT, &iov, 1);
	return r.mode == SXD_SNAP_STOPPED ? r.nr_maps : 0;
}

static void sxd_capture_maps(struct sxd_cap *c)
{
	u32 i;

	sxd_embed_vmlinux_btf(c);
	sxd_maps_partition(c);
	/* c->maps.nr grows as map-in-maps add their inner maps */
	for (i = sxd_snapshot(c); i < c->maps.nr; i++) {
		sxd_capture_map(c, c->maps.maps[i], i);
		cond_resched();
	}
	if (c->maps.overflow)
		sxd_error(c, -E2BIG, "more than %u maps; the rest were left out",
			  SXD_MAX_MAPS);
	if (c->maps.prog_btfs_overflow)
		sxd_error(c, -E2BIG,
			  "programs from more than %u BTF objects: maps only those objects hold were not sought",
			  SXD_MAX_PROG_BTFS);
}

static int sxd_capture_finish(struct sxd_cap *c)
{
	struct sxd_end end = {
		.nr_maps = c->maps.nr,
		.nr_errors = c->nr_errors,
	};
	struct sxd_dump *d;
	int err;

	end.duration_ns = ktime_get_ns() - c->t0;
	err = sxw_finish(&c->w, &end);
	if (err) {
		sxd_note_failure(err, "finishing the dump");
		return err;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		sxd_note_failure(-ENOMEM, "publishing the dump");
		return -ENOMEM;
	}
	kref_init(&d->ref);
	d->seq = c->seq;
	d->buf = sxw_detach(&c->w, &d->len);
	sxd_publish(d);
	pr_info("scxdump: captured dump %u: %zu bytes, %u maps, %llu us\n",
		d->seq, d->len, c->maps.nr, div_u64(end.duration_ns, 1000));
	return 0;
}

/* Capture the scheduler @sch (a struct scx_sched, pinned by the caller). */
static int sxd_capture(void *sch, u32 trigger)
{
	struct sxd_cap c = { };
	int err;

	lockdep_assert_held(&sxd_capture_lock);
	c.t0 = ktime_get_ns();
	c.seq = ++sxd_capture_seq;
	err = sxw_init(&c.w, sxd_max_dump_bytes);
	if (err) {
		sxd_note_failure(err, "allocating the dump");
		return err;
	}
	sxd_write_capture(&c, trigger);
	err = sxd_discover(sch, &c.maps);
	if (err)
		sxd_error(&c, err, "cannot find the scheduler's maps");
	if (sxd_write_sched(&c, sch))
		sxd_error(&c, -ENOSPC, "scheduler record left out");
	sxd_write_sched_tree(&c, sch);
	sxd_write_events(&c, sch);
	sxd_write_prog_stats(&c);
	sxd_capture_maps(&c);
	err = sxd_capture_finish(&c);
	sxd_maps_release(&c.maps);
	kfree(c.btfs);
	sxw_release(&c.w);
	return err;
}

/*
 * A sub-scheduler disabled because a scheduler above it failed: captured
 * like the failing one. Each child holds a reference on its parent, and
 * an exit's kind stays in its exit_info from the failure on.
 */
static bool sxd_ancestor_failed(void *sch, s32 kind)
{
	s32 level = sxd_level(sch);
	u8 *ei;

	if (kind != sxd_l.exit_parent && kind != sxd_l.exit_parent_kill)
		return false;
	for (sch = sxd_parent(sch, level); sch; sch = sxd_parent(sch, --level)) {
		ei = *(u8 **)((u8 *)sch + sxd_l.sch_exit_info);
		if (ei && READ_ONCE(*(s32 *)(ei + sxd_l.ei_kind)) >= sxd_l.exit_error)
			return true;
	}
	return false;
}

/*
 * The scheduler's disable work is running: it owns @sch until it returns,
 * so nothing else needs pinning it.
 */
void sxd_capture_exit(struct scx_sched *sch)
{
	s32 kind = sxd_exit_kind(sch);

	/* NONE or DONE: nothing is exiting. */
	if (kind <= sxd_l.exit_done)
		return;
	if (kind < sxd_l.exit_error && !sxd_capture_all_exits && !sxd_ancestor_failed(sch, kind))
		return;
	/* past bypass (hook.c): waiting here stalls no task */
	mutex_lock(&sxd_capture_lock);
	sxd_capture(sch, SXD_TRIGGER_EXIT);
	mutex_unlock(&sxd_capture_lock);
}

/* Pin @sch through its kobject; it is freed after an RCU grace period. */
static bool sxd_sched_get(void *sch)
{
	return sch && kobject_get_unless_zero((struct kobject *)((u8 *)sch + sxd_l.sch_kobj));
}

static void sxd_sched_put(void *sch)
{
	kobject_put((struct kobject *)((u8 *)sch + sxd_l.sch_kobj));
}

/*
 * The running schedulers, pinned: the root, then its sub-schedulers
 * breadth first (their lists are RCU-protected). Returns how many.
 */
static u32 sxd_running_scheds(void **scheds)
{
	struct list_head *head, *pos;
	u32 n = 0, i, steps;
	bool more = false;
	void *child;

	rcu_read_lock();
	scheds[0] = rcu_dereference(*(void __rcu **)sxd_sym.scx_root);
	if (sxd_sched_get(scheds[0]))
		n = 1;
	for (i = 0; sxd_l.ok_sub && i < n; i++) {
		head = (struct list_head *)((u8 *)scheds[i] + sxd_l.sch_children);
		steps = 0;
		for (pos = rcu_dereference(list_next_rcu(head));
		     pos != head && steps++ < SXD_MAX_SCHEDS;
		     pos = rcu_dereference(list_next_rcu(pos))) {
			child = (u8 *)pos - sxd_l.sch_sibling;
			if (n == SXD_MAX_SCHEDS) {
				more = true;
				break;
			}
			if (sxd_sched_get(child))
				scheds[n++] = child;
		}
	}
	rcu_read_unlock();
	if (more)
		pr_warn("scxdump: more than %u running schedulers: only the first %u captured\n",
			SXD_MAX_SCHEDS, SXD_MAX_SCHEDS);
	return n;
}

/*
 * On demand: capture each running scheduler (the root and its
 * sub-schedulers), each into its own dump, while they run.
 */
int sxd_capture_request(void)
{
	void **scheds;
	int err = 0, e;
	u32 i, n;

	if (!sxd_l.ok_request || !sxd_sym.scx_root)
		return -EOPNOTSUPP;
	scheds = kcalloc(SXD_MAX_SCHEDS, sizeof(*scheds), GFP_KERNEL);
	if (!scheds)
		return -ENOMEM;
	/* concurrent writers of "control" capture one after the other */
	if (mutex_lock_killable(&sxd_capture_lock)) {
		kfree(scheds);
		return -EINTR;
	}
	n = sxd_running_scheds(scheds);
	for (i = 0; i < n; i++) {
		e = sxd_capture(scheds[i], SXD_TRIGGER_REQUEST);
		err = err ?: e;
		sxd_sched_put(scheds[i]);
	}
	mutex_unlock(&sxd_capture_lock);
	kfree(scheds);
	return n ? err : -ENODEV;
}

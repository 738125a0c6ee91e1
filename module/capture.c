// SPDX-License-Identifier: GPL-2.0
/*
 * One capture: the records of a dump in the order the decoder wants them
 * (docs/format.md): CAPTURE, SCHED, every BTF object once, then per map
 * MAP, its ENTRIES blocks and MAP_END, and END. Runs sleepable, in the
 * scheduler's helper kthread, while the scheduler is still registered.
 *
 * In consistent-snapshot mode the maps whose families can be copied
 * without sleeping (ops->stoppable) come first and are all copied inside
 * one stop_machine(): every other CPU spins with interrupts off, so no
 * BPF program runs between the first map's copy and the last's. Their
 * size is counted first and the dump's room, the entry block and the key
 * buffers are allocated before the stop.
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
#include <linux/slab.h>
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
	u8 *blk;		/* the entry block all maps share in it */
	size_t blk_cap;
	u8 *keys;		/* the key buffers they share */
	struct sxd_kmems *kmems;
	u64 held_ns;
};

static atomic_t sxd_capture_seq = ATOMIC_INIT(0);

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
	r.exit_kind = atomic_read((atomic_t *)((u8 *)sch + sxd_l.sch_exit_kind));
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
	ev = kcalloc(sxd_l.nr_events, sizeof(*ev), GFP_KERNEL);
	if (!pcpu || !ev) {
		kfree(ev);
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
	if (!w.st)
		return;
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
	if (!btfs)
		return SXD_NO_INDEX;
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

static const char *sxd_full_reason(const struct sxd_map_ctx *mc)
{
	if (mc->atomic)
		return "the map grew past the room prepared for the consistent snapshot";
	return "dump size limit (max_dump_bytes) reached";
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
		mc->flags |= SXD_MAP_TRUNCATED;
		mc->nr_omitted += mc->blk_nr;
		mc->reason = sxd_full_reason(mc);
	} else {
		mc->nr_entries += mc->blk_nr;
	}
	mc->blk_len = 0;
	mc->blk_nr = 0;
	return err;
}

/*
 * Room for one entry (key, then nr_values values, each 8-aligned), or
 * NULL when the dump is full: the caller then counts the entry in
 * mc->nr_omitted and may go on walking to count the rest.
 */
u8 *sxd_entry_slot(struct sxd_map_ctx *mc)
{
	u8 *slot;

	if (mc->full || !mc->blk)
		return NULL;
	if (sxd_max_map_bytes && mc->bytes + mc->entry_size > sxd_max_map_bytes) {
		mc->flags |= SXD_MAP_TRUNCATED;
		mc->reason = "per-map size limit (max_map_bytes) reached";
		return NULL;
	}
	if (mc->blk_len + mc->entry_size > mc->blk_cap && sxd_entries_flush(mc))
		return NULL;
	slot = mc->blk + mc->blk_len;
	memset(slot, 0, mc->entry_size);
	return slot;
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
		if (!ptr || k->nr == SXD_MAX_KMEMS)
			continue;
		/* the mask may be freed under us: read it as the kernel reads user memory */
		if (copy_from_kernel_nofault(k->m[k->nr].bits,
					     (void *)(ptr + sxd_l.cpumask_bits), words * 8))
			continue;
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

/*
 * Make room for @n more entries in the block without allocating, so that
 * sxd_entry_slot_nosleep() can fill them inside an RCU section.
 */
int sxd_entries_make_room(struct sxd_map_ctx *mc, u32 n)
{
	size_t need = (size_t)n * mc->entry_size;
	u8 *blk;

	if (mc->full || !mc->blk || !mc->entry_size)
		return -ENOSPC;
	if (mc->blk_len + need <= mc->blk_cap)
		return 0;
	if (sxd_entries_flush(mc))
		return -ENOSPC;
	if (need <= mc->blk_cap)
		return 0;
	if (mc->atomic)
		return -ENOSPC;	/* no allocation in the stop */
	need = min_t(size_t, need, SXD_REC_MAX_SIZE - sizeof(struct sxd_entries));
	need = rounddown(need, mc->entry_size);
	blk = kvmalloc(need, GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	kvfree(mc->blk);
	mc->blk = blk;
	mc->blk_cap = need;
	return 0;
}

/* sxd_entry_slot() that never flushes or allocates: NULL when full. */
u8 *sxd_entry_slot_nosleep(struct sxd_map_ctx *mc)
{
	u8 *slot;

	if (mc->full || !mc->blk || mc->blk_len + mc->entry_size > mc->blk_cap)
		return NULL;
	if (sxd_max_map_bytes && mc->bytes + mc->entry_size > sxd_max_map_bytes) {
		mc->flags |= SXD_MAP_TRUNCATED;
		mc->reason = "per-map size limit (max_map_bytes) reached";
		return NULL;
	}
	slot = mc->blk + mc->blk_len;
	memset(slot, 0, mc->entry_size);
	return slot;
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
	if (err) {
		mc->flags |= SXD_MAP_TRUNCATED;
		mc->reason = sxd_full_reason(mc);
	}
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

/* A long walk yields the CPU, unless it runs inside the stop. */
void sxd_resched(struct sxd_map_ctx *mc)
{
	if (!mc->atomic)
		cond_resched();
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

static void sxd_write_kmems(struct sxd_cap *c, struct sxd_kmems *k)
{
	u32 i, j, words = min_t(u32, BITS_TO_LONGS(nr_cpu_ids), SXD_KMEM_WORDS);
	struct sxd_kmem r = { .kind = SXD_KMEM_CPUMASK, .nr_bits = words * 64 };
	struct sxd_iov iov[2];

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
				mc.kmems->nr = 0;
			} else if (sxd_has_cpumask_kptr(map)) {
				mc.kmems = kvzalloc_obj(*mc.kmems, GFP_KERNEL);
			}
			mc.status = ops->capture(&mc);
			if (!mc.full)
				sxd_entries_flush(&mc);
		}
	}
	if (mc.kmems)
		sxd_write_kmems(c, mc.kmems);
	if (c->atomic)
		mc.flags |= SXD_MAP_SNAPSHOT;
	sxd_write_map_end(&mc);
	sxd_map_ctx_free(&mc);
}

/*
 * The bytes @map's capture will take, from a walk that copies nothing:
 * its entries, its MAP_INFO blobs and the records around them. Also
 * raises @entry_size to the size of one of its entries.
 */
static u64 sxd_map_estimate(struct sxd_cap *c, struct bpf_map *map, u32 index,
			    size_t *entry_size)
{
	const struct sxd_map_ops *ops = sxd_map_ops_of(map);
	u64 bytes = 4096, per_blk;
	struct sxd_map_ctx mc;

	if (!sxd_map_ctx_init(&mc, c, map, index, ops)) {
		/* the block shared in the stop must hold this map's entries */
		*entry_size = max(*entry_size, mc.entry_size);
		/* as when the dump is full: no slot, every entry counted */
		mc.full = true;
		mc.counting = true;
		ops->capture(&mc);
		/* entries of no size (ring buffers, bloom filters) are none */
		per_blk = mc.entry_size ? max_t(u64, 1, mc.blk_cap / mc.entry_size) : 1;
		bytes += mc.nr_omitted * mc.entry_size + mc.est_bytes +
			 (div64_u64(mc.nr_omitted, per_blk) + 1) *
			 sxd_align(sizeof(struct sxd_entries));
		if (sxd_max_map_bytes)
			bytes = min_t(u64, bytes, sxd_max_map_bytes + 4096);
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
	if (!btfs)
		return;
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

static int sxd_snapshot_fn(void *data)
{
	struct sxd_cap *c = data;
	u64 t0 = ktime_get_ns();
	u32 i;

	for (i = 0; i < c->nr_stoppable; i++)
		sxd_capture_map(c, c->maps.maps[i], i);
	c->held_ns = ktime_get_ns() - t0;
	return 0;
}

/* Allocate, before the stop, all that the copy inside it will use. */
static int sxd_snapshot_prepare(struct sxd_cap *c, u64 *room)
{
	size_t entry = SXD_BLOCK_SIZE;
	bool kmems = false;
	u32 i, key = 1;
	struct bpf_map *map;

	*room = 0;
	for (i = 0; i < c->nr_stoppable; i++) {
		map = c->maps.maps[i];
		sxd_btf_index(c, map);	/* BTF records now, not in the stop */
		*room += sxd_map_estimate(c, map, i, &entry);
		key = max(key, map->key_size);
		kmems |= sxd_has_cpumask_kptr(map);
		cond_resched();
	}
	/* what the maps may gain between the count and the stop */
	*room += *room / 4 + (256u << 10);
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
 * maps were captured; 0 means the caller captures them all live (the
 * SNAPSHOT record says which happened and why).
 */
static u32 sxd_snapshot(struct sxd_cap *c)
{
	struct sxd_snapshot r = { .mode = SXD_SNAP_LIVE };
	struct sxd_iov iov = { &r, sizeof(r) };
	u64 room, t0;
	int err;

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
	r.nr_maps = c->nr_stoppable;
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

	c.t0 = ktime_get_ns();
	c.seq = atomic_inc_return(&sxd_capture_seq);
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
void sxd_capture_exit(void *sch)
{
	s32 kind = atomic_read((atomic_t *)((u8 *)sch + sxd_l.sch_exit_kind));

	/* NONE or DONE: nothing is exiting (the workfn returns at once). */
	if (kind <= sxd_l.exit_done)
		return;
	if (kind < sxd_l.exit_error && !sxd_capture_all_exits && !sxd_ancestor_failed(sch, kind))
		return;
	sxd_capture(sch, SXD_TRIGGER_EXIT);
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
	void *child;

	rcu_read_lock();
	scheds[0] = rcu_dereference(*(void __rcu **)sxd_sym.scx_root);
	if (sxd_sched_get(scheds[0]))
		n = 1;
	for (i = 0; sxd_l.ok_sub && i < n; i++) {
		head = (struct list_head *)((u8 *)scheds[i] + sxd_l.sch_children);
		steps = 0;
		for (pos = rcu_dereference(list_next_rcu(head));
		     pos != head && n < SXD_MAX_SCHEDS && steps++ < SXD_MAX_SCHEDS;
		     pos = rcu_dereference(list_next_rcu(pos))) {
			child = (u8 *)pos - sxd_l.sch_sibling;
			if (sxd_sched_get(child))
				scheds[n++] = child;
		}
	}
	rcu_read_unlock();
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
	n = sxd_running_scheds(scheds);
	for (i = 0; i < n; i++) {
		e = sxd_capture(scheds[i], SXD_TRIGGER_REQUEST);
		err = err ?: e;
		sxd_sched_put(scheds[i]);
	}
	kfree(scheds);
	return n ? err : -ENODEV;
}

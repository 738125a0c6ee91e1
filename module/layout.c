// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve the layouts of the private kernel structures scxdump reads
 * (struct scx_sched, struct scx_exit_info, struct bpf_struct_ops_map,
 * struct btf) from the running kernel's own BTF, /sys/kernel/btf/vmlinux.
 * Nothing is hard-coded: a kernel whose BTF lacks a required field makes
 * insmod fail with a message naming the field.
 */
#include <linux/btf.h>
#include <linux/crc32.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "kbtf.h"
#include "ksyms.h"
#include "scxdump.h"

#define SXD_VMLINUX_BTF		"/sys/kernel/btf/vmlinux"
/* Debian's 7.3 vmlinux BTF is about 6 MiB; refuse anything absurd. */
#define SXD_VMLINUX_BTF_MAX	(256u << 20)

struct sxd_layout sxd_l;

struct sxd_field {
	const char *type;	/* struct name */
	const char *path;	/* member, dotted for nested members */
	u32 *off;
	u32 size;		/* expected size in bytes, 0: any */
	bool *found;		/* optional field: set when present */
	bool *group;		/* a family's fields: cleared when one is missing */
	const char **missing;	/* and where to say which one */
};

#define SXD_GROUP(g)	.group = &sxd_l.ok_##g, .missing = &sxd_l.missing_##g

static const struct sxd_field sxd_fields[] = {
	{ "scx_sched", "exit_kind", &sxd_l.sch_exit_kind, 4 },
	{ "scx_sched", "exit_info", &sxd_l.sch_exit_info, 8 },
	{ "scx_sched", "disable_work", &sxd_l.sch_disable_work },
	{ "scx_sched", "ops.name", &sxd_l.sch_ops_name },
	{ "scx_sched", "ops.exit_dump_len", &sxd_l.sch_ops_dump_len, 4 },
	{ "scx_sched", "level", &sxd_l.sch_level, 4, &sxd_l.has_level },
	{ "scx_sched", "kobj", &sxd_l.sch_kobj, 0, SXD_GROUP(request) },
	{ "scx_sched", "id", &sxd_l.sch_id, 8, SXD_GROUP(sub) },
	{ "scx_sched", "cgrp", &sxd_l.sch_cgrp, 8, SXD_GROUP(sub) },
	{ "scx_sched", "cgrp_path", &sxd_l.sch_cgrp_path, 8, SXD_GROUP(sub) },
	{ "scx_sched", "ancestors", &sxd_l.sch_ancestors, 0, SXD_GROUP(sub) },
	{ "scx_sched", "children", &sxd_l.sch_children, 16, SXD_GROUP(sub) },
	{ "scx_sched", "sibling", &sxd_l.sch_sibling, 16, SXD_GROUP(sub) },
	{ "scx_sched", "ops.flags", &sxd_l.sch_ops_flags, 8 },
	{ "scx_sched", "ops.timeout_ms", &sxd_l.sch_ops_timeout, 4 },
	{ "scx_sched", "pcpu", &sxd_l.sch_pcpu, 8, SXD_GROUP(events) },
	{ "scx_sched_pcpu", "event_stats", &sxd_l.pcpu_events, 0, SXD_GROUP(events) },
	{ "sched_ext_ops", "priv", &sxd_l.ops_priv, 8 },
	{ "scx_exit_info", "kind", &sxd_l.ei_kind, 4 },
	{ "scx_exit_info", "exit_cpu", &sxd_l.ei_exit_cpu, 4 },
	{ "scx_exit_info", "exit_code", &sxd_l.ei_exit_code, 8 },
	{ "scx_exit_info", "reason", &sxd_l.ei_reason, 8 },
	{ "scx_exit_info", "bt", &sxd_l.ei_bt, 8 },
	{ "scx_exit_info", "bt_len", &sxd_l.ei_bt_len, 4 },
	{ "scx_exit_info", "msg", &sxd_l.ei_msg, 8 },
	{ "scx_exit_info", "dump", &sxd_l.ei_dump, 8 },
	{ "bpf_struct_ops_map", "st_ops_desc", &sxd_l.stmap_desc, 8 },
	{ "bpf_struct_ops_map", "kvalue.data", &sxd_l.stmap_kdata },
	{ "bpf_struct_ops_map", "links", &sxd_l.stmap_links, 8, SXD_GROUP(stmap) },
	{ "bpf_struct_ops_map", "funcs_cnt", &sxd_l.stmap_funcs_cnt, 4, SXD_GROUP(stmap) },
	{ "bpf_struct_ops_map", "uvalue", &sxd_l.stmap_uvalue, 8, SXD_GROUP(stmap) },
	{ "bpf_struct_ops_map", "kvalue", &sxd_l.stmap_kvalue, 0, SXD_GROUP(stmap) },
	{ "bpf_arena", "user_vm_start", &sxd_l.arena_user_vm_start, 8, SXD_GROUP(arena) },
	{ "bpf_arena", "user_vm_end", &sxd_l.arena_user_vm_end, 8, SXD_GROUP(arena) },
	{ "bpf_arena", "kern_vm", &sxd_l.arena_kern_vm, 8, SXD_GROUP(arena) },
	{ "bpf_arena", "scratch_page", &sxd_l.arena_scratch_page, 8,
	  .found = &sxd_l.has_arena_scratch },
	{ "bpf_ringbuf_map", "rb", &sxd_l.rbmap_rb, 8, SXD_GROUP(ringbuf) },
	{ "bpf_ringbuf", "mask", &sxd_l.rb_mask, 8, SXD_GROUP(ringbuf) },
	{ "bpf_ringbuf", "consumer_pos", &sxd_l.rb_consumer_pos, 8, SXD_GROUP(ringbuf) },
	{ "bpf_ringbuf", "producer_pos", &sxd_l.rb_producer_pos, 8, SXD_GROUP(ringbuf) },
	{ "bpf_ringbuf", "pending_pos", &sxd_l.rb_pending_pos, 8, SXD_GROUP(ringbuf) },
	{ "bpf_ringbuf", "data", &sxd_l.rb_data, 0, SXD_GROUP(ringbuf) },
	/* 7.x: BPF_F_RB_OVERWRITE rings keep where their oldest record is */
	{ "bpf_ringbuf", "overwrite_mode", &sxd_l.rb_overwrite_mode, 1,
	  .found = &sxd_l.has_rb_overwrite },
	{ "bpf_ringbuf", "overwrite_pos", &sxd_l.rb_overwrite_pos, 8,
	  .found = &sxd_l.has_rb_overwrite_pos },
	{ "bpf_stack_map", "n_buckets", &sxd_l.smap_n_buckets, 4, SXD_GROUP(stackmap) },
	{ "bpf_stack_map", "buckets", &sxd_l.smap_buckets, 0, SXD_GROUP(stackmap) },
	{ "stack_map_bucket", "hash", &sxd_l.sbucket_hash, 4, SXD_GROUP(stackmap) },
	{ "stack_map_bucket", "nr", &sxd_l.sbucket_nr, 4, SXD_GROUP(stackmap) },
	{ "stack_map_bucket", "data", &sxd_l.sbucket_data, 0, SXD_GROUP(stackmap) },
	{ "bpf_queue_stack", "head", &sxd_l.qs_head, 4, SXD_GROUP(queue) },
	{ "bpf_queue_stack", "tail", &sxd_l.qs_tail, 4, SXD_GROUP(queue) },
	{ "bpf_queue_stack", "size", &sxd_l.qs_size, 4, SXD_GROUP(queue) },
	{ "bpf_queue_stack", "elements", &sxd_l.qs_elements, 0, SXD_GROUP(queue) },
	{ "bpf_bloom_filter", "bitset_mask", &sxd_l.bloom_mask, 4, SXD_GROUP(bloom) },
	{ "bpf_bloom_filter", "hash_seed", &sxd_l.bloom_seed, 4, SXD_GROUP(bloom) },
	{ "bpf_bloom_filter", "nr_hash_funcs", &sxd_l.bloom_nr_hash, 4, SXD_GROUP(bloom) },
	{ "bpf_bloom_filter", "bitset", &sxd_l.bloom_bitset, 0, SXD_GROUP(bloom) },
	{ "btf", "data", &sxd_l.btf_data, 8 },
	{ "btf", "data_size", &sxd_l.btf_data_size, 4 },
	{ "btf", "id", &sxd_l.btf_id, 4 },
};

/* The running kernel's raw BTF, kvfree() it; an ERR_PTR on failure. */
static void *sxd_read_vmlinux_btf(size_t *size)
{
	struct file *f;
	loff_t pos = 0;
	size_t len;
	void *buf;
	ssize_t n;

	f = filp_open(SXD_VMLINUX_BTF, O_RDONLY, 0);
	if (IS_ERR(f))
		return f;
	len = i_size_read(file_inode(f));
	if (!len || len > SXD_VMLINUX_BTF_MAX) {
		buf = ERR_PTR(-EFBIG);
		goto out;
	}
	buf = kvmalloc(len, GFP_KERNEL);
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
struct sxd_struct_cache {
	const char *type;
	s32 id;
};

static s32 sxd_struct_id(const struct kbtf *b, struct sxd_struct_cache *c,
			 const char *type)
{
	if (!c->type || strcmp(c->type, type)) {
		c->type = type;
		c->id = kbtf_find(b, type, BTF_KIND_STRUCT);
	}
	return c->id;
}

static int sxd_resolve_field(const struct kbtf *b, struct sxd_struct_cache *c,
			     const struct sxd_field *f)
{
	u32 off, size;
	s32 id;
	int err;

	id = sxd_struct_id(b, c, f->type);
	err = id < 0 ? id : kbtf_member(b, id, f->path, &off, &size);
	if (!err && f->size && size != f->size)
		err = -EINVAL;
	if (err && f->group) {
		if (*f->group) {
			pr_warn("scxdump: kernel BTF has no %s.%s: those maps are not captured\n",
				f->type, f->path);
			*f->group = false;
			*f->missing = f->type;
		}
		return 0;
	}
	if (err) {
		if (f->found)
			return 0;
		pr_err("scxdump: kernel BTF has no usable struct %s.%s (%d)\n",
		       f->type, f->path, err);
		return err;
	}
	*f->off = off;
	if (f->found)
		*f->found = true;
	if (!strcmp(f->path, "ops.name"))
		sxd_l.sch_ops_name_len = size;
	return 0;
}

/* Keep enum scx_exit_kind's names so dumps say "SCX_EXIT_ERROR_BPF". */
static void sxd_resolve_exit_kinds(const struct kbtf *b)
{
	s32 id = kbtf_find(b, "scx_exit_kind", BTF_KIND_ENUM);
	struct sxd_enum_name *e;
	const char *name;
	s64 val;
	u32 i;

	for (i = 0; id > 0 && i < SXD_MAX_EXIT_KINDS; i++) {
		if (kbtf_enum_get(b, id, i, &name, &val))
			break;
		e = &sxd_l.exit_kinds[i];
		e->val = val;
		strscpy(e->name, name, sizeof(e->name));
	}
	sxd_l.nr_exit_kinds = i;
}

/* The s64 counters of struct scx_event_stats, by name, as this kernel has them. */
static void sxd_resolve_events(const struct kbtf *b)
{
	s32 id = kbtf_find(b, "scx_event_stats", BTF_KIND_STRUCT);
	const char *name;
	u32 i, off;

	for (i = 0; id > 0 && i < SXD_MAX_EVENTS; i++) {
		if (kbtf_member_get(b, id, i, &name, &off))
			break;
		strscpy(sxd_l.events[i].name, name, sizeof(sxd_l.events[i].name));
		sxd_l.events[i].off = off;
	}
	sxd_l.nr_events = i;
}

const char *sxd_exit_kind_name(s64 kind)
{
	u32 i;

	for (i = 0; i < sxd_l.nr_exit_kinds; i++) {
		if (sxd_l.exit_kinds[i].val == kind)
			return sxd_l.exit_kinds[i].name;
	}
	return "";
}

/*
 * How many parameters the kernel function @name takes, from its BTF
 * prototype; 0 when the BTF does not say. One kernel difference read
 * here: bpf_percpu_hash_copy() took (map, key, value) up to 6.x and takes
 * a fourth, flags (BPF_F_CPU: one CPU's value), in 7.x.
 */
static u32 sxd_func_args(const struct kbtf *b, const char *name)
{
	s32 id = kbtf_find(b, name, BTF_KIND_FUNC);
	const struct btf_type *t = id > 0 ? kbtf_type(b, id) : NULL;

	t = t ? kbtf_type(b, t->type) : NULL;
	return t && btf_kind(t) == BTF_KIND_FUNC_PROTO ? btf_vlen(t) : 0;
}

static int sxd_resolve(const struct kbtf *b)
{
	struct sxd_struct_cache cache = { };
	unsigned int i;
	int err;

	sxd_l.ok_arena = true;
	sxd_l.ok_ringbuf = true;
	sxd_l.ok_stackmap = true;
	sxd_l.ok_queue = true;
	sxd_l.ok_bloom = true;
	sxd_l.ok_stmap = true;
	sxd_l.ok_events = true;
	sxd_l.ok_request = true;
	sxd_l.ok_sub = true;
	for (i = 0; i < ARRAY_SIZE(sxd_fields); i++) {
		err = sxd_resolve_field(b, &cache, &sxd_fields[i]);
		if (err)
			return err;
	}
	err = kbtf_enum_value(b, "SCX_EXIT_ERROR", &sxd_l.exit_error);
	if (err) {
		pr_err("scxdump: kernel BTF has no enum value SCX_EXIT_ERROR\n");
		return err;
	}
	if (kbtf_enum_value(b, "SCX_EXIT_DONE", &sxd_l.exit_done)) {
		pr_err("scxdump: kernel BTF has no enum value SCX_EXIT_DONE\n");
		return -ENOENT;
	}
	/* kernels without sub-schedulers have neither */
	if (kbtf_enum_value(b, "SCX_EXIT_PARENT", &sxd_l.exit_parent))
		sxd_l.exit_parent = -1;
	if (kbtf_enum_value(b, "SCX_EXIT_PARENT_KILL", &sxd_l.exit_parent_kill))
		sxd_l.exit_parent_kill = -1;
	sxd_resolve_exit_kinds(b);
	sxd_resolve_events(b);
	/* optional: cpumask kptrs in map values are then captured too */
	sxd_l.cpumask_type_id = kbtf_find(b, "bpf_cpumask", BTF_KIND_STRUCT);
	if (sxd_l.cpumask_type_id > 0) {
		u32 size;

		if (kbtf_member(b, sxd_l.cpumask_type_id, "cpumask", &sxd_l.cpumask_bits, &size))
			sxd_l.cpumask_type_id = -1;
	}
	sxd_l.percpu_copy_args = sxd_func_args(b, "bpf_percpu_hash_copy");
	if (kbtf_enum_value(b, "SCX_EXIT_MSG_LEN", &sxd_l.exit_msg_len))
		sxd_l.exit_msg_len = 1024;	/* its value since 6.12 */
	return 0;
}

/*
 * The kernel's BTF, which dumps embed for kernel-typed values. The
 * capture runs in a kthread whose root may not see /sys, so it is found
 * now: in place, where the kernel keeps it (__start_BTF, what sysfs
 * serves), or as the copy read from sysfs.
 */
static const void *sxd_vmlinux_btf;
static size_t sxd_vmlinux_btf_size;
static void *sxd_vmlinux_btf_copy;
static u32 sxd_vmlinux_btf_crc;

const void *sxd_kernel_btf(size_t *size, u32 *crc)
{
	*size = sxd_vmlinux_btf_size;
	if (crc)
		*crc = sxd_vmlinux_btf_crc;
	return sxd_vmlinux_btf;
}

static void sxd_keep_btf(void *data, size_t size)
{
	unsigned long start = sxd_ksym("__start_BTF");
	unsigned long stop = sxd_ksym("__stop_BTF");

	if (start && stop > start && stop - start == size &&
	    !memcmp((void *)start, data, min_t(size_t, size, 64))) {
		sxd_vmlinux_btf = (void *)start;
		kvfree(data);
	} else {
		sxd_vmlinux_btf = data;
		sxd_vmlinux_btf_copy = data;
	}
	sxd_vmlinux_btf_size = size;
	/* identifies this kernel's BTF for a decoder given it separately */
	sxd_vmlinux_btf_crc = ~crc32_le(~0u, sxd_vmlinux_btf, size);
}

void sxd_layout_exit(void)
{
	kvfree(sxd_vmlinux_btf_copy);
	sxd_vmlinux_btf_copy = NULL;
	sxd_vmlinux_btf = NULL;
}

int sxd_layout_init(void)
{
	struct kbtf b;
	size_t size;
	void *data;
	int err;

	data = sxd_read_vmlinux_btf(&size);
	if (IS_ERR(data)) {
		pr_err("scxdump: cannot read %s (%ld); the kernel needs CONFIG_DEBUG_INFO_BTF\n",
		       SXD_VMLINUX_BTF, PTR_ERR(data));
		return PTR_ERR(data);
	}
	err = kbtf_parse(&b, data, size);
	if (err) {
		pr_err("scxdump: cannot parse %s (%d)\n", SXD_VMLINUX_BTF, err);
		kvfree(data);
		return err;
	}
	err = sxd_resolve(&b);
	kbtf_free(&b);
	if (err)
		kvfree(data);
	else
		sxd_keep_btf(data, size);
	return err;
}

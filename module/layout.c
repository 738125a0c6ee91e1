// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve the layouts of the private kernel structures scxdump reads
 * (struct scx_sched, struct scx_exit_info, struct bpf_struct_ops_map,
 * struct btf) from the running kernel's own BTF, /sys/kernel/btf/vmlinux.
 * Nothing is hard-coded: a kernel whose BTF lacks a required field makes
 * insmod fail with a message naming the field.
 */
#include <linux/btf.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "kbtf.h"
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
	bool *found;		/* NULL: required */
};

static const struct sxd_field sxd_fields[] = {
	{ "scx_sched", "exit_kind", &sxd_l.sch_exit_kind, 4 },
	{ "scx_sched", "exit_info", &sxd_l.sch_exit_info, 8 },
	{ "scx_sched", "disable_work", &sxd_l.sch_disable_work },
	{ "scx_sched", "ops.name", &sxd_l.sch_ops_name },
	{ "scx_sched", "ops.exit_dump_len", &sxd_l.sch_ops_dump_len, 4 },
	{ "scx_sched", "level", &sxd_l.sch_level, 4, &sxd_l.has_level },
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
	{ "btf", "data", &sxd_l.btf_data, 8 },
	{ "btf", "data_size", &sxd_l.btf_data_size, 4 },
	{ "btf", "id", &sxd_l.btf_id, 4 },
};

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

static int sxd_resolve_field(const struct kbtf *b, const struct sxd_field *f)
{
	u32 off, size;
	s32 id;
	int err;

	id = kbtf_find(b, f->type, BTF_KIND_STRUCT);
	err = id < 0 ? id : kbtf_member(b, id, f->path, &off, &size);
	if (!err && f->size && size != f->size)
		err = -EINVAL;
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

const char *sxd_exit_kind_name(s64 kind)
{
	u32 i;

	for (i = 0; i < sxd_l.nr_exit_kinds; i++) {
		if (sxd_l.exit_kinds[i].val == kind)
			return sxd_l.exit_kinds[i].name;
	}
	return "";
}

static int sxd_resolve(const struct kbtf *b)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(sxd_fields); i++) {
		err = sxd_resolve_field(b, &sxd_fields[i]);
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
	sxd_resolve_exit_kinds(b);
	if (kbtf_enum_value(b, "SCX_EXIT_MSG_LEN", &sxd_l.exit_msg_len))
		sxd_l.exit_msg_len = 1024;	/* its value since 6.12 */
	return 0;
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
		goto out;
	}
	err = sxd_resolve(&b);
	kbtf_free(&b);
out:
	kvfree(data);
	return err;
}

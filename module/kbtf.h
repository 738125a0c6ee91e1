/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small reader of raw BTF (the running kernel's /sys/kernel/btf/vmlinux),
 * used at load time to resolve the offsets of sched_ext's and the BPF core's
 * private structures by name. Pure logic: KUnit tests it on UML.
 */
#ifndef SCXDUMP_KBTF_H
#define SCXDUMP_KBTF_H

#include <linux/types.h>

struct kbtf {
	const u8 *data;
	size_t size;
	const u8 *types;	/* the type section */
	u32 types_len;
	const char *strs;	/* the string section */
	u32 strs_len;
	u32 nr_types;		/* ids 1..nr_types */
	u32 *offs;		/* id -> offset of its btf_type in types */
};

int kbtf_parse(struct kbtf *b, const void *data, size_t size);
void kbtf_free(struct kbtf *b);
const char *kbtf_name(const struct kbtf *b, u32 name_off);
const struct btf_type *kbtf_type(const struct kbtf *b, u32 id);
s32 kbtf_find(const struct kbtf *b, const char *name, u32 kind);
s32 kbtf_resolve(const struct kbtf *b, u32 id);
int kbtf_size(const struct kbtf *b, u32 id, u32 *size);
int kbtf_member_type(const struct kbtf *b, u32 struct_id, const char *path,
		     u32 *off, u32 *type_id);
int kbtf_member(const struct kbtf *b, u32 struct_id, const char *path,
		u32 *off, u32 *size);
int kbtf_enum_value(const struct kbtf *b, const char *name, s64 *val);
int kbtf_member_get(const struct kbtf *b, u32 struct_id, u32 i, const char **name,
		    u32 *off);
int kbtf_enum_get(const struct kbtf *b, u32 enum_id, u32 i, const char **name,
		  s64 *val);

#endif /* SCXDUMP_KBTF_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Raw BTF reader. BTF is a header, a type section and a string section
 * (Documentation/bpf/btf.rst). Types are variable-sized records numbered
 * from 1 in order, so one bounded pass builds an id -> offset index; every
 * later lookup is a bounds-checked read. Nothing here trusts the blob.
 */
#include <linux/btf.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include "alloc.h"
#include "kbtf.h"

/* Guards against a self-referencing chain of typedefs and modifiers. */
#define KBTF_MAX_CHAIN		32
/* Anonymous struct/union members nest; real kernels stay far below this. */
#define KBTF_MAX_NEST		8
/* The header as Linux 4.18 defined it, up to str_len. */
#define KBTF_MIN_HDR_LEN	offsetofend(struct btf_header, str_len)

const char *kbtf_name(const struct kbtf *b, u32 name_off)
{
	if (name_off >= b->strs_len)
		return "";
	/* kbtf_parse() checked that the section ends with a NUL. */
	return b->strs + name_off;
}

const struct btf_type *kbtf_type(const struct kbtf *b, u32 id)
{
	if (!id || id > b->nr_types)
		return NULL;
	return (const struct btf_type *)(b->types + b->offs[id]);
}

/* Bytes after struct btf_type taken by a type of this kind, or -EINVAL. */
static long kbtf_extra(const struct btf_type *t)
{
	u32 vlen = btf_type_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return sizeof(u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -EINVAL;
	}
}

/* Count the types, checking that each lies inside the type section. */
static int kbtf_walk(struct kbtf *b, bool fill)
{
	u32 off = 0, n = 0;

	while (off < b->types_len) {
		const struct btf_type *t;
		long extra;

		if (b->types_len - off < sizeof(*t))
			return -EINVAL;
		t = (const struct btf_type *)(b->types + off);
		extra = kbtf_extra(t);
		if (extra < 0 || extra > b->types_len - off - sizeof(*t))
			return -EINVAL;
		if (n == U32_MAX - 1)
			return -E2BIG;
		n++;
		if (fill)
			b->offs[n] = off;
		off += sizeof(*t) + extra;
	}
	b->nr_types = n;
	return 0;
}

int kbtf_parse(struct kbtf *b, const void *data, size_t size)
{
	const struct btf_header *hdr = data;
	u64 tend, send;
	int err;

	memset(b, 0, sizeof(*b));
	if (size < KBTF_MIN_HDR_LEN || size > U32_MAX)
		return -EINVAL;
	if (hdr->magic != BTF_MAGIC || hdr->version != BTF_VERSION)
		return -EINVAL;
	/* 7.3's header grew a layout section; the fields we read come first. */
	if (hdr->hdr_len < KBTF_MIN_HDR_LEN || hdr->hdr_len > size)
		return -EINVAL;
	tend = (u64)hdr->hdr_len + hdr->type_off + hdr->type_len;
	send = (u64)hdr->hdr_len + hdr->str_off + hdr->str_len;
	if (tend > size || send > size || !hdr->str_len || hdr->type_off & 3)
		return -EINVAL;
	b->data = data;
	b->size = size;
	b->types = b->data + hdr->hdr_len + hdr->type_off;
	b->types_len = hdr->type_len;
	b->strs = (const char *)b->data + hdr->hdr_len + hdr->str_off;
	b->strs_len = hdr->str_len;
	if (b->strs[b->strs_len - 1] != '\0')
		return -EINVAL;
	err = kbtf_walk(b, false);
	if (err)
		return err;
	b->offs = sxd_alloc(kvcalloc((size_t)b->nr_types + 1, sizeof(*b->offs), GFP_KERNEL));
	if (!b->offs)
		return -ENOMEM;
	return kbtf_walk(b, true);
}

void kbtf_free(struct kbtf *b)
{
	kvfree(b->offs);
	b->offs = NULL;
	b->nr_types = 0;
}

/* The first type of @kind called @name, or -ENOENT. */
s32 kbtf_find(const struct kbtf *b, const char *name, u32 kind)
{
	u32 id;

	for (id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = kbtf_type(b, id);

		if (btf_kind(t) == kind && !strcmp(kbtf_name(b, t->name_off), name))
			return id;
	}
	return -ENOENT;
}

/* Skip typedefs and modifiers; the id of the type underneath. */
s32 kbtf_resolve(const struct kbtf *b, u32 id)
{
	int i;

	for (i = 0; i < KBTF_MAX_CHAIN; i++) {
		const struct btf_type *t = kbtf_type(b, id);

		if (!t)
			return -EINVAL;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return id;
		}
	}
	return -ELOOP;
}

int kbtf_size(const struct kbtf *b, u32 id, u32 *size)
{
	const struct btf_type *t;
	const struct btf_array *a;
	s32 rid = kbtf_resolve(b, id);
	u32 elem;
	int err;

	if (rid < 0)
		return rid;
	t = kbtf_type(b, rid);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FLOAT:
	case BTF_KIND_DATASEC:
		*size = t->size;
		return 0;
	case BTF_KIND_PTR:
		*size = sizeof(void *);
		return 0;
	case BTF_KIND_ARRAY:
		a = btf_array(t);
		/* Arrays of arrays recurse once per dimension. */
		if (a->type == rid)
			return -ELOOP;
		err = kbtf_size(b, a->type, &elem);
		if (err)
			return err;
		if (check_mul_overflow(elem, a->nelems, size))
			return -E2BIG;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Find @name among @sid's members, looking inside anonymous ones. */
static int kbtf_member1(const struct kbtf *b, u32 sid, const char *name,
			size_t name_len, int depth, u32 *bit_off, u32 *type_id)
{
	const struct btf_type *t;
	const struct btf_member *m;
	s32 rid = kbtf_resolve(b, sid);
	u32 i, vlen;

	if (rid < 0 || depth > KBTF_MAX_NEST)
		return -ENOENT;
	t = kbtf_type(b, rid);
	if (!btf_type_is_struct(t))
		return -ENOENT;
	m = btf_members(t);
	vlen = btf_type_vlen(t);
	for (i = 0; i < vlen; i++, m++) {
		const char *mname = kbtf_name(b, m->name_off);
		u32 boff = __btf_member_bit_offset(t, m);

		if (!*mname) {
			u32 inner_off, inner_id;

			if (!kbtf_member1(b, m->type, name, name_len, depth + 1,
					  &inner_off, &inner_id)) {
				*bit_off = boff + inner_off;
				*type_id = inner_id;
				return 0;
			}
			continue;
		}
		if (strlen(mname) == name_len && !memcmp(mname, name, name_len)) {
			if (__btf_member_bitfield_size(t, m))
				return -EINVAL;	/* no byte offset */
			*bit_off = boff;
			*type_id = m->type;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Byte offset and type of a member of struct @struct_id given by a dotted
 * @path such as "exit_info" or "ops.name" (members of nested structs).
 */
int kbtf_member_type(const struct kbtf *b, u32 struct_id, const char *path,
		     u32 *off, u32 *type_id)
{
	u32 total = 0, id = struct_id;
	const char *p = path;
	int err;

	while (*p) {
		const char *dot = strchrnul(p, '.');
		u32 bit_off, mid;

		err = kbtf_member1(b, id, p, dot - p, 0, &bit_off, &mid);
		if (err)
			return err;
		if (bit_off % 8)
			return -EINVAL;
		total += bit_off / 8;
		id = mid;
		p = *dot ? dot + 1 : dot;
	}
	*off = total;
	*type_id = id;
	return 0;
}

/* Byte offset and size of a member, as kbtf_member_type() finds it. */
int kbtf_member(const struct kbtf *b, u32 struct_id, const char *path,
		u32 *off, u32 *size)
{
	u32 id;
	int err = kbtf_member_type(b, struct_id, path, off, &id);

	return err ? err : kbtf_size(b, id, size);
}

/* The value of the enumerator @name in any ENUM or ENUM64 type. */
int kbtf_enum_value(const struct kbtf *b, const char *name, s64 *val)
{
	u32 id, i;

	for (id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = kbtf_type(b, id);

		if (btf_kind(t) == BTF_KIND_ENUM) {
			const struct btf_enum *e = btf_enum(t);

			for (i = 0; i < btf_type_vlen(t); i++, e++) {
				if (!strcmp(kbtf_name(b, e->name_off), name)) {
					*val = e->val;
					return 0;
				}
			}
		} else if (btf_kind(t) == BTF_KIND_ENUM64) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (i = 0; i < btf_type_vlen(t); i++, e++) {
				if (!strcmp(kbtf_name(b, e->name_off), name)) {
					*val = (s64)btf_enum64_value(e);
					return 0;
				}
			}
		}
	}
	return -ENOENT;
}

/* Enumerator @i of ENUM/ENUM64 type @enum_id; -ENOENT past the last. */
int kbtf_enum_get(const struct kbtf *b, u32 enum_id, u32 i, const char **name,
		  s64 *val)
{
	const struct btf_type *t = kbtf_type(b, enum_id);

	if (!t || i >= btf_type_vlen(t))
		return -ENOENT;
	if (btf_kind(t) == BTF_KIND_ENUM) {
		*name = kbtf_name(b, btf_enum(t)[i].name_off);
		*val = btf_enum(t)[i].val;
	} else if (btf_kind(t) == BTF_KIND_ENUM64) {
		*name = kbtf_name(b, btf_enum64(t)[i].name_off);
		*val = (s64)btf_enum64_value(&btf_enum64(t)[i]);
	} else {
		return -EINVAL;
	}
	return 0;
}

/* Member @i of struct @struct_id: its name and byte offset. */
int kbtf_member_get(const struct kbtf *b, u32 struct_id, u32 i, const char **name,
		    u32 *off)
{
	const struct btf_type *t = kbtf_type(b, struct_id);
	const struct btf_member *m;

	if (!t || !btf_type_is_struct(t) || i >= btf_type_vlen(t))
		return -ENOENT;
	m = btf_members(t) + i;
	*name = kbtf_name(b, m->name_off);
	*off = __btf_member_bit_offset(t, m) / 8;
	return 0;
}

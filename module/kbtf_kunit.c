// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the raw BTF reader (kbtf.c) on blobs built word by word:
 * member resolution, corrupt blobs, modifier loops. Run on UML by
 * kunit/run.sh, in the same test module as dump_writer_kunit.c.
 */
#include <kunit/test.h>
#include <linux/btf.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kbtf.h"

/* A small BTF blob, built word by word as pahole or clang would emit it. */
struct tbtf {
	u32 types[256];
	u32 nt;
	char strs[512];
	u32 ns;
};

static u32 tbtf_str(struct tbtf *b, const char *s)
{
	u32 off = b->ns;

	if (!*s)
		return 0;
	strscpy(b->strs + b->ns, s, sizeof(b->strs) - b->ns);
	b->ns += strlen(s) + 1;
	return off;
}

static void tbtf_w(struct tbtf *b, u32 v)
{
	b->types[b->nt++] = v;
}

static void tbtf_type(struct tbtf *b, const char *name, u32 kind, u32 vlen,
		      bool kflag, u32 size_or_type)
{
	tbtf_w(b, tbtf_str(b, name));
	tbtf_w(b, (kflag ? 1u << 31 : 0) | kind << 24 | vlen);
	tbtf_w(b, size_or_type);
}

static void tbtf_member(struct tbtf *b, const char *name, u32 type, u32 off)
{
	tbtf_w(b, tbtf_str(b, name));
	tbtf_w(b, type);
	tbtf_w(b, off);
}

/* The blob: header, types, strings. kfree() it. */
static u8 *tbtf_blob(struct tbtf *b, size_t *len)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION,
		.hdr_len = offsetofend(struct btf_header, str_len),
		.type_off = 0, .type_len = b->nt * 4,
		.str_off = b->nt * 4, .str_len = b->ns,
	};
	u8 *buf;

	*len = h.hdr_len + h.type_len + h.str_len;
	buf = kzalloc(*len, GFP_KERNEL);
	if (!buf)
		return NULL;
	memcpy(buf, &h, h.hdr_len);
	memcpy(buf + h.hdr_len, b->types, h.type_len);
	memcpy(buf + h.hdr_len + h.type_len, b->strs, h.str_len);
	return buf;
}

/*
 * 1 int, 2 long, 3 union { int c; long d; }, 4 struct { int b; union; },
 * 5 struct inner { int x; }, 6 struct inner[4], 7 struct inner *,
 * 8 struct outer { int a; struct {...}; struct inner *p; struct inner arr[4];
 *   struct inner in; }, 9 enum phase { P_ONE = 1, P_NEG = -5 },
 * 10 typedef outer_t, 11 struct bits { int f1:3; int g; }
 */
static struct tbtf *tbtf_sample(struct kunit *test)
{
	struct tbtf *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->ns = 1;	/* offset 0 is the empty name */
	tbtf_type(b, "int", BTF_KIND_INT, 0, false, 4);
	tbtf_w(b, BTF_INT_SIGNED << 24 | 32);
	tbtf_type(b, "long", BTF_KIND_INT, 0, false, 8);
	tbtf_w(b, BTF_INT_SIGNED << 24 | 64);
	tbtf_type(b, "", BTF_KIND_UNION, 2, false, 8);
	tbtf_member(b, "c", 1, 0);
	tbtf_member(b, "d", 2, 0);
	tbtf_type(b, "", BTF_KIND_STRUCT, 2, false, 16);
	tbtf_member(b, "b", 1, 0);
	tbtf_member(b, "", 3, 64);
	tbtf_type(b, "inner", BTF_KIND_STRUCT, 1, false, 4);
	tbtf_member(b, "x", 1, 0);
	tbtf_type(b, "", BTF_KIND_ARRAY, 0, false, 0);
	tbtf_w(b, 5);
	tbtf_w(b, 1);
	tbtf_w(b, 4);
	tbtf_type(b, "", BTF_KIND_PTR, 0, false, 5);
	tbtf_type(b, "outer", BTF_KIND_STRUCT, 5, false, 56);
	tbtf_member(b, "a", 1, 0);
	tbtf_member(b, "", 4, 64);
	tbtf_member(b, "p", 7, 192);
	tbtf_member(b, "arr", 6, 256);
	tbtf_member(b, "in", 5, 384);
	tbtf_type(b, "phase", BTF_KIND_ENUM, 2, true, 4);
	tbtf_w(b, tbtf_str(b, "P_ONE"));
	tbtf_w(b, 1);
	tbtf_w(b, tbtf_str(b, "P_NEG"));
	tbtf_w(b, (u32)-5);
	tbtf_type(b, "outer_t", BTF_KIND_TYPEDEF, 0, false, 8);
	tbtf_type(b, "bits", BTF_KIND_STRUCT, 2, true, 8);
	tbtf_member(b, "f1", 1, 3u << 24 | 0);
	tbtf_member(b, "g", 1, 32);
	return b;
}

static void kbtf_resolves_members(struct kunit *test)
{
	struct tbtf *t = tbtf_sample(test);
	struct kbtf b;
	u32 off, size;
	size_t len;
	s32 id;
	s64 v;
	u8 *blob = tbtf_blob(t, &len);

	KUNIT_ASSERT_NOT_NULL(test, blob);
	KUNIT_ASSERT_EQ(test, kbtf_parse(&b, blob, len), 0);
	KUNIT_EXPECT_EQ(test, b.nr_types, 11u);
	id = kbtf_find(&b, "outer", BTF_KIND_STRUCT);
	KUNIT_ASSERT_EQ(test, id, 8);
	KUNIT_EXPECT_EQ(test, kbtf_find(&b, "nosuch", BTF_KIND_STRUCT), -ENOENT);

	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "a", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 0u);
	KUNIT_EXPECT_EQ(test, size, 4u);
	/* through an anonymous struct, then an anonymous union */
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "b", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 8u);
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "d", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 16u);
	KUNIT_EXPECT_EQ(test, size, 8u);
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "p", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 24u);
	KUNIT_EXPECT_EQ(test, size, (u32)sizeof(void *));
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "arr", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 32u);
	KUNIT_EXPECT_EQ(test, size, 16u);
	/* a dotted path into a nested named struct */
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "in.x", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 48u);
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "in.y", &off, &size), -ENOENT);
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, id, "nosuch", &off, &size), -ENOENT);
	/* through a typedef */
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, 10, "c", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 16u);
	/* a bitfield has no byte offset */
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, 11, "f1", &off, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbtf_member(&b, 11, "g", &off, &size), 0);
	KUNIT_EXPECT_EQ(test, off, 4u);

	KUNIT_EXPECT_EQ(test, kbtf_enum_value(&b, "P_NEG", &v), 0);
	KUNIT_EXPECT_EQ(test, v, -5ll);
	KUNIT_EXPECT_EQ(test, kbtf_enum_value(&b, "P_NONE", &v), -ENOENT);
	kbtf_free(&b);
	kfree(blob);
}

static void kbtf_rejects_corrupt_blobs(struct kunit *test)
{
	struct tbtf *t = tbtf_sample(test);
	struct btf_header *h;
	struct kbtf b;
	size_t len;
	u8 *blob = tbtf_blob(t, &len);

	KUNIT_ASSERT_NOT_NULL(test, blob);
	h = (void *)blob;
	KUNIT_EXPECT_EQ(test, kbtf_parse(&b, blob, 10), -EINVAL);
	h->magic = 0x1234;
	KUNIT_EXPECT_EQ(test, kbtf_parse(&b, blob, len), -EINVAL);
	h->magic = BTF_MAGIC;
	/* the type section cut in the middle of a type */
	h->type_len -= 4;
	KUNIT_EXPECT_EQ(test, kbtf_parse(&b, blob, len), -EINVAL);
	h->type_len += 4;
	/* sections past the end */
	KUNIT_EXPECT_EQ(test, kbtf_parse(&b, blob, len - 1), -EINVAL);
	/* a string section without its final NUL */
	blob[len - 1] = 'x';
	KUNIT_EXPECT_EQ(test, kbtf_parse(&b, blob, len), -EINVAL);
	blob[len - 1] = '\0';
	/* an unknown kind */
	((u32 *)(blob + h->hdr_len))[1] = 31u << 24;
	KUNIT_EXPECT_EQ(test, kbtf_parse(&b, blob, len), -EINVAL);
	kfree(blob);
}

static void kbtf_stops_modifier_loops(struct kunit *test)
{
	struct tbtf *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct kbtf b;
	size_t len;
	u32 size;
	u8 *blob;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->ns = 1;
	tbtf_type(t, "a", BTF_KIND_TYPEDEF, 0, false, 2);
	tbtf_type(t, "", BTF_KIND_CONST, 0, false, 1);
	blob = tbtf_blob(t, &len);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	KUNIT_ASSERT_EQ(test, kbtf_parse(&b, blob, len), 0);
	KUNIT_EXPECT_EQ(test, kbtf_resolve(&b, 1), -ELOOP);
	KUNIT_EXPECT_NE(test, kbtf_size(&b, 1, &size), 0);
	kbtf_free(&b);
	kfree(blob);
}

static struct kunit_case kbtf_cases[] = {
	KUNIT_CASE(kbtf_resolves_members),
	KUNIT_CASE(kbtf_rejects_corrupt_blobs),
	KUNIT_CASE(kbtf_stops_modifier_loops),
	{}
};

static struct kunit_suite kbtf_suite = {
	.name = "scxdump_kbtf",
	.test_cases = kbtf_cases,
};

kunit_test_suite(kbtf_suite);

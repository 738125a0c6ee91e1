// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of scxdump's pure logic: the dump writer (module/dump_writer.c)
 * and the raw BTF reader (module/kbtf.c), on UML through kunit.py.
 */
#include <kunit/test.h>
#include <linux/btf.h>
#include <linux/crc32.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "dump_writer.h"
#include "kbtf.h"

struct test_rec {
	struct sxd_rec rec;
	u32 a;
	u32 b;
};

static u32 file_crc(u8 *buf, size_t len)
{
	struct sxd_file_header *h = (void *)buf;
	u32 saved = h->crc32, crc;

	h->crc32 = 0;
	crc = ~crc32_le(~0u, buf, len);
	h->crc32 = saved;
	return crc;
}

static void writer_rejects_tiny_limit(struct kunit *test)
{
	struct sxd_writer w;

	KUNIT_EXPECT_EQ(test, sxw_init(&w, 16), -EINVAL);
}

static void writer_frames_and_pads(struct kunit *test)
{
	struct sxd_writer w;
	struct test_rec r = { .a = 0x11223344, .b = 7 };
	const char tail[3] = { 'x', 'y', 'z' };
	struct sxd_iov iov[2] = { { &r, sizeof(r) }, { tail, sizeof(tail) } };
	struct sxd_end end = { .nr_maps = 5 };
	struct sxd_file_header *h;
	struct sxd_rec *rec;
	size_t len, off;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, sxw_init(&w, 1 << 20), 0);
	KUNIT_ASSERT_EQ(test, sxw_record(&w, 42, iov, 2), 0);
	KUNIT_ASSERT_EQ(test, sxw_finish(&w, &end), 0);
	buf = sxw_detach(&w, &len);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	h = (void *)buf;
	KUNIT_EXPECT_EQ(test, memcmp(h->magic, SXD_MAGIC, 8), 0);
	KUNIT_EXPECT_EQ(test, h->version, SXD_VERSION);
	KUNIT_EXPECT_EQ(test, h->header_size, (u32)sizeof(*h));
	KUNIT_EXPECT_EQ(test, h->total_size, (u64)len);
	KUNIT_EXPECT_EQ(test, h->nr_records, 2u);
	KUNIT_EXPECT_EQ(test, h->flags, 0u);
	KUNIT_EXPECT_EQ(test, h->crc32, file_crc(buf, len));

	off = sizeof(*h);
	rec = (void *)(buf + off);
	KUNIT_EXPECT_EQ(test, rec->type, 42u);
	KUNIT_EXPECT_EQ(test, rec->size, (u32)(sizeof(r) + sizeof(tail)));
	KUNIT_EXPECT_EQ(test, ((struct test_rec *)rec)->a, 0x11223344u);
	KUNIT_EXPECT_EQ(test, memcmp(buf + off + sizeof(r), tail, 3), 0);
	/* padded with zeroes to the next 8-byte boundary */
	KUNIT_EXPECT_EQ(test, buf[off + sizeof(r) + 3], 0);
	off += sxd_align(rec->size);
	rec = (void *)(buf + off);
	KUNIT_EXPECT_EQ(test, rec->type, (u32)SXD_REC_END);
	KUNIT_EXPECT_EQ(test, ((struct sxd_end *)rec)->nr_maps, 5u);
	KUNIT_EXPECT_EQ(test, off + sxd_align(rec->size), len);
	kvfree(buf);
}

static void writer_counts_what_does_not_fit(struct kunit *test)
{
	struct sxd_writer w;
	static u8 big[8192];
	struct sxd_rec hdr;
	struct sxd_iov iov[2] = { { &hdr, sizeof(hdr) }, { big, sizeof(big) } };
	struct sxd_iov small = { &hdr, sizeof(hdr) };
	struct sxd_end end = { };
	struct sxd_file_header *h;
	size_t len;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, sxw_init(&w, 4096), 0);
	KUNIT_EXPECT_EQ(test, sxw_record(&w, 5, iov, 2), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, w.truncated);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 1ull);
	KUNIT_EXPECT_EQ(test, w.bytes_omitted, (u64)sxd_align(sizeof(hdr) + sizeof(big)));
	/* a smaller record still fits after a refused one */
	KUNIT_EXPECT_EQ(test, sxw_record(&w, 6, &small, 1), 0);
	KUNIT_EXPECT_TRUE(test, sxw_fits(&w, 64));
	KUNIT_EXPECT_FALSE(test, sxw_fits(&w, 8192));
	KUNIT_ASSERT_EQ(test, sxw_finish(&w, &end), 0);
	KUNIT_EXPECT_EQ(test, end.records_omitted, 1ull);
	buf = sxw_detach(&w, &len);
	h = (void *)buf;
	KUNIT_EXPECT_EQ(test, h->flags, (u32)SXD_F_TRUNCATED);
	KUNIT_EXPECT_LE(test, len, (size_t)4096);
	KUNIT_EXPECT_EQ(test, h->crc32, file_crc(buf, len));
	kvfree(buf);
}

static void writer_grows_past_initial_buffer(struct kunit *test)
{
	struct sxd_writer w;
	struct test_rec r = { };
	struct sxd_iov iov = { &r, sizeof(r) };
	struct sxd_end end = { };
	struct test_rec *p;
	size_t len, off;
	u32 i, n = 10000;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, sxw_init(&w, 8 << 20), 0);
	for (i = 0; i < n; i++) {
		r.a = i;
		r.b = ~i;
		KUNIT_ASSERT_EQ(test, sxw_record(&w, 1, &iov, 1), 0);
	}
	KUNIT_ASSERT_EQ(test, sxw_finish(&w, &end), 0);
	buf = sxw_detach(&w, &len);
	KUNIT_EXPECT_GT(test, len, (size_t)(64 << 10));
	for (i = 0, off = sizeof(struct sxd_file_header); i < n; i++, off += sxd_align(sizeof(r))) {
		p = (void *)(buf + off);
		if (p->a != i || p->b != ~i)
			break;
	}
	KUNIT_EXPECT_EQ(test, i, n);
	kvfree(buf);
}

/*
 * Fixed (as inside stop_machine): records use the room prepared before,
 * never more, and what does not fit is counted, not allocated for.
 */
static void writer_fixed_uses_prepared_room(struct kunit *test)
{
	struct sxd_writer w;
	struct test_rec r = { };
	struct sxd_iov iov = { &r, sizeof(r) };
	size_t rec = sxd_align(sizeof(r)), cap;
	u32 i, written = 0;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, sxw_init(&w, 8 << 20), 0);
	/* more than the writer's first 64 KiB, so that it does allocate */
	KUNIT_ASSERT_EQ(test, sxw_prealloc(&w, 8192 * rec), 0);
	cap = w.cap;
	buf = w.buf;
	KUNIT_EXPECT_EQ(test, cap, w.len + w.reserve + 8192 * rec);
	sxw_fix(&w, true);
	for (i = 0; i < 8200; i++)
		written += sxw_record(&w, 1, &iov, 1) == 0;
	KUNIT_EXPECT_EQ(test, written, 8192u);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 8ull);
	KUNIT_EXPECT_TRUE(test, w.truncated);
	KUNIT_EXPECT_PTR_EQ(test, w.buf, buf);	/* never reallocated */
	KUNIT_EXPECT_EQ(test, w.cap, cap);
	sxw_fix(&w, false);
	KUNIT_EXPECT_EQ(test, sxw_record(&w, 1, &iov, 1), 0);	/* grows again */
	KUNIT_EXPECT_GT(test, w.cap, cap);
	/* a room past the limit is cut to it */
	KUNIT_EXPECT_EQ(test, sxw_prealloc(&w, SIZE_MAX), 0);
	KUNIT_EXPECT_EQ(test, w.cap, (size_t)(8 << 20));
	sxw_release(&w);
}

/*
 * Room asked for again and again (one bucket of a map after the other):
 * the buffer doubles instead of growing to each exact need, a fixed
 * writer answers from the room it has, and the limit still holds.
 */
static void writer_make_room_doubles(struct kunit *test)
{
	struct sxd_writer w;
	struct test_rec r = { };
	struct sxd_iov iov = { &r, sizeof(r) };
	size_t rec = sxd_align(sizeof(r)), cap;
	u32 i, grows = 0;

	KUNIT_ASSERT_EQ(test, sxw_init(&w, 8 << 20), 0);
	for (i = 0; i < 4096; i++) {
		cap = w.cap;
		KUNIT_ASSERT_EQ(test, sxw_make_room(&w, 16 * rec), 0);
		KUNIT_EXPECT_GE(test, w.cap, w.len + w.reserve + 16 * rec);
		grows += w.cap != cap;
		sxw_fix(&w, true);
		KUNIT_ASSERT_EQ(test, sxw_record(&w, 1, &iov, 1), 0);	/* fits: no allocation */
		sxw_fix(&w, false);
	}
	/* 4096 records of 16 bytes from 64 KiB: doubling, not 4096 copies */
	KUNIT_EXPECT_LE(test, grows, 4u);
	/* fixed, it never grows: more than it has is refused */
	KUNIT_EXPECT_TRUE(test, sxw_fix(&w, true) == false);
	KUNIT_EXPECT_EQ(test, sxw_make_room(&w, w.cap), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, sxw_fix(&w, false));
	/* past the limit: cut to it */
	KUNIT_EXPECT_EQ(test, sxw_make_room(&w, SIZE_MAX), 0);
	KUNIT_EXPECT_EQ(test, w.cap, (size_t)(8 << 20));
	sxw_release(&w);
}

static void writer_rejects_bad_records(struct kunit *test)
{
	struct sxd_writer w;
	u32 tiny = 0;
	struct sxd_iov iov = { &tiny, sizeof(tiny) };

	KUNIT_ASSERT_EQ(test, sxw_init(&w, 1 << 16), 0);
	KUNIT_EXPECT_EQ(test, sxw_record(&w, 1, &iov, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, sxw_record(&w, 1, &iov, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, w.nr_records, 0u);
	sxw_release(&w);
	KUNIT_EXPECT_EQ(test, sxw_record(&w, 1, &iov, 1), -EINVAL);
}

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

static struct kunit_case scxdump_cases[] = {
	KUNIT_CASE(writer_rejects_tiny_limit),
	KUNIT_CASE(writer_frames_and_pads),
	KUNIT_CASE(writer_counts_what_does_not_fit),
	KUNIT_CASE(writer_grows_past_initial_buffer),
	KUNIT_CASE(writer_fixed_uses_prepared_room),
	KUNIT_CASE(writer_make_room_doubles),
	KUNIT_CASE(writer_rejects_bad_records),
	KUNIT_CASE(kbtf_resolves_members),
	KUNIT_CASE(kbtf_rejects_corrupt_blobs),
	KUNIT_CASE(kbtf_stops_modifier_loops),
	{}
};

static struct kunit_suite scxdump_suite = {
	.name = "scxdump",
	.test_cases = scxdump_cases,
};

kunit_test_suite(scxdump_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for scxdump's dump writer and BTF reader");

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the dump writer (dump_writer.c): framing, padding, the
 * limit and what is counted when a record does not fit, growth, the
 * fixed room of the consistent snapshot, and the reserve kept for the
 * records that say what a dump holds. Run on UML by kunit/run.sh.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "dump_writer.h"

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
	struct dump_writer w;

	KUNIT_EXPECT_EQ(test, dump_writer_init(&w, 16), -EINVAL);
}

/* A dump over several CRC chunks (1 MiB each): the CRC of the whole. */
static void writer_crc_spans_chunks(struct kunit *test)
{
	size_t n = (5u << 19) + 13, len;	/* 2.5 MiB and an odd tail */
	struct sxd_end end = { };
	struct dump_writer w;
	struct dump_iov iov;
	u8 *data, *buf;
	size_t i;

	data = kvmalloc(n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	for (i = 0; i < n; i++)
		data[i] = (u8)(i * 131 + (i >> 11));
	iov = (struct dump_iov){ data, n };
	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 8 << 20), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_record(&w, 42, &iov, 1), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_finish(&w, &end), 0);
	buf = dump_writer_detach(&w, &len);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_GT(test, len, n);
	KUNIT_EXPECT_EQ(test, ((struct sxd_file_header *)buf)->crc32, file_crc(buf, len));
	kvfree(buf);
	kvfree(data);
}

static void writer_frames_and_pads(struct kunit *test)
{
	struct dump_writer w;
	struct test_rec r = { .a = 0x11223344, .b = 7 };
	const char tail[3] = { 'x', 'y', 'z' };
	struct dump_iov iov[2] = { { &r, sizeof(r) }, { tail, sizeof(tail) } };
	struct sxd_end end = { .nr_maps = 5 };
	struct sxd_file_header *h;
	struct sxd_rec *rec;
	size_t len, off;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 1 << 20), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_record(&w, 42, iov, 2), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_finish(&w, &end), 0);
	buf = dump_writer_detach(&w, &len);
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
	struct dump_writer w;
	static u8 big[8192];
	struct sxd_rec hdr;
	struct dump_iov iov[2] = { { &hdr, sizeof(hdr) }, { big, sizeof(big) } };
	struct dump_iov small = { &hdr, sizeof(hdr) };
	struct sxd_end end = { };
	struct sxd_file_header *h;
	size_t len;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 4096), 0);
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 5, iov, 2), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, w.truncated);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 1ull);
	KUNIT_EXPECT_EQ(test, w.bytes_omitted, (u64)sxd_align(sizeof(hdr) + sizeof(big)));
	/* a smaller record still fits after a refused one */
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 6, &small, 1), 0);
	KUNIT_EXPECT_TRUE(test, dump_writer_fits(&w, 64));
	KUNIT_EXPECT_FALSE(test, dump_writer_fits(&w, 8192));
	KUNIT_ASSERT_EQ(test, dump_writer_finish(&w, &end), 0);
	KUNIT_EXPECT_EQ(test, end.records_omitted, 1ull);
	buf = dump_writer_detach(&w, &len);
	h = (void *)buf;
	KUNIT_EXPECT_EQ(test, h->flags, (u32)SXD_F_TRUNCATED);
	KUNIT_EXPECT_LE(test, len, (size_t)4096);
	KUNIT_EXPECT_EQ(test, h->crc32, file_crc(buf, len));
	kvfree(buf);
}

static void writer_grows_past_initial_buffer(struct kunit *test)
{
	struct dump_writer w;
	struct test_rec r = { };
	struct dump_iov iov = { &r, sizeof(r) };
	struct sxd_end end = { };
	struct test_rec *p;
	size_t len, off;
	u32 i, n = 10000;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 8 << 20), 0);
	for (i = 0; i < n; i++) {
		r.a = i;
		r.b = ~i;
		KUNIT_ASSERT_EQ(test, dump_writer_record(&w, 1, &iov, 1), 0);
	}
	KUNIT_ASSERT_EQ(test, dump_writer_finish(&w, &end), 0);
	buf = dump_writer_detach(&w, &len);
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
	struct dump_writer w;
	struct test_rec r = { };
	struct dump_iov iov = { &r, sizeof(r) };
	size_t rec = sxd_align(sizeof(r)), cap;
	u32 i, written = 0;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 8 << 20), 0);
	/* more than the writer's first 64 KiB, so that it does allocate */
	KUNIT_ASSERT_EQ(test, dump_writer_prealloc(&w, 8192 * rec), 0);
	cap = w.cap;
	buf = w.buf;
	KUNIT_EXPECT_EQ(test, cap, w.len + w.reserve + 8192 * rec);
	dump_writer_fix(&w, true);
	for (i = 0; i < 8200; i++)
		written += dump_writer_record(&w, 1, &iov, 1) == 0;
	KUNIT_EXPECT_EQ(test, written, 8192u);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 8ull);
	KUNIT_EXPECT_TRUE(test, w.truncated);
	KUNIT_EXPECT_PTR_EQ(test, w.buf, buf);	/* never reallocated */
	KUNIT_EXPECT_EQ(test, w.cap, cap);
	dump_writer_fix(&w, false);
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 1, &iov, 1), 0);	/* grows again */
	KUNIT_EXPECT_GT(test, w.cap, cap);
	/* a room past the limit is cut to it */
	KUNIT_EXPECT_EQ(test, dump_writer_prealloc(&w, SIZE_MAX), 0);
	KUNIT_EXPECT_EQ(test, w.cap, (size_t)(8 << 20));
	dump_writer_release(&w);
}

/*
 * Room asked for again and again (one bucket of a map after the other):
 * the buffer doubles instead of growing to each exact need, a fixed
 * writer answers from the room it has, and the limit still holds.
 */
static void writer_make_room_doubles(struct kunit *test)
{
	struct dump_writer w;
	struct test_rec r = { };
	struct dump_iov iov = { &r, sizeof(r) };
	size_t rec = sxd_align(sizeof(r)), cap;
	u32 i, grows = 0;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 8 << 20), 0);
	for (i = 0; i < 4096; i++) {
		cap = w.cap;
		KUNIT_ASSERT_EQ(test, dump_writer_make_room(&w, 16 * rec), 0);
		KUNIT_EXPECT_GE(test, w.cap, w.len + w.reserve + 16 * rec);
		grows += w.cap != cap;
		dump_writer_fix(&w, true);
		/* fits: no allocation */
		KUNIT_ASSERT_EQ(test, dump_writer_record(&w, 1, &iov, 1), 0);
		dump_writer_fix(&w, false);
	}
	/* 4096 records of 16 bytes from 64 KiB: doubling, not 4096 copies */
	KUNIT_EXPECT_LE(test, grows, 4u);
	/* fixed, it never grows: more than it has is refused */
	KUNIT_EXPECT_TRUE(test, dump_writer_fix(&w, true) == false);
	KUNIT_EXPECT_EQ(test, dump_writer_make_room(&w, w.cap), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, dump_writer_fix(&w, false));
	/* past the limit: cut to it */
	KUNIT_EXPECT_EQ(test, dump_writer_make_room(&w, SIZE_MAX), 0);
	KUNIT_EXPECT_EQ(test, w.cap, (size_t)(8 << 20));
	dump_writer_release(&w);
}

static void writer_rejects_bad_records(struct kunit *test)
{
	struct dump_writer w;
	u32 tiny = 0;
	struct dump_iov iov = { &tiny, sizeof(tiny) };

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 1 << 16), 0);
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 1, &iov, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 1, &iov, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, w.nr_records, 0u);
	dump_writer_release(&w);
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 1, &iov, 1), -EINVAL);
}

/*
 * A record filled in place: framed and padded as dump_writer_record()
 * does; its room capped by the limit and, while fixed, by the room
 * prepared; no other record while it is open (refused and counted as
 * omitted); a cancelled one leaves nothing.
 */
static void writer_fills_records_in_place(struct kunit *test)
{
	struct test_rec r = { .a = 1 };
	struct dump_iov iov = { &r, sizeof(r) };
	struct test_rec *p;
	struct dump_writer w;
	size_t room, len0;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 1 << 20), 0);
	len0 = w.len;
	p = dump_writer_open(&w, 1000, &room);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, room, (size_t)1000);
	KUNIT_EXPECT_NULL(test, dump_writer_open(&w, 8, &room));	/* one at a time */
	/* refused, and counted as left out: the dump says it is cut */
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 1, &iov, 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 1ull);
	p->a = 0xabcd;
	((u8 *)p)[sizeof(*p)] = 0x77;
	((u8 *)p)[sizeof(*p) + 1] = 0xee;	/* past the size: padding */
	dump_writer_close(&w, 9, sizeof(*p) + 1);
	KUNIT_EXPECT_EQ(test, w.len, len0 + sxd_align(sizeof(*p) + 1));
	KUNIT_EXPECT_EQ(test, w.nr_records, 1u);
	KUNIT_EXPECT_EQ(test, p->rec.type, 9u);
	KUNIT_EXPECT_EQ(test, p->rec.size, (u32)(sizeof(*p) + 1));
	KUNIT_EXPECT_EQ(test, p->a, 0xabcdu);
	KUNIT_EXPECT_EQ(test, ((u8 *)p)[sizeof(*p) + 1], 0);
	/* cancelled: nothing written, the next record goes there */
	KUNIT_ASSERT_NOT_NULL(test, dump_writer_open(&w, 64, &room));
	dump_writer_cancel(&w);
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 1, &iov, 1), 0);
	KUNIT_EXPECT_EQ(test, w.nr_records, 2u);
	/* near the limit: the room left, 8-aligned, the END record's kept */
	len0 = w.len;
	KUNIT_ASSERT_NOT_NULL(test, dump_writer_open(&w, 2 << 20, &room));
	KUNIT_EXPECT_EQ(test, room, (size_t)round_down((1 << 20) - len0 - w.reserve, SXD_ALIGN));
	dump_writer_cancel(&w);
	/* fixed: only the room allocated */
	dump_writer_fix(&w, true);
	KUNIT_ASSERT_NOT_NULL(test, dump_writer_open(&w, 2 << 20, &room));
	KUNIT_EXPECT_LE(test, w.len + room + w.reserve, w.cap);
	dump_writer_cancel(&w);
	dump_writer_omit(&w, 100);
	KUNIT_EXPECT_TRUE(test, w.truncated);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 2ull);
	KUNIT_EXPECT_EQ(test, w.bytes_omitted, (u64)(sxd_align(sizeof(r)) + sxd_align(100)));
	dump_writer_release(&w);
}

/*
 * The reserve: a writer filled to the brim by entries (in place, as the
 * map walks fill them, and whole records) still takes every reserved
 * record, then the END record, and never more than the limit.
 */
static void writer_reserve_outlasts_entries(struct kunit *test)
{
	struct test_rec r = { .a = 3 };
	struct dump_iov iov = { &r, sizeof(r) };
	size_t rec = sxd_align(sizeof(r)), room, len, off, res0;
	struct sxd_end end = { };
	struct sxd_file_header *h;
	struct dump_writer w;
	u32 i, types[4] = { };
	struct sxd_rec *p;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 64 << 10), 0);
	res0 = w.reserve;
	KUNIT_ASSERT_EQ(test, dump_writer_reserve(&w, 10 * rec), 0);
	KUNIT_EXPECT_EQ(test, w.reserve, res0 + 10 * rec);
	/* entries in place until no room is left: the reserve is not theirs */
	while ((p = dump_writer_open(&w, 4096, &room)))
		dump_writer_close(&w, 1, room);
	KUNIT_EXPECT_EQ(test, w.len + w.reserve, (size_t)(64 << 10));
	KUNIT_EXPECT_EQ(test, dump_writer_record(&w, 2, &iov, 1), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, dump_writer_fits(&w, 0));
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, dump_writer_record_reserved(&w, 3, &iov, 1), 0);
	KUNIT_EXPECT_EQ(test, w.reserve, res0);
	/* the reserve is spent; the END record's room is never drawn */
	KUNIT_EXPECT_EQ(test, dump_writer_record_reserved(&w, 3, &iov, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, w.records_omitted, 2ull);
	KUNIT_ASSERT_EQ(test, dump_writer_finish(&w, &end), 0);
	KUNIT_EXPECT_EQ(test, end.records_omitted, 2ull);
	buf = dump_writer_detach(&w, &len);
	h = (void *)buf;
	KUNIT_EXPECT_EQ(test, len, (size_t)(64 << 10));
	KUNIT_EXPECT_EQ(test, h->total_size, (u64)len);
	KUNIT_EXPECT_EQ(test, h->crc32, file_crc(buf, len));
	for (off = sizeof(*h); off < len; off += sxd_align(p->size)) {
		p = (void *)(buf + off);
		types[p->type == SXD_REC_END ? 0 : p->type]++;
	}
	KUNIT_EXPECT_EQ(test, off, len);
	KUNIT_EXPECT_GT(test, types[1], 0u);
	KUNIT_EXPECT_EQ(test, types[2], 0u);
	KUNIT_EXPECT_EQ(test, types[3], 10u);
	KUNIT_EXPECT_EQ(test, types[0], 1u);
	kvfree(buf);
}

/*
 * A reserve asked for past the limit is refused whole; reserves add up;
 * a reserved record larger than what is left of the reserve takes the
 * rest from the free room, never the END record's.
 */
static void writer_reserve_refused_and_overdrawn(struct kunit *test)
{
	struct test_rec r = { };
	static u8 big[1024];
	struct dump_iov iov[2] = { { &r, sizeof(r) }, { big, sizeof(big) } };
	struct dump_writer w;
	size_t len0, res0;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 64 << 10), 0);
	res0 = w.reserve;
	KUNIT_EXPECT_EQ(test, dump_writer_reserve(&w, 64 << 10), -ENOSPC);
	KUNIT_EXPECT_EQ(test, w.reserve, res0);
	KUNIT_ASSERT_EQ(test, dump_writer_reserve(&w, 32), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_reserve(&w, 32), 0);
	KUNIT_EXPECT_EQ(test, w.reserve, res0 + 64);
	len0 = w.len;
	KUNIT_EXPECT_EQ(test, dump_writer_record_reserved(&w, 3, iov, 2), 0);
	KUNIT_EXPECT_EQ(test, w.len, len0 + sxd_align(sizeof(r) + sizeof(big)));
	KUNIT_EXPECT_EQ(test, w.reserve, res0);
	dump_writer_release(&w);
}

/*
 * Fixed (inside stop_machine): the room prepared holds the reserve too,
 * so reserved records are written there after the entries filled it.
 */
static void writer_reserve_in_fixed_room(struct kunit *test)
{
	struct test_rec r = { };
	struct dump_iov iov = { &r, sizeof(r) };
	size_t rec = sxd_align(sizeof(r)), cap;
	struct dump_writer w;
	u32 i, written = 0;

	KUNIT_ASSERT_EQ(test, dump_writer_init(&w, 8 << 20), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_reserve(&w, 4 * rec), 0);
	KUNIT_ASSERT_EQ(test, dump_writer_prealloc(&w, 8192 * rec), 0);
	cap = w.cap;
	dump_writer_fix(&w, true);
	for (i = 0; i < 8200; i++)
		written += dump_writer_record(&w, 1, &iov, 1) == 0;
	KUNIT_EXPECT_EQ(test, written, 8192u);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, dump_writer_record_reserved(&w, 3, &iov, 1), 0);
	KUNIT_EXPECT_EQ(test, w.cap, cap);
	dump_writer_fix(&w, false);
	dump_writer_release(&w);
}

static struct kunit_case dump_writer_cases[] = {
	KUNIT_CASE(writer_rejects_tiny_limit),
	KUNIT_CASE(writer_frames_and_pads),
	KUNIT_CASE(writer_crc_spans_chunks),
	KUNIT_CASE(writer_counts_what_does_not_fit),
	KUNIT_CASE(writer_grows_past_initial_buffer),
	KUNIT_CASE(writer_fixed_uses_prepared_room),
	KUNIT_CASE(writer_make_room_doubles),
	KUNIT_CASE(writer_rejects_bad_records),
	KUNIT_CASE(writer_fills_records_in_place),
	KUNIT_CASE(writer_reserve_outlasts_entries),
	KUNIT_CASE(writer_reserve_refused_and_overdrawn),
	KUNIT_CASE(writer_reserve_in_fixed_room),
	{}
};

static struct kunit_suite dump_writer_suite = {
	.name = "scxdump_dump_writer",
	.test_cases = dump_writer_cases,
};

kunit_test_suite(dump_writer_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for scxdump's dump writer and BTF reader");

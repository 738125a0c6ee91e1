// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the walk of a hash's flat copy (htab_copy.c): the lists
 * of a made-up copy whose links point at an address where nothing is
 * (the area's, as the stop copied it), every element in a list met once
 * and no other, and a corrupted link (outside the area, between two
 * elements, a cycle) ending its list, counted, never followed.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/list_nulls.h>
#include <linux/slab.h>
#include "htab_copy.h"

#define T_NR		8
#define T_BUCKETS	4
#define T_ELEM		48	/* node (16 bytes) at 8, the id at 40 */
#define T_NODE		8
#define T_ID		40
#define T_BUCKET	16	/* head at 0, a lock word after it */
#define T_AT		0xffff888012340000ul	/* where the area "was" */

struct tcopy {
	u8 elems[T_NR * T_ELEM];
	u8 buckets[T_BUCKETS * T_BUCKET];
	struct htab_copy hc;
	unsigned long seen[BITS_TO_LONGS(T_NR)];
	u32 got[T_NR];
	u32 nr_got;
	struct kunit *test;
};

static unsigned long t_node(u32 i)
{
	return T_AT + i * T_ELEM + T_NODE;
}

static void t_set(u8 *at, unsigned long v)
{
	memcpy(at, &v, sizeof(v));
}

/* bucket b's list: the elements of @ids in that order, then b's nulls */
static void t_list(struct tcopy *t, u32 b, const u32 *ids, u32 n)
{
	unsigned long next = (unsigned long)b << 1 | 1;	/* INIT_HLIST_NULLS_HEAD(, b) */
	u32 i = n;

	while (i--) {
		t_set(t->elems + ids[i] * T_ELEM + T_NODE, next);
		next = t_node(ids[i]);
	}
	t_set(t->buckets + b * T_BUCKET, next);
}

static struct tcopy *t_copy(struct kunit *test)
{
	struct tcopy *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u32 b, i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	for (i = 0; i < T_NR; i++) {
		t->elems[i * T_ELEM + T_ID] = 100 + i;
		/* free elements: a stale next, as a freelist leaves them */
		t_set(t->elems + i * T_ELEM + T_NODE, t_node((i + 1) % T_NR));
	}
	for (b = 0; b < T_BUCKETS; b++)
		t_list(t, b, NULL, 0);
	t->hc = (struct htab_copy){
		.elems = t->elems, .elems_at = T_AT, .elems_len = sizeof(t->elems),
		.elem_size = T_ELEM, .node_off = T_NODE,
		.buckets = t->buckets, .n_buckets = T_BUCKETS, .bucket_size = T_BUCKET,
		.head_off = 0,
	};
	return t;
}

/* the walk; got[] the ids of the elements it found, in address order */
static u32 t_walk(struct tcopy *t, struct htab_copy_bad *bad)
{
	u32 n, i;

	memset(bad, 0, sizeof(*bad));
	bitmap_zero(t->seen, T_NR);
	n = htab_copy_walk(&t->hc, t->seen, bad);
	t->nr_got = 0;
	for_each_set_bit(i, t->seen, T_NR)
		t->got[t->nr_got++] = t->elems[i * T_ELEM + T_ID];
	KUNIT_EXPECT_EQ(t->test, t->nr_got, n);
	return n;
}

/* Three lists: exactly their elements (1 and 4 are free, in none). */
static void htab_copy_walks_the_lists(struct kunit *test)
{
	static const u32 b0[] = { 5, 2, 7 }, b2[] = { 0 }, b3[] = { 3, 6 };
	static const u32 want[] = { 100, 102, 103, 105, 106, 107 };
	struct tcopy *t = t_copy(test);
	struct htab_copy_bad bad;
	u32 i;

	t_list(t, 0, b0, 3);
	t_list(t, 2, b2, 1);
	t_list(t, 3, b3, 2);
	KUNIT_EXPECT_EQ(test, t_walk(t, &bad), 6);
	KUNIT_EXPECT_EQ(test, bad.nr, 0);
	KUNIT_ASSERT_EQ(test, t->nr_got, 6);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, t->got[i], want[i]);
	KUNIT_EXPECT_EQ(test, htab_copy_nr_elems(&t->hc), T_NR);
}

/* A link past the area's end ends its list; the other lists are whole. */
static void htab_copy_link_outside_the_area(struct kunit *test)
{
	static const u32 b1[] = { 4, 1 }, b3[] = { 3 };
	struct tcopy *t = t_copy(test);
	struct htab_copy_bad bad;

	t_list(t, 1, b1, 2);
	t_list(t, 3, b3, 1);
	t_set(t->elems + 4 * T_ELEM + T_NODE, T_AT + T_NR * T_ELEM + T_NODE);
	KUNIT_EXPECT_EQ(test, t_walk(t, &bad), 2);
	KUNIT_EXPECT_EQ(test, bad.nr, 1);
	KUNIT_EXPECT_EQ(test, bad.bucket, 1);
	KUNIT_EXPECT_EQ(test, bad.link, T_AT + T_NR * T_ELEM + T_NODE);
	KUNIT_EXPECT_STREQ(test, bad.why, "a link leaves the element area");
	KUNIT_ASSERT_EQ(test, t->nr_got, 2);
	KUNIT_EXPECT_EQ(test, t->got[0], 103);
	KUNIT_EXPECT_EQ(test, t->got[1], 104);

	/* below the area, and a kernel pointer far from it */
	t_set(t->buckets + 1 * T_BUCKET, T_AT - T_ELEM + T_NODE);
	KUNIT_EXPECT_EQ(test, t_walk(t, &bad), 1);
	KUNIT_EXPECT_EQ(test, bad.nr, 1);
	t_set(t->buckets + 1 * T_BUCKET, 0xffffffff81000000ul);
	KUNIT_EXPECT_EQ(test, t_walk(t, &bad), 1);
	KUNIT_EXPECT_EQ(test, bad.link, 0xffffffff81000000ul);
}

/* A link into the area but not at an element's node. */
static void htab_copy_link_between_elements(struct kunit *test)
{
	static const u32 b0[] = { 2, 6 };
	struct tcopy *t = t_copy(test);
	struct htab_copy_bad bad;

	t_list(t, 0, b0, 2);
	t_set(t->elems + 2 * T_ELEM + T_NODE, t_node(6) + 8);
	KUNIT_EXPECT_EQ(test, t_walk(t, &bad), 1);
	KUNIT_EXPECT_EQ(test, bad.nr, 1);
	KUNIT_EXPECT_EQ(test, bad.link, t_node(6) + 8);
	KUNIT_EXPECT_STREQ(test, bad.why, "a link leaves the element area");
}

/* A cycle, and two lists joined: each element once, the walk ends. */
static void htab_copy_cycles_end(struct kunit *test)
{
	static const u32 b0[] = { 1, 2, 3 }, b2[] = { 5 };
	struct tcopy *t = t_copy(test);
	struct htab_copy_bad bad;

	t_list(t, 0, b0, 3);
	t_set(t->elems + 3 * T_ELEM + T_NODE, t_node(1));	/* 3 -> 1 */
	t_list(t, 2, b2, 1);
	t_set(t->elems + 5 * T_ELEM + T_NODE, t_node(2));	/* 5 -> 2 */
	KUNIT_EXPECT_EQ(test, t_walk(t, &bad), 4);
	KUNIT_EXPECT_EQ(test, bad.nr, 2);
	KUNIT_EXPECT_EQ(test, bad.bucket, 0);
	KUNIT_EXPECT_STREQ(test, bad.why, "an element met twice");
	KUNIT_ASSERT_EQ(test, t->nr_got, 4);
	KUNIT_EXPECT_EQ(test, t->got[0], 101);
	KUNIT_EXPECT_EQ(test, t->got[3], 105);
}

static struct kunit_case htab_copy_cases[] = {
	KUNIT_CASE(htab_copy_walks_the_lists),
	KUNIT_CASE(htab_copy_link_outside_the_area),
	KUNIT_CASE(htab_copy_link_between_elements),
	KUNIT_CASE(htab_copy_cycles_end),
	{}
};

static struct kunit_suite htab_copy_suite = {
	.name = "scxdump_htab_copy",
	.test_cases = htab_copy_cases,
};

kunit_test_suite(htab_copy_suite);

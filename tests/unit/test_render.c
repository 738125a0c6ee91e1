// SPDX-License-Identifier: GPL-2.0
/*
 * The decoder's BTF renderer, kind by kind: BTF built with libbpf's
 * btf__add_*(), bytes laid out here by hand, and the JSON the renderer
 * must make of them. Prints "ok - ..." / "not ok - ..." and a RESULT line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "../../userspace/json.h"
#include "../../userspace/render.h"

static int passed, failed;

/* Render @size bytes as @id (pointers into @mem) and compare with @want. */
static void check_mem(const char *what, const struct btf *btf, int id, const void *data,
		      size_t size, const struct render_mem *mem, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	yajl_gen g = json_open(out, false);

	render_value_mem(g, btf, id, data, size, mem);
	json_close(g);
	fclose(out);
	if (!strcmp(buf, want)) {
		passed++;
		printf("ok - %s\n", what);
	} else {
		failed++;
		printf("not ok - %s\n#   want: %s\n#   got:  %s\n", what, want, buf);
	}
	free(buf);
}

static void check(const char *what, const struct btf *btf, int id, const void *data,
		  size_t size, const char *want)
{
	check_mem(what, btf, id, data, size, NULL, want);
}

static void test_ints(void)
{
	struct btf *b = btf__new_empty();
	int u8 = btf__add_int(b, "unsigned char", 1, 0);
	int s8 = btf__add_int(b, "signed char", 1, BTF_INT_SIGNED);
	int s16 = btf__add_int(b, "short", 2, BTF_INT_SIGNED);
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int u64 = btf__add_int(b, "unsigned long", 8, 0);
	int s64 = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	int bo = btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	int ch = btf__add_int(b, "char", 1, BTF_INT_CHAR | BTF_INT_SIGNED);
	int i128 = btf__add_int(b, "__int128", 16, BTF_INT_SIGNED);
	uint64_t umax = UINT64_MAX;
	int64_t smin = INT64_MIN;
	uint8_t x[16] = { 0xff, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	check("u8", b, u8, x, 1, "255");
	check("s8 negative", b, s8, x, 1, "-1");
	check("s16 negative", b, s16, x + 1, 2, "-2");
	check("u32", b, u32, x, 4, "16776959");
	check("u64 max, exact", b, u64, &umax, 8, "18446744073709551615");
	check("s64 min", b, s64, &smin, 8, "-9223372036854775808");
	check("bool true", b, bo, x, 1, "true");
	check("bool false", b, bo, x + 3, 1, "false");
	check("char as a number", b, ch, "A", 1, "65");
	check("128-bit integer as hex", b, i128, x, 16, "\"fffeff00000000000000000000000001\"");
	check("too few bytes: hex", b, u64, x, 4, "\"fffeff00\"");
	btf__free(b);
}

static void test_enums(void)
{
	struct btf *b = btf__new_empty();
	int e, e64, eu;
	int32_t v;
	uint64_t w;

	e = btf__add_enum(b, "mode", 4);
	btf__add_enum_value(b, "M_NEG", -3);
	btf__add_enum_value(b, "M_ONE", 1);
	e64 = btf__add_enum64(b, "big", 8, false);
	btf__add_enum64_value(b, "B_HUGE", 0x100000000ull);
	eu = btf__add_enum64(b, "sbig", 8, true);
	btf__add_enum64_value(b, "S_MINUS", -5);

	v = -3;
	check("enum by name (negative value)", b, e, &v, 4, "\"M_NEG\"");
	v = 7;
	check("enum: unknown value as a number", b, e, &v, 4, "7");
	w = 0x100000000ull;
	check("enum64 by name past 32 bits", b, e64, &w, 8, "\"B_HUGE\"");
	w = 0xffffffffffffffffull;
	check("enum64 unsigned unknown value", b, e64, &w, 8, "18446744073709551615");
	w = (uint64_t)-5;
	check("enum64 signed by name", b, eu, &w, 8, "\"S_MINUS\"");
	btf__free(b);
}

static void test_floats_and_arrays(void)
{
	struct btf *b = btf__new_empty();
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u8 = btf__add_int(b, "unsigned char", 1, 0);
	int ch = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	int f = btf__add_float(b, "float", 4);
	int d = btf__add_float(b, "double", 8);
	int row = btf__add_array(b, i32, i32, 3);
	int mat = btf__add_array(b, i32, row, 2);
	int str = btf__add_array(b, i32, ch, 6);
	int u8s = btf__add_array(b, i32, u8, 4);
	int u8t = btf__add_typedef(b, "__u8", u8);
	int bytes = btf__add_array(b, i32, u8t, 4);
	int m[2][3] = { { 1, 2, 3 }, { -4, 5, 6 } };
	float fv = 1.5f;
	double dv = -2.25;

	check("float", b, f, &fv, 4, "1.5");
	check("double", b, d, &dv, 8, "-2.25");
	check("two-dimensional array", b, mat, m, sizeof(m), "[[1,2,3],[-4,5,6]]");
	check("char array holding text: a string", b, str, "hi\0\0\0\0", 6, "\"hi\"");
	check("char array full of text, no NUL", b, str, "abcdef", 6, "\"abcdef\"");
	check("char array holding bytes: numbers", b, str, "\x01\x02\0\0\0\x07", 6, "[1,2,0,0,0,7]");
	check("char array, text then garbage: numbers", b, str, "ab\0c\0\0", 6, "[97,98,0,99,0,0]");
	check("unsigned char array holding text", b, u8s, "ok\0\0", 4, "\"ok\"");
	check("__u8 array: always bytes", b, bytes, "ok\0\0", 4, "[111,107,0,0]");
	btf__free(b);
}

static void test_structs(void)
{
	struct btf *b = btf__new_empty();
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u16 = btf__add_int(b, "unsigned short", 2, 0);
	int bits, anon_u, anon_s, outer, fwd, pfwd, proto, pfn, cst, vol, rst, tag, td;
	uint8_t v[16] = { 0 };
	uint32_t w;

	/* a:3, b:7 (bits 3-9, across a byte), c:1 signed, d:20 (bits 11-30) */
	bits = btf__add_struct(b, "bits", 4);
	btf__add_field(b, "a", u32, 0, 3);
	btf__add_field(b, "b", u32, 3, 7);
	btf__add_field(b, "c", s32, 10, 1);
	btf__add_field(b, "d", u32, 11, 20);
	w = 5 | (100u << 3) | (1u << 10) | (0xabcdeu << 11);
	check("bitfields, one across bytes, a signed one", b, bits, &w, 4,
	      "{\"a\":5,\"b\":100,\"c\":-1,\"d\":703710}");

	anon_u = btf__add_union(b, NULL, 4);
	btf__add_field(b, "as_int", u32, 0, 0);
	btf__add_field(b, "as_short", u16, 0, 0);
	anon_s = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "inner", u32, 0, 0);
	fwd = btf__add_fwd(b, "opaque", BTF_FWD_STRUCT);
	pfwd = btf__add_ptr(b, fwd);
	proto = btf__add_func_proto(b, s32);
	btf__add_func_param(b, "x", s32);
	pfn = btf__add_ptr(b, proto);
	cst = btf__add_const(b, u32);
	vol = btf__add_volatile(b, cst);
	tag = btf__add_type_tag(b, "user", vol);
	rst = btf__add_restrict(b, pfwd);
	td = btf__add_typedef(b, "u32_t", tag);
	outer = btf__add_struct(b, "outer", 32);
	btf__add_field(b, "", anon_u, 0, 0);
	btf__add_field(b, "", anon_s, 32, 0);
	btf__add_field(b, "fn", pfn, 64, 0);
	btf__add_field(b, "qualified", td, 128, 0);
	btf__add_field(b, "opaque_ptr", rst, 192, 0);
	btf__add_decl_tag(b, "a_decl_tag", outer, -1);
	check("anonymous union and struct, function pointer, qualifiers, typedef, tags",
	      b, outer, (uint8_t[32]){ 0x34, 0x12, 0, 0, 9, 0, 0, 0, 0x10, 0x20, 0, 0, 0, 0, 0, 0,
				       42, 0, 0, 0, 0, 0, 0, 0 }, 32,
	      "{\"as_int\":4660,\"as_short\":4660,\"inner\":9,\"fn\":\"0x2010\",\"qualified\":42,\"opaque_ptr\":\"0x0\"}");
	check("a forward declaration cannot be rendered", b, fwd, v, 16,
	      "{\"error\":\"incomplete type (forward declaration)\"}");
	btf__free(b);
}

static void test_datasec(void)
{
	struct btf *b = btf__new_empty();
	int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int ch = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	int arr = btf__add_array(b, s32, ch, 4);
	int v1 = btf__add_var(b, "counter", BTF_VAR_GLOBAL_ALLOCATED, s32);
	int v2 = btf__add_var(b, "name", BTF_VAR_STATIC, arr);
	int sec = btf__add_datasec(b, ".data", 12);

	btf__add_datasec_var_info(b, v1, 0, 4);
	btf__add_datasec_var_info(b, v2, 8, 4);
	check("global section as named variables", b, sec,
	      (uint8_t[12]){ 0xfe, 0xff, 0xff, 0xff, 0, 0, 0, 0, 'x', 'y', 0, 0 }, 12,
	      "{\"counter\":-2,\"name\":\"xy\"}");
	check("a variable past the section's bytes is left out", b, sec,
	      (uint8_t[8]){ 1, 0, 0, 0, 0, 0, 0, 0 }, 8, "{\"counter\":1}");
	btf__free(b);
}

/* A fake arena: two 16-byte nodes at 0x1000 and 0x2000 pointing at each other. */
static const uint64_t arena_nodes[2][2] = { { 7, 0x2000 }, { 8, 0x1000 } };

static bool fake_read(const void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	(void)ctx;
	if ((addr != 0x1000 && addr != 0x2000) || len > 16)
		return false;
	memcpy(buf, arena_nodes[addr == 0x2000], len);
	return true;
}

static void test_pointers(void)
{
	struct render_mem mem = { .read = fake_read };
	struct btf *b = btf__new_empty();
	int u64 = btf__add_int(b, "unsigned long", 8, 0);
	int node = btf__add_struct(b, "node", 16);
	int pnode = node + 1;
	uint64_t head = 0x1000, wild = 0xffff888000001000ull;

	btf__add_field(b, "v", u64, 0, 0);
	btf__add_field(b, "next", pnode, 64, 0);
	btf__add_ptr(b, node);
	check_mem("pointers into held memory followed, a cycle stopped", b, pnode, &head, 8, &mem,
		  "{\"addr\":\"0x1000\",\"target\":{\"v\":7,\"next\":{\"addr\":\"0x2000\",\"target\":{\"v\":8,\"next\":{\"addr\":\"0x1000\",\"seen\":true}}}}}");
	check_mem("a pointer outside held memory stays hex", b, pnode, &wild, 8, &mem,
		  "\"0xffff888000001000\"");
	btf__free(b);
}

static void test_cpulist(void)
{
	static const struct {
		uint8_t bits[2];
		const char *want;
	} c[] = {
		{ { 0x0f, 0x01 }, "0-3,8" },
		{ { 0x00, 0x00 }, "" },
		{ { 0x55, 0x00 }, "0,2,4,6" },
		{ { 0xff, 0xff }, "0-15" },
		{ { 0x80, 0x01 }, "7-8" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		render_cpulist(c[i].bits, 16, buf, sizeof(buf));
		if (!strcmp(buf, c[i].want)) {
			passed++;
			printf("ok - cpu list \"%s\"\n", c[i].want);
		} else {
			failed++;
			printf("not ok - cpu list: want \"%s\", got \"%s\"\n", c[i].want, buf);
		}
	}
}

static void test_hostile(void)
{
	struct btf *b = btf__new_empty();
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int s = btf__add_struct(b, "lies", 4);
	uint32_t v = 7;

	/* a member beyond the struct's own size */
	btf__add_field(b, "ok", u32, 0, 0);
	btf__add_field(b, "far", u32, 64, 0);
	check("member outside its struct: an error, no read", b, s, &v, 4,
	      "{\"ok\":7,\"far\":{\"error\":\"member outside its struct\"}}");
	check("unknown type id", b, 999, &v, 4, "{\"error\":\"unknown type\"}");
	btf__free(b);
}

int main(void)
{
	test_ints();
	test_enums();
	test_floats_and_arrays();
	test_structs();
	test_datasec();
	test_pointers();
	test_cpulist();
	test_hostile();
	printf("RESULT: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}

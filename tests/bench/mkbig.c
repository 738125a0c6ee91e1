// SPDX-License-Identifier: GPL-2.0
/*
 * Writes large dumps for the decode benchmark, streamed to the file (the
 * header and its CRC are patched in at the end):
 *   mkbig MIB OUT             one array map of MIB MiB of entries, whose
 *                             values are a 256-byte struct typed by BTF
 *   mkbig --maps N [--later] OUT
 *                             N array maps m0 .. mN-1 of 4 entries (value
 *                             {a, b}: a = map * 10 + key); with --later,
 *                             b is 1 in every 7th map's entry 2 (for diff)
 *   mkbig --small MIB [--later] OUT
 *                             one array map of MIB MiB of the smallest
 *                             entries: a u32 key, a u64 value (key * 3;
 *                             with --later, + 1 in every 1000th entry)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <zlib.h>
#include "../../include/scxdump_format.h"

struct val {
	unsigned long long seq;
	int delta;
	unsigned int flags;
	char name[32];
	unsigned long long hist[26];
};

static FILE *out;
static uLong body_crc;
static unsigned long long body_len;
static unsigned int nr_records;

static void put(const void *p, size_t n)
{
	static const char zero[8];

	if (fwrite(p, 1, n, out) != n)
		exit(1);
	body_crc = crc32(body_crc, p, n);
	body_len += n;
	if (n % 8) {
		fwrite(zero, 1, 8 - n % 8, out);
		body_crc = crc32(body_crc, (const Bytef *)zero, 8 - n % 8);
		body_len += 8 - n % 8;
	}
}

/* A record of a fixed part and a tail, padded. */
static void record(unsigned int type, void *fixed, size_t flen, const void *tail, size_t tlen)
{
	struct sxd_rec *r = fixed;
	char *buf = malloc(flen + tlen);

	r->type = type;
	r->size = flen + tlen;
	memcpy(buf, fixed, flen);
	if (tlen)
		memcpy(buf + flen, tail, tlen);
	put(buf, flen + tlen);
	free(buf);
	nr_records++;
}

static void begin(struct btf *b)
{
	struct sxd_file_header h = { 0 };
	struct sxd_capture cap = { 0 };
	struct sxd_sched s = { 0 };
	struct sxd_btf bt = { 0 };
	const void *raw;
	unsigned int rsz;

	fwrite(&h, 1, sizeof(h), out);
	raw = btf__raw_data(b, &rsz);
	cap.trigger = SXD_TRIGGER_EXIT;
	cap.nr_cpu_slots = 1;
	cap.page_size = 4096;
	strcpy(cap.kernel_release, "bench");
	record(SXD_REC_CAPTURE, &cap, sizeof(cap), NULL, 0);
	strcpy(s.name, "bench");
	record(SXD_REC_SCHED, &s, sizeof(s), NULL, 0);
	bt.size = rsz;
	bt.kind = SXD_BTF_PROG;
	record(SXD_REC_BTF, &bt, sizeof(bt), raw, rsz);
}

static int finish(unsigned int nr_maps)
{
	struct sxd_file_header h = { 0 };
	struct sxd_end end = { 0 };

	end.nr_maps = nr_maps;
	record(SXD_REC_END, &end, sizeof(end), NULL, 0);
	memcpy(h.magic, SXD_MAGIC, 8);
	h.version = SXD_VERSION;
	h.header_size = sizeof(h);
	h.byte_order = SXD_BYTE_ORDER;
	h.total_size = sizeof(h) + body_len;
	h.nr_records = nr_records;
	h.crc32 = crc32_combine(crc32(0, (const Bytef *)&h, sizeof(h)), body_crc, body_len);
	fseek(out, 0, SEEK_SET);
	fwrite(&h, 1, sizeof(h), out);
	return fclose(out) ? 1 : 0;
}

/* --maps N [--later]: many small maps, for what a decode costs per map */
static int many_maps(unsigned int n, int later)
{
	struct btf *b = btf__new_empty();
	unsigned char blk[4 * 24];
	unsigned int i, k;
	int u32, u64, st;

	u32 = btf__add_int(b, "unsigned int", 4, 0);
	u64 = btf__add_int(b, "unsigned long long", 8, 0);
	st = btf__add_struct(b, "pair", 16);
	btf__add_field(b, "a", u64, 0, 0);
	btf__add_field(b, "b", u64, 64, 0);
	begin(b);
	for (i = 0; i < n; i++) {
		struct sxd_map m = { .map_index = i, .id = 1000 + i, .type = 2, .key_size = 4,
				     .value_size = 16, .max_entries = 4, .btf_key_type_id = u32,
				     .btf_value_type_id = st };
		struct sxd_entries e = { .map_index = i, .nr = 4, .key_size = 4,
					 .value_size = 16, .nr_values = 1 };
		struct sxd_map_end me = { .map_index = i, .nr_entries = 4 };

		snprintf(m.name, sizeof(m.name), "m%u", i);
		record(SXD_REC_MAP, &m, sizeof(m), NULL, 0);
		memset(blk, 0, sizeof(blk));
		for (k = 0; k < 4; k++) {
			unsigned long long a = (unsigned long long)i * 10 + k, bv = later && !(i % 7) && k == 2;

			memcpy(blk + k * 24, &k, 4);
			memcpy(blk + k * 24 + 8, &a, 8);
			memcpy(blk + k * 24 + 16, &bv, 8);
		}
		record(SXD_REC_ENTRIES, &e, sizeof(e), blk, sizeof(blk));
		record(SXD_REC_MAP_END, &me, sizeof(me), NULL, 0);
	}
	btf__free(b);
	return finish(n);
}

/* --small MIB [--later]: the smallest entries, for diff's memory per entry */
static int small_entries(unsigned long long mib, int later)
{
	struct btf *b = btf__new_empty();
	unsigned long long n = (mib << 20) / 16, i, k;
	struct sxd_map m = { .type = 2, .key_size = 4, .value_size = 8 };
	struct sxd_map_end me = { .nr_entries = n };
	unsigned char blk[1024 * 16];

	m.btf_key_type_id = btf__add_int(b, "unsigned int", 4, 0);
	m.btf_value_type_id = btf__add_int(b, "unsigned long long", 8, 0);
	m.max_entries = n;
	strcpy(m.name, "small");
	begin(b);
	record(SXD_REC_MAP, &m, sizeof(m), NULL, 0);
	for (i = 0; i < n; i += 1024) {
		struct sxd_entries e = { .nr = n - i < 1024 ? n - i : 1024, .key_size = 4,
					 .value_size = 8, .nr_values = 1 };

		memset(blk, 0, sizeof(blk));
		for (k = 0; k < e.nr; k++) {
			unsigned int key = i + k;
			unsigned long long v = (i + k) * 3 + (later && !((i + k) % 1000));

			memcpy(blk + k * 16, &key, 4);
			memcpy(blk + k * 16 + 8, &v, 8);
		}
		record(SXD_REC_ENTRIES, &e, sizeof(e), blk, e.nr * 16);
	}
	record(SXD_REC_MAP_END, &me, sizeof(me), NULL, 0);
	btf__free(b);
	return finish(1);
}

int main(int argc, char **argv)
{
	unsigned long long want, n, i, done = 0;
	struct sxd_map m = { 0 };
	struct sxd_map_end me = { 0 };
	struct btf *b = btf__new_empty();
	int u64, s32, u32, ch, arr, hist, st, ki;
	unsigned int per = 240;
	size_t esz = 8 + sizeof(struct val);
	unsigned char *blk;

	if (argc >= 4 && !strcmp(argv[1], "--maps")) {
		int later = argc == 5 && !strcmp(argv[3], "--later");

		if (argc != 4 + later)
			return 2;
		out = fopen(argv[argc - 1], "wb");
		return out ? many_maps(strtoul(argv[2], NULL, 0), later) : 1;
	}
	if (argc >= 4 && !strcmp(argv[1], "--small")) {
		int later = argc == 5 && !strcmp(argv[3], "--later");

		if (argc != 4 + later)
			return 2;
		out = fopen(argv[argc - 1], "wb");
		return out ? small_entries(strtoull(argv[2], NULL, 0), later) : 1;
	}
	if (argc != 3)
		return 2;
	want = strtoull(argv[1], NULL, 0) << 20;
	n = want / esz;
	out = fopen(argv[2], "wb");
	if (!out)
		return 1;
	u64 = btf__add_int(b, "unsigned long long", 8, 0);
	s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	ch = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	arr = btf__add_array(b, u32, ch, 32);
	hist = btf__add_array(b, u32, u64, 26);
	st = btf__add_struct(b, "val", sizeof(struct val));
	btf__add_field(b, "seq", u64, 0, 0);
	btf__add_field(b, "delta", s32, 64, 0);
	btf__add_field(b, "flags", u32, 96, 0);
	btf__add_field(b, "name", arr, 128, 0);
	btf__add_field(b, "hist", hist, 384, 0);
	ki = u32;
	begin(b);
	m.type = 2;
	m.key_size = 4;
	m.value_size = sizeof(struct val);
	m.max_entries = n;
	m.btf_key_type_id = ki;
	m.btf_value_type_id = st;
	strcpy(m.name, "big");
	record(SXD_REC_MAP, &m, sizeof(m), NULL, 0);
	blk = calloc(per, esz);
	for (i = 0; i < n; i += done) {
		struct sxd_entries e = { .nr = n - i < per ? n - i : per, .key_size = 4,
					 .value_size = sizeof(struct val), .nr_values = 1 };
		unsigned long long k;

		for (k = 0; k < e.nr; k++) {
			unsigned char *p = blk + k * esz;
			struct val *v = (void *)(p + 8);

			*(unsigned int *)p = i + k;
			v->seq = (i + k) * 3;
			v->delta = -(int)(k);
			v->flags = k & 7;
			snprintf(v->name, sizeof(v->name), "task-%llu", i + k);
			v->hist[k % 26] = i;
		}
		record(SXD_REC_ENTRIES, &e, sizeof(e), blk, e.nr * esz);
		done = e.nr;
	}
	me.nr_entries = n;
	record(SXD_REC_MAP_END, &me, sizeof(me), NULL, 0);
	return finish(1);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump decode --format bpftool --map NAME: the map's entries in the
 * shape of `bpftool -j map dump` (tools/bpf/bpftool/map.c,
 * print_entry_json()), so that scripts written for it read a dump: an
 * array of {key, value} with the bytes as arrays of "0x%02x" strings
 * (per-CPU maps: {key, values: [{cpu, value}]}), and, when the map has
 * BTF, "formatted" beside them: the same key and value(s) rendered
 * through it as bpftool's own dumper writes it (render_value_bpftool():
 * bit-fields as hex strings, pointers as numbers; integers, structs,
 * char arrays and enums as decode writes them).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "emit.h"
#include "render.h"

/* bytes as bpftool prints them: ["0x01", "0x00", ...] */
static void bytes_json(yajl_gen g, const uint8_t *p, uint32_t n)
{
	static const char digits[] = "0123456789abcdef";
	char s[4] = { '0', 'x' };
	uint32_t i;

	json_arr(g);
	for (i = 0; i < n; i++) {
		s[2] = digits[p[i] >> 4];
		s[3] = digits[p[i] & 15];
		yajl_gen_string(g, (const unsigned char *)s, 4);
	}
	json_arr_end(g);
}

/*
 * "key" then "value", or "values" of {cpu, value} for a per-CPU map, each
 * written by @one: as bytes (@btf NULL) or through @btf
 */
static void key_values_json(yajl_gen g, const struct sxd_map *m, const struct btf *btf,
			    const struct sxd_entries *b, const uint8_t *p)
{
	const uint8_t *val = p + sxd_align(b->key_size);
	size_t step = sxd_align(b->value_size);
	uint32_t c;

	json_key(g, "key");
	if (btf)
		render_value_bpftool(g, btf, m->btf_key_type_id, p, b->key_size);
	else
		bytes_json(g, p, b->key_size);
	json_key(g, b->nr_values > 1 ? "values" : "value");
	if (b->nr_values > 1)
		json_arr(g);
	for (c = 0; c < b->nr_values; c++) {
		if (b->nr_values > 1) {
			json_obj(g);
			json_kint(g, "cpu", c);
			json_key(g, "value");
		}
		if (btf)
			render_value_bpftool(g, btf, m->btf_value_type_id, val + c * step,
					     b->value_size);
		else
			bytes_json(g, val + c * step, b->value_size);
		if (b->nr_values > 1)
			json_obj_end(g);
	}
	if (b->nr_values > 1)
		json_arr_end(g);
}

static void entry_json(yajl_gen g, const struct sxd_map *m, const struct btf *btf,
		       const struct sxd_entries *b, const uint8_t *p)
{
	json_obj(g);
	key_values_json(g, m, NULL, b, p);
	if (btf && m->btf_key_type_id && m->btf_value_type_id) {
		json_key(g, "formatted");
		json_obj(g);
		key_values_json(g, m, btf, b, p);
		json_obj_end(g);
	}
	json_obj_end(g);
}

/*
 * The first map called o->map_names[0]: 0, -ENOENT when the dump has none
 * (with a message), -ENOMEM or -EIO.
 */
int decode_bpftool(const struct dump_index *x, FILE *out, const struct decode_opts *o)
{
	const struct sxd_map *m = NULL;
	const struct sxd_rec *r;
	const struct btf *btf;
	const char *why;
	size_t off = 0;
	yajl_gen g;
	uint32_t i;

	for (i = 0; i < x->nr_maps && !m; i++) {
		if (!strncmp(x->maps[i].rec->name, o->map_names[0], sizeof(x->maps[i].rec->name)))
			m = x->maps[i].rec;
	}
	if (!m) {
		fprintf(stderr, "scxdump: no map named %s\n", o->map_names[0]);
		return -ENOENT;
	}
	btf = map_btf(x, m, &why);
	g = json_open(out, o->pretty);
	if (!g)
		return -ENOMEM;
	json_arr(g);
	while ((r = dump_next(x->f, &off))) {
		const struct sxd_entries *b = (const void *)r;
		size_t esz;

		if (r->type != SXD_REC_ENTRIES || b->map_index != m->map_index || b->flags)
			continue;	/* flagged blocks (arena pages, owners...) bpftool has no shape for */
		esz = dump_entry_size(b->key_size, b->value_size, b->nr_values);
		for (i = 0; i < b->nr; i++)
			entry_json(g, m, btf, b, (const uint8_t *)(b + 1) + i * esz);
	}
	json_arr_end(g);
	json_close(g);
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

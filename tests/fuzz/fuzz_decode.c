// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the decoder: the dump checker, the index, the JSON
 * renderer (its compiled renderers checked against render.c's) and the
 * summary, on arbitrary bytes. The header's size and checksum are
 * fixed up first, or nearly every mutation would stop at the door and the
 * record parser and BTF renderer behind it would go untested.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include "../../userspace/decode.h"
#include "../../userspace/dumpfile.h"

/*
 * The JSON twice, with the compiled renderers (userspace/plan.c) and
 * without: they must write the same text, byte for byte.
 */
static void decode_json_both(const struct dump_index *x, const struct decode_opts *o)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);

	if (fa && fb) {
		unsetenv("SCXDUMP_NO_PLAN");
		decode_json(x, fa, o);
		setenv("SCXDUMP_NO_PLAN", "1", 1);
		decode_json(x, fb, o);
		unsetenv("SCXDUMP_NO_PLAN");
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	if (fa && fb && (alen != blen || memcmp(a, b, alen))) {
		fprintf(stderr, "plan.c and render.c wrote different JSON (%zu and %zu bytes)\n",
			alen, blen);
		abort();
	}
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct decode_opts o = { 0 };
	struct dump_file f = { 0 };
	struct dump_index x;
	struct sxd_file_header *h;
	uint8_t *copy;
	char msg[256];

	if (!null)
		null = fopen("/dev/null", "w");
	copy = malloc(size ? size : 1);
	if (!copy || !null)
		return 0;
	memcpy(copy, data, size);
	/* odd sizes: salvaged as they are, damage and all */
	f.salvage = size & 1;
	if (size >= sizeof(*h) && !f.salvage) {
		h = (struct sxd_file_header *)copy;
		h->total_size = size;
		h->crc32 = 0;
		h->crc32 = libdeflate_crc32(0, copy, size);
	}
	f.data = copy;
	f.size = size;
	if (!dump_check(&f, msg, sizeof(msg)) && !dump_index_build(&x, &f)) {
		decode_json_both(&x, &o);
		decode_summary(&x, null);
		timeline_text(&x, null, &o);
		/* --format bpftool of the first map (its name as the index has it) */
		if (x.nr_maps) {
			char name[sizeof(x.maps[0].rec->name) + 1] = { 0 };

			memcpy(name, x.maps[0].rec->name, sizeof(x.maps[0].rec->name));
			o.map_names[0] = name;
			o.nr_map_names = 1;
			decode_bpftool(&x, null, &o);
		}
		dump_index_free(&x);
	}
	free(copy);
	return 0;
}

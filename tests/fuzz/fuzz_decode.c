// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the decoder: the dump checker, the index and every
 * command's output on arbitrary bytes: decode's JSON (its compiled
 * renderers checked against render.c's) and --format bpftool, info,
 * summary, timeline (text and JSON), events (text, and JSON filtered),
 * trace, html, redact (its copy must check again), and diff of a fixed dump
 * (SCXDUMP_FUZZ_REF, which run.sh sets to a synthetic dump with every
 * record kind) against the input. Salvage is exercised on odd
 * sizes. The header's size and checksum are fixed up first, or nearly
 * every mutation would stop at the door and the record parser and BTF
 * renderer behind it would go untested.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include "../../userspace/decode.h"
#include "../../userspace/diff.h"
#include "../../userspace/dumpfile.h"
#include "../../userspace/html.h"
#include "../../userspace/redact.h"

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

/* The fixed dump diff compares each input with: NULL when none is given. */
static const struct dump_index *reference(void)
{
	static struct dump_file f;
	static struct dump_index x;
	static int state;	/* 0: not loaded, 1: loaded, -1: none */
	const char *path = getenv("SCXDUMP_FUZZ_REF");
	char msg[320];

	if (!state) {
		state = -1;
		if (path && !dump_open(&f, path, false, msg, sizeof(msg))) {
			if (!dump_index_build(&x, &f))
				state = 1;
			else
				dump_close(&f);
		} else if (path) {
			fprintf(stderr, "SCXDUMP_FUZZ_REF: %s\n", msg);
			abort();
		}
	}
	return state > 0 ? &x : NULL;
}

/*
 * The commands decode does not cover, each to /dev/null. diff costs three
 * times what all the others do together: it runs on one input in 16,
 * chosen by the input's bytes (@hash), so that the same corpus always
 * diffs the same inputs; as JSON on half of those, as text on the other.
 */
/* redact: its copy of a whole dump must be a whole dump again */
static void redact_checked(const struct dump_index *x)
{
	struct redact_stats st;
	struct dump_file g = { 0 };
	uint8_t *out;
	size_t len;
	char msg[256];

	if (x->f->salvage || x->f->damaged || redact_dump(x, &out, &len, &st))
		return;
	g.data = out;
	g.size = len;
	if (dump_check(&g, msg, sizeof(msg))) {
		fprintf(stderr, "the redacted copy does not check: %s\n", msg);
		abort();
	}
	free(out);
}

static void other_commands(const struct dump_index *x, FILE *null, uint32_t hash)
{
	const struct dump_index *ref = reference();
	struct decode_opts o = { .header_only = true };
	struct diff_opts d = { .text = hash & 16 };

	decode_json(x, null, &o);		/* info */
	o = (struct decode_opts){ .timeline_only = true };
	decode_json(x, null, &o);		/* timeline --json */
	o = (struct decode_opts){ 0 };
	events_text(x, null, &o);		/* events */
	trace_json(x, null, &o);		/* trace */
	/* events --json --pid P --last MS, P and MS from the input's bytes */
	o = (struct decode_opts){ .events_only = true, .events = {
		.has_pid = true, .pid = (int32_t)(hash >> 8) % 128,
		.has_since = true, .since = -(int64_t)(hash >> 20) * 1000000 } };
	decode_json(x, null, &o);
	o = (struct decode_opts){ 0 };
	html_report(x, null, &o, "fuzz");
	redact_checked(x);
	if (hash % 16)
		return;
	if (ref)
		diff_dumps(ref, "ref", x, "input", null, &d);
	else
		diff_dumps(x, "a", x, "a", null, &d);
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
		other_commands(&x, null, libdeflate_crc32(0, data, size));
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

// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump: decode dumps written by the scxdump kernel module.
 *
 *   scxdump decode [--pretty] [--map NAME]... [--vmlinux-btf F] FILE
 *   scxdump info [--pretty] FILE
 *   scxdump summary FILE
 *   scxdump diff [--text] [--pretty] [--vmlinux-btf F] A B
 *   scxdump timeline [--json] [--pretty] [--vmlinux-btf F] FILE
 *   scxdump html [--salvage] [--map NAME]... [--vmlinux-btf F] FILE (html.c)
 *   scxdump collect / list (collect.c)
 *   scxdump --version
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "decode.h"
#include "diff.h"
#include "dumpfile.h"
#include "html.h"
#include "tool.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: scxdump decode [--pretty] [--hex] [--salvage] [--format json|bpftool]\n"
		"                      [--map NAME] [--vmlinux-btf BTF] FILE\n"
		"       scxdump info [--pretty] FILE\n"
		"       scxdump summary [--salvage] FILE\n"
		"       scxdump diff [--text] [--pretty] [--vmlinux-btf BTF] A B\n"
		"       scxdump timeline [--json] [--pretty] [--vmlinux-btf BTF] FILE\n"
		"       scxdump html [--salvage] [--map NAME] [--vmlinux-btf BTF] FILE\n"
		"       scxdump collect [--dir DIR] [--keep N] [--source DIR] [--once]\n"
		"       scxdump list [--dir DIR] [--json]\n"
		"       scxdump --version\n"
		"\n"
		"Decode a dump written by the scxdump kernel module\n"
		"(/sys/kernel/debug/scxdump/dump) into JSON.\n"
		"\n"
		"  decode      capture, schedulers with exit info, and every map with\n"
		"              its entries rendered through the embedded BTF\n"
		"  info        capture and scheduler exit info only\n"
		"  summary     the exit, then a line a map, as text\n"
		"  diff        what changed from dump A to dump B: schedulers (exit,\n"
		"              counters, CPUs, DSQs, tasks) and maps (entries by key,\n"
		"              fields by BTF path, old -> new, integer deltas)\n"
		"  timeline    the flight recorder's samples (module parameter\n"
		"              timeline_interval_ms): the first, then what changed at\n"
		"              each tick (event counters, CPUs, DSQ depths, map fields)\n"
		"  html        the dump as one self-contained HTML page on stdout (it\n"
		"              loads nothing): the exit, the schedulers, core state,\n"
		"              timeline, allocators, a table of maps, each map's entries\n"
		"              through BTF (filterable), per-CPU bars, arena pages\n"
		"  collect     copy each new dump out of debugfs into DIR (default\n"
		"              /var/lib/scxdump) as the module publishes it, keeping\n"
		"              the newest N (default 100); see scxdump collect --help\n"
		"  list        the dumps collect saved: time, scheduler, trigger, exit\n"
		"  --text      diff: a readable listing instead of JSON\n"
		"  --json      timeline: the samples as JSON (the dump's \"timeline\")\n"
		"  --pretty    indent the JSON\n"
		"  --hex       each entry's raw key_hex and value_hex beside its\n"
		"              rendering (always there when no BTF renders it)\n"
		"  --format bpftool\n"
		"              the one --map NAME as bpftool -j map dump prints it:\n"
		"              key/value bytes and, with BTF, formatted\n"
		"  --salvage   a truncated or damaged dump: the whole records before\n"
		"              the damage, with where and why it stopped (exit 5)\n"
		"  --map NAME  only the map called NAME (repeatable: each named map;\n"
		"              a name the dump lacks is an error)\n"
		"  --vmlinux-btf BTF\n"
		"              the kernel's BTF (its /sys/kernel/btf/vmlinux) for a dump\n"
		"              written with embed_kernel_btf=N; it must be that kernel's\n"
		"  FILE        a dump: a file, a FIFO, a debugfs file, or - for stdin\n"
		"\n"
		"exit status: 0 ok, 1 usage, 2 not a dump/corrupt/truncated,\n"
		"             3 unsupported format version, 4 I/O error,\n"
		"             5 --salvage read a damaged dump's intact records,\n"
		"             6 collect: the module's status file cannot be read\n");
}

/* A command line, parsed: the command, its FILE(s) and --vmlinux-btf. */
struct cmdline {
	const char *cmd;
	const char *path;
	const char *path_b;	/* diff: the second dump */
	const char *vmlinux;
	bool text;
	bool json;		/* timeline --json */
	bool salvage;		/* decode, summary --salvage */
	struct decode_opts o;
};

/* -1 when the command line is good, or the exit status to leave with. */
static int parse_args(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		{ "pretty", no_argument, NULL, 'p' },
		{ "map", required_argument, NULL, 'm' },
		{ "vmlinux-btf", required_argument, NULL, 'v' },
		{ "text", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "hex", no_argument, NULL, 'x' },
		{ "salvage", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct decode_opts *o = &cl->o;
	int c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cl->cmd = argv[1];
	if (!strcmp(cl->cmd, "--help") || !strcmp(cl->cmd, "-h") || !strcmp(cl->cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cl->cmd, "--version")) {
		if (argc > 2) {
			fprintf(stderr, "scxdump: --version takes nothing more\n");
			return EXIT_USAGE;
		}
		printf("scxdump %s\n", SCXDUMP_VERSION);
		return fflush(stdout) ? EXIT_IO : 0;
	}
	if (strcmp(cl->cmd, "decode") && strcmp(cl->cmd, "info") && strcmp(cl->cmd, "summary") &&
	    strcmp(cl->cmd, "diff") && strcmp(cl->cmd, "timeline") && strcmp(cl->cmd, "html")) {
		fprintf(stderr, "scxdump: unknown command '%s'\n", cl->cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	o->header_only = !strcmp(cl->cmd, "info");
	optind = 2;
	while ((c = getopt_long(argc, argv, "pm:v:tjxsf:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (strcmp(cl->cmd, "decode") && strcmp(cl->cmd, "info") &&
			    strcmp(cl->cmd, "diff") && strcmp(cl->cmd, "timeline")) {
				fprintf(stderr, "scxdump: --pretty is an option of decode, info, diff and timeline\n");
				return EXIT_USAGE;
			}
			o->pretty = true;
			break;
		case 'x':
			if (strcmp(cl->cmd, "decode")) {
				fprintf(stderr, "scxdump: --hex is an option of decode\n");
				return EXIT_USAGE;
			}
			o->hex = true;
			break;
		case 'f':
			if (strcmp(cl->cmd, "decode")) {
				fprintf(stderr, "scxdump: --format is an option of decode\n");
				return EXIT_USAGE;
			}
			if (strcmp(optarg, "json") && strcmp(optarg, "bpftool")) {
				fprintf(stderr, "scxdump: --format takes json or bpftool, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			o->bpftool = !strcmp(optarg, "bpftool");
			break;
		case 's':
			if (strcmp(cl->cmd, "decode") && strcmp(cl->cmd, "summary") &&
			    strcmp(cl->cmd, "html")) {
				fprintf(stderr, "scxdump: --salvage is an option of decode, summary and html\n");
				return EXIT_USAGE;
			}
			cl->salvage = true;
			break;
		case 't':
			if (strcmp(cl->cmd, "diff")) {
				fprintf(stderr, "scxdump: --text is an option of diff\n");
				return EXIT_USAGE;
			}
			cl->text = true;
			break;
		case 'j':
			if (strcmp(cl->cmd, "timeline")) {
				fprintf(stderr, "scxdump: --json is an option of timeline\n");
				return EXIT_USAGE;
			}
			cl->json = true;
			break;
		case 'm':
			if (!strcmp(cl->cmd, "diff") || !strcmp(cl->cmd, "timeline")) {
				fprintf(stderr, "scxdump: %s takes every map: no --map\n", cl->cmd);
				return EXIT_USAGE;
			}
			if (strcmp(cl->cmd, "decode") && strcmp(cl->cmd, "html")) {
				fprintf(stderr, "scxdump: --map is an option of decode and html\n");
				return EXIT_USAGE;
			}
			if (o->nr_map_names == DECODE_MAX_MAP_NAMES) {
				fprintf(stderr, "scxdump: at most %d --map options\n",
					DECODE_MAX_MAP_NAMES);
				return EXIT_USAGE;
			}
			o->map_names[o->nr_map_names++] = optarg;
			break;
		case 'v':
			if (!strcmp(cl->cmd, "info") || !strcmp(cl->cmd, "summary")) {
				fprintf(stderr, "scxdump: --vmlinux-btf is an option of decode, diff, timeline and html\n");
				return EXIT_USAGE;
			}
			cl->vmlinux = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (o->bpftool && o->nr_map_names != 1) {
		fprintf(stderr, "scxdump: --format bpftool prints one map: give one --map NAME\n");
		return EXIT_USAGE;
	}
	if (!strcmp(cl->cmd, "diff")) {
		if (optind != argc - 2) {
			fprintf(stderr, "scxdump: diff takes exactly two FILEs, A and B\n");
			return EXIT_USAGE;
		}
		cl->path_b = argv[optind + 1];
		if (!strcmp(argv[optind], "-") && !strcmp(cl->path_b, "-")) {
			fprintf(stderr, "scxdump: diff reads one of A and B from stdin (-), not both\n");
			return EXIT_USAGE;
		}
	} else if (optind != argc - 1) {
		fprintf(stderr, "scxdump: %s takes exactly one FILE\n", cl->cmd);
		return EXIT_USAGE;
	}
	cl->path = argv[optind];
	return -1;
}

/* The exit status for an error @err (-ENOMEM, -EIO) of a command. */
static int finish(int err)
{
	if (err == -ENOMEM) {
		fprintf(stderr, "scxdump: out of memory\n");
		return EXIT_IO;
	}
	if (err || fflush(stdout)) {
		fprintf(stderr, "scxdump: cannot write the output\n");
		return EXIT_IO;
	}
	return 0;
}

/* --vmlinux-btf for @x, into *@btf; an exit status when it does not fit. */
static int load_vmlinux(const struct cmdline *cl, const struct dump_index *x,
			const char *path, struct btf **btf)
{
	char msg[256];

	*btf = NULL;
	if (!cl->vmlinux)
		return 0;
	*btf = vmlinux_btf_load(x, cl->vmlinux, msg, sizeof(msg));
	if (!*btf) {
		fprintf(stderr, "scxdump: %s: %s\n", path, msg);
		return EXIT_BADFILE;
	}
	return 0;
}

/* The command on an indexed dump; its exit status. */
static int run(struct cmdline *cl, const struct dump_index *x)
{
	uint32_t first;
	unsigned int i;
	int err;

	for (i = 0; i < cl->o.nr_map_names; i++) {
		if (!dump_index_named(x, cl->o.map_names[i], &first)) {
			fprintf(stderr, "scxdump: %s: no map named %s\n", cl->path,
				cl->o.map_names[i]);
			return EXIT_USAGE;
		}
	}
	err = load_vmlinux(cl, x, cl->path, &cl->o.vmlinux);
	if (err)
		return err;
	cl->o.timeline_only = !strcmp(cl->cmd, "timeline");
	if (cl->o.bpftool) {
		err = decode_bpftool(x, stdout, &cl->o);
		if (err == -ENOENT) {
			btf__free(cl->o.vmlinux);
			return EXIT_USAGE;
		}
	} else if (!strcmp(cl->cmd, "summary"))
		err = decode_summary(x, stdout);
	else if (!strcmp(cl->cmd, "html"))
		err = html_report(x, stdout, &cl->o, cl->path);
	else if (cl->o.timeline_only && !cl->json)
		err = timeline_text(x, stdout, &cl->o);
	else
		err = decode_json(x, stdout, &cl->o);
	btf__free(cl->o.vmlinux);
	return finish(err);
}

/* Open and index the dump at @path; 0 or the exit status. */
static int open_dump(const char *path, bool salvage, struct dump_file *f, struct dump_index *x)
{
	char msg[320];
	int err;

	err = dump_open(f, path, salvage, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "scxdump: %s: %s\n", path, msg);
		return err == DUMP_EIO ? EXIT_IO : err == DUMP_EVERSION ? EXIT_VERSION : EXIT_BADFILE;
	}
	if (dump_index_build(x, f)) {
		fprintf(stderr, "scxdump: %s: out of memory indexing the dump\n", path);
		dump_close(f);
		return EXIT_IO;
	}
	return 0;
}

/* scxdump diff A B, on the first dump already open; its exit status. */
static int run_diff(struct cmdline *cl, const struct dump_index *xa)
{
	struct diff_opts o = { .text = cl->text, .pretty = cl->o.pretty };
	struct dump_file fb;
	struct dump_index xb;
	int err;

	err = open_dump(cl->path_b, false, &fb, &xb);
	if (err)
		return err;
	err = load_vmlinux(cl, xa, cl->path, &o.vmlinux_a);
	if (!err)
		err = load_vmlinux(cl, &xb, cl->path_b, &o.vmlinux_b);
	if (!err)
		err = finish(diff_dumps(xa, cl->path, &xb, cl->path_b, stdout, &o));
	btf__free(o.vmlinux_a);
	btf__free(o.vmlinux_b);
	dump_index_free(&xb);
	dump_close(&fb);
	return err;
}

int main(int argc, char **argv)
{
	struct cmdline cl = { 0 };
	struct dump_file f;
	struct dump_index x;
	int err;

	/*
	 * getopt's messages start with argv[0]: "scxdump: ", and for the
	 * commands that parse their own options "scxdump collect: "
	 */
	if (argc >= 1)
		argv[0] = "scxdump";
	/* the commands on the saved-dumps directory parse their own options */
	if (argc >= 2 && !strcmp(argv[1], "collect")) {
		argv[1] = "scxdump collect";
		return collect_main(argc - 1, argv + 1);
	}
	if (argc >= 2 && !strcmp(argv[1], "list")) {
		argv[1] = "scxdump list";
		return list_main(argc - 1, argv + 1);
	}
	err = parse_args(argc, argv, &cl);
	if (err >= 0)
		return err;
	err = open_dump(cl.path, cl.salvage, &f, &x);
	if (err)
		return err;
	err = cl.path_b ? run_diff(&cl, &x) : run(&cl, &x);
	if (!err && f.damaged) {
		fprintf(stderr, "scxdump: %s: damaged: %s; salvaged %u whole records, to byte %zu of %zu, stopped by %s\n",
			cl.path, f.damage, f.nr_intact, f.size, f.file_size, f.stop_reason);
		err = EXIT_SALVAGED;
	}
	dump_index_free(&x);
	dump_close(&f);
	return err;
}

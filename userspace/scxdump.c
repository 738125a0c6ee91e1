// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump: decode dumps written by the scxdump kernel module.
 *
 *   scxdump decode [--pretty] [--map NAME]... [--vmlinux-btf F] FILE
 *   scxdump info [--pretty] FILE
 *   scxdump summary FILE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "decode.h"
#include "dumpfile.h"

/* Exit codes, also in scxdump --help and docs/format.md. */
enum {
	EXIT_USAGE = 1,		/* bad command line */
	EXIT_BADFILE = 2,	/* not a dump, corrupt or truncated */
	EXIT_VERSION = 3,	/* dump format version not supported */
	EXIT_IO = 4,		/* cannot read the file or write the output */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: scxdump decode [--pretty] [--map NAME] [--vmlinux-btf BTF] FILE\n"
		"       scxdump info [--pretty] FILE\n"
		"       scxdump summary FILE\n"
		"\n"
		"Decode a dump written by the scxdump kernel module\n"
		"(/sys/kernel/debug/scxdump/dump) into JSON.\n"
		"\n"
		"  decode      capture, schedulers with exit info, and every map with\n"
		"              its entries rendered through the embedded BTF\n"
		"  info        capture and scheduler exit info only\n"
		"  summary     the exit, then a line a map, as text\n"
		"  --pretty    indent the JSON\n"
		"  --map NAME  only the map called NAME (repeatable: each named map)\n"
		"  --vmlinux-btf BTF\n"
		"              the kernel's BTF (its /sys/kernel/btf/vmlinux) for a dump\n"
		"              written with embed_kernel_btf=N; it must be that kernel's\n"
		"\n"
		"exit status: 0 ok, 1 usage, 2 not a dump/corrupt/truncated,\n"
		"             3 unsupported format version, 4 I/O error\n");
}

/* A command line, parsed: the command, its FILE and --vmlinux-btf. */
struct cmdline {
	const char *cmd;
	const char *path;
	const char *vmlinux;
	struct decode_opts o;
};

/* -1 when the command line is good, or the exit status to leave with. */
static int parse_args(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		{ "pretty", no_argument, NULL, 'p' },
		{ "map", required_argument, NULL, 'm' },
		{ "vmlinux-btf", required_argument, NULL, 'v' },
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
	if (strcmp(cl->cmd, "decode") && strcmp(cl->cmd, "info") && strcmp(cl->cmd, "summary")) {
		fprintf(stderr, "scxdump: unknown command '%s'\n", cl->cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	o->header_only = !strcmp(cl->cmd, "info");
	optind = 2;
	while ((c = getopt_long(argc, argv, "pm:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pretty = true; break;
		case 'm':
			if (o->nr_map_names == DECODE_MAX_MAP_NAMES) {
				fprintf(stderr, "scxdump: at most %d --map options\n",
					DECODE_MAX_MAP_NAMES);
				return EXIT_USAGE;
			}
			o->map_names[o->nr_map_names++] = optarg;
			break;
		case 'v': cl->vmlinux = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "scxdump: %s takes exactly one FILE\n", cl->cmd);
		return EXIT_USAGE;
	}
	cl->path = argv[optind];
	return -1;
}

/* The command on an indexed dump; its exit status. */
static int run(struct cmdline *cl, const struct dump_index *x)
{
	char msg[256];
	int err;

	if (cl->vmlinux) {
		cl->o.vmlinux = vmlinux_btf_load(x, cl->vmlinux, msg, sizeof(msg));
		if (!cl->o.vmlinux) {
			fprintf(stderr, "scxdump: %s\n", msg);
			return EXIT_BADFILE;
		}
	}
	if (!strcmp(cl->cmd, "summary"))
		err = decode_summary(x, stdout);
	else
		err = decode_json(x, stdout, &cl->o);
	btf__free(cl->o.vmlinux);
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

int main(int argc, char **argv)
{
	struct cmdline cl = { 0 };
	struct dump_file f;
	struct dump_index x;
	char msg[256];
	int err;

	err = parse_args(argc, argv, &cl);
	if (err >= 0)
		return err;
	err = dump_open(&f, cl.path, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "scxdump: %s: %s\n", cl.path, msg);
		return err == DUMP_EIO ? EXIT_IO : err == DUMP_EVERSION ? EXIT_VERSION : EXIT_BADFILE;
	}
	if (dump_index_build(&x, &f)) {
		fprintf(stderr, "scxdump: %s: out of memory indexing the dump\n", cl.path);
		dump_close(&f);
		return EXIT_IO;
	}
	err = run(&cl, &x);
	dump_index_free(&x);
	dump_close(&f);
	return err;
}

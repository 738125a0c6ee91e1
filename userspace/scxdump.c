// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump: decode dumps written by the scxdump kernel module. The
 * commands are the table at the end (cmds[]), parsed by cmdline.c:
 *
 *   decode, info, summary, diff, timeline, events, trace, html: one dump
 *   (two for diff), opened and indexed here, printed by decode.c,
 *   summary.c, diff.c, timeline.c, events.c, trace.c, html.c
 *   redact: a dump's copy without kernel addresses (redact.c), written here
 *   collect, list: the saved-dumps directory (collect.c)
 *   --version
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "cmdline.h"
#include "decode.h"
#include "diff.h"
#include "dumpfile.h"
#include "html.h"
#include "output.h"
#include "redact.h"
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
		"       scxdump events [--cpu N] [--pid P] [--dsq ID] [--since NS] [--until NS]\n"
		"                      [--last MS] [--json] [--pretty] [--vmlinux-btf BTF] FILE\n"
		"       scxdump trace [--pretty] [--vmlinux-btf BTF] FILE\n"
		"       scxdump html [--salvage] [--map NAME] [--vmlinux-btf BTF] FILE\n"
		"       scxdump redact IN OUT\n"
		"       scxdump collect [--dir DIR] [--keep N] [--source DIR] [--once] [--exec CMD]\n"
		"                       [--journal]\n"
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
		"  events      the event recorder's events (module parameter\n"
		"              events_per_cpu), a line each in time order, times from\n"
		"              the failure: switches, wakeups, the scheduler's kfunc calls\n"
		"              (inserts, moves, kicks...), errors, sched_ext events\n"
		"  trace       those events as Chrome trace-event JSON, for Perfetto's UI\n"
		"              or chrome://tracing: a track per CPU, what it ran as slices\n"
		"  html        the dump as one self-contained HTML page on stdout (it\n"
		"              loads nothing): the exit, the schedulers, core state,\n"
		"              timeline, allocators, a table of maps, each map's entries\n"
		"              through BTF (filterable), per-CPU bars, arena pages\n"
		"  redact      a copy of dump IN to share, as OUT (- for stdout): every\n"
		"              kernel address replaced consistently (it still decodes,\n"
		"              kptrs and programs still resolve), timers, locks and\n"
		"              list/tree nodes zeroed as bpf(2) does; names, comms and\n"
		"              values stay (README: what a dump reveals)\n"
		"  collect     copy each new dump out of debugfs into DIR (default\n"
		"              /var/lib/scxdump) as the module publishes it, keeping\n"
		"              the newest N (default 100); see scxdump collect --help\n"
		"  list        the dumps collect saved: time, scheduler, trigger, exit\n"
		"  --text      diff: a readable listing instead of JSON\n"
		"  --json      timeline: the samples as JSON (the dump's \"timeline\");\n"
		"              events: the events as JSON (\"events_info\" and \"events\")\n"
		"  --cpu N, --pid P, --dsq ID\n"
		"              events: only those of CPU N, of task P (either side of a\n"
		"              switch), into or from DSQ ID\n"
		"  --since NS, --until NS\n"
		"              events: only those from, until NS ns from the failure\n"
		"              (negative: before it)\n"
		"  --last MS   events: only those of the last MS ms before the failure\n"
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
		"             6 collect: the module's status file cannot be read,\n"
		"             7 collect --once: every dump saved, but --exec CMD or a --journal\n"
		"               entry failed\n");
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

/*
 * The command on an indexed dump, its --map names checked and its
 * --vmlinux-btf loaded; its exit status.
 */
static int run(struct cmdline *cl, const struct dump_index *x,
	       int (*show)(struct cmdline *cl, const struct dump_index *x))
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
	err = show(cl, x);
	btf__free(cl->o.vmlinux);
	/* decode_bpftool(): no map of the name given */
	return err == -ENOENT ? EXIT_USAGE : finish(err);
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

/* The commands that read one dump: what each prints of it. */
static int show_json(struct cmdline *cl, const struct dump_index *x)
{
	if (cl->o.bpftool)
		return decode_bpftool(x, stdout, &cl->o);
	return decode_json(x, stdout, &cl->o);
}

static int show_summary(struct cmdline *cl, const struct dump_index *x)
{
	return decode_summary(x, stdout);
}

static int show_timeline(struct cmdline *cl, const struct dump_index *x)
{
	cl->o.timeline_only = true;
	return cl->json ? decode_json(x, stdout, &cl->o) : timeline_text(x, stdout, &cl->o);
}

/*
 * The event recorder's record, or said missing (exit 1, as a --map NAME
 * the dump lacks).
 */
static int have_events(const struct cmdline *cl, const struct dump_index *x)
{
	if (x->events)
		return 0;
	fprintf(stderr, "scxdump: %s: no events in this dump (written with events_per_cpu 0, or by a module without the event recorder)\n",
		cl->path);
	return -ENOENT;
}

static int show_events(struct cmdline *cl, const struct dump_index *x)
{
	cl->o.events_only = true;
	if (have_events(cl, x))
		return -ENOENT;
	return cl->json ? decode_json(x, stdout, &cl->o) : events_text(x, stdout, &cl->o);
}

static int show_trace(struct cmdline *cl, const struct dump_index *x)
{
	return have_events(cl, x) ? -ENOENT : trace_json(x, stdout, &cl->o);
}

static int show_html(struct cmdline *cl, const struct dump_index *x)
{
	return html_report(x, stdout, &cl->o, cl->path);
}

/* Open @cl's dump, run @show on it, say whether it was damaged. */
static int run_one(struct cmdline *cl, int (*show)(struct cmdline *cl, const struct dump_index *x))
{
	struct dump_file f;
	struct dump_index x;
	int err;

	err = open_dump(cl->path, cl->salvage, &f, &x);
	if (err)
		return err;
	err = cl->path_b ? run_diff(cl, &x) : run(cl, &x, show);
	if (!err && f.damaged) {
		fprintf(stderr, "scxdump: %s: damaged: %s; salvaged %u whole records, to byte %zu of %zu, stopped by %s\n",
			cl->path, f.damage, f.nr_intact, f.size, f.file_size, f.stop_reason);
		err = EXIT_SALVAGED;
	}
	dump_index_free(&x);
	dump_close(&f);
	return err;
}

static int cmd_decode(struct cmdline *cl)
{
	return run_one(cl, show_json);
}

static int cmd_info(struct cmdline *cl)
{
	cl->o.header_only = true;
	return run_one(cl, show_json);
}

static int cmd_summary(struct cmdline *cl)
{
	return run_one(cl, show_summary);
}

static int cmd_diff(struct cmdline *cl)
{
	return run_one(cl, NULL);
}

static int cmd_timeline(struct cmdline *cl)
{
	return run_one(cl, show_timeline);
}

static int cmd_events(struct cmdline *cl)
{
	return run_one(cl, show_events);
}

static int cmd_trace(struct cmdline *cl)
{
	return run_one(cl, show_trace);
}

static int cmd_html(struct cmdline *cl)
{
	return run_one(cl, show_html);
}

/* scxdump redact IN OUT */
static int cmd_redact(struct cmdline *cl)
{
	struct redact_stats rs;
	struct stat si, so;
	struct dump_file f;
	struct dump_index x;
	uint8_t *out;
	size_t len;
	int err;

	/* OUT the file IN is: the dump would be lost if the write failed */
	if (strcmp(cl->path, "-") && strcmp(cl->path_b, "-") && !stat(cl->path, &si) &&
	    !stat(cl->path_b, &so) && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
		fprintf(stderr, "scxdump: redact: %s is %s: write the copy elsewhere\n",
			cl->path_b, cl->path);
		return EXIT_USAGE;
	}
	err = open_dump(cl->path, false, &f, &x);
	if (err)
		return err;
	err = redact_dump(&x, &out, &len, &rs);
	if (err) {
		err = finish(err);
	} else {
		err = output_file(cl->path_b, out, len) ? EXIT_IO : 0;
		free(out);
	}
	if (!err)
		fprintf(stderr, "scxdump: redact: %zu addresses in %zu clusters replaced, %zu in messages, %zu special fields zeroed\n",
			rs.addresses, rs.clusters, rs.text_addresses, rs.special_fields);
	dump_index_free(&x);
	dump_close(&f);
	return err;
}

/* One row a command, in the order the usage gives them. */
static const struct cmd cmds[] = {
	{ "decode", CMD_OPT(PRETTY) | CMD_OPT(HEX) | CMD_OPT(SALVAGE) | CMD_OPT(FORMAT) |
		    CMD_OPT(MAP) | CMD_OPT(VMLINUX), 1, false, cmd_decode, NULL, false },
	{ "info", CMD_OPT(PRETTY), 1, false, cmd_info, NULL, false },
	{ "summary", CMD_OPT(SALVAGE), 1, false, cmd_summary, NULL, false },
	{ "diff", CMD_OPT(TEXT) | CMD_OPT(PRETTY) | CMD_OPT(VMLINUX), 2, true, cmd_diff, NULL, false },
	{ "timeline", CMD_OPT(JSON) | CMD_OPT(PRETTY) | CMD_OPT(VMLINUX), 1, true,
		      cmd_timeline, NULL, false },
	{ "events", CMD_OPT(CPU) | CMD_OPT(PID) | CMD_OPT(DSQ) | CMD_OPT(SINCE) | CMD_OPT(UNTIL) |
		    CMD_OPT(LAST) | CMD_OPT(JSON) | CMD_OPT(PRETTY) | CMD_OPT(VMLINUX), 1, true,
		    cmd_events, NULL, false },
	{ "trace", CMD_OPT(PRETTY) | CMD_OPT(VMLINUX), 1, true, cmd_trace, NULL, false },
	{ "html", CMD_OPT(SALVAGE) | CMD_OPT(MAP) | CMD_OPT(VMLINUX), 1, false, cmd_html, NULL, false },
	{ "redact", 0, 2, false, cmd_redact, NULL, true },
	{ "collect", CMD_OPT(DIR) | CMD_OPT(KEEP) | CMD_OPT(SOURCE) | CMD_OPT(ONCE) | CMD_OPT(EXEC) |
		     CMD_OPT(JOURNAL), 0, false, collect_run, collect_usage, false },
	{ "list", CMD_OPT(DIR) | CMD_OPT(JSON), 0, false, list_run, list_usage, false },
};

int main(int argc, char **argv)
{
	struct cmdline cl = { 0 };
	int err;

	if (argc >= 1)
		argv[0] = "scxdump";
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		if (argc > 2) {
			fprintf(stderr, "scxdump: --version takes nothing more\n");
			return EXIT_USAGE;
		}
		printf("scxdump %s\n", SCXDUMP_VERSION);
		return fflush(stdout) ? EXIT_IO : 0;
	}
	err = cmdline_parse(cmds, sizeof(cmds) / sizeof(cmds[0]), usage, argc, argv, &cl);
	if (err >= 0)
		return err;
	return cl.cmd->run(&cl);
}

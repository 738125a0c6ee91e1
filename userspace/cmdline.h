/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line as a table, as bpftool has it: each command one row
 * with the options it takes, its FILE operands and the function that runs
 * it. One parser reads every command's options, refuses an option its
 * command does not take (naming the commands that do, from the table) and
 * counts the FILEs; the rows are scxdump.c's.
 */
#ifndef SCXDUMP_CMDLINE_H
#define SCXDUMP_CMDLINE_H

#include <stdbool.h>
#include <stdio.h>
#include "decode.h"

/* Every option of every command; a row's opts is a mask of these. */
enum cmd_opt {
	OPT_PRETTY,
	OPT_HEX,
	OPT_SALVAGE,
	OPT_FORMAT,
	OPT_MAP,
	OPT_VMLINUX,
	OPT_TEXT,
	OPT_JSON,
	OPT_DIR,
	OPT_KEEP,
	OPT_SOURCE,
	OPT_ONCE,
	OPT_EXEC,
	OPT_JOURNAL,
	OPT_CPU,
	OPT_PID,
	OPT_DSQ,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_LAST,
	NR_CMD_OPTS
};

#define CMD_OPT(o) (1u << OPT_##o)

struct cmdline;

struct cmd {
	const char *name;
	unsigned int opts;	/* CMD_OPT()s it takes */
	unsigned int nr_files;	/* its FILE operands: 0, 1 or 2 */
	bool every_map;		/* refuses --map for it reads every map */
	int (*run)(struct cmdline *cl);
	void (*help)(FILE *out);	/* its own --help; NULL: the tool's */
	bool writes_b;		/* its second FILE is written, not read */
};

/* A command line, parsed: the command, its FILEs and its options. */
struct cmdline {
	const struct cmd *cmd;
	const char *prog;	/* "scxdump", or "scxdump collect" for collect's messages */
	const char *path;
	const char *path_b;	/* diff: the second dump; redact: the output */
	const char *vmlinux;
	bool text;		/* diff --text */
	bool json;		/* timeline, list --json */
	bool salvage;		/* decode, summary, html --salvage */
	struct decode_opts o;	/* --pretty, --hex, --format, --map; events' filter */
	const char *dir;	/* collect, list --dir */
	const char *source;	/* collect --source */
	const char *keep;	/* collect --keep, as given: collect checks it */
	bool once;		/* collect --once */
	const char *exec;	/* collect --exec CMD */
	bool journal;		/* collect --journal */
};

/*
 * Parse argv[1] (the command, found in @cmds, @nr_cmds rows) and its
 * options and FILEs into @cl. -1 when the command line is good and
 * cl->cmd is to run; otherwise the exit status to leave with (0 after
 * --help). @usage prints the tool's usage.
 */
int cmdline_parse(const struct cmd *cmds, unsigned int nr_cmds, void (*usage)(FILE *out),
		  int argc, char **argv, struct cmdline *cl);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the scxdump tool's commands share: their exit statuses (also in
 * scxdump --help, the man page and docs/format.md) and the commands on
 * the saved-dumps directory.
 */
#ifndef SCXDUMP_TOOL_H
#define SCXDUMP_TOOL_H

#include <stdio.h>

enum {
	EXIT_USAGE = 1,		/* bad command line */
	EXIT_BADFILE = 2,	/* not a dump, corrupt or truncated */
	EXIT_VERSION = 3,	/* dump format version not supported */
	EXIT_IO = 4,		/* cannot read the file or write the output */
	EXIT_SALVAGED = 5,	/* --salvage: a damaged dump, its intact records */
	EXIT_NOSOURCE = 6,	/* collect: no module's status to follow */
	EXIT_EXEC = 7,		/* collect --once: --exec CMD or --journal failed */
};

struct cmdline;

/* scxdump collect / list (collect.c): the exit status; their --help. */
int collect_run(struct cmdline *cl);
int list_run(struct cmdline *cl);
void collect_usage(FILE *out);
void list_usage(FILE *out);

#endif

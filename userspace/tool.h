/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the scxdump tool's commands share: their exit statuses (also in
 * scxdump --help, the man page and docs/format.md) and the commands that
 * parse their own command line.
 */
#ifndef SCXDUMP_TOOL_H
#define SCXDUMP_TOOL_H

enum {
	EXIT_USAGE = 1,		/* bad command line */
	EXIT_BADFILE = 2,	/* not a dump, corrupt or truncated */
	EXIT_VERSION = 3,	/* dump format version not supported */
	EXIT_IO = 4,		/* cannot read the file or write the output */
	EXIT_SALVAGED = 5,	/* --salvage: a damaged dump, its intact records */
	EXIT_NOSOURCE = 6,	/* collect: no module's status to follow */
};

/* scxdump collect / list ARGS: argv[0] is the command; the exit status. */
int collect_main(int argc, char **argv);
int list_main(int argc, char **argv);

#endif

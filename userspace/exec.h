/* SPDX-License-Identifier: GPL-2.0 */
/* A command run on a file, bounded in time (exec.c): collect --exec. */
#ifndef SCXDUMP_EXEC_H
#define SCXDUMP_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/* How long the command may run before it is killed. */
#define EXEC_TIMEOUT_S	300

/*
 * Run /bin/sh -c @cmd with @path as $1 (and in SCXDUMP_FILE), stdin from
 * /dev/null, the signals the caller blocks unblocked; wait for it at most
 * @timeout_s seconds, or until a SIGTERM or SIGINT is pending, then kill
 * it and every process of its group (it runs in a group of its own). 0 when it exited 0; otherwise -1 with
 * why in @why (its exit status, the signal that ended it, the time out,
 * or why it could not start).
 */
int exec_on_file(const char *cmd, const char *path, unsigned int timeout_s, char *why,
		 size_t len);
/*
 * A SIGTERM or SIGINT the caller holds blocked is pending: it is asked to
 * stop (ppoll() delivers it only when the collector sleeps).
 */
bool exec_stop_pending(void);
/* Run @argv (@argv[0] a path), @in_len bytes of @in on its stdin; the same. */
int exec_with_input(char *const argv[], const char *in, size_t in_len, unsigned int timeout_s,
		    char *why, size_t len);

#endif

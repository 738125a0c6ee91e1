// SPDX-License-Identifier: GPL-2.0
/*
 * One structured journal entry for each dump collect saves (--journal),
 * so that a pipeline carrying the journal off the machine (forwarding,
 * systemd-journal-upload) carries each failure with its fields:
 *
 *   MESSAGE_ID     JOURNAL_MESSAGE_ID, the same for every entry
 *   MESSAGE        "saved a dump of SCHED (TRIGGER, EXIT_KIND): FILE"
 *   PRIORITY       3 for a scheduler's error exit, 5 otherwise
 *   SCXDUMP_FILE, SCXDUMP_SEQ, SCXDUMP_SCHEDULER, SCXDUMP_TRIGGER,
 *   SCXDUMP_EXIT_KIND, SCXDUMP_EXIT_REASON, SCXDUMP_EXIT_MESSAGE
 *
 * Sent by util-linux's logger --journald (Debian's bsdutils, essential),
 * which speaks the journal's protocol through libsystemd: one field a
 * line, each value written as dump text is on a terminal (textout.h), so
 * no newline or control byte in a scheduler's message starts a field of
 * its own. The exit message is cut at JOURNAL_MSG_MAX bytes. logger says
 * nothing when no journal listens: its socket is looked for first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "exec.h"
#include "journal.h"
#include "names.h"
#include "textout.h"

#define JOURNAL_LOGGER		"/usr/bin/logger"
/* where journald listens (libsystemd's fixed path) */
#define JOURNAL_SOCKET		"/run/systemd/journal/socket"
#define JOURNAL_MSG_MAX		1024
#define JOURNAL_TIMEOUT_S	10
/* enum scx_exit_kind's errors are named so (the dump has the kernel's names) */
#define JOURNAL_ERROR_KIND	"SCX_EXIT_ERROR"

/* FIELD=value, @len bytes of @s escaped, a line of @f. */
static void field(FILE *f, const char *name, const void *s, size_t len)
{
	char *v = text_dup(s, len, TEXT_RAW | TEXT_CONTROLS);

	fprintf(f, "%s=%s\n", name, v ? v : "(no memory)");
	free(v);
}

int journal_saved(const struct dump_index *x, const char *path, char *why, size_t len)
{
	char *argv[] = { JOURNAL_LOGGER, "--journald", NULL };
	const struct sxd_sched *s = x->nr_scheds ? x->scheds[0].rec : NULL;
	const char *trigger = x->cap ? name_trigger(x->cap->trigger) : "unknown";
	char *buf = NULL, *sched = NULL, *kind = NULL, *file;
	size_t n = 0;
	FILE *f;
	int err;

	/* logger exits 0 when nothing listens: that is looked at first */
	if (access(JOURNAL_SOCKET, W_OK)) {
		snprintf(why, len, "no journal to write to (%s: %s)", JOURNAL_SOCKET,
			 strerror(errno));
		return -1;
	}
	f = open_memstream(&buf, &n);
	if (!f) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	file = text_dup(path, strlen(path), TEXT_RAW | TEXT_CONTROLS);
	if (s) {
		sched = text_dup(s->name, strnlen(s->name, sizeof(s->name)),
				 TEXT_RAW | TEXT_CONTROLS);
		kind = text_dup(s->exit_kind_name,
				strnlen(s->exit_kind_name, sizeof(s->exit_kind_name)),
				TEXT_RAW | TEXT_CONTROLS);
	}
	fprintf(f, "MESSAGE_ID=%s\n", JOURNAL_MESSAGE_ID);
	fprintf(f, "SYSLOG_IDENTIFIER=scxdump\n");
	fprintf(f, "PRIORITY=%d\n",
		kind && !strncmp(kind, JOURNAL_ERROR_KIND, strlen(JOURNAL_ERROR_KIND)) ? 3 : 5);
	fprintf(f, "MESSAGE=saved a dump of %s (%s, %s): %s\n", sched ? sched : "no scheduler",
		trigger, kind && *kind ? kind : "no exit", file ? file : "");
	fprintf(f, "SCXDUMP_FILE=%s\n", file ? file : "");
	if (x->cap)
		fprintf(f, "SCXDUMP_SEQ=%u\n", x->cap->capture_seq);
	fprintf(f, "SCXDUMP_TRIGGER=%s\n", trigger);
	if (s) {
		const char *p = (const char *)(s + 1);

		fprintf(f, "SCXDUMP_SCHEDULER=%s\n", sched ? sched : "");
		fprintf(f, "SCXDUMP_EXIT_KIND=%s\n", kind ? kind : "");
		field(f, "SCXDUMP_EXIT_REASON", p, s->reason_len);
		field(f, "SCXDUMP_EXIT_MESSAGE", p + s->reason_len,
		      s->msg_len < JOURNAL_MSG_MAX ? s->msg_len : JOURNAL_MSG_MAX);
	}
	free(file);
	free(sched);
	free(kind);
	if (fclose(f)) {
		free(buf);
		snprintf(why, len, "out of memory");
		return -1;
	}
	err = exec_with_input(argv, buf, n, JOURNAL_TIMEOUT_S, why, len);
	free(buf);
	return err;
}

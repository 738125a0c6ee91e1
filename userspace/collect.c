// SPDX-License-Identifier: GPL-2.0
/*
 * Saved dumps: "scxdump collect" copies each dump the module publishes
 * out of debugfs (where the next keep_dumps captures or a reboot end it)
 * into a directory, and "scxdump list" shows what that directory holds.
 *
 * collect sleeps in ppoll() on the module's status file, which wakes it
 * when a capture is published or fails (module/dumps.c). At each wake-up,
 * and once at start, it reads the status, copies every kept dump
 * (dumps/<seq>) it has not copied yet, checks each copy whole (dump_open:
 * framing and checksum) and names it
 *
 *   <UTC time of the capture>-<scheduler>-<trigger>-<seq>.scxdump
 *
 * so the names sort by time and a dump copied twice (a restart) has one
 * file. A copy that does not decode is kept too, named ...-damaged-...,
 * never dropped. Past --keep files the oldest are removed: only regular
 * files named so, never another entry of the directory.
 *
 * A dump that could not be saved (a full disk, a name taken by something
 * else) is never passed over in silence: --once exits 4, and the service
 * tries the pass again on a timer (RETRY_FIRST_S, doubling to RETRY_MAX_S)
 * until it succeeds, as the module may evict the dump before its next
 * event.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmdline.h"
#include "dumpfile.h"
#include "exec.h"
#include "journal.h"
#include "index.h"
#include "names.h"
#include "output.h"
#include "saved.h"
#include "tool.h"

#define COLLECT_SOURCE	"/sys/kernel/debug/scxdump"
#define COLLECT_KEEP	100
#define COLLECT_KEEP_MAX	1000000
/* Kept dumps the module can list (its DUMPS_MAX_KEPT is lower). */
#define MAX_KEPT	1024
/* A status file is a few lines; this bounds the kept: list too. */
#define STATUS_MAX	(64 * 1024)
/* The service's retries of a pass that lost a dump: seconds apart. */
#define RETRY_FIRST_S	5
#define RETRY_MAX_S	300
/* collect_pass: the status file is not the module's */
#define PASS_NOT_STATUS	1

struct collector {
	const char *dir;
	const char *source;
	unsigned long keep;
	bool once;
	const char *exec;	/* --exec: run on each dump saved */
	bool journal;		/* --journal: an entry for each */
	unsigned long exec_failed;	/* and journal entries not sent */
	/* The dumps/<seq> copied: its seq and the file's ctime, its identity. */
	struct seen {
		uint32_t seq;
		struct timespec ctime;
	} seen[MAX_KEPT];
	uint32_t nr_seen;
	char last_error[256];
	unsigned long saved;
};

static volatile sig_atomic_t collect_stop;

static void on_signal(int sig)
{
	(void)sig;
	collect_stop = 1;
}

/* Copy @from (an open fd) to @to_fd whole; 0 or -errno. */
static int copy_fd(int from, int to_fd)
{
	static char buf[1 << 20];
	ssize_t n;
	int err;

	for (;;) {
		n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return fsync(to_fd) ? -errno : 0;
		err = write_all(to_fd, (const uint8_t *)buf, n);
		if (err)
			return err;
	}
}

/* Has this run copied dumps/<seq> with this ctime already? */
static bool seen_before(const struct collector *c, uint32_t seq, const struct stat *st)
{
	uint32_t i;

	for (i = 0; i < c->nr_seen; i++)
		if (c->seen[i].seq == seq && c->seen[i].ctime.tv_sec == st->st_ctim.tv_sec &&
		    c->seen[i].ctime.tv_nsec == st->st_ctim.tv_nsec)
			return true;
	return false;
}

static void remember(struct collector *c, uint32_t seq, const struct stat *st)
{
	if (c->nr_seen == MAX_KEPT) {
		memmove(&c->seen[0], &c->seen[1], (MAX_KEPT - 1) * sizeof(c->seen[0]));
		c->nr_seen--;
	}
	c->seen[c->nr_seen].seq = seq;
	c->seen[c->nr_seen++].ctime = st->st_ctim;
}

/* Do the files at @a and @b (not followed if a link) hold the same bytes? */
static bool same_bytes(const char *a, const char *b)
{
	static char ba[1 << 16], bb[1 << 16];
	int fa, fb;
	ssize_t na, nb;
	bool same = false;

	fa = open(a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	fb = open(b, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fa < 0 || fb < 0)
		goto out;
	for (;;) {
		/* regular files on a local disk: a short read is the end */
		na = read(fa, ba, sizeof(ba));
		nb = read(fb, bb, sizeof(bb));
		if (na < 0 || na != nb || memcmp(ba, bb, (size_t)na))
			break;
		if (!na) {
			same = true;
			break;
		}
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

/* place(): the name holds this dump's bytes already, saved by an earlier run */
#define PLACE_SAVED_BEFORE	1

/*
 * Move @tmp to @path unless an entry has that name: never replaced, never
 * followed (a link there is not a saved dump). 0 when moved,
 * PLACE_SAVED_BEFORE when a regular file there holds the same bytes,
 * -EEXIST when something else has the name, or -errno.
 */
static int place(const char *tmp, const char *path)
{
	struct stat st;

	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		return 0;
	/* a filesystem without RENAME_NOREPLACE: link() never replaces either */
	if (errno == EINVAL && !link(tmp, path)) {
		unlink(tmp);
		return 0;
	}
	if (errno != EEXIST)
		return -errno;
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISREG(st.st_mode) && same_bytes(tmp, path))
		return PLACE_SAVED_BEFORE;
	return -EEXIST;
}

/*
 * Name the copy at @tmp (in the target directory) of the file @st by its
 * dump and move it there; a copy that does not decode keeps its bytes
 * under a -damaged- name. 0, or -errno when it could not be moved.
 */
static int settle(struct collector *c, const char *tmp, uint32_t seq, const struct stat *st)
{
	char msg[320], name[256], path[PATH_MAX];
	struct dump_file f;
	struct dump_index x;
	bool named = false, indexed = false;
	int err, f_err;

	/* open until the end: the journal entry reads the saved dump's records */
	f_err = dump_open(&f, tmp, false, msg, sizeof(msg));
	if (!f_err) {
		indexed = !dump_index_build(&x, &f);
		if (indexed)
			named = saved_name(&x, name, sizeof(name));
		if (!named)
			snprintf(msg, sizeof(msg), "no capture record");
	}
	if (!named) {
		/* its file's creation time: the same name at each restart */
		time_t t = st->st_ctim.tv_sec;
		struct tm tm;
		char when[32] = "unknown";

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
		fprintf(stderr, "scxdump collect: dumps/%08u does not decode (%s); kept as it is\n",
			seq, msg);
		snprintf(name, sizeof(name), "%s-unknown-damaged-%08u" SAVED_SUFFIX, when, seq);
	}
	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	err = place(tmp, path);
	if (err == PLACE_SAVED_BEFORE) {
		unlink(tmp);	/* saved before, by an earlier run */
		err = 0;
		goto out;
	}
	if (err == -EEXIST)
		fprintf(stderr, "scxdump collect: %s exists and is not this dump (a link, a directory or other bytes); dumps/%08u not saved\n",
			path, seq);
	else if (err)
		fprintf(stderr, "scxdump collect: cannot move %s to %s: %s\n", tmp, path,
			strerror(-err));
	if (err) {
		unlink(tmp);
		goto out;
	}
	c->saved++;
	printf("saved %s\n", path);
	fflush(stdout);
	/* the entry says what the dump holds: a damaged one gets none */
	if (c->journal && named && journal_saved(&x, path, msg, sizeof(msg))) {
		fprintf(stderr, "scxdump collect: no journal entry for %s: %s\n", path, msg);
		c->exec_failed++;
	}
	if (c->exec && exec_on_file(c->exec, path, EXEC_TIMEOUT_S, msg, sizeof(msg))) {
		/* the dump is saved: the command's failure is said, not retried */
		fprintf(stderr, "scxdump collect: --exec on %s failed: %s\n", path, msg);
		c->exec_failed++;
	}
out:
	if (indexed)
		dump_index_free(&x);
	if (!f_err)
		dump_close(&f);
	return err;
}

/* Copy dumps/<seq> into the directory unless this run did; 0 or -errno. */
static int collect_one(struct collector *c, uint32_t seq)
{
	char src[PATH_MAX], tmp[PATH_MAX];
	struct stat st;
	int in, out, err;

	snprintf(src, sizeof(src), "%s/dumps/%08u", c->source, seq);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		if (errno == ENOENT)
			return 0;	/* evicted since the status was read */
		fprintf(stderr, "scxdump collect: cannot open %s: %s\n", src, strerror(errno));
		return -errno;
	}
	if (fstat(in, &st) || seen_before(c, seq, &st)) {
		close(in);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s/.incoming-XXXXXX", c->dir);
	out = mkstemp(tmp);
	if (out < 0) {
		err = -errno;
		fprintf(stderr, "scxdump collect: cannot create a file in %s: %s\n", c->dir,
			strerror(errno));
		close(in);
		return err;
	}
	err = copy_fd(in, out);
	close(in);
	if (close(out) && !err)
		err = -errno;
	if (err) {
		fprintf(stderr, "scxdump collect: copying %s failed: %s\n", src, strerror(-err));
		unlink(tmp);
		return err;
	}
	err = settle(c, tmp, seq, &st);
	if (!err)
		remember(c, seq, &st);
	return err;
}

/* Remove the oldest saved dumps past --keep; 0 or the first -errno. */
static int retain(const struct collector *c)
{
	char path[PATH_MAX];
	char **names;
	long n, i;
	int err = 0;

	n = saved_list(c->dir, &names, true);
	if (n < 0) {
		fprintf(stderr, "scxdump collect: cannot list %s: %s\n", c->dir, strerror((int)-n));
		return (int)n;
	}
	for (i = 0; i + (long)c->keep < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, names[i]);
		if (unlink(path)) {
			if (!err)
				err = -errno;
			fprintf(stderr, "scxdump collect: cannot remove %s: %s\n", path,
				strerror(errno));
		} else {
			printf("removed %s (--keep %lu)\n", path, c->keep);
		}
	}
	fflush(stdout);
	saved_list_free(names, n);
	return err;
}

/* Read the whole status file at @fd from offset 0 into @buf; its length or -errno. */
static ssize_t read_status(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while (got + 1 < len) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	return (ssize_t)got;
}

/*
 * The value of the status line "@key: value" (its first byte; *@len its
 * length, without the newline), NULL if there is none.
 */
static const char *status_field(const char *status, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *l = status, *v;

	while (*l) {
		if (!strncmp(l, key, klen) && l[klen] == ':') {
			v = l + klen + 1 + (l[klen + 1] == ' ');
			*len = strchrnul(v, '\n') - v;
			return v;
		}
		l = strchrnul(l, '\n');
		if (*l)
			l++;
	}
	return NULL;
}

/*
 * One pass: every kept dump the status lists, then retention. 0, the
 * first -errno of a dump not saved or of retention, or PASS_NOT_STATUS.
 */
static int collect_pass(struct collector *c, const char *status)
{
	const char *v, *p, *end;
	char now[sizeof(c->last_error)], *next;
	unsigned long seq;
	size_t len;
	int err = 0, e;

	/* a failed capture, said once */
	v = status_field(status, "last_error", &len);
	snprintf(now, sizeof(now), "%.*s", v ? (int)len : 0, v ? v : "");
	if (v && strcmp(now, "none") && strcmp(now, c->last_error))
		fprintf(stderr, "scxdump collect: the module reports a failed capture: %s\n", now);
	memcpy(c->last_error, now, sizeof(now));
	v = status_field(status, "kept", &len);
	if (!v) {
		fprintf(stderr, "scxdump collect: %s/status has no kept: line; is it scxdump's?\n",
			c->source);
		return PASS_NOT_STATUS;
	}
	p = v;
	end = v + len;
	while (p < end) {
		errno = 0;
		seq = strtoul(p, &next, 10);
		if (next == p || next > end || errno || seq > UINT32_MAX)
			break;
		p = next;
		e = collect_one(c, (uint32_t)seq);
		if (e && !err)
			err = e;
	}
	e = retain(c);
	return err ? err : e;
}

void collect_usage(FILE *out)
{
	fprintf(out,
		"usage: scxdump collect [--dir DIR] [--keep N] [--source DIR] [--once] [--exec CMD]\n"
		"\n"
		"Copy every dump the scxdump module publishes into DIR (default\n"
		COLLECT_DIR "), named <time>-<scheduler>-<trigger>-<seq>.scxdump,\n"
		"keeping the newest N (default %d). Waits on the module's status file\n"
		"(" COLLECT_SOURCE "/status) until SIGTERM or SIGINT;\n"
		"--once copies what is there and exits (status 4 if a dump could not\n"
		"be saved; the service tries again every few seconds). --source: the\n"
		"module's debugfs directory. --exec CMD: run /bin/sh -c CMD on each\n"
		"dump saved, its path as $1 and in SCXDUMP_FILE (an upload), killed\n"
		"after %d s; a failure is said on stderr, not retried (--once: status 7).\n"
		"--journal: a structured journal entry for each dump saved (logger\n"
		"--journald; MESSAGE_ID=" JOURNAL_MESSAGE_ID ").\n",
		COLLECT_KEEP, EXEC_TIMEOUT_S);
}

int collect_run(struct cmdline *cl)
{
	static struct collector c;
	static char status[STATUS_MAX];
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	char path[PATH_MAX], *end;
	struct timespec retry = { 0 };
	struct pollfd pfd;
	struct stat st;
	ssize_t n;
	int fd, e, err = 0;

	c.dir = cl->dir ? cl->dir : COLLECT_DIR;
	c.source = cl->source ? cl->source : COLLECT_SOURCE;
	c.keep = COLLECT_KEEP;
	c.once = cl->once;
	c.exec = cl->exec;
	c.journal = cl->journal;
	if (c.exec && !*c.exec) {
		fprintf(stderr, "scxdump collect: --exec must not be empty\n");
		return EXIT_USAGE;
	}
	if (cl->keep) {
		errno = 0;
		c.keep = strtoul(cl->keep, &end, 10);
		if (errno || *end || end == cl->keep || cl->keep[0] == '-' || !c.keep ||
		    c.keep > COLLECT_KEEP_MAX) {
			fprintf(stderr, "scxdump collect: --keep takes 1 to %d, not '%s'\n",
				COLLECT_KEEP_MAX, cl->keep);
			return EXIT_USAGE;
		}
	}
	if (!*c.dir || !*c.source) {
		fprintf(stderr, "scxdump collect: --dir and --source must not be empty\n");
		collect_usage(stderr);
		return EXIT_USAGE;
	}
	if (mkdir(c.dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "scxdump collect: cannot create %s: %s\n", c.dir, strerror(errno));
		return EXIT_IO;
	}
	if (stat(c.dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "scxdump collect: --dir %s is not a directory\n", c.dir);
		return EXIT_IO;
	}
	snprintf(path, sizeof(path), "%s/status", c.source);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "scxdump collect: cannot open %s: %s (is the scxdump module loaded, debugfs mounted?)\n",
			path, strerror(errno));
		return EXIT_NOSOURCE;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!c.once)
		printf("collecting from %s into %s (keep %lu)\n", c.source, c.dir, c.keep);
	fflush(stdout);
	/*
	 * a stop held pending is looked at too: a status file that is always
	 * ready (a regular file as --source) never lets ppoll() deliver it
	 */
	while (!collect_stop && !exec_stop_pending()) {
		/* reading it re-arms the poll: it wakes at the next event */
		n = read_status(fd, status, sizeof(status));
		if (n < 0) {
			fprintf(stderr, "scxdump collect: cannot read %s: %s\n", path,
				strerror((int)-n));
			err = EXIT_NOSOURCE;
			break;
		}
		e = collect_pass(&c, status);
		if (e == PASS_NOT_STATUS) {
			err = EXIT_NOSOURCE;
			break;
		}
		if (c.once) {
			if (e) {
				fprintf(stderr, "scxdump collect: not every dump was saved (see above)\n");
				err = EXIT_IO;
			}
			break;
		}
		/* a dump not saved: again on a timer, not at the next event only */
		if (e) {
			retry.tv_sec = retry.tv_sec ? retry.tv_sec * 2 : RETRY_FIRST_S;
			if (retry.tv_sec > RETRY_MAX_S)
				retry.tv_sec = RETRY_MAX_S;
			fprintf(stderr, "scxdump collect: not every dump was saved; trying again in %lld s\n",
				(long long)retry.tv_sec);
		} else if (retry.tv_sec) {
			fprintf(stderr, "scxdump collect: every dump the module keeps is saved now\n");
			retry.tv_sec = 0;
		}
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLPRI };
		/* the signals are unblocked only while it sleeps */
		if (ppoll(&pfd, 1, retry.tv_sec ? &retry : NULL, &orig) < 0 && errno != EINTR) {
			fprintf(stderr, "scxdump collect: poll on %s: %s\n", path, strerror(errno));
			err = EXIT_IO;
			break;
		}
		if (pfd.revents & (POLLERR | POLLNVAL)) {
			fprintf(stderr, "scxdump collect: %s can no longer be read\n", path);
			err = EXIT_NOSOURCE;
			break;
		}
	}
	close(fd);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	if (!c.once)
		printf("stopped: %lu dumps saved\n", c.saved);
	if (retry.tv_sec && !err) {
		fprintf(stderr, "scxdump collect: stopped with dumps not saved\n");
		err = EXIT_IO;
	}
	if (c.exec_failed && !err && c.once) {
		fprintf(stderr, "scxdump collect: --exec or --journal failed %lu times\n",
			c.exec_failed);
		err = EXIT_EXEC;
	}
	/* what was saved is on disk; a lost "saved" line is still a failure */
	if ((fflush(stdout) || ferror(stdout)) && !err) {
		fprintf(stderr, "scxdump collect: cannot write the output\n");
		err = EXIT_IO;
	}
	return err;
}

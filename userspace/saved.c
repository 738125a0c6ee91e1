// SPDX-License-Identifier: GPL-2.0
/*
 * The directory of saved dumps (scxdump collect writes it): the name a
 * dump is saved under, which files in it are saved dumps, and "scxdump
 * list", a line (or a JSON object) for each.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "cmdline.h"
#include "dumpfile.h"
#include "index.h"
#include "json.h"
#include "names.h"
#include "saved.h"
#include "textout.h"
#include "tool.h"

/* @s with every byte outside [A-Za-z0-9_.] turned into '_', at most @len - 1. */
static void name_part(char *out, size_t len, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i + 1 < len && i < max && s[i]; i++) {
		char c = s[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '.' ? c : '_';
	}
	out[i] = 0;
	if (!i)
		snprintf(out, len, "unknown");
}

/* The file name a dump is saved under; false if it has no capture record. */
bool saved_name(const struct dump_index *x, char *buf, size_t len)
{
	const struct sxd_capture *c = x->cap;
	char when[32], sched[64], trig[32];
	struct tm tm;
	time_t t;

	if (!c)
		return false;
	t = (time_t)(c->realtime_ns / 1000000000ull);
	if (!gmtime_r(&t, &tm))
		return false;
	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
	if (x->nr_scheds)
		name_part(sched, sizeof(sched), x->scheds[0].rec->name,
			  sizeof(x->scheds[0].rec->name));
	else
		snprintf(sched, sizeof(sched), "unknown");
	name_part(trig, sizeof(trig), name_trigger(c->trigger), 32);
	snprintf(buf, len, "%s.%06" PRIu64 "Z-%s-%s-%08u" SAVED_SUFFIX, when,
		 (uint64_t)(c->realtime_ns % 1000000000ull / 1000), sched, trig,
		 c->capture_seq);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_saved(const char *name)
{
	size_t n = strlen(name), s = strlen(SAVED_SUFFIX);

	return name[0] != '.' && n > s && !strcmp(name + n - s, SAVED_SUFFIX);
}

#define DIGITS		"0123456789"
#define NAME_CHARS	DIGITS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_."

/*
 * Is @n a name settle() gives: <time>-<scheduler>-<trigger>-<seq>.scxdump,
 * <time> 20261125T012337.878452Z (a damaged copy's without the
 * microseconds, or "unknown"), the two names of name_part()'s bytes, <seq>
 * of %08u.
 */
static bool is_collect_name(const char *n)
{
	size_t k;
	int i;

	if (!strncmp(n, "unknown-", 8)) {
		n += 7;
	} else {
		if (strspn(n, DIGITS) != 8 || n[8] != 'T' || strspn(n + 9, DIGITS) != 6)
			return false;
		n += 15;
		if (*n == '.') {
			if (strspn(n + 1, DIGITS) != 6)
				return false;
			n += 7;
		}
		if (*n++ != 'Z')
			return false;
	}
	for (i = 0; i < 2; i++) {
		if (*n++ != '-')
			return false;
		k = strspn(n, NAME_CHARS);
		if (!k)
			return false;
		n += k;
	}
	if (*n++ != '-')
		return false;
	k = strspn(n, DIGITS);
	return k >= 8 && k <= 10 && !strcmp(n + k, SAVED_SUFFIX);
}

/*
 * The saved dumps in @dir, sorted by name (= by capture time), in *@names
 * (saved_list_free() them); their number, or -errno. @own: only regular
 * files (not followed) named as collect names them.
 */
long saved_list(const char *dir, char ***names, bool own)
{
	struct stat st;
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	DIR *d;

	*names = NULL;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!is_saved(de->d_name))
			continue;
		if (own && (!is_collect_name(de->d_name) ||
			    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
			    !S_ISREG(st.st_mode)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	*names = v;
	return (long)n;
nomem:
	closedir(d);
	while (n)
		free(v[--n]);
	free(v);
	return -ENOMEM;
}

void saved_list_free(char **names, long n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* One saved dump's line or JSON object; false if it does not decode. */
static bool list_one(const char *dir, const char *name, yajl_gen g)
{
	char path[PATH_MAX], msg[320], when[40] = "?";
	const struct sxd_sched *s = NULL;
	const struct sxd_capture *cap;
	struct dump_file f;
	struct dump_index x;
	struct stat st;
	struct tm tm;
	time_t t;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (dump_open(&f, path, false, msg, sizeof(msg))) {
		if (g) {
			json_obj(g);
			json_kstr(g, "file", name);
			json_kstr(g, "error", msg);
			json_obj_end(g);
		} else {
			printf("%-27s %-20s %-8s %-24s %10lld  ", "?", "?", "?", "DAMAGED",
			       stat(path, &st) ? -1LL : (long long)st.st_size);
			text_bytes(stdout, name, strlen(name), 0);
			fputs(": ", stdout);
			text_bytes(stdout, msg, strlen(msg), 0);
			putchar('\n');
		}
		return false;
	}
	ok = !dump_index_build(&x, &f);
	cap = ok ? x.cap : NULL;
	if (ok && x.nr_scheds)
		s = x.scheds[0].rec;
	if (cap) {
		t = (time_t)(cap->realtime_ns / 1000000000ull);
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (g) {
		json_obj(g);
		json_kstr(g, "file", name);
		json_kstr(g, "time", when);
		if (cap) {
			json_kuint(g, "realtime_ns", cap->realtime_ns);
			json_kstr(g, "trigger", name_trigger(cap->trigger));
			json_kuint(g, "capture_seq", cap->capture_seq);
		}
		if (s) {
			json_kfixed(g, "scheduler", s->name, sizeof(s->name));
			json_kfixed(g, "exit_kind", s->exit_kind_name, sizeof(s->exit_kind_name));
			json_kstrn(g, "message", (const char *)(s + 1) + s->reason_len, s->msg_len);
		}
		json_kuint(g, "bytes", f.size);
		json_obj_end(g);
	} else {
		/* the dump's own text escaped (textout.h): it may hold terminal controls */
		printf("%-27s ", when);
		text_fixed(stdout, s ? s->name : "?", s ? sizeof(s->name) : 1, 20);
		printf(" %-8s ", cap ? name_trigger(cap->trigger) : "?");
		text_fixed(stdout, s ? s->exit_kind_name : "?", s ? sizeof(s->exit_kind_name) : 1, 24);
		printf(" %10zu  ", f.size);
		text_bytes(stdout, name, strlen(name), 0);
		putchar('\n');
	}
	if (ok)
		dump_index_free(&x);
	dump_close(&f);
	return ok;
}

void list_usage(FILE *out)
{
	fprintf(out, "usage: scxdump list [--dir DIR] [--json]\n\n"
		"The dumps scxdump collect saved in DIR (default " COLLECT_DIR "),\n"
		"oldest first: capture time, scheduler, trigger, exit, bytes, file.\n");
}

int list_run(struct cmdline *cl)
{
	const char *dir = cl->dir ? cl->dir : COLLECT_DIR;
	bool json = cl->json, bad = false;
	yajl_gen g = NULL;
	char **names;
	long n, i;

	n = saved_list(dir, &names, false);
	if (n < 0) {
		fprintf(stderr, "scxdump list: cannot list %s: %s\n", dir, strerror((int)-n));
		return EXIT_IO;
	}
	if (json) {
		g = json_open(stdout, false);
		if (!g) {
			saved_list_free(names, n);
			return EXIT_IO;
		}
		json_arr(g);
	} else {
		printf("%-27s %-20s %-8s %-24s %10s  %s\n", "TIME", "SCHEDULER", "TRIGGER", "EXIT",
		       "BYTES", "FILE");
	}
	for (i = 0; i < n; i++)
		if (!list_one(dir, names[i], g))
			bad = true;
	if (g) {
		json_arr_end(g);
		json_close(g);
		putchar('\n');
	}
	saved_list_free(names, n);
	if (fflush(stdout)) {
		fprintf(stderr, "scxdump list: cannot write the output\n");
		return EXIT_IO;
	}
	if (bad)
		fprintf(stderr, "scxdump list: some files in %s are not whole dumps\n", dir);
	return bad ? EXIT_BADFILE : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxarena: attaches it, starts --live children that stay (they
 * sleep until killed: a child that woke every few ms, 200 of them, kept a
 * KASAN kernel under TCG busy for minutes) and --gone children that exit at once (their slots are
 * freed by ops.exit_task), prints "live PID" per stayer and "gone PID" per
 * leaver, then "ready". Then it waits (--hold-ms, or until --wait-file
 * exists) and makes the scheduler fail, or with --no-fail detaches it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxarena.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
typedef int s32;
#include "scxarena.skel.h"

#define SXA_MAX_KIDS	1024

static pid_t kids[SXA_MAX_KIDS];
static int nr_kids;

static void kill_kids(void)
{
	int i;

	for (i = 0; i < nr_kids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	nr_kids = 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "live", required_argument, NULL, 'l' },
		{ "gone", required_argument, NULL, 'g' },
		{ "hold-ms", required_argument, NULL, 'h' },
		{ "wait-file", required_argument, NULL, 'w' },
		{ "no-fail", no_argument, NULL, 'n' },
		{ 0 }
	};
	long nl = 16, ng = 8, hold_ms = 500, i;
	const char *wait_file = NULL;
	struct scxarena_bpf *skel;
	struct bpf_link *link;
	int c, rc = 1, fail = 1, bad = 0;
	struct stat st;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': nl = atol(optarg); break;
		case 'g': ng = atol(optarg); break;
		case 'h': hold_ms = atol(optarg); break;
		case 'w': wait_file = optarg; break;
		case 'n': fail = 0; break;
		default: bad = 1; break;
		}
	}
	if (bad || nl < 0 || ng < 0 || nl > SXA_MAX_KIDS || ng > 100000 || hold_ms < 0) {
		fprintf(stderr, "usage: scxarena [--live N (<= %d)] [--gone N] [--hold-ms MS | --wait-file PATH] [--no-fail]\n",
			SXA_MAX_KIDS);
		return 2;
	}
	skel = scxarena_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "scxarena: load failed: %s\n", strerror(errno));
		return 1;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxa_ops);
	if (!link) {
		fprintf(stderr, "scxarena: attach failed: %s\n", strerror(errno));
		goto out;
	}
	if (wait_state("scxarena", "enabled", 0, 10000))
		goto out_link;
	printf("scxarena: enabled pid=%d init_err=%d\n", getpid(), skel->bss->init_err);
	for (i = 0; i < ng; i++) {
		pid = fork();
		if (!pid)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			goto out_kids;
		printf("gone %d\n", pid);
	}
	for (i = 0; i < nl; i++) {
		pid = fork();
		if (!pid) {
			for (;;)
				pause();
		}
		if (pid < 0)
			goto out_kids;
		kids[nr_kids++] = pid;
		printf("live %d\n", pid);
	}
	printf("ready alloc=%llu free=%llu failed=%llu\n", skel->bss->nr_alloc,
	       skel->bss->nr_free, skel->bss->nr_alloc_failed);
	fflush(stdout);
	if (wait_file) {
		for (double t0 = now_ms(); stat(wait_file, &st) && now_ms() - t0 < 120000;)
			usleep(10000);
	} else {
		usleep(hold_ms * 1000);
	}
	rc = 0;
	if (fail) {
		skel->bss->fail_now = 1;
		rc = wait_state("scxarena", "enabled", 1, 10000) ||
		     wait_state("scxarena", "disabled", 0, 10000);
		printf("scxarena: failed\n");
	}
out_kids:
	kill_kids();
out_link:
	bpf_link__destroy(link);
out:
	scxarena_bpf__destroy(skel);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxstall: forks the victim (a busy loop, bounded by
 * SXS_VICTIM_MAX_MS), names it to the scheduler, attaches it and prints
 * "victim PID". sched_ext's watchdog then fails the scheduler for the
 * victim's stall; the loader waits for that (at most --wait-ms), prints
 * the state and the scheduler's counters, and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxstall.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
typedef int s32;
#include "scxstall.skel.h"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait-ms", required_argument, NULL, 'w' },
		{ 0 }
	};
	struct scxstall_bpf *skel;
	struct bpf_link *link;
	double wait_ms = 30000, t0;
	char state[64] = "";
	pid_t victim;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w': wait_ms = atof(optarg); break;
		default:
			fprintf(stderr, "usage: scxstall [--wait-ms MS]\n");
			return 2;
		}
	}
	victim = fork();
	if (victim < 0) {
		perror("scxstall: fork");
		return 1;
	}
	if (!victim) {
		for (t0 = now_ms(); now_ms() - t0 < SXS_VICTIM_MAX_MS;)
			;
		_exit(0);
	}
	skel = scxstall_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "scxstall: open/load failed: %s\n", strerror(errno));
		kill(victim, SIGKILL);
		return 1;
	}
	skel->bss->starve_pid = victim;
	link = bpf_map__attach_struct_ops(skel->maps.sxs_ops);
	if (!link) {
		fprintf(stderr, "scxstall: attach failed: %s\n", strerror(errno));
		kill(victim, SIGKILL);
		scxstall_bpf__destroy(skel);
		return 1;
	}
	printf("victim %d\n", victim);
	fflush(stdout);
	t0 = now_ms();
	while (now_ms() - t0 < wait_ms) {
		if (!read_state(state, sizeof(state)) && strcmp(state, "enabled") &&
		    strcmp(state, "enabling"))
			break;
		usleep(20000);
	}
	printf("scxstall: state %s after %.0f ms, enqueues %llu, the victim's %llu\n", state,
	       now_ms() - t0, (unsigned long long)skel->bss->nr_enqueued,
	       (unsigned long long)skel->bss->nr_starved_enqueues);
	bpf_link__destroy(link);
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	scxstall_bpf__destroy(skel);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxsnap: attaches it, lets it run --run-ms milliseconds with
 * --yielders processes calling sched_yield() in a loop (each call runs the
 * stopping, enqueue and running callbacks), then asks it to fail and
 * waits until sched_ext has disabled it; or, with --no-fail, detaches it.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxsnap.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
#include "scxsnap.skel.h"

static pid_t yielders[64];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void start_yielders(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		yielders[i] = fork();
		if (!yielders[i]) {
			for (;;)
				sched_yield();
		}
	}
}

static void stop_yielders(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (yielders[i] > 0) {
			kill(yielders[i], SIGKILL);
			waitpid(yielders[i], NULL, 0);
		}
	}
}

/* --big-hash: the even key of each pair, in batches; big_count[0] their count */
static int fill_churn(struct scxsnap_bpf *skel, long pairs)
{
	static u32 keys[4096];
	static u64 vals[4096];
	u32 i = 0, n, j, z = 0;
	u64 count = 0;

	while (i < pairs) {
		n = pairs - i < 4096 ? pairs - i : 4096;
		for (j = 0; j < n; j++) {
			keys[j] = 2 * (i + j);
			vals[j] = sxs_churn_value(keys[j]);
		}
		if (bpf_map_update_batch(bpf_map__fd(skel->maps.big_hash), keys, vals, &n, NULL)) {
			fprintf(stderr, "scxsnap: filling the hash: %s\n", strerror(errno));
			return -1;
		}
		i += n;
		count += n;
	}
	if (bpf_map__update_elem(skel->maps.big_count, &z, sizeof(z), &count, sizeof(count), 0)) {
		fprintf(stderr, "scxsnap: setting the count: %s\n", strerror(errno));
		return -1;
	}
	skel->bss->churn_pairs = pairs;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-ms", required_argument, NULL, 'r' },
		{ "yielders", required_argument, NULL, 'y' },
		{ "no-fail", no_argument, NULL, 'n' },
		{ "big-hash", required_argument, NULL, 'b' },
		{ 0 }
	};
	struct sxs_filler f;
	struct scxsnap_bpf *skel;
	struct bpf_link *link;
	long run_ms = 300, nr_yielders = 0, pairs = 0;
	int c, rc = 1, fail = 1;
	u32 i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': run_ms = atol(optarg); break;
		case 'y': nr_yielders = atol(optarg); break;
		case 'n': fail = 0; break;
		case 'b': pairs = atol(optarg); break;
		default: run_ms = 0; break;
		}
	}
	if (run_ms <= 0 || nr_yielders < 0 || nr_yielders > 64 || pairs < 0 ||
	    pairs > SXS_CHURN_MAX) {
		fprintf(stderr, "usage: scxsnap [--run-ms MS] [--yielders N (<= 64)] [--no-fail] [--big-hash PAIRS (<= %d)]\n",
			SXS_CHURN_MAX);
		return 2;
	}
	/* the churned hash as large as asked, else one entry */
	skel = scxsnap_bpf__open();
	if (skel && (bpf_map__set_max_entries(skel->maps.big_hash,
					      pairs ? pairs + SXS_CHURN_SLACK : 1) ||
		     scxsnap_bpf__load(skel))) {
		scxsnap_bpf__destroy(skel);
		skel = NULL;
	}
	if (!skel) {
		fprintf(stderr, "scxsnap: load failed: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < SXS_FILLER_ENTRIES; i++) {
		memset(&f, 0, sizeof(f));
		f.w[0] = i;
		f.w[31] = ~(u64)i;
		if (bpf_map__update_elem(skel->maps.filler, &i, sizeof(i), &f, sizeof(f), 0))
			goto out;
	}
	{
		static struct sxs_big big;

		for (i = 0; i < SXS_BIG_WORDS; i++)
			big.w[i] = i ^ SXS_BIG_PATTERN;
		i = 0;
		if (bpf_map__update_elem(skel->maps.big, &i, sizeof(i), &big, sizeof(big), 0))
			goto out;
	}
	if (pairs && fill_churn(skel, pairs))
		goto out;
	link = bpf_map__attach_struct_ops(skel->maps.sxs_ops);
	if (!link) {
		fprintf(stderr, "scxsnap: attach failed: %s\n", strerror(errno));
		goto out;
	}
	if (!wait_state("scxsnap", "enabled", 0, 10000)) {
		printf("scxsnap: enabled\n");
		fflush(stdout);
		start_yielders(nr_yielders);
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
		for (double t0 = now_ms(); !stop && now_ms() - t0 < run_ms;)
			usleep(10000);
		rc = 0;
		if (fail) {
			skel->bss->fail_now = 1;
			rc = wait_state("scxsnap", "enabled", 1, 10000) ||
			     wait_state("scxsnap", "disabled", 0, 10000);
		}
		stop_yielders(nr_yielders);
	}
	if (fail)
		printf("scxsnap: failed at %llu updates\n", (u64)skel->bss->failed_at);
	if (pairs)
		printf("scxsnap: %llu swaps of the hash's pairs\n", (u64)skel->bss->churn_swaps);
	bpf_link__destroy(link);
out:
	scxsnap_bpf__destroy(skel);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the test scheduler. Fills the maps that only user space fills,
 * attaches, then waits until sched_ext disables the scheduler (fail mode)
 * or detaches it itself after a while (normal exit).
 *
 *   scxtest --fail-after N        fail with scx_bpf_error() after N enqueues
 *   scxtest --exit-after-ms MS    unregister normally after MS milliseconds,
 *                                 or at SIGTERM or SIGINT
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxtest.h"
#include "loader.h"

typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef short s16;
typedef unsigned char u8;
#include "scxtest.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int fill_maps(struct scxtest_bpf *skel)
{
	u32 i;

	for (i = 0; i < SXT_ARR_ENTRIES; i++) {
		u64 v = (u64)i * i + (SXT_SEED & 0xffff);

		if (bpf_map__update_elem(skel->maps.arr_u64, &i, sizeof(i), &v, sizeof(v), 0))
			return -errno;
	}
	for (i = 0; i < SXT_PAIRS; i++) {
		struct sxt_pair_key k = { .cpu = i };
		struct sxt_pair_val v = { .delta = -1000LL * i };

		snprintf(k.tag, sizeof(k.tag), "tag%u", i);
		snprintf(v.label, sizeof(v.label), "pair-%u", i);
		if (bpf_map__update_elem(skel->maps.pair_hash, &k, sizeof(k), &v, sizeof(v), 0))
			return -errno;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fail-after", required_argument, NULL, 'f' },
		{ "exit-after-ms", required_argument, NULL, 'e' },
		{ "timeout-s", required_argument, NULL, 't' },
		{ 0 }
	};
	long fail_after = 0, exit_after_ms = 0, timeout_s = 60;
	struct scxtest_bpf *skel;
	struct bpf_link *link;
	char state[64] = "";
	double t0;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fail_after = atol(optarg); break;
		case 'e': exit_after_ms = atol(optarg); break;
		case 't': timeout_s = atol(optarg); break;
		default:
			fprintf(stderr, "usage: scxtest --fail-after N | --exit-after-ms MS\n");
			return 2;
		}
	}
	if ((fail_after > 0) == (exit_after_ms > 0)) {
		fprintf(stderr, "scxtest: give exactly one of --fail-after, --exit-after-ms\n");
		return 2;
	}
	skel = scxtest_bpf__open();
	if (!skel) {
		fprintf(stderr, "scxtest: open failed: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->seed = SXT_SEED;
	skel->rodata->fail_after = fail_after;
	err = scxtest_bpf__load(skel);
	if (!err)
		err = fill_maps(skel);
	if (err) {
		fprintf(stderr, "scxtest: load failed: %d\n", err);
		scxtest_bpf__destroy(skel);
		return 1;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxt_ops);
	if (!link) {
		fprintf(stderr, "scxtest: attach failed: %s\n", strerror(errno));
		scxtest_bpf__destroy(skel);
		return 1;
	}
	printf("scxtest: attached (fail_after=%ld exit_after_ms=%ld)\n", fail_after, exit_after_ms);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	t0 = now_ms();
	for (;;) {
		usleep(20000);
		if (stop)
			break;
		if (!read_state(state, sizeof(state)) && strcmp(state, "enabled") &&
		    strcmp(state, "enabling"))
			break;
		if (exit_after_ms && now_ms() - t0 >= exit_after_ms)
			break;
		/* a failure that never comes: bounded (--exit-after-ms bounds itself) */
		if (!exit_after_ms && now_ms() - t0 > timeout_s * 1e3) {
			fprintf(stderr, "scxtest: still %s after %lds\n", state, timeout_s);
			break;
		}
	}
	printf("scxtest: state %s after %.0f ms, enqueues %llu\n", state,
	       now_ms() - t0, (unsigned long long)skel->bss->nr_enqueued);
	bpf_link__destroy(link);
	/* Once sched_ext is done, the teardown counters have moved. */
	for (t0 = now_ms(); now_ms() - t0 < 10000; usleep(20000)) {
		if (!read_state(state, sizeof(state)) && !strcmp(state, "disabled"))
			break;
	}
	printf("scxtest: after teardown (%s): exit_task(pid 1) %llu, cgroup_exit(root) %llu, exit %llu\n",
	       state, (unsigned long long)skel->bss->nr_exit_task_pid1,
	       (unsigned long long)skel->bss->nr_cgroup_exit_root,
	       (unsigned long long)skel->bss->exit_called);
	scxtest_bpf__destroy(skel);
	return 0;
}

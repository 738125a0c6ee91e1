// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxrec: forks task A and task B, attaches with their pids,
 * then wakes A every 100 ms; A wakes B each time (a pipe each). scxrec
 * fails at A's SXR_FAIL_AT-th insert. Prints "scxrec: a PID b PID loader PID", then
 * sched_ext's state and scxrec's counts once it is disabled (at most
 * --wait-ms). Exit status 0 when sched_ext disabled it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxrec.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
typedef int s32;
#include "scxrec.skel.h"

/* A: each byte from @in wakes it; it passes it on to @out (B) */
static void relay(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1) {
		if (out >= 0 && write(out, &c, 1) != 1)
			break;
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait-ms", required_argument, NULL, 'w' },
		{ 0 }
	};
	int pa[2], pb[2], c, i, err, rc = 1;
	long wait_ms = 30000;
	struct scxrec_bpf *skel;
	struct bpf_link *link;
	pid_t a, b;
	double t0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'w') {
			fprintf(stderr, "usage: scxrec [--wait-ms MS]\n");
			return 2;
		}
		wait_ms = atol(optarg);
	}
	if (pipe(pa) || pipe(pb)) {
		perror("scxrec: pipe");
		return 1;
	}
	b = fork();
	if (!b) {
		close(pa[0]);
		close(pa[1]);
		close(pb[1]);
		relay(pb[0], -1);
	}
	a = fork();
	if (!a) {
		close(pa[1]);
		close(pb[0]);
		relay(pa[0], pb[1]);
	}
	close(pa[0]);
	close(pb[0]);
	close(pb[1]);
	if (a < 0 || b < 0) {
		perror("scxrec: fork");
		goto out;
	}
	printf("scxrec: a %d b %d loader %d\n", a, b, getpid());
	fflush(stdout);
	skel = scxrec_bpf__open();
	if (!skel) {
		fprintf(stderr, "scxrec: open failed: %s\n", strerror(errno));
		goto out;
	}
	skel->rodata->pid_a = a;
	skel->rodata->pid_b = b;
	err = scxrec_bpf__load(skel);
	if (err) {
		fprintf(stderr, "scxrec: load failed: %d\n", err);
		goto out_skel;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxr_ops);
	if (!link) {
		fprintf(stderr, "scxrec: attach failed: %s\n", strerror(errno));
		goto out_skel;
	}
	usleep(100000);
	t0 = now_ms();
	for (i = 0; now_ms() - t0 < wait_ms && state_is("enabled"); i++) {
		if (i < 2 * SXR_FAIL_AT && write(pa[1], "x", 1) != 1)
			break;
		usleep(100000);
	}
	/* left enabled, then the disable done (it may be "disabling" a while) */
	if (!wait_state("scxrec", "enabled", 1, 10000))
		wait_state("scxrec", "disabled", 0, 10000);
	{
		char state[64] = "";

		read_state(state, sizeof(state));
		printf("scxrec: state %s, inserts of A %llu, of B %llu, kicks %llu\n", state,
		       skel->bss->nr_a, skel->bss->nr_b, skel->bss->nr_kicks);
		rc = !strcmp(state, "enabled");
	}
	bpf_link__destroy(link);
out_skel:
	scxrec_bpf__destroy(skel);
out:
	close(pa[1]);
	if (a > 0)
		kill(a, SIGKILL);
	if (b > 0)
		kill(b, SIGKILL);
	while (wait(NULL) > 0)
		;
	return rc;
}

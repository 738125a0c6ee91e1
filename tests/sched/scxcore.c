// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxcore: attaches it, starts --vtime + --fifo children that
 * yield in a loop, off --rt-cpu, and has the scheduler park them one by
 * one: first the vtime ones (each with a vtime smaller than the last, so
 * that their queue order is the reverse of their parking order), then the
 * FIFO ones. Then a real-time (SCHED_FIFO) busy loop on --rt-cpu. It
 * prints what it did, one line each ("park PID DSQ ORDER VTIME", "rt PID
 * CPU"), then "parked". Then it waits (--hold-ms, or until --wait-file exists)
 * and makes the scheduler fail, or with --no-fail detaches it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxcore.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
typedef int s32;
#include "scxcore.skel.h"

#define SXC_VTIME_BASE	1000000ull
/*
 * The RT loop starves what is bound to its CPU and runs below RT: on 6.12,
 * which has no deadline server for sched_ext, every per-CPU kworker and
 * ksoftirqd there (RCU stalls, then the machine). It sleeps a little
 * every 20 ms, and is bounded whatever happens to the loader.
 */
#define SXC_RT_MAX_MS	30000

static pid_t kids[SXC_MAX_PARK + 1];
static int nr_kids;

static pid_t spawn_yielder(void)
{
	pid_t pid = fork();

	if (!pid) {
		for (;;)
			sched_yield();
	}
	if (pid > 0)
		kids[nr_kids++] = pid;
	return pid;
}

/* The RT loop on @cpu; returns once it runs there. */
static pid_t spawn_rt(int cpu)
{
	struct sched_param sp = { .sched_priority = 50 };
	int fds[2];
	cpu_set_t set;
	pid_t pid;
	char c = 0;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (!pid) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) ||
		    sched_setscheduler(0, SCHED_FIFO, &sp))
			_exit(1);
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		/*
		 * 20 ms busy, 0.2 ms asleep: 99% of the CPU, and what is
		 * bound to it still runs now and then. At most
		 * SXC_RT_MAX_MS: the loader kills it long before.
		 */
		for (double t0 = now_ms(), t1 = t0; now_ms() - t0 < SXC_RT_MAX_MS;) {
			if (now_ms() - t1 >= 20) {
				usleep(200);
				t1 = now_ms();
			}
		}
		_exit(0);
	}
	if (pid > 0)
		kids[nr_kids++] = pid;
	close(fds[1]);
	if (pid > 0 && read(fds[0], &c, 1) != 1)
		pid = -1;
	close(fds[0]);
	return pid;
}

static void kill_kids(void)
{
	int i;

	for (i = 0; i < nr_kids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

/*
 * Wait without sleeping: every sched_yield() passes through the
 * scheduler's ops.enqueue (and a sleeper's wakeup might not, when the
 * kernel direct-dispatches it), so the planned failure comes at once.
 */
static void spin_ms(double ms)
{
	for (double t0 = now_ms(); now_ms() - t0 < ms;)
		sched_yield();
}

/* Have the scheduler park @pid on @dsq; wait until it did. */
static int park(struct scxcore_bpf *skel, s32 pid, u32 dsq, u32 order, u64 vtime)
{
	struct sxc_park k = { .dsq = dsq, .order = order, .vtime = vtime };
	double t0 = now_ms();

	if (bpf_map__update_elem(skel->maps.park, &pid, sizeof(pid), &k, sizeof(k), BPF_ANY))
		return -errno;
	while (now_ms() - t0 < 10000) {
		if (!bpf_map__lookup_elem(skel->maps.park, &pid, sizeof(pid), &k, sizeof(k), 0) &&
		    k.parked)
			return 0;
		spin_ms(1);
	}
	return -ETIMEDOUT;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vtime", required_argument, NULL, 'v' },
		{ "fifo", required_argument, NULL, 'f' },
		{ "rt-cpu", required_argument, NULL, 'c' },
		{ "hold-ms", required_argument, NULL, 'h' },
		{ "wait-file", required_argument, NULL, 'w' },
		{ "no-fail", no_argument, NULL, 'n' },
		{ 0 }
	};
	long nv = 4, nf = 3, rt_cpu = 1, hold_ms = 500;
	const char *wait_file = NULL;
	struct scxcore_bpf *skel;
	struct bpf_link *link;
	int c, rc = 1, fail = 1, bad = 0;
	struct stat st;
	pid_t pid;
	long i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v': nv = atol(optarg); break;
		case 'f': nf = atol(optarg); break;
		case 'c': rt_cpu = atol(optarg); break;
		case 'h': hold_ms = atol(optarg); break;
		case 'w': wait_file = optarg; break;
		case 'n': fail = 0; break;
		default: bad = 1; break;
		}
	}
	if (bad || nv < 0 || nf < 0 || nv + nf > SXC_MAX_PARK || hold_ms < 0 || rt_cpu < 0) {
		fprintf(stderr, "usage: scxcore [--vtime N] [--fifo N] (N + N <= %d) [--rt-cpu CPU] [--hold-ms MS | --wait-file PATH] [--no-fail]\n",
			SXC_MAX_PARK);
		return 2;
	}
	skel = scxcore_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "scxcore: load failed: %s\n", strerror(errno));
		return 1;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxc_ops);
	if (!link) {
		fprintf(stderr, "scxcore: attach failed: %s\n", strerror(errno));
		goto out;
	}
	if (wait_state("scxcore", "enabled", 0, 10000))
		goto out_link;
	/*
	 * The loader and its yielders keep off the RT loop's CPU: a task
	 * sched_ext put there would wait behind the loop (this scheduler
	 * does not move what RT preempts, as ops.cpu_release would).
	 */
	{
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(rt_cpu ? 0 : 1, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			fprintf(stderr, "scxcore: cannot keep off CPU %ld: %s\n", rt_cpu,
				strerror(errno));
	}
	printf("scxcore: enabled pid=%d\n", getpid());
	for (i = 0; i < nv + nf; i++) {
		u32 dsq = i < nv ? SXC_DSQ_VTIME : SXC_DSQ_FIFO;
		u64 vtime = i < nv ? SXC_VTIME_BASE + 1000 * (nv - i) : 0;
		int err;

		pid = spawn_yielder();
		if (pid < 0)
			goto out_kids;
		err = park(skel, pid, dsq, i + 1, vtime);
		if (err) {
			fprintf(stderr, "scxcore: %d not parked: %s\n", pid, strerror(-err));
			goto out_kids;
		}
		printf("park %d %u %ld %llu\n", pid, dsq, i + 1, vtime);
	}
	/*
	 * Only now the RT loop, for the shortest while: on 6.12 it starves
	 * every per-CPU kworker of its CPU, which much of the kernel waits on.
	 */
	pid = spawn_rt(rt_cpu);
	if (pid < 0) {
		fprintf(stderr, "scxcore: no SCHED_FIFO loop on CPU %ld\n", rt_cpu);
		goto out_kids;
	}
	printf("rt %d %ld\n", pid, rt_cpu);
	printf("parked\n");
	fflush(stdout);
	if (wait_file) {
		for (double t0 = now_ms(); stat(wait_file, &st) && now_ms() - t0 < 120000;)
			spin_ms(10);
	} else {
		spin_ms(hold_ms);
	}
	rc = 0;
	if (fail) {
		skel->bss->fail_now = 1;
		rc = wait_state("scxcore", "enabled", 1, 10000) ||
		     wait_state("scxcore", "disabled", 0, 10000);
		printf("scxcore: failed with %u parked\n", skel->bss->nr_parked);
	}
out_kids:
	kill_kids();
out_link:
	bpf_link__destroy(link);
out:
	scxcore_bpf__destroy(skel);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxbound. Attaches it, fills its per-CPU hash with
 * --pc-entries keys, starts --threads threads that sleep (each gets task
 * storage), then after --run-ms:
 *   - by default asks it to fail and waits until sched_ext disabled it;
 *   - with --strand N stops dispatching from its DSQ, so every task piles
 *     up there, and it fails once N more tasks were queued;
 *   - with --no-fail keeps it running until SIGTERM.
 * --rb-fill sizes rb_big to 16 MiB (--rb-mib N: N MiB) and fills it
 * before the attach. --many-maps creates the 200 small arrays small_000
 * .. small_199 (element 0 of small_I: { SXB_SMALL_MAGIC, I }), left out
 * otherwise.
 * --lru-check CONTROL reads the LRU maps' reference bits (through a map
 * iterator, which does not touch them), writes "capture" to CONTROL twice
 * and reads them again: both readings are printed.
 * --churn N starts N threads that each start and end threads one after
 * another until the loader ends (tasks and their storage come and go).
 * --rt-capture CONTROL writes "capture" to CONTROL every 300 ms from a
 * SCHED_FIFO thread, which the scheduler cannot strand, until the loader
 * ends; it does nothing else (no file, no fork, which could wait on a
 * stranded kworker) and prints how many writes succeeded, and how many of
 * them with the tasks held.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxbound.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
#include "scxbound.skel.h"

static volatile sig_atomic_t stop;
static int thread_pipe[2];

static void on_signal(int sig)
{
	stop = 1;
}

/* Key k holds k * SXB_PC_MUL + cpu on each CPU. */
static int fill_pc(struct scxbound_bpf *skel, u32 n)
{
	int fd = bpf_map__fd(skel->maps.pc_big), ncpu = libbpf_num_possible_cpus();
	u32 chunk = 16384, i, j, k, cnt, tries = 0;
	u64 *vals;
	u32 *keys;
	int err = 0;

	if (ncpu <= 0)
		return -EINVAL;
	keys = calloc(chunk, sizeof(*keys));
	vals = calloc((size_t)chunk * ncpu, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n;) {
		cnt = n - i < chunk ? n - i : chunk;
		for (j = 0; j < cnt; j++) {
			keys[j] = i + j;
			for (k = 0; k < (u32)ncpu; k++)
				vals[(size_t)j * ncpu + k] = (u64)(i + j) * SXB_PC_MUL + k;
		}
		err = bpf_map_update_batch(fd, keys, vals, &cnt, NULL);
		i += cnt;	/* what the batch did, even when it failed */
		/*
		 * Elements of a map without preallocation come from per-CPU
		 * caches that the kernel refills asynchronously: a fast batch
		 * can find them empty. Wait for the refill, up to 1 s in all.
		 */
		if (err == -ENOMEM && tries++ < 100) {
			usleep(10000);
			err = 0;
		}
		if (err)
			break;
	}
out:
	free(keys);
	free(vals);
	return err;
}

static void *sleeper(void *arg)
{
	char c;

	/* blocks until the loader closes the pipe */
	while (read(thread_pipe[0], &c, 1) > 0)
		;
	return NULL;
}

static int start_threads(long n)
{
	pthread_attr_t attr;
	pthread_t t;
	long i;

	if (pipe(thread_pipe))
		return -errno;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t, &attr, sleeper, NULL)) {
			fprintf(stderr, "scxbound: thread %ld: cannot create\n", i);
			return -EAGAIN;
		}
	}
	pthread_attr_destroy(&attr);
	return 0;
}

/*
 * --churn N: N threads that each start a thread that ends at once, wait
 * for it, and start the next, until the loader ends: tasks (and their
 * storage) come and go, and their task_structs are freed and reused,
 * while the captures run.
 */
static struct {
	pthread_t *threads;
	long nr;
	long rounds;
	volatile int done;
} churn;

static void *churn_child(void *arg)
{
	return arg;
}

static void *churner(void *arg)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	while (!churn.done) {
		if (pthread_create(&t, &attr, churn_child, NULL)) {
			usleep(1000);
			continue;
		}
		pthread_join(t, NULL);
		__atomic_add_fetch(&churn.rounds, 1, __ATOMIC_RELAXED);
	}
	pthread_attr_destroy(&attr);
	return arg;
}

static int churn_start(long n)
{
	churn.threads = calloc(n, sizeof(*churn.threads));
	if (!churn.threads)
		return -ENOMEM;
	for (; churn.nr < n; churn.nr++) {
		if (pthread_create(&churn.threads[churn.nr], NULL, churner, NULL)) {
			fprintf(stderr, "scxbound: churn thread %ld: cannot create\n", churn.nr);
			return -EAGAIN;
		}
	}
	return 0;
}

static void churn_stop(void)
{
	long i;

	if (!churn.threads)
		return;
	churn.done = 1;
	for (i = 0; i < churn.nr; i++)
		pthread_join(churn.threads[i], NULL);
	free(churn.threads);
	churn.threads = NULL;
	printf("scxbound: churn: %ld threads started and ended\n", churn.rounds);
}

/* "key ref" of every element of @map, on one line after @what. */
static int print_refs(struct scxbound_bpf *skel, struct bpf_map *map, const char *what)
{
	DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info info = { .map.map_fd = bpf_map__fd(map) };
	struct bpf_link *link;
	char buf[4096];
	ssize_t n, len = 0;
	int fd;

	opts.link_info = &info;
	opts.link_info_len = sizeof(info);
	link = bpf_program__attach_iter(skel->progs.sxb_lru_refs, &opts);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		bpf_link__destroy(link);
		return fd;
	}
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fd);
	bpf_link__destroy(link);
	for (n = 0; n < len; n++)
		if (buf[n] == '\n')
			buf[n] = ',';
	printf("lru %s %s: %s\n", bpf_map__name(map), what, buf);
	return 0;
}

static int capture(const char *control)
{
	int fd = open(control, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "capture", 7) != 7)
		err = -errno;
	close(fd);
	return err;
}

static int lru_check(struct scxbound_bpf *skel, const char *control)
{
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, topts);
	int ncpu = libbpf_num_possible_cpus(), err, i;
	u64 v[1024] = { 0 }, one = 1;
	u32 k;

	for (k = 0; k < SXB_LRU_ENTRIES; k++) {
		if (bpf_map__update_elem(skel->maps.lru, &k, sizeof(k), &one, sizeof(one), 0) ||
		    bpf_map__update_elem(skel->maps.lru_pc, &k, sizeof(k), v,
					 sizeof(u64) * ncpu, 0))
			return -errno;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sxb_touch), &topts);
	if (err)
		return err;
	if (print_refs(skel, skel->maps.lru, "before") ||
	    print_refs(skel, skel->maps.lru_pc, "before"))
		return -EIO;
	for (i = 0; i < 2; i++) {
		err = capture(control);
		if (err)
			return err;
	}
	if (print_refs(skel, skel->maps.lru, "after") ||
	    print_refs(skel, skel->maps.lru_pc, "after"))
		return -EIO;
	return 0;
}

/* rb_big as full as it gets: records of SXB_RBB_REC bytes, unconsumed. */
static int fill_rb(struct scxbound_bpf *skel)
{
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, topts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sxb_fill_rb), &topts);

	if (err)
		return err;
	printf("scxbound: rb_big: %llu records, %llu bytes unconsumed\n",
	       (u64)skel->bss->rbb_records, (u64)skel->bss->rbb_records * (SXB_RBB_REC + 8));
	return 0;
}

/* The small_* maps: created and filled with @many, else not created. */
static int small_maps(struct scxbound_bpf *skel, int many, int loaded)
{
	struct sxb_small v = { SXB_SMALL_MAGIC };
	struct bpf_map *map;
	u32 k = 0, n = 0;

	bpf_object__for_each_map(map, skel->obj) {
		if (strncmp(bpf_map__name(map), "small_", 6))
			continue;
		if (!loaded) {
			bpf_map__set_autocreate(map, many);
			continue;
		}
		if (!many)
			continue;
		v.idx = strtoul(bpf_map__name(map) + 6, NULL, 10);
		if (bpf_map__update_elem(map, &k, sizeof(k), &v, sizeof(v), 0))
			return -errno;
		n++;
	}
	if (loaded && many)
		printf("scxbound: %u small maps\n", n);
	return 0;
}

/* Does the kernel take BPF_F_RB_OVERWRITE (7.x) for ring buffers? */
static int overwrite_rings(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sxb_probe", 0, 0, 4096,
				&(struct bpf_map_create_opts){ .sz = sizeof(struct bpf_map_create_opts),
							       .map_flags = 1u << 19 });

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static struct {
	pthread_t thread;
	int fd;
	volatile int done;
	volatile u32 *hold;
	long writes, held;
} rtc = { .fd = -1 };

static void *rt_capture_loop(void *arg)
{
	const struct timespec period = { 0, 300 * 1000000L };

	while (!rtc.done) {
		int held = *rtc.hold;

		if (pwrite(rtc.fd, "capture\n", 8, 0) == 8) {
			rtc.writes++;
			rtc.held += held;
		}
		nanosleep(&period, NULL);
	}
	return NULL;
}

static int rt_capture_start(struct scxbound_bpf *skel, const char *control)
{
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	int err;

	rtc.fd = open(control, O_WRONLY);
	if (rtc.fd < 0)
		return -errno;
	rtc.hold = &skel->bss->hold;
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	err = pthread_create(&rtc.thread, &attr, rt_capture_loop, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		close(rtc.fd);
		rtc.fd = -1;
		return -err;
	}
	return 0;
}

static void rt_capture_stop(void)
{
	if (rtc.fd < 0)
		return;
	rtc.done = 1;
	pthread_join(rtc.thread, NULL);
	close(rtc.fd);
	rtc.fd = -1;
	printf("scxbound: rt captures %ld, %ld with the tasks held\n", rtc.writes, rtc.held);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-ms", required_argument, NULL, 'r' },
		{ "pc-entries", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "strand", required_argument, NULL, 's' },
		{ "lru-check", required_argument, NULL, 'l' },
		{ "no-fail", no_argument, NULL, 'n' },
		{ "rb-fill", no_argument, NULL, 'b' },
		{ "rb-mib", required_argument, NULL, 'm' },
		{ "many-maps", no_argument, NULL, 'M' },
		{ "rt-capture", required_argument, NULL, 'R' },
		{ "churn", required_argument, NULL, 'C' },
		{ 0 }
	};
	long run_ms = 300, pc = 0, threads = 0, strand = 0, rb_mib = SXB_RBB_MIB, nchurn = 0;
	const char *control = NULL, *rt_control = NULL;
	struct scxbound_bpf *skel;
	struct bpf_link *link;
	int c, err, rc = 1, fail = 1, rb_fill = 0, many = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': run_ms = atol(optarg); break;
		case 'p': pc = atol(optarg); break;
		case 't': threads = atol(optarg); break;
		case 's': strand = atol(optarg); break;
		case 'l': control = optarg; break;
		case 'n': fail = 0; break;
		case 'b': rb_fill = 1; break;
		case 'm': rb_mib = atol(optarg); break;
		case 'M': many = 1; break;
		case 'R': rt_control = optarg; break;
		case 'C': nchurn = atol(optarg); break;
		default: run_ms = -1; break;
		}
	}
	if (run_ms < 0 || pc < 0 || pc > SXB_PC_MAX || threads < 0 || threads > 100000 ||
	    strand < 0 || rb_mib < 1 || rb_mib > SXB_RBB_MAX_MIB || (rb_mib & (rb_mib - 1)) ||
	    nchurn < 0 || nchurn > 64) {
		fprintf(stderr, "usage: scxbound [--run-ms MS] [--pc-entries N (<= %d)] [--threads N] [--churn N (<= 64)] [--strand N] [--lru-check CONTROL] [--no-fail] [--rb-fill [--rb-mib N (a power of 2, <= %d)]] [--many-maps] [--rt-capture CONTROL]\n",
			SXB_PC_MAX, SXB_RBB_MAX_MIB);
		return 2;
	}
	skel = scxbound_bpf__open();
	if (!skel) {
		fprintf(stderr, "scxbound: open failed: %s\n", strerror(errno));
		return 1;
	}
	/* 6.12 has no overwrite-mode ring buffers: rb_ow is then a plain one */
	if (!overwrite_rings()) {
		bpf_map__set_map_flags(skel->maps.rb_ow, 0);
		skel->rodata->rb_plain = 1;
		printf("scxbound: no BPF_F_RB_OVERWRITE in this kernel: rb_ow is a plain ring\n");
	}
	if (rb_fill) {
		bpf_map__set_max_entries(skel->maps.rb_big, (u32)rb_mib << 20);
		skel->rodata->rbb_pages = (u32)rb_mib << 8;
	}
	small_maps(skel, many, 0);
	err = scxbound_bpf__load(skel);
	if (err) {
		fprintf(stderr, "scxbound: load failed: %s\n", strerror(-err));
		goto out;
	}
	err = fill_pc(skel, pc);
	if (err) {
		fprintf(stderr, "scxbound: filling pc_big: %s\n", strerror(-err));
		goto out;
	}
	err = small_maps(skel, many, 1);
	if (err) {
		fprintf(stderr, "scxbound: filling the small maps: %s\n", strerror(-err));
		goto out;
	}
	err = rb_fill ? fill_rb(skel) : 0;
	if (err) {
		fprintf(stderr, "scxbound: filling rb_big: %s\n", strerror(-err));
		goto out;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxb_ops);
	if (!link) {
		fprintf(stderr, "scxbound: attach failed: %s\n", strerror(errno));
		goto out;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (wait_state("scxbound", "enabled", 0, 10000))
		goto detach;
	if (threads && start_threads(threads))
		goto detach;
	if (nchurn && churn_start(nchurn))
		goto detach;
	printf("scxbound: enabled pid=%d threads=%ld pc_entries=%ld\n", getpid(), threads, pc);
	fflush(stdout);
	if (control) {
		err = lru_check(skel, control);
		if (err)
			fprintf(stderr, "scxbound: lru check: %s\n", strerror(-err));
	}
	if (rt_control) {
		err = rt_capture_start(skel, rt_control);
		if (err)
			fprintf(stderr, "scxbound: rt capture: %s\n", strerror(-err));
	}
	for (double t0 = now_ms(); !stop && (fail ? now_ms() - t0 < run_ms : 1);)
		usleep(10000);
	rc = 0;
	if (fail) {
		if (strand) {
			skel->bss->fail_held_after = strand;
			skel->bss->hold = 1;	/* every task now strands on the DSQ */
		} else {
			skel->bss->fail_now = 1;
		}
		rc = wait_state("scxbound", "enabled", 1, 30000) ||
		     wait_state("scxbound", "disabled", 0, 30000);
		printf("scxbound: failed at %llu enqueues, %llu tasks with storage\n",
		       (u64)skel->bss->failed_at, (u64)skel->bss->nr_task_st);
	}
detach:
	churn_stop();
	rt_capture_stop();
	bpf_link__destroy(link);
out:
	scxbound_bpf__destroy(skel);
	return rc;
}

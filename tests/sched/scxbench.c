// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxbench: sizes its maps (--array-entries, --hash-entries,
 * --pcpu-entries, --arena-pages), fills every entry with known values
 * (struct sxb_val: k, ~k, k * 3, SXB_MAGIC; array value i: word j is
 * i * 4096 + j; arena page i: word j is i << 20 | j), attaches it, starts
 * --tasks children that sleep (each gets a task storage value), prints
 * "scxbench: ready" and stays until SIGTERM or SIGINT, then detaches.
 */
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
#include "scxbench.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
#include "scxbench.skel.h"

#define SXB_MAX_TASKS	4096
#define SXB_BATCH	8192

static pid_t kids[SXB_MAX_TASKS];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static struct sxb_val sxb_val_of(u32 k)
{
	return (struct sxb_val){ k, ~(u64)k, (u64)k * 3, SXB_MAGIC };
}

/* A hash's keys 0..n-1, in batches; per-CPU values are the same on every CPU. */
static int fill_hash(struct bpf_map *map, u32 n, int nr_cpus)
{
	u32 *keys = calloc(SXB_BATCH, sizeof(*keys));
	struct sxb_val *vals = calloc((size_t)SXB_BATCH * nr_cpus, sizeof(*vals));
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	u32 i, j, cnt;
	int c, err = 0;

	if (!keys || !vals)
		err = -ENOMEM;
	for (i = 0; !err && i < n; i += cnt) {
		cnt = n - i < SXB_BATCH ? n - i : SXB_BATCH;
		for (j = 0; j < cnt; j++) {
			keys[j] = i + j;
			for (c = 0; c < nr_cpus; c++)
				vals[(size_t)j * nr_cpus + c] = sxb_val_of(i + j);
		}
		err = bpf_map_update_batch(bpf_map__fd(map), keys, vals, &cnt, &opts);
		if (err)
			err = -errno;
	}
	free(keys);
	free(vals);
	return err;
}

static int fill_array(struct bpf_map *map, u32 n)
{
	static struct sxb_page pg;
	u32 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < SXB_PAGE_WORDS; j++)
			pg.w[j] = (u64)i * 4096 + j;
		if (bpf_map__update_elem(map, &i, sizeof(i), &pg, sizeof(pg), 0))
			return -errno;
	}
	return 0;
}

/*
 * Touching an arena page from user space allocates it. libbpf maps the
 * whole arena (max_entries pages) and gives its address here; the size it
 * gives is that of the arena's global data.
 */
static int fill_arena(struct bpf_map *map, u32 pages)
{
	size_t size = 0;
	u64 *p = bpf_map__initial_value(map, &size);
	u32 i, j;

	if (!p || getpagesize() != 4096 || bpf_map__max_entries(map) < pages)
		return -EINVAL;
	for (i = 0; i < pages; i++)
		for (j = 0; j < 512; j++)
			p[(size_t)i * 512 + j] = (u64)i << 20 | j;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "array-entries", required_argument, NULL, 'a' },
		{ "hash-entries", required_argument, NULL, 'h' },
		{ "pcpu-entries", required_argument, NULL, 'p' },
		{ "arena-pages", required_argument, NULL, 'r' },
		{ "tasks", required_argument, NULL, 't' },
		{ 0 }
	};
	long array = 8192, hash = 100000, pcpu = 10000, pages = 4096, tasks = 256;
	int c, i, rc = 1, nr_cpus = libbpf_num_possible_cpus(), bad = 0;
	struct scxbench_bpf *skel;
	struct bpf_link *link;
	const char *what;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': array = atol(optarg); break;
		case 'h': hash = atol(optarg); break;
		case 'p': pcpu = atol(optarg); break;
		case 'r': pages = atol(optarg); break;
		case 't': tasks = atol(optarg); break;
		default: bad = 1; break;
		}
	}
	if (bad || array < 1 || hash < 1 || pcpu < 1 || pages < 1 || array > (1 << 20) ||
	    hash > (1 << 24) || pcpu > (1 << 22) || pages > (1 << 20) || tasks < 0 ||
	    tasks > SXB_MAX_TASKS || nr_cpus < 1) {
		fprintf(stderr, "usage: scxbench [--array-entries N] [--hash-entries N] "
			"[--pcpu-entries N] [--arena-pages N] [--tasks N (<= %d)]\n", SXB_MAX_TASKS);
		return 2;
	}
	skel = scxbench_bpf__open();
	if (!skel)
		return 1;
	bpf_map__set_max_entries(skel->maps.b_array, array);
	bpf_map__set_max_entries(skel->maps.b_hash, hash);
	bpf_map__set_max_entries(skel->maps.b_pcpu, pcpu);
	bpf_map__set_max_entries(skel->maps.arena, pages);
	if (scxbench_bpf__load(skel)) {
		fprintf(stderr, "scxbench: load failed: %s\n", strerror(errno));
		goto out;
	}
	if ((what = "b_array", c = fill_array(skel->maps.b_array, array)) ||
	    (what = "b_hash", c = fill_hash(skel->maps.b_hash, hash, 1)) ||
	    (what = "b_pcpu", c = fill_hash(skel->maps.b_pcpu, pcpu, nr_cpus)) ||
	    (what = "arena", c = fill_arena(skel->maps.arena, pages))) {
		fprintf(stderr, "scxbench: filling %s failed: %s\n", what, strerror(-c));
		goto out;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxb_ops);
	if (!link) {
		fprintf(stderr, "scxbench: attach failed: %s\n", strerror(errno));
		goto out;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!wait_state("scxbench", "enabled", 0, 30000)) {
		for (i = 0; i < tasks; i++) {
			kids[i] = fork();
			if (!kids[i]) {
				pause();
				_exit(0);
			}
		}
		printf("scxbench: ready: %ld array, %ld hash, %ld per-CPU hash entries, "
		       "%ld arena pages, %llu task values\n", array, hash, pcpu, pages,
		       (u64)skel->bss->nr_task_values);
		fflush(stdout);
		while (!stop)
			pause();
		for (i = 0; i < tasks; i++) {
			if (kids[i] > 0) {
				kill(kids[i], SIGKILL);
				waitpid(kids[i], NULL, 0);
			}
		}
		rc = 0;
	}
	bpf_link__destroy(link);
out:
	scxbench_bpf__destroy(skel);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxhash: puts its hash tables through inserts, deletes,
 * updates, a batch delete and LRU evictions, writes what the kernel then
 * holds, read back key by key through bpf(2), to hash.tsv (one line an
 * entry, per-CPU values one line a CPU: "MAP KEY [CPU] VALUE...", as
 * test-hash.sh prints a dump's entries), and the keys far down h_deep's
 * long list, in list order, to deep.txt; attaches, prints "scxhash:
 * ready" and stays until SIGTERM or SIGINT.
 *
 * h_deep has no hash seed (BPF_F_ZERO_SEED): a u32 key's bucket is
 * jhash2(&key, 1, 0) & (SXH_DEEP_MAX - 1) (kernel/bpf/hashtab.c,
 * htab_map_hash(), select_bucket()), so the loader puts SXH_DEEP_KEYS keys
 * in bucket 0. The kernel adds an element at the head of its list, and an
 * update adds the new element there and unlinks the old one: the loader
 * follows that list's order as it goes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxhash.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
#include "scxhash.skel.h"

#define SXH_DEEP_KEYS	40	/* in bucket 0 of h_deep */
#define SXH_DEEP_OTHERS	400	/* in the other buckets */
#define SXH_SHALLOW	17	/* list places the module's element scan decides */

static volatile sig_atomic_t stop;
static int nr_cpus;

static void on_signal(int sig)
{
	stop = 1;
}

static u32 rol32(u32 x, int k)
{
	return x << k | x >> (32 - k);
}

/* Bob Jenkins' lookup3 hash of one 32-bit word, as the kernel's jhash2(k, 1, seed) */
static u32 jhash_word(u32 k, u32 seed)
{
	u32 a, b, c;

	a = b = c = 0xdeadbeef + (1 << 2) + seed;
	a += k;
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

static struct sxh_val val_of(u32 k, u32 gen)
{
	return (struct sxh_val){ k, gen, SXH_MAGIC };
}

static int put(struct bpf_map *map, u32 k, u32 gen)
{
	struct sxh_val *v = calloc(nr_cpus, sizeof(*v));
	int c, err;

	if (!v)
		return -ENOMEM;
	/* per-CPU maps: CPU c's value has generation gen + c */
	for (c = 0; c < nr_cpus; c++)
		v[c] = val_of(k, gen + c);
	err = bpf_map_update_elem(bpf_map__fd(map), &k, v, BPF_ANY) ? -errno : 0;
	free(v);
	return err;
}

static int del(struct bpf_map *map, u32 k)
{
	return bpf_map_delete_elem(bpf_map__fd(map), &k) ? -errno : 0;
}

/* Bucket 0's list of h_deep, head first. */
static u32 chain[SXH_DEEP_KEYS];
static int chain_len;

static void chain_drop(u32 k)
{
	int i;

	for (i = 0; i < chain_len; i++) {
		if (chain[i] == k) {
			memmove(&chain[i], &chain[i + 1], (chain_len - i - 1) * sizeof(*chain));
			chain_len--;
			return;
		}
	}
}

static void chain_head(u32 k)
{
	chain_drop(k);
	memmove(&chain[1], &chain[0], chain_len * sizeof(*chain));
	chain[0] = k;
	chain_len++;
}

static int fill_deep(struct bpf_map *map)
{
	u32 deep[SXH_DEEP_KEYS], k, n = 0, others = 0;
	int err = 0, i;

	for (k = 1; (n < SXH_DEEP_KEYS || others < SXH_DEEP_OTHERS) && !err; k++) {
		if (!(jhash_word(k, 0) & (SXH_DEEP_MAX - 1))) {
			if (n == SXH_DEEP_KEYS)
				continue;
			deep[n++] = k;
			chain_head(k);
		} else if (others < SXH_DEEP_OTHERS) {
			others++;
		} else {
			continue;
		}
		err = put(map, k, 0);
	}
	/* out of the middle of the list, and far down it */
	for (i = 5; i < SXH_DEEP_KEYS && !err; i += 25) {
		err = del(map, deep[i]);
		chain_drop(deep[i]);
	}
	/* updates: each new element goes to the head, its old one is unlinked */
	for (i = 0; i < 10 && !err; i++) {
		if (i == 5)
			continue;
		err = put(map, deep[i], 1);
		chain_head(deep[i]);
	}
	return err;
}

static int fill_churn(struct bpf_map *map)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	u32 keys[64], out = 0, count = 64, k;
	struct sxh_val vals[64];
	int err = 0;

	for (k = 0; k < 2000 && !err; k++)
		err = put(map, k, 0);
	for (k = 0; k < 2000 && !err; k += 3)
		err = del(map, k);
	for (k = 5; k < 2000 && !err; k += 5)
		if (k % 3)
			err = put(map, k, 1);
	for (k = 5000; k < 5300 && !err; k++)
		err = put(map, k, 2);
	if (!err && bpf_map_lookup_and_delete_batch(bpf_map__fd(map), NULL, &out, keys, vals,
						    &count, &opts) && errno != ENOENT)
		err = -errno;
	return err;
}

static int fill_odd(struct bpf_map *map)
{
	struct sxh_okey key;
	struct sxh_oval val;
	int i, j, fd = bpf_map__fd(map);

	for (i = 0; i < 300; i++) {
		key = (struct sxh_okey){ i, i + 1, i + 2 };
		for (j = 0; j < 5; j++)
			val.x[j] = i * 10 + j;
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY))
			return -errno;
	}
	for (i = 0; i < 300; i += 6) {
		key = (struct sxh_okey){ i, i + 1, i + 2 };
		if (bpf_map_delete_elem(fd, &key))
			return -errno;
	}
	return 0;
}

static int fill_range(struct bpf_map *map, u32 from, u32 to, u32 step, u32 gen)
{
	int err = 0;

	for (; from < to && !err; from += step)
		err = put(map, from, gen);
	return err;
}

/* per-CPU values updated in place (no spare elements), some deleted */
static int fill_pcpu(struct bpf_map *map)
{
	int err = fill_range(map, 0, 900, 1, 10) ?: fill_range(map, 0, 900, 7, 20);
	u32 k;

	for (k = 0; k < 900 && !err; k += 11)
		err = del(map, k);
	return err;
}

static int fill_noprealloc(struct bpf_map *map)
{
	int err = fill_range(map, 0, 1500, 1, 0);
	u32 k;

	for (k = 0; k < 1500 && !err; k += 4)
		err = del(map, k);
	for (k = 1; k < 1500 && !err; k += 6)
		err = put(map, k, 1);
	return err;
}

/* What the kernel holds in @map, key by key, as test-hash.sh prints a dump's entries. */
static int write_map(FILE *f, struct bpf_map *map)
{
	int fd = bpf_map__fd(map), percpu, c, n = 0;
	const char *name = bpf_map__name(map);
	u32 key, *prev = NULL;
	struct sxh_val *v = calloc(nr_cpus, sizeof(*v));

	if (!v)
		return -ENOMEM;
	percpu = bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_HASH ||
		 bpf_map__type(map) == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, v))
			continue;	/* no: nothing changes these maps */
		for (c = 0; c < (percpu ? nr_cpus : 1); c++) {
			if (percpu)
				fprintf(f, "%s %u %d %u %u %llu\n", name, key, c, v[c].key, v[c].gen,
					v[c].magic);
			else
				fprintf(f, "%s %u %u %u %llu\n", name, key, v[c].key, v[c].gen,
					v[c].magic);
		}
		n++;
	}
	free(v);
	return n;
}

static int write_odd(FILE *f, struct bpf_map *map)
{
	struct sxh_okey key, *prev = NULL;
	struct sxh_oval val;
	int fd = bpf_map__fd(map), n = 0;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;
		fprintf(f, "h_odd %u,%u,%u %u,%u,%u,%u,%u\n", key.a, key.b, key.c,
			val.x[0], val.x[1], val.x[2], val.x[3], val.x[4]);
		n++;
	}
	return n;
}

static int write_expected(struct scxhash_bpf *skel)
{
	struct bpf_map *maps[] = {
		skel->maps.h_deep, skel->maps.h_churn, skel->maps.h_pcpu, skel->maps.h_lru,
		skel->maps.h_lru_pcpu, skel->maps.h_sparse, skel->maps.h_noprealloc,
	};
	FILE *f = fopen("hash.tsv", "w"), *d = fopen("deep.txt", "w");
	int i, n, err = 0;

	if (!f || !d)
		err = -errno;
	for (i = 0; !err && i < (int)(sizeof(maps) / sizeof(maps[0])); i++) {
		n = write_map(f, maps[i]);
		if (n < 0)
			err = n;
		else
			printf("scxhash: %s holds %d\n", bpf_map__name(maps[i]), n);
	}
	if (!err && (n = write_odd(f, skel->maps.h_odd)) >= 0)
		printf("scxhash: h_odd holds %d\n", n);
	for (i = SXH_SHALLOW; !err && i < chain_len; i++)
		fprintf(d, "%u\n", chain[i]);
	if (f && fclose(f))
		err = -errno;
	if (d && fclose(d))
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	struct scxhash_bpf *skel;
	struct bpf_link *link;
	const char *what;
	int c, rc = 1;

	nr_cpus = libbpf_num_possible_cpus();
	if (argc != 1 || nr_cpus < 1) {
		fprintf(stderr, "usage: scxhash\n");
		return 2;
	}
	skel = scxhash_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "scxhash: load failed: %s\n", strerror(errno));
		return 1;
	}
	if ((what = "h_deep", c = fill_deep(skel->maps.h_deep)) ||
	    (what = "h_churn", c = fill_churn(skel->maps.h_churn)) ||
	    (what = "h_odd", c = fill_odd(skel->maps.h_odd)) ||
	    (what = "h_pcpu", c = fill_pcpu(skel->maps.h_pcpu)) ||
	    (what = "h_lru", c = fill_range(skel->maps.h_lru, 0, 600, 1, 0)) ||
	    (what = "h_lru_pcpu", c = fill_range(skel->maps.h_lru_pcpu, 0, 600, 1, 0)) ||
	    (what = "h_sparse", c = fill_range(skel->maps.h_sparse, 0, 700, 7, 0)) ||
	    (what = "h_noprealloc", c = fill_noprealloc(skel->maps.h_noprealloc)) ||
	    (what = "the expected entries", c = write_expected(skel))) {
		fprintf(stderr, "scxhash: %s failed: %s\n", what, strerror(-c));
		goto out;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sxh_ops);
	if (!link) {
		fprintf(stderr, "scxhash: attach failed: %s\n", strerror(errno));
		goto out;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!wait_state("scxhash", "enabled", 0, 30000)) {
		printf("scxhash: ready: %d keys deep in h_deep's bucket 0\n", chain_len - SXH_SHALLOW);
		fflush(stdout);
		while (!stop)
			pause();
		rc = 0;
	}
	bpf_link__destroy(link);
out:
	scxhash_bpf__destroy(skel);
	return rc;
}

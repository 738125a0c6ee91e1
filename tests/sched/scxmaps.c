// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the map-types test scheduler: fills what only user space can
 * (per-CPU values for every CPU, LRU and LPM entries, queue/stack/bloom
 * pushes, fd-keyed inode and socket storage, inner maps, the prog array,
 * user ring buffer records), prints what the tests compare against, and
 * waits until sched_ext disables the scheduler.
 *
 *   scxmaps --fail-after N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxmaps.h"
#include "loader.h"

typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;
typedef int s32;
#include "scxmaps.skel.h"

#define CHECK(what, expr) do {						\
	if ((expr) < 0) {						\
		fprintf(stderr, "scxmaps: %s failed: %s\n", what, strerror(errno)); \
		exit(1);						\
	}								\
} while (0)

static int nr_cpus;

static void fill_percpu(struct scxmaps_bpf *skel)
{
	u64 v[nr_cpus];
	struct { u64 a; u32 k; u32 pad; } pv[nr_cpus];
	u32 k;
	int c;

	for (k = 0; k < SXM_PC_ARR; k++) {
		for (c = 0; c < nr_cpus; c++)
			v[c] = (u64)(c + 1) * 1000 + k;
		CHECK("pc_arr", bpf_map__update_elem(skel->maps.pc_arr, &k, 4, v, sizeof(v), 0));
	}
	for (k = 1; k <= SXM_PC_HASH; k++) {
		for (c = 0; c < nr_cpus; c++) {
			pv[c].a = (u64)c * 100 + k;
			pv[c].k = k;
			pv[c].pad = 0;
		}
		CHECK("pc_hash", bpf_map__update_elem(skel->maps.pc_hash, &k, 4, pv, sizeof(pv), 0));
		k += 10;
		CHECK("lru_pc_hash", bpf_map__update_elem(skel->maps.lru_pc_hash, &k, 4, pv, sizeof(pv), 0));
		k -= 10;
	}
}

static void fill_keyed(struct scxmaps_bpf *skel)
{
	static const u32 q[] = SXM_QUEUE, s[] = SXM_STACK;
	struct sxm_lpm_key lk;
	u32 i, v;
	u64 lv;

	for (i = 100; i < 100 + SXM_LRU; i++) {
		lv = 3ull * i;
		CHECK("lru_hash", bpf_map__update_elem(skel->maps.lru_hash, &i, 4, &lv, 8, 0));
	}
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		CHECK("queue", bpf_map_update_elem(bpf_map__fd(skel->maps.queue), NULL, &q[i], 0));
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		CHECK("stack", bpf_map_update_elem(bpf_map__fd(skel->maps.stack), NULL, &s[i], 0));
	for (v = 1; v <= 10; v++)
		CHECK("bloom", bpf_map_update_elem(bpf_map__fd(skel->maps.bloom), NULL, &v, 0));
	lk = (struct sxm_lpm_key){ 8, { 10, 0, 0, 0 } };
	v = 1;
	CHECK("lpm", bpf_map__update_elem(skel->maps.lpm, &lk, sizeof(lk), &v, 4, 0));
	lk = (struct sxm_lpm_key){ 16, { 10, 1, 0, 0 } };
	v = 2;
	CHECK("lpm", bpf_map__update_elem(skel->maps.lpm, &lk, sizeof(lk), &v, 4, 0));
	lk = (struct sxm_lpm_key){ 24, { 192, 168, 1, 0 } };
	v = 3;
	CHECK("lpm", bpf_map__update_elem(skel->maps.lpm, &lk, sizeof(lk), &v, 4, 0));
}

static void fill_storage(struct scxmaps_bpf *skel, int *keep)
{
	static const char *paths[] = { "/etc/hostname", "/etc/passwd", "/bin/sh" };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sxm_owner_val v;
	struct stat st;
	u32 i;
	int fd;

	for (i = 0; i < 3; i++) {
		fd = open(paths[i], O_RDONLY);
		CHECK("open", fd);
		CHECK("fstat", fstat(fd, &st));
		v = (struct sxm_owner_val){ i, 0x1d0 + i };
		CHECK("inode_st", bpf_map__update_elem(skel->maps.inode_st, &fd, 4, &v, sizeof(v), 0));
		printf("inode %u %s %lu %u:%u\n", i, paths[i], (unsigned long)st.st_ino,
		       major(st.st_dev), minor(st.st_dev));
		keep[i] = fd;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK("socket", fd);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(SXM_SK_PORT);
	CHECK("bind", bind(fd, (void *)&a, sizeof(a)));
	a.sin_port = htons(SXM_SK_PEER);
	CHECK("connect", connect(fd, (void *)&a, sizeof(a)));
	v = (struct sxm_owner_val){ 7, 0x1d0 + 7 };
	CHECK("sk_st", bpf_map__update_elem(skel->maps.sk_st, &fd, 4, &v, sizeof(v), 0));
	printf("sock inet 127.0.0.1:%d -> 127.0.0.1:%d\n", SXM_SK_PORT, SXM_SK_PEER);
	keep[3] = fd;
}

/* An inner map made here, so only the outer map leads to it. */
static int make_inner(const char *name, u64 base)
{
	struct bpf_map_info info = {};
	u32 len = sizeof(info), k;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, 8, 4, NULL);
	u64 v;

	CHECK("inner map", fd);
	for (k = 0; k < 4; k++) {
		v = base * (k + 1);
		CHECK("inner update", bpf_map_update_elem(fd, &k, &v, 0));
	}
	CHECK("inner info", bpf_map_get_info_by_fd(fd, &info, &len));
	printf("inner %s id %u\n", name, info.id);
	return fd;
}

static void fill_fd_maps(struct scxmaps_bpf *skel)
{
	struct bpf_prog_info pi = {};
	u32 len = sizeof(pi), k;
	int fd;

	fd = make_inner("sxm_inner_a", 11);
	k = 1;
	CHECK("outer_arr", bpf_map__update_elem(skel->maps.outer_arr, &k, 4, &fd, 4, 0));
	fd = make_inner("sxm_inner_h", 7);
	k = 7;
	CHECK("outer_hash", bpf_map__update_elem(skel->maps.outer_hash, &k, 4, &fd, 4, 0));
	fd = bpf_program__fd(skel->progs.sxm_tail);
	k = 2;
	CHECK("progs", bpf_map__update_elem(skel->maps.progs, &k, 4, &fd, 4, 0));
	CHECK("prog info", bpf_prog_get_info_by_fd(fd, &pi, &len));
	printf("tail prog id %u\n", pi.id);
}

static void fill_user_ringbuf(struct scxmaps_bpf *skel)
{
	struct user_ring_buffer *urb = user_ring_buffer__new(bpf_map__fd(skel->maps.urb), NULL);
	struct sxm_rb_rec *r;
	u32 i;

	if (!urb) {
		fprintf(stderr, "scxmaps: user ring buffer: %s\n", strerror(errno));
		exit(1);
	}
	for (i = 1; i <= 2; i++) {
		r = user_ring_buffer__reserve(urb, sizeof(*r));
		if (!r) {
			fprintf(stderr, "scxmaps: user ring buffer reserve: %s\n", strerror(errno));
			exit(1);
		}
		r->seq = 100 + i;
		r->tag = 0xbeef0000 + i;
		user_ring_buffer__submit(urb, r);
	}
	/* the mapping goes; the records stay until BPF drains them */
	user_ring_buffer__free(urb);
}

int main(int argc, char **argv)
{
	struct bpf_link *ops_link, *tp_link;
	struct scxmaps_bpf *skel;
	char state[64] = "";
	int keep[4], i;

	if (argc != 3 || strcmp(argv[1], "--fail-after")) {
		fprintf(stderr, "usage: scxmaps --fail-after N\n");
		return 2;
	}
	nr_cpus = libbpf_num_possible_cpus();
	skel = scxmaps_bpf__open();
	if (!skel) {
		fprintf(stderr, "scxmaps: open failed\n");
		return 1;
	}
	skel->rodata->fail_after = atol(argv[2]);
	CHECK("load", scxmaps_bpf__load(skel));
	fill_percpu(skel);
	fill_keyed(skel);
	fill_storage(skel, keep);
	fill_fd_maps(skel);
	fill_user_ringbuf(skel);
	printf("possible cpus %d\n", nr_cpus);
	tp_link = bpf_program__attach(skel->progs.sxm_switch);
	CHECK("attach sched_switch", tp_link ? 0 : -1);
	ops_link = bpf_map__attach_struct_ops(skel->maps.sxm_ops);
	CHECK("attach ops", ops_link ? 0 : -1);
	printf("attached\n");
	fflush(stdout);
	for (i = 0; i < 3000; i++) {
		usleep(20000);
		if (!read_state(state, sizeof(state)) && strcmp(state, "enabled") &&
		    strcmp(state, "enabling"))
			break;
	}
	printf("state %s, enqueues %llu, switches %llu, arena_err %d\n", state,
	       (unsigned long long)skel->bss->nr_enqueued,
	       (unsigned long long)skel->bss->nr_switches, skel->bss->arena_err);
	bpf_link__destroy(ops_link);
	bpf_link__destroy(tp_link);
	scxmaps_bpf__destroy(skel);
	for (i = 0; i < 4; i++)
		close(keep[i]);
	return 0;
}

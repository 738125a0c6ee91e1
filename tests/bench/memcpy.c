// SPDX-License-Identifier: GPL-2.0
/*
 * make bench, in the guest: the physical limit the capture is compared
 * with. For each byte count given, memcpy() between two buffers already
 * faulted in, best of 5; prints "BYTES MB/s" a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int i, r;

	for (i = 1; i < argc; i++) {
		size_t n = strtoull(argv[i], NULL, 0);
		char *src = malloc(n ? n : 1), *dst = malloc(n ? n : 1);
		double best = 1e30, t;

		if (!n || !src || !dst) {
			fprintf(stderr, "memcpy: %s: no such buffer\n", argv[i]);
			return 1;
		}
		memset(src, 0x5a, n);
		memset(dst, 0, n);
		for (r = 0; r < 5; r++) {
			t = now_s();
			memcpy(dst, src, n);
			t = now_s() - t;
			if (t < best)
				best = t;
			src[r] = dst[n - 1 - r];	/* keeps the copies */
		}
		printf("%zu %.1f\n", n, n / best / 1e6);
		free(src);
		free(dst);
	}
	return 0;
}

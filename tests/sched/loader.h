/* SPDX-License-Identifier: GPL-2.0 */
/* What the test schedulers' loaders share. */
#ifndef SCXTEST_LOADER_H
#define SCXTEST_LOADER_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* sched_ext's state ("enabled", "disabled", ...) into @buf. */
static inline int read_state(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/sched_ext/state", "r");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static inline int state_is(const char *want)
{
	char buf[64];

	return !read_state(buf, sizeof(buf)) && !strcmp(buf, want);
}

/* Wait up to @ms for the state to leave (@leave) or reach (!@leave) @s. */
static inline int wait_state(const char *who, const char *s, int leave, double ms)
{
	char state[64] = "";
	double t0 = now_ms();

	while (now_ms() - t0 < ms) {
		if (!read_state(state, sizeof(state)) && (strcmp(state, s) != 0) == leave)
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "%s: state still %s after %.0f ms\n", who, state, ms);
	return -ETIMEDOUT;
}

#endif

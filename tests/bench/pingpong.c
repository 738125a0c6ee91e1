// SPDX-License-Identifier: GPL-2.0
/*
 * A context-switch-heavy load for the event recorder's bench
 * (tests/bench/guest-recorder.sh): two processes pass a byte back and
 * forth over two pipes for MS milliseconds, where the scheduler puts them
 * (not pinned: the test schedulers are global FIFOs, which leave a task
 * pinned to a CPU to wait for that CPU's next pass). Prints
 * "round_trips N ms T".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double ms = argc > 1 ? atof(argv[1]) : 2000, t0, t = 0;
	int ab[2], ba[2];
	unsigned long n = 0;
	pid_t child;
	char c = 0;

	if (pipe(ab) || pipe(ba)) {
		perror("pingpong: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("pingpong: fork");
		return 1;
	}
	if (!child) {
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1 && write(ba[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	t0 = now_ms();
	do {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
			perror("pingpong");
			break;
		}
		n++;
		t = now_ms() - t0;
	} while (t < ms);
	close(ab[1]);
	waitpid(child, NULL, 0);
	printf("round_trips %lu ms %.1f\n", n, t);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A command run on a file (collect --exec: an upload of each saved dump),
 * waited for at most a time bound: the collector does one thing at a
 * time, and a command that hangs must not stop it from saving the next
 * dump, nor from stopping: a SIGTERM or SIGINT the collector holds
 * blocked (exec_stop_pending()) kills the command too. posix_spawn() with
 * the caller's blocked signals unblocked in the child; the wait polls
 * waitpid() every 20 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "exec.h"

extern char **environ;

bool exec_stop_pending(void)
{
	sigset_t p;

	return !sigpending(&p) && (sigismember(&p, SIGTERM) || sigismember(&p, SIGINT));
}

/*
 * @in_len bytes of @in into the pipe @fd, closed after: a few KiB, within
 * the pipe's room whether or not the command reads. SIGPIPE is held
 * blocked meanwhile and taken back if the write raised it (a command gone
 * without reading). 0, or -1 with why.
 */
static int exec_feed(int fd, const char *in, size_t in_len, char *why, size_t len)
{
	sigset_t sigpipe, old;
	int err = 0;

	sigemptyset(&sigpipe);
	sigaddset(&sigpipe, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigpipe, &old);
	errno = 0;
	if (write(fd, in, in_len) != (ssize_t)in_len) {
		snprintf(why, len, "cannot write its input: %s", strerror(errno ? errno : EIO));
		if (errno == EPIPE)
			sigtimedwait(&sigpipe, NULL, &(struct timespec){ 0, 0 });
		err = -1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
	return err;
}

/*
 * Wait for @pid at most @timeout_s seconds, or until the caller is asked
 * to stop (exec_stop_pending()), then kill its process group. 0 when it
 * exited 0; otherwise -1 with why.
 */
static int exec_wait(pid_t pid, unsigned int timeout_s, char *why, size_t len)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	unsigned long waited_ms = 0;
	bool stop;
	int status;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) != pid) {
		if (r < 0 && errno != EINTR) {
			snprintf(why, len, "cannot wait for it: %s", strerror(errno));
			return -1;
		}
		stop = exec_stop_pending();
		if (stop || waited_ms >= timeout_s * 1000ul) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (stop)
				snprintf(why, len, "killed: the collector is asked to stop");
			else
				snprintf(why, len, "still running after %u s: killed", timeout_s);
			return -1;
		}
		nanosleep(&tick, NULL);
		waited_ms += 20;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status))
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	return -1;
}

/*
 * Run @argv (@argv[0] a path) in the caller's environment, @in_len bytes
 * of @in on its stdin (/dev/null when @in is NULL), and wait for it.
 */
static int exec_run(char *const argv[], const char *in, size_t in_len, unsigned int timeout_s,
		    char *why, size_t len)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int err, pfd[2] = { -1, -1 };
	sigset_t none;
	pid_t pid;

	if (in && pipe2(pfd, O_CLOEXEC)) {
		snprintf(why, len, "no pipe: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	if (in)
		posix_spawn_file_actions_adddup2(&fa, pfd[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	/* a group of its own: a kill reaches what the command started too */
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
	err = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (in)
		close(pfd[0]);
	if (err) {
		if (in)
			close(pfd[1]);
		snprintf(why, len, "cannot run %s: %s", argv[0], strerror(err));
		return -1;
	}
	if (in && exec_feed(pfd[1], in, in_len, why, len)) {
		char ignored[64];

		/* a command that did not read its input is still waited for */
		exec_wait(pid, timeout_s, ignored, sizeof(ignored));
		return -1;
	}
	return exec_wait(pid, timeout_s, why, len);
}

int exec_on_file(const char *cmd, const char *path, unsigned int timeout_s, char *why,
		 size_t len)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, "sh", (char *)path, NULL };
	int err;

	/* the command's environment is ours with the path added (one thread) */
	if (setenv("SCXDUMP_FILE", path, 1)) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	err = exec_run(argv, NULL, 0, timeout_s, why, len);
	unsetenv("SCXDUMP_FILE");
	return err;
}

int exec_with_input(char *const argv[], const char *in, size_t in_len, unsigned int timeout_s,
		    char *why, size_t len)
{
	return exec_run(argv, in, in_len, timeout_s, why, len);
}

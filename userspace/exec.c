// SPDX-License-Identifier: GPL-2.0
/*
 * A command run on a file (collect --exec: an upload of each saved dump),
 * waited for at most a time bound: the collector does one thing at a
 * time, and a command that hangs must not stop it from saving the next
 * dump, nor from stopping: a SIGTERM or SIGINT the collector holds
 * blocked kills the command too. posix_spawn() with the caller's blocked
 * signals unblocked in the child; the wait polls waitpid() every 20 ms.
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

/* @path in SCXDUMP_FILE=, beside the caller's environment; NULL: no memory. */
static char **env_with(const char *path, char **file)
{
	size_t n = 0, i;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	*file = malloc(strlen(path) + sizeof("SCXDUMP_FILE="));
	if (!env || !*file) {
		free(env);
		free(*file);
		return NULL;
	}
	sprintf(*file, "SCXDUMP_FILE=%s", path);
	env[0] = *file;
	for (i = 0; i < n; i++)
		env[i + 1] = environ[i];
	return env;
}

/*
 * Run @argv (@argv[0] a path) with @env, @in_len bytes of @in on its stdin
 * (/dev/null when @in is NULL); as exec_on_file() waits for it.
 */
static int exec_run(char *const argv[], char *const env[], const char *in, size_t in_len,
		    unsigned int timeout_s, char *why, size_t len)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	unsigned long waited_ms = 0;
	int err, status, pfd[2] = { -1, -1 };
	sigset_t none, pending, sigpipe, old;
	bool stop, in_failed = false;
	pid_t pid = 0, r;

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
	err = posix_spawn(&pid, argv[0], &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (in) {
		close(pfd[0]);
		/*
		 * A few KiB: within the pipe's room, whether or not it reads.
		 * SIGPIPE held blocked meanwhile, and taken back if the write
		 * raised it (a command gone without reading): EPIPE is said.
		 */
		sigemptyset(&sigpipe);
		sigaddset(&sigpipe, SIGPIPE);
		sigprocmask(SIG_BLOCK, &sigpipe, &old);
		errno = 0;
		if (!err && write(pfd[1], in, in_len) != (ssize_t)in_len) {
			/* it did not read it all: it runs, and is waited for */
			snprintf(why, len, "cannot write its input: %s",
				 strerror(errno ? errno : EIO));
			in_failed = true;
			if (errno == EPIPE)
				sigtimedwait(&sigpipe, NULL, &(struct timespec){ 0, 0 });
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(pfd[1]);
	}
	if (err) {
		snprintf(why, len, "cannot run %s: %s", argv[0], strerror(err));
		return -1;
	}
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, len, "cannot wait for it: %s", strerror(errno));
			return -1;
		}
		sigpending(&pending);
		stop = sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT);
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
	if (WIFEXITED(status) && !WEXITSTATUS(status) && !in_failed)
		return 0;
	if (in_failed)
		return -1;
	if (WIFEXITED(status))
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	return -1;
}

int exec_on_file(const char *cmd, const char *path, unsigned int timeout_s, char *why,
		 size_t len)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, "sh", (char *)path, NULL };
	char **env, *file;
	int err;

	env = env_with(path, &file);
	if (!env) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	err = exec_run(argv, env, NULL, 0, timeout_s, why, len);
	free(env);
	free(file);
	return err;
}

int exec_with_input(char *const argv[], const char *in, size_t in_len, unsigned int timeout_s,
		    char *why, size_t len)
{
	return exec_run(argv, environ, in, in_len, timeout_s, why, len);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Files written whole: a buffer to a descriptor (the collector's copies,
 * redact's output), and a file written so that a failed write loses
 * nothing that was there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output.h"

int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int output_file(const char *path, const uint8_t *p, size_t len)
{
	char tmp[4096];
	struct stat st;
	int fd, err;

	if (!strcmp(path, "-")) {
		err = write_all(STDOUT_FILENO, p, len);
		goto said;
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			goto said;
		}
		err = write_all(fd, p, len);
		if (close(fd) && !err)
			err = -errno;
		goto said;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		err = -ENAMETOOLONG;
		goto said;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto said;
	}
	err = write_all(fd, p, len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && fchmodat(AT_FDCWD, tmp, 0644, 0))
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
said:
	if (err)
		fprintf(stderr, "scxdump: %s: cannot write: %s\n", path, strerror(-err));
	return err;
}

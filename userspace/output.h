/* SPDX-License-Identifier: GPL-2.0 */
/* Files written whole (output.c). */
#ifndef SCXDUMP_OUTPUT_H
#define SCXDUMP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

/* @len bytes of @p to @fd, whole (EINTR retried); 0 or -errno. */
int write_all(int fd, const uint8_t *p, size_t len);

/*
 * @len bytes to @path: stdout for "-"; a regular file (or a new one)
 * through a temporary file beside it renamed over it, so a failed write
 * (a full disk) leaves no part and what was there stays; else (a device,
 * a FIFO) written as it is. 0 or -errno, said on stderr.
 */
int output_file(const char *path, const uint8_t *p, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_DECODE_H
#define SCXDUMP_DECODE_H

#include <stdbool.h>
#include <stdio.h>
#include "dumpfile.h"

struct btf;

struct decode_opts {
	bool pretty;
	bool header_only;	/* scxdump info */
	const char *map_name;	/* only this map (NULL: all) */
	struct btf *vmlinux;	/* --vmlinux-btf: kernel BTF given apart */
};

int decode_json(const struct sxd_file *f, FILE *out, const struct decode_opts *o);
int decode_summary(const struct sxd_file *f, FILE *out);
const struct sxd_capture *decode_capture(const struct sxd_file *f);
struct btf *decode_load_vmlinux(const struct sxd_file *f, const char *path,
				char *msg, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_DECODE_H
#define SCXDUMP_DECODE_H

#include <stdbool.h>
#include <stdio.h>
#include "dumpfile.h"

struct btf;

#define DECODE_MAX_MAP_NAMES	32

struct decode_opts {
	bool pretty;
	bool header_only;	/* scxdump info */
	const char *map_names[DECODE_MAX_MAP_NAMES];	/* only these maps */
	unsigned int nr_map_names;			/* 0: all */
	struct btf *vmlinux;	/* --vmlinux-btf: kernel BTF given apart */
};

int decode_json(const struct sxd_file *f, FILE *out, const struct decode_opts *o);
int decode_summary(const struct sxd_file *f, FILE *out);
const struct sxd_capture *decode_capture(const struct sxd_file *f);
struct btf *decode_load_vmlinux(const struct sxd_file *f, const char *path,
				char *msg, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_DECODE_H
#define SCXDUMP_DECODE_H

#include <stdbool.h>
#include <stdio.h>
#include "dumpfile.h"

struct decode_opts {
	bool pretty;
	bool header_only;	/* scxdump info */
	const char *map_name;	/* only this map (NULL: all) */
};

int decode_json(const struct sxd_file *f, FILE *out, const struct decode_opts *o);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* The directory of saved dumps (saved.c), as collect.c writes it. */
#ifndef SCXDUMP_SAVED_H
#define SCXDUMP_SAVED_H

#include <stdbool.h>
#include <stddef.h>
#include "index.h"

#define COLLECT_DIR	"/var/lib/scxdump"
#define SAVED_SUFFIX	".scxdump"

/* The file name a dump is saved under; false if it has no capture record. */
bool saved_name(const struct dump_index *x, char *buf, size_t len);
/* The saved dumps in @dir, sorted by name; their number, or -errno. */
long saved_list(const char *dir, char ***names, bool own);
void saved_list_free(char **names, long n);

#endif

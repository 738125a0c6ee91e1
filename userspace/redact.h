/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxdump redact (redact.c): a dump's copy without kernel addresses,
 * which decodes as the original does.
 */
#ifndef SCXDUMP_REDACT_H
#define SCXDUMP_REDACT_H

#include <stddef.h>
#include <stdint.h>
#include "index.h"

struct redact_stats {
	size_t addresses;	/* fields and words replaced */
	size_t text_addresses;	/* in the kernel's messages */
	size_t clusters;	/* the groups moved, each with its offsets */
	size_t special_fields;	/* timers, locks, list and tree nodes zeroed */
};

/*
 * The redacted copy of @x's dump in *@out (malloc()ed, *@len bytes, its
 * checksum its own). 0, or -ENOMEM.
 */
int redact_dump(const struct dump_index *x, uint8_t **out, size_t *len, struct redact_stats *st);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* A structured journal entry for each dump collect saves (journal.c). */
#ifndef SCXDUMP_JOURNAL_H
#define SCXDUMP_JOURNAL_H

#include <stddef.h>
#include "index.h"

/* Every entry's MESSAGE_ID: journalctl MESSAGE_ID=... finds them all. */
#define JOURNAL_MESSAGE_ID	"58090e49ab13487396e1b49cdb1302f2"

/* The entry for dump @x saved at @path; 0, or -1 with why in @why. */
int journal_saved(const struct dump_index *x, const char *path, char *why, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_ALLOC_H
#define SCXDUMP_ALLOC_H

#include <linux/types.h>

/*
 * Every allocation of the module: sxd_alloc(kvzalloc(...)) is NULL without
 * allocating when fault injection fails sxd_alloc_fails() (alloc.c).
 */
bool sxd_alloc_fails(void);
#define sxd_alloc(expr)	(sxd_alloc_fails() ? NULL : (expr))

#endif

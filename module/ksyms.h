/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_KSYMS_H
#define SCXDUMP_KSYMS_H

#include <linux/types.h>

int sxd_ksyms_init(void);
unsigned long sxd_ksym(const char *name);
bool sxd_ksym_callable(unsigned long addr);

#endif /* SCXDUMP_KSYMS_H */

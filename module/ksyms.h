/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_KSYMS_H
#define SCXDUMP_KSYMS_H

#include <linux/types.h>

int ksyms_init(void);
unsigned long ksym_addr(const char *name);
bool ksym_callable(unsigned long addr);

#endif /* SCXDUMP_KSYMS_H */

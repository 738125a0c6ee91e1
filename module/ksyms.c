// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbol lookup. kallsyms_lookup_name() is not exported, but
 * register_kprobe() resolves a symbol name into kp.addr before it checks
 * anything else (kernel/kprobes.c, register_kprobe), so registering a
 * kprobe on kallsyms_lookup_name itself yields its address.
 *
 * Under IBT a kprobe lands after the function's 4-byte endbr64. Sealing may
 * have turned an unused endbr into a NOP, so the bytes before the probe
 * address decide where the function really starts.
 */
#include <linux/kprobes.h>
#include <asm/cpufeature.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "ksyms.h"

typedef unsigned long (*sxd_lookup_fn)(const char *name);
static sxd_lookup_fn sxd_lookup;

static const u8 sxd_endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

static unsigned long sxd_probe_addr(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;
	u8 prev[4];
	int ret;

	ret = register_kprobe(&kp);
	if (ret < 0 && !kp.addr)
		return 0;
	if (ret == 0)
		unregister_kprobe(&kp);
	addr = (unsigned long)kp.addr;
	if (!addr)
		return 0;
	if (!copy_from_kernel_nofault(prev, (void *)(addr - sizeof(prev)),
				      sizeof(prev)) &&
	    !memcmp(prev, sxd_endbr64, sizeof(prev)))
		addr -= sizeof(prev);
	return addr;
}

/*
 * May the function at @addr be called through a pointer? With IBT on, an
 * indirect call must land on an endbr64, which sealing removes from
 * functions that the kernel itself never calls indirectly.
 */
bool sxd_ksym_callable(unsigned long addr)
{
	u8 insn[4];

	if (!addr)
		return false;
	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT) || !cpu_feature_enabled(X86_FEATURE_IBT))
		return true;
	return !copy_from_kernel_nofault(insn, (void *)addr, sizeof(insn)) &&
	       !memcmp(insn, sxd_endbr64, sizeof(insn));
}

int sxd_ksyms_init(void)
{
	unsigned long addr = sxd_probe_addr("kallsyms_lookup_name");

	if (!addr)
		return -ENOENT;
	if (!sxd_ksym_callable(addr))
		return -EPERM;
	sxd_lookup = (sxd_lookup_fn)addr;
	return 0;
}

/* The address of @name, or 0. Only after sxd_ksyms_init() succeeded. */
unsigned long sxd_ksym(const char *name)
{
	return sxd_lookup ? sxd_lookup(name) : 0;
}

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

typedef unsigned long (*ksyms_lookup_fn)(const char *name);
static ksyms_lookup_fn ksyms_lookup_name;

static const u8 ksyms_endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

static unsigned long ksyms_probe_addr(const char *name)
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
	    !memcmp(prev, ksyms_endbr64, sizeof(prev)))
		addr -= sizeof(prev);
	return addr;
}

/*
 * May the function at @addr be called through a pointer? With IBT on, an
 * indirect call must land on an endbr64, which sealing removes from
 * functions that the kernel itself never calls indirectly.
 */
bool ksym_callable(unsigned long addr)
{
	u8 insn[4];

	if (!addr)
		return false;
	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT) || !cpu_feature_enabled(X86_FEATURE_IBT))
		return true;
	return !copy_from_kernel_nofault(insn, (void *)addr, sizeof(insn)) &&
	       !memcmp(insn, ksyms_endbr64, sizeof(insn));
}

int ksyms_init(void)
{
	unsigned long addr = ksyms_probe_addr("kallsyms_lookup_name");

	if (!addr)
		return -ENOENT;
	if (!ksym_callable(addr))
		return -EPERM;
	ksyms_lookup_name = (ksyms_lookup_fn)addr;
	return 0;
}

/* The address of @name, or 0. Only after ksyms_init() succeeded. */
unsigned long ksym_addr(const char *name)
{
	return ksyms_lookup_name ? ksyms_lookup_name(name) : 0;
}

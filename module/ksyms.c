// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbols that are not exported: found once at load (ksyms_init()),
 * the functions among them called through static calls.
 *
 * kallsyms_lookup_name() is not exported either, but register_kprobe()
 * resolves a symbol name into kp.addr before it checks anything else
 * (kernel/kprobes.c, register_kprobe), so registering a kprobe on
 * kallsyms_lookup_name itself yields its address.
 *
 * Under IBT a kprobe lands after the function's 4-byte endbr64. Sealing may
 * have turned an unused endbr into a NOP, so the bytes before the probe
 * address decide where the function really starts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <asm/cpufeature.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "ksyms.h"

typedef unsigned long (*ksyms_lookup_fn)(const char *name);
static ksyms_lookup_fn ksyms_lookup_name;

static const u8 ksyms_endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

struct kernel_syms ksyms;

int ksyms_percpu_hash_copy_stub(struct bpf_map *map, void *key, void *value, u64 flags)
{
	return -EOPNOTSUPP;
}

DEFINE_STATIC_CALL(ksyms_percpu_hash_copy, ksyms_percpu_hash_copy_stub);

struct bpf_map *ksyms_map_next_stub(u32 *id)
{
	return NULL;
}

DEFINE_STATIC_CALL(ksyms_map_next, ksyms_map_next_stub);

struct bpf_prog *ksyms_prog_next_stub(u32 *id)
{
	return NULL;
}

DEFINE_STATIC_CALL(ksyms_prog_next, ksyms_prog_next_stub);

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

/* Where kallsyms_lookup_name is; 0 or why not. */
static int ksyms_find_lookup(void)
{
	unsigned long addr = ksyms_probe_addr("kallsyms_lookup_name");

	if (!addr)
		return -ENOENT;
	if (!ksym_callable(addr))
		return -EPERM;
	ksyms_lookup_name = (ksyms_lookup_fn)addr;
	return 0;
}

int ksyms_init(void)
{
	int err = ksyms_find_lookup();

	if (err) {
		pr_err("cannot find kallsyms_lookup_name (%d); needs CONFIG_KPROBES and CONFIG_KALLSYMS\n",
		       err);
		return err;
	}
	ksyms.percpu_hash_copy = (void *)ksym_addr("bpf_percpu_hash_copy");
	if (ksyms.percpu_hash_copy)
		static_call_update(ksyms_percpu_hash_copy,
				   (ksyms_percpu_hash_copy_fn *)ksyms.percpu_hash_copy);
	ksyms.map_get_curr_or_next = (void *)ksym_addr("bpf_map_get_curr_or_next");
	ksyms.prog_get_curr_or_next = (void *)ksym_addr("bpf_prog_get_curr_or_next");
	ksyms.scx_root = (void *)ksym_addr("scx_root");
	/* 6.12: the one scheduler's state (kernel/sched/ext.c statics) */
	ksyms.scx_ops = (void *)ksym_addr("scx_ops");
	ksyms.scx_exit_kind = (void *)ksym_addr("scx_exit_kind");
	ksyms.scx_exit_info = (void *)ksym_addr("scx_exit_info");
	ksyms.scx_ops_enable_state = (void *)ksym_addr("scx_ops_enable_state_var");
	ksyms.scx_ops_enable_mutex = (void *)ksym_addr("scx_ops_enable_mutex");
	ksyms.scx_ops_helper = (void *)ksym_addr("scx_ops_helper");
	ksyms.scx_ops_disable_work = (void *)ksym_addr("scx_ops_disable_work");
	ksyms.scx_enable_seq = (void *)ksym_addr("scx_enable_seq");
	ksyms.bpf_stats_enabled_key = (void *)ksym_addr("bpf_stats_enabled_key");
	if (!ksyms.map_get_curr_or_next || !ksyms.prog_get_curr_or_next) {
		pr_err("cannot find bpf_map_get_curr_or_next/bpf_prog_get_curr_or_next (kernel/bpf/syscall.c)\n");
		return -ENOENT;
	}
	static_call_update(ksyms_map_next, (ksyms_map_next_fn *)ksyms.map_get_curr_or_next);
	static_call_update(ksyms_prog_next, (ksyms_prog_next_fn *)ksyms.prog_get_curr_or_next);
	return 0;
}

/* The address of @name, or 0. Only after ksyms_init() succeeded. */
unsigned long ksym_addr(const char *name)
{
	return ksyms_lookup_name ? ksyms_lookup_name(name) : 0;
}

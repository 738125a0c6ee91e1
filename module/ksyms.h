/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXDUMP_KSYMS_H
#define SCXDUMP_KSYMS_H

#include <linux/atomic.h>
#include <linux/static_call.h>
#include <linux/types.h>

struct bpf_map;
struct bpf_prog;
struct kthread_work;
struct kthread_worker;
struct mutex;
struct static_key_false;

/* Kernel symbols that are not exported, resolved at load time. */
struct kernel_syms {
	/*
	 * Called through a static call, not through this: a function only
	 * ever called directly has its ENDBR sealed under IBT, and a static
	 * call is a direct call (so is hook.c's call of its hook point).
	 * kernel/bpf/hashtab.c: what bpf(2) reads per-CPU hashes with.
	 */
	void *percpu_hash_copy;
	void **scx_root;		/* struct scx_sched __rcu *scx_root (7.x) */
	/* 6.12, kernel/sched/ext.c: the one scheduler's state, in statics */
	void *scx_ops;			/* struct sched_ext_ops scx_ops */
	atomic_t *scx_exit_kind;
	void **scx_exit_info;		/* struct scx_exit_info *scx_exit_info */
	atomic_t *scx_ops_enable_state;	/* scx_ops_enable_state_var */
	struct mutex *scx_ops_enable_mutex;
	struct kthread_worker **scx_ops_helper;	/* runs the disable work */
	struct kthread_work *scx_ops_disable_work;
	/* each enable of a root scheduler increments it: which load (both) */
	atomic_long_t *scx_enable_seq;
	/*
	 * kernel/bpf/core.c: on while kernel.bpf_stats_enabled is, when
	 * programs' run counts and times are kept (NULL: not found)
	 */
	struct static_key_false *bpf_stats_enabled_key;
	/*
	 * kernel/bpf/syscall.c: the map or program with the smallest id >=
	 * *id, with a reference (both kernels; called through static calls)
	 */
	void *map_get_curr_or_next;
	void *prog_get_curr_or_next;
};

extern struct kernel_syms ksyms;

typedef int ksyms_percpu_hash_copy_fn(struct bpf_map *map, void *key, void *value, u64 flags);
typedef struct bpf_map *ksyms_map_next_fn(u32 *id);
typedef struct bpf_prog *ksyms_prog_next_fn(u32 *id);
struct bpf_map *ksyms_map_next_stub(u32 *id);
struct bpf_prog *ksyms_prog_next_stub(u32 *id);
DECLARE_STATIC_CALL(ksyms_map_next, ksyms_map_next_stub);
DECLARE_STATIC_CALL(ksyms_prog_next, ksyms_prog_next_stub);
int ksyms_percpu_hash_copy_stub(struct bpf_map *map, void *key, void *value, u64 flags);
DECLARE_STATIC_CALL(ksyms_percpu_hash_copy, ksyms_percpu_hash_copy_stub);

/*
 * Find kallsyms_lookup_name, then fill ksyms and point the static calls at
 * what was found; -ENOENT (said) when a symbol the module cannot do
 * without is missing. The hook's points are hook_resolve()'s.
 */
int ksyms_init(void);
unsigned long ksym_addr(const char *name);
bool ksym_callable(unsigned long addr);

#endif /* SCXDUMP_KSYMS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* What the test schedulers share on the BPF side. */
#ifndef SCXTEST_BPF_H
#define SCXTEST_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* The BPF-visible forms of 7.3's kfuncs (their last argument is implicit). */
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
			u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym __weak;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym __weak;
/*
 * Their 6.12 names (renamed in 6.13): one source runs on both kernels,
 * the way the kernel's tools/sched_ext/include/scx/compat.bpf.h does it.
 * libbpf drops the ___compat suffix; the kfunc a kernel lacks resolves to
 * 0, and the verifier drops the branch that calls it.
 */
void scx_bpf_dispatch___compat(struct task_struct *p, u64 dsq_id, u64 slice,
			       u64 enq_flags) __ksym __weak;
bool scx_bpf_consume___compat(u64 dsq_id) __ksym __weak;

#define sxt_dsq_insert(p, dsq_id, slice, enq_flags)				\
	(bpf_ksym_exists(scx_bpf_dsq_insert) ?					\
	 scx_bpf_dsq_insert(p, dsq_id, slice, enq_flags) :			\
	 scx_bpf_dispatch___compat(p, dsq_id, slice, enq_flags))
#define sxt_dsq_move_to_local(dsq_id)						\
	(bpf_ksym_exists(scx_bpf_dsq_move_to_local) ?				\
	 scx_bpf_dsq_move_to_local(dsq_id) : scx_bpf_consume___compat(dsq_id))

/* scx_bpf_error() of the kernel's tools/sched_ext headers, in short. */
#define sxt_error(fmt, args...)							\
({										\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args) ?: 1] = {};		\
	___bpf_fill(___param, args);						\
	scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));			\
})

#endif

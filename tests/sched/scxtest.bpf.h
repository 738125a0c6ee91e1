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
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym __weak;

/* scx_bpf_error() of the kernel's tools/sched_ext headers, in short. */
#define sxt_error(fmt, args...)							\
({										\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args) ?: 1] = {};		\
	___bpf_fill(___param, args);						\
	scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));			\
})

#endif

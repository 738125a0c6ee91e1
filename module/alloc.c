// SPDX-License-Identifier: GPL-2.0
/*
 * The module's allocation gate. Every allocation the module makes is
 * written sxd_alloc(kvzalloc(...)): sxd_alloc_fails() is asked first and,
 * when it says so, the allocation is not made and the caller sees NULL,
 * as when the allocator fails. Nothing else makes it say so than the
 * kernel's fault injection (CONFIG_FAIL_FUNCTION): it is on the error
 * injection list, so /sys/kernel/debug/fail_function can make it return
 * true, with that framework's probability, interval, times and task
 * filter (/proc/PID/make-it-fail: the capturing thread only). So each
 * path that handles a failed allocation is run by a test
 * (tests/integration/guest-faults.sh) and not only read; failslab and
 * fail_page_alloc reach the kernel's allocations made for the module.
 *
 * A function that only returned false could have that value propagated
 * into its callers by the compiler (interprocedural constant
 * propagation leaves the call but drops the branch), and the injected
 * return would then change nothing: the value comes from a volatile read.
 */
#include <linux/compiler.h>
#include <linux/error-injection.h>
#include "alloc.h"

static bool sxd_alloc_fail;	/* never set: the injection is the kernel's */

noinline bool sxd_alloc_fails(void)
{
	return READ_ONCE(sxd_alloc_fail);
}
ALLOW_ERROR_INJECTION(sxd_alloc_fails, TRUE);

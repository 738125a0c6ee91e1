#!/usr/bin/env bash
# The shared kernel-log check (tests/lib.sh t_clean_dmesg): each kind of
# report it must catch, in the words the kernel uses, is caught; a clean
# boot log of the debug kernel's banners is not.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while IFS= read -r line; do
	printf '[    1.000000] %s\n' "$line" >"$tmp/log"
	if grep -qE "$SPLAT_RE" "$tmp/log"; then
		t_ok "caught: $line"
	else
		t_fail "caught: $line"
	fi
done <<'EOF_REPORTS'
BUG: KASAN: slab-use-after-free in maplib_entry_slot+0x1c/0x80
BUG: KFENCE: out-of-bounds read in htab_dump_capture+0x40/0x100
BUG: sleeping function called from invalid context at mm/slab.c:1
WARNING: possible circular locking dependency detected
WARNING: inconsistent lock state
WARNING: CPU: 1 PID: 2 at kernel/sched/ext/ext.c:100 scx_foo+0x1/0x2
ODEBUG: free active (active state 0) object: 000000001234 object type: rcu_head
list_add corruption. prev->next should be next (ffff8880), but was 0000
rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
rcu: INFO: rcu_sched self-detected stall on CPU
INFO: task kworker/0:1:12 blocked for more than 120 seconds.
watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [insmod:99]
WARNING: suspicious RCU usage
INFO: lockdep is turned off.
UBSAN: shift-out-of-bounds in module/maplib.c:10:5
Oops: general protection fault, probably for non-canonical address 0xdead: 0000
EOF_REPORTS

cat >"$tmp/clean" <<'EOF_CLEAN'
[    0.000000] Linux version 7.3.4 (root@scxdump-guest) #1 SMP PREEMPT_DYNAMIC
[    0.010000] kasan: KernelAddressSanitizer initialized (generic)
[    0.020000] kfence: initialized - using 2097152 bytes for 255 objects
[    0.020001] rcu: 	RCU lockdep checking is enabled.
[    0.030000] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    0.030001] ... MAX_LOCKDEP_SUBCLASSES:  8
[    0.030002] ... MAX_LOCKDEP_KEYS:        8192
[    1.000000] sched_ext: BPF scheduler "scxdump_test" disabled (scx_bpf_error)
[    1.000001] scxdump: armed (version 0.1.0)
EOF_CLEAN
t_clean_dmesg "a debug kernel's banners are not reports" "$tmp/clean"
printf '' >"$tmp/empty"
( t_clean_dmesg "x" "$tmp/empty" >/dev/null; [ "$T_FAILED" -eq 1 ] ) &&
	t_ok "an empty log is not clean" || t_fail "an empty log is not clean"
t_done

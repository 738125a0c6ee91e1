#!/usr/bin/env bash
# Under lockdown (integrity, as Secure Boot locks Debian's kernels) with
# the module loaded: debugfs refuses to open control (EPERM), the module
# not asked; a failing scheduler is captured all the same and its dump,
# the kept dumps and status are read. Debian's kernel only: the project's
# kernels have no lockdown LSM.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script lockdown
t_eq "the kernel was not locked down before" "[none] integrity confidentiality" "$(cat "$dir/lockdown.before")"
t_eq "... and is after: integrity" "none [integrity] confidentiality" "$(cat "$dir/lockdown.after")"
t_check "control refused" test -z "$(grep 'control: accepted' "$dir/out")"
t_check "... with EPERM" grep -q "Operation not permitted" "$dir/control.err"
t_check "... by debugfs: the kernel says so, the module is not asked" sh -c \
	"grep -q 'Lockdown: .*debugfs access is restricted' '$dir/dmesg' && ! grep -q 'scxdump: control:' '$dir/dmesg'"
before=$(sed -n 's/^dumps: \([0-9]*\) before, \([0-9]*\) after$/\1/p' "$dir/out")
after=$(sed -n 's/^dumps: \([0-9]*\) before, \([0-9]*\) after$/\2/p' "$dir/out")
t_eq "... one dump more under dumps/" "$((before + 1))" "$after"
"$DEC" info "$dir/exit.bin" >"$dir/exit.json"
t_jq "dump read: the failing scheduler's exit, scx_bpf_error" "$dir/exit.json" \
	'.capture.trigger == "exit" and .schedulers[0].name == "scxdump_test" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF"'
t_check "dumps/ read: the same dump" cmp -s "$dir/exit.bin" "$dir/kept.bin"
t_check "status read: the capture counted, no error" sh -c \
	"grep -q '^captures: [1-9]' '$dir/status.txt' && grep -qx 'last_error: none' '$dir/status.txt'"
t_guest_log_clean
t_done

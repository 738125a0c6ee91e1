# shellcheck shell=bash
# Assertions for the test scripts: each prints "ok - ..." or "not ok - ...",
# and t_done prints the script's tally in the form tests/run-all.sh adds up.
T_PASSED=0
T_FAILED=0

t_ok() { T_PASSED=$((T_PASSED + 1)); printf 'ok - %s\n' "$*"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); printf 'not ok - %s\n' "$*"; }

# t_check DESC CMD...: CMD must succeed.
t_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_ok "$desc"
	else
		t_fail "$desc"
		printf '%s\n' "$out" | tail -15 | sed 's/^/#   /'
	fi
}

# t_jq DESC FILE FILTER: FILTER must give exactly true on the JSON in FILE
# (jq -e alone passes on an empty file: it then yields nothing).
t_jq() {
	local desc=$1 file=$2 filter=$3
	if [ "$(jq "$filter" "$file" 2>/dev/null)" = true ]; then
		t_ok "$desc"
	else
		t_fail "$desc"
		printf '#   jq -e %q %s gave: %s\n' "$filter" "$file" \
			"$(jq -c "$filter" "$file" 2>&1 | head -c 400)"
	fi
}

# t_eq DESC EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
	fi
}

# What a kernel log must not show, on any kernel: bugs and oopses,
# warnings, KASAN and KFENCE reports, lockdep reports, sleeping in atomic
# context, debug-object and list corruption reports, RCU stalls, hung
# tasks, soft and hard lockups, UBSAN. The one list every guest test uses.
SPLAT_RE='BUG:|WARNING:|Oops|Kernel panic|general protection fault|Call Trace'
SPLAT_RE+='|KASAN|KFENCE|UBSAN:|ODEBUG:|list_(add|del) corruption'
SPLAT_RE+='|lockdep is turned off|DEBUG_LOCKS_WARN_ON|suspicious RCU usage|possible circular locking|possible recursive locking|inconsistent lock state'
SPLAT_RE+='|sleeping function called from invalid context|scheduling while atomic'
SPLAT_RE+='|detected stalls? on CPU|self-detected stall|rcu_(sched|preempt) kthread starved'
SPLAT_RE+='|blocked for more than [0-9]+ seconds|soft lockup|hard LOCKUP'

# t_clean_dmesg DESC FILE: FILE (a kernel log) is not empty and has none of it.
t_clean_dmesg() {
	local desc=$1 file=$2 bad
	bad=$(grep -E "$SPLAT_RE" "$file" || true)
	if [ -z "$bad" ] && [ -s "$file" ]; then
		t_ok "$desc"
	else
		t_fail "$desc"
		printf '%s\n' "${bad:-empty kernel log}" | head -20 | sed 's/^/#   /'
	fi
}

# t_result <OUTPUT: "PASSED FAILED" from a test's last RESULT line (t_done's),
# nothing when it has none
t_result() {
	sed -n 's/^RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -1
}

t_done() {
	printf 'RESULT: %d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
	[ "$T_FAILED" -eq 0 ]
}

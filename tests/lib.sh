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

# The kernel log must not show a bug, warning, lockdep or KASAN report.
t_clean_dmesg() {
	local desc=$1 file=$2 bad
	bad=$(grep -E 'BUG:|WARNING:|Oops|sleeping function called from invalid context|possible circular locking|possible recursive locking|inconsistent lock state|lockdep|KASAN|general protection fault|Call Trace' "$file" || true)
	if [ -z "$bad" ] && [ -s "$file" ]; then
		t_ok "$desc"
	else
		t_fail "$desc"
		printf '%s\n' "${bad:-empty kernel log}" | head -20 | sed 's/^/#   /'
	fi
}

t_done() {
	printf 'RESULT: %d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
	[ "$T_FAILED" -eq 0 ]
}

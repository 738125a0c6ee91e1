#!/usr/bin/env bash
# kunit/check.sh DIR KUNIT_PY: the module's KUnit suites as a guest ran
# them by loading scxdump_kunit.ko (make kunit): DIR/rc is insmod's status,
# DIR/dmesg the kernel log of that load (KTAP). KUNIT_PY (the kernel
# source's tools/testing/kunit/kunit.py) parses it; each KUnit test case
# counts as one test here; as many must run and pass as the suites
# (kunit/files) have KUNIT_CASE entries, and the log must have no kernel
# report (KASAN, lockdep, ...). Closes with one RESULT line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib.sh"
dir=${1:?usage: kunit/check.sh DIR KUNIT_PY} py=${2:?usage: kunit/check.sh DIR KUNIT_PY}

# the cases the suites define, counted in their source now
cases=0
for f in $(grep -v '^#' "$here/files" | grep '_kunit\.c$'); do
	cases=$((cases + $(grep -cE '^[[:space:]]*KUNIT_CASE\(' "$here/../$f")))
done
t_check "the suites define test cases ($cases)" test "$cases" -gt 0
t_eq "scxdump_kunit.ko loads" 0 "$(cat "$dir/rc" 2>/dev/null || echo none)"
out=$(python3 "$py" parse "$dir/dmesg" 2>&1)
printf '%s\n' "$out" | sed 's/^/# /'
read -r ran ok < <(sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests: passed: \([0-9]*\).*/\1 \2/p' \
	<<<"$out" | tail -1)
if [ -z "${ran:-}" ] || [ "$ran" -eq 0 ]; then
	t_fail "the KUnit suites ran (no KTAP results in $dir/dmesg)"
else
	T_PASSED=$((T_PASSED + ok)) T_FAILED=$((T_FAILED + ran - ok))
	echo "# KUnit: $ran test cases, $ok passed"
	t_eq "every test case the suites define ran and passed" "$cases $cases" "$ran $ok"
fi
t_clean_dmesg "no kernel report while the KUnit suites ran" "$dir/dmesg"
t_done

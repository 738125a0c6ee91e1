#!/usr/bin/env bash
# make check: every test. Prepares what it needs (host packages, the cached
# test guest, builds), runs the host decoder tests, the guest integration
# tests on the stock kernel (in one boot: tests/kernels/stock-suite.sh),
# the debug-kernel suite (the integration tests again on the project's
# debug kernel, the module's KUnit suites in it, the kernel's sched_ext
# selftests on both) and the 6.12 LTS suite (the integration tests and
# DKMS on the project's 6.12 kernel), and closes with "N passed, N failed".
#
# run-all.sh host (make check-host): only what needs no guest and no root:
# the decoder's unit and render tests and the fixed-seed fuzz pass.
#
# run-all.sh dumps (make check starts it itself, in the background): the
# host's checks on the stock guest's dumps (jq recipes, html, the compiled
# renderers, redact) and the fuzz pass, at idle priority; its table goes
# to the file named by SCXDUMP_SUITES_STATE for make check to add up.
set -uo pipefail
mode=${1:-all}
case $mode in
all | host | dumps) ;;
*) echo "usage: run-all.sh [host]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
. "$top/tests/guest/common.sh"
cd "$top"

passed=0 failed=0
declare -a summary=() failures=()

# suite NAME CMD...: run a test script, add up its RESULT line.
suite() {
	local name=$1 out rc p f t0
	shift
	t0=$(date +%s)
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	# each failed check, named again at the end beside the table
	mapfile -t -O "${#failures[@]}" failures < <(grep -E '^(\[[^]]*\] )?not ok' "$out" | sed "s/^/$name: /")
	read -r p f < <(t_result <"$out")
	rm -f "$out"
	if [ -z "$p" ]; then
		p=0 f=1	# the script died before its tally
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	summary+=("$(printf '%-22s %4d passed, %3d failed, %5ds' "$name" "$p" "$f" $(($(date +%s) - t0)))")
}

# prepare NAME CMD...: a setup step; its failure counts as a failed test.
prepare() {
	local name=$1
	shift
	if stage "$name" "$@"; then
		return 0
	fi
	failed=$((failed + 1))
	summary+=("$(printf '%-22s setup failed' "$name")")
	return 1
}

# The checks on the stock guest's dumps and the fuzz pass: host CPU work
# only (9 min of one core), which make check runs in the background
# (run-all.sh dumps) beside the debug kernel's suite, whose guest keeps
# one core busy, once the kernels are built (the 6.12 one builds beside
# that suite). In the foreground they came before that suite, beside the
# debug kernel's build, which the end of make check waits for.
dumps_suites() {
	local runs=$GUEST_ROOT/opt/scxdump/runs/stock
	suite jq-recipes tests/dumps/test-recipes.sh "$runs"
	suite html-report tests/dumps/test-html.sh "$runs"
	suite plans-stock tests/dumps/test-plans.sh "$runs"
	suite redact-stock tests/dumps/test-redact.sh "$runs"
	suite fuzz tests/fuzz/run.sh
}
if [ "$mode" = dumps ]; then
	background_priority
	# after the kernels' build (SCXDUMP_KERNELS_PID: a child of make
	# check's shell, which reaps it only at the end: a zombie is done): on
	# the path to the end when it is cold, it has the core the debug guest
	# leaves first
	while [ -n "${SCXDUMP_KERNELS_PID:-}" ] &&
		st=$(ps -o stat= -p "$SCXDUMP_KERNELS_PID" 2>/dev/null) && [ "${st#Z}" = "$st" ]; do
		sleep 5
	done
	dumps_suites
	{
		echo "T $passed $failed"
		printf 'S %s\n' "${summary[@]}"
		[ "${#failures[@]}" -eq 0 ] || printf 'F %s\n' "${failures[@]}"
	} >"${SCXDUMP_SUITES_STATE:?}"
	exit 0
fi

t0=$(date +%s)
if [ "$mode" = host ]; then
	prepare host-deps tests/guest/host-deps.sh --decoder
else
	prepare host-deps tests/guest/host-deps.sh
fi
# The decoder's unit suites (2.5 min) run once the kernels build: on the
# way to the debug kernel, they only delayed its start.
host_suites() {
	prepare decoder-build sh -c 'make -s -C userspace && make -s -C userspace SAN=1 && make -s -C tests/unit' &&
		suite decoder-unit tests/unit/test-decoder.sh &&
		suite events-unit tests/unit/test-events.sh &&
		suite salvage-unit tests/unit/test-salvage.sh &&
		suite inputs-unit tests/unit/test-inputs.sh &&
		suite collect-unit tests/unit/test-collect.sh &&
		suite render-unit tests/unit/build/test_render &&
		suite plans-unit tests/unit/test-plans.sh &&
		suite text-unit tests/unit/test-text.sh
	suite splat-check tests/unit/test-splat.sh
}
# The kernels make check builds (tests/kernels/debug.config, then
# tests/kernels/lts.config), compiled one after the other in the background
# (tests/kernels/background.sh: with only the CPU time the foreground
# leaves) from when the guest root exists: a TCG guest keeps about one host
# core busy and leaves the other to them. What needs the network or the
# guest root's apt (packages, the sources, the selftests) and the kernels'
# configuration are done in the foreground before any guest boots from
# that root. The suite that boots a kernel waits on its lock
# (tests/kernels/build.sh); the background log, with each build stage's
# time, is printed at the end. The debug kernel first: its suite is the
# longer one, and the 6.12 kernel builds beside it.
KERNELS="debug lts"
kernels_pid=
kernels_log=$SCXDUMP_CACHE/logs/kernels-background.log
kernels_background() {
	local k
	for k in $KERNELS; do
		prepare "kernel-$k-prepare" tests/kernels/build.sh --prepare "$k" || return 1
	done
	mkdir -p "${kernels_log%/*}"
	# its own process group, so that an early exit stops the compilers too
	setsid tests/kernels/background.sh $KERNELS >"$kernels_log" 2>&1 &
	kernels_pid=$!
	# its process group, which the stock suite stops during the tests
	# that time the stop (tests/kernels/batch.sh: batch_quiet_start)
	export SCXDUMP_BACKGROUND_PGID=$kernels_pid
	# beside the first minutes of the kernels' build, before any guest boots
	prepare selftests-build tests/selftests/build.sh >/dev/null
}
dumps_pid=
dumps_log=$SCXDUMP_CACHE/logs/dumps-background.log
trap 'for p in $kernels_pid $dumps_pid; do kill -- -"$p"; kill -CONT -- -"$p"; done 2>/dev/null' EXIT

guest_ok=0
# The kernels' sources first: the test schedulers build the kernel's own
# scx_sdt (tools/sched_ext) from linux-source-7.3 when it is there.
if [ "$mode" = all ] && prepare guest-root tests/guest/mkroot.sh; then
	kernels_background
	prepare guest-build tests/guest/build.sh guest-all && guest_ok=1
fi
host_suites
# The integration tests on the stock kernel, in one boot; their dumps are
# then the recipes' input.
if [ $guest_ok -eq 1 ]; then
	suite stock-kernel tests/kernels/stock-suite.sh
	# the checks on its dumps in the background (dumps_suites), in a
	# session of their own (an early exit stops them). Never stopped
	# while a test times the stop, as the kernels' build is: their
	# timeouts (libFuzzer's, timeout(1)'s) run on the wall clock
	mkdir -p "${dumps_log%/*}"
	rm -f "$dumps_log.state"
	SCXDUMP_SUITES_STATE=$dumps_log.state SCXDUMP_KERNELS_PID=$kernels_pid \
		setsid tests/run-all.sh dumps >"$dumps_log" 2>&1 &
	dumps_pid=$!
else
	suite fuzz tests/fuzz/run.sh
fi
# Last, the longest: the debug kernel and the kernel's sched_ext selftests
# on the stock and the debug kernel.
[ $guest_ok -eq 1 ] && suite debug-kernel tests/kernels/debug-suite.sh
# Then the 6.12 LTS kernel, the last one built (redact on its dumps too).
[ $guest_ok -eq 1 ] && suite lts-kernel tests/kernels/lts-suite.sh
if [ -n "$dumps_pid" ]; then
	wait "$dumps_pid"
	dumps_pid=
	echo
	echo "checks on the stock guest's dumps, run in the background ($dumps_log):"
	cat "$dumps_log"
	if [ -s "$dumps_log.state" ]; then
		read -r _ p f < <(grep '^T ' "$dumps_log.state")
		passed=$((passed + p)) failed=$((failed + f))
		mapfile -t -O "${#summary[@]}" summary < <(sed -n 's/^S //p' "$dumps_log.state")
		mapfile -t -O "${#failures[@]}" failures < <(sed -n 's/^F //p' "$dumps_log.state")
	else
		failed=$((failed + 1))
		summary+=("$(printf '%-22s did not finish' dumps-background)")
	fi
fi
if [ -n "$kernels_pid" ]; then
	wait "$kernels_pid"
	kernels_pid=
	echo
	echo "kernels built in the background ($kernels_log):"
	grep -E '^(== |stage |\[)' "$kernels_log"
fi

echo
[ "$mode" = all ] && echo "guest kernel: $(guest_krel 2>/dev/null || echo none)"
printf '%s\n' "${summary[@]}"
# the failed checks last, so that the end of the output names them (at most
# 20; every one is in its suite's output above)
if [ "${#failures[@]}" -gt 0 ]; then
	echo "failed checks (${#failures[@]}):"
	printf '  %s\n' "${failures[@]:0:20}"
fi
echo "total time: $(($(date +%s) - t0))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

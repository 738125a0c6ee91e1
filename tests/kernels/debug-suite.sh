#!/usr/bin/env bash
# The debug kernel and the kernel's own sched_ext selftests, in two boots:
#
#   1. builds: the guest tree (module, tool, test schedulers, scripts) for
#      the stock kernel, the selftests (tests/selftests/build.sh);
#   2. the stock kernel: the selftests with the module (capture of every
#      exit on), and first without it with SELFTESTS_BASELINE=1;
#   3. the debug kernel (tests/kernels/debug.config) built, the module and
#      its KUnit module built against it, then the integration guest
#      scripts but those left out below (BATCH_EXCLUDE), in turn (each in its own directory with its own slice of the
#      kernel log, the module unloaded between them), the module's KUnit
#      suites (scxdump_kunit.ko), then the selftests with the module;
#   4. on the host: every tests/integration/test-NAME.sh on what its guest
#      script left on the debug kernel, kunit/check.sh on the KUnit
#      suites' kernel log, and tests/selftests/check.sh on
#      the three selftest runs, with the table.
#
# Repetitions and sizes are lower on the debug kernel, which under TCG is
# many times slower: SNAP_RUNS 5 (20 on the stock kernel), FLAT_RUNS 5 (20)
# with FLAT_BUDGET_US 20000 (the 100k hash's flat copy takes 2.4 to 7.8
# ms here, 2.9 on the stock kernel, and the maps before it more: at 5 ms
# the copy was undone in 1 to 4 of 5 captures, and at 10 ms stops held
# 9 to 10.3 ms, undone in 1 of 5), STRAND_RUNS 3
# (10), BOUND_PC_ENTRIES 65536 (262144: freeing that map after its
# scheduler takes KASAN over 10 s, and the next test scheduler's 3 s
# watchdog fires), STORAGE_RUN_MS 10000 (1000: the failing loader must
# still run when its 3000 threads are listed). Unload races: RMMOD_ROUNDS
# 15 (20), within RMMOD_LIMIT 180 s (30; 25 rounds took 180 s, 50 322 s:
# 15 keep three collector rounds and make check's path shorter by a minute).
# Closes with one RESULT line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"
# the Debian packages are tested on the stock kernel (stock-suite.sh); so
# are the kernel's example schedulers (test-examples, 290 s here) and diff
# (24 s), which add no kernel path the rest does not run: the debug boot
# keeps to the capture paths (capture, families, storage, arena, core
# state, snapshot, strand, sub-schedulers, bounded, faults, unload races);
# lockdown needs the lockdown LSM, which Debian's kernel has and this one not
BATCH_EXCLUDE="packages examples diff lockdown"
. "$here/batch.sh"

export SNAP_RUNS=${SNAP_RUNS:-5} STRAND_RUNS=${STRAND_RUNS:-3} FLAT_RUNS=${FLAT_RUNS:-5} FLAT_BUDGET_US=${FLAT_BUDGET_US:-20000}
export BOUND_PC_ENTRIES=${BOUND_PC_ENTRIES:-65536} STORAGE_RUN_MS=${STORAGE_RUN_MS:-10000}
export RMMOD_ROUNDS=${RMMOD_ROUNDS:-15} RMMOD_LIMIT=${RMMOD_LIMIT:-180}
stage guest-build "$here/../guest/build.sh" guest-all ||
	{ t_fail "the guest tree builds"; t_done; exit 1; }
stage kernel-prepare "$here/build.sh" --prepare debug ||
	{ t_fail "the debug kernel's packages and source"; t_done; exit 1; }
st=$(stage selftests-build "$here/../selftests/build.sh" | tail -1) && [ -n "$st" ] ||
	{ t_fail "the sched_ext selftests build"; t_done; exit 1; }
gst="sh $GUEST_SRC/tests/selftests/guest-selftests.sh $st"

# 2: the stock kernel: the selftests with the module; without it too
# with SELFTESTS_BASELINE=1 (4 to 5 minutes more: every test passes or
# skips without the module on 7.3.4, and the check then asks that of the
# run with it)
base=-
st_cmd="$gst stock-with with $GUEST_SRC/scxdump.ko"
if [ "${SELFTESTS_BASELINE:-0}" = 1 ]; then
	base=stock-without
	st_cmd="$gst stock-without without; $st_cmd"
fi
stage guest-stock-selftests "$here/../guest/run.sh" --name selftests --timeout 3600 -- "$st_cmd" >/dev/null

# 3: the debug kernel (tests/run-all.sh may still be building it: build.sh
# waits for that build)
kdir=$(stage kernel-debug "$here/build.sh" debug | tail -1) && [ -n "$kdir" ] ||
	{ t_fail "the debug kernel builds"; t_done; exit 1; }
stage module-debug env SCXDUMP_KERNEL="$kdir" "$here/../guest/build.sh" module kunit ||
	{ t_fail "the module and its KUnit module build for the debug kernel"; t_done; exit 1; }
stage dkms-debug "$here/dkms.sh" "$kdir" >/dev/null || t_fail "dkms add/build/install for the debug kernel"
batch=$GUEST_ROOT/opt/scxdump/debug-batch.sh
kunit_run="echo '=== kunit' >/dev/console; mkdir -p \$top/kunit; dmesg -C"
kunit_run+="; insmod $kdir/scxdump-src/kunit/build/scxdump_kunit.ko; echo \$? >\$top/kunit/rc"
kunit_run+="; dmesg >\$top/kunit/dmesg; rmmod scxdump_kunit"
batch_write "$batch" "$kunit_run; echo '=== selftests' >/dev/console; $gst debug-with with \$SCXDUMP_KO"
# its snapshot test without the 6.12 kernel's build beside it (cold: make
# check builds it now)
BATCH_QUIET=${BATCH_QUIET-snapshot}
batch_quiet_start debug
SCXDUMP_KERNEL=$kdir stage guest-debug "$here/../guest/run.sh" --name debug --timeout 5400 -- \
	sh /opt/scxdump/debug-batch.sh >/dev/null
batch_quiet_stop
runs=$GUEST_ROOT/opt/scxdump/runs

# 4: the checks
batch_checks "$runs/debug" debug
out=$("$here/../../kunit/check.sh" "$runs/debug/kunit" \
	"$GUEST_ROOT$(readlink "$GUEST_ROOT$kdir/build/source")/tools/testing/kunit/kunit.py" 2>&1)
printf '%s\n' "$out" | sed 's/^/[kunit] /'
batch_tally "$out"
mkdir -p "$runs/selftests-all"
rm -rf "$runs/selftests-all/stock-without"
for l in ${base#-} stock-with; do
	rm -rf "$runs/selftests-all/$l" && cp -r "$runs/selftests/$l" "$runs/selftests-all/$l"
done
rm -rf "$runs/selftests-all/debug-with" && cp -r "$runs/debug/debug-with" "$runs/selftests-all/debug-with"
out=$("$here/../selftests/check.sh" "$runs/selftests-all" "$GUEST_ROOT$st/build/obj/sched_ext" \
	"$base" stock-with debug-with 2>&1)
printf '%s\n' "$out" | sed 's/^/[selftests] /'
batch_tally "$out"
passed=$((passed + T_PASSED)) failed=$((failed + T_FAILED))
echo "RESULT: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# Runs inside the test guest (tests/integration/test-snapshot.sh boots it):
# scxsnap fails 20 times with the consistent snapshot on and 20 times with
# it off, under load on every CPU; then, running, it is captured on demand
# 20 times in each mode. Every dump is kept.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
P=/sys/module/scxdump/parameters
RUNS=${SNAP_RUNS:-20}
# the 100k hash's captures: 20, in every suite
FLAT_RUNS=${FLAT_RUNS:-20}
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch).
# The stop's longest budget: this test is of what the stop holds, not of
# how long it may (guest-bounded.sh): under TCG the first stop after a
# load also translates the copy's code, several milliseconds.
insmod $KO embed_kernel_btf=N stall_warn_pct=0 snapshot_budget_us=100000 || exit 1
cat $P/consistent_snapshot >default.txt

echo "== bad values are refused"
/bin/echo maybe >$P/consistent_snapshot 2>bad.err && echo "maybe: accepted"

# Besides scxsnap's own sched_yield() loops, a fork loop: wakeups too.
churn

for mode in Y N; do
	echo $mode >$P/consistent_snapshot
	i=1
	while [ $i -le "$RUNS" ]; do
		$SB/scxsnap --run-ms 200 --yielders 2 >snap-$mode-$i.out 2>&1 ||
			echo "run $mode $i: loader failed"
		cat $DBG/dump >snap-$mode-$i.bin
		i=$((i + 1))
	done
done

# on_demand NAME RUNS ARGS...: scxsnap ARGS running while it is captured
# RUNS times on demand, into NAME-I.bin; its state then in NAME.state; then
# it is stopped with SIGTERM (without --no-fail: its failure)
on_demand() {
	_name=$1 _runs=$2
	shift 2
	$SB/scxsnap "$@" >$_name.out 2>&1 &
	SCX=$!
	n=0
	until grep -q enabled $_name.out || [ $n -ge 300 ]; do sleep 0.1; n=$((n + 1)); done
	i=1
	while [ $i -le "$_runs" ]; do
		echo capture >$DBG/control || echo "$_name $i: capture failed"
		cat $DBG/dump >$_name-$i.bin
		i=$((i + 1))
	done
	cat /sys/kernel/sched_ext/state >$_name.state
	kill -TERM $SCX
	wait $SCX
}

# On demand: the scheduler keeps running, its callbacks at full rate.
for mode in Y N; do
	echo $mode >$P/consistent_snapshot
	on_demand od-$mode "$RUNS" --no-fail --run-ms 120000 --yielders 2
done
rmmod scxdump

# A 100k-entry preallocated hash whose pairs every callback swaps (a delete
# and an insert), at the stop's default budget: copied flat in the stop
# (Y), walked while it changes (N). 20 on-demand captures, and with the
# snapshot on, the failure's dump too.
# (the default budget; the debug kernel's suite gives its slower copy more)
insmod $KO embed_kernel_btf=N stall_warn_pct=0 ${FLAT_BUDGET_US:+snapshot_budget_us=$FLAT_BUDGET_US} || exit 1
cat $P/snapshot_budget_us >flat-budget.txt
for mode in Y N; do
	echo $mode >$P/consistent_snapshot
	on_demand flat-$mode "$FLAT_RUNS" --big-hash 100000 --run-ms 120000 --yielders 2
	[ $mode = Y ] && cat $DBG/dump >flat-exit.bin
done
churn_stop
rmmod scxdump
echo "== done"

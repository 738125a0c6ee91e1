#!/bin/sh
# Runs inside the test guest (tests/integration/test-storage.sh boots it):
# scxbound gives every task storage; a loader with THREADS sleeping
# threads is captured on demand, then another fails: each dump must hold
# an entry for every one of them, read live and inside the stop.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
B=$SB/scxbound
THREADS=${STORAGE_THREADS:-3000}
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO embed_kernel_btf=N stall_warn_pct=0 || exit 1

echo "== 1: on demand, $THREADS threads"
$B --no-fail --threads "$THREADS" >od.out 2>&1 &
SCX=$!
n=0
until grep -q enabled od.out || [ $n -ge 600 ]; do sleep 0.1; n=$((n + 1)); done
ls /proc/$SCX/task | sort -n >od.tids
echo capture >$DBG/control && echo "on demand: ok"
cat $DBG/dump >od.bin
# a budget long enough that the storage is copied inside the stop
echo 100000 >/sys/module/scxdump/parameters/snapshot_budget_us
echo capture >$DBG/control && echo "on demand, in the stop: ok"
cat $DBG/dump >odstop.bin
ls /proc/$SCX/task | sort -n >odstop.tids
echo 5000 >/sys/module/scxdump/parameters/snapshot_budget_us
kill -TERM $SCX
wait $SCX

# threads started and ended all along (--churn): each capture in the
# stop names the owners from identities taken before it
CHURN_THREADS=${STORAGE_CHURN_THREADS:-1000}
CHURN_CAPTURES=${STORAGE_CHURN_CAPTURES:-8}
echo "== churn: $CHURN_THREADS threads, 4 starting and ending threads, $CHURN_CAPTURES captures"
$B --no-fail --threads "$CHURN_THREADS" --churn 4 >churn.out 2>&1 &
SCX=$!
n=0
until grep -q enabled churn.out || [ $n -ge 600 ]; do sleep 0.1; n=$((n + 1)); done
echo 100000 >/sys/module/scxdump/parameters/snapshot_budget_us
i=0
while [ $i -lt "$CHURN_CAPTURES" ]; do
	echo capture >$DBG/control && cat $DBG/dump >churn-$i.bin
	i=$((i + 1))
done
echo "churn captures: $i"
kill -TERM $SCX
wait $SCX
echo "== churn, failing"
$B --threads "$CHURN_THREADS" --churn 4 --run-ms 1000 >churnfail.out 2>&1 &
SCX=$!
wait $SCX && echo "failing churn loader: ok"
cat $DBG/dump >churnfail.bin
echo 5000 >/sys/module/scxdump/parameters/snapshot_budget_us

echo "== 2: failing, $THREADS threads"
$B --threads "$THREADS" --run-ms "${STORAGE_RUN_MS:-1000}" >fail.out 2>&1 &
SCX=$!
n=0
until grep -q enabled fail.out || [ $n -ge 600 ]; do sleep 0.1; n=$((n + 1)); done
ls /proc/$SCX/task | sort -n >fail.tids
wait $SCX && echo "failing loader: ok"
cat $DBG/dump >fail.bin
rmmod scxdump
echo "== done"

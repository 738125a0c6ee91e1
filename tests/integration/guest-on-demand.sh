#!/bin/sh
# Runs inside the test guest (tests/integration/test-on-demand.sh boots it):
# captures a running scheduler on demand, and tries bad control writes.
set -u
S=/opt/scxdump/src
DBG=/sys/kernel/debug/scxdump
insmod $S/scxdump.ko || exit 1

echo "== 1: no scheduler running"
/bin/echo capture >$DBG/control 2>nosched.err && echo "capture without a scheduler: accepted"

echo "== 2: bad writes"
/bin/echo bogus >$DBG/control 2>bad.err && echo "bogus: accepted"
head -c 100 /dev/zero | tr '\0' x >$DBG/control 2>>bad.err && echo "long: accepted"

echo "== 3: a running scheduler, captured on demand"
(i=0; while [ $i -lt 3000 ]; do /bin/true; i=$((i + 1)); done) &
LOAD=$!
$S/tests/sched/build/scxtest --exit-after-ms 4000 >loader.out 2>&1 &
SCX=$!
n=0
while [ "$(cat /sys/kernel/sched_ext/state)" != enabled ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
sleep 1
echo capture >$DBG/control && echo "capture: ok"
cat /sys/kernel/sched_ext/state >state.after
cat $DBG/dump >ondemand.bin
cat $DBG/status >status.txt
wait $SCX
kill $LOAD 2>/dev/null
wait $LOAD 2>/dev/null
rmmod scxdump
echo "== done"

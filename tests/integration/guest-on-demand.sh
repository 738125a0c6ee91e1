#!/bin/sh
# Runs inside the test guest (tests/integration/test-on-demand.sh boots it):
# captures a running scheduler on demand, tries bad control writes, and
# checks that the last keep_dumps dumps are kept and open readers keep
# theirs.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
P=/sys/module/scxdump/parameters
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO stall_warn_pct=0 || exit 1

echo "== 1: no scheduler running"
/bin/echo capture >$DBG/control 2>nosched.err && echo "capture without a scheduler: accepted"

echo "== 2: bad writes"
/bin/echo bogus >$DBG/control 2>bad.err && echo "bogus: accepted"
head -c 100 /dev/zero | tr '\0' x >$DBG/control 2>>bad.err && echo "long: accepted"

echo "== 3: a running scheduler, captured on demand"
churn 3000
# it exits at our TERM, when steps 3 and 4 are done (the debug kernel
# under TCG takes more than 10 s over them)
$SB/scxtest --exit-after-ms 300000 >loader.out 2>&1 &
SCX=$!
wait_enabled
sleep 1
echo capture >$DBG/control && echo "capture: ok"
cat /sys/kernel/sched_ext/state >state.after
cat $DBG/dump >ondemand.bin
cat $DBG/status >status.txt

echo "== 4: the last keep_dumps dumps, each its own file"
for v in 0 65 x; do
	/bin/echo $v >$P/keep_dumps 2>>keep.err && echo "keep_dumps $v: accepted"
done
echo 3 >$P/keep_dumps
exec 3<$DBG/dump
first=$(ls $DBG/dumps)
echo "$first" >first.ls
exec 4<$DBG/dumps/$first
for i in 2 3 4 5; do
	echo capture >$DBG/control || echo "capture $i failed"
done
ls $DBG/dumps >kept.ls
cat <&3 >held-dump.bin
cat <&4 >held-kept.bin
exec 3<&- 4<&-
for f in $(cat kept.ls); do
	cat $DBG/dumps/$f >kept-$f.bin
done
cat $DBG/dump >last.bin
cat $DBG/status >status2.txt
kill -TERM $SCX
wait $SCX
churn_stop
rmmod scxdump
echo "== done"

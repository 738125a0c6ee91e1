#!/bin/sh
# Runs inside the test guest (tests/integration/test-recorder.sh boots it):
# the event recorder. Bad values of events_per_cpu are refused at load,
# both ends of its range taken. Then (1) scxrec makes its known decisions
# (A into DSQ 100, B into DSQ 200 by vtime, a kick of CPU 1 after each B)
# and fails at A's third insert: the exit dump; (2) scxstall starves its
# victim until the watchdog fails it: the warning and the exit dumps;
# (3) an on-demand capture while scxtest runs and processes churn, then
# rmmod with the probes firing; (4) with events_per_cpu=0, no probe and
# no events in a dump.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
KPL=/sys/kernel/debug/kprobes/list
EF=/sys/kernel/debug/tracing/enabled_functions

echo "== bad parameters"
for p in events_per_cpu=15 events_per_cpu=65537 events_per_cpu=x events_per_cpu=-1; do
	insmod $KO "$p" 2>>bad.err && { echo "$p: accepted"; rmmod scxdump; }
done
dmesg >bad.dmesg
for n in 16 65536; do
	if insmod $KO events_per_cpu=$n stall_warn_pct=0; then
		cat $DBG/status >ends-$n.status
		rmmod scxdump
	else
		echo "events_per_cpu=$n: refused"
	fi
done

echo "== 1: a known sequence of decisions"
insmod $KO stall_warn_pct=0 || exit 1
cat $DBG/status >on.status
cat $KPL >on.kprobes 2>&1
cat $EF >on.ftrace 2>&1
$SB/scxrec --wait-ms 30000 >seq.out 2>&1
echo "seq: loader status $?"
cat $DBG/dump >seq.bin
cat $DBG/status >seq.status
rmmod scxdump

echo "== 2: a stall"
insmod $KO events_per_cpu=65536 || exit 1
$SB/scxstall --wait-ms 30000 >stall.out 2>&1
echo "stall: loader status $?"
for f in $(ls $DBG/dumps); do cp $DBG/dumps/$f stall-$f.bin; done
rmmod scxdump

echo "== 3: on demand, live; rmmod while recording"
insmod $KO stall_warn_pct=0 || exit 1
$SB/scxtest --exit-after-ms 60000 >live-loader.out 2>&1 &
SCX=$!
wait_enabled 30 $SCX
churn
sleep 1
capture_to live.bin "capture"
rmmod scxdump && echo "rmmod while recording: ok"
churn_stop
kill $SCX 2>/dev/null
wait $SCX

echo "== 4: off"
insmod $KO events_per_cpu=0 stall_warn_pct=0 || exit 1
cat $DBG/status >off.status
cat $KPL >off.kprobes 2>&1
cat $EF >off.ftrace 2>&1
$SB/scxtest --fail-after 20 >off-loader.out 2>&1 &
SCX=$!
churn 200
wait $SCX
cat $DBG/dump >off.bin
rmmod scxdump
echo "== done"

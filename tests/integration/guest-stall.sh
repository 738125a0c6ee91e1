#!/bin/sh
# Runs inside the test guest (tests/integration/test-stall.sh boots it):
# scxstall starves one task until sched_ext's watchdog fails it, with the
# stall watch at its default (50% of the 4 s timeout), then again with the
# watch off; the dumps of each run are kept. Then stall_warn_pct's bounds.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
P=/sys/module/scxdump/parameters
insmod $KO || exit 1
cat $P/stall_warn_pct >pct.default

# dumps newer than capture @1, into run-$2-SEQ.bin
keep() {
	for f in $(ls $DBG/dumps); do
		[ "$(echo "$f" | sed 's/^0*//')" -gt "${1:-0}" ] && cp $DBG/dumps/$f run-$2-$f.bin
	done
}

for run in 1 2; do
	[ $run = 2 ] && echo 0 >$P/stall_warn_pct
	before=$(sed -n 's/^last_capture_seq: //p' $DBG/status)
	$SB/scxstall --wait-ms 30000 >loader-$run.out 2>&1
	echo "run $run: loader status $?, state $(cat /sys/kernel/sched_ext/state)"
	keep "$before" $run
	cat $DBG/status >status-$run.txt
done
dmesg >dmesg.runs

for v in 100 -1 x 99 0 50; do
	/bin/echo $v >$P/stall_warn_pct 2>>pct.err && echo "stall_warn_pct $v: accepted"
done
cat $P/stall_warn_pct >pct.final
rmmod scxdump
echo "== done"

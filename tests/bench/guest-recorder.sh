#!/bin/sh
# Runs inside the test guest (tests/bench/recorder.sh boots it): the event
# recorder's cost. Two processes ping-pong a byte over pipes, on the
# guest's two CPUs, under scxtest, for 2 s, with the recorder off
# (events_per_cpu=0) and at its default, alternating, 6 times each. With
# it on, an on-demand capture before and after the load says how many
# events it recorded (the CPUs' written counts).
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
cc -O2 -o pingpong $S/tests/bench/pingpong.c || exit 1
for r in 1 2 3 4 5 6; do
	for mode in off on; do
		if [ $mode = on ]; then
			insmod $KO stall_warn_pct=0 || exit 1
		else
			insmod $KO events_per_cpu=0 stall_warn_pct=0 || exit 1
		fi
		$SB/scxtest --exit-after-ms 120000 >$mode-$r.loader 2>&1 &
		SCX=$!
		wait_enabled 30 $SCX
		sleep 0.5
		[ $mode = on ] && { echo capture >$DBG/control && cat $DBG/dump >$mode-$r-a.bin; }
		timeout 30 ./pingpong 2000 >$mode-$r.out
		[ $mode = on ] && { echo capture >$DBG/control && cat $DBG/dump >$mode-$r-b.bin; }
		echo "$mode $r: $(cat $mode-$r.out)"
		kill $SCX 2>/dev/null
		wait $SCX
		rmmod scxdump
	done
done
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-strand.sh boots it):
# RUNS times, scxbound stops consuming its DSQ, so every task, including
# loops that read "status" and write "control", strands there; after 3
# more enqueues it fails (or the watchdog fails it). The capture must
# finish, sched_ext must recover the system, and the loops must go on.
# Then WARN_RUNS times stranded until the watchdog fails it, the stall
# watch's warning capture taken with every task stranded, on-demand
# captures going on beside it.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
P=/sys/module/scxdump/parameters
B=$SB/scxbound
RUNS=${STRAND_RUNS:-10}
WARN_RUNS=${STRAND_WARN_RUNS:-2}
insmod $KO embed_kernel_btf=N keep_dumps=64 || exit 1

# the loops count on tmpfs, not on the shared root (virtiofs): a hundred
# appends a second there for minutes on end is a load of its own, and
# these loops test the module's files; copied here at the end
T=/run/strand-ticks
rm -rf $T && mkdir -p $T
(while :; do cat $DBG/status >/dev/null; echo x >>$T/status.ticks; done) &
R=$!
(while :; do echo capture >$DBG/control 2>/dev/null; echo x >>$T/control.ticks; done) &
W=$!

i=1
while [ $i -le "$RUNS" ]; do
	before=$(sed -n 's/^last_capture_seq: //p' $DBG/status)
	t0=$(date +%s%N)
	timeout 120 $B --strand 3 --run-ms 300 >run-$i.out 2>&1
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "run $i: loader status $rc, $ms ms, state $(cat /sys/kernel/sched_ext/state)"
	# the loops must still make progress after the failure
	s0=$(wc -l <$T/status.ticks) c0=$(wc -l <$T/control.ticks)
	sleep 1
	echo "run $i: status reads +$(($(wc -l <$T/status.ticks) - s0)), control writes +$(($(wc -l <$T/control.ticks) - c0))"
	after=$(sed -n 's/^last_capture_seq: //p' $DBG/status)
	for f in $(ls $DBG/dumps); do
		[ "$(echo "$f" | sed 's/^0*//')" -gt "${before:-0}" ] && cp $DBG/dumps/$f strand-$i-$f.bin
	done
	echo "run $i: captures $((${before:-0} + 1))..$after"
	i=$((i + 1))
done
# Then stranded until sched_ext's watchdog (3 s) fails it: the stall watch
# (at 25%) captures every task stranded, the status loop among them, at
# 750 ms. Not at the default 50%: the
# watchdog's own work runs on a kworker that the scheduler strands too,
# and sched_ext fails a watchdog that did not check in for the timeout,
# which can come 1.5 s after the stranding (its last check just before
# it): at 1.5 s the warning raced that failure and lost it on the debug
# kernel under TCG. On-demand captures go on through the stall: the
# loader's SCHED_FIFO thread (--rt-capture), which the scheduler cannot
# strand, writes "capture" every 300 ms, so captures run in the module's
# worker (trigger.c) while every task is stranded, and the warning must
# not wait behind them (a worker that dropped below RT for a capture's
# CRC was stranded there, holding capture_lock, the checks behind it).
# The scheduler runs 1.5 s before it strands them.
kill $W
wait $W 2>/dev/null
echo 25 >/sys/module/scxdump/parameters/stall_warn_pct
w=1
while [ $w -le "$WARN_RUNS" ]; do
	before=$(sed -n 's/^last_capture_seq: //p' $DBG/status)
	timeout 120 $B --strand 1000000000 --run-ms 1500 --rt-capture $DBG/control >warn-$w.out 2>&1
	echo "warn $w: loader status $?, state $(cat /sys/kernel/sched_ext/state)"
	s0=$(wc -l <$T/status.ticks)
	sleep 1
	echo "warn $w: status reads +$(($(wc -l <$T/status.ticks) - s0))"
	for f in $(ls $DBG/dumps); do
		[ "$(echo "$f" | sed 's/^0*//')" -gt "${before:-0}" ] && cp $DBG/dumps/$f warn-$w-$f.bin
	done
	w=$((w + 1))
done
kill $R
wait $R 2>/dev/null
cp $T/*.ticks .
rmmod scxdump
echo "== done"

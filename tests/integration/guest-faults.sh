#!/bin/sh
# Runs inside the test guest (tests/integration/test-faults.sh boots it),
# on a kernel with fault injection (the debug kernel): allocations of the
# module failed on purpose, in the thread that captures and nowhere else.
#
# fail_function fails the module's allocation gate, sxd_alloc_fails()
# (module/alloc.c), with the task filter on: only a thread whose
# /proc/PID/make-it-fail is 1 sees it fail. With times 1 and space K, the
# K-th gated allocation of that thread fails, once; K runs from 1 until a
# capture makes fewer than K allocations (times is then still 1), so every
# allocation of the path is failed once, in its own capture:
#   exit       a failing scheduler's capture, in its helper kthread (there
#              the only caller: no task filter)
#   request    on-demand captures of scxbound (a task storage in the stop:
#              the table of its owners' identities too), in the module's
#              scxdump_stall kthread
#   timeline   the flight recorder's look-up of the maps it samples, at a
#              new scheduler, in the scxdump_timeline kthread
# Each run leaves NAME-K.bin (the newest dump), NAME-K.status before and
# after, NAME-K.dmesg (its kernel log), NAME-K.errs (the log's error
# lines) and NAME-K.times (0: the failure was injected). Then failslab and fail_page_alloc fail the kernel's own
# allocations made by the capturing thread, at random, over 30 on-demand
# captures. FAULT_MAX (48) bounds each sweep.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
FF=/sys/kernel/debug/fail_function
MAX=${FAULT_MAX:-48}

[ -d $FF ] || { echo "no fail_function: the kernel has no CONFIG_FAIL_FUNCTION"; exit 1; }

# inject FILTER: fail_function on the loaded module's gate (a module's
# function leaves the list when the module goes), task filter Y or N
inject() {
	echo sxd_alloc_fails >$FF/inject && echo "inject $1: ok"
	echo 1 >$FF/sxd_alloc_fails/retval
	echo "$1" >$FF/task-filter
	echo 100 >$FF/probability
	echo 1 >$FF/interval
	echo 1 >$FF/verbose
	echo 0 >$FF/times
}

# make_fail NAME [0]: the threads named NAME fail from now on (or no more)
make_fail() {
	_n=0
	for d in /proc/[0-9]*; do
		[ "$(cat $d/comm 2>/dev/null)" = "$1" ] &&
			echo "${2:-1}" >$d/make-it-fail 2>/dev/null && _n=$((_n + 1))
	done
	echo "make_fail $1 ${2:-1}: $_n" >>make_fail.log
}

# arm K: fail the K-th gated allocation of the filtered threads, once
arm() { echo "$1" >$FF/space; echo 1 >$FF/times; }

# done_run NAME K: keep what run K of NAME left; 1 when nothing was injected
done_run() {
	t=$(cat $FF/times)
	echo 0 >$FF/times
	echo "$t" >"$1-$2.times"
	cat $DBG/status >"$1-$2.status.after"
	cat $DBG/dump >"$1-$2.bin" 2>/dev/null
	dmesg >"$1-$2.dmesg"
	dmesg -l emerg,alert,crit,err >"$1-$2.errs"
	dmesg -C
	[ "$t" = 0 ]
}

echo "== exit captures"
# A disable runs in the scheduler's helper kthread, which lives as long as
# the scheduler; its /proc entry is not found reliably (the kernel names it
# sched_ext_helper): no task filter here. Nothing else of the module
# allocates meanwhile: no timeline maps to look up, the stall watch off.
insmod $KO stall_warn_pct=0 || exit 1
inject N
dmesg -C
k=1
while [ $k -le "$MAX" ]; do
	cat $DBG/status >exit-$k.status
	$SB/scxtest --fail-after 300 >exit-$k.out 2>&1 &
	SCX=$!
	wait_enabled
	arm $k
	churn 1000
	wait $SCX
	churn_stop
	done_run exit $k || break
	k=$((k + 1))
done
echo "exit: $k runs"
echo >$FF/inject
rmmod scxdump

# the stall watch's thread still runs captures on demand: its warnings off
insmod $KO stall_warn_pct=0 timeline_interval_ms=50 timeline_samples=64 \
	timeline_maps=.bss || exit 1
inject Y

echo "== on-demand captures"
# scxbound: every family of its maps, and a task storage walked in the
# stop, whose owners' identity table (task_ids.c) is allocated too
$SB/scxbound --no-fail >request.out 2>&1 &
SCX=$!
wait_enabled
make_fail scxdump_stall
k=1
while [ $k -le "$MAX" ]; do
	cat $DBG/status >request-$k.status
	arm $k
	echo capture 2>request-$k.err >$DBG/control
	# shellcheck disable=SC2320 # the echo's status: the write's
	rc=$?
	echo "rc $rc" >>request-$k.err
	done_run request $k || break
	k=$((k + 1))
done
echo "request: $k runs"
cat /sys/kernel/sched_ext/state >request.state
kill -TERM $SCX
wait $SCX

echo "== the timeline's look-up of its maps"
make_fail scxdump_stall 0
make_fail scxdump_timeline
k=1
while [ $k -le "$MAX" ]; do
	cat $DBG/status >timeline-$k.status
	arm $k
	$SB/scxtest --exit-after-ms 1500 >timeline-$k.out 2>&1 &
	SCX=$!
	wait_enabled
	sleep 0.5	# a few ticks: the first one looks the maps up
	echo capture >$DBG/control || echo "timeline $k: capture failed"
	wait $SCX
	done_run timeline $k || break
	k=$((k + 1))
done
echo "timeline: $k runs"

echo "== the last capture, nothing injected"
echo >$FF/inject
$SB/scxtest --exit-after-ms 3000 >clean.out 2>&1 &
SCX=$!
wait_enabled
sleep 0.5	# the timeline's first sample of it
capture_to clean.bin "clean capture"
wait $SCX

echo "== failslab and fail_page_alloc: the kernel's allocations, at random"
# GFP_KERNEL allocations too (ignore-gfp-wait N), only the stall thread's
make_fail scxdump_timeline 0
make_fail scxdump_stall
for a in failslab fail_page_alloc; do
	echo N >/sys/kernel/debug/$a/ignore-gfp-wait
	echo Y >/sys/kernel/debug/$a/task-filter
	echo 10 >/sys/kernel/debug/$a/probability
	echo 1 >/sys/kernel/debug/$a/interval
	echo -1 >/sys/kernel/debug/$a/times
	echo 1 >/sys/kernel/debug/$a/verbose
done
echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
$SB/scxtest --exit-after-ms 600000 >random.out 2>&1 &
SCX=$!
wait_enabled
dmesg -C
i=1
while [ $i -le 30 ]; do
	echo capture 2>>random.err >$DBG/control
	# shellcheck disable=SC2320 # the echo's status: the write's
	rc=$?
	echo "capture $i: rc $rc" >>random.log
	cat $DBG/dump >random-$i.bin 2>/dev/null
	i=$((i + 1))
done
for a in failslab fail_page_alloc; do
	echo 0 >/sys/kernel/debug/$a/probability
done
cat /sys/kernel/sched_ext/state >random.state
kill -TERM $SCX
wait $SCX
dmesg >random.dmesg
dmesg -C
rmmod scxdump && echo "rmmod: ok"
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-examples.sh boots it):
# the kernel's own example schedulers (tools/sched_ext of linux-source-7.3,
# written by the sched_ext maintainers, built by tests/sched/Makefile),
# each captured on demand while it runs, between two of its loader's stat
# lines, with the kernel's list of maps beside it (bpftool), then disabled
# by the kernel itself (sysrq-S) and captured at that exit; scx_pair, whose
# array of maps holds 4096 inner queues, once more with max_maps below
# that; scx_userland stalled by stopping its user-space half, with busy
# tasks waiting on it.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
case $(uname -r) in
7.*) [ -x $SB/scx_simple ] || echo "no example schedulers built (linux-source-7.3 not unpacked when the test schedulers were built)" >skip ;;
*) echo "the example schedulers are 7.3's (tools/sched_ext); this kernel is $(uname -r)" >skip ;;
esac
if [ -s skip ]; then
	echo "== done"
	exit 0
fi
echo 1 >/proc/sys/kernel/sysrq
insmod $KO capture_all_exits=Y keep_dumps=64 || exit 1

# lines NAME: how many lines its loader has printed so far
lines() { wc -l <"$1.out"; }
# gone PID: until PID has exited, at most 60 s
gone() {
	_n=0
	while kill -0 "$1" 2>/dev/null && [ $_n -lt 600 ]; do sleep 0.1; _n=$((_n + 1)); done
}
# wait_enabled 600 PID: scx_pair fills 4096 inner maps first, minutes
# under TCG with 8 vCPUs
# busy FILE: twice as many busy tasks as CPUs (their pids into FILE), so
# that the scheduler's queues hold some when captured
busy() {
	for _i in $(seq $((2 * $(nproc)))); do sh -c 'while :; do :; done' & echo $! >>"$1"; done
}
# example NAME: run scx_NAME, with busy tasks once it runs; NAME.pre lines
# printed before the on-demand capture, NAME.mid once it returned;
# NAME-od.bin, NAME.maps (bpftool), then NAME-exit.bin, the dump of its
# disable by sysrq-S
example() {
	_s=$1
	stdbuf -oL $SB/scx_$_s >$_s.out 2>&1 &
	_p=$!
	wait_enabled 600 $_p
	cat /sys/kernel/sched_ext/root/ops >$_s.ops
	busy $_s.busy
	sleep 2.5	# a stat line or two: the loaders print every second
	lines $_s >$_s.pre
	capture_to $_s-od.bin "$_s on demand"
	lines $_s >$_s.mid
	bpftool -j map show >$_s.maps
	[ $_s = pair ] && pair_max_maps
	sleep 2.5	# the next stat line, begun after the capture
	echo S >/proc/sysrq-trigger
	gone $_p
	kill -INT $_p 2>/dev/null
	wait $_p
	echo "$_s: exit $?"
	kill $(cat $_s.busy) 2>/dev/null
	cat $DBG/dump >$_s-exit.bin
}
# scx_pair again, on demand, with max_maps at 1000: the rest are counted
pair_max_maps() {
	echo 15 >/sys/module/scxdump/parameters/max_maps 2>/dev/null && echo "max_maps 15 taken"
	echo 1048577 >/sys/module/scxdump/parameters/max_maps 2>/dev/null && echo "max_maps 1048577 taken"
	cat /sys/module/scxdump/parameters/max_maps >pair.max_maps_kept
	echo 1000 >/sys/module/scxdump/parameters/max_maps || exit 1
	capture_to pair-max.bin "pair, max_maps 1000"
	echo 65536 >/sys/module/scxdump/parameters/max_maps || exit 1
}

for s in simple cpu0 central flatcg pair; do
	[ -x $SB/scx_$s ] || { echo "scx_$s not built" >>missing; continue; }
	echo "== $s"
	example $s
done

echo "== userland, stalled"
if [ -x $SB/scx_userland ]; then
	# RCU's kthreads starve too: its stall report (21 s) after the
	# sched_ext watchdog's (scx_userland's timeout, 30 s); set before
	# the scheduler starts, as a grace period keeps the timeout it began with
	R=/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
	rcu=$(cat $R)
	echo 60 >$R
	stdbuf -oL $SB/scx_userland >userland.out 2>&1 &
	P=$!
	wait_enabled 600 $P
	sleep 2
	# busy tasks the stopped half can no longer schedule
	busy userland.spin
	sleep 1
	kill -STOP $P
	wait_disabled 120
	kill $(cat userland.spin) 2>/dev/null
	echo "$rcu" >$R
	kill -CONT $P
	gone $P
	kill -INT $P 2>/dev/null
	wait $P
	echo "userland: exit $?"
	cat $DBG/dump >userland-exit.bin
else
	echo "scx_userland not built" >>missing
fi
rmmod scxdump
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-sub-sched.sh boots it):
# a parent scheduler and its child on a cgroup, both captured on demand;
# then the parent fails and the child is disabled with it. Every dump is
# kept. Then a parent with six children fails, twice: with the default
# pool of core state buffers and with a pool of two.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
if [ ! -x $SB/scxsub ]; then
	echo "kernel $(uname -r) has no sub-schedulers (its BTF has no struct scx_sub_attach_args): scxsub is not built for it" >skip
	echo "== done"
	exit 0
fi
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO embed_kernel_btf=N stall_warn_pct=0 || exit 1
$SB/scxsub --hold-ms 5000 >loader.out 2>&1 &
SCX=$!
n=0
until grep -q enabled loader.out || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
echo capture >$DBG/control && echo "capture: ok"
wait $SCX
echo "loader exit $?"
cat $DBG/status >status.txt
ls $DBG/dumps >kept.ls
for f in $(cat kept.ls); do
	cat $DBG/dumps/$f >sub-$f.bin
done
rmmod scxdump

# Six children failing with their parent: seven schedulers disabling at
# once, each in its own kthread. With the default core_exit_bufs (8),
# every exit dump has its core state; with core_exit_bufs=2, those beyond
# the pool say so, and none takes another's buffer.
for run in many:8 few:2; do
	name=${run%:*}
	insmod $KO embed_kernel_btf=N stall_warn_pct=0 core_exit_bufs=${run#*:} || exit 1
	$SB/scxsub --children 6 >loader-$name.out 2>&1
	echo "loader $name exit $?"
	ls $DBG/dumps >$name.ls
	for f in $(cat $name.ls); do
		cat $DBG/dumps/$f >$name-$f.bin
	done
	rmmod scxdump
done
echo "== done"

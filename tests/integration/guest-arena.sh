#!/bin/sh
# Runs inside the test guest (tests/integration/test-arena.sh boots it):
# scxarena keeps each task's state in arena slots of an sdt-style
# allocator. ARENA_LIVE children stay, ARENA_GONE exit before the captures
# (their slots freed); captured on demand, then at the planned failure,
# with a cgroup sxa made for its cgroup kptrs.
# Then, on 7.x, the kernel's own scx_sdt (tools/sched_ext), captured on
# demand while SDT_LIVE sleepers it tracks run.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
LIVE=${ARENA_LIVE:-200}
GONE=${ARENA_GONE:-40}
insmod $KO stall_warn_pct=0 || exit 1
# a cgroup of our own, whose kptr the scheduler holds (its id: the inode);
# sched_ext's cgroup_init sees only cgroups with the cpu controller
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/sxa && stat -c %i /sys/fs/cgroup/sxa >sxa.cgid

echo "== 1: on demand, then the failure"
$SB/scxarena --live "$LIVE" --gone "$GONE" --wait-file "$PWD/go" >loader.out 2>&1 &
SCX=$!
n=0
while ! grep -q '^ready' loader.out && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
# a budget the arena and the task storage fit in together (the first
# stop after a load tries every map): a task forked between the arena's
# copy and a live read of the storage would point at a slot the dump lacks
P=/sys/module/scxdump/parameters/snapshot_budget_us
budget=$(cat $P)
echo 100000 >$P
capture_to od.bin "on demand"
echo "$budget" >$P
touch go
wait $SCX
echo "loader: $?"
cp $DBG/dump exit.bin && echo "exit: ok"

rmdir /sys/fs/cgroup/sxa

echo "== 2: the kernel's scx_sdt"
case $(uname -r) in
7.*) [ -x $SB/scx_sdt ] || echo "no scx_sdt built (linux-source-7.3 not unpacked when the test schedulers were built)" >sdt.skip ;;
*) echo "scx_sdt is 7.3's (tools/sched_ext); this kernel is $(uname -r)" >sdt.skip ;;
esac
if [ ! -s sdt.skip ]; then
	$SB/scx_sdt >sdt.out 2>&1 &
	SDT=$!
	wait_enabled
	: >sdt.pids
	for i in $(seq "${SDT_LIVE:-20}"); do
		sleep 60 &
		echo $! >>sdt.pids
	done
	sleep 2
	capture_to sdt.bin "scx_sdt on demand"
	kill -INT $SDT
	wait $SDT
	echo "scx_sdt: $?"
	kill $(cat sdt.pids) 2>/dev/null
fi
echo "== done"

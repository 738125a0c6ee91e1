#!/bin/sh
# Runs inside the test guest (tests/integration/test-sub-sched.sh boots it):
# a parent scheduler and its child on a cgroup; the parent fails, the child
# is disabled with it; each dump is kept.
set -u
S=/opt/scxdump/src
DBG=/sys/kernel/debug/scxdump
insmod $S/scxdump.ko embed_kernel_btf=N || exit 1
$S/tests/sched/build/scxsub >loader.out 2>&1
echo "loader exit $?"
cat $DBG/status >status.txt
ls $DBG/dumps >kept.ls
for f in $(cat kept.ls); do
	cat $DBG/dumps/$f >sub-$f.bin
done
rmmod scxdump
echo "== done"

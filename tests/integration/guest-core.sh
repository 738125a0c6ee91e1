#!/bin/sh
# Runs inside the test guest (tests/integration/test-core.sh boots it):
# scxcore parks tasks on its two DSQs, then a SCHED_FIFO loop holds one CPU,
# and it is captured at its failure, on demand while it runs, and at a
# failure with caps small enough to cut the listings. Bad values of the
# core-state parameters are refused at load.
#
# While the RT loop spins, nothing here may wait on its CPU (on 6.12,
# which has no deadline server for sched_ext, nothing below RT runs
# there; on 7.x little does, and on the debug kernel not enough): this
# script and all it starts stay on the other CPU, the loaders write to
# /tmp, not to the virtiofs root, and the dumps go there first too. Every
# exec and open here still goes to virtiofs, whose requests complete in a
# kworker of the CPU that takes their interrupt; that interrupt is managed
# (it cannot be moved), so the loop goes to a CPU that does not take it.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
C=$SB/scxcore
T=/tmp/core
mkdir -p $T
home=0
irq=$(awk '/virtio[0-9]*-requests/ { sub(":", "", $1); print $1; exit }' /proc/interrupts)
if [ -n "$irq" ] && [ -r /proc/irq/$irq/effective_affinity_list ]; then
	home=$(sed 's/[,-].*//' /proc/irq/$irq/effective_affinity_list)
fi
rt=$((home == 0 ? 1 : 0))
echo "virtio-fs requests irq ${irq:-none} on CPU $home: the RT loop on CPU $rt"
taskset -p $((1 << home)) $$ >/dev/null || echo "cannot keep to CPU $home"

echo "== bad parameters"
for p in core_max_tasks=0 core_max_dsqs=0 core_max_queued=300000 core_budget_us=9 \
	core_dsq_tasks=x; do
	insmod $KO $p 2>>bad.err && { echo "$p: accepted"; rmmod scxdump; }
done
dmesg >bad.dmesg

# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO embed_kernel_btf=N stall_warn_pct=0 || exit 1
echo "== 1: at failure"
$C --vtime 4 --fifo 3 --rt-cpu $rt --hold-ms 600 >$T/exit.out 2>&1 || echo "exit loader failed"
cat $DBG/dump >exit.bin
cp $T/exit.out exit.out

echo "== 2: on demand"
rm -f $T/go
$C --vtime 4 --fifo 3 --rt-cpu $rt --wait-file $T/go >$T/od.out 2>&1 &
SCX=$!
n=0
until grep -q '^parked' $T/od.out || [ $n -ge 600 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
echo capture >$DBG/control && echo ok >$T/od.ok
cat $DBG/dump >$T/od.bin
: >$T/go
wait $SCX || echo "on-demand loader failed"
cat $T/od.ok 2>/dev/null | sed 's/^/on demand: /'
cp $T/od.out od.out
cp $T/od.bin od.bin
rmmod scxdump

echo "== 3: small caps"
insmod $KO embed_kernel_btf=N core_max_tasks=3 core_dsq_tasks=2 stall_warn_pct=0 || exit 1
$C --vtime 4 --fifo 3 --rt-cpu $rt --hold-ms 200 >$T/small.out 2>&1 || echo "small loader failed"
cat $DBG/dump >small.bin
cp $T/small.out small.out
rmmod scxdump
echo "== done"

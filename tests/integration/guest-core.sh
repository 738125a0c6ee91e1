#!/bin/sh
# Runs inside the test guest (tests/integration/test-core.sh boots it):
# scxcore parks tasks on its two DSQs while a SCHED_FIFO loop holds CPU 1,
# and is captured at its failure, on demand while it runs, and at a
# failure with caps small enough to cut the listings. Bad values of the
# core-state parameters are refused at load.
set -u
S=/opt/scxdump/src
KO=${SCXDUMP_KO:-$S/scxdump.ko}
SB=${SCXDUMP_SCHED:-$S/tests/sched/build}
DBG=/sys/kernel/debug/scxdump
C=$SB/scxcore

echo "== bad parameters"
for p in core_max_tasks=0 core_max_dsqs=0 core_max_queued=300000 core_budget_us=9 \
	core_dsq_tasks=x; do
	insmod $KO $p 2>>bad.err && { echo "$p: accepted"; rmmod scxdump; }
done
dmesg >bad.dmesg

insmod $KO embed_kernel_btf=N || exit 1
echo "== 1: at failure"
$C --vtime 4 --fifo 3 --rt-cpu 1 --hold-ms 600 >exit.out 2>&1 || echo "exit loader failed"
cat $DBG/dump >exit.bin

echo "== 2: on demand"
rm -f /tmp/core.go
$C --vtime 4 --fifo 3 --rt-cpu 1 --wait-file /tmp/core.go >od.out 2>&1 &
SCX=$!
n=0
until grep -q '^parked' od.out || [ $n -ge 600 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
echo capture >$DBG/control && echo "on demand: ok"
cat $DBG/dump >od.bin
touch /tmp/core.go
n=0
while kill -0 $SCX 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
if kill -0 $SCX 2>/dev/null; then
	echo "on-demand loader still running: $(cat /sys/kernel/sched_ext/state)"
	cat /proc/$SCX/stack
	echo t >/proc/sysrq-trigger
fi
wait $SCX || echo "on-demand loader failed"
rmmod scxdump

echo "== 3: small caps"
insmod $KO embed_kernel_btf=N core_max_tasks=3 core_dsq_tasks=2 || exit 1
$C --vtime 4 --fifo 3 --rt-cpu 1 --hold-ms 200 >small.out 2>&1 || echo "small loader failed"
cat $DBG/dump >small.bin
rmmod scxdump
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-dkms.sh boots it),
# after tests/kernels/dkms.sh installed the module with DKMS for this
# kernel: modprobe loads it, and it captures a failing scheduler.
set -u
S=/opt/scxdump/src
SB=${SCXDUMP_SCHED:-$S/tests/sched/build}
DBG=/sys/kernel/debug/scxdump
dkms status scxdump >dkms.status 2>&1
modinfo -n scxdump >modinfo.txt 2>&1
modprobe scxdump && echo "modprobe: ok" || echo "modprobe failed: $?"
cat $DBG/status >status.txt 2>&1
# wake-ups make enqueues: short-lived processes while the scheduler runs
(while :; do /bin/true; done) &
LOAD=$!
$SB/scxtest --fail-after 20 >loader.out 2>&1 || echo "scxtest failed: $?"
kill $LOAD 2>/dev/null
wait $LOAD 2>/dev/null
cat $DBG/dump >fail.bin
modprobe -r scxdump && echo "modprobe -r: ok" || echo "modprobe -r failed: $?"
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-lockdown.sh boots it;
# in a batch it runs last: a lockdown lasts until the next boot). The
# kernel locked down as Secure Boot locks Debian's kernels (integrity),
# with the module loaded before: control refused, a failing scheduler
# still captured, the read-only files read.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
insmod $KO stall_warn_pct=0 || exit 1
# the lockdown LSM's file is in securityfs, which the guest's init does not mount
[ -e /sys/kernel/security/lockdown ] ||
	mount -t securityfs securityfs /sys/kernel/security || echo "securityfs: not mounted"
cat /sys/kernel/security/lockdown >lockdown.before 2>&1
echo integrity >/sys/kernel/security/lockdown 2>lockdown.err || echo "lockdown: refused"
cat /sys/kernel/security/lockdown >lockdown.after 2>&1

echo "== 1: control, locked down"
$SB/scxtest --exit-after-ms 300000 >od-loader.out 2>&1 &
SCX=$!
wait_enabled
# the open of control fails before echo runs: the shell's message, in control.err
{ /bin/echo capture >$DBG/control; } 2>control.err && echo "control: accepted"
kill -TERM $SCX 2>/dev/null
wait $SCX

echo "== 2: a failing scheduler, locked down"
before=$(ls $DBG/dumps | wc -l)
$SB/scxtest --fail-after 50 >loader.out 2>&1 || echo "loader status $?"
cat $DBG/status >status.txt 2>status.err || echo "status: not read"
cat $DBG/dump >exit.bin 2>dump.err || echo "dump: not read"
ls $DBG/dumps >dumps.ls
echo "dumps: $before before, $(wc -l <dumps.ls) after"
cat $DBG/dumps/"$(tail -1 dumps.ls)" >kept.bin 2>kept.err || echo "kept: not read"
echo "== done"

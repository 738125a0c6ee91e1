#!/bin/sh
# Runs inside the test guest (tests/integration/test-first-dump.sh boots it).
# Leaves dumps and status snapshots in the current (run) directory.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
SCX=$SB/scxtest

save() { cat $DBG/dump >"$1" 2>"$1.err"; cat $DBG/status >"$1.status"; ls -ln $DBG/dump >"$1.ls"; }

echo "== 1: failing scheduler"
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO stall_warn_pct=0 || exit 1
churn 3000
$SCX --fail-after 300 || echo "scxtest failed: $?"
churn_stop
save fail.bin
$S/userspace/build/scxdump decode fail.bin >fail.guest.json || echo "guest decode failed: $?"

echo "== 2: normal exit, default parameters: no capture"
churn 3000
$SCX --exit-after-ms 1500 || echo "scxtest failed: $?"
churn_stop
cat $DBG/status >normal-default.status

echo "== 3: normal exit with capture_all_exits=Y"
echo Y >/sys/module/scxdump/parameters/capture_all_exits
churn 3000
$SCX --exit-after-ms 1500 || echo "scxtest failed: $?"
churn_stop
save normal.bin

echo "== 4: unload with a reader holding the dump open, reload, capture again"
exec 7<$DBG/dump
rmmod scxdump 2>rmmod-held.err && echo "rmmod with open reader: ok" || echo "rmmod with open reader: busy"
exec 7<&-
lsmod | grep -q '^scxdump' && rmmod scxdump
for round in 1 2; do
	insmod $KO stall_warn_pct=0 || { echo "reload $round failed"; exit 1; }
	churn 3000
	$SCX --fail-after 200 || echo "scxtest failed: $?"
	churn_stop
	save reload$round.bin
	rmmod scxdump || echo "rmmod $round failed"
done

echo "== 5: without the kernel's BTF in the dump"
insmod $KO embed_kernel_btf=N stall_warn_pct=0 || exit 1
churn 3000
$SCX --fail-after 200 || echo "scxtest failed: $?"
churn_stop
save nobtf.bin
rmmod scxdump
cat /sys/kernel/btf/vmlinux >vmlinux.btf
head -c 100000 /sys/kernel/btf/vmlinux >wrong.btf

echo "== 6: bad parameters"
insmod $KO max_dump_bytes=12 2>param.err && echo "insmod accepted max_dump_bytes=12"
insmod $KO max_dump_bytes=banana 2>>param.err && echo "insmod accepted banana"
insmod $KO capture_all_exits=perhaps 2>>param.err && echo "insmod accepted perhaps"
insmod $KO capture_all_exits stall_warn_pct=0 || exit 1
cat /sys/module/scxdump/parameters/capture_all_exits >bare-flag.value
rmmod scxdump
insmod $KO stall_warn_pct=0 || exit 1
echo 5 >/sys/module/scxdump/parameters/max_dump_bytes 2>>param.err && echo "write accepted 5"
cat /sys/module/scxdump/parameters/max_dump_bytes >param.value
rmmod scxdump
echo "== done"

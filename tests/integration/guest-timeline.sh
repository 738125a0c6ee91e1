#!/bin/sh
# Runs inside the test guest (tests/integration/test-timeline.sh boots it):
# the flight recorder. Bad values of its parameters are refused at load,
# both ends of their ranges taken. Then (1) scxstall starves its victim
# until the watchdog fails it, recorded every 100 ms with its .bss: the
# stall warning dump and the exit dump keep; (2) scxtest runs long enough
# for a ring of 64 samples every 50 ms to wrap, while arr_u64[5] is
# written 111, then 222, and an on-demand capture keeps the ring; (3) with
# the recorder off, a dump has no timeline.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh

echo "== bad parameters"
for p in timeline_interval_ms=9 timeline_interval_ms=60001 timeline_interval_ms=x \
	timeline_samples=1 timeline_samples=4097 timeline_map_bytes=7 timeline_map_bytes=65537 \
	timeline_max_dsqs=4097 timeline_maps=a,,b timeline_maps=abcdefghijklmnop \
	timeline_maps=a,b,c,d,e,f,g,h,i 'timeline_maps=bad!' timeline_maps=a,; do
	insmod $KO "$p" 2>>bad.err && { echo "$p: accepted"; rmmod scxdump; }
done
# a ring larger than the module keeps: refused, and why
insmod $KO timeline_interval_ms=10 timeline_samples=4096 timeline_map_bytes=65536 \
	timeline_maps=a,b,c,d,e,f,g,h 2>>bad.err && { echo "huge ring: accepted"; rmmod scxdump; }
dmesg >bad.dmesg
if insmod $KO timeline_interval_ms=60000 timeline_samples=2 timeline_map_bytes=8 \
	timeline_max_dsqs=0 timeline_maps=a,b,c,d,e,f,g,h; then
	cat $DBG/status >ends-high.status
	rmmod scxdump
else
	echo "ends: refused"
fi
if insmod $KO timeline_interval_ms=10 timeline_samples=4096 timeline_map_bytes=65536 \
	timeline_max_dsqs=0; then
	cat $DBG/status >ends-low.status
	rmmod scxdump
else
	echo "ends 2: refused"
fi
if insmod $KO timeline_interval_ms=10 timeline_samples=2 timeline_max_dsqs=4096; then
	cat $DBG/status >ends-dsqs.status
	rmmod scxdump
else
	echo "ends 3: refused"
fi

echo "== 1: a stall, recorded"
insmod $KO timeline_interval_ms=100 timeline_samples=256 timeline_maps=.bss,nosuch || exit 1
$SB/scxstall --wait-ms 30000 >stall.out 2>&1
echo "stall: loader status $?"
for f in $(ls $DBG/dumps); do cp $DBG/dumps/$f stall-$f.bin; done
cat $DBG/status >stall.status
rmmod scxdump

echo "== 2: the ring wraps; values written while it records"
insmod $KO timeline_interval_ms=50 timeline_samples=64 timeline_maps=arr_u64,hash_kv \
	stall_warn_pct=0 || exit 1
$SB/scxtest --exit-after-ms 60000 >wrap-loader.out 2>&1 &
SCX=$!
wait_enabled
# past 64 samples of 50 ms: the ring has wrapped
sleep 4
bpftool map update name arr_u64 key 5 0 0 0 value 111 0 0 0 0 0 0 0 && echo "write 111: ok"
sleep 0.4
bpftool map update name arr_u64 key 5 0 0 0 value 222 0 0 0 0 0 0 0 && echo "write 222: ok"
sleep 0.3
capture_to wrap.bin "capture"
cat $DBG/status >wrap.status
kill $SCX 2>/dev/null	# TERM: a background job of sh ignores SIGINT
wait $SCX
rmmod scxdump

echo "== 3: off"
insmod $KO stall_warn_pct=0 || exit 1
cat $DBG/status >off.status
$SB/scxtest --fail-after 20 >off-loader.out 2>&1 &
SCX=$!
# enqueues, so that the planned failure comes soon
n=0
while kill -0 $SCX 2>/dev/null && [ $n -lt 200 ]; do
	/bin/true
	n=$((n + 1))
done
wait $SCX
cat $DBG/dump >off.bin
rmmod scxdump
echo "== done"

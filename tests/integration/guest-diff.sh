#!/bin/sh
# Runs inside the test guest (tests/integration/test-diff.sh boots it):
# two on-demand captures of a running scxtest, with known changes made to
# its maps in between through the bpf syscall (bpftool): in hash_kv, key
# 700 deleted, key 1001 added and key 7's value rewritten; arr_u64[5]
# rewritten. Its own enqueues (bpftool's among them) move .bss's counters
# and, with BPF run-time statistics on, its programs' run counts on.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
# Capture a copies every map in the stop (consistent_snapshot=Y, a
# budget no map of scxtest's reaches), b reads them live (N): the diff
# says .in_snapshot changed for each map the stop copies.
insmod $KO stall_warn_pct=0 snapshot_budget_us=100000 consistent_snapshot=Y || exit 1
echo 1 >/proc/sys/kernel/bpf_stats_enabled	# programs' run counts

$SB/scxtest --exit-after-ms 60000 >loader.out 2>&1 &
SCX=$!
wait_enabled
sleep 1
capture_to a.bin "capture a"
# sxt_sq: u64 sq, u32 key_echo, u32 flags:3 odd:1 (little endian)
bpftool map delete name hash_kv key 0xbc 0x02 0 0 && echo "delete 700: ok"
bpftool map update name hash_kv key 0xe9 0x03 0 0 \
	value 0x40 0xe2 0x01 0 0 0 0 0  0xe9 0x03 0 0  0x0d 0 0 0 && echo "add 1001: ok"
bpftool map update name hash_kv key 7 0 0 0 \
	value 0x41 0x42 0x0f 0 0 0 0 0  1 0 0 0  0x09 0 0 0 && echo "update 7: ok"
bpftool map update name arr_u64 key 5 0 0 0 value 0x9f 0x86 0x01 0 0 0 0 0 && echo "update arr 5: ok"
echo N >/sys/module/scxdump/parameters/consistent_snapshot
capture_to b.bin "capture b"
# bpftool's own dump of maps nobody writes now, for decode --format bpftool
for m in hash_kv arr_u64 pair_hash; do
	bpftool -j map dump name $m >$m.bpftool.json && echo "bpftool $m: ok"
done
cat /sys/kernel/sched_ext/state >state.after
kill $SCX 2>/dev/null	# TERM: a background job of sh ignores SIGINT
wait $SCX
echo 0 >/proc/sys/kernel/bpf_stats_enabled
rmmod scxdump
echo "== done"

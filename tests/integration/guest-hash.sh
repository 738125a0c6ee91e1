#!/bin/sh
# Runs inside the test guest (tests/integration/test-hash.sh boots it):
# scxhash's hash tables, after their inserts, deletes, updates, batch
# delete and evictions, captured on demand inside the stop and then live
# (consistent_snapshot off). The loader leaves what bpf(2) read of them in
# hash.tsv and the keys deep in h_deep's long list in deep.txt.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
insmod $KO embed_kernel_btf=N stall_warn_pct=0 snapshot_budget_us=100000 || exit 1
$SB/scxhash >hash.out 2>&1 &
SCX=$!
n=0
until grep -q ready hash.out || [ $n -ge 600 ]; do
	kill -0 $SCX 2>/dev/null || break
	sleep 0.1
	n=$((n + 1))
done
cat hash.out
capture_to stop.bin "in the stop"
echo N >/sys/module/scxdump/parameters/consistent_snapshot
capture_to live.bin "live"
kill -TERM $SCX
wait $SCX
rmmod scxdump
echo "== done"

#!/usr/bin/env bash
# make demo: prepare everything, run the failing map-types test scheduler
# (one map of every type) in the test guest with scxdump.ko loaded, and
# print the decoded dump, then a line per map.
set -euo pipefail
. "$(dirname "$0")/guest/common.sh"
cd "$SCXDUMP_TOP"

stage host-deps tests/guest/host-deps.sh
stage guest-root tests/guest/mkroot.sh
stage guest-build tests/guest/build.sh guest-all
stage decoder-build make -s -C userspace
stage guest-run tests/guest/run.sh --name demo --timeout 600 -- '
	insmod /opt/scxdump/src/scxdump.ko || exit 1
	(i=0; while [ $i -lt 3000 ]; do /bin/true; i=$((i + 1)); done) &
	echo +cpu >/sys/fs/cgroup/cgroup.subtree_control; mkdir -p /sys/fs/cgroup/demo
	/opt/scxdump/src/tests/sched/build/scxmaps --fail-after 300
	kill $! 2>/dev/null
	cat /sys/kernel/debug/scxdump/dump >demo.bin' >&2
out=$GUEST_ROOT/opt/scxdump/runs/demo/demo.bin
userspace/build/scxdump decode --pretty "$out"
userspace/build/scxdump decode "$out" | jq -r '.maps[] | "map \(.name) (\(.type)): \(.nr_entries) entries\(if .info.records then ", \(.info.records | length) unconsumed records" else "" end)\(if .info.bits_set then ", \(.info.bits_set) bits set" else "" end)\(if .truncated then ", truncated" else "" end)"' >&2
log "dump: $out ($(stat -c %s "$out") bytes); decode it again with: userspace/build/scxdump decode $out"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-map-types.sh boots it):
# the map-types scheduler fails, once with default caps and once with low
# ones. Leaves dumps and the loader's output in the current directory.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh


# a child cgroup with the cpu controller, which sched_ext initialises too
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/sxm
# per-program run counts and times, which the dump carries when enabled
sysctl -qw kernel.bpf_stats_enabled=1
echo "== 1: every map type, default caps"
# the whole budget: this run checks which families the stop copies, and a
# cold TCG guest can spend the default 5 ms before the larger maps
# (test-bounded checks the budget itself)
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO snapshot_budget_us=100000 stall_warn_pct=0 || exit 1
churn 3000
$SB/scxmaps --fail-after 400 >loader.out 2>&1 || echo "scxmaps failed: $?"
churn_stop
cat $DBG/dump >maps.bin
rmmod scxdump

echo "== 2: low caps"
insmod $KO max_dump_bytes=1048576 max_map_bytes=4096 stall_warn_pct=0 || exit 1
churn 3000
$SB/scxmaps --fail-after 400 >loader-caps.out 2>&1 || echo "scxmaps failed: $?"
churn_stop
cat $DBG/dump >caps.bin
rmmod scxdump
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/bench/timeline.sh boots it): the
# flight recorder's cost per sample. For each shape (no map, an 8-byte
# array, 4 KiB and 64 KiB of scxsnap's 1 MiB filler array), scxsnap runs
# with the recorder sampling every 10 ms, and an on-demand capture keeps
# the samples, each with what it cost (duration_ns).
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
for cfg in none:: inv_a:inv_a:8 filler4k:filler:4096 filler64k:filler:65536; do
	name=${cfg%%:*}
	rest=${cfg#*:}
	maps=${rest%%:*}
	bytes=${rest#*:}
	insmod $KO timeline_interval_ms=10 timeline_samples=512 stall_warn_pct=0 \
		${maps:+timeline_maps=$maps timeline_map_bytes=$bytes} || exit 1
	$SB/scxsnap --no-fail --run-ms 5000 --yielders 2 >$name.out 2>&1 &
	SCX=$!
	wait_enabled
	sleep 3
	echo capture >$DBG/control && cat $DBG/dump >$name.bin && echo "$name: ok"
	wait $SCX
	rmmod scxdump
done
echo "== done"

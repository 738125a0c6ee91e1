#!/usr/bin/env bash
# make bench, the flight recorder's part: what one sample costs in the
# test guest (tests/bench/guest-timeline.sh), by the bytes of maps it
# copies, and what that is of one CPU at the intervals a user would set.
# Targets: with no map, at the shortest interval (10 ms), at most 1% of a
# CPU; with 64 KiB of maps, at 100 ms, at most 1%.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"
dec=$SCXDUMP_TOP/userspace/build/scxdump
if [ ! -x "$GUEST_ROOT/bin/sh" ]; then
	echo "timeline: not measured: no test guest (make guest)"
	exit 0
fi
"$here/../guest/build.sh" guest-all >/dev/null || { echo "timeline: the guest tree does not build"; exit 1; }
make -s -C "$SCXDUMP_TOP/userspace"
dir=$GUEST_ROOT/opt/scxdump/runs/bench-timeline
"$here/../guest/run.sh" --name bench-timeline --timeout 900 -- \
	sh "$GUEST_SRC/tests/bench/guest-timeline.sh" >/dev/null || { echo "timeline: the guest run failed"; exit 1; }
echo "timeline: the cost of one sample (TCG guest, $(cat "$dir/krel" 2>/dev/null), every 10 ms):"
declare -A mean
for name in none inv_a filler4k filler64k; do
	f=$dir/$name.bin
	if ! [ -s "$f" ]; then
		echo "  $name: no dump"
		exit 1
	fi
	read -r n bytes avg p50 p99 max < <("$dec" decode "$f" | jq -r '
		.timeline as $t | [$t.samples[].duration_ns] | sort as $d |
		[($d | length),
		 ([$t.samples[0].maps[].entries[]?] | length) as $e |
		 (if $t.maps == [] then 0 else $e * (($t.maps[0].value_size + 7) / 8 | floor) * 8 end),
		 (($d | add) / ($d | length) / 1000), ($d[($d | length) / 2 | floor] / 1000),
		 ($d[($d | length) * 99 / 100 | floor] / 1000), ($d[-1] / 1000)] | @tsv')
	mean[$name]=$avg
	printf '  %-9s %6d map bytes: %4d samples, mean %7.1f us, p50 %7.1f, p99 %7.1f, max %7.1f\n' \
		"$name" "$bytes" "$n" "$avg" "$p50" "$p99" "$max"
done
awk -v a="${mean[none]}" -v b="${mean[filler64k]}" 'BEGIN {
	printf "  per map byte: %.2f ns (64 KiB against none)\n", (b - a) * 1000 / 65536
	p = a / 10000 * 100
	printf "  no map, every 10 ms: %.3f%% of a CPU (target <= 1%%): %s\n", p, p <= 1 ? "met" : "not met"
	p = b / 100000 * 100
	printf "  64 KiB, every 100 ms: %.3f%% of a CPU (target <= 1%%): %s\n", p, p <= 1 ? "met" : "not met"
}'

#!/usr/bin/env bash
# make bench, the event recorder's part: the throughput of a
# context-switch-heavy load (tests/bench/guest-recorder.sh: two processes
# ping-ponging over pipes on two CPUs, under scxtest) with the recorder
# off and at its default size, from the same guest boot (6 runs of 2 s
# each, alternating, the sums), the events it recorded per round trip,
# and what one event costs. Target: <= 2% fewer round trips at the
# default size. The runs of one setup differ among themselves (the TCG
# guest's speed drifts): their spread is printed beside the loss, and a
# loss within that spread is said to be hidden by it, met or not.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"
dec=$SCXDUMP_TOP/userspace/build/scxdump
if [ ! -x "$GUEST_ROOT/bin/sh" ]; then
	echo "recorder: not measured: no test guest (make guest)"
	exit 0
fi
"$here/../guest/build.sh" guest-all >/dev/null || { echo "recorder: the guest tree does not build"; exit 1; }
make -s -C "$SCXDUMP_TOP/userspace"
dir=$GUEST_ROOT/opt/scxdump/runs/bench-recorder
"$here/../guest/run.sh" --name bench-recorder --timeout 900 -- \
	sh "$GUEST_SRC/tests/bench/guest-recorder.sh" >/dev/null || { echo "recorder: the guest run failed"; exit 1; }
grep -qx '== done' "$dir/out" || { echo "recorder: the guest script did not finish"; exit 1; }
declare -A rt ms
: >"$dir/runs.txt"
ev=0 rt_on_counted=0 per_cpu=0
for mode in off on; do
	rt[$mode]=0 ms[$mode]=0
	for r in 1 2 3 4 5 6; do
		read -r _ n _ t <"$dir/$mode-$r.out"
		echo "$mode $n $t" >>"$dir/runs.txt"
		rt[$mode]=$((rt[$mode] + n))
		ms[$mode]=$(awk -v a="${ms[$mode]}" -v b="$t" 'BEGIN { print a + b }')
		if [ "$mode" = on ]; then
			# the events the two captures saw written in between
			a=$("$dec" decode "$dir/on-$r-a.bin" | jq '[.events_info.cpus[].written] | add')
			b=$("$dec" decode "$dir/on-$r-b.bin" | jq '[.events_info.cpus[].written] | add')
			per_cpu=$("$dec" decode "$dir/on-$r-b.bin" | jq '.events_info.per_cpu')
			ev=$((ev + b - a))
			rt_on_counted=$((rt_on_counted + n))
		fi
	done
done
echo "recorder: a ping-pong over pipes on 2 CPUs under scxtest (TCG guest, $(cat "$dir/krel" 2>/dev/null)), 6 x 2 s each way, alternating:"
# each run's round trips/s, and the spread of each setup's runs: (slowest
# to fastest) / their mean; the widest spread last, alone on its line
spread=$(awk '{ r = $2 / $3 * 1000; l[$1] = l[$1] sprintf(" %.0f", r); s[$1] += r; n[$1]++
	if (!($1 in lo) || r < lo[$1]) lo[$1] = r; if (!($1 in hi) || r > hi[$1]) hi[$1] = r }
	END { x = 0; for (m in l) { v = (hi[m] - lo[m]) / (s[m] / n[m]) * 100; if (v > x) x = v
		printf "  %-3s runs (round trips/s):%s; spread %.0f%% of their mean\n", m, l[m], v }
	print x }' "$dir/runs.txt")
sed '$d' <<<"$spread" | sort
noise=$(tail -1 <<<"$spread")
awk -v ro="${rt[off]}" -v mo="${ms[off]}" -v rn="${rt[on]}" -v mn="${ms[on]}" \
	-v ev="$ev" -v rc="$rt_on_counted" -v pc="$per_cpu" -v noise="$noise" 'BEGIN {
	so = ro / mo * 1000; sn = rn / mn * 1000
	loss = (1 - sn / so) * 100
	epr = rc > 0 ? ev / rc : 0
	printf "  off: %.0f round trips/s; on (%d events per CPU): %.0f round trips/s: %.2f%% fewer (target <= 2%%): %s%s\n",
		so, pc, sn, loss, (loss <= 2 ? "met" : "not met"),
		(noise > 2 ? sprintf("; the runs of one setup spread over %.0f%%, more than the target: this guest cannot tell 2%%", noise) : "")
	if (epr > 0)
		printf "  %.1f events per round trip; per event: %.0f ns of the round trip (TCG)\n",
			epr, (1e9 / sn - 1e9 / so) / epr
	printf "  ring memory: %d events x 64 bytes = %d KiB per CPU\n", pc, pc * 64 / 1024
}'

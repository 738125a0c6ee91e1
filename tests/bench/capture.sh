#!/usr/bin/env bash
# make bench, the capture's part: boots the test guest with BENCH_CPUS
# vCPUs (default 4) and runs tests/bench/guest-capture.sh, then prints,
# from that one run, each figure beside its physical limit or its rival,
# as a ratio with both raw figures and, where the target is set, met or
# not met:
# - capture throughput per map family against an in-guest memcpy of the
#   same bytes (targets: >= 0.5x for the array and the arena, >= 0.2x for
#   the hashes and task storage);
# - the time the consistent snapshot held the CPUs against the memcpy
#   time of the bytes it wrote meanwhile (target <= 2x), at 1, 2 and all
#   vCPUs, with the whole stop_machine() call beside it (the held time
#   plus the CPUs' meeting: under one-thread TCG each vCPU waits its turn
#   on the host thread, so that part grows with the vCPUs and the load);
#   both from 3 captures, each against a memcpy measured right after it
#   (the guest's speed drifts), the best ratio;
# - capture + read + decode of a 100k-entry hash against bpftool -j map
#   dump of it (target >= 10x faster), the quickest of 3 rounds each;
# - the dump's size against the payload captured;
# - scaling: the hash's capture and decode at 10k, 100k and 1M entries.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"
dec=$SCXDUMP_TOP/userspace/build/scxdump
if [ ! -x "$GUEST_ROOT/bin/sh" ]; then
	echo "capture: not measured: no test guest (make guest)"
	exit 0
fi
"$here/../guest/build.sh" guest-all >/dev/null || { echo "capture: the guest tree does not build"; exit 1; }
make -s -C "$SCXDUMP_TOP/userspace"
dir=$GUEST_ROOT/opt/scxdump/runs/bench-capture
mkdir -p "${dir%/*}"
SCXDUMP_GUEST_CPUS=${BENCH_CPUS:-4} SCXDUMP_GUEST_MEM=${BENCH_MEM:-4G} \
	"$here/../guest/run.sh" --name bench-capture --timeout 1800 -- \
	sh "$GUEST_SRC/tests/bench/guest-capture.sh" >"$dir.log" 2>&1 ||
	{ tail -20 "$dir.log"; echo "capture: the guest run failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
max=$(cat "$dir/max_cpus")
# what the bench reads of a dump: every map but its entries, the snapshot
meta() {
	"$dec" decode "$1" | jq -c '{snapshot: .capture.snapshot,
		maps: [.maps[] | del(.entries) | {name, nr_entries, dump_bytes, capture_ns,
			key_size, value_size, in_snapshot, snapshot_copy, info}]}'
}
for f in fam fam-b fam-c fam-1 fam-1-b fam-1-c "fam-$max" "fam-$max-b" "fam-$max-c" \
	hash-10000 hash-100000 hash-1000000 snap-N snap-N-b snap-N-c snap-Y snap-Y-b snap-Y-c; do
	[ -s "$dir/$f.bin" ] && meta "$dir/$f.bin" >"$tmp/$f.json"
done
# memcpy MB/s of a byte count, measured right after capture NAME
# (memcpy-NAME.tsv: bytes, MB/s), of the nearest count measured: a capture
# may hold a few more or fewer task storage values than the one the sizes
# came from
mc() {	# mc NAME BYTES
	awk -v b="$2" '{ d = $1 > b ? $1 - b : b - $1 } NR == 1 || d < best { best = d; r = $2 }
		END { print r + 0 }' "$dir/memcpy-$1.tsv"
}
tm() { awk -v n="$1" '$1 == n { print $2; exit }' "$dir/times.tsv"; }
# the quickest of NAME's rounds (NAME, NAME-b, NAME-c), and all of them in s
tm_min() {
	awk -v n="$1" '$1 == n || $1 == n "-b" || $1 == n "-c" {
		if (m == "" || $2 < m) m = $2; all = all sep sprintf("%.2f", $2 / 1e9); sep = "/" }
		END { print m, all }' "$dir/times.tsv"
}
ratio() {	# LABEL OURS_MBS LIMIT_MBS TARGET: one line, ours / limit >= target
	awk -v l="$1" -v a="$2" -v b="$3" -v t="$4" -v x="$5" 'BEGIN {
		r = b > 0 ? a / b : 0
		printf "  %-28s %9.1f MB/s vs memcpy %7.1f MB/s = %5.2fx (target >= %.1fx): %s%s\n",
			l, a, b, r, t, (r >= t ? "met" : "not met"), x
	}'
}

echo "capture ($(cat "$dir/krel"), TCG guest (one host thread for all vCPUs, $(nproc) host CPUs), on demand; one run, $(date -u +%F)):"
echo " throughput per family (2 vCPUs online; of 3 captures, each against a memcpy measured right after it, the best ratio), capture vs in-guest memcpy of the same bytes:"
for m in b_array:array:0.5 arena:arena:0.5 b_hash:hash:0.2 b_pcpu:percpu_hash:0.2 b_task:task_storage:0.2; do
	IFS=: read -r name fam target <<<"$m"
	best= bestr=-1
	for f in fam fam-b fam-c; do
		read -r bytes ns n < <(jq -r --arg n "$name" '.maps[] | select(.name == $n) |
			"\(.dump_bytes) \(.capture_ns) \(.nr_entries)"' "$tmp/$f.json")
		ours=$(awk -v b="$bytes" -v t="$ns" 'BEGIN { print b / t * 1e3 }')
		lim=$(mc "$f" "$bytes")
		r=$(awk -v a="$ours" -v b="$lim" 'BEGIN { print (b > 0 ? a / b : 0) }')
		if awk -v a="$r" -v b="$bestr" 'BEGIN { exit !(a > b) }'; then
			bestr=$r best="$bytes $ns $n $ours $lim"
		fi
	done
	read -r bytes ns n ours lim <<<"$best"
	# a hash copied flat is read from its copy after the stop: its in-stop
	# rate is the flat copy's line below
	flat=$(jq -r --arg n "$name" '.maps[] | select(.name == $n) | .snapshot_copy' "$tmp/fam.json")
	if [ "$flat" = flat ]; then
		awk -v l="$fam ($n entries, $((bytes / 1000)) kB)" -v a="$ours" -v b="$lim" -v t="$ns" 'BEGIN {
			printf "  %-28s %9.1f MB/s vs memcpy %7.1f MB/s = %5.2fx: read from its flat copy after the stop (its copy in the stop: below), %.1f ms\n",
				l, a, b, (b > 0 ? a / b : 0), t / 1e6 }'
		continue
	fi
	# task storage: its owners named in the stop from the identities taken
	# before it (task_ids.c), or read from each task
	owners=$(jq -r --arg n "$name" '.maps[] | select(.name == $n and .info.kind == "owners") |
		", owners from the table \(.info.from_table) (read \(.info.from_task)), table of \(.info.table_tasks) tasks built in \(.info.table_ns / 1e6 * 1000 | round / 1000) ms"' "$tmp/fam.json")
	ratio "$fam ($n entries, $((bytes / 1000)) kB)" "$ours" "$lim" "$target" \
		"$(awk -v t="$ns" 'BEGIN { printf ", %.1f ms", t / 1e6 }')$owners"
done
echo " CPUs held by the consistent snapshot vs the memcpy time of the bytes it held (written, and copied flat; of 3 captures at each count, each against a memcpy measured right after it, the best ratio):"
for n in $(printf '%s\n' 1 2 "$max" | sort -nu); do
	f=fam-$n
	[ "$n" = 2 ] && f=fam
	[ -s "$tmp/$f.json" ] || continue
	for c in "$f" "$f-b" "$f-c"; do
		read -r held bytes nmaps stop < <(jq -r '.snapshot |
			"\(.held_ns) \(.held_bytes // .copied_bytes) \(.nr_maps) \(.stop_ns)"' "$tmp/$c.json")
		echo "$held $bytes $nmaps $(mc "$c" "$bytes") $stop"
	done | awk -v n="$n" '{
		c = $2 / $4 / 1e3; x = c > 0 ? $1 / 1e6 / c : 1e9
		if (NR == 1 || x < bx) { bx = x; h = $1; b = $2; m = $3; bc = c; s = $5 }
	} END {
		printf "  %d vCPUs: held %8.2f ms for %d maps, %6.1f MB; memcpy %7.2f ms = %5.2fx (target <= 2x): %s; the whole stop_machine() call %.2f ms\n",
			n, h / 1e6, m, b / 1e6, bc, bx, bx <= 2 ? "met" : "not met", s / 1e6
	}'
done
# the flat copy's rate in the stop, from its map info (bytes, the ns it held the CPUs)
read -r fb fns < <(jq -r '.maps[] | select(.name == "b_hash") | "\(.info.bytes // 0) \(.info.stop_ns // 0)"' "$tmp/fam.json")
if [ "${fb:-0}" -gt 0 ] && [ "${fns:-0}" -gt 0 ]; then
	ratio "hash flat copy ($((fb / 1000)) kB, in the stop)" \
		"$(awk -v b="$fb" -v t="$fns" 'BEGIN { print b / t * 1e3 }')" "$(mc fam "$fb")" 0.5 \
		"$(awk -v t="$fns" 'BEGIN { printf ", %.1f ms", t / 1e6 }')"
else
	echo "  hash flat copy: not copied flat in the families' captures"
fi
echo " the consistent snapshot at the default 5 ms budget: a 100k-entry hash, a 32 MiB array, a 16 MiB arena (3 captures each way; before: snapshot_flat_copy=N, the hash walked in the stop; after: Y):"
for fc in N Y; do
	for c in snap-$fc snap-$fc-b snap-$fc-c; do
		[ -s "$tmp/$c.json" ] || continue
		jq -r '[.snapshot.held_bytes // .snapshot.copied_bytes, .snapshot.held_ns, .snapshot.nr_maps,
			([.maps[] | select(.name == "b_hash")][0].in_snapshot),
			([.maps[] | select(.in_snapshot) | .name] | join(","))] | @tsv' "$tmp/$c.json"
	done | awk -F'\t' -v w="$([ $fc = N ] && echo before || echo after)" '{
		n++; hin += ($4 == "true"); if ($1 > b) { b = $1; h = $2; m = $3; names = $5 }
	} END {
		printf "  %-6s held %6.1f MB at most (%d maps: %s), %.2f ms; the hash inside in %d of %d captures\n",
			w, b / 1e6, m, names, h / 1e6, hin, n
	}'
done
# the flat copy's bytes, from the first of the 3 captures that made one
fbytes=$(for c in snap-Y snap-Y-b snap-Y-c; do
	jq -r '[.maps[] | select(.name == "b_hash")][0].info.bytes // 0' "$tmp/$c.json" 2>/dev/null
done | awk '$1 > 0 { print; exit }')
inside=$(for c in snap-Y snap-Y-b snap-Y-c; do jq -r '[.maps[] | select(.name == "b_hash")][0].in_snapshot' "$tmp/$c.json"; done | grep -c true)
if [ "${fbytes:-0}" -gt 0 ]; then
	m=$(awk -v b="$fbytes" '$1 == b { print $2; exit }' "$dir/memcpy-snap-Y.tsv")
	awk -v b="$fbytes" -v m="$m" -v i="$inside" 'BEGIN {
		t = m > 0 ? b / m / 1e3 : 1e9; fits = t <= 5
		printf "  the hash'\''s flat copy: %.1f MB, %.2f ms at in-guest memcpy speed (%.0f MB/s): %s the 5 ms budget; inside in %d of 3 (target: inside whenever it fits): %s\n",
			b / 1e6, t, m, fits ? "fits" : "does not fit", i, (!fits || i == 3) ? "met" : "not met"
	}'
else
	echo "  the hash was not copied flat in any of the 3 captures with snapshot_flat_copy=Y: not met"
fi
echo " capture + read + decode of a 100k-entry hash vs bpftool -j map dump of it (in the guest, the module's default 5 ms stop budget; the quickest of 3 rounds each):"
read -r w wall < <(tm_min pipeline-walk-100000)
read -r a aall < <(tm_min pipeline-100000)
read -r b ball < <(tm_min bpftool-100000)
awk -v w="$w" -v a="$a" -v b="$b" -v wall="$wall" -v aall="$aall" -v ball="$ball" 'BEGIN {
	r = a > 0 ? b / a : 0; rw = w > 0 ? b / w : 0
	printf "  before (walked in the stop): scxdump %.2f s (%s), %.1fx faster than bpftool\n", w / 1e9, wall, rw
	printf "  after (copied flat): scxdump %.2f s (%s), bpftool %.2f s (%s): %.1fx faster (target >= 10x): %s\n",
		a / 1e9, aall, b / 1e9, ball, r, (r >= 10 ? "met" : "not met")
}'
# both read the same map: the same keys and values, each key's value as scxbench wrote it
if ! cmp -s "$dir/pipe.keys" "$dir/bpftool.keys" ||
	! jq -e 'length == 100000 and all(.[]; .[1] == .[0] and .[2] == .[0] * 3)' \
		"$dir/pipe.keys" >/dev/null; then
	echo "  error: scxdump's and bpftool's 100k entries differ, or are not scxbench's"
	exit 1
fi
size=$(stat -c %s "$dir/fam.bin")
payload=$(jq '[.maps[] | .nr_entries * (.key_size + .value_size)] | add' "$tmp/fam.json")
awk -v s="$size" -v p="$payload" 'BEGIN {
	printf " dump size vs payload (keys + values, per-CPU values once): %.1f MB / %.1f MB = %.2fx\n",
		s / 1e6, p / 1e6, s / p
}'
for p in fam hash-100000; do
	echo " where a capture of $p spends its time (perf in the guest, every CPU, idle left out):"
	head -12 "$dir/$p.profile" | sed 's/^ */  /'
done
echo " scaling of a hash (u32 -> 32 bytes): capture in the guest, decode --map on this host:"
for n in 10000 100000 1000000; do
	f=$dir/hash-$n.bin
	[ -s "$f" ] || continue
	ns=$(jq -r '.maps[] | select(.name == "b_hash") | .capture_ns' "$tmp/hash-$n.json")
	# to the nanosecond: /usr/bin/time's 10 ms said 0 for the 10k hash
	t0=$(date +%s%N)
	"$dec" decode --map b_hash "$f" | wc -c >"$tmp/j"
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')
	awk -v n="$n" -v c="$ns" -v d="$secs" -v j="$(cat "$tmp/j")" 'BEGIN {
		printf "  %7d entries: capture %8.2f ms (%6.0f ns/entry), decode %6.3f s (%5.0f ns/entry, %5.1f MB JSON)\n",
			n, c / 1e6, c / n, d, d * 1e9 / n, j / 1e6
	}'
done

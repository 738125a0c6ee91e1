#!/usr/bin/env bash
# Hash tables in every state the kernel keeps their elements in: each map
# of scxhash's, captured inside the stop and live, holds exactly the
# entries bpf(2) read of it (hash.tsv): no element left out, none twice,
# none that was deleted, evicted or is a free or spare element, each with
# the value the loader wrote (per-CPU values on every CPU); a 6-byte key
# and a 20-byte value come out whole. h_deep's bucket 0 holds a list
# longer than the module's element scan follows back: read live, the keys
# deep in it (deep.txt) come out last, from the bucket walk that completes
# the scan, in list order; in the stop, the preallocated hashes are copied
# flat and every list is read from the copy, the deep keys among them.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script hash
t_eq "the loader filled its maps" "1" "$(grep -c 'scxhash: ready' "$dir/out")"
sort "$dir/hash.tsv" >"$dir/expected"
for m in h_deep h_churn h_odd h_pcpu h_lru h_lru_pcpu h_sparse h_noprealloc; do
	t_check "bpf(2) read entries of $m" test "$(grep -c "^$m " "$dir/expected")" -gt 0
done
for run in stop live; do
	"$DEC" decode "$dir/$run.bin" >"$dir/$run.json" || t_fail "$run: decode"
	# each entry as the loader printed it: MAP KEY [CPU] VALUE...
	jq -r '.maps[] | select(.name | startswith("h_")) | .name as $m |
		if $m == "h_odd" then .entries[] |
			"h_odd \(.key.a),\(.key.b),\(.key.c) \(.value.x | map(tostring) | join(","))"
		elif .type | test("percpu") then .entries[] | .key as $k |
			.values | to_entries[] | "\($m) \($k) \(.key) \(.value.key) \(.value.gen) \(.value.magic)"
		else .entries[] | "\($m) \(.key) \(.value.key) \(.value.gen) \(.value.magic)" end' \
		"$dir/$run.json" | sort >"$dir/$run.got"
	t_eq "$run: every map's entries are the ones bpf(2) read, each once" "" \
		"$(diff "$dir/expected" "$dir/$run.got" | head -8)"
	t_jq "$run: no map cut or left out" "$dir/$run.json" \
		'[.maps[] | select(.name | startswith("h_"))] | length == 8 and
		 all(.[]; .nr_omitted == 0 and .truncated == false and .status == "ok")'
	if [ $run = live ]; then
		t_eq "$run: h_deep's keys deep in its bucket come last, in list order" \
			"$(tr '\n' ' ' <"$dir/deep.txt")" \
			"$(jq -r --argjson n "$(wc -l <"$dir/deep.txt")" \
				'.maps[] | select(.name == "h_deep") | .entries[-$n:][] | .key' \
				"$dir/$run.json" | tr '\n' ' ')"
	else
		# copied flat: every list read from the copy, however long
		t_eq "$run: h_deep copied flat, the keys deep in its bucket among its entries" \
			"flat $(wc -l <"$dir/deep.txt")" \
			"$(jq -r --slurpfile d <(jq -R 'tonumber' "$dir/deep.txt") \
				'.maps[] | select(.name == "h_deep") | "\(.snapshot_copy) \([.entries[].key] as $k | [$d[] | select(. as $x | $k | index($x))] | length)"' \
				"$dir/$run.json")"
	fi
done
t_check "deep.txt names keys deep in a list" test "$(wc -l <"$dir/deep.txt")" -ge 10
t_jq "stop: every hash copied inside the stop" "$dir/stop.json" \
	'.capture.snapshot.consistent and
	 all(.maps[] | select(.name | startswith("h_")); .in_snapshot)'
t_jq "live: read live" "$dir/live.json" \
	'all(.maps[] | select(.name | startswith("h_")); .in_snapshot | not)'
t_guest_log_clean
t_done

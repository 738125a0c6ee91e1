#!/usr/bin/env bash
# scxdump diff on two on-demand captures of one running scheduler, with
# changes the test made to its maps in between (tests/integration/
# guest-diff.sh): each shows up as itself, by key and BTF path, with old,
# new and delta; nothing that did not change does; a dump against itself
# has no change.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script diff
for s in "capture a" "delete 700" "add 1001" "update 7" "update arr 5" "capture b"; do
	t_check "guest: $s" grep -qx "$s: ok" "$dir/out"
done
t_check "the scheduler kept running through both captures" grep -qx enabled "$dir/state.after"

j=$dir/diff.json
"$DEC" diff "$dir/a.bin" "$dir/b.bin" >"$j"
t_eq "diff exits 0" 0 $?
"$DEC" decode "$dir/a.bin" >"$dir/a.json" && "$DEC" decode "$dir/b.bin" >"$dir/b.json"
t_jq "a and b: the two captures, in order, of scxdump_test" "$j" \
	'.a.capture_seq == 1 and .b.capture_seq == 2 and .a.trigger == "request" and .b.trigger == "request" and .a.scheduler == "scxdump_test" and .b.scheduler == "scxdump_test"'
kv='.maps[] | select(.name == "hash_kv")'
# Whether a map was read inside the stop is the capture's, not the
# scheduler's: a was taken with consistent_snapshot=Y and a 100 ms
# budget, b with N (guest-diff.sh), so .in_snapshot changes in every map
# the stop copies; the checks of what the test wrote look past it.
content='select(.path != ".in_snapshot")'
t_jq "hash_kv: 1 added, 1 removed, 1 changed, the other 98 the same" "$j" \
	"$kv | .entries == {added: 1, removed: 1, changed: 1, same: 98}"
t_jq "hash_kv: key 700 removed, with its old value" "$j" \
	"[$kv | .changes[] | select(.path == \".entries[key=700]\")] == [{path: \".entries[key=700]\", old: {key: 700, value: {sq: 10000, key_echo: 100, flags: 4, odd: 0}, key_hex: \"bc020000\", value_hex: \"10270000000000006400000004000000\"}, new: null}]"
t_jq "hash_kv: key 1001 added, its value rendered through BTF" "$j" \
	"[$kv | .changes[] | select(.path == \".entries[key=1001]\") | .old == null and .new.value == {sq: 123456, key_echo: 1001, flags: 5, odd: 1}] == [true]"
t_jq "hash_kv: key 7, only .value.sq changed: 1 -> 1000001, delta 1000000" "$j" \
	"[$kv | .changes[] | select(.path | startswith(\".entries[key=7]\"))] == [{path: \".entries[key=7].value.sq\", old: 1, new: 1000001, delta: 1000000}]"
t_jq "hash_kv: no other change" "$j" "[$kv | .changes[] | $content] | length == 3"
t_jq "arr_u64: [5] 22161 -> 99999 (delta 77838), nothing else" "$j" \
	"[.maps[] | select(.name == \"arr_u64\") | .changes[] | $content]"' == [{path: ".entries[key=5].value", old: 22161, new: 99999, delta: 77838}]'
old=$(jq '.maps[] | select(.name == "scxtest_.bss") | .entries[0].value.nr_enqueued' "$dir/a.json")
new=$(jq '.maps[] | select(.name == "scxtest_.bss") | .entries[0].value.nr_enqueued' "$dir/b.json")
t_jq ".bss nr_enqueued: $old -> $new, as the two decodes say, delta the difference" "$j" \
	"[.maps[] | select(.name == \"scxtest_.bss\") | .changes[] | select(.path == \".entries[key=0].value.nr_enqueued\")] == [{path: \".entries[key=0].value.nr_enqueued\", old: $old, new: $new, delta: $((new - old))}] and $new > $old"
t_jq "maps nobody wrote: no change (.rodata, pair_hash, sxt_ops)" "$j" \
	"[.maps[] | select(.name == \"scxtest_.rodata\" or .name == \"pair_hash\" or .name == \"sxt_ops\") | [.changes[] | $content] | length] == [0, 0, 0]"
# the scheduler's own count, as its loader printed it when stopped (after
# both captures): the two captures' counts are at most that, and the first
# below the second
final=$(sed -n 's/^scxtest: state .* enqueues \([0-9]*\)$/\1/p' "$dir/loader.out" | tail -1)
t_check ".bss nr_enqueued: 0 < $old < $new <= ${final:-none}, the count the loader printed once both captures were taken" \
	test -n "$final" -a "${old:-0}" -gt 0 -a "${old:-0}" -lt "${new:-0}" -a "${new:-0}" -le "${final:-0}"
# what the parameters make of .in_snapshot: in a, every map but the
# struct_ops one (sched_ext reads it as it runs: always live); in b, none
t_jq "a (consistent_snapshot=Y): every map in the stop but the struct_ops one" "$dir/a.json" \
	'(.maps | length) >= 5 and all(.maps[]; .in_snapshot == (.type != "struct_ops"))'
t_jq "b (consistent_snapshot=N): no map in a stop" "$dir/b.json" \
	'(.maps | length) >= 5 and all(.maps[]; .in_snapshot == false)'
copied=$(jq -c '[.maps[] | select(.type != "struct_ops") | .name] | sort' "$dir/a.json")
t_jq ".in_snapshot: true -> false in each of a's $(jq length <<<"$copied") copied maps, and nowhere else" "$j" "
	([.maps[] | select(any(.changes[]; .path == \".in_snapshot\")) | .name] | sort) == $copied and
	all(.maps[].changes[] | select(.path == \".in_snapshot\"); .old == true and .new == false)"
t_jq "the programs' run counts moved too (a scheduler by id on 7.x, by name on 6.12)" "$j" \
	'[.schedulers[] | select(.path | test("^\\.schedulers\\[(id=[0-9]+|name=\"scxdump_test\")\\]\\.programs\\[id=[0-9]+\\]\\.run_cnt$")) | .delta > 0] | length > 0 and all'
t_jq "every change has a path, and old or new" "$j" \
	'[.schedulers[], .errors[], .absent[], (.maps[].changes[])] | all(has("path") and (.old != null or .new != null))'

t_jq "diff of a dump with itself: no change" <("$DEC" diff "$dir/a.bin" "$dir/a.bin") '.nr_changes == 0'
"$DEC" diff --text "$dir/a.bin" "$dir/b.bin" >"$dir/diff.txt"
t_check "text: the changed field with old, new and delta" \
	grep -qxF '  .entries[key=7].value.sq: 1 -> 1000001 (+1000000)' "$dir/diff.txt"
t_check "text: hash_kv's entry counts" \
	grep -qxF '  entries: 1 added, 1 removed, 1 changed, 98 same' "$dir/diff.txt"
t_check "text: the removed key" grep -qF '  .entries[key=700]: {"key":700' "$dir/diff.txt"
"$DEC" diff "$dir/a.bin" 2>"$dir/usage.err"
t_eq "diff with one file: usage error (status 1)" 1 $?
t_check "... saying so" grep -q "diff takes exactly two FILEs" "$dir/usage.err"
head -c 4096 "$dir/b.bin" >"$dir/b-cut.part"
"$DEC" diff "$dir/a.bin" "$dir/b-cut.part" >/dev/null 2>"$dir/cut.err"
t_eq "diff with a truncated B: status 2" 2 $?
t_check "... naming it" grep -q "b-cut.part: truncated" "$dir/cut.err"
# decode --format bpftool: the shape and values bpftool gives for the same live map
for m in hash_kv arr_u64 pair_hash; do
	"$DEC" decode --format bpftool --map $m "$dir/b.bin" >"$dir/$m.ours.json"
	t_check "--format bpftool: $m as bpftool -j map dump prints it (bytes and formatted, by key)" \
		bash -c "jq -e 'length > 0' '$dir/$m.bpftool.json' >/dev/null &&
			cmp -s <(jq -S 'sort_by(.key)' '$dir/$m.ours.json') <(jq -S 'sort_by(.key)' '$dir/$m.bpftool.json')"
done
t_jq "--format bpftool: hash_kv's key 1001 as bpftool added it, formatted through BTF" "$dir/hash_kv.ours.json" \
	'[.[] | select(.formatted.key == 1001)] | length == 1 and .[0].key == ["0xe9", "0x03", "0x00", "0x00"] and .[0].formatted.value.sq == 123456'
t_guest_log_clean
t_done

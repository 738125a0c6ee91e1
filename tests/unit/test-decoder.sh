#!/usr/bin/env bash
# The decoder on synthetic dumps (tests/unit/mkdump.c): every record kind
# and BTF rendering case, the commands and options, and every kind of bad
# input. Runs on the host with the ASan/UBSan build; no guest needed.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$MK" "$tmp/good.bin" || { t_fail "mkdump runs"; t_done; exit 1; }
"$DEC" decode "$tmp/good.bin" >"$tmp/good.json" 2>"$tmp/err"
t_eq "decode exits 0 on a good dump" 0 $?
j=$tmp/good.json

t_jq "capture header" "$j" '.format_version == 1 and .capture.kernel_release == "7.3.4-test" and .capture.nr_cpu_ids == 4 and .capture.nr_online_cpus == 3 and .capture.capture_seq == 7'
t_jq "capture time as UTC text" "$j" '.capture.time == "2026-11-24T23:00:33.816467Z"'
t_jq "end record: duration, omissions, truncated flag" "$j" '.capture.duration_ns == 4955297 and .capture.bytes_omitted == 4096 and .capture.records_omitted == 2 and .capture.truncated == true'
t_jq "scheduler and exit info" "$j" '.schedulers[0] | .name == "synthetic" and .exit.kind == 1025 and .exit.kind_name == "SCX_EXIT_ERROR_BPF" and .exit.exit_code == -3 and .exit.exit_cpu == 2'
t_jq "ops flags and timeout" "$j" '.schedulers[0].ops == {flags: 68, timeout_ms: 5000}'
t_jq "snapshot: mode, CPUs held and for how long, its budget; no flat copy, the map it walked" "$j" '.capture.snapshot == {consistent: true, mode: "stop_machine", nr_maps: 1, nr_cpus_held: 3, held_ns: 1234567, stop_ns: 2000000, reserved_bytes: 1048576, budget_ns: 5000000, budget_exhausted: true, redone: false, first_held_ns: 0, nr_maps_live: 2, copied_bytes: 98765, flat_bytes: 0, held_bytes: 98765, plan_ns: 0, nr_maps_flat: 0, nr_maps_unplanned: 0, copy_ps_per_byte: 0, maps: [{name: "vals", map_index: 0, copy: "walk", dump_bytes: 160}]}'
t_jq "each map's capture time (MAP_END's duration)" "$j" '[.maps[] | .capture_ns] == ([.maps[] | .index * 1000 + 7])'
t_jq "how exact nr_omitted is" "$j" '[.maps[] | {(.name): .nr_omitted_is}] | add | .raw_hash == "estimate" and .vals == "exact"'
t_jq "snapshot: which maps it holds" "$j" '([.maps[] | select(.in_snapshot) | .name] == ["vals"]) and ([.maps[] | .in_snapshot | type] | unique == ["boolean"])'
t_jq "snapshot: how it copied each map, null for the maps it did not" "$j" '[.maps[] | {(.name): .snapshot_copy}] | add | .vals == "walk" and ([del(.vals)[]] | unique == [null]) and length == 18'
# --flat: the stop copied vals flat and walked synth.data; raw_hash was read
# live; of the two maps read live, one the plan left out
"$MK" --flat "$tmp/flat.bin" && "$DEC" decode "$tmp/flat.bin" >"$tmp/flat.json"
t_eq "flat copies: decode exits 0" 0 $?
t_jq "flat copies: the record's new fields, held_bytes = copied_bytes + flat_bytes, the stop done again after 5.1 ms" "$tmp/flat.json" \
	'.capture.snapshot | del(.maps) == {consistent: true, mode: "stop_machine", nr_maps: 2, nr_cpus_held: 3, held_ns: 1234567, stop_ns: 2000000, reserved_bytes: 1048576, budget_ns: 5000000, budget_exhausted: true, redone: true, first_held_ns: 5100000, nr_maps_live: 2, copied_bytes: 98765, flat_bytes: 3000000, held_bytes: 3098765, plan_ns: 4500000, nr_maps_flat: 1, nr_maps_unplanned: 1, copy_ps_per_byte: 125}'
t_jq "flat copies: .capture.snapshot.maps lists the two maps of the stop, by map_index, each copied as its flags say" "$tmp/flat.json" \
	'.capture.snapshot.maps == [{name: "vals", map_index: 0, copy: "flat", dump_bytes: 232}, {name: "synth.data", map_index: 2, copy: "walk", dump_bytes: 56}]'
t_jq "flat copies: their dump_bytes are the maps' own" "$tmp/flat.json" \
	'[.capture.snapshot.maps[] | .dump_bytes] == [.maps[] | select(.in_snapshot) | .dump_bytes]'
t_jq "flat copies: .maps[].snapshot_copy flat, walk, and null for the map read live and the rest" "$tmp/flat.json" \
	'[.maps[] | {(.name): .snapshot_copy}] | add | .vals == "flat" and ."synth.data" == "walk" and (has("raw_hash") and .raw_hash == null) and ([del(.vals, ."synth.data")[]] | unique == [null])'
t_jq "flat copies: diff compares in_snapshot, not how the stop copied" <("$DEC" diff "$tmp/good.bin" "$tmp/flat.bin") \
	'.nr_changes == 1 and [.maps[] | select(.changes != []) | {name, changes}] == [{name: "synth.data", changes: [{path: ".in_snapshot", old: false, new: true}]}]'
"$DEC" summary "$tmp/flat.bin" >"$tmp/flat.txt"
t_eq "summary: the maps copied flat, the bytes held in all, the budget's and the plan's maps read live" \
	"snapshot: consistent, 2 maps copied while 3 CPUs were held 1.235 ms (stop_machine 2.000 ms)
snapshot: 98765 dump bytes written while the CPUs were held
snapshot: 1 maps copied flat (3.000 MB of kernel memory), read after the stop; held 3.099 MB in all
snapshot: done again: the first stop ran out of its budget after 5.100 ms on a map the plan said fits
snapshot: its 5.000 ms budget ran out; 1 more maps read live after it
snapshot: 1 maps planned out (would not fit the budget at the measured rates), read live" \
	"$(grep '^snapshot:' "$tmp/flat.txt")"
"$DEC" summary "$tmp/good.bin" | grep '^snapshot:' >"$tmp/good-snap.txt"
t_eq "summary: no flat, planned-out or done-again line when the stop copied none flat, planned every map, ran once" \
	"3 0" "$(wc -l <"$tmp/good-snap.txt") $(grep -cE 'copied flat|planned out|done again' "$tmp/good-snap.txt")"
# a dump of before stops done again: its SNAPSHOT record is 104 bytes
"$MK" --snapshot-v2 --flat "$tmp/snapv2.bin" && "$DEC" decode "$tmp/snapv2.bin" >"$tmp/snapv2.json" 2>"$tmp/snapv2.err"
t_eq "104-byte snapshot record: decode exits 0, nothing on stderr" "0 " "$? $(cat "$tmp/snapv2.err")"
t_check "104-byte snapshot record: not redone, first_held_ns 0, the rest as a 112-byte one's" \
	jq -e --slurpfile w "$tmp/flat.json" '.capture.snapshot == ($w[0].capture.snapshot | .redone = false | .first_held_ns = 0)' "$tmp/snapv2.json"
# a dump of before flat copies: its SNAPSHOT record is 72 bytes
"$MK" --snapshot-v1 "$tmp/snapv1.bin" && "$DEC" decode "$tmp/snapv1.bin" >"$tmp/snapv1.json" 2>"$tmp/snapv1.err"
t_eq "72-byte snapshot record: decode exits 0, nothing on stderr" "0 " "$? $(cat "$tmp/snapv1.err")"
t_check "72-byte snapshot record: .capture.snapshot as a whole one of zeros says it, no error" \
	jq -e --slurpfile w "$j" '.capture.snapshot == $w[0].capture.snapshot and .errors == $w[0].errors and
		(.capture.snapshot | .flat_bytes == 0 and .plan_ns == 0 and .nr_maps_flat == 0 and .nr_maps_unplanned == 0 and .copy_ps_per_byte == 0 and .held_bytes == .copied_bytes)' "$tmp/snapv1.json"
"$MK" --snapshot-v1 --flat "$tmp/snapv1f.bin" && "$DEC" decode "$tmp/snapv1f.bin" >"$tmp/snapv1f.json"
t_jq "72-byte snapshot record: new fields 0, its maps still from their flags" "$tmp/snapv1f.json" \
	'.capture.snapshot | .copied_bytes == 98765 and .held_bytes == 98765 and .flat_bytes == 0 and .plan_ns == 0 and .nr_maps_flat == 0 and .nr_maps_unplanned == 0 and .copy_ps_per_byte == 0 and
		.maps == [{name: "vals", map_index: 0, copy: "flat", dump_bytes: 232}, {name: "synth.data", map_index: 2, copy: "walk", dump_bytes: 56}]'
t_eq "72-byte snapshot record: the summary's snapshot lines as before flat copies" \
	"$(cat "$tmp/good-snap.txt")" "$("$DEC" summary "$tmp/snapv1.bin" | grep '^snapshot:')"
# the flat copy's own record (SXD_INFO_FLAT): 3 MB in 1.5 ms, 1030
# elements in 1024 buckets, vals' 2 entries found; --flat-bad: 2 lists cut
# short by a bad link; --flat-untimed: no time, so no rate
vals='.maps[] | select(.name == "vals")'
t_jq "flat copy info: exact, mb_per_s = bytes / stop_ns * 1000, found = the entries" "$tmp/flat.json" \
	"$vals | .info == {kind: \"flat_copy\", bytes: 3000000, stop_ns: 1500000, elements: 1030, buckets: 1024, found: 2, bad_lists: 0, mb_per_s: 2000} and .info.found == .nr_entries"
t_check "flat copy info: mb_per_s a JSON number" grep -qF '"bad_lists":0,"mb_per_s":2000' "$tmp/flat.json"
t_jq "flat copy info: none where the stop walked or did not copy the map" "$tmp/flat.json" \
	'[.maps[] | select(.info.kind == "flat_copy") | .name] == ["vals"]'
t_jq "flat copy info: none without --flat" "$j" "$vals | has(\"info\") | not"
t_eq "summary: the flat copy's line" \
	"map vals: flat copy: 3.000 MB in 1.500 ms (2000 MB/s), 2 of 1030 elements in 1024 buckets" \
	"$(grep '^map ' "$tmp/flat.txt")"
t_eq "summary: no map info line without a flat copy (other infos have none)" 0 "$(grep -c '^map ' <("$DEC" summary "$tmp/good.bin"))"
"$MK" --flat-bad "$tmp/flatbad.bin" && "$DEC" decode "$tmp/flatbad.bin" >"$tmp/flatbad.json"
t_eq "flat copy with bad lists: decode exits 0" 0 $?
t_jq "flat copy with bad lists: bad_lists 2" "$tmp/flatbad.json" \
	"$vals | .info == {kind: \"flat_copy\", bytes: 3000000, stop_ns: 1500000, elements: 1030, buckets: 1024, found: 2, bad_lists: 2, mb_per_s: 2000}"
t_eq "summary: the lists cut short, said" \
	"map vals: flat copy: 3.000 MB in 1.500 ms (2000 MB/s), 2 of 1030 elements in 1024 buckets, 2 lists cut short by a bad link" \
	"$("$DEC" summary "$tmp/flatbad.bin" | grep '^map ')"
"$MK" --flat-untimed "$tmp/flatnt.bin"
t_jq "flat copy without a time: stop_ns 0, mb_per_s 0" <("$DEC" decode "$tmp/flatnt.bin") \
	"$vals | .info | .stop_ns == 0 and .mb_per_s == 0 and .bytes == 3000000"
t_eq "summary: a copy without a time, 0 MB/s" \
	"map vals: flat copy: 3.000 MB in 0.000 ms (0 MB/s), 2 of 1030 elements in 1024 buckets" \
	"$("$DEC" summary "$tmp/flatnt.bin" | grep '^map ')"
# how a task storage's owners were named (SXD_INFO_OWNERS): 3 from the
# table of 120 tasks, 1 read, the table cut by its time and a task list change
"$MK" --owners "$tmp/owners.bin" && "$DEC" decode "$tmp/owners.bin" >"$tmp/owners.json"
t_eq "owners info: decode exits 0" 0 $?
t_jq "owners info: exact, its cuts by name" "$tmp/owners.json" \
	'.maps[] | select(.name == "own") | .info == {kind: "owners", from_table: 3, from_task: 1, table_tasks: 120, table_ns: 2100000, table_age_ns: 512000, table_cut: ["time", "task_list_changed"]}'
t_eq "summary: the owners' line" \
	"map own: owners: 3 named from 120 tasks' identities taken 0.512 ms before (in 2.100 ms), 1 read from their task; table cut: time; table cut: task_list_changed" \
	"$("$DEC" summary "$tmp/owners.bin" | grep '^map own')"
t_jq "owners info: none without --owners" "$j" '.maps[] | select(.name == "own") | has("info") | not'
# a map's key only the second dump has is a change too: --starved's
# some_bloom has no end record, so no nr_entries, in_snapshot, ...
"$MK" --starved "$tmp/starved-d.bin"
t_jq "diff: a map's keys only B has are changes (old null)" <("$DEC" diff "$tmp/starved-d.bin" "$tmp/good.bin") \
	'[.maps[] | select(.name == "some_bloom") | .changes[] | select(.old == null) | .path] | sort == [".in_snapshot", ".nr_entries", ".nr_omitted", ".nr_omitted_is", ".truncated", ".unsupported"]'
for pair in "good owners" "owners good"; do
	set -- $pair
	t_jq "diff $1 $2: the owners info is the capture's, not compared (own: no change)" <("$DEC" diff "$tmp/$1.bin" "$tmp/$2.bin") \
		'.nr_changes == 0 and (.maps[] | select(.name == "own") | .status == "compared" and .changes == [])'
done
# no address in it: scxdump redact copies it as it is
"$DEC" redact "$tmp/flatbad.bin" "$tmp/flatbad-r.bin" >/dev/null 2>&1
t_eq "flat copy info: redact exits 0" 0 $?
t_check "flat copy info: redact keeps it" \
	jq -e --slurpfile o "$tmp/flatbad.json" "($vals | .info) == (\$o[0] | $vals | .info) and ($vals | .info.bad_lists) == 2" \
	<("$DEC" decode "$tmp/flatbad-r.bin")
t_check "flat copy info: ... as redact-check.py compares a dump and its copy" python3 "$top/tests/dumps/redact-check.py" \
	<("$DEC" decode --hex "$tmp/flatbad.bin") <("$DEC" decode --hex "$tmp/flatbad-r.bin") "$tmp/flatbad.bin" "$tmp/flatbad-r.bin"
# a flat copy's info is the capture's, as capture_ns is: diff leaves it out
t_jq "flat copy info: diff leaves it out, either side" <("$DEC" diff "$tmp/flatbad.bin" "$tmp/good.bin") \
	'.nr_changes == 1 and [.maps[] | select(.changes != []) | {name, changes}] == [{name: "synth.data", changes: [{path: ".in_snapshot", old: true, new: false}]}]'
t_jq "flat copy info: two flat copies that differ compare the same" <("$DEC" diff "$tmp/flat.bin" "$tmp/flatbad.bin") '.nr_changes == 0'
t_jq "sub-scheduler: id, cgroup, parent" "$j" '.schedulers[0] | .id == 5 and .cgroup == {id: 77, path: "/scxsub"} and .parent == {id: 4, name: "parent_sched"}'
t_jq "event counters by name" "$j" '.schedulers[0].event_counters == {SCX_EV_KEEP_LAST: 42, SCX_EV_BYPASS: -1}'
t_jq "program run-time statistics" "$j" '.schedulers[0].programs == [{id: 9, name: "my_enqueue", run_cnt: 500, run_time_ns: 123456, recursion_misses: 2}]'
# kernel.bpf_stats_enabled at capture: run counts kept, or not (zeros that are no counts)
"$MK" --stats off "$tmp/stoff.bin" && "$MK" --stats on "$tmp/ston.bin"
t_jq "programs: stats_kept false when kernel.bpf_stats_enabled was 0" <("$DEC" decode "$tmp/stoff.bin") '.schedulers[0].programs[0].stats_kept == false'
t_jq "... true when it was 1" <("$DEC" decode "$tmp/ston.bin") '.schedulers[0].programs[0].stats_kept == true'
t_jq "... absent when the dump does not say" "$j" '.schedulers[0].programs[0] | has("stats_kept") | not'
t_eq "summary: run counts not kept, said instead of numbers" \
	"program my_enqueue (id 9): run counts not kept: sysctl kernel.bpf_stats_enabled=0, 2 recursion misses" \
	"$("$DEC" summary "$tmp/stoff.bin" | grep '^program ')"
t_eq "summary: the counts when kept" "program my_enqueue (id 9): 500 runs, 123456 ns, 2 recursion misses" \
	"$("$DEC" summary "$tmp/ston.bin" | grep '^program ')"
t_jq "backtrace split into frames" "$j" '.schedulers[0].exit.backtrace == ["frame_a+0x1/0x10", "frame_b+0x2/0x20"]'
t_jq "non-UTF-8 bytes in a message escaped, JSON stays valid" "$j" '.schedulers[0].exit.message == "it broke: \u0001\\xff bytes"'
t_jq "error records" "$j" '.errors == [{"errno": -28, "message": "BTF 9 of map x left out"}]'
t_jq "what the kernel lacks, with why" "$j" '.absent == [{"feature": "event_counters", "reason": "no scx_sched.pcpu"}]'

v0='.maps[0].entries[0].value'
v1='.maps[0].entries[1].value'
t_jq "struct by member name, signed int" "$j" "$v0.i == 41 and $v1.i == -7"
t_jq "enum by name; unknown enum value as number" "$j" "$v0.c == \"GREEN\" and $v1.c == 9"
t_jq "char array as string" "$j" "$v0.name == \"first\" and $v1.name == \"second\""
t_jq "unsigned char array: text as string, bytes as numbers" "$j" "$v0.bytes == \"ab\" and $v1.bytes == [1, 2, 0, 4]"
t_jq "bitfields" "$j" "$v0.f3 == 3 and $v0.f5 == 31 and $v1.f3 == 5 and $v1.f5 == 17"
t_jq "bool" "$j" "$v0.ok == true"
t_jq "double" "$j" "$v0.d == 2.25 and $v1.d == -0.5"
t_jq "pointer as hex" "$j" "$v0.next == \"0x0\" and $v1.next == \"0xffff888012345678\""
t_jq "anonymous nested struct, negative short" "$j" "$v0.in.s == 300 and $v1.in.s == -300"
t_jq "embedded BTF objects listed" "$j" '.btf_objects[0] == {"index": 0, "kind": "program", "kernel_id": 55, "size": .btf_objects[0].size, "nr_types": 20, "error": null} and .btf_objects[0].size > 100 and .btf_objects[1].kind == "vmlinux" and .maps[0].btf_index == 0 and .maps[1].btf_index == null'
t_jq "BTF type names" "$j" '.maps[0].btf == {"key_type": "unsigned int", "value_type": "struct val"}'
t_jq "no raw hex beside BTF renderings by default; hex where no BTF renders" "$j" '(.maps[0].entries[0] | has("key_hex") or has("value_hex") | not) and .maps[1].entries[1].value_hex == "0102030401"'
"$DEC" decode --hex "$tmp/good.bin" >"$tmp/hex.json"
t_jq "--hex: raw hex next to rendered values" "$tmp/hex.json" '.maps[0].entries[0].key_hex == "00000000" and (.maps[0].entries[0].value_hex | startswith("29000000"))'
t_check "--hex changes nothing else" jq -e -n '[input | .maps[].entries[] | del(.key_hex, .value_hex)] == [input | .maps[].entries[] | del(.key_hex, .value_hex)]' "$tmp/hex.json" "$j"
t_check "--hex is decode's alone" sh -c "! '$DEC' summary --hex '$tmp/good.bin' 2>/dev/null"
"$DEC" decode --format bpftool --map vals "$tmp/good.bin" >"$tmp/bt.json"
t_jq "--format bpftool: bpftool's shape, bytes as 0x strings, formatted through BTF" "$tmp/bt.json" \
	'length == 2 and .[0].key == ["0x00", "0x00", "0x00", "0x00"] and (.[0].value | length) == '"$(jq '.maps[0].value_size' "$j")"' and (.[0].value[0:4] == ["0x29", "0x00", "0x00", "0x00"]) and .[0].formatted.key == 0 and .[0].formatted.value.i == 41 and .[1].formatted.value.i == -7'
"$DEC" decode --format bpftool --map pcpu "$tmp/good.bin" >"$tmp/btp.json"
t_jq "--format bpftool: a per-CPU map's values by CPU, no formatted without BTF" "$tmp/btp.json" \
	'length > 0 and (.[0].values | length) > 1 and .[0].values[0].cpu == 0 and (.[0].values[0].value | length) == 8 and (.[0] | has("formatted") | not)'
t_check "--format bpftool needs exactly one --map (exit 1)" sh -c "'$DEC' decode --format bpftool '$tmp/good.bin' >/dev/null 2>&1; [ \$? -eq 1 ] && '$DEC' decode --format bpftool --map vals --map pcpu '$tmp/good.bin' >/dev/null 2>&1; [ \$? -eq 1 ]"
t_check "--format: a map the dump lacks, an unknown format, another command: exit 1" sh -c "'$DEC' decode --format bpftool --map nope '$tmp/good.bin' >/dev/null 2>&1; [ \$? -eq 1 ] && '$DEC' decode --format yaml --map vals '$tmp/good.bin' 2>/dev/null; [ \$? -eq 1 ] && '$DEC' summary --format bpftool '$tmp/good.bin' 2>/dev/null; [ \$? -eq 1 ]"
t_jq "global section as named variables" "$j" '.maps[2].entries[0].value == {"counter": 12345, "tag": "hello"}'
t_jq "map without BTF: numeric key, hex value, reason" "$j" '.maps[1] | .btf == null and .btf_missing == "the map has no BTF" and .entries[1].key == 11 and .entries[1].value == "0102030401"'
t_jq "truncation shown with counts and reason" "$j" '.maps[1] | .truncated == true and .nr_entries == 3 and .nr_omitted == 9 and (.reason | test("max_dump_bytes"))'
mp() { printf '.maps[] | select(.name == "%s")' "$1"; }
t_jq "per-CPU values, one per CPU" "$j" "$(mp pcpu) | [.entries[] | {key, values}] == [{key: 0, values: [1000, 2000]}, {key: 1, values: [1001, 2001]}]"
t_jq "queue: positions as keys, queue facts" "$j" "$(mp q) | [.entries[].value] == [10, 20, 30] and .info == {head: 3, tail: 0, slots: 9, count: 3}"
t_jq "bloom: facts and bits counted" "$j" "$(mp bf) | .info == {nr_hash_funcs: 3, hash_seed: 77, nr_bits: 64, bits_set: 3, bitset_hex: \"8100000000000010\"}"
t_jq "ring buffer: committed, discarded, busy records" "$j" "$(mp rb) | .info | .unconsumed_bytes == 40 and ([.records[] | [.pos, .len, .discarded, .busy]] == [[100, 4, false, false], [116, 4, true, false], [132, 8, false, true]]) and .records[0].data_hex == \"aabbccdd\" and .records[2].cut == true"
t_jq "stack trace: symbolised where known, hex where not" "$j" "$(mp stk) | .entries[0].value == {nr: 2, frames: [\"schedule+0x10/0x80\", \"0xffffffff81000020\"]} and .info.nr_buckets == 4"
t_jq "storage owners: task, cgroup, inode, socket" "$j" "$(mp own) | [.entries[].key] == [{owner: \"task\", pid: 42, tgid: 40, comm: \"worker\"}, {owner: \"cgroup\", id: 99, path: \"/a/b\"}, {owner: \"inode\", ino: 1234, dev: \"8:1\"}, {owner: \"socket\", family: \"inet6\", src: \"::1\", sport: 80, dst: \"::1\", dport: 5555}] and [.entries[].value] == [500, 501, 502, 503]"
t_jq "object references: program, map, cgroup" "$j" "$(mp pa) | [.entries[].value] == [{kind: \"prog\", id: 17, name: \"tailer\"}, {kind: \"map\", id: 23, name: \"inner\"}, {kind: \"cgroup\", cgroup_id: 7777}]"
t_jq "arena: pages by user address, globals by name from the last page" "$j" "$(mp ar) | [.entries[].key] == [\"0x100000000\", \"0x100003000\"] and .arena_globals_at == \"0x100003000\" and .arena_globals == {arena_word: -99, arena_tag: \"arena\"} and (.entries[0].value | startswith(\"6f00\"))"
t_jq "kernel-typed value rendered with the embedded kernel BTF" "$j" "$(mp my_ops) | .btf == {value_type: \"struct fake_ops\", from: \"kernel\"} and .entries[0].value == {timeout_ms: 5000, name: \"opsname\"}"
t_jq "struct_ops programs by slot" "$j" "$(mp my_ops) | .info == {state: \"inuse\", programs: [{slot: 0, id: 31, name: \"my_enqueue\"}, {slot: 2, id: 33, name: \"my_init\"}]}"
t_jq "cpumask kptr: the CPUs the capture copied" "$j" "$(mp masks) | .entries[0].value == {mask: {addr: \"0xffff888012340000\", cpus: \"0-3,8\"}}"
t_jq "declared-only struct: followed through a sibling object's definition into the arena (a bump block, map 17's)" "$j" "$(mp fwds) | .entries[0].value.n | del(.bump) == {addr: \"0x100000800\", target: {v: 4242, w: 7}}"
t_jq "declared-only struct no object defines: said so, with the address" "$j" "$(mp fwds) | .entries[0].value.g == {addr: \"0x1234\", fwd: \"struct ghost\", reason: \"no BTF object in the dump defines it\"}"
t_jq "no sdt allocator in a dump without one" "$j" '[.allocators[] | select(.kind == "sdt")] == []'
t_jq "a bump allocator found by its struct's shape, its chain followed to a link not in the dump" "$j" \
	'[.allocators[] | select(.kind == "bump")] == [{kind: "bump", name: "heap", map_index: 17, block_size: 4096, memory: "0x100000000", off: 1024, cur_memusage: 8192, lim_memusage: 16384, nr_blocks: 1, chain_cut: false, chain_unreadable: true, blocks: [{block: 0, start: "0x100000000", bytes_used: 1024}]}]'
t_jq "a pointer into a bump block: its block and offset, past what it handed out, and its typed target" "$j" \
	"$(mp bumps.bss) | .entries[0].value.obj == {addr: \"0x100000800\", bump: {allocator: \"heap\", block: 0, offset: 2048, past_used: true}, target: {v: 4242, w: 7}}"
t_check "summary: the bump allocator's line" sh -c "'$DEC' summary '$tmp/good.bin' | grep -qx 'allocator heap (bump): 1 blocks of 4096 bytes, 1024 bytes used in the newest, older blocks not in the dump'"
t_jq "a u64 the program reads through: an inferred pointer; one it only adds to: a number" "$j" "$(mp infer) | .entries[0].value == {p: {addr: \"0x1234\", inferred: true}, cnt: 77}"
t_jq "task and cgroup kptrs: the identities the capture copied" "$j" "$(mp kobjs) | .entries[0].value == {task: {addr: \"0xffff888000aa0000\", pid: 321, tgid: 320, comm: \"worker\"}, cgrp: {addr: \"0xffff888000bb0000\", cgroup_id: 4242, level: 2, name: \"slice\", path: \"/a/slice\"}}"
t_jq "unsupported map type reported" "$j" '.maps[] | select(.name == "some_bloom") | .type == "bloom_filter" and .unsupported == true and .entries == []'

"$DEC" info "$tmp/good.bin" >"$tmp/info.json"
t_jq "info: header only" "$tmp/info.json" 'has("maps") | not'
t_jq "info: scheduler present" "$tmp/info.json" '.schedulers[0].name == "synthetic"'
"$DEC" decode --map raw_hash "$tmp/good.bin" >"$tmp/one.json"
t_jq "--map selects one map" "$tmp/one.json" '[.maps[].name] == ["raw_hash"]'
"$DEC" decode --map raw_hash --map vals "$tmp/good.bin" >"$tmp/two.json"
t_jq "--map repeated selects each named map, in dump order" "$tmp/two.json" '[.maps[].name] == ["vals", "raw_hash"]'
"$DEC" decode --map some_bloom --map vals --map vals "$tmp/good.bin" >"$tmp/dup.json"
t_check "--map: a name given twice, its map once; the dump's last map (no map after it) as a whole decode has it" \
	jq -e --slurpfile w "$j" '([.maps[] | [.name, .index]] == [["vals", 0], ["some_bloom", 3]]) and
		.maps[0] == $w[0].maps[0] and .maps[1] == ($w[0].maps | map(select(.name == "some_bloom")) | .[0])' "$tmp/dup.json"
t_check "--pretty indents" sh -c "'$DEC' decode --pretty '$tmp/good.bin' | grep -q '^  \"capture\"'"
"$DEC" summary "$tmp/good.bin" >"$tmp/summary.txt"
t_check "summary: exit kind and message on top" sh -c "head -2 '$tmp/summary.txt' | grep -q 'SCX_EXIT_ERROR_BPF (1025), scx_bpf_error' && grep -q '^message: it broke' '$tmp/summary.txt'"
t_check "summary: truncated map with its omitted count" grep -qE "^raw_hash +hash +3 +[0-9]+ yes \\(\\+9\\) +-$" "$tmp/summary.txt"
t_check "summary: unsupported map with its reason" grep -qE "^some_bloom +bloom_filter +0 .* this map type is not captured" "$tmp/summary.txt"
t_check "summary: ops, moved event counters, programs" sh -c "grep -q '^ops flags 0x44, timeout 5000 ms' '$tmp/summary.txt' && grep -q '^event SCX_EV_KEEP_LAST: 42' '$tmp/summary.txt' && grep -q '^program my_enqueue (id 9): 500 runs, 123456 ns, 2 recursion misses' '$tmp/summary.txt'"
t_check "summary: the scheduler's place in the tree" grep -qx 'scheduler id 5 on cgroup /scxsub (id 77), sub-scheduler of parent_sched (id 4)' "$tmp/summary.txt"
t_check "summary: the snapshot line" grep -q '^snapshot: consistent, 1 maps copied while 3 CPUs were held 1.235 ms (stop_machine 2.000 ms)$' "$tmp/summary.txt"
t_check "summary: the bytes copied in the stop" grep -qx 'snapshot: 98765 dump bytes written while the CPUs were held' "$tmp/summary.txt"
t_check "summary: the budget that ran out" grep -q '^snapshot: its 5.000 ms budget ran out; 2 more maps read live after it$' "$tmp/summary.txt"
t_check "summary: what the kernel lacks" grep -qx 'not in this kernel: event_counters (no scx_sched.pcpu)' "$tmp/summary.txt"
t_check "summary: errors and truncation in the header" sh -c "grep -q '^error -28: BTF 9 of map x left out' '$tmp/summary.txt' && grep -q 'TRUNCATED' '$tmp/summary.txt'"
t_check "summary: what was left out for want of room" grep -qx 'left out for want of room: 2 records, 4096 bytes' "$tmp/summary.txt"
t_check "summary: nothing said missing that the dump holds" sh -c "! grep -q '^left out: ' '$tmp/summary.txt'"
"$MK" --starved "$tmp/starved.bin" && "$DEC" summary "$tmp/starved.bin" >"$tmp/starved.txt"
t_check "summary of a dump short of room: errors, maps and the snapshot record it lacks" sh -c "grep -qx 'left out: 2 of the 3 error records' '$tmp/starved.txt' && grep -qx 'left out: the records of 2 of the 20 maps' '$tmp/starved.txt' && grep -qx 'left out: the snapshot record (how the maps were copied is not known)' '$tmp/starved.txt' && ! grep -q '^snapshot:' '$tmp/starved.txt'"
t_check "summary: a map without its end record says its count is unknown" grep -qE "^some_bloom +bloom_filter +0 +[0-9]+ no +no end record: its count and what it lacks unknown$" "$tmp/starved.txt"
t_check "the manual page formats cleanly" sh -c "MANWIDTH=80 man --warnings -l '$top/userspace/scxdump.1' 2>&1 >/dev/null | grep -q . && exit 1; man -l '$top/userspace/scxdump.1' | grep -q 'vmlinux-btf'"
# Progress goes to stderr only when it is a terminal, and only for big dumps.
cc -O2 -o "$tmp/mkbig" "$here/../bench/mkbig.c" $(pkg-config --libs libbpf zlib) && "$tmp/mkbig" 70 "$tmp/big.bin"
script -qc "'$top/userspace/build/scxdump' decode '$tmp/big.bin' >/dev/null" /dev/null >"$tmp/tty.out" 2>&1
t_check "progress on a terminal's stderr for a large dump" grep -q "decoding 100%" "$tmp/tty.out"
"$top/userspace/build/scxdump" decode "$tmp/big.bin" 2>"$tmp/notty.err" >/dev/null
t_check "no progress when stderr is not a terminal" test ! -s "$tmp/notty.err"
rm -f "$tmp/big.bin"
t_check "--help prints usage and exits 0" sh -c "'$DEC' --help | grep -q 'usage: scxdump decode'"

# expect_fail DESC STATUS PATTERN ARGS...: exit status and message.
expect_fail() {
	local desc=$1 want=$2 pat=$3 rc
	shift 3
	"$DEC" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		t_ok "$desc"
	else
		t_fail "$desc (exit $rc, want $want)"
		sed 's/^/#   /' "$tmp/err"
	fi
}

size=$(stat -c %s "$tmp/good.bin")
: >"$tmp/empty.bin"
head -c $((size - 10)) "$tmp/good.bin" >"$tmp/trunc.bin"
head -c 40 "$tmp/good.bin" >"$tmp/short.bin"
cp "$tmp/good.bin" "$tmp/flip.bin"
printf '\x5a' | dd of="$tmp/flip.bin" bs=1 seek=$((size / 2)) conv=notrunc status=none
cp "$tmp/good.bin" "$tmp/magic.bin"
printf 'X' | dd of="$tmp/magic.bin" bs=1 seek=0 conv=notrunc status=none
head -c 4096 /dev/urandom >"$tmp/random.bin"
"$MK" --version 99 "$tmp/future.bin"
"$MK" --version 0 "$tmp/old.bin"
"$MK" --corrupt-len "$tmp/len.bin"
"$MK" --no-end "$tmp/noend.bin"
cat "$tmp/good.bin" "$tmp/good.bin" >"$tmp/double.bin"

expect_fail "empty file" 2 "empty file" decode "$tmp/empty.bin"
expect_fail "truncated file" 2 "truncated" decode "$tmp/trunc.bin"
expect_fail "file shorter than a header" 2 "not an scxdump dump" decode "$tmp/short.bin"
expect_fail "flipped byte: checksum" 2 "checksum mismatch" decode "$tmp/flip.bin"
expect_fail "bad magic" 2 "bad magic" decode "$tmp/magic.bin"
expect_fail "random bytes" 2 "not an scxdump dump" decode "$tmp/random.bin"
expect_fail "future format version" 3 "version 99 is not supported.*upgrade" decode "$tmp/future.bin"
expect_fail "unknown older version" 3 "version 0 is not supported" decode "$tmp/old.bin"
expect_fail "record lengths that disagree" 2 "inconsistent lengths" decode "$tmp/len.bin"
expect_fail "no END record" 2 "no END record" decode "$tmp/noend.bin"
expect_fail "trailing garbage" 2 "header says" decode "$tmp/double.bin"

# records that contradict each other, framing and checksum good
"$MK" --same-map-index "$tmp/samemap.bin"
"$MK" --two-ends "$tmp/twoends.bin"
expect_fail "every MAP record claiming map index 0: refused, naming the second" 2 \
	"a second MAP record of map index 0 at offset [0-9]*.*--salvage" decode "$tmp/samemap.bin"
for c in info summary html timeline; do
	expect_fail "... and by $c" 2 "a second MAP record of map index 0" $c "$tmp/samemap.bin"
done
expect_fail "... and by diff" 2 "a second MAP record of map index 0" diff "$tmp/good.bin" "$tmp/samemap.bin"
"$DEC" decode --salvage "$tmp/samemap.bin" >"$tmp/samemap.json" 2>"$tmp/err"
t_eq "... --salvage: exit 5" 5 $?
t_check "... --salvage: the first map whole, as the good dump has it; stopped at the second MAP record" \
	jq -e --slurpfile w "$j" '[.maps[] | .name] == ["vals"] and .maps[0] == $w[0].maps[0] and (.salvage.damage | test("a second MAP record of map index 0")) and .salvage.complete == false' "$tmp/samemap.json"
expect_fail "two END records: refused, naming the record after the first" 2 \
	"a record at offset [0-9]* after the END record at [0-9]*" decode "$tmp/twoends.bin"
"$DEC" decode --salvage "$tmp/twoends.bin" >"$tmp/twoends.json" 2>"$tmp/err"
t_eq "... --salvage: exit 5" 5 $?
t_check "... --salvage: the maps before the first END, whole, as the good dump has them" \
	jq -e --slurpfile w "$j" '[.maps[] | .name] == ["vals", "raw_hash", "synth.data"] and .maps == $w[0].maps[0:3] and (.salvage.damage | test("after the END record"))' "$tmp/twoends.json"

t_jq "stall: an exit after a warning names it, 1500 ms before, and its tasks" "$tmp/good.json" \
	'.stall == {kind: "paired", warning_seq: 5, warning_boottime_ns: 41629861134, warning_ms_before: 1500, enable_seq: 3, timeout_ms: 5000, threshold_ms: 2500, nr_cpus_waiting: 2, tasks: [{pid: 4242, comm: "victim", cpu: 1, wait_ms: 2600}, {pid: 77, comm: "kworker/3:1", cpu: 3, wait_ms: 2550}]}'
t_check "summary: the warning, how long before, the tasks" sh -c "grep -qx 'stall warning: dump 5, 1.500 s before this capture' '$tmp/summary.txt' && grep -qx '  victim\\[4242\\] runnable 2600 ms on CPU 1' '$tmp/summary.txt'"

# the flight recorder's ring (mkdump.c add_timeline()): 3 samples of 7,
# 100 ms apart, map 2 (synth.data) sampled through its BTF
t_jq "timeline: the ring's shape, 3 kept of 7 taken, the maps asked for" "$tmp/good.json" \
	'.timeline | .interval_ms == 100 and .enable_seq == 3 and .samples_taken == 7 and .samples_kept == 3 and .nr_cpus == 2 and .max_dsqs == 2 and .map_bytes == 16 and (.events_absent | not) and .maps == [{want: ".data", name: "synth.data", id: 102, type: "array", value_size: 12, max_entries: 1, status: "ok"}, {want: "nosuch", name: "", id: 0, type: "none", value_size: 0, max_entries: 0, status: "not_found"}]'
t_jq "timeline: samples in order, 300/200/100 ms before the capture" "$tmp/good.json" \
	'[.timeline.samples[] | [.seq, .ms_before_capture, .duration_ns]] == [[4, 300, 20000], [5, 200, 20001], [6, 100, 20002]]'
t_jq "timeline: the counters by name, per sample" "$tmp/good.json" \
	'[.timeline.samples[].events] == [{SCX_EV_KEEP_LAST: 10, SCX_EV_BYPASS: 20}, {SCX_EV_KEEP_LAST: 15, SCX_EV_BYPASS: 20}, {SCX_EV_KEEP_LAST: 15, SCX_EV_BYPASS: 27}]'
t_jq "timeline: CPUs and DSQ depths" "$tmp/good.json" \
	'.timeline.samples[2] | .cpus[1] == {cpu: 1, online: true, nr_running: 4, scx_nr_running: 2, local_dsq_nr: 2} and .dsqs[1] == {id: 100, kind: "user", nr: 4} and .dsqs[0].kind == "global" and .dsqs_seen == 2 and .cut == []'
t_jq "timeline: the map's values through BTF (counter 5, 9, 9; tag ab, ab, cd); the one not found, empty" "$tmp/good.json" \
	'[.timeline.samples[].maps[0].entries[0].value] == [{counter: 5, tag: "ab"}, {counter: 9, tag: "ab"}, {counter: 9, tag: "cd"}] and [.timeline.samples[].maps[1] | [.name, .status, (.entries | length)]] == [["nosuch", "not_found", 0], ["nosuch", "not_found", 0], ["nosuch", "not_found", 0]]'
t_check "summary: the timeline's samples and how far back they go" \
	grep -qx 'timeline: 3 samples every 100 ms (of 7 taken), from 0.300 s to 0.100 s before this capture: scxdump timeline' "$tmp/summary.txt"
"$DEC" timeline "$tmp/good.bin" >"$tmp/timeline.txt"
t_eq "timeline: exit 0" 0 $?
t_check "timeline text: the first sample whole, then each tick's changes" sh -c "
	grep -qx 'timeline: 3 samples kept of 7 taken, every 100 ms, scheduler load 3' '$tmp/timeline.txt' &&
	grep -qx 'seq 4 (300 ms before the capture): the first kept' '$tmp/timeline.txt' &&
	grep -qx '  dsq 0x8000000000000001 (global): 0' '$tmp/timeline.txt' &&
	grep -qxF '  .events.SCX_EV_KEEP_LAST: 10 -> 15 (+5)' '$tmp/timeline.txt' &&
	grep -qxF '  .dsqs[id=100].nr: 3 -> 4 (+1)' '$tmp/timeline.txt' &&
	grep -qxF '  .maps[name=\"synth.data\"].entries[key=0].value.counter: 5 -> 9 (+4)' '$tmp/timeline.txt' &&
	grep -qxF '  .maps[name=\"synth.data\"].entries[key=0].value.tag: \"ab\" -> \"cd\"' '$tmp/timeline.txt'"
t_eq "timeline text: 5 changes at seq 5, 4 at seq 6, nothing else" "5 4" \
	"$(awk '/^seq 5/ { s = 5; next } /^seq 6/ { s = 6; next } /^  \./ { n[s]++ } END { print n[5] + 0, n[6] + 0 }' "$tmp/timeline.txt")"
t_jq "timeline --json: the dump's timeline alone" <("$DEC" timeline --json "$tmp/good.bin") \
	'keys == ["format_version", "json_version", "timeline"] and .timeline.samples_kept == 3'
"$MK" --no-timeline "$tmp/notl.bin"
t_check "timeline of a dump without one: says so" \
	grep -q '^no timeline in this dump' <("$DEC" timeline "$tmp/notl.bin")
t_jq "... timeline null" <("$DEC" decode "$tmp/notl.bin") '.timeline == null'
t_jq "... info has no timeline" <("$DEC" info "$tmp/good.bin") 'has("timeline") | not'
"$MK" --bad-timeline "$tmp/badtl.bin"
expect_fail "timeline: a sample size its counts do not give" 2 "record type 19 .* inconsistent lengths" timeline "$tmp/badtl.bin"
expect_fail "--json is only timeline's" 1 "option of timeline" decode --json "$tmp/good.bin"
expect_fail "timeline: no --map" 1 "no --map" timeline --map vals "$tmp/good.bin"

# the core state (mkdump --core): HZ 250; task 42 runnable 2500 jiffies,
# task 77's runnable_at 4e16 jiffies back (d * 1000 overflows an int64:
# every command that reads it ran into undefined behaviour), 99 asleep, 5
# queued after the walk read jiffies
"$MK" --core "$tmp/core.bin"
"$DEC" decode "$tmp/core.bin" >"$tmp/core.json" 2>"$tmp/core.err"
t_eq "core: decode exits 0 (no overflow under UBSan)" "0 0" "$? $(grep -c 'runtime error' "$tmp/core.err")"
t_jq "core: each task's wait, exact (d / HZ * 1000 + the rest), none for a sleeper, 0 for one queued after the walk" "$tmp/core.json" \
	'[.schedulers[0].tasks[] | [.pid, .runnable_ms]] == [[42, 10000], [77, 160000000000000000], [99, null], [5, 0]]'
t_jq "core: the DSQ's listed tasks with the same waits; task 42 joined with its task storage" "$tmp/core.json" \
	'.schedulers[0] | ([.dsqs[2].tasks[] | [.pid, .runnable_ms]] == [[42, 10000], [77, 160000000000000000]]) and .dsqs[2].not_listed == 1 and .tasks[0].storage == {own: "f401000000000000"} and .cpus[1].curr.comm == "worker" and .cpus[0].scx.cpus_to_kick == "1"'
for c in summary html timeline; do
	"$DEC" $c "$tmp/core.bin" >"$tmp/core.$c" 2>"$tmp/core.err"
	t_eq "core: $c exits 0 (no overflow under UBSan)" "0 0" "$? $(grep -c 'runtime error' "$tmp/core.err")"
done
t_check "core: summary lists the longest waits, exact, with what each ran" sh -c "grep -qx '  77 task77 on 100 (user), runnable 160000000000000000 ms, ran 1099511.628 ms, 0 voluntary and 7 involuntary switches' '$tmp/core.summary' && grep -qx '  42 task42 on 100 (user), runnable 10000 ms, ran 1.500 ms, 3 voluntary and 2 involuntary switches, parent 1' '$tmp/core.summary'"
# the tasks' more (SXD_REC_CORE_TASKS, 64-byte entries: 8 bytes more than
# the decoder reads), read at 43.128 s of local_clock()
t_jq "core tasks: parent, runtime, switches, last run and its age, exact" "$tmp/core.json" \
	'[.schedulers[0].tasks[] | [.pid, .parent_tgid, .runtime_ns, .nvcsw, .nivcsw, .last_ran_ns, .last_ran_ago_ms]] == [[42, 1, 1500000, 3, 2, 43125500000, 2.5], [77, null, 1099511627776, 0, 7, 0, null], [99, 42, 250000, 12, 0, 43128001000, null], [5, 1, 0, 0, 0, 43128000000, 0]]'
t_jq "core tasks: no direct dispatch pending is null; SCX_DSQ_LOCAL_ON|1 by name, its id a hex string, with its enq_flags" "$tmp/core.json" \
	'[.schedulers[0].tasks[] | .ddsp] == [null, null, null, {dsq_id: "0xc000000000000001", dsq_name: "SCX_DSQ_LOCAL_ON|1", enq_flags: 8}] and .schedulers[0].tasks[3].dsq == null'
t_jq "core tasks: no decoder error for a record that agrees" "$tmp/core.json" '.errors == [{"errno": -28, "message": "BTF 9 of map x left out"}]'
# an older module's dump: the core record without it
"$MK" --bad-core-tasks none "$tmp/ct-none.bin"
t_jq "core tasks: a core record without one: none of the keys (absent, not null), no error" <("$DEC" decode "$tmp/ct-none.bin") \
	'([.schedulers[0].tasks[] | keys[] | select(. == "parent_tgid" or . == "runtime_ns" or . == "nvcsw" or . == "nivcsw" or . == "last_ran_ns" or . == "last_ran_ago_ms" or . == "ddsp")] == []) and (.schedulers[0].tasks | length) == 4 and (.errors | length) == 1'
t_check "core tasks: html's page holds them (its tasks table shows runtime, switches, parent, a pending direct dispatch)" \
	grep -qF '"parent_tgid":1,"runtime_ns":0,"nvcsw":0,"nivcsw":0,"last_ran_ns":43128000000' "$tmp/core.html"
# records that do not agree with their core record: said in errors, left
# out, never a crash
for bad in pid nr size; do
	"$MK" --bad-core-tasks $bad "$tmp/ct-$bad.bin"
	"$DEC" decode "$tmp/ct-$bad.bin" >"$tmp/ct-$bad.json" 2>"$tmp/ct.err"
	t_eq "core tasks ($bad): decode exits 0, nothing from the sanitizers" "0 0" "$? $(grep -c 'runtime error\|AddressSanitizer' "$tmp/ct.err")"
done
t_jq "core tasks: a pid not the core task's, in errors; that task without the keys, the others with theirs" "$tmp/ct-pid.json" \
	'.errors[1] == {errno: -22, message: "decoder: the core tasks record of scheduler 0: 1 of its 4 tasks are not the core record'"'"'s (task 2: pid 1234, the core record'"'"'s 99): those left out"} and ([.schedulers[0].tasks[] | has("runtime_ns")] == [true, true, false, true])'
t_jq "core tasks: a count not the core record's, in errors; none attached" "$tmp/ct-nr.json" \
	'(.errors[1].message == "decoder: the core tasks record of scheduler 0 has 3 tasks, its core record 4: left out") and ([.schedulers[0].tasks[] | has("runtime_ns") or has("ddsp")] | any | not)'
t_jq "core tasks: entries smaller than the decoder reads, in errors; none attached" "$tmp/ct-size.json" \
	'(.errors[1].message == "decoder: the core tasks record of scheduler 0 has 48-byte tasks, fewer than the 56 this decoder reads: left out") and ([.schedulers[0].tasks[] | has("runtime_ns") or has("ddsp")] | any | not)'
t_check "core tasks: summary says it too" grep -qx "error -22: decoder: the core tasks record of scheduler 0 has 3 tasks, its core record 4: left out" <("$DEC" summary "$tmp/ct-nr.bin")
"$MK" --bad-core-tasks len "$tmp/ct-len.bin"
expect_fail "core tasks: entries past the record's end" 2 "record type 22 .* inconsistent lengths" decode "$tmp/ct-len.bin"
# scxdump redact: no address in the record, copied as it is
"$DEC" redact "$tmp/core.bin" "$tmp/core-r.bin" >/dev/null 2>&1
t_check "core tasks: redact keeps them (decode of the copy the same)" \
	jq -e -n '[input | .schedulers[0].tasks[] | del(.storage)] == [input | .schedulers[0].tasks[] | del(.storage)]' \
	<("$DEC" decode "$tmp/core.bin") <("$DEC" decode "$tmp/core-r.bin")
t_check "... as redact-check.py compares a dump and its copy" python3 "$top/tests/dumps/redact-check.py" \
	<("$DEC" decode --hex "$tmp/core.bin") <("$DEC" decode --hex "$tmp/core-r.bin") "$tmp/core.bin" "$tmp/core-r.bin"
# scxdump diff leaves out what changes in any two captures (runtime,
# switches, last run) and shows what does not (a direct dispatch done)
"$MK" --core --later "$tmp/core-later.bin"
t_jq "core tasks: diff shows the direct dispatch gone, not runtimes, switches or last runs" \
	<("$DEC" diff "$tmp/core.bin" "$tmp/core-later.bin") \
	'[.schedulers[] | .path] == [".schedulers[id=5].tasks[pid=5].ddsp"]'
"$DEC" diff "$tmp/good.bin" "$tmp/core.bin" >"$tmp/core.diff" 2>"$tmp/core.err"
t_eq "core: diff against a dump without core state exits 0 (no overflow under UBSan)" "0 0" "$? $(grep -c 'runtime error' "$tmp/core.err")"

# scxdump diff: the same synthetic scheduler captured again with known
# changes (mkdump --later)
"$MK" --later "$tmp/later.bin"
"$DEC" diff "$tmp/good.bin" "$tmp/later.bin" >"$tmp/diff.json"
t_eq "diff: exit 0" 0 $?
t_jq "diff: a is capture 7, b capture 8, one scheduler" "$tmp/diff.json" \
	'.a.capture_seq == 7 and .b.capture_seq == 8 and .a.scheduler == "synthetic" and .schedulers == []'
t_jq "diff: a typed field across zero, by BTF path, with its delta" "$tmp/diff.json" \
	'[.maps[] | select(.name == "vals") | .changes[]] == [{path: ".entries[key=0].value.i", old: 41, new: -5, delta: -46}, {path: ".entries[key=1].value.in.s", old: -300, new: 300, delta: 600}]'
t_jq "diff: a key gone and a key new, counted" "$tmp/diff.json" \
	'.maps[] | select(.name == "raw_hash") | .entries == {added: 1, removed: 1, changed: 0, same: 2} and ([.changes[].path] == [".entries[key=21]", ".entries[key=41]"])'
t_check "diff: a per-CPU u64 up to 2^64-1, delta exact (no double rounding)" \
	grep -qF '{"path":".entries[key=0].values[0]","old":1000,"new":18446744073709551615,"delta":18446744073709550615}' "$tmp/diff.json"
t_jq "diff: nothing else changed (raw bytes beside values not compared)" "$tmp/diff.json" \
	'.nr_changes == 5 and ([.maps[] | select(.changes != []) | .name] == ["vals", "raw_hash", "pcpu"])'
t_jq "diff: a dump against itself, no change" <("$DEC" diff "$tmp/good.bin" "$tmp/good.bin") '.nr_changes == 0'
t_check "diff --text: old -> new (delta)" \
	grep -qxF '  .entries[key=0].value.i: 41 -> -5 (-46)' <("$DEC" diff --text "$tmp/good.bin" "$tmp/later.bin")
expect_fail "diff: one file" 1 "diff takes exactly two FILEs" diff "$tmp/good.bin"
expect_fail "diff: a truncated second dump" 2 "truncated" diff "$tmp/good.bin" "$tmp/trunc.bin"
expect_fail "diff: a future version" 3 "version 99" diff "$tmp/future.bin" "$tmp/good.bin"
expect_fail "diff: --map is no diff option" 1 "no --map" diff --map vals "$tmp/good.bin" "$tmp/later.bin"
expect_fail "--text is only diff's" 1 "option of diff" decode --text "$tmp/good.bin"
expect_fail "missing file" 4 "No such file" decode "$tmp/nonexistent.bin"
expect_fail "a directory" 4 "a directory, not a dump file" decode "$tmp"
expect_fail "unknown command" 1 "unknown command" frobnicate "$tmp/good.bin"
expect_fail "no file" 1 "exactly one FILE" decode
expect_fail "unknown option" 1 "usage" decode --bogus "$tmp/good.bin"
expect_fail "no arguments" 1 "usage" 
# a --map the dump lacks is an error of every command taking --map
expect_fail "decode --map of a map the dump lacks" 1 "^scxdump: .*: no map named nosuch$" decode --map vals --map nosuch "$tmp/good.bin"
expect_fail "... with --format bpftool too" 1 "^scxdump: .*: no map named nosuch$" decode --format bpftool --map nosuch "$tmp/good.bin"
expect_fail "... and html" 1 "^scxdump: .*: no map named nosuch$" html --map nosuch "$tmp/good.bin"
# an option a command does not take is refused, not ignored
expect_fail "summary --pretty refused" 1 "^scxdump: --pretty is an option of decode, info, diff, timeline, events and trace$" summary --pretty "$tmp/good.bin"
expect_fail "html --pretty refused" 1 "^scxdump: --pretty is an option of" html --pretty "$tmp/good.bin"
expect_fail "summary --map refused" 1 "^scxdump: --map is an option of decode and html$" summary --map vals "$tmp/good.bin"
expect_fail "info --map refused" 1 "^scxdump: --map is an option of decode and html$" info --map vals "$tmp/good.bin"
expect_fail "info --vmlinux-btf refused" 1 "^scxdump: --vmlinux-btf is an option of" info --vmlinux-btf "$tmp/good.bin" "$tmp/good.bin"
expect_fail "summary --vmlinux-btf refused" 1 "^scxdump: --vmlinux-btf is an option of" summary --vmlinux-btf "$tmp/good.bin" "$tmp/good.bin"
# getopt's own messages name the tool, not its path or a bare command
expect_fail "an unknown option: 'scxdump: '" 1 "^scxdump: unrecognized option '--bogus'" decode --bogus "$tmp/good.bin"
expect_fail "a missing argument: 'scxdump: '" 1 "^scxdump: option '--map' requires an argument" decode --map
expect_fail "collect's unknown option: 'scxdump collect: '" 1 "^scxdump collect: unrecognized option '--bogus'" collect --bogus
expect_fail "list's unknown option: 'scxdump list: '" 1 "^scxdump list: unrecognized option '--bogus'" list --bogus
t_eq "each bad command line's first message starts with 'scxdump'" "" \
	"$(for a in "decode --bogus x" "decode -Z x" "decode --map" "collect --bogus" "collect -Z" "collect --keep" "list -Z" "list --dir" "html --pretty x" "frobnicate"; do
		"$DEC" $a 2>&1 >/dev/null | head -1 | grep -v '^scxdump: \|^scxdump collect: \|^scxdump list: '; done)"
# --version: the module's version, as dkms.conf and debian/changelog say it
modver=$(sed -n 's/^#define SCXDUMP_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$top/module/scxdump.h")
t_eq "--version prints scxdump and the module's version" "scxdump $modver" "$("$DEC" --version)"
t_eq "... which dkms.conf and debian/changelog give" "$modver $modver" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf") $(sed -n '1s/^scxdump (\([^-]*\)-.*/\1/p' "$top/debian/changelog")"
expect_fail "--version takes nothing more" 1 "^scxdump: --version takes nothing more" --version x
# a missing build dependency is named by its package before any compiler runs
PKG_CONFIG_LIBDIR=/nonexistent make -C "$top/userspace" >"$tmp/deps.out" 2>&1
t_eq "build without libbpf, yajl, libdeflate: refused" 2 $?
t_check "... naming libbpf-dev, libyajl-dev and libdeflate-dev, no compiler run" sh -c \
	"grep -q 'missing build dependencies: libbpf-dev libyajl-dev libdeflate-dev' '$tmp/deps.out' && ! grep -q ' -c -o ' '$tmp/deps.out'"
make -C "$top" module KDIR=/nonexistent >"$tmp/kdeps.out" 2>&1
t_eq "module build without kernel headers: refused" 2 $?
t_check "... naming linux-headers-$(uname -r)" grep -q "install linux-headers-$(uname -r)" "$tmp/kdeps.out"
t_done

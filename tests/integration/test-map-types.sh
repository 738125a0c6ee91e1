#!/usr/bin/env bash
# Every map type a sched_ext scheduler can hold (tests/sched/scxmaps*),
# captured in the guest and checked on the host against the values the
# scheduler and its loader put in; then the same with low caps.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script map-types
f=$dir/maps.json
"$DEC" decode "$dir/maps.bin" >"$f"
t_check "dump decodes" test -s "$f"
m() { printf '.maps[] | select(.name == "%s")' "$1"; }

t_jq "all map types present, with inner maps" "$f" '[.maps[] | "\(.name):\(.type)"] | sort == (["sxm_ops:struct_ops", "masks:array", "arena:arena", "pc_arr:percpu_array", "pc_hash:percpu_hash", "lru_pc_hash:lru_percpu_hash", "lru_hash:lru_hash", "task_st:task_storage", "cg_st:cgrp_storage", "inode_st:inode_storage", "sk_st:sk_storage", "rb:ringbuf", "urb:user_ringbuf", "stacks:stack_trace", "progs:prog_array", "outer_arr:array_of_maps", "outer_hash:hash_of_maps", "queue:queue", "stack:stack", "lpm:lpm_trie", "bloom:bloom_filter", "sxm_inner_a:array", "sxm_inner_h:array", "scxmaps_.bss:array", "scxmaps_.data:array", "scxmaps_.rodata:array"] | sort)'
t_jq "scheduler ops flags and timeout as registered" "$f" '.schedulers[0].ops.timeout_ms == 5000'
if kernel_lacks event_counters; then
	t_jq "no event counters in this kernel, and the dump says so" "$f" '(.schedulers[0].event_counters | not) and any(.absent[]; .feature == "event_counters")'
else
	t_jq "sched_ext event counters by name" "$f" '.schedulers[0].event_counters | length >= 10 and (keys | all(startswith("SCX_EV_"))) and (.SCX_EV_SELECT_CPU_FALLBACK | type) == "number"'
fi
t_jq "program statistics: enqueue ran at least as often as it counted" "$f" '(.schedulers[0].programs | map({(.name): .}) | add) as $p | ($p.sxm_enqueue.run_cnt >= 400) and ($p.sxm_enqueue.run_time_ns > 0) and ($p.sxm_init.run_cnt == 1)'
t_jq "no map errors, nothing unsupported or truncated" "$f" '.errors == [] and all(.maps[]; .status == "ok" and (.unsupported | not) and (.truncated | not))'

# the per-CPU maps hold a value per possible CPU of the guest (its sysfs):
# scxmaps wrote CPU c's as (c + 1) * 1000 + key, and {a: c * 100 + k, k}
ncpu=$(cat "$dir/nr_cpu_ids")
t_jq "PERCPU_ARRAY: every key, a value per CPU ($ncpu), differing per CPU" "$f" "$(m pc_arr) | .nr_entries == 8 and all(.entries[]; .key as \$k | .values == [range($ncpu) | (. + 1) * 1000 + \$k])"
t_jq "PERCPU_HASH: every entry, per-CPU struct values" "$f" "$(m pc_hash) | ([.entries[].key] | sort) == [1,2,3,4,5] and all(.entries[]; .key as \$k | .values == [range($ncpu) | {a: (. * 100 + \$k), k: \$k}])"
t_jq "LRU_PERCPU_HASH: every entry, per-CPU values" "$f" "$(m lru_pc_hash) | ([.entries[].key] | sort) == [11,12,13,14,15] and all(.entries[]; (.key - 10) as \$k | [.values[].a] == [range($ncpu) | . * 100 + \$k])"
t_jq "cpumask kptrs rendered as CPU lists" "$f" "$(m masks) | [.entries[].value | {cpus: .mask.cpus, tag}] == [{cpus: \"0-1\", tag: 14940}, {cpus: \"1\", tag: 14941}]"
t_jq "LRU_HASH: every entry" "$f" "$(m lru_hash) | ([.entries[].key] | sort) == [range(100; 120)] and all(.entries[]; .value == 3 * .key)"

t_jq "TASK_STORAGE: many tasks, owner pid/tgid match the stored ones" "$f" "$(m task_st) | .nr_entries > 20 and all(.entries[]; .key.owner == \"task\" and .key.pid == .value.pid and .key.tgid == .value.tgid and .value.magic == 31324)"
t_jq "TASK_STORAGE: PID 1 with its comm" "$f" "$(m task_st) | any(.entries[]; .key.pid == 1 and (.key.comm | length) > 0)"
t_jq "CGRP_STORAGE: root and child cgroup by id and path" "$f" "$(m cg_st) | all(.entries[]; .key.id == .value.id) and any(.entries[]; .key.path == \"/\" and .value.level == 0) and any(.entries[]; .key.path == \"/sxm\" and .value.level == 1)"
# the loader stores three files' inodes (/etc/hostname, /etc/passwd,
# /bin/sh) and prints a line for each: every one must be there
t_eq "INODE_STORAGE: the loader stored 3 inodes" 3 "$(grep -c '^inode ' "$dir/loader.out")"
t_jq "INODE_STORAGE: 3 entries" "$f" "$(m inode_st) | .nr_entries == 3 and (.entries | length) == 3"
while read -r _ idx path ino dev; do
	t_jq "INODE_STORAGE: $path by inode number and device" "$f" "$(m inode_st) | any(.entries[]; .value.idx == $idx and .value.magic == $((0x1d0 + idx)) and .key.ino == $ino and .key.dev == \"$dev\")"
done < <(grep '^inode ' "$dir/loader.out")
t_jq "SK_STORAGE: socket by family, addresses, ports" "$f" "$(m sk_st) | .entries == [{key: {owner: \"socket\", family: \"inet\", src: \"127.0.0.1\", sport: 40123, dst: \"127.0.0.1\", dport: 40124}, value: {idx: 7, magic: 471}}]"

# Arena: four list pages, not adjacent, linked by user addresses.
a='.maps[] | select(.name == "arena")'
t_jq "ARENA: user_vm_start and mapped pages only" "$f" "$a | .info.user_vm_start == \"0x10000000000\" and .info.nr_pages == .nr_entries and .nr_entries == 5"
for p in 1:1:111:0x10000005000 2:5:222:0x10000009000 3:9:333:0x10000014000 4:20:444:0x10000001000; do
	IFS=: read -r i pg val next <<<"$p"
	addr=$(printf '0x%x' $((0x10000000000 + pg * 4096)))
	hex=$(python3 -c "import struct,sys; print(struct.pack('<QQ', $val, $next).hex())")
	t_jq "ARENA: node $i on page $pg ($addr): value $val, next $next" "$f" "$a | any(.entries[]; .key == \"$addr\" and (.value | startswith(\"$hex\")))"
done
t_jq "ARENA: the arena global, in its page" "$f" "$a | any(.entries[]; .value | startswith(\"e4a4e4a4e4a4e4a4\"))"
t_check "ARENA: arena globals rendered by name" python3 - "$f" <<'PY'
import json, sys
a = [m for m in json.load(open(sys.argv[1]))["maps"] if m["name"] == "arena"][0]
assert a["arena_globals"] == {"arena_magic": 0xa4e4a4e4a4e4a4e4}, a.get("arena_globals")
PY
t_jq ".bss: the arena pointer followed through the ring of nodes, the cycle closed" "$f" "$(m scxmaps_.bss) | .entries[0].value | .arena_err == 0 and .list_head.addr == \"0x10000001000\" and ([.list_head.target | recurse(.next.target; . != null) | .value] == [111, 222, 333, 444]) and .list_head.target.next.target.next.target.next.target.next == {addr: \"0x10000001000\", seen: true}"
t_jq "ARENA: a page the scheduler only faulted on (the scratch page) is not captured" "$f" "($(m scxmaps_.data) | .entries[0].value.scratch_read == 0) and ($a | all(.entries[]; .key != \"0x1000001e000\"))"

t_jq "RINGBUF: positions and the unconsumed records" "$f" "$(m rb) | .info | .capacity == 16384 and .consumer_pos == 0 and .producer_pos == 48 and .unconsumed_bytes == 48 and ([.records[].data_hex] == [\"010000000100edfe\", \"020000000200edfe\", \"030000000300edfe\"])"
t_jq "USER_RINGBUF: the loader's unconsumed records" "$f" "$(m urb) | .info | .producer_pos == 32 and ([.records[].data_hex] == [\"650000000100efbe\", \"660000000200efbe\"])"
t_jq "STACK_TRACE: traces symbolised at capture" "$f" "$(m stacks) | .nr_entries > 0 and any(.entries[]; any(.value.frames[]; test(\"_sxm_switch\\\\+\")) and any(.value.frames[]; test(\"^__schedule\\\\+\")))"
t_jq "STACK_TRACE: every frame has a symbol" "$f" "$(m stacks) | all(.entries[].value.frames[]; test(\"^[A-Za-z_].*\\\\+0x\"))"

tail_id=$(sed -n 's/^tail prog id //p' "$dir/loader.out")
ia=$(sed -n 's/^inner sxm_inner_a id //p' "$dir/loader.out")
ih=$(sed -n 's/^inner sxm_inner_h id //p' "$dir/loader.out")
t_jq "PROG_ARRAY: populated slot with the program's id and name" "$f" "$(m progs) | .entries == [{key: 2, value: {kind: \"prog\", id: $tail_id, name: \"sxm_tail\"}}]"
t_jq "ARRAY_OF_MAPS: slot 1 holds the inner map, by id" "$f" "$(m outer_arr) | [.entries[] | {key, id: .value.id}] == [{key: 1, id: $ia}]"
t_jq "HASH_OF_MAPS: key 7 holds the other inner map" "$f" "$(m outer_hash) | [.entries[] | {key, id: .value.id}] == [{key: 7, id: $ih}]"
t_jq "inner maps captured with their values" "$f" "($(m sxm_inner_a) | [.entries[].value] == [11,22,33,44] and .id == $ia) and ($(m sxm_inner_h) | [.entries[].value] == [7,14,21,28])"
t_jq "QUEUE: contents oldest first, not popped" "$f" "$(m queue) | [.entries[].value] == [10,20,30,40,50] and .info.count == 5"
t_jq "STACK: contents top first" "$f" "$(m stack) | [.entries[].value] == [3,2,1]"
t_jq "LPM_TRIE: every prefix and value" "$f" "$(m lpm) | [.entries[] | {p: .key.prefixlen, a: .key.addr, v: .value}] | sort_by(.p) == [{p: 8, a: [10,0,0,0], v: 1}, {p: 16, a: [10,1,0,0], v: 2}, {p: 24, a: [192,168,1,0], v: 3}]"
t_jq "LPM_TRIE: read after the stop (its walk allocates), the plain maps in it" "$f" \
	"($(m lpm) | .in_snapshot == false) and ($(m pc_hash) | .in_snapshot) and (.capture.snapshot.consistent)"
t_jq "BLOOM_FILTER: hash count, bit count, bitset" "$f" "$(m bloom) | .info | .nr_hash_funcs == 3 and .nr_bits >= 64 and .bits_set > 0 and .bits_set <= 30 and (.bitset_hex | length) == .nr_bits / 4"
t_jq "STRUCT_OPS: sched_ext_ops by field name, from the embedded kernel BTF" "$f" "$(m sxm_ops) | .btf.from == \"kernel\" and .entries[0].value.data.name == \"scxdump_maps\" and .entries[0].value.data.timeout_ms == 5000"
t_jq "STRUCT_OPS: its programs by name" "$f" "$(m sxm_ops) | ([.info.programs[].name] | sort) == [\"sxm_cgroup_init\", \"sxm_enqueue\", \"sxm_init\", \"sxm_init_task\"] and (.info.state == \"ready\" or .info.state == \"inuse\")"
t_jq "kernel BTF embedded once" "$f" '[.btf_objects[] | select(.kind == "vmlinux")] | length == 1'

# Low caps: a valid dump that says what it left out.
c=$dir/caps.json
"$DEC" decode "$dir/caps.bin" >"$c"
t_check "low caps: dump still decodes" test -s "$c"
t_jq "low caps: under max_dump_bytes, marked truncated" "$c" '.capture.dump_bytes <= 1048576 and .capture.truncated == true and .capture.bytes_omitted > 0'
t_jq "low caps: the kernel BTF left out, and said so" "$c" 'any(.errors[]; .message | test("kernel BTF"))'
t_jq "low caps: task storage cut at max_map_bytes, count of the rest" "$c" "$(m task_st) | .truncated and .nr_omitted > 0 and (.reason | test(\"max_map_bytes\")) and .nr_entries > 0"
t_jq "low caps: arena pages (over the per-map limit) all left out, counted" "$c" "$(m arena) | .truncated and .nr_entries == 0 and .nr_omitted == 5 and .nr_omitted_is == \"exact\""
t_jq "low caps: small maps complete" "$c" "$(m queue) | [.entries[].value] == [10,20,30,40,50] and (.truncated | not)"

t_guest_log_clean
t_done

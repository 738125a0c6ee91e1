#!/usr/bin/env bash
# Arena state behind an sdt-style allocator (tests/sched/scxarena.bpf.c):
# each task's payload lives in an arena slot, task storage points at the
# slot through a pointer to a struct the program's BTF only declares
# (struct sdt_data), and so does the allocator's root (struct sdt_desc).
# Captured on demand and at the planned failure, the dump must list the
# allocator with every live slot, typed, and nothing freed, and render each
# task's storage through its slot to the payload the scheduler wrote; and
# the task kptrs the scheduler holds as the tasks' pid, tgid and comm, and
# its cgroup kptrs as the cgroups' id, level and name.
# Its bump allocator (sxa_bump, the scx library's struct bump) must be
# listed with both its blocks, and the .bss pointers into them rendered
# with their block and offset and the values ops.init wrote.
set -uo pipefail
. "$(dirname "$0")/common.sh"

MAGIC=$((0xa7e4a000)) CFG_MAGIC=$((0xc0f16000)) HIST_MAGIC=$((0x41570000))
guest_script arena
out=$dir/loader.out
live=$(sed -n 's/^live \([0-9]*\)$/\1/p' "$out" | sort)
gone=$(sed -n 's/^gone \([0-9]*\)$/\1/p' "$out" | sort)
t_eq "the loader started its children and freed the leavers' slots" "failed=0" \
	"$(sed -n 's/^ready .* \(failed=[0-9]*\)$/\1/p' "$out")"
t_check "... $(echo "$live" | wc -w) staying, $(echo "$gone" | wc -w) gone" \
	test "$(echo "$live" | wc -w)" -ge 8 -a "$(echo "$gone" | wc -w)" -ge 4
printf '%s\n' $live >"$dir/live.pids"
ready_live=$(sed -n 's/^ready alloc=\([0-9]*\) free=\([0-9]*\) .*/\1 - \2/p' "$out")
ready_live=$((${ready_live:-0 - 1000}))
sxa_cgid=$(cat "$dir/sxa.cgid" 2>/dev/null)
printf '%s\n' $gone >"$dir/gone.pids"

for run in od exit; do
	case $run in od) what="on demand" ;; *) what="at failure" ;; esac
	f=$dir/$run.json
	"$DEC" decode "$dir/$run.bin" >"$f" || t_fail "$what: the dump decodes"
	a='.allocators[0]'
	t_jq "$what: one sdt allocator, found by its shape, listed first: sxa_allocator in .bss" "$f" \
		"([.allocators[] | select(.kind == \"sdt\")] | length) == 1 and $a.kind == \"sdt\" and $a.name == \"sxa_allocator\" and (.maps[$a.map_index].name | endswith(\".bss\"))"
	t_jq "$what: its geometry: 48-byte elements, an 8-byte header, 3 levels of 512" "$f" \
		"$a | .element_size == 48 and .header_size == 8 and .payload_size == 40 and .levels == 3 and .fanout == 512"
	t_jq "$what: the declared-only structs said so" "$f" \
		"$a | (.header_size_why | test(\"sdt_data is only declared\")) and (.layout_why | test(\"sdt_desc is only declared\"))"
	t_jq "$what: the payload typed as struct sxa_payload, the one pointed-at struct of its size" "$f" \
		"$a | .payload_type == \"struct sxa_payload\" and (.payload_type_how | test(\"pointer\"))"
	t_jq "$what: every slot read, each header naming its own index" "$f" \
		"$a | .nr_unreadable == 0 and .nr_index_mismatch == 0 and .nr_live == .nr_listed and ([.slots[] | .idx == .index and .payload.slot_index == .index] | all)"
	t_jq "$what: as many live slots as the scheduler allocated and did not free" "$f" \
		"(.maps[] | select(.name | endswith(\".bss\")) | .entries[0].value) as \$b | if (.maps[] | select(.name | endswith(\".bss\")) | .in_snapshot) and (.maps[] | select(.name == \"arena\") | .in_snapshot) then $a.nr_live == \$b.nr_alloc - \$b.nr_free else ($a.nr_live - (\$b.nr_alloc - \$b.nr_free)) | fabs <= 8 end"
	# the scheduler's own count, as its loader printed it once its children
	# were ready (alloc - free); since then the guest's few commands forked
	# and exited, each a slot taken and freed
	t_jq "$what: as many live slots as the loader counted when ready ($ready_live), within 8" "$f" \
		"($a.nr_live - ${ready_live:--1000}) | fabs <= 8"
	jq -r "$a.slots[] | select(.payload.comm == \"scxarena\") | \"\(.payload.pid) \(.payload.magic)\"" "$f" |
		sort >"$dir/$run.slots"
	bad=$(awk -v m=$MAGIC 'function xor(a, b,  r, i, x, y) { r = 0; i = 1; while (a || b) { x = a % 2; y = b % 2; if (x != y) r += i; a = int(a / 2); b = int(b / 2); i *= 2 } return r } xor($1, m) != $2 { print $1 }' "$dir/$run.slots" | head -3)
	t_eq "$what: each payload's magic is SXA_MAGIC ^ its pid" "" "$bad"
	t_eq "$what: a live slot for every staying child, its pid in its payload" "" \
		"$(cut -d' ' -f1 "$dir/$run.slots" | comm -23 "$dir/live.pids" - | head -3)"
	t_eq "$what: no live slot for a child gone (its slot freed)" "" \
		"$(cut -d' ' -f1 "$dir/$run.slots" | comm -12 "$dir/gone.pids" - | head -3)"
	t_jq "$what: each child's task storage followed through its slot to its payload" "$f" \
		"[.maps[] | select(.name == \"sxa_tasks\") | .entries[] | select(.key.pid as \$p | [$(echo $live | tr ' ' ',')] | index(\$p))] as \$e | (\$e | length) == $(echo "$live" | wc -w) and ([\$e[] | .value.data.slot.allocator == \"sxa_allocator\" and .value.data.slot.index == .value.tid.idx and .value.data.target.pid == .key.pid and .value.data.target.comm == \"scxarena\"] | all)"
	t_jq "$what: each task kptr as its task's identity, the pid and tgid the scheduler stored beside it" "$f" \
		"[.maps[] | select(.name == \"sxa_kptrs\") | .entries[].value] as \$k | (\$k | length) == 4 and ([\$k[] | (.task | type) == \"object\" and .task.pid == .pid and .task.tgid == .tgid and (.task.comm | length) > 0 and (.task.addr | startswith(\"0xff\"))] | all)"
	t_eq "$what: the kptrs hold the loader's last four children, each named scxarena" \
		"$(sed -n 's/^live \([0-9]*\)$/\1 scxarena/p' "$out" | tail -4 | sort)" \
		"$(jq -r '.maps[] | select(.name == "sxa_kptrs") | .entries[].value.task | "\(.pid) \(.comm)"' "$f" | sort)"
	t_jq "$what: each cgroup kptr as its cgroup's identity, the id and level the scheduler read beside it, the root's (path /) among them" "$f" \
		"[.maps[] | select(.name == \"sxa_cgrps\") | .entries[].value | select(.cgrp != \"0x0\")] as \$c | (\$c | length) >= 2 and ([\$c[] | (.cgrp | type) == \"object\" and .cgrp.cgroup_id == .id and .cgrp.level == .level] | all) and ([\$c[] | select(.level == 0) | .cgrp.path] == [\"/\"])"
	t_jq "$what: the cgroup the test made, by its id: named sxa, level 1, path /sxa" "$f" \
		"[.maps[] | select(.name == \"sxa_cgrps\") | .entries[].value.cgrp | objects | select(.cgroup_id == ${sxa_cgid:--1})] as \$m | (\$m | length) == 1 and \$m[0].level == 1 and \$m[0].name == \"sxa\" and \$m[0].path == \"/sxa\""
	t_jq "$what: the u64 the program casts to an arena pointer rendered as one (inferred), through its slot" "$f" \
		"(.maps[] | select(.name | endswith(\".bss\")) | .entries[0].value.newest_slot) as \$n | (.maps[] | select(.name | endswith(\".data\")) | .entries[0].value.newest_idx_seen) as \$seen | \$n.inferred == true and \$n.slot.allocator == \"sxa_allocator\" and \$n.slot.index == \$seen and (\$n.target.slot_index == \$seen or \$n.seen == true)"
	t_jq "$what: u64 fields no instruction dereferences stay numbers (counters, the task pointer tptr)" "$f" \
		"(.maps[] | select(.name | endswith(\".bss\")) | .entries[0].value | (.nr_alloc | type) == \"number\" and (.nr_enqueued | type) == \"number\") and ([.maps[] | select(.name == \"sxa_tasks\") | .entries[].value.tptr | type == \"number\"] | all)"
	# read live after a stop that copied the arena, a task forked between
	# points at a slot the dump does not have: its data says so (no target)
	t_jq "$what: every task's storage reaches a payload with that task's pid (read after the arena's copy: a task forked since has no payload, and says why)" "$f" \
		"(.maps[] | select(.name == \"sxa_tasks\")) as \$s | (.maps[] | select(.name == \"arena\") | .in_snapshot) as \$a | [\$s.entries[] | .value.data.target.pid == .key.pid] | length > 50 and (if \$s.in_snapshot and \$a then all else ([\$s.entries[] | select(.value.data.target.pid != .key.pid) | .value.data | (has(\"target\") | not) and (.reason | test(\"no live slot\"))] | all) and ([\$s.entries[] | .value.data.target.pid == .key.pid] | map(select(.)) | length > 50) end)"
	# the bump allocator: a struct sxa_cfg (3016 bytes) at 8 of the first
	# block, a struct sxa_cpu (16) per CPU after it, the struct sxa_hist
	# (2048) at 8 of the second
	b='(.allocators[] | select(.kind == "bump"))'
	bss='(.maps[] | select(.name | endswith(".bss")) | .entries[0].value)'
	t_jq "$what: one bump allocator, found by its shape: sxa_bump in .bss, one-page blocks" "$f" \
		". as \$d | ([.allocators[] | select(.kind == \"bump\")] | length) == 1 and ($b | .name == \"sxa_bump\" and .block_size == 4096 and (\$d.maps[.map_index].name | endswith(\".bss\")))"
	t_jq "$what: its two blocks followed from the newest, what it says it took (cur_memusage 8192 of 16384)" "$f" \
		"$b | .nr_blocks == 2 and .chain_cut == false and .chain_unreadable == false and .cur_memusage == 8192 and .lim_memusage == 16384 and .blocks[1].start == .memory and .blocks[0].bytes_used_at_most == 4096 and .blocks[1].bytes_used == 2056 and .off == 2056"
	t_jq "$what: the config pointer: block 0 at 8, its magic and the CPUs it counted" "$f" \
		"$bss.sxa_cfg as \$c | \$c.bump == {allocator: \"sxa_bump\", block: 0, offset: 8} and \$c.target.magic == $CFG_MAGIC and \$c.target.max_slots == 4096 and \$c.target.nr_cpus == ([.capture.nr_cpu_ids, 64] | min)"
	t_jq "$what: each CPU's state in block 0 after the config, its cpu number in it, enqueues counted" "$f" \
		"$bss as \$v | \$v.sxa_cfg.target.nr_cpus as \$n | [range(\$n) as \$i | \$v.sxa_cpus[\$i] | .bump.block == 0 and .bump.offset == 3024 + 16 * \$i and .target.cpu == \$i] | length == \$n and all and ([\$v.sxa_cpus[:\$n][].target.nr_enqueues] | add) > 0 and ([\$v.sxa_cpus[\$n:][]] | all(. == \"0x0\"))"
	t_jq "$what: the history in block 1 at 8 (it did not fit block 0), its magic, enqueued pids in its ring" "$f" \
		"$bss.sxa_hist as \$h | \$h.bump == {allocator: \"sxa_bump\", block: 1, offset: 8} and \$h.target.magic == $HIST_MAGIC and \$h.target.nr > 0 and ([\$h.target.ring[] | select(. > 0)] | length) > 0"
done
t_jq "on demand: the scheduler running" "$dir/od.json" '.capture.trigger == "request"'
t_jq "on demand, with a 100 ms budget: the arena and the task storage copied in one stop" "$dir/od.json" \
	'.capture.snapshot.budget_ns == 100000000 and ([.maps[] | select(.name == "arena" or .name == "sxa_tasks") | .in_snapshot] == [true, true])'
t_jq "at failure: the planned error, before exit_task freed any slot" "$dir/exit.json" \
	'.capture.trigger == "exit" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF" and (.schedulers[0].exit.message | test("planned failure, [0-9]+ slots live"))'
t_jq "at failure: the slots the error message counted are the live ones" "$dir/exit.json" \
	'(.schedulers[0].exit.message | capture("failure, (?<n>[0-9]+) slots").n | tonumber) as $n | .allocators[0].nr_live >= $n - 8 and .allocators[0].nr_live <= $n + 8'
t_eq "summary: the allocator's line" "allocator sxa_allocator: $(jq .allocators[0].nr_live "$dir/exit.json") live slots of 48 bytes (struct sxa_payload)" \
	"$("$DEC" summary "$dir/exit.bin" | grep '^allocator sxa_allocator:')"
t_eq "summary: the bump allocator's line" "allocator sxa_bump (bump): 2 blocks of 4096 bytes, 2056 bytes used in the newest" \
	"$("$DEC" summary "$dir/exit.bin" | grep '^allocator sxa_bump ')"
# the kernel's scx_sdt: no struct in its BTF for the payload (its
# struct scx_stats is used only through locals), so payloads stay bytes
if [ -s "$dir/sdt.skip" ]; then
	if kernel_lacks sched_ext_examples; then
		echo "skip - scx_sdt: $(cat "$dir/sdt.skip")"
	else
		t_fail "scx_sdt: skipped on $(cat "$dir/krel"), a 7.x kernel: $(cat "$dir/sdt.skip")"
	fi
else
	f=$dir/sdt.json
	"$DEC" decode "$dir/sdt.bin" >"$f" || t_fail "scx_sdt: the dump decodes"
	t_jq "scx_sdt: its allocator found: scx_task_allocator, 56-byte slots, 3 levels of 512" "$f" \
		'(.allocators | length) == 1 and (.allocators[0] | .name == "scx_task_allocator" and .element_size == 56 and .header_size == 8 and .levels == 3 and .fanout == 512)'
	t_jq "scx_sdt: every slot read, each header naming its own index" "$f" \
		'.allocators[0] | .nr_unreadable == 0 and .nr_index_mismatch == 0 and .nr_live > 20 and ([.slots[] | .idx == .index] | all)'
	t_jq "scx_sdt: no payload type guessed, and why" "$f" \
		'.allocators[0] | .payload_type == null and (.payload_type_why | test("no pointer"))'
	t_check "scx_sdt: each task's storage reaches its slot, whose payload holds the task's pid (scx_stats.pid)" \
		python3 - "$f" "$dir/sdt.pids" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pids = {int(l) for l in open(sys.argv[2]) if l.strip()}
es = [e for m in d["maps"] if m["name"] == "scx_task_map" for e in m["entries"]]
seen = set()
for e in es:
    v = e["value"]
    s = v["data"]["slot"]
    assert s["allocator"] == "scx_task_allocator" and s["index"] == v["tid"]["idx"], e
    pid = int.from_bytes(bytes.fromhex(v["data"]["target"])[4:8], "little")
    assert pid == e["key"]["pid"], (pid, e)
    seen.add(pid)
assert pids <= seen, pids - seen
PY
fi
t_guest_log_clean
t_done

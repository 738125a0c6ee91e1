#!/usr/bin/env bash
# Every recipe of docs/jq-recipes.md, run on a dump of the map-types
# scheduler (those on the core state, .cpus/.dsqs/.tasks, on a dump of
# the core scheduler: tasks parked on its DSQs, an RT task on a CPU; those
# on .stall and diff on the stall test's warning and exit dumps, those on
# the timeline on the timeline test's exit dump, those on allocators,
# slots and bump blocks on the arena test's exit dump, those on events on
# a dump with them, skipped with a message when the run has none): each must exit 0,
# print nothing on stderr, and answer what the test schedulers
# (tests/sched/) put in their maps and their loaders logged. A recipe
# without an expected answer here fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}
# the integration tests' run directories: one per test, or a batch's
runs=${1:-$GUEST_ROOT/opt/scxdump/runs}
dump=$runs/map-types/maps.bin
core=$runs/core/exit.bin
# the stall test's dumps: its warning (the first) and its exit dump (the last)
stall_warn=$(ls "$runs"/stall/run-1-*.bin 2>/dev/null | head -1)
stall_exit=$(ls "$runs"/stall/run-1-*.bin 2>/dev/null | tail -1)
# the timeline test's stall, recorded: its exit dump (the last)
tl_exit=$(ls "$runs"/timeline/stall-*.bin 2>/dev/null | tail -1)
# the arena test's exit dump: per-task state in an allocator's slots
arena=$runs/arena/exit.bin
# a dump with the event recorder's record (scxdump events exits 0 on it):
# one with a stall record too if any (the recipe on the task that
# stalled), the event recorder's tests' first; none: those recipes skip
ev_dump='' ev_stall=''
while IFS= read -r f; do
	"${DEC%/build-san/scxdump}/build/scxdump" events --until -9223372036854775807 "$f" >/dev/null 2>&1 || continue
	[ -z "$ev_dump" ] && ev_dump=$f
	if "$DEC" info "$f" 2>/dev/null | jq -e '.stall != null' >/dev/null; then
		ev_stall=$f
		break
	fi
done < <({ find "$runs" -path '*event*' -name '*.bin' -type f; find "$runs" -path '*stall*' -name '*.bin' -type f
	   find "$runs" -name '*.bin' -type f; } 2>/dev/null | awk '!seen[$0]++')
ev_dump=${ev_stall:-$ev_dump}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$dump" ] || { t_fail "a map-types dump to run the recipes on ($dump)"; t_done; exit 1; }

# What the test schedulers and their loaders put in, and the guests' facts.
maps_ncpu=$(cat "$runs/map-types/nr_cpu_ids" 2>/dev/null)
core_ncpu=$(cat "$runs/core/nr_cpu_ids" 2>/dev/null)
core_out=$runs/core/exit.out
# the SCHED_FIFO loop and its CPU (the capture's own thread is an RT task
# too, so at least one CPU runs one; the loop, when running, on its CPU,
# but RT throttling may have paused it)
rt_pid=$(awk '$1 == "rt" { print $2 }' "$core_out" 2>/dev/null)
rt_cpu=$(awk '$1 == "rt" { print $3 }' "$core_out" 2>/dev/null)
# scxcore parks in order; the first parked has waited longest (or as long:
# runnable_ms counts jiffies): pid, DSQ
read -r first_pid first_dsq < <(awk '$1 == "park" { print $2, $3; exit }' "$core_out" 2>/dev/null)
victim=$(sed -n 's/^victim \([0-9]*\)$/\1/p' "$runs/stall/loader-1.out" 2>/dev/null)
# the stall scheduler's count of enqueues, as its loader printed it after
# the exit capture (bypass enqueues nothing more through it)
stall_enq=$(sed -n 's/^scxstall: state .* enqueues \([0-9]*\),.*/\1/p' "$runs/stall/loader-1.out" 2>/dev/null)
# the arena loader's staying children, each with a live slot
arena_live=$(sed -n 's/^live \([0-9]*\)$/\1/p' "$runs/arena/loader.out" 2>/dev/null | paste -sd,)
# the stall warning's capture sequence number: its file name (dumps/SEQ)
warn_seq=$(basename "${stall_warn:-x-0}" .bin | sed 's/.*-0*//')

# The expected answers: FRAGMENT of the recipe's command, then a jq filter
# on its output (a string; lines, json and jsonl parse it) that must give
# exactly true. Values: tests/sched/scxmaps* (map-types: fails after 400
# enqueues, lru_hash 100..119 = 3 * key, pc_arr CPU c = (c + 1) * 1000 +
# key, the ring buffer's 3 records, the arena list 111..444), scxcore*
# (SXC_SLICE, SXC_MAGIC 0x5c0e ^ pid, DSQ 100 4 tasks, DSQ 200 3),
# scxstall* (SXS_TIMEOUT_MS 4000, victim alone on DSQ 77), scxarena*
# (struct sxa_payload of 48-byte slots, the bump blocks, SXA_CFG_MAGIC).
JQDEFS='def lines: split("\n") | map(select(length > 0)); def json: fromjson; def jsonl: lines | map(fromjson);'
declare -a frag want
expect() { frag+=("$1"); want+=("$2"); }
expect '"\(.kind_name): \(.message)"' \
	'. == "SCX_EXIT_ERROR_BPF: scxmaps: planned failure after 400 enqueues\n"'
expect '.exit.backtrace[:4][]' \
	'lines | length == 4 and any(.[]; startswith("scx_bpf_error_bstr+"))'
expect '"\(.name)\t\(.type)\t\(.nr_entries)"' \
	'lines | length == 26 and index(["queue\tqueue\t5"]) != null and index(["stack\tstack\t3"]) != null and index(["lru_hash\tlru_hash\t20"]) != null and index(["pc_arr\tpercpu_array\t8"]) != null and index(["lpm\tlpm_trie\t3"]) != null'
expect '{truncated: .capture.truncated' \
	'json == {truncated: false, maps: [], errors: []}'
expect '.entries[0].value'"'" \
	'json | .arena_err == 0 and .list_head.addr == "0x10000001000"'
expect '--map lru_hash' \
	'jsonl | length == 20 and ([.[][0]] | sort) == [range(100; 120)] and all(.[]; .[1] == 3 * .[0])'
expect 'total: (.values | add)' \
	"json == [range(8) as \$k | {key: \$k, total: ($maps_ncpu * ($maps_ncpu + 1) / 2 * 1000 + $maps_ncpu * \$k)}]"
expect 'select(.key.pid == 1)' \
	'json | .key.pid == 1 and .key.owner == "task" and .value.pid == 1 and .value.magic == 31324'
expect 'group_by(.) | map({(.[0]): length}) | add' \
	'json | type == "object" and ([.[]] | add) > 20 and all(.[]; . >= 1)'
expect 'recurse(.next.target; . != null) | .value]' \
	'json == [111, 222, 333, 444]'
expect '.frames[0]] | group_by(.)' \
	'json | length > 0 and all(.[]; .n >= 1 and (.frame | test("^[A-Za-z_].*\\+0x")))'
expect 'select(.type == "struct_ops") | {name' \
	'json | .name == "scxdump_maps" and .timeout_ms == 5000 and ([.programs[].name] | sort) == ["sxm_cgroup_init", "sxm_enqueue", "sxm_init", "sxm_init_task"]'
expect '.info.records' \
	'json | [.[].data_hex] == ["010000000100edfe", "020000000200edfe", "030000000300edfe"]'
expect '(map(.runnable_ms) | max) as $m' \
	"json | length >= 1 and all(.[]; .comm == \"scxcore\") and any(.[]; .pid == ${first_pid:-0} and .dsq == ${first_dsq:-0} and .storage.task_ctx.magic == $((0x5c0e ^ ${first_pid:-0})) and .storage.task_ctx.park_order == 1)"
expect 'sort_by(-.nr)[]' \
	'lines | index(["100\tuser\t4"]) != null and index(["200\tuser\t3"]) != null'
expect 'select(.curr.class == "rt")' \
	"jsonl | length >= 1 and ([.[].cpu] | unique | length) == length and all(.[]; .curr.class == \"rt\" and .curr.policy == \"SCHED_FIFO\" and .cpu >= 0 and .cpu < ${core_ncpu:-0} and (.curr.pid != ${rt_pid:-0} or .cpu == ${rt_cpu:--1}))"
expect '{cpu, curr: .curr.comm, by_class' \
	"jsonl | [.[].cpu] == [range(${core_ncpu:-0})] and all(.[]; .by_class | type == \"object\")"
expect '.stall // empty' \
	"json | .warning_seq == ${warn_seq:-0} and .timeout_ms == 4000 and .warning_ms_before > 0 and any(.tasks[]; startswith(\"scxstall[${victim:-0}] \"))"
expect 'scxdump diff --text' \
	"lines | .[0] == \"map scxstall.bss:\" and ([.[] | capture(\"^  \\\\.entries\\\\[key=0\\\\]\\\\.value\\\\.nr_enqueued: (?<o>[0-9]+) -> (?<n>[0-9]+) \\\\(\\\\+[0-9]+\\\\)\$\") | (.o | tonumber) < (.n | tonumber) and (.n | tonumber) <= ${stall_enq:-0}] == [true])"
expect '.timeline.samples[] | [.ms_before_capture' \
	'lines | map(split("\t") | map(tonumber)) | length >= 15 and all(.[]; length == 2) and ([range(1; length) as $i | .[$i][1] >= .[$i - 1][1]] | all) and ([.[][0]] | . == (sort | reverse))'
expect '.timeline.samples[-5:][]' \
	'jsonl | length == 5 and all(.[]; .depths["77"] == 1)'
expect 'scxdump timeline DUMP | tail -20' \
	'lines | length == 20 and any(.[]; test("^seq [0-9]+ \\([0-9]+ ms before the capture\\):$")) and any(.[]; test("^  \\.maps\\[name=\".*\\.bss\"\\]\\.entries\\[key=0\\]\\.value\\.nr_enqueued: [0-9]+ -> [0-9]+ \\(\\+[0-9]+\\)$"))'
# the event recorder's (on whatever scheduler wrote the dump: times at or
# before the failure, types and fields as docs/json.md gives them)
# shellcheck disable=SC2016 # jq's $p
expect '.events[] | select([.pid, .prev_pid, .next_pid] | index($p))' \
	'jsonl | length <= 10 and all(.[]; .ms <= 0 and (.cpu | type) == "number" and (.type | test("^[a-z_]+$")))'
expect 'events --json --cpu 3 --last 20' \
	'lines | all(.[]; test("^-?[0-9.e-]+ ms: -?[0-9]+ "))'
expect 'startswith("insert")) and .dsq_id == 100' \
	'jsonl | all(.[]; .ms <= 0 and (.slice | type) == "number" and (.enq_flags | type) == "number")'
expect 'scxdump events --dsq 100' \
	'lines | (.[0] | startswith("events of scheduler load ")) and (.[1] | startswith("per CPU, kept/overwritten/torn:")) and all(.[2:][]; test(" dsq 100 | ==== failure: "))'
expect 'select(.kind == "sdt") | {name' \
	'jsonl | length == 1 and (.[0] | .name == "sxa_allocator" and .element_size == 48 and .payload_type == "struct sxa_payload" and .nr_live > 0)'
expect 'select(.kind == "sdt") | .slots[]' \
	"jsonl | [.[].payload.pid] as \$p | length > 0 and ([${arena_live:-0}] - \$p) == [] and all(.[]; (.index | type) == \"number\")"
expect 'select(.kind == "bump") | {name' \
	'jsonl | length == 1 and (.[0] | .name == "sxa_bump" and .block_size == 4096 and .nr_blocks == 2 and .off == 2056 and (.blocks | length) == 2)'
expect 'select(has("bump"))] | map({bump, target})' \
	"json | [.[].bump] as \$b | (\$b | index([{allocator: \"sxa_bump\", block: 0, offset: 8}])) != null and (\$b | index([{allocator: \"sxa_bump\", block: 1, offset: 8}])) != null and any(.[]; .target.magic == $((0xc0f16000)))"
expect 'has("slot")) | .target][0]}' \
	"jsonl | length > 50 and all(.[]; .state.pid == .pid) and ([${arena_live:-0}] - [.[].pid]) == []"

n=0
while IFS= read -r line; do
	cmd=${line#*\$ }
	n=$((n + 1))
	d=$dump
	[[ $cmd =~ \.(cpus|dsqs|tasks)[^a-z_] ]] && d=$core
	[[ $cmd =~ \.stall|diff ]] && d=$stall_exit
	[[ $cmd =~ timeline ]] && d=$tl_exit
	[[ $cmd =~ allocators|slot|bump ]] && d=$arena
	if [[ $cmd =~ \.events|scxdump\ events ]]; then
		if [ -z "$ev_dump" ]; then
			printf '# skip - recipe %d: no dump under %s has an events record (the event recorder'"'"'s guest tests write them): %s\n' \
				"$n" "$runs" "${cmd:0:60}"
			continue
		fi
		d=$ev_dump
	fi
	cmd=${cmd//dumps\/00000001/\"$stall_warn\"}
	w=
	for i in "${!frag[@]}"; do
		[[ $cmd == *"${frag[$i]}"* ]] && { w=${want[$i]}; break; }
	done
	out=$(PATH=$(dirname "$DEC"):$PATH && eval "${cmd//DUMP/\"$d\"}" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
	got=$(jq -R -s "$JQDEFS $w" <<<"$out" 2>&1)
	if [ -z "$w" ]; then
		t_fail "recipe $n has an expected answer in this test: $cmd"
	elif [ $rc -eq 0 ] && [ -z "$err" ] && [ "$got" = true ]; then
		t_ok "recipe $n: ${cmd:0:70}"
	else
		t_fail "recipe $n: $cmd"
		printf '#   exit %s, stderr: %s\n#   expected: %s\n#   gave %s on:\n' "$rc" "${err:0:200}" "$w" "${got:0:200}"
		printf '%s\n' "$out" | head -5 | cut -c1-300 | sed 's/^/#   /'
	fi
done < <(grep -E '^    \$ scxdump ' "$top/docs/jq-recipes.md")
t_check "the page has recipes" test "$n" -gt 10
t_done

#!/usr/bin/env bash
# The event recorder (module/recorder.c), in the guest
# (tests/integration/guest-recorder.sh): bad values of events_per_cpu
# refused with why, both ends taken; scxrec's known decisions (A into DSQ
# 100 with its slice, B into DSQ 200 by vtime, a kick of CPU 1 after each
# B, the failure at A's third insert) in the exit dump's events exactly, in
# order, ending at the error and the stop, with switches that chain on
# each CPU and agree with the core state's tasks; a stall's victim: its
# insert into the DSQ nobody consumes and no run after it, in the warning
# and the exit dumps; an on-demand capture while recording, then rmmod with
# the probes firing; with the recorder off, no probe and no events. Then
# `scxdump events` and `scxdump trace` on the exit dump.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script recorder

t_check "bad events_per_cpu values are all refused, each with why" sh -c "
	! grep -q ': accepted' '$dir/out' &&
	for v in 15 65537 x -1; do
		grep -q \"scxdump: events_per_cpu must be 0 (off) or a number from 16 to 65536, not '\$v'\" '$dir/bad.dmesg' || exit 1
	done"
t_check "both ends are taken, each ring as big as asked" sh -c "
	grep -qx 'events: 16 per CPU, [0-9]* hooks, load 0' '$dir/ends-16.status' &&
	grep -qx 'events: 65536 per CPU, [0-9]* hooks, load 0' '$dir/ends-65536.status' &&
	grep -q 'scxdump: event recorder: 65536 events per CPU, 8192 KiB' '$dir/dmesg'"
# the kfuncs traced, by this kernel's names (6.12's until 6.13): the moves
# and DSQ creation by kretprobe (their results), the rest at their entry
case $(cat "$dir/krel") in
6.*)
	kret="scx_bpf_consume scx_bpf_dispatch_from_dsq scx_bpf_create_dsq"
	kent="scx_bpf_dispatch scx_bpf_dispatch_vtime scx_bpf_kick_cpu scx_bpf_error_bstr"
	;;
*)
	kret="scx_bpf_dsq_move_to_local scx_bpf_dsq_move_to_local___v2 scx_bpf_dsq_move scx_bpf_create_dsq"
	kent="scx_bpf_dsq_insert scx_bpf_dsq_insert___v2 scx_bpf_dsq_insert_vtime scx_bpf_kick_cpu scx_bpf_task_set_slice scx_bpf_error_bstr"
	;;
esac
t_check "on: the moves and DSQ creation have kretprobes ($kret)" sh -c "
	for f in $kret; do grep -qE \"^[0-9a-f]+ +r +\$f\\+\" '$dir/on.kprobes' || { echo \"\$f missing\"; exit 1; }; done"
t_check "on: the other kfuncs are traced at their entry ($kent), without a kprobe" sh -c "
	for f in $kent; do grep -qE \"^\$f \" '$dir/on.ftrace' && ! grep -qE \" \$f\\+\" '$dir/on.kprobes' ||
		{ echo \"\$f not traced\"; exit 1; }; done"

# 1: the known sequence
read -r a b loader < <(sed -n 's/^scxrec: a \([0-9]*\) b \([0-9]*\) loader \([0-9]*\)$/\1 \2 \3/p' "$dir/seq.out")
t_check "seq: scxrec ran A ($a) and B ($b) and sched_ext disabled it at A's third insert" sh -c "
	[ -n '$a' ] && [ -n '$b' ] &&
	grep -qxE 'scxrec: state disabled, inserts of A 3, of B [23], kicks [23]' '$dir/seq.out'"
x=$dir/seq.json
"$DEC" decode "$dir/seq.bin" >"$x"
t_check "seq: the JSON is strict JSON" python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$x"
t_jq "seq: stopped by the failure, SCX_EXIT_ERROR_BPF; nothing overwritten or torn" "$x" '
	.events_info | .flags == ["stopped"] and .stop_kind_name == "SCX_EXIT_ERROR_BPF" and
	.stop_ns > 0 and all(.cpus[]; .overwritten == 0 and .torn == 0) and .per_cpu == 1024'
t_jq "seq: A's and B's decisions and the kicks, exactly, in order: A 100, B 200 by vtime, kick 1, twice, then A's third insert and the error from sxr_enqueue" "$x" "
	[.events[] | select((.type == \"insert\" and .pid == $a) or (.type == \"insert_vtime\" and .pid == $b) or
		.type == \"kick\" or .type == \"error\") |
		if .type == \"insert\" then [\"A\", .dsq_id, .slice]
		elif .type == \"insert_vtime\" then [\"B\", .dsq_id, .slice, .vtime]
		elif .type == \"kick\" then [\"kick\", .kicked_cpu, .flags]
		else [\"error\", .prog] end] ==
	[[\"A\", 100, 7654321], [\"B\", 200, 3456789, 1592590337], [\"kick\", 1, 0],
	 [\"A\", 100, 7654321], [\"B\", 200, 3456789, 1592590338], [\"kick\", 1, 0],
	 [\"A\", 100, 7654321], [\"error\", \"sxr_enqueue\"]]"
t_jq "seq: the story ends at the error then the stop (SCX_EXIT_ERROR_BPF), its last two events" "$x" '
	.events[-2:] | map(.type) == ["error", "exit"] and .[1].exit_kind_name == "SCX_EXIT_ERROR_BPF" and
	.[1].t_ns == 0 and .[0].t_ns < 0 and .[0].cpu == .[1].cpu'
t_jq "seq: every event before the stop, none after it" "$x" 'all(.events[]; .t_ns <= 0)'
# A runs on after its failing insert until the disable's bypass: it may
# wake B a third time, which the scheduler counts and the recorder, stopped
# at the failure, does not
t_jq "seq: the scheduler's own counts agree (.bss: nr_a 3; nr_b, nr_kicks 2, or 3 with one after the failure, not recorded)" "$x" '
	[.maps[] | select(.name | endswith(".bss"))][0].entries[0].value as $v |
	$v.nr_a == 3 and ($v.nr_b == 2 or $v.nr_b == 3) and $v.nr_kicks == $v.nr_b and
	([.events[] | select(.type == "insert_vtime")] | length) == 2'
t_jq "seq: DSQs 100 and 200 created (result 0) when it loaded" "$x" \
	'[.events[] | select(.type == "dsq_create") | [.dsq_id, .result]] == [[100, 0], [200, 0]]'
t_jq "seq: A taken from DSQ 100 into a local DSQ (move_to_local true) and run, twice or more, never after its third insert" "$x" "
	([.events[] | select(.type == \"insert\" and .pid == $a)][-1].ts_ns) as \$last |
	([.events[] | select(.type == \"move_to_local\" and .dsq_id == 100 and .result == true)] | length) >= 2 and
	([.events[] | select(.type == \"switch\" and .next_pid == $a and .ts_ns < \$last)] | length) >= 2 and
	([.events[] | select(.type == \"switch\" and .next_pid == $a and .ts_ns > \$last)] | length) == 0"
t_jq "seq: on each CPU the switches chain: each one's next is the following one's prev" "$x" '
	[.events[] | select(.type == "switch")] | group_by(.cpu) |
	all(.[]; sort_by(.seq) | . as $s | all(range(1; length); $s[. - 1].next_pid == $s[.].prev_pid)) and length >= 1'
t_jq "seq: switches agree with the core state: a task listed there has the tgid the switch says, and A and B are scxrec" "$x" "
	(.schedulers[0].tasks | map({key: (.pid | tostring), value: .}) | from_entries) as \$t |
	([.events[] | select(.type == \"switch\") | [.prev_pid, .prev_tgid], [.next_pid, .next_tgid] |
	  select(\$t[.[0] | tostring]) | \$t[.[0] | tostring].tgid == .[1]] | all) and
	\$t[\"$a\"].comm == \"scxrec\" and \$t[\"$b\"].comm == \"scxrec\" and
	([.events[] | select(.type == \"insert\" and .pid == $a)][0].comm == \"scxrec\")"

t_jq "seq: the core state's tasks, enriched: A and B children of the loader ($loader), each ran and slept (voluntary switches), when they last ran; nothing pending a direct dispatch" "$x" "
	.errors == [] and (.schedulers[0].tasks | map({key: (.pid | tostring), value: .}) | from_entries) as \$t |
	all(\$t[\"$a\"], \$t[\"$b\"]; .parent_tgid == $loader and .runtime_ns > 0 and .nvcsw >= 2 and .nivcsw >= 0 and
		.last_ran_ns > 0 and .last_ran_ago_ms >= 0 and .ddsp == null) and
	(\$t[\"$loader\"].parent_tgid | type) == \"number\" and all(\$t[]; has(\"runtime_ns\") and has(\"ddsp\"))"

# scxdump events and trace on it
"$DEC" events --pid "$a" "$dir/seq.bin" >"$dir/seq-events.txt"
t_eq "events: exits 0" 0 $?
t_check "events --pid A: A's three inserts into DSQ 100 and the failure's line, the stop last" sh -c "
	[ \$(grep -cE ' insert +pid $a \\(scxrec\\) +dsq 100 slice 7654321 ' '$dir/seq-events.txt') -eq 3 ] &&
	tail -1 '$dir/seq-events.txt' | grep -q '==== failure: exit kind SCX_EXIT_ERROR_BPF ===='"
"$DEC" events --dsq 200 --last 1000 "$dir/seq.bin" >"$dir/seq-events-200.txt"
t_check "events --dsq 200: B's two vtime inserts, nothing of DSQ 100" sh -c "
	[ \$(grep -cE ' insert_vtime +pid $b ' '$dir/seq-events-200.txt') -eq 2 ] &&
	! grep -q 'dsq 100' '$dir/seq-events-200.txt'"
"$DEC" trace "$dir/seq.bin" >"$dir/seq-trace.json"
t_eq "trace: exits 0" 0 $?
t_check "trace: Chrome trace-event JSON: every event has its fields, no two slices overlap on a CPU, A ran on a track, the failure marked" \
	python3 - "$dir/seq-trace.json" "$a" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
a = int(sys.argv[2])
for e in ev:
    for k in ("ph", "name", "pid"):
        assert k in e, ("missing", k, e)
    if e["ph"] != "M":
        assert "ts" in e and "tid" in e, e
    if e["ph"] == "X":
        assert e["dur"] >= 0, e
tracks = {}
for e in ev:
    if e["ph"] == "X":
        tracks.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"]))
assert tracks, "no slice"
for tid, s in tracks.items():
    s.sort()
    for (b0, e0), (b1, e1) in zip(s, s[1:]):
        assert b1 >= e0 - 1e-6, ("overlap on", tid, (b0, e0), (b1, e1))
assert any(e["ph"] == "X" and e.get("args", {}).get("pid") == a for e in ev), "no slice of A"
assert any(e["ph"] == "i" and e.get("s") == "g" and e["name"] == "failure" for e in ev), "no failure marker"
flows = {}
for e in ev:
    if e["ph"] in ("s", "f"):
        flows.setdefault(e["id"], []).append(e["ph"])
assert flows and all(sorted(v) == ["f", "s"] for v in flows.values()), "unpaired flows"
EOF

# 2: the stall
victim=$(sed -n 's/^victim \([0-9]*\)$/\1/p' "$dir/stall.out")
stall_dumps
t_check "stall: the victim ($victim) stalled: a warning dump and an exit dump" sh -c "
	[ -n '$victim' ] && [ -n '$warn' ] && [ -n '$exitd' ]"
for w in warn exit; do
	f=$exitd
	[ $w = warn ] && f=$warn
	"$DEC" decode "${f:-/dev/null}" >"$dir/stall-$w.json"
	t_jq "stall, $w dump: the victim's last decision is an insert into DSQ 77, which nobody consumes, and it never ran after it" \
		"$dir/stall-$w.json" "
		[.events[] | select(.pid == $victim and (.type | startswith(\"insert\")))][-1] as \$i |
		\$i.dsq_id == 77 and
		([.events[] | select(.type == \"switch\" and .next_pid == $victim and .ts_ns > \$i.ts_ns)] | length) == 0 and
		([.events[] | select(.type == \"move_to_local\" and .dsq_id == 77)] | length) == 0"
done
t_jq "stall: the warning was taken while recording; the exit dump stopped at SCX_EXIT_ERROR_STALL, its last event" \
	"$dir/stall-warn.json" '.events_info.flags == ["live"] and .events_info.stop_ns == 0'
t_jq "stall: ... the exit dump" "$dir/stall-exit.json" '
	.events_info.flags == ["stopped"] and .events_info.stop_kind_name == "SCX_EXIT_ERROR_STALL" and
	.events[-1].type == "exit" and .events[-1].exit_kind_name == "SCX_EXIT_ERROR_STALL"'

# 3: live
t_check "live: the capture and rmmod while recording ran" sh -c "
	grep -qx 'capture: ok' '$dir/out' && grep -qx 'rmmod while recording: ok' '$dir/out'"
"$DEC" decode "$dir/live.bin" >"$dir/live.json"
# every event of this insmod is of this load: what a ring lost is what it
# wrote beyond its size
t_jq "live: read while recording; each CPU keeps its last 1024 (or all it wrote), the rest counted overwritten; a ring wrapped" "$dir/live.json" '
	.events_info | .flags == ["live"] and .stop_ns == 0 and
	all(.cpus[]; .nr + .torn == ([.written, 1024] | min) and .overwritten == ([.written - 1024, 0] | max)) and
	any(.cpus[]; .written > 1024)'
t_jq "live: each CPU's events are its last, consecutive (seq), but for torn ones" "$dir/live.json" '
	.events_info.cpus as $c | [.events[]] | group_by(.cpu) |
	all(.[]; .[0].cpu as $n | ($c[] | select(.cpu == $n)) as $k |
		(map(.seq) | sort | .[-1]) == $k.written - 1 and length == $k.nr)'
t_check "the kernel said nothing of the module (no BUG, WARNING, lockdep or KASAN report)" sh -c "
	! grep -E 'BUG:|WARNING:|possible recursive|circular locking|KASAN' '$dir/dmesg'"

# 4: off
t_check "off: no probe, no ring" sh -c "
	grep -qx 'events: off' '$dir/off.status' && ! grep -q 'scx_bpf_' '$dir/off.kprobes' &&
	! grep -q '^scx_bpf_' '$dir/off.ftrace' && grep -q '^drain_descendants\|^scx_ops_bypass' '$dir/off.ftrace'"
"$DEC" decode "$dir/off.bin" >"$dir/off.json"
t_jq "off: the failure's dump has no events" "$dir/off.json" '.events_info == null and .events == null and .capture.trigger == "exit"'

t_done

#!/usr/bin/env bash
# The event recorder's record on synthetic dumps (mkdump --events, its
# comment says which events): the JSON's "events" and "events_info",
# scxdump events and its filters, scxdump trace as Chrome's trace-event
# format, broken records refused, redact copying the record through.
# Runs on the host with the ASan/UBSan build.
set -uo pipefail
. "$(dirname "$0")/common.sh"

if ! { "$MK" --core --events "$tmp/ev.bin" && "$MK" --events "$tmp/ev-nocore.bin" &&
	"$MK" "$tmp/none.bin"; }; then
	t_fail "mkdump --events runs"
	t_done
	exit 1
fi

# strict JSON: Python's parser, no NaN, every string valid
strict() {
	python3 -c 'import json, sys
def no_const(c): raise ValueError("not JSON: " + c)
json.load(open(sys.argv[1], encoding="utf-8", errors="strict"), parse_constant=no_const)' "$1"
}

"$DEC" decode "$tmp/ev.bin" >"$tmp/ev.json" 2>"$tmp/err"
t_eq "decode exits 0 on a dump with events" 0 $?
t_check "the JSON parses with Python's strict json" strict "$tmp/ev.json"
j=$tmp/ev.json
t_jq "events_info: the load, the stop, its kind by the scheduler's name" "$j" \
	'.events_info | .load == 3 and .enable_seq == 5 and .per_cpu == 128 and .stop_ns == 10000000000 and .capture_ns == 10002000000 and .stop_kind == 1025 and .stop_kind_name == "SCX_EXIT_ERROR_BPF" and .flags == ["stopped"] and .times_from == "stop" and .nr_events == 11'
t_jq "events_info: hooks" "$j" \
	'.events_info.hooks == [{name: "sched_switch", kind: "tracepoint", type: "switch"}, {name: "scx_bpf_dsq_insert", kind: "kfunc", type: "insert"}, {name: "sched_ext_event", kind: "tracepoint", type: "scx_event"}]'
t_jq "events_info: per-CPU counts" "$j" \
	'.events_info.cpus == [{cpu: 0, nr: 6, written: 106, overwritten: 100, other: 0, torn: 1, after_stop: 0}, {cpu: 1, nr: 5, written: 205, overwritten: 200, other: 3, torn: 0, after_stop: 2}]'
t_jq "events in (ts, cpu, seq) order across CPUs" "$j" \
	'[.events[] | [.cpu, .seq, .type]] == [[0,100,"switch"],[1,200,"switch"],[0,101,"insert"],[1,201,"move_to_local"],[0,102,"wakeup"],[1,202,"insert_vtime"],[0,103,"kick"],[1,203,"switch"],[0,104,"error"],[1,204,"scx_event"],[0,105,"exit"]]'
t_jq "times: ts_ns, and t_ns from the stop" "$j" \
	'[.events[] | .t_ns] == [-5000000,-4500000,-4000000,-4000000,-3000000,-2500000,-2000000,-1500000,-1000000,-500000,0] and all(.events[]; .ts_ns == 10000000000 + .t_ns)'
ev() { printf '.events[] | select(.cpu == %s and .seq == %s) | del(.cpu, .seq, .ts_ns, .t_ns)' "$1" "$2"; }
t_jq "switch: pids, comms, tgids, state, classes, preempt" "$j" \
	"$(ev 1 203) == {type: \"switch\", prev_pid: 5, prev_comm: \"task5\", prev_tgid: 5, prev_state: 1, prev_class: \"ext\", next_pid: 77, next_comm: \"task77\", next_tgid: 77, next_class: \"ext\", preempt: true}"
t_jq "switch from idle: no comm for pid 0" "$j" \
	"$(ev 0 100) == {type: \"switch\", prev_pid: 0, prev_tgid: 0, prev_state: 0, prev_class: \"idle\", next_pid: 42, next_comm: \"task42\", next_tgid: 42, next_class: \"ext\", preempt: false}"
t_jq "insert: DSQ 100, slice, enq_flags, result" "$j" \
	"$(ev 0 101) == {type: \"insert\", pid: 77, comm: \"task77\", dsq_id: 100, dsq_name: null, slice: 5000000, enq_flags: 0, result: true}"
t_jq "insert_vtime: DSQ 200 with vtime, a void result left out" "$j" \
	"$(ev 1 202) == {type: \"insert_vtime\", pid: 99, comm: \"task99\", dsq_id: 200, dsq_name: null, slice: 3000000, vtime: 123456, enq_flags: 8}"
t_jq "move_to_local: a built-in DSQ as the core state writes it, no task" "$j" \
	"$(ev 1 201) == {type: \"move_to_local\", dsq_id: \"0x8000000000000001\", dsq_name: \"SCX_DSQ_GLOBAL\", enq_flags: 0, result: true}"
t_jq "wakeup: task, target CPU, class" "$j" \
	"$(ev 0 102) == {type: \"wakeup\", pid: 77, comm: \"task77\", tgid: 77, target_cpu: 1, class: \"ext\"}"
t_jq "kick: CPU 1, flags" "$j" \
	"$(ev 0 103) == {type: \"kick\", pid: 42, comm: \"task42\", kicked_cpu: 1, flags: 1}"
t_jq "error: the program's name, its bad byte and ESC escaped" "$j" \
	"$(ev 0 104) == {type: \"error\", pid: 42, comm: \"task42\", prog: \"bad\\\\xff\\u001b[2Jprog\"}"
t_jq "scx_event: a 24-byte name without its NUL, the delta" "$j" \
	"$(ev 1 204) == {type: \"scx_event\", name: \"SELECT_CPU_FALLBACK_LONG\", delta: 3}"
t_jq "exit: the kind and its name" "$j" \
	"$(ev 0 105) == {type: \"exit\", pid: 42, comm: \"task42\", exit_kind: 1025, exit_kind_name: \"SCX_EXIT_ERROR_BPF\"}"
t_jq "no core state: comms from the stall watch's tasks only" <("$DEC" decode "$tmp/ev-nocore.bin") \
	'[.events[] | select(.pid == 77 or .next_pid == 77) | .comm // .next_comm] == ["kworker/3:1", "kworker/3:1", "kworker/3:1"] and ([.events[] | select(.pid == 42) | has("comm")] | any | not)'
t_jq "a dump without the record: null" <("$DEC" decode "$tmp/none.bin") '.events == null and .events_info == null'
t_jq "info leaves the events out" <("$DEC" info "$tmp/ev.bin") 'has("events") or has("events_info") | not'
t_jq "decode --map keeps them" <("$DEC" decode --map vals "$tmp/ev.bin") '(.events | length) == 11 and (.maps | length) == 1'

# scxdump events: the text, and its filters
"$DEC" events "$tmp/ev.bin" >"$tmp/ev.txt" 2>"$tmp/err"
t_eq "events exits 0" 0 $?
t_eq "events: the header" \
	"events of scheduler load 3: 11 kept on 2 CPUs (128 slots each), times from the failure
per CPU, kept/overwritten/torn: 0: 6/100/1 1: 5/200/0" "$(head -2 "$tmp/ev.txt")"
t_eq "events: a line an event, in order, the failure marked after the exit" 14 "$(wc -l <"$tmp/ev.txt")"
t_eq "events: an insert's line" \
	"    -4.000000 ms  cpu 0    insert         pid 77 (task77)  dsq 100 slice 5000000 enq_flags 0x0 result true" \
	"$(grep ' insert ' "$tmp/ev.txt")"
t_eq "events: the failure's line" "     0.000000 ms  ==== failure: exit kind SCX_EXIT_ERROR_BPF ====" "$(tail -1 "$tmp/ev.txt")"
t_eq "events: a hostile name escaped for the terminal" \
	'    -1.000000 ms  cpu 0    error          pid 42 (task42)  prog bad\xff\x1b[2Jprog' "$(grep ' error ' "$tmp/ev.txt")"
t_check "events: no ESC byte reaches the terminal" sh -c "! grep -q \$(printf '\\033') '$tmp/ev.txt'"
# the event lines a filter keeps, as "CPU:type" (the text has no seq)
kept() {
	"$DEC" events "$@" "$tmp/ev.bin" | tail -n +3 | grep -v ' ==== ' |
		awk '{print $4 ":" $5}' | tr '\n' ' '
}
t_eq "--cpu 1" "1:switch 1:move_to_local 1:insert_vtime 1:switch 1:scx_event " "$(kept --cpu 1)"
t_eq "--pid 77: the insert, the wakeup, the switch to it" "0:insert 0:wakeup 1:switch " "$(kept --pid 77)"
t_eq "--pid 5: either side of a switch" "1:switch 1:switch " "$(kept --pid 5)"
t_eq "--dsq 100" "0:insert " "$(kept --dsq 100)"
t_eq "--dsq 0x8000000000000001 (SCX_DSQ_GLOBAL)" "1:move_to_local " "$(kept --dsq 0x8000000000000001)"
t_eq "--last 2: the last 2 ms" "0:kick 1:switch 0:error 1:scx_event 0:exit " "$(kept --last 2)"
t_eq "--since -1500000 --until -1000000" "1:switch 0:error " "$(kept --since -1500000 --until -1000000)"
t_eq "--cpu 0 --pid 42" "0:switch 0:kick 0:error 0:exit " "$(kept --cpu 0 --pid 42)"
t_eq "the failure marked under --cpu 1 too (where it falls)" "1" \
	"$("$DEC" events --cpu 1 "$tmp/ev.bin" | grep -c '==== failure')"
t_eq "no failure line when the window ends before it" "0" \
	"$("$DEC" events --until -1 "$tmp/ev.bin" | grep -c '==== failure')"
t_jq "events --json: the filter applied, events_info whole" <("$DEC" events --json --dsq 200 "$tmp/ev.bin") \
	'keys == ["events", "events_info", "format_version", "json_version"] and ([.events[].seq] == [202]) and .events_info.nr_events == 11'
expect_fail() {	# name status stderr-regex args...
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$DEC" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t_eq "$name (exit $rc, want $want)" "$want" "$rc"
	t_check "$name: says so" grep -qE -e "$re" "$tmp/err"
}
expect_fail "events on a dump without the record" 1 "no events in this dump" events "$tmp/none.bin"
expect_fail "trace on a dump without the record" 1 "no events in this dump" trace "$tmp/none.bin"
expect_fail "--cpu takes a number" 1 "--cpu takes a number, not 'x'" events --cpu x "$tmp/ev.bin"
expect_fail "--since and --last both" 1 "one of --since and --last" events --since -5 --last 3 "$tmp/ev.bin"
expect_fail "--last is events'" 1 "--last is an option of events" decode --last 3 "$tmp/ev.bin"

# scxdump trace: Chrome's trace-event JSON
"$DEC" trace "$tmp/ev.bin" >"$tmp/trace.json" 2>"$tmp/err"
t_eq "trace exits 0" 0 $?
t_check "trace: strict JSON" strict "$tmp/trace.json"
t_check "trace: Chrome's trace-event format, slices apart, flows paired, the failure" python3 - "$tmp/trace.json" <<'EOF'
import json, sys
from collections import defaultdict
d = json.load(open(sys.argv[1]))
assert d["displayTimeUnit"] == "ns", d.keys()
evs = d["traceEvents"]
for e in evs:
    for k in ("ph", "ts", "pid", "tid", "name"):
        assert k in e, (k, e)
    assert isinstance(e["ts"], (int, float)) and e["pid"] == 0, e
meta = {(e["name"], e["tid"]): e["args"]["name"] for e in evs if e["ph"] == "M" and "name" in e["args"]}
assert meta[("process_name", 0)] == "scheduler synthetic", meta
assert meta[("thread_name", 0)] == "CPU 0" and meta[("thread_name", 1)] == "CPU 1", meta
x = defaultdict(list)
for e in evs:
    if e["ph"] == "X":
        assert e["dur"] >= 0, e
        x[e["tid"]].append((e["ts"], e["ts"] + e["dur"], e["name"]))
for tid, sl in x.items():
    sl.sort()
    for a, b in zip(sl, sl[1:]):
        assert a[1] <= b[0] + 1e-9, ("overlap", tid, a, b)
# what each CPU ran, from its first switch to the failure (5000 us after the first event)
assert x[0] == [(0, 5000, "task42")], x[0]
assert x[1] == [(500, 3500, "task5"), (3500, 5000, "task77")], x[1]
s = {e["id"]: e for e in evs if e["ph"] == "s"}
f = {e["id"]: e for e in evs if e["ph"] == "f"}
assert s and s.keys() == f.keys(), (s, f)
for i in s:
    assert f[i]["bp"] == "e" and f[i]["ts"] >= s[i]["ts"], (s[i], f[i])
# the wakeup of 77 on CPU 0 at 2000 us flows to its slice on CPU 1
assert (s[1]["tid"], s[1]["ts"], f[1]["tid"], f[1]["ts"]) == (0, 2000, 1, 3500), (s[1], f[1])
fail = [e for e in evs if e["ph"] == "i" and e.get("s") == "g"]
assert len(fail) == 1 and fail[0]["ts"] == 5000 and fail[0]["args"]["exit_kind_name"] == "SCX_EXIT_ERROR_BPF", fail
inst = sorted(e["name"] for e in evs if e["ph"] == "i" and e.get("s") == "t")
assert inst == sorted(["insert", "move_to_local", "wakeup", "insert_vtime", "kick", "error", "scx_event"]), inst
err = [e for e in evs if e["name"] == "error"][0]
assert err["args"]["prog"] == "bad\\xff\x1b[2Jprog", err
EOF

# broken records: refused with a message, no crash (the sanitizers abort on one)
for bad in nr sum size; do
	"$MK" --core --bad-events "$bad" "$tmp/bad-$bad.bin"
	for cmd in decode events trace; do
		"$DEC" "$cmd" "$tmp/bad-$bad.bin" >/dev/null 2>"$tmp/err"
		t_eq "--bad-events $bad: $cmd exits 2" 2 $?
		t_check "--bad-events $bad: $cmd says the record is inconsistent" \
			grep -q "corrupt dump: record type 21 at offset [0-9]* has inconsistent lengths" "$tmp/err"
	done
	"$DEC" decode --salvage "$tmp/bad-$bad.bin" >"$tmp/salv.json" 2>/dev/null
	t_eq "--bad-events $bad: --salvage reads the records before it (exit 5)" 5 $?
	t_check "--bad-events $bad: the salvaged JSON parses" strict "$tmp/salv.json"
done

# redact: the record holds no kernel address, and is copied as it is
"$DEC" redact "$tmp/ev.bin" "$tmp/red.bin" 2>/dev/null
t_eq "redact copies a dump with events" 0 $?
"$DEC" events --json "$tmp/ev.bin" >"$tmp/ev-orig.json"
"$DEC" events --json "$tmp/red.bin" >"$tmp/ev-red.json"
t_check "redact: the events decode the same" cmp "$tmp/ev-orig.json" "$tmp/ev-red.json"
# diff: events are not compared (every two dumps' differ)
t_jq "diff leaves the events out" <("$DEC" diff "$tmp/ev.bin" "$tmp/none.bin") \
	'[.. | objects | keys[] | select(test("^events"))] == []'
t_done

#!/usr/bin/env bash
# Stranded tasks: a scheduler that stops consuming its own DSQ, so every
# task it schedules, loops reading "status" and writing "control" among
# them, waits there; then it fails: its own error after a few more
# enqueues, or sched_ext's watchdog when too few come. The capture runs after sched_ext's
# bypass, so nothing it waits for can wait on a stranded task: it must
# finish, and the system recover, in every one of 10 runs. Then stranded
# until sched_ext's watchdog fails it: the stall watch's warning capture,
# taken with every task stranded (at 25% of the timeout), finishes too,
# and the exit dump names it.
set -uo pipefail
. "$(dirname "$0")/common.sh"

RUNS=${STRAND_RUNS:-10}
guest_script strand
grep '^run ' "$dir/out" | sed 's/^/# /'

ok=0 recovered=0
for i in $(seq "$RUNS"); do
	grep -qE "^run $i: loader status 0, .*state disabled" "$dir/out" &&
		grep -qE "^run $i: status reads \+[1-9][0-9]*, control writes \+[1-9]" "$dir/out" &&
		recovered=$((recovered + 1))
	for f in "$dir"/strand-$i-*.bin; do
		[ -f "$f" ] || continue
		if [ "$("$DEC" decode "$f" 2>/dev/null | jq '.capture.trigger == "exit" and .schedulers[0].name == "scxdump_bound" and ((.schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF" and (.schedulers[0].exit.message | test("tasks stranded on DSQ 42"))) or .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_STALL") and (.maps[] | select(.name | endswith(".bss")) | .entries[0].value.hold == 1)')" = true ]; then
			ok=$((ok + 1))
			break
		fi
	done
done
t_eq "every run: the loader saw the scheduler fail and sched_ext disable it; the loops went on" "$RUNS" "$recovered"
t_eq "every run: a whole exit dump of the stranding failure, taken with the tasks held" "$RUNS" "$ok"
# stranded until the watchdog: the stall warning, taken with every task held
WARN_RUNS=${STRAND_WARN_RUNS:-2}
wrec=0 wok=0
for i in $(seq "$WARN_RUNS"); do
	grep -qE "^warn $i: loader status 0, .*state disabled" "$dir/out" &&
		grep -qE "^warn $i: status reads \+[1-9]" "$dir/out" &&
		wrec=$((wrec + 1))
	warn= exitf=
	for f in "$dir"/warn-$i-*.bin; do
		[ -f "$f" ] || continue
		case $("$DEC" decode "$f" 2>/dev/null | jq -r '.capture.trigger + " " + (.stall.kind // "-")') in
		"stall_warning warning") [ -n "$warn" ] || warn=$f ;;
		"exit paired") exitf=$f ;;
		esac
	done
	[ -n "$warn" ] && [ -n "$exitf" ] || continue
	# held: every task the warning lists waits on the scheduler's DSQ 42,
	# and so does its loader (its pid in its log), which sleeps and wakes
	# there after setting hold
	lp=$(sed -n 's/^scxbound: enabled pid=\([0-9]*\) .*/\1/p' "$dir/warn-$i.out")
	[ "$("$DEC" decode "$warn" | jq --argjson lp "${lp:--1}" '.schedulers[0].name == "scxdump_bound" and .schedulers[0].exit.kind_name == "SCX_EXIT_NONE" and .stall.threshold_ms == 750 and (.stall.tasks | length > 0 and all(.wait_ms >= 750)) and (.maps[] | select(.name | endswith(".bss")) | .entries[0].value.hold == 1) and
		([.schedulers[0].dsqs[] | select(.id == 42) | .tasks[].pid] as $h | ($h | index([$lp])) != null and all(.stall.tasks[]; .pid as $p | $h | index([$p]) != null))')" = true ] &&
		[ "$("$DEC" decode "$exitf" | jq --argjson w "$("$DEC" decode "$warn" | jq .capture.capture_seq)" '.schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_STALL" and .stall.warning_seq == $w')" = true ] &&
		wok=$((wok + 1))
done
t_eq "stranded until the watchdog: the loader saw it fail, the status loop went on" "$WARN_RUNS" "$wrec"
t_eq "... a stall warning dump taken with every task held (750 ms of 3000: those it lists and the loader on DSQ 42), and the exit dump naming it" "$WARN_RUNS" "$wok"
nreq=0
for f in "$dir"/warn-*.bin; do
	[ -f "$f" ] && [ "$("$DEC" decode "$f" | jq -r .capture.trigger)" = request ] && nreq=$((nreq + 1))
done
t_check "... with a control loop writing beside them ($nreq on-demand dumps in those runs), the warning never behind it" \
	sh -c "[ $nreq -ge 1 ] && grep -qE '^control writes while stranded: [1-9]' '$dir/out'"
t_check "no hung task, lockup or stall reported" sh -c \
	"! grep -qiE 'hung task|blocked for more than|soft lockup|hard lockup|rcu.*(stall|self-detected)' '$dir/dmesg'"
t_guest_log_clean
t_done

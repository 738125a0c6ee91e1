#!/usr/bin/env bash
# Stranded tasks: a scheduler that stops consuming its own DSQ, so every
# task it schedules, loops reading "status" and writing "control" among
# them, waits there; then it fails: its own error after a few more
# enqueues, or sched_ext's watchdog when too few come. The capture runs after sched_ext's
# bypass, so nothing it waits for can wait on a stranded task: it must
# finish, and the system recover, in every one of 10 runs. Then stranded
# until sched_ext's watchdog fails it: the stall watch's warning capture,
# taken with every task stranded (at 25% of the timeout), finishes too,
# with on-demand captures taken beside it through the stall, and the exit
# dump names it.
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
	warn= exitf= kinds=
	for f in "$dir"/warn-$i-*.bin; do
		[ -f "$f" ] || continue
		k=$("$DEC" decode "$f" 2>/dev/null | jq -r '.capture.trigger + " " + (.stall.kind // "-")')
		kinds="$kinds${kinds:+, }${f##*/}: $k"
		case $k in
		"stall_warning warning") [ -n "$warn" ] || warn=$f ;;
		"exit paired") exitf=$f ;;
		esac
	done
	if [ -z "$warn" ] || [ -z "$exitf" ]; then
		echo "# warn $i: no ${warn:+exit dump}${warn:-stall warning} among: ${kinds:-no dumps}"
		continue
	fi
	# held: every task the warning lists waits on the scheduler's DSQ 42,
	# and so does its loader (its pid in its log), which sleeps and wakes
	# there after setting hold. On the DSQ: in its listing (its first
	# core_dsq_tasks) or in tasks[]. What does not hold is printed, one
	# reason a line, and the DSQ's count and the loader's place in it.
	lp=$(sed -n 's/^scxbound: enabled pid=\([0-9]*\) .*/\1/p' "$dir/warn-$i.out")
	wj=$("$DEC" decode "$warn")
	why=$(jq -r --argjson lp "${lp:--1}" '
		([.schedulers[0].dsqs[] | select(.id == 42) | .tasks[].pid] +
		 [.schedulers[0].tasks[] | select(.dsq.id == 42) | .pid] | unique) as $h |
		(if .schedulers[0].name != "scxdump_bound" then "scheduler \(.schedulers[0].name)" else empty end),
		(if .schedulers[0].exit.kind_name != "SCX_EXIT_NONE" then "exit kind \(.schedulers[0].exit.kind_name)" else empty end),
		(if .stall.threshold_ms != 750 then "threshold \(.stall.threshold_ms) ms" else empty end),
		(if (.stall.tasks | length) == 0 then "no task listed" else empty end),
		(.stall.tasks[] | select(.wait_ms < 750) | "pid \(.pid) (\(.comm)) listed at \(.wait_ms) ms"),
		(if [.maps[] | select(.name | endswith(".bss")) | .entries[0].value.hold] != [1] then "hold not 1" else empty end),
		(if ($h | index([$lp])) == null then "loader \($lp) not on DSQ 42 (\($h | length) there, \([.schedulers[0].dsqs[] | select(.id == 42) | .not_listed]) not listed; the loader: \([.schedulers[0].tasks[] | select(.pid == $lp)] | tojson))" else empty end),
		(.stall.tasks[] | .pid as $p | select(($h | index([$p])) == null) | "listed pid \(.pid) (\(.comm)) not on DSQ 42: \(tojson)")' <<<"$wj")
	jq -r --argjson lp "${lp:--1}" --arg i "$i" '.schedulers[0].dsqs[] | select(.id == 42) |
		"# warn \($i): \(.nr) tasks on DSQ 42, \(.listed) listed, the loader \(if ([.tasks[].pid] | index([$lp])) == null then "not among them" else "at \([.tasks[].pid] | index([$lp]))" end)"' <<<"$wj"
	ew=$("$DEC" decode "$exitf" | jq -r --argjson w "$(jq .capture.capture_seq <<<"$wj")" '
		(if .schedulers[0].exit.kind_name != "SCX_EXIT_ERROR_STALL" then "exit dump: exit kind \(.schedulers[0].exit.kind_name)" else empty end),
		(if .stall.warning_seq != $w then "exit dump: warning_seq \(.stall.warning_seq) not \($w)" else empty end)')
	if [ -z "$why$ew" ]; then
		wok=$((wok + 1))
	else
		printf '%s\n%s\n' "$why" "$ew" | sed "/^$/d; s|^|# warn $i (${warn##*/}): |"
	fi
done
t_eq "stranded until the watchdog: the loader saw it fail, the status loop went on" "$WARN_RUNS" "$wrec"
t_eq "... a stall warning dump taken with every task held (750 ms of 3000: those it lists and the loader on DSQ 42), and the exit dump naming it" "$WARN_RUNS" "$wok"
# the loader's SCHED_FIFO thread wrote "capture" through each stall: in
# every run, an on-demand dump taken with the tasks held (its .bss says
# hold), and the warning all the same (above)
nheld=0
for i in $(seq "$WARN_RUNS"); do
	grep "^scxbound: rt captures" "$dir/warn-$i.out" | sed "s/^/# warn $i: /"
	for f in "$dir"/warn-$i-*.bin; do
		[ -f "$f" ] || continue
		if [ "$("$DEC" decode "$f" | jq -r '.capture.trigger + " " + ([.maps[] | select(.name | endswith(".bss")) | .entries[0].value.hold][0] | tostring)')" = "request 1" ]; then
			nheld=$((nheld + 1))
			break
		fi
	done
done
t_eq "... with on-demand captures through each stall (a SCHED_FIFO writer): one taken with every task held in every run, the warning never behind them" "$WARN_RUNS" "$nheld"
t_check "no hung task, lockup or stall reported" sh -c \
	"! grep -qiE 'hung task|blocked for more than|soft lockup|hard lockup|rcu.*(stall|self-detected)' '$dir/dmesg'"
t_guest_log_clean
t_done

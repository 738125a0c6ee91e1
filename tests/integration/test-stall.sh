#!/usr/bin/env bash
# The stall watch (module/stall.c): scxstall starves one task until
# sched_ext's watchdog (4 s) fails it. With stall_warn_pct at its default
# (50), a warning dump is taken while the scheduler still runs, between
# 1/2 and 1 of the timeout, naming that task; the exit dump names the
# warning dump and says how long before the failure it came. With the
# watch off, the exit dump alone. stall_warn_pct takes 0 to 99 only.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script stall
if kernel_lacks stall_warning; then
	echo "skip - this kernel has no stall watch"
	t_done
	exit
fi
t_eq "stall_warn_pct is 50 by default" 50 "$(cat "$dir/pct.default")"
victim=$(sed -n 's/^victim \([0-9]*\)$/\1/p' "$dir/loader-1.out")
t_check "run 1: the loader started the victim ($victim)" test -n "$victim"
t_check "run 1: the watchdog failed the scheduler" grep -qE "^scxstall: state disabl(ing|ed) " "$dir/loader-1.out"

warn=() exitd=()
for f in "$dir"/run-1-*.bin; do
	[ -f "$f" ] || continue
	case $("$DEC" decode "$f" | jq -r .capture.trigger) in
	stall_warning) warn+=("$f") ;;
	exit) exitd+=("$f") ;;
	esac
done
t_eq "run 1: one warning dump" 1 "${#warn[@]}"
t_eq "run 1: one exit dump" 1 "${#exitd[@]}"
if [ "${#warn[@]}" -eq 1 ] && [ "${#exitd[@]}" -eq 1 ]; then
	w=$dir/warning.json x=$dir/exit.json
	"$DEC" decode "${warn[0]}" >"$w"
	"$DEC" decode "${exitd[0]}" >"$x"
	t_jq "warning: scxdump_stall, still running (no exit yet)" "$w" \
		'.schedulers[0].name == "scxdump_stall" and .schedulers[0].exit.kind_name == "SCX_EXIT_NONE"'
	t_jq "warning: the watch's threshold, 50% of the scheduler's 4000 ms" "$w" \
		'.stall.kind == "warning" and .stall.timeout_ms == 4000 and .stall.threshold_ms == 2000 and .stall.warning_seq == .capture.capture_seq'
	t_jq "warning: every CPU past the threshold listed (nr_cpus_waiting = tasks listed)" "$w" \
		'.stall.nr_cpus_waiting == (.stall.tasks | length) and .stall.nr_cpus_waiting >= 1'
	t_jq "warning: names the victim, runnable between 1/2 and 1 of the timeout" "$w" \
		"[.stall.tasks[] | select(.pid == $victim)] | length == 1 and (.[0].wait_ms >= 2000 and .[0].wait_ms < 4000)"
	t_jq "warning: the scheduler's .bss says whom it starved, and it did" "$w" \
		".maps[] | select(.name | endswith(\".bss\")) | .entries[0].value | .starve_pid == $victim and .nr_starved_enqueues >= 1"
	t_jq "warning: the core state has the victim queued on the starving DSQ (77)" "$w" \
		"[.schedulers[0].tasks[] | select(.pid == $victim) | .dsq.id] == [\"0x4d\"] or [.schedulers[0].tasks[] | select(.pid == $victim) | .dsq.id] == [77]"
	t_jq "exit: the watchdog's stall of the victim" "$x" \
		".schedulers[0].exit.kind_name == \"SCX_EXIT_ERROR_STALL\" and (.schedulers[0].exit.message | test(\"\\\\[$victim\\\\] failed to run\"))"
	wseq=$(jq .capture.capture_seq "$w")
	t_jq "exit: names the warning dump ($wseq) and its tasks" "$x" \
		".stall.kind == \"paired\" and .stall.warning_seq == $wseq and ([.stall.tasks[].pid] | index($victim) != null)"
	gap=$(jq -n --slurpfile a "$w" --slurpfile b "$x" '(($b[0].capture.boottime_ns - $a[0].capture.boottime_ns) / 1000000 | floor)')
	t_jq "exit: the warning came $gap ms (by the two captures' clocks) before, less than a timeout" "$x" \
		".stall.warning_ms_before >= $gap and .stall.warning_ms_before < $gap + 1000 and .stall.warning_ms_before < 4000 + 1000"
	"$DEC" summary "${exitd[0]}" >"$dir/exit.summary"
	xseq=$(jq .capture.capture_seq "$x")
	t_check "status: the warning dump ($wseq) and the exit dump that named it ($xseq)" sh -c \
		"grep -qx 'stall_warning_seq: $wseq' '$dir/status-1.txt' && grep -qx 'stall_exit_seq: $xseq' '$dir/status-1.txt' && grep -qx 'stall_warn_pct: 50' '$dir/status-1.txt'"
	t_check "summary of the exit dump: how long before the failure the warning came" \
		grep -qE "^stall warning: dump $wseq, [0-9]+\.[0-9]{3} s before this capture$" "$dir/exit.summary"
	t_check "summary: the victim and its wait" grep -qE "^  scxstall\[$victim\] runnable [0-9]+ ms on CPU [0-9]+$" "$dir/exit.summary"
fi

victim2=$(sed -n 's/^victim \([0-9]*\)$/\1/p' "$dir/loader-2.out")
t_check "run 2 (stall_warn_pct=0): the watchdog failed it again" grep -qE "^scxstall: state disabl(ing|ed) " "$dir/loader-2.out"
n2=0 ok2=0
for f in "$dir"/run-2-*.bin; do
	[ -f "$f" ] || continue
	n2=$((n2 + 1))
	[ "$("$DEC" decode "$f" | jq ".capture.trigger == \"exit\" and .stall == null and (.schedulers[0].exit.message | test(\"\\\\[${victim2:-x}\\\\]\"))")" = true ] && ok2=$((ok2 + 1))
done
t_eq "run 2: the exit dump alone, with no stall record" "1 1" "$n2 $ok2"

t_check "stall_warn_pct: 100, -1 and x refused" test -z "$(grep -E 'stall_warn_pct (100|-1|x): accepted' "$dir/out")"
t_eq "... each with EINVAL" 3 "$(grep -c 'Invalid argument' "$dir/pct.err")"
t_check "... and logged with the range" grep -q "scxdump: stall_warn_pct must be 0 (off) or a number from 1 to 99, not '100'" "$dir/dmesg"
t_check "99, 0 and 50 accepted" sh -c "grep -q 'stall_warn_pct 99: accepted' '$dir/out' && grep -q 'stall_warn_pct 0: accepted' '$dir/out' && grep -q 'stall_warn_pct 50: accepted' '$dir/out'"
t_eq "... the last one holds" 50 "$(cat "$dir/pct.final")"
t_guest_log_clean
t_done

#!/usr/bin/env bash
# Task storage with thousands of owners: the kernel hashes them into a few
# buckets (max(2, roundup_pow_of_two(CPUs))), so each bucket holds
# hundreds. A loader with 3000 sleeping threads, each with storage, is
# captured on demand and at its failure: every thread has its entry, with
# the value the scheduler wrote, and the map count equals the scheduler's
# own count of storages when both were copied in the same stop.
set -uo pipefail
. "$(dirname "$0")/common.sh"

THREADS=${STORAGE_THREADS:-3000}
guest_script storage

for run in od odstop fail; do
	case $run in
	od) what="on demand" ;;
	odstop) what="on demand, in the stop" ;;
	*) what="at failure" ;;
	esac
	pid=$(sed -n 's/.*enabled pid=\([0-9]*\).*/\1/p' "$dir/${run%stop}.out")
	t_eq "$what: the loader ran $THREADS threads" $((THREADS + 1)) "$(wc -l <"$dir/$run.tids")"
	"$DEC" decode "$dir/$run.bin" >"$dir/$run.json"
	jq -r ".maps[] | select(.name == \"task_st\") | .entries[] | select(.key.tgid == $pid) |
		select(.value.pid == .key.pid and .value.tgid == $pid and .value.magic == 2052880988) | .key.pid" \
		"$dir/$run.json" | sort -n >"$dir/$run.dumped"
	t_eq "$what: an entry for every thread, with its value" "" "$(comm -23 "$dir/$run.tids" "$dir/$run.dumped" | head -5)"
	t_jq "$what: nothing left out" "$dir/$run.json" \
		'(.maps[] | select(.name == "task_st")) | .nr_omitted == 0 and .truncated == false and .status == "ok"'
	t_jq "$what: as many entries as the scheduler counted storages" "$dir/$run.json" \
		'(.maps[] | select(.name == "task_st")) as $m | (.maps[] | select(.name | endswith(".bss")) | .entries[0].value.nr_task_st) as $n | if $m.in_snapshot and (.maps[] | select(.name | endswith(".bss")) | .in_snapshot) then $m.nr_entries == $n else $m.nr_entries >= $n - 64 end'
	echo "# $what: $(jq -c '(.maps[] | select(.name == "task_st")) | {nr_entries, in_snapshot}' "$dir/$run.json")"
done
t_jq "in the stop: the storage and the count copied at one instant" "$dir/odstop.json" \
	'(.maps[] | select(.name == "task_st") | .in_snapshot) and (.maps[] | select(.name | endswith(".bss")) | .in_snapshot)'
t_jq "at failure: the planned error" "$dir/fail.json" \
	'.capture.trigger == "exit" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF"'
t_guest_log_clean
t_done

#!/usr/bin/env bash
# Task storage with thousands of owners: the kernel hashes them into a few
# buckets (max(2, roundup_pow_of_two(CPUs))), so each bucket holds
# hundreds. A loader with 3000 sleeping threads, each with storage, is
# captured on demand and at its failure: every thread has its entry, with
# the value the scheduler wrote, and the map count equals the scheduler's
# own count of storages when both were copied in the same stop. With
# threads started and ended all along (--churn), each owner named in the
# stop is its value's task.
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
for run in od odstop fail; do
	t_jq "$run: every owner named from the table taken before the stop when in it, else read from its task" "$dir/$run.json" \
		"(.maps[] | select(.name == \"task_st\")) | .info.kind == \"owners\" and .info.from_table + .info.from_task == .nr_entries and
		 if .in_snapshot then .info.from_table >= $THREADS and .info.table_tasks > $THREADS and .info.table_cut == []
		 else .info.from_table == 0 and .info.table_tasks == 0 end"
done
echo "# in the stop: $(jq -c '.maps[] | select(.name == "task_st") | .info' "$dir/odstop.json")"

# --churn: threads started and ended all along the captures; an owner
# named from the table must be the very task whose storage it is (its
# value's pid and tgid, which the scheduler wrote at the task's init)
CHURN_THREADS=${STORAGE_CHURN_THREADS:-1000}
CHURN_CAPTURES=${STORAGE_CHURN_CAPTURES:-8}
cpid=$(sed -n 's/.*enabled pid=\([0-9]*\).*/\1/p' "$dir/churn.out")
rounds=$(sed -n 's/.*churn: \([0-9]*\) threads started and ended.*/\1/p' "$dir/churn.out")
t_check "churn: threads were started and ended meanwhile ($rounds)" test "${rounds:-0}" -ge 100
found=0 read_=0 in_snap=0
for f in "$dir"/churn-*.bin "$dir/churnfail.bin"; do
	n=${f##*/}
	n=${n%.bin}
	"$DEC" decode "$f" >"$dir/$n.json"
	t_eq "$n: every owner is its value's task (pid, tgid)" "" \
		"$(jq -r '.maps[] | select(.name == "task_st") | .entries[] | select(.value.magic == 2052880988 and (.value.pid != .key.pid or .value.tgid != .key.tgid)) | "\(.key) \(.value)"' "$dir/$n.json" | head -3)"
	# a task being born: init_task (sleepable) created its storage and
	# the stop came before it wrote the value; nothing else is unwritten
	t_jq "$n: a value not written yet is all zero, and only a few tasks' being born (<= 8)" "$dir/$n.json" \
		'[.maps[] | select(.name == "task_st") | .entries[] | select(.value.magic != 2052880988)] | all(.value == {pid: 0, tgid: 0, magic: 0}) and length <= 8'
	[ "$n" = churnfail ] && cpid=$(sed -n 's/.*enabled pid=\([0-9]*\).*/\1/p' "$dir/churnfail.out")
	t_jq "$n: the loader's $CHURN_THREADS sleeping threads have storage" "$dir/$n.json" \
		"[.maps[] | select(.name == \"task_st\") | .entries[] | select(.key.tgid == ${cpid:-0})] | length >= $CHURN_THREADS"
	t_jq "$n: every owner counted, from the table or its task" "$dir/$n.json" \
		'(.maps[] | select(.name == "task_st")) | .info.from_table + .info.from_task == .nr_entries'
	read -r a b s < <(jq -r '.maps[] | select(.name == "task_st") | "\(.info.from_table) \(.info.from_task) \(.in_snapshot)"' "$dir/$n.json")
	found=$((found + ${a:-0})) read_=$((read_ + ${b:-0}))
	[ "$s" = true ] && in_snap=$((in_snap + 1))
done
t_eq "churn: every capture had the storage in its stop" $((CHURN_CAPTURES + 1)) "$in_snap"
t_check "churn: owners named from the table ($found)" test "$found" -ge $((CHURN_THREADS * CHURN_CAPTURES))
echo "# churn: $rounds threads started and ended; owners named from the table $found, read from their task $read_ (forked after it)"
t_jq "churn, failing: the planned error" "$dir/churnfail.json" \
	'.capture.trigger == "exit" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF"'

t_jq "in the stop: the storage and the count copied at one instant" "$dir/odstop.json" \
	'(.maps[] | select(.name == "task_st") | .in_snapshot) and (.maps[] | select(.name | endswith(".bss")) | .in_snapshot)'
t_jq "at failure: the planned error" "$dir/fail.json" \
	'.capture.trigger == "exit" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF"'
t_guest_log_clean
t_done

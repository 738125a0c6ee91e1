#!/usr/bin/env bash
# The core state: scxcore parks 4 tasks on its vtime DSQ (100, vtimes
# smaller the later they come) and 3 on its FIFO DSQ (200), never runs
# them, while a SCHED_FIFO loop holds the other CPU (the one that does not
# take virtio-fs's interrupt, tests/integration/guest-core.sh); every task
# it enqueues has a task_ctx (magic = 0x5c0e ^ pid). At its failure (read before bypass
# empties the DSQs) and on demand, the dump must list those tasks on those
# DSQs in queue order with their vtimes and slice, the RT loop as its CPU's
# current task, each task with its storage joined; small caps cut the
# listings and say so; bad values of the caps are refused at load.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script core

t_check "bad core-state parameters are all refused" sh -c "! grep -q ': accepted' '$dir/out'"
# each refused for its value, with its range (module/main.c), and insmod
# failing for that (invalid parameters), not for some other reason
for r in core_max_tasks:0:1:262144 core_max_dsqs:0:1:65536 core_max_queued:300000:1:262144 \
	core_budget_us:9:10:1000000 core_dsq_tasks:x:1:262144; do
	IFS=: read -r p v lo hi <<<"$r"
	t_check "... $p=$v refused: from $lo to $hi, not '$v'" \
		grep -qF "scxdump: $p must be a number from $lo to $hi, not '$v'" "$dir/bad.dmesg"
done
t_eq "... insmod said so each time (invalid parameters)" 5 "$(grep -ciE 'invalid param' "$dir/bad.err")"
t_check "every loader and capture ran" sh -c "! grep -qE 'loader failed' '$dir/out' && grep -q 'on demand: ok' '$dir/out'"

MAGIC=23566	# SXC_MAGIC, 0x5c0e
for run in exit od; do
	what=$([ $run = exit ] && echo "at failure" || echo "on demand")
	out=$dir/$run.out
	rt_pid=$(awk '$1 == "rt" { print $2 }' "$out")
	rt_cpu=$(awk '$1 == "rt" { print $3 }' "$out")
	# the vtime DSQ in queue order: by vtime; the FIFO DSQ: as parked
	vt=$(awk '$1 == "park" && $3 == 100 { print $5, $2 }' "$out" | sort -n | awk '{ print $2 }' | paste -sd,)
	vts=$(awk '$1 == "park" && $3 == 100 { print $5 }' "$out" | sort -n | paste -sd,)
	ff=$(awk '$1 == "park" && $3 == 200 { print $4, $2 }' "$out" | sort -n | awk '{ print $2 }' | paste -sd,)
	t_eq "$what: the loader parked 4 + 3 tasks" "4 3" \
		"$(echo "$vt" | tr , '\n' | grep -c .) $(echo "$ff" | tr , '\n' | grep -c .)"
	"$DEC" decode "$dir/$run.bin" >"$dir/$run.json" 2>"$dir/$run.err"
	t_check "$what: the dump decodes" test -s "$dir/$run.json"
	j=$dir/$run.json
	if [ $run = exit ]; then
		t_jq "$what: the planned error, read before bypass" "$j" \
			'.schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF" and .schedulers[0].core.when == "before_bypass"'
	else
		t_jq "$what: read live, the scheduler running" "$j" \
			'.schedulers[0].core.when == "live" and .schedulers[0].exit.kind_name == "SCX_EXIT_NONE"'
	fi
	t_jq "$what: nothing cut, nothing faulted" "$j" \
		'.schedulers[0].core | .truncated == [] and .faults == 0 and .tasks_seen == .tasks_listed and .tasks_seen > 7'
	t_jq "$what: DSQ 100 holds the 4 in vtime order ($vt), vtimes $vts" "$j" "
		[.schedulers[0].dsqs[] | select(.id == 100)][0] |
		.kind == \"user\" and .vtime_ordered and .nr == 4 and .not_listed == 0 and
		([.tasks[].pid] | map(tostring) | join(\",\")) == \"$vt\" and
		([.tasks[].dsq_vtime] | map(tostring) | join(\",\")) == \"$vts\" and
		all(.tasks[]; .slice == 7000000 and .weight == 100)"
	t_jq "$what: DSQ 200 holds the 3 in arrival order ($ff)" "$j" "
		[.schedulers[0].dsqs[] | select(.id == 200)][0] |
		.kind == \"user\" and (.vtime_ordered | not) and .nr == 3 and
		([.tasks[].pid] | map(tostring) | join(\",\")) == \"$ff\" and all(.tasks[]; .slice == 7000000)"
	min_ms=$([ $run = exit ] && echo 300 || echo 100)
	t_jq "$what: each parked task runnable for >= $min_ms ms" "$j" "
		[.schedulers[0].dsqs[] | select(.id == 100 or .id == 200) | .tasks[].runnable_ms] |
		length == 7 and min >= $min_ms"
	"$DEC" summary "$dir/$run.bin" >"$dir/$run.summary" 2>&1
	# the loop sleeps 0.2 ms every 20 ms, and RT throttling (the kernel's
	# default 95%) leaves CPU $rt_cpu to the others 50 ms a second: then
	# the loop is asleep or queued there, not running
	cpu=$(jq -c "[.schedulers[0].cpus[] | select(.cpu == $rt_cpu)][0]" "$j")
	if [ "$(jq -r '.curr.pid' <<<"$cpu")" != "$rt_pid" ]; then
		echo "# $what: CPU $rt_cpu was not running the RT loop (throttled?): $cpu"
		# every CPU has a current task (rq->curr: its idle task at
		# least); on this one, none the loader started: neither the
		# loader (its pid in its log) nor a parked task (never run)
		ours=$( (sed -n 's/^scxcore: enabled pid=\([0-9]*\)$/\1/p' "$out"; awk '$1 == "park" { print $2 }' "$out") | paste -sd,)
		t_jq "$what: CPU $rt_cpu, between two runs of the SCHED_FIFO loop ($rt_pid), runs no task of ours ($ours)" "$j" "
			[.schedulers[0].cpus[] | select(.cpu == $rt_cpu)][0] |
			.online and .curr.comm != \"scxcore\" and (.curr.pid | type) == \"number\" and
			(.curr.pid as \$p | [${ours:--1}] | index([\$p]) == null)"
	else
		t_jq "$what: CPU $rt_cpu runs the SCHED_FIFO loop ($rt_pid)" "$j" "
			[.schedulers[0].cpus[] | select(.cpu == $rt_cpu)][0] |
			.online and .curr.pid == $rt_pid and .curr.class == \"rt\" and
			.curr.policy == \"SCHED_FIFO\" and .nr_running_by_class.rt >= 1"
		t_check "$what: summary shows CPU $rt_cpu's RT task" \
			grep -qE "^  cpu $rt_cpu: $rt_pid scxcore \(rt, SCHED_FIFO\)" "$dir/$run.summary"
	fi
	t_jq "$what: every CPU with its local DSQ, and the global DSQ" "$j" '
		.schedulers[0] | (.cpus | length) == ([.dsqs[] | select(.kind == "local")] | length) and
		(.cpus | length) > 1 and ([.dsqs[] | select(.kind == "global")] | length) >= 1'
	# pid -> the magic its task_ctx must hold (jq has no xor)
	magic=$(awk '$1 == "park" { print $2 }' "$out" | while read -r p; do
		printf '"%s": %d\n' "$p" $((MAGIC ^ p)); done | paste -sd,)
	orders=$(awk '$1 == "park" { printf "\"%s\": %s\n", $2, $4 }' "$out" | paste -sd,)
	t_jq "$what: each parked task in .tasks[], on its DSQ, its task_ctx joined" "$j" "
		{$magic} as \$m | {$orders} as \$o |
		[.schedulers[0].tasks[] | select(\$m[.pid | tostring])] |
		length == 7 and all(.[]; .class == \"ext\" and .dsq.id == .storage.task_ctx.park_dsq and
			.storage.task_ctx.magic == \$m[.pid | tostring] and
			.storage.task_ctx.park_order == \$o[.pid | tostring] and
			.cpus_allowed == \"$((rt_cpu ? 0 : 1))\" and .tgid > 0)"
	first=$(awk '$1 == "park" { print $2; exit }' "$out")
	t_check "$what: summary shows the waiters, first $first, and the DSQ depths" sh -c "
		grep -q '^longest waiting:' '$dir/$run.summary' &&
		grep -qE '^  $first scxcore on 100 \(user\), runnable [0-9]+ ms' '$dir/$run.summary' &&
		grep -qx '  100 (user): 4' '$dir/$run.summary' && grep -qx '  200 (user): 3' '$dir/$run.summary' &&
		grep -qE '^  cpu [0-9]+: ' '$dir/$run.summary'"
done

j=$dir/small.json
"$DEC" decode "$dir/small.bin" >"$j" 2>"$dir/small.err"
t_jq "small caps: 3 tasks listed of more, cut said" "$j" \
	'.schedulers[0].core | .tasks_listed == 3 and .tasks_seen > 3 and (.truncated | index("tasks")) != null'
t_jq "small caps: 2 tasks listed per DSQ, the rest counted" "$j" '
	[.schedulers[0].dsqs[] | select(.id == 100 or .id == 200)] | sort_by(.id) |
	map([.id, .listed, .not_listed]) == [[100, 2, 2], [200, 2, 1]]'
t_guest_log_clean
t_done

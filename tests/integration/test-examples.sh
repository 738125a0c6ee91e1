#!/usr/bin/env bash
# The kernel's own example schedulers (tools/sched_ext of linux-source-7.3),
# which nobody here wrote: scx_simple, scx_cpu0, scx_central, scx_flatcg,
# scx_pair and scx_userland. Each dump must hold every map the kernel
# lists for the scheduler as the kernel lists it (bpftool, same id: name,
# type, sizes, max_entries), the maps its source declares, and counters
# the scheduler wrote that lie between the values its loader printed just
# before and just after the capture. The kernel's own disable (sysrq-S)
# and a stall (scx_userland's user-space half stopped) are captured with
# what the scheduler held then. scx_pair's 4096 inner queues are all kept,
# and with max_maps at 1000 the rest are counted in an error record.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script examples
guest_skipped sched_ext_examples
t_eq "every example scheduler built" "" "$(cat "$dir/missing" 2>/dev/null)"

# printed NAME SED_EXPR last|first: a number from scx_NAME's own stat
# lines: the last printed before the on-demand capture began, or the first
# printed after it returned
printed() {
	local out=$dir/$1.out pre mid
	pre=$(cat "$dir/$1.pre") mid=$(cat "$dir/$1.mid")
	if [ "$3" = last ]; then
		sed -n "1,${pre}p" "$out" | sed -n "$2" | tail -1
	else
		sed -n "$((mid + 1)),\$p" "$out" | sed -n "$2" | head -1
	fi
}
# between NAME LABEL SED_EXPR JQ_EXPR: the dump's value of JQ_EXPR (on
# demand) lies between the loader's two printed values
between() {
	local s=$1 label=$2 re=$3 expr=$4 lo hi v
	lo=$(printed "$s" "$re" last) hi=$(printed "$s" "$re" first)
	v=$(jq "$expr" "$dir/$s-od.json")
	t_check "$s: $label in the dump ($v) between the loader's lines before and after (${lo:-none}, ${hi:-none})" \
		test -n "$lo" -a -n "$hi" -a "$v" -ge "${lo:-1}" -a "$v" -le "${hi:-0}"
}
bss='(.maps[] | select(.name | endswith(".bss")) | .entries[0].value)'
stat() { echo "(.maps[] | select(.name == \"stats\") | .entries[] | select(.key == $1) | .values | add)"; }

declare -A maps=(
	[simple]="stats:percpu_array"
	[cpu0]="stats:percpu_array"
	[central]="central_q:queue central_timer:array"
	[flatcg]="stats:percpu_array cpu_ctx:percpu_array cgrp_ctx:cgrp_storage task_ctx:task_storage cgv_node_stash:hash"
	[pair]="pair_ctx:array cgrp_q_arr:array_of_maps cgrp_q_idx_hash:hash"
)
for s in simple cpu0 central flatcg pair; do
	[ -s "$dir/$s-od.bin" ] || { t_fail "$s: captured on demand"; continue; }
	t_eq "$s: enabled under its own name" "$s" "$(cat "$dir/$s.ops")"
	for run in od exit; do
		f=$dir/$s-$run.json
		"$DEC" decode "$dir/$s-$run.bin" >"$f" || t_fail "$s ($run): the dump decodes"
		t_jq "$s ($run): the scheduler named, no error recorded, every map complete" "$f" \
			".schedulers[0].name == \"$s\" and .errors == [] and ([.maps[] | select(.status != \"ok\" or .truncated or .nr_omitted > 0)] | length) == 0"
		for m in ${maps[$s]}; do
			t_jq "$s ($run): its ${m#*:} map ${m%%:*}" "$f" \
				"[.maps[] | select(.name == \"${m%%:*}\" and .type == \"${m#*:}\")] | length == 1"
		done
	done
	n=$(jq '.maps | length' "$dir/$s-od.json")
	same=$(jq --slurpfile k "$dir/$s.maps" '[.maps[] | . as $m | $k[0][] | select(.id == $m.id and (.name // "") == $m.name and .type == $m.type and .bytes_key == $m.key_size and .bytes_value == $m.value_size and .max_entries == $m.max_entries)] | length' "$dir/$s-od.json")
	t_eq "$s: all $n maps of the dump as the kernel lists them (same id: name, type, sizes, max_entries)" "$n" "$same"
	t_jq "$s: disabled by sysrq-S, captured at that exit" "$dir/$s-exit.json" \
		'.capture.trigger == "exit" and .schedulers[0].exit.kind_name == "SCX_EXIT_SYSRQ"'
done

t_jq "central: central_q typed by its definition (s32 pids), though the kernel holds no BTF for queues" "$dir/central-od.json" \
	'.maps[] | select(.name == "central_q") | .btf_index == null and .btf.from == "definition" and .btf.value_type == "s32" and all(.entries[]; .value > 0)'

# counters the schedulers wrote, against their loaders' own lines
between simple "local dispatches (stats[0], summed over CPUs)" 's/^local=\([0-9]*\) global=.*/\1/p' "$(stat 0)"
between simple "global dispatches (stats[1])" 's/^local=[0-9]* global=\([0-9]*\)$/\1/p' "$(stat 1)"
between cpu0 "local dispatches (stats[0])" 's/^local=\([0-9]*\) cpu0=.*/\1/p' "$(stat 0)"
between cpu0 "dispatches to CPU 0 (stats[1])" 's/^local=[0-9]* cpu0=\([0-9]*\)$/\1/p' "$(stat 1)"
between central "nr_total" 's/^total *: *\([0-9]*\) .*/\1/p' "$bss.nr_total"
between central "nr_timers" 's/^timer *: *\([0-9]*\) .*/\1/p' "$bss.nr_timers"
between pair "nr_total" 's/^ total: *\([0-9]*\) .*/\1/p' "$bss.nr_total"
between pair "nr_dispatched" 's/^ total: *[0-9]* dispatch: *\([0-9]*\) .*/\1/p' "$bss.nr_dispatched"

# scx_pair: an array of 4096 maps, each slot a queue the dump holds too
f=$dir/pair-od.json
if [ -s "$f" ]; then
	t_jq "pair: cgrp_q_arr's 4096 slots each name an inner queue, and the dump holds every one" "$f" \
		'[.maps[] | select(.type == "queue") | .id] as $q | (.maps[] | select(.name == "cgrp_q_arr") | [.entries[].value.id]) as $r | ($r | length) == 4096 and ($r - $q) == [] and ($r | unique | length) == 4096'
	t_jq "pair: each non-empty inner queue holds as many entries as its own count says" "$f" \
		'[.maps[] | select(.type == "queue" and .nr_entries > 0)] | length > 0 and all(.[]; .nr_entries == .info.count and .nr_entries <= .max_entries)'
	t_jq "pair: the inner queues typed by cgrp_q_arr's definition (__array(values, struct cgrp_q)), though the kernel holds no BTF for them" "$f" \
		'[.maps[] | select(.type == "queue" and .name == "")] | length == 4096 and all(.[]; .btf_index == null and .btf.from == "definition" and .btf.value_type == "u32")'
	qp=$(jq -r '.maps[] | select(.type == "queue" and .name == "") | .entries[].value' "$f" | sort)
	t_check "pair: the busy tasks among the pids its cgroup queues hold ($(echo $qp))" \
		test -n "$(comm -12 <(printf '%s\n' $qp) <(sort "$dir/pair.busy"))"
	total=$(jq '.maps | length' "$f")
	"$DEC" decode "$dir/pair-max.bin" >"$dir/pair-max.json" || t_fail "pair, max_maps 1000: the dump decodes"
	t_jq "pair, max_maps 1000: 1000 maps, the other $((total - 1000)) counted in an error record" "$dir/pair-max.json" \
		"(.maps | length) == 1000 and .errors == [{errno: -7, message: \"$((total - 1000)) more maps left out: a dump holds at most 1000 (max_maps)\"}]"
	t_jq "pair, max_maps 1000: the scheduler's own maps kept first" "$dir/pair-max.json" \
		'[.maps[] | select(.name == "pair_ctx" or .name == "cgrp_q_arr" or (.name | endswith(".bss")))] | length == 3'
	t_eq "max_maps 15 and 1048577 refused, 65536 kept" "65536" "$(cat "$dir/pair.max_maps_kept")"
	for v in 15 1048577; do
		t_check "... $v refused in the kernel log, with the range" \
			grep -q "scxdump: max_maps must be a number from 16 to 1048576, not '$v'" "$dir/dmesg"
	done
	t_check "... not taken" test -z "$(grep 'taken' "$dir/out")"
else
	t_fail "pair: a dump captured on demand (pair-od.json empty or missing)"
fi

# scx_userland, its user-space half stopped: the watchdog's stall
f=$dir/userland-exit.json
if [ -s "$dir/userland-exit.bin" ]; then
	"$DEC" decode "$dir/userland-exit.bin" >"$f" || t_fail "userland stalled: the dump decodes"
	t_jq "userland stalled: captured at the watchdog's exit" "$f" \
		'.capture.trigger == "exit" and .schedulers[0].name == "userland" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_STALL"'
	t_jq "userland stalled: its enqueued queue typed by its definition (struct scx_userland_enqueued_task), though the kernel holds no BTF for it" "$f" \
		'.maps[] | select(.name == "enqueued") | .btf_index == null and .btf.from == "definition" and .btf.value_type == "struct scx_userland_enqueued_task"'
	t_jq "userland stalled: tasks wait in its enqueued queue, for the stopped half, each a pid and a weight in 1..10000" "$f" \
		'[.maps[] | select(.name == "enqueued") | .entries[].value] | length > 0 and all(.[]; .pid > 0 and .weight >= 1 and .weight <= 10000)'
	pids=$(jq -r '.maps[] | select(.name == "enqueued") | .entries[].value.pid' "$f")
	t_check "userland stalled: the busy tasks among them" \
		test -n "$(comm -12 <(printf '%s\n' $pids | sort) <(sort "$dir/userland.spin"))"
else
	t_fail "userland stalled: a dump captured at the watchdog's exit (userland-exit.bin empty or missing)"
fi
t_guest_log_clean
t_done

#!/usr/bin/env bash
# What the sched_ext selftests left (guest-selftests.sh), checked on the
# host:
#
#   check.sh RUNS_DIR OBJ_DIR STOCK_WITHOUT STOCK_WITH [DEBUG_WITH]
#
# - each run's pass/skip/fail list, and the stock kernel's lists are the
#   same with and without the module (capture of every exit on); with
#   STOCK_WITHOUT "-" (no run without the module: make check makes none,
#   SELFTESTS_BASELINE=1 does), every test passes or skips with it;
# - the debug kernel's list is the stock one but for TIMING_SENSITIVE;
# - every error exit (kind >= SCX_EXIT_ERROR) with the module left a dump
#   that decodes, whose exit kind and message are those of the kernel log,
#   and which holds the scheduler's .bss/.data maps when its object has
#   those sections;
# - every error exit the kernel logged with the module (each run with it)
#   has its dump, by scheduler name and reason;
# - with the module, it was loaded for every test (insmod's error output
#   empty, its status read) and unloaded after it (rmmod's empty);
# - no kernel log has a report of the shared list (tests/lib.sh).
# Prints the table: test, without, with, debug, dump kinds.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}

# Tests whose outcome depends on timing that a KASAN + lockdep kernel
# under TCG does not keep; their debug-kernel result is shown, not
# compared.
TIMING_SENSITIVE=${TIMING_SENSITIVE:-}

runs=$1 obj=$2
shift 2
labels=("$@")
# no run without the module: every test must then pass or skip with it,
# and the debug kernel's results are compared with that run's
baseline=1 ref=${labels[0]}
[ "$ref" != - ] || baseline=0 ref=${labels[1]}

# The reasons sched_ext gives an error exit (kind >= SCX_EXIT_ERROR) in its
# "disabled (REASON)" line (scx_exit_reason(), kernel/sched/ext/ext.c).
ERROR_REASONS='runtime error|scx_bpf_error|runnable task stall|reenqueue limit|rescue bandwidth overload'
# How many dumps a run with the module keeps (keep_dumps=64, guest-selftests.sh).
KEPT=64

# result LABEL TEST: pass, skip, fail, or none (no line: crash or timeout)
result() {
	local f=$runs/$1/$2/out line
	line=$(grep -E "^(not )?ok [0-9]+ $2 #" "$f" 2>/dev/null | head -1)
	case $line in
	"not ok"*) echo fail ;;
	*"# SKIP"*) echo skip ;;
	ok*) echo pass ;;
	*) echo none ;;
	esac
}

# exits_without_dump LABEL TEST: each error exit the kernel logged in the
# test's run with the module (among its last KEPT disables: the dumps kept)
# must have a dump of that scheduler name and reason; those without one
# go to $runs/dump-missing
exits_without_dump() {
	local d=$runs/$1/$2 f logged have
	logged=$(sed -nE 's/.*sched_ext: BPF (sub-)?scheduler "(.*)" disabled \((.*)\)$/\2\t\3/p' "$d/dmesg" |
		tail -$KEPT | grep -E "	($ERROR_REASONS)$" | sort)
	[ -n "$logged" ] || return 0
	have=$(for f in "$d"/dump-*.bin; do
		[ -e "$f" ] || continue
		"$DEC" decode "$f" 2>/dev/null | jq -r '.schedulers[0] | "\(.name)\t\(.exit.reason)"'
	done | sort)
	comm -23 <(printf '%s\n' "$logged") <(printf '%s\n' "$have" | grep .) |
		sed "s|^|$1/$2: no dump of the logged error exit |" >>"$runs/dump-missing"
}

# module_in LABEL TEST: the module was loaded for the test (insmod said
# nothing, its status was read) and unloaded after it (rmmod said nothing);
# what went wrong goes to $runs/module-problems
module_in() {
	local d=$runs/$1/$2
	{
		[ -e "$d/insmod.err" ] && [ ! -s "$d/insmod.err" ] ||
			echo "$1/$2: insmod failed before it: $(head -c 200 "$d/insmod.err" 2>/dev/null)"
		[ -s "$d/status" ] || echo "$1/$2: the module's status not read (not loaded?)"
		[ -e "$d/rmmod.err" ] && [ ! -s "$d/rmmod.err" ] ||
			echo "$1/$2: rmmod failed after it: $(head -c 200 "$d/rmmod.err" 2>/dev/null)"
	} >>"$runs/module-problems"
}

# the exit kinds of the dumps of one test, and checks on each error exit
dump_kinds() {
	local d=$runs/$1/$2 f j kinds=() bad=0 kind name msg reason
	for f in "$d"/dump-*.bin; do
		[ -e "$f" ] || continue
		j=$("$DEC" decode "$f" 2>"$f.err") || { echo "undecodable:$(basename "$f")"; bad=1; continue; }
		kind=$(jq -r '.schedulers[0].exit.kind' <<<"$j")
		kinds+=("$(jq -r '.schedulers[0].exit.kind_name' <<<"$j" | sed 's/^SCX_EXIT_//')")
		[ "$kind" -ge 1024 ] 2>/dev/null || continue
		name=$(jq -r '.schedulers[0].name' <<<"$j")
		reason=$(jq -r '.schedulers[0].exit.reason' <<<"$j")
		msg=$(jq -r '.schedulers[0].exit.message' <<<"$j" | head -1)
		if ! grep -qF "BPF scheduler \"$name\" disabled ($reason)" "$d/dmesg"; then
			echo "$2/$(basename "$f"): no kernel log line for \"$name\" disabled ($reason)" >>"$runs/dump-problems"
			bad=1
		fi
		if [ -n "$msg" ] && ! grep -qF "sched_ext: $name: $msg" "$d/dmesg"; then
			echo "$2/$(basename "$f"): message \"$msg\" not in the kernel log" >>"$runs/dump-problems"
			bad=1
		fi
		if [ -f "$obj/$2.bpf.o" ] && readelf -S "$obj/$2.bpf.o" 2>/dev/null | grep -qE ' \.(bss|data) '; then
			jq -e '[.maps[].name | select(endswith(".bss") or endswith(".data"))] | length > 0' \
				<<<"$j" >/dev/null || {
				echo "$2/$(basename "$f"): no .bss/.data map" >>"$runs/dump-problems"; bad=1; }
		fi
		echo "$2/$(basename "$f")" >>"$runs/dump-errors"
	done
	[ $bad -eq 0 ] || echo "$2" >>"$runs/dump-bad"
	exits_without_dump "$1" "$2"
	# KIND, or KIND×N for a run of the same
	[ ${#kinds[@]} -gt 0 ] || { echo -; return; }
	printf '%s\n' "${kinds[@]}" | uniq -c |
		awk '{ printf "%s%s%s", (NR > 1 ? "," : ""), $2, ($1 > 1 ? "x" $1 : "") } END { if (!NR) printf "-" }'
}

: >"$runs/dump-problems"
: >"$runs/dump-errors"
: >"$runs/dump-bad"
: >"$runs/dump-missing"
: >"$runs/module-problems"
tests=$(cat "$runs/${labels[1]}/list")
t_check "the runner lists its tests" test -n "$tests"
printf '# %-28s %-8s %-8s %-8s %s\n' test "${labels[@]}" "dump kinds (${labels[1]})"
declare -A res
for t in $tests; do
	row=()
	for l in "${labels[@]}"; do
		if [ "$l" = - ]; then
			row+=(-)
			continue
		fi
		res[$l/$t]=$(result "$l" "$t")
		row+=("${res[$l/$t]}")
	done
	printf '# %-28s %-8s %-8s %-8s %s\n' "$t" "${row[@]}" "$(dump_kinds "${labels[1]}" "$t")"
	for l in "${labels[@]:1}"; do
		module_in "$l" "$t"
		[ "$l" = "${labels[1]}" ] || exits_without_dump "$l" "$t"
	done
done

same=1 dbg=1
for t in $tests; do
	if [ $baseline -eq 1 ]; then
		[ "${res[${labels[0]}/$t]}" = "${res[${labels[1]}/$t]}" ] || same=0
	else
		case ${res[${labels[1]}/$t]} in pass | skip) ;; *) same=0 ;; esac
	fi
	if [ ${#labels[@]} -gt 2 ]; then
		case " $TIMING_SENSITIVE " in *" $t "*) continue ;; esac
		[ "${res[${labels[2]}/$t]}" = "${res[$ref/$t]}" ] || dbg=0
	fi
done
hung=0
for t in $tests; do
	for l in "${labels[@]:0:2}"; do
		[ "$l" != - ] || continue
		[ "${res[$l/$t]}" != none ] || hung=$((hung + 1))
	done
done
t_eq "no test crashed or hung on the stock kernel" 0 "$hung"
if [ $baseline -eq 1 ]; then
	t_eq "stock kernel: the same results without and with the module" 1 "$same"
else
	t_eq "stock kernel: every test passes or skips with the module (no run without it)" 1 "$same"
fi
[ ${#labels[@]} -gt 2 ] &&
	t_eq "debug kernel: the stock results (timing-sensitive aside: ${TIMING_SENSITIVE:-none})" 1 "$dbg"
echo "# $(wc -l <"$runs/dump-errors") error exits captured with the module on the stock kernel"
t_check "error exits were captured" test -s "$runs/dump-errors"
t_eq "every error exit's dump decodes and matches the kernel log" 0 "$(wc -l <"$runs/dump-bad")"
sed 's/^/#   /' "$runs/dump-problems" | head -20
t_eq "every error exit the kernel logged with the module has its dump (${labels[*]:1})" 0 \
	"$(wc -l <"$runs/dump-missing")"
sed 's/^/#   /' "$runs/dump-missing" | head -20
t_eq "the module loaded before and unloaded after every test run with it (${labels[*]:1})" 0 \
	"$(wc -l <"$runs/module-problems")"
sed 's/^/#   /' "$runs/module-problems" | head -20
for l in "${labels[@]}"; do
	[ "$l" != - ] || continue
	cat "$runs/$l"/*/dmesg >"$runs/$l.dmesg" 2>/dev/null
	t_clean_dmesg "$l: kernel log clean" "$runs/$l.dmesg"
done
t_done

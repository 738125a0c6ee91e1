#!/usr/bin/env bash
# Fault injection, on the debug kernel (CONFIG_FAIL_FUNCTION, FAILSLAB,
# FAIL_PAGE_ALLOC): each allocation the module makes while it captures is
# failed once, in its own run, in the capturing thread only
# (tests/integration/guest-faults.sh): a failing scheduler's exit
# capture, an on-demand capture, the timeline's look-up of its maps. Every
# injected failure must be said: a capture that still published its dump
# says in it what failed (an error record, or the map's status), one that
# did not says so in the kernel log (a pr_err); every dump must decode, the scheduler must keep running
# and the kernel log must stay clean. Then the kernel's own allocations
# made by the capturing thread fail at random over 30 captures.
# Run alone, it needs SCXDUMP_KERNEL set to the debug kernel.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script faults
t_check "fail_function takes the module's gate: it is on the error injection list" \
	sh -c "grep -qx 'inject N: ok' '$dir/out' && grep -qx 'inject Y: ok' '$dir/out'"
t_check "each capturing thread found and flagged (make-it-fail)" \
	sh -c "test \$(grep -c ': [1-9][0-9]*\$' '$dir/make_fail.log') -eq \$(grep -c . '$dir/make_fail.log')"

seq_of() { sed -n 's/^last_capture_seq: //p' "$1" 2>/dev/null | head -1; }

# sweep PATH MIN: the runs of PATH; MIN of them at least failed an allocation
sweep() {
	local path=$1 min=$2 t k n=0 inj=0 noerr="" norec="" undec="" last=""
	for t in "$dir/$path"-*.times; do
		[ -e "$t" ] || continue
		n=$((n + 1))
		k=${t%.times}
		k=${k##*-}
		if [ "$(cat "$t")" != 0 ]; then
			last=$k
			continue
		fi
		inj=$((inj + 1))
		# a new dump: it decodes, and says what failed (an error record,
		# or the map's status in its end record)
		if [ "$(seq_of "$dir/$path-$k.status.after")" != "$(seq_of "$dir/$path-$k.status")" ]; then
			if ! "$DEC" decode "$dir/$path-$k.bin" >"$dir/$path-$k.json" 2>"$dir/$path-$k.decode.err"; then
				undec+=" $k"
			elif [ "$path" != timeline ] &&
				! jq -e '([.errors[] | select(.errno == -12)] | length >= 1) or
					 ([.maps[] | select(.status == "Cannot allocate memory")] | length >= 1)' \
					"$dir/$path-$k.json" >/dev/null; then
				norec+=" $k"
			fi
		elif ! grep -q 'scxdump: ' "$dir/$path-$k.errs"; then
			noerr+=" $k"	# no dump, and no word of why
		fi
		# the flight recorder's thread publishes nothing: its word is the log
		[ "$path" != timeline ] || grep -q 'scxdump: ' "$dir/$path-$k.errs" || noerr+=" $k"
	done
	echo "# $path: $n runs, $inj with a failure injected${last:+, run $last made fewer allocations than its number}"
	t_check "$path: the sweep covered every allocation (a run with none left to fail, before FAULT_MAX)" \
		test -n "$last"
	t_check "$path: at least $min allocations failed, each in its own run ($inj)" test "$inj" -ge "$min"
	t_check "$path: every injected failure left an error line of the module's in the kernel log or a record in the dump${noerr:+ (not runs$noerr)}" \
		test -z "$noerr"
	t_check "$path: every dump published after one decodes${undec:+ (not runs$undec)}" test -z "$undec"
	[ "$path" = timeline ] ||
		t_check "$path: ... and records the out-of-memory (an error record or the map's status)${norec:+ (not runs$norec)}" test -z "$norec"
	t_check "$path: the kernel injected each (its FAULT_INJECTION line)" test "$inj" -eq \
		"$(cat "$dir/$path"-*.dmesg | grep -c 'FAULT_INJECTION: forcing a failure')"
}

sweep exit 5
sweep request 5
sweep timeline 1
t_check "on-demand: the scheduler kept running through them" grep -qx enabled "$dir/request.state"
# the table of task storage owners' identities (task_ids.c): its three
# allocations failed in their own runs, each said, the owners then read
ids=$(cat "$dir"/request-*.json 2>/dev/null | jq -r '.errors[]?.message' | grep -c 'task identity table\|tasks. identities: task storage owners read in the stop')
t_check "request: the owners' identity table's allocations failed in 3 runs, each said ($ids)" test "$ids" -eq 3
t_check "request: ... and the storage was still captured, its owners read from their task" \
	sh -c "cat '$dir'/request-*.json | jq -e -s '[.[] | select(any(.errors[]?; .message | test(\"identit\"))) | .maps[] | select(.name == \"task_st\") | .info.from_task > 0 and .info.from_table == 0 and .status == \"ok\"] | length == 3 and all'"
t_check "timeline: the failed look-up said so" \
	grep -q "scxdump: timeline: cannot find the scheduler's maps (-12)" "$dir/timeline-1.errs"

t_check "then a capture with nothing injected" grep -qx "clean capture: ok" "$dir/out"
"$DEC" decode "$dir/clean.bin" >"$dir/clean.json"
t_jq "... whole: no error record, every map ok" "$dir/clean.json" \
	'(.errors | length) == 0 and all(.maps[]; .status == "ok") and .capture.trigger == "request"'

echo "# random failures of the kernel's allocations"
forced=$(grep -c 'FAULT_INJECTION: forcing a failure' "$dir/random.dmesg")
echo "# $forced failures injected by failslab and fail_page_alloc over 30 captures; $(grep -c 'rc 0$' "$dir/random.log") captures succeeded"
t_check "failslab and fail_page_alloc failed some of the capturing thread's allocations" test "$forced" -ge 1
t_eq "30 captures tried" 30 "$(grep -c '^capture [0-9]*: rc' "$dir/random.log")"
undec=""
for i in $(seq 30); do
	grep -qx "capture $i: rc 0" "$dir/random.log" || continue
	"$DEC" decode "$dir/random-$i.bin" >/dev/null 2>&1 || undec+=" $i"
done
t_check "every capture that succeeded left a dump that decodes${undec:+ (not$undec)}" test -z "$undec"
t_check "every capture that failed said so in the kernel log" test \
	"$(grep -vc 'rc 0$' "$dir/random.log")" -le "$(grep -c 'scxdump: .*capture failed' "$dir/random.dmesg")"
t_check "the scheduler kept running" grep -qx enabled "$dir/random.state"
t_check "rmmod after all of it" grep -qx "rmmod: ok" "$dir/out"

cat "$dir"/exit-*.dmesg "$dir"/request-*.dmesg "$dir"/timeline-*.dmesg "$dir/dmesg" >"$dir/sweeps.dmesg"
t_clean_dmesg "kernel log clean through the sweeps (no bug, warning, KASAN, KFENCE, lockdep, stall or lockup report)" \
	"$dir/sweeps.dmesg"
# an allocation the kernel failed may print its own stack (warn_alloc):
# not a bug; anything else is
bad=$(grep -E "${SPLAT_RE//|Call Trace/}" "$dir/random.dmesg" || true)
t_check "kernel log clean through the random failures (an allocation failure's own report aside)${bad:+: $(head -1 <<<"$bad")}" \
	test -z "$bad"
t_done

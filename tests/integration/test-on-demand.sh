#!/usr/bin/env bash
# On-demand capture through the control file: a running scheduler is
# captured and keeps running; bad control writes are refused and logged.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script on-demand

t_check "capture without a scheduler: refused" test -z "$(grep 'without a scheduler: accepted' "$dir/out")"
t_check "capture without a scheduler: says why" grep -q "No such device" "$dir/nosched.err"
t_check "... and logs it" grep -q "scxdump: control: no sched_ext scheduler is running" "$dir/dmesg"
t_check "unknown command and over-long write refused" test -z "$(grep -E '(bogus|long): accepted' "$dir/out")"
t_check "... with EINVAL" test "$(grep -c 'Invalid argument' "$dir/bad.err")" -eq 2
t_check "... and logged with the reason" grep -q "scxdump: control: unknown command 'bogus'; commands: capture" "$dir/dmesg"

t_check "capture of the running scheduler succeeded" grep -qx "capture: ok" "$dir/out"
t_check "the scheduler kept running after it" grep -qx enabled "$dir/state.after"
t_check "and ran until its loader detached it (its normal exit)" grep -q "scxtest: state enabled after [0-9]* ms" "$dir/loader.out"
f=$dir/ondemand.json
"$DEC" decode "$dir/ondemand.bin" >"$f"
t_jq "dump says trigger request, scheduler not exiting" "$f" \
	'.capture.trigger == "request" and .schedulers[0].name == "scxdump_test" and .schedulers[0].exit.kind == 0 and .schedulers[0].exit.kind_name == "SCX_EXIT_NONE"'
t_jq "maps captured live" "$f" \
	'(.maps[] | select(.name == "hash_kv") | .nr_entries == 100) and (.maps[] | select(.name == "scxtest_.bss") | .entries[0].value | .nr_enqueued > 0 and .failed_at == 0 and .exit_called == 0)'
t_check "status counts the one capture" grep -qx "captures: 1" "$dir/status.txt"
t_eq "an on-demand capture is no disable and no exit capture" \
	"$(hook_counts 0 0 0)" "$(status_hook_lines "$dir/status.txt")"

t_check "keep_dumps: 0, 65 and x refused" test -z "$(grep 'keep_dumps .*: accepted' "$dir/out")"
t_eq "... with EINVAL" 3 "$(grep -c 'Invalid argument' "$dir/keep.err")"
t_check "... and logged with the range" grep -q "scxdump: keep_dumps must be a number from 1 to 64, not 'x'" "$dir/dmesg"
t_eq "the first capture had its own file" 00000001 "$(cat "$dir/first.ls")"
t_eq "after 4 more captures with keep_dumps=3: the last three kept" "00000003 00000004 00000005" \
	"$(tr '\n' ' ' <"$dir/kept.ls" | sed 's/ $//')"
for f in $(cat "$dir/kept.ls"); do
	t_eq "dumps/$f holds capture $((10#$f))" "$((10#$f))" "$("$DEC" decode "$dir/kept-$f.bin" | jq .capture.capture_seq)"
done
t_check "dump is the newest kept one" cmp -s "$dir/last.bin" "$dir/kept-00000005.bin"
t_check "a reader of dump opened before 4 captures read the first dump, whole" cmp -s "$dir/held-dump.bin" "$dir/ondemand.bin"
t_check "a reader of dumps/00000001 read it whole after its eviction" cmp -s "$dir/held-kept.bin" "$dir/ondemand.bin"
t_check "status lists the kept dumps" sh -c "grep -qx 'kept: 3 4 5' '$dir/status2.txt' && grep -qx 'captures: 5' '$dir/status2.txt' && grep -qx 'keep_dumps: 3' '$dir/status2.txt'"
t_guest_log_clean
t_done

#!/usr/bin/env bash
# The flight recorder (module/timeline.c), in the guest
# (tests/integration/guest-timeline.sh): bad parameters refused with why,
# both ends of each range taken; a stall recorded every 100 ms, the
# scheduler's .bss in each sample, the warning dump's samples the first of
# the exit dump's; a ring of 64 that wrapped, with the values the test
# wrote to arr_u64[5] in the order it wrote them; with the recorder off,
# no timeline.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script timeline

t_check "bad timeline parameters are all refused" sh -c "! grep -q ': accepted' '$dir/out'"
t_check "... each with why" sh -c "
	grep -q 'scxdump: timeline_interval_ms must be 0 (off) or a number from 10 to 60000' '$dir/bad.dmesg' &&
	grep -q 'scxdump: timeline_samples must be a number from 2 to 4096' '$dir/bad.dmesg' &&
	grep -q 'scxdump: timeline_map_bytes must be a number from 8 to 65536' '$dir/bad.dmesg' &&
	grep -q 'scxdump: timeline_max_dsqs must be 0 (none) or a number from 1 to 4096' '$dir/bad.dmesg' &&
	[ \$(grep -c 'scxdump: timeline_maps must be at most 8 map names' '$dir/bad.dmesg') -eq 5 ]"
t_check "a ring over the module's bound is refused, saying how big" \
	grep -qE 'scxdump: timeline: 4096 samples of [0-9]+ bytes .* need [0-9]+ bytes, more than 67108864' "$dir/bad.dmesg"
t_check "both ends of each range are taken" sh -c "
	grep -qx 'timeline_interval_ms: 60000' '$dir/ends-high.status' &&
	grep -qx 'timeline_interval_ms: 10' '$dir/ends-low.status' &&
	grep -qx 'timeline_interval_ms: 10' '$dir/ends-dsqs.status' && ! grep -q refused '$dir/out'"
# ... and in effect: the ring the module made for each (its load line in
# the kernel log: interval, samples, sample size; the status file's
# sample size). A sample (include/scxdump_format.h) is the same header,
# events and CPUs in all three, then struct sxd_tl_dsq (16 bytes) per
# timeline_max_dsqs and per map struct sxd_tl_map_val (8) and
# timeline_map_bytes: the high ends (8 maps of 8 bytes) add 8 * 16 to the
# low ends' (no map, no DSQ), timeline_max_dsqs 4096 adds 4096 * 16.
ends_size() { sed -n 's/^timeline_samples: [0-9]* taken, [0-9]* kept, \([0-9]*\) bytes each$/\1/p' "$dir/ends-$1.status"; }
sh_=$(ends_size high) sl_=$(ends_size low) sd_=$(ends_size dsqs)
t_eq "... the rings made: a sample of the high ends 8 * 16 bytes over the low ends', of 4096 DSQs 4096 * 16" \
	"128 65536" "$((${sh_:-0} - ${sl_:-0})) $((${sd_:-0} - ${sl_:-0}))"
t_check "... the kernel log says each ring: every 60000 ms, 2 samples; every 10 ms, 4096; every 10 ms, 2" sh -c "
	grep -q 'scxdump: timeline: every 60000 ms, 2 samples of ${sh_:-x} bytes' '$dir/dmesg' &&
	grep -q 'scxdump: timeline: every 10 ms, 4096 samples of ${sl_:-x} bytes' '$dir/dmesg' &&
	grep -q 'scxdump: timeline: every 10 ms, 2 samples of ${sd_:-x} bytes' '$dir/dmesg'"

# 1: the stall
victim=$(sed -n 's/^victim \([0-9]*\)$/\1/p' "$dir/stall.out")
t_check "stall: the loader started its victim ($victim) and the watchdog failed it" sh -c "
	[ -n '$victim' ] && grep -qE '^scxstall: state disabl(ing|ed) ' '$dir/stall.out'"
stall_dumps
t_check "stall: a warning dump and an exit dump" sh -c "[ -n '$warn' ] && [ -n '$exitd' ]"
x=$dir/stall-exit.json w=$dir/stall-warning.json
"$DEC" decode "${exitd:-/dev/null}" >"$x"
"$DEC" decode "${warn:-/dev/null}" >"$w"
t_jq "stall: the exit dump's timeline: every 100 ms, all kept, from seq 0, at least 15 samples" "$x" '
	.timeline | .interval_ms == 100 and .samples_kept == .samples_taken and .samples_kept >= 15 and
	([.samples[].seq] == [range(0; .samples_kept)])'
t_jq "stall: .bss sampled (an array, found by its end), nosuch not found" "$x" '
	.timeline.maps | length == 2 and (.[0] | .want == ".bss" and (.name | endswith(".bss")) and .type == "array" and .status == "ok") and
	(.[1] | .want == "nosuch" and .status == "not_found" and .id == 0)'
t_jq "stall: samples in time order, 80 ms or more apart, a median gap of 100 ms +- 30 %" "$x" '
	[.timeline.samples[].boottime_ns] | [range(1; length) as $i | .[$i] - .[$i - 1]] |
	(sort | .[length / 2 | floor]) as $m | all(. >= 80000000) and $m >= 70000000 and $m <= 130000000'
t_jq "stall: the last sample before the failure, within 2 s of the exit capture" "$x" \
	'.timeline.samples[-1].ms_before_capture <= 2000'
t_jq "stall: .bss through BTF: starve_pid $victim at the end, nr_enqueued never down and up overall, the victim's enqueues seen" "$x" "
	[.timeline.samples[].maps[0].entries[0].value] |
	.[-1].starve_pid == $victim and .[-1].nr_starved_enqueues >= 1 and
	([range(1; length) as \$i | .[\$i].nr_enqueued >= .[\$i - 1].nr_enqueued] | all) and
	.[-1].nr_enqueued > .[0].nr_enqueued"
t_jq "stall: the last sample has the victim alone on DSQ 77" "$x" \
	'[.timeline.samples[-1].dsqs[] | select(.id == 77)] == [{id: 77, kind: "user", nr: 1}]'
t_jq "stall: DSQ 77 held the victim for the last 2 s of samples (20 at 100 ms)" "$x" \
	'[.timeline.samples[-20:][] | [.dsqs[] | select(.id == 77) | .nr][0]] | all(. == 1)'
t_jq "stall: one CPU slot per CPU in every sample" "$x" \
	'.capture.nr_cpu_ids as $n | all(.timeline.samples[]; (.cpus | length) == $n and ([.cpus[].cpu] == [range(0; $n)]))'
if kernel_lacks event_counters; then
	t_jq "stall: no event counters on this kernel: none sampled, said so" "$x" \
		'.timeline.events_absent and all(.timeline.samples[]; .events == {})'
else
	t_jq "stall: the counters of each sample, named as the dump's own, never going down" "$x" '
		(.schedulers[0].event_counters | keys) as $names | (.timeline.events_absent | not) and
		all(.timeline.samples[]; (.events | keys) == $names) and
		([.timeline.samples[].events] | [range(1; length) as $i | .[$i] as $b | .[$i - 1] | to_entries | all(.value <= $b[.key])] | all)'
fi
t_check "stall: the warning dump's samples are the exit dump's first ones, the same" \
	jq -e --slurpfile x "$x" '
	.timeline.samples as $ws | ($ws | length) >= 5 and
	($ws | map(del(.ms_before_capture))) == ([$x[0].timeline.samples[] | del(.ms_before_capture)][0:($ws | length)])' "$w"
"$DEC" timeline "${exitd:-/dev/null}" >"$dir/stall-timeline.txt"
t_eq "stall: scxdump timeline exits 0" 0 $?
n=$(jq .timeline.samples_kept "$x")
t_check "stall: the text names the map, a line per sample ($n), .bss's nr_enqueued changing" sh -c "
	grep -qE '^map \\.bss: ok, .*\\.bss$' '$dir/stall-timeline.txt' &&
	[ \$(grep -c '^seq ' '$dir/stall-timeline.txt') -eq $n ] &&
	grep -qE '^  \\.maps\\[name=\".*\\.bss\"\\]\\.entries\\[key=0\\]\\.value\\.nr_enqueued: [0-9]+ -> [0-9]+ \\(\\+[0-9]+\\)$' '$dir/stall-timeline.txt'"
t_check "stall: the status file counts the samples" \
	grep -qE "^timeline_samples: $n taken, $n kept, [0-9]+ bytes each$" "$dir/stall.status"

# 2: the ring wrapped
j=$dir/wrap.json
"$DEC" decode "$dir/wrap.bin" >"$j"
t_check "wrap: both writes and the capture ran" sh -c "
	grep -qx 'write 111: ok' '$dir/out' && grep -qx 'write 222: ok' '$dir/out' && grep -qx 'capture: ok' '$dir/out'"
t_jq "wrap: the last 64 of more samples, in order, the newest last" "$j" '
	.timeline | .samples_kept == 64 and .samples_taken > 64 and
	[.samples[].seq] == [range(.samples_taken - 64; .samples_taken)]'
t_jq "wrap: taken on demand, the last sample within 1 s of it" "$j" \
	'.capture.trigger == "request" and .timeline.samples[-1].ms_before_capture <= 1000'
t_jq "wrap: arr_u64[5] went from the loader's value to 111 to 222, in that order" "$j" '
	[.timeline.samples[].maps[0].entries[5].value] as $v |
	[$v | range(0; length) as $i | select($i == 0 or $v[$i] != $v[$i - 1]) | $v[$i]] as $runs |
	($runs | length) == 3 and $runs[0] != 111 and $runs[1:] == [111, 222]'
t_jq "wrap: arr_u64 sampled whole (its max_entries values), hash_kv refused: not an array" "$j" '
	(.timeline.maps[0] | .name == "arr_u64" and .status == "ok") as $ok |
	$ok and ([.timeline.samples[].maps[0].entries | length] | unique) == [.timeline.maps[0].max_entries] and
	(.timeline.maps[1] | .name == "hash_kv" and .status == "not_an_array" and .type == "hash")'
"$DEC" timeline "$dir/wrap.bin" >"$dir/wrap-timeline.txt"
t_check "wrap: the text has each write once, with its delta" sh -c "
	[ \$(grep -cxE '  \\.maps\\[name=\"arr_u64\"\\]\\.entries\\[key=5\\]\\.value: [0-9]+ -> 111 \\([-+][0-9]+\\)' '$dir/wrap-timeline.txt') -eq 1 ] &&
	[ \$(grep -cxF '  .maps[name=\"arr_u64\"].entries[key=5].value: 111 -> 222 (+111)' '$dir/wrap-timeline.txt') -eq 1 ]"

# 3: off
t_jq "off: a dump without a timeline" <("$DEC" decode "$dir/off.bin") \
	'.timeline == null and .capture.trigger == "exit"'
t_check "off: the status says 0, no samples" sh -c "
	grep -qx 'timeline_interval_ms: 0' '$dir/off.status' && ! grep -q '^timeline_samples' '$dir/off.status'"
t_guest_log_clean
t_done

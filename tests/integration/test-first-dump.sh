#!/usr/bin/env bash
# End to end: in the test guest, the test scheduler fails with the module
# loaded; the dump it leaves is decoded on the host and checked against the
# values the scheduler and its loader put in their maps.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script first-dump

f=$dir/fail.json
"$DEC" decode "$dir/fail.bin" >"$f"
t_check "host decoder decodes the failing scheduler's dump" test -s "$f"

# Capture header and exit info.
t_jq "kernel release is the guest's" "$f" ".capture.kernel_release == \"$(cat "$dir/krel")\""
ncpu=$(cat "$dir/nr_cpu_ids")	# the guest's own, from its sysfs
t_jq "capture trigger, CPU count ($ncpu, the guest's), page size" "$f" \
	".capture.trigger == \"exit\" and .capture.nr_cpu_ids == $ncpu and .capture.page_size == 4096"
t_jq "capture time and duration recorded" "$f" \
	'(.capture.time | test("^20[0-9]{2}-")) and .capture.duration_ns > 0 and .capture.realtime_ns > 0'
t_jq "one scheduler, named by its ops" "$f" '.schedulers | length == 1 and .[0].name == "scxdump_test"'
t_jq "exit kind is SCX_EXIT_ERROR_BPF" "$f" \
	'.schedulers[0].exit | .kind == 1025 and .kind_name == "SCX_EXIT_ERROR_BPF" and .reason == "scx_bpf_error"'
t_jq "exit message is the scheduler's" "$f" \
	'.schedulers[0].exit.message == "scxdump-test: planned failure after 300 enqueues"'
t_jq "what the kernel lacks, said with a reason: $(kernel_absent_json)" "$f" \
	"([.absent[].feature] | sort) == $(kernel_absent_json) and all(.absent[]; .reason | length > 0)"
if kernel_lacks exit_cpu; then
	t_jq "exit code; no exit CPU in this kernel" "$f" '.schedulers[0].exit | .exit_code == 0 and .exit_cpu == -1'
else
	t_jq "exit code and CPU" "$f" ".schedulers[0].exit | .exit_code == 0 and .exit_cpu >= 0 and .exit_cpu < $ncpu"
fi
t_jq "backtrace symbolised" "$f" \
	'.schedulers[0].exit.backtrace | any(startswith("scx_bpf_error_bstr+")) and any(test("_sxt_enqueue\\+"))'
# 7.x's names the scheduler and ends with its event counters; 6.12's has neither
ev='and contains("scxdump_test") and contains("Event counters")'
kernel_lacks event_counters && ev=
t_jq "sched_ext's own debug dump included" "$f" \
	".schedulers[0].exit.dump | contains(\"scxdump-test: planned failure after 300 enqueues\") and contains(\"CPU states\") $ev"
t_jq "no capture errors" "$f" '.errors == [] and .capture.nr_errors == 0 and .capture.truncated == false'

# Which maps.
t_jq "every map of the scheduler, including the user-space-only one" "$f" \
	'([.maps[].name] | sort) == (["arr_u64", "hash_kv", "pair_hash", "scxtest_.bss", "scxtest_.data", "scxtest_.rodata", ".rodata.str1.1", "sxt_ops"] | sort)'
t_jq "map metadata" "$f" \
	'.maps[] | select(.name == "arr_u64") | .type == "array" and .key_size == 4 and .value_size == 8 and .max_entries == 64 and .btf.key_type == "u32" and .btf.value_type == "u64"'
t_jq "hash metadata and BTF type names" "$f" \
	'.maps[] | select(.name == "hash_kv") | .type == "hash" and .max_entries == 256 and .btf.value_type == "struct sxt_sq"'

# Global sections as named variables.
bss='.maps[] | select(.name == "scxtest_.bss") | .entries[0].value'
t_jq ".bss: failed_at and counters" "$f" "$bss | .failed_at == 300 and .nr_enqueued >= 300 and .last_pid > 0"
t_jq ".bss: struct member, enum by name" "$f" "$bss | .bss_stats.b == -42 and .bss_stats.phase == \"SXT_PHASE_FAILED\""
t_jq ".bss: arr_sum is what enqueue read from arr_u64" "$f" "$bss | .arr_sum > 0"
t_jq "captured before teardown: tasks and cgroups initialised" "$f" "$bss | .nr_init_task > 0 and .nr_cgroup_init > 0"
t_jq "captured before any ops.exit_task, ops.cgroup_exit, ops.exit" "$f" \
	"$bss | .nr_exit_task_pid1 == 0 and .nr_cgroup_exit_root == 0 and .exit_called == 0"
t_check "the same counters did move in the teardown after the capture" \
	grep -q "after teardown (disabled): exit_task(pid 1) 1, cgroup_exit(root) 1, exit 1" "$dir/out"
t_jq "program BTF embedded once for all the object's maps" "$f" \
	'([.btf_objects[] | select(.kind == "program")] | length) == 1 and ([.maps[] | select(.btf_index != null) | .btf_index] | unique) == [.btf_objects[] | select(.kind == "program") | .index]'

t_jq ".data: integers, char array as string, negative short" "$f" \
	'.maps[] | select(.name == "scxtest_.data") | .entries[0].value | .magic_data == 3237998081 and .label == "scxdump-test" and .neg_data == -1234'
t_jq ".rodata: loader-set fail_after" "$f" \
	'.maps[] | select(.name == "scxtest_.rodata") | .entries[0].value.fail_after == 300'
t_jq ".rodata.str1.1: the string literal" "$f" \
	'.maps[] | select(.name == ".rodata.str1.1") | .entries[0].value | index("scxdump-literal") != null'
# 64-bit values beyond 2^53 checked exactly (jq 1.6 would round them).
t_check ".rodata seed and .bss 64-bit member exact" python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["name"]: x for x in d["maps"]}
seed = m["scxtest_.rodata"]["entries"][0]["value"]["seed"]
a = m["scxtest_.bss"]["entries"][0]["value"]["bss_stats"]["a"]
assert seed == 0x5eed5eed12345678, hex(seed)
assert a == 0xa1a2a3a4a5a6a7a8 ^ 0x5eed5eed12345678, hex(a)
PY

# ARRAY: all keys with the loader's values.
t_jq "arr_u64: all 64 keys, value = key^2 + 0x5678" "$f" \
	'.maps[] | select(.name == "arr_u64") | .nr_entries == 64 and ([.entries[].key] == [range(64)]) and all(.entries[]; .value == .key * .key + 22136)'
t_jq "arr_u64: no raw hex beside the BTF rendering by default" "$f" \
	'.maps[] | select(.name == "arr_u64") | .entries[3] | has("key_hex") or has("value_hex") | not'
"$DEC" decode --hex --map arr_u64 "$dir/fail.bin" >"$dir/fail.hex.json"
t_jq "arr_u64: raw hex alongside with --hex" "$dir/fail.hex.json" \
	'.maps[] | select(.name == "arr_u64") | .entries[3] | .key_hex == "03000000" and .value_hex == "8156000000000000"'
# HASH: all entries with the scheduler's values, bitfields included.
t_jq "hash_kv: 100 entries, keys 7k" "$f" \
	'.maps[] | select(.name == "hash_kv") | .nr_entries == 100 and ([.entries[].value.key_echo] | sort) == [range(1; 101)]'
t_jq "hash_kv: values and bitfields per key" "$f" \
	'.maps[] | select(.name == "hash_kv") | all(.entries[]; .key == .value.key_echo * 7 and .value.sq == .value.key_echo * .value.key_echo and .value.flags == .value.key_echo % 8 and .value.odd == .value.key_echo % 2)'
t_jq "pair_hash: struct keys and values from the loader" "$f" \
	'.maps[] | select(.name == "pair_hash") | .nr_entries == 8 and all(.entries[]; .key.tag == "tag\(.key.cpu)" and .value.label == "pair-\(.key.cpu)" and .value.delta == -1000 * .key.cpu)'
t_jq "struct_ops map: the registered sched_ext_ops" "$f" \
	'.maps[] | select(.name == "sxt_ops") | .type == "struct_ops" and (.unsupported | not) and .entries[0].value.data.name == "scxdump_test"'

# debugfs files.
size=$(stat -c %s "$dir/fail.bin")
t_check "status: one capture of the dump's size" grep -qx "last_capture_bytes: $size" "$dir/fail.bin.status"
t_check "ls -l shows the dump's size, root only" awk -v s="$size" '$1 == "-r--------" && $5 == s {ok=1} END {exit !ok}' "$dir/fail.bin.ls"
t_check "the guest's decoder gives the same JSON" cmp -s <(jq -S . "$f") <(jq -S . "$dir/fail.guest.json")

# Normal exits.
t_check "normal exit not captured by default" grep -qx "captures: 1" "$dir/normal-default.status"

# The hook's counts: each disable sched_ext began (its sched_ext_exit
# tracepoint, counted apart from the hook) reached the hook, and was
# captured or left out by the policy.
t_eq "status after the failure: 1 disable seen, 1 exit captured, none left out" \
	"$(hook_counts 1 1 0)" "$(status_hook_lines "$dir/fail.bin.status")"
t_eq "status after a normal exit: 2 seen, still 1 captured, the normal exit left out" \
	"$(hook_counts 2 1 1)" "$(status_hook_lines "$dir/normal-default.status")"
t_eq "status after a normal exit with capture_all_exits=Y: 3 seen, 2 captured, 1 left out" \
	"$(hook_counts 3 2 1)" "$(status_hook_lines "$dir/normal.bin.status")"
"$DEC" decode "$dir/normal.bin" >"$dir/normal.json"
t_jq "normal exit captured with capture_all_exits=Y" "$dir/normal.json" \
	'.schedulers[0].exit.kind_name == "SCX_EXIT_UNREG" and .schedulers[0].exit.kind == 64'
t_jq "normal exit: maps as the scheduler left them, before teardown" "$dir/normal.json" \
	'.maps[] | select(.name == "scxtest_.bss") | .entries[0].value | .failed_at == 0 and .bss_stats.phase == "SXT_PHASE_RUNNING" and .nr_init_task > 0 and .nr_exit_task_pid1 == 0 and .exit_called == 0'

# Unload and reload.
t_check "rmmod refused while a reader holds the dump" grep -q "rmmod with open reader: busy" "$dir/out"
t_check "... refused as in use (EBUSY), not for another reason" \
	grep -qE "Module scxdump is in use|Device or resource busy" "$dir/rmmod-held.err"
for r in 1 2; do
	"$DEC" decode "$dir/reload$r.bin" >"$dir/reload$r.json"
	t_jq "reload $r: fresh module captures again" "$dir/reload$r.json" \
		'.capture.capture_seq == 1 and .schedulers[0].exit.message == "scxdump-test: planned failure after 200 enqueues"'
done

# A dump without the kernel's BTF, decoded with it given apart.
"$DEC" decode "$dir/nobtf.bin" >"$dir/nobtf.json"
t_jq "embed_kernel_btf=N: no kernel BTF in the dump, and the map says what to do" "$dir/nobtf.json" \
	'([.btf_objects[] | select(.kind == "vmlinux")] | length) == 0 and (.maps[] | select(.name == "sxt_ops") | .btf == null and (.btf_missing | test("--vmlinux-btf")))'
t_check "embed_kernel_btf=N: the dump is small" test "$(stat -c %s "$dir/nobtf.bin")" -lt 1000000
"$DEC" decode --vmlinux-btf "$dir/vmlinux.btf" "$dir/nobtf.bin" >"$dir/nobtf-btf.json"
t_jq "--vmlinux-btf: sched_ext_ops by field name again" "$dir/nobtf-btf.json" \
	'.maps[] | select(.name == "sxt_ops") | .btf.from == "kernel" and .entries[0].value.data.name == "scxdump_test"'
"$DEC" decode --vmlinux-btf "$dir/wrong.btf" "$dir/nobtf.bin" >"$dir/out.wrong" 2>"$dir/err.wrong"
t_eq "--vmlinux-btf of another kernel: refused with status 2" 2 $?
t_check "--vmlinux-btf of another kernel: says why" grep -q "is not the BTF of the kernel that wrote the dump" "$dir/err.wrong"
"$DEC" summary "$dir/fail.bin" >"$dir/summary.txt"
t_check "summary: exit on top" grep -qx "message: scxdump-test: planned failure after 300 enqueues" "$dir/summary.txt"
t_check "summary: a line a map with its entry count" grep -qE "^hash_kv +hash +100 +[0-9]+ no +-$" "$dir/summary.txt"

# Bad parameters.
t_check "bad parameters refused" test -z "$(grep accepted "$dir/out")"
t_check "bad parameters logged with the reason" grep -q "max_dump_bytes must be a number" "$dir/dmesg"
t_check "a refused write keeps the old value" grep -qx 268435456 "$dir/param.value"
t_check "a bad bool refused and logged" grep -q "capture_all_exits must be Y or N (or 1/0, y/n), not 'perhaps'" "$dir/dmesg"
t_check "a bool given bare is set" grep -qx Y "$dir/bare-flag.value"

t_guest_log_clean
t_done

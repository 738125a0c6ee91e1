#!/usr/bin/env bash
# scxdump redact on the guest tests' dumps (RUNS_DIR, default the stock
# batch's): every dump's redacted copy decodes as the original does but
# for kernel addresses, replaced consistently (redact-check.py, written
# apart from the tool), and none of the addresses the original shows is
# left in the copy's bytes. Then the values the test schedulers put in
# (tests/sched/): the arena test's task pointers (u64 fields) replaced and
# still one per task, its slots still found; the map-types cgroup kptr
# still followed; the central example's timer and flatcg's rbtree zeroed as
# bpf(2) zeroes them; scxtest's random u64 (no address) kept. And the
# command's failures: IN as OUT, a damaged dump, a full disk, pipes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}
# the sweep's decodes only feed the comparison: the plain build (the
# decoder runs under the sanitizers in the other tests; redact here does)
PLAIN=${SCXDUMP_PLAIN:-$top/userspace/build/scxdump}
[ -x "$PLAIN" ] || PLAIN=$DEC
runs=${1:-$GUEST_ROOT/opt/scxdump/runs/stock}
tmp=$(mktemp -d)
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT

mapfile -t dumps < <(ls "$runs"/*/*.bin 2>/dev/null)
t_check "at least 100 guest dumps to redact (${#dumps[@]} in $runs)" test "${#dumps[@]}" -ge 100

# Every dump is redacted and its copy decoded; the comparison with the
# original's decode (Python, on JSON of twice the dump's size) runs on
# every dump up to 4 MiB and on the first larger one of each test (the
# bounded test's five 64 MiB captures of one scheduler: one compared, 13 s
# each; 62 dumps of 4 to 64 MiB, 676 of the stock suite's 877 MiB). One
# dump a job, as many jobs as CPUs: sweep_one DUMP JOB writes "ok N",
# "big" or "bad: why" to $tmp/res/JOB.
sweep_one() {
	local d=$1 w=$tmp/job$2 n
	mkdir -p "$w"
	if [ -e "$tmp/big/$2" ]; then
		if "$DEC" redact "$d" "$w/r.bin" 2>"$w/err" &&
		   "$PLAIN" decode --hex "$w/r.bin" >/dev/null 2>>"$w/err"; then
			echo big >"$tmp/res/$2"
		else
			echo "bad: $(head -c 300 "$w/err")" >"$tmp/res/$2"
		fi
	elif ! "$DEC" redact "$d" "$w/r.bin" 2>"$w/err" ||
	   ! "$PLAIN" decode --hex "$d" >"$w/o.json" 2>>"$w/err" ||
	   ! "$PLAIN" decode --hex "$w/r.bin" >"$w/r.json" 2>>"$w/err"; then
		echo "bad: $(head -c 300 "$w/err")" >"$tmp/res/$2"
	elif ! python3 "$here/redact-check.py" "$w/o.json" "$w/r.json" "$d" "$w/r.bin" \
		>"$w/check" 2>&1; then
		echo "bad: $(head -c 600 "$w/check")" >"$tmp/res/$2"
	else
		n=$(sed -n 's/.* \([0-9]*\) addresses replaced .*/\1/p' "$w/check")
		echo "ok ${n:-0}" >"$tmp/res/$2"
	fi
	rm -rf "$w"
}
export -f sweep_one
export DEC PLAIN here tmp
mkdir "$tmp/res" "$tmp/big"
declare -A big_seen=()
for i in "${!dumps[@]}"; do
	name=${dumps[i]#"$runs"/}
	if [ "$(stat -c %s "${dumps[i]}")" -gt $((4 << 20)) ]; then
		[ -n "${big_seen[${name%%/*}]:-}" ] && touch "$tmp/big/$i"
		big_seen[${name%%/*}]=1
	fi
	printf '%s\0%s\0' "${dumps[i]}" "$i"
done | xargs -0 -n 2 -P "$(nproc)" bash -c 'sweep_one "$1" "$2"' _
bad=() nr_replaced=0 nr_big=0
for i in "${!dumps[@]}"; do
	r=$(cat "$tmp/res/$i" 2>/dev/null || echo "bad: no result")
	case $r in
	ok*) nr_replaced=$((nr_replaced + ${r#ok })) ;;
	big) nr_big=$((nr_big + 1)) ;;
	*) bad+=("${dumps[i]#"$runs"/}: ${r#bad: }") ;;
	esac
done
t_check "every dump redacted and decoded; compared ($nr_big more large ones of a test not): the same but for addresses replaced one for one, none left (those that are not:)" \
	test "${#bad[@]}" -eq 0
for b in "${bad[@]:0:5}"; do echo "#   $b"; done
t_check "... and addresses were there to replace: $nr_replaced shown in the decodes" test "$nr_replaced" -ge 1000

# redact_one DUMP: OUT at $tmp/one.bin, its decode at $tmp/one.json, the original's at $tmp/orig.json
redact_one() {
	"$DEC" redact "$1" "$tmp/one.bin" 2>"$tmp/one.err" &&
		"$DEC" decode "$1" >"$tmp/orig.json" && "$DEC" decode "$tmp/one.bin" >"$tmp/one.json"
}

# The arena test: per task a task pointer as a u64 (tptr) and an sdt slot.
if redact_one "$runs/arena/exit.bin"; then
	q='[.schedulers[0].tasks[] | select(.storage.sxa_tasks) | .storage.sxa_tasks.tptr]'
	a=$(jq -c "$q" "$tmp/orig.json") b=$(jq -c "$q" "$tmp/one.json")
	t_check "arena: task pointers (u64 fields) there to replace" test "$(jq length <<<"$a")" -ge 10
	t_jq "arena: every task pointer replaced, still one per task" \
		<(jq -n --argjson a "$a" --argjson b "$b" '{a: $a, b: $b}') \
		'.a as $a | .b as $b | ([range($a | length)] | all(. as $i | $a[$i] != $b[$i])) and ($b | unique | length) == ($a | unique | length)'
	q='[.schedulers[0].tasks[] | .storage.sxa_tasks.data.target.pid // empty]'
	t_eq "arena: every task's slot still found through its arena pointer" \
		"$(jq -c "$q" "$tmp/orig.json")" "$(jq -c "$q" "$tmp/one.json")"
	t_check "arena: the message counts what was replaced" grep -q 'addresses in [0-9]* clusters replaced' "$tmp/one.err"
else
	t_fail "arena: its exit dump redacted and decoded ($(head -c 200 "$tmp/one.err"))"
fi

# kptrs followed into their captured objects: map-types' struct bpf_cpumask
# (its CPUs), the arena test's struct cgroup (id, level, path)
kptrs() {	# kptrs DUMP JQ-PATH DESC
	local q=$2
	if ! redact_one "$1"; then
		t_fail "$3: its dump redacted and decoded"
		return
	fi
	t_check "$3: kptrs there" test "$(jq "$q | length" "$tmp/orig.json")" -ge 1
	t_eq "$3: each still followed to its object" \
		"$(jq -c "$q | map(del(.addr))" "$tmp/orig.json")" "$(jq -c "$q | map(del(.addr))" "$tmp/one.json")"
	t_jq "$3: ... each at another address" <(jq -n --argjson a "$(jq -c "$q" "$tmp/orig.json")" \
		--argjson b "$(jq -c "$q" "$tmp/one.json")" '[$a, $b]') \
		'.[0] as $a | .[1] as $b | [range($a | length)] | all(. as $i | $a[$i].addr != $b[$i].addr)'
}
kptrs "$runs/map-types/maps.bin" '[.maps[] | select(.name == "masks") | .entries[].value.mask]' \
	"map-types: cpumask kptrs"
kptrs "$runs/arena/exit.bin" '[.. | objects | select(has("addr") and has("cgroup_id"))]' \
	"arena: cgroup kptrs"

# the kernel's central example: a struct bpf_timer; flatcg: a bpf_rb_root
# (the kernel's examples do not build on every kernel: its run says why)
if [ -f "$runs/examples/skip" ]; then
	echo "# the kernel's examples did not run here ($(head -c 200 "$runs/examples/skip")): timers and rbtrees are checked on the stock kernel's dumps"
else
	if redact_one "$runs/examples/central-exit.bin"; then
		q='[.. | objects | .timer? // empty | .__opaque]'
		t_jq "central: its timer held a kernel address" "$tmp/orig.json" "$q | flatten | any(. != 0)"
		t_jq "central: ... zeroed, as bpf(2) shows it" "$tmp/one.json" "$q | flatten | length > 0 and all(. == 0)"
	else
		t_fail "central: its exit dump redacted and decoded"
	fi
	if redact_one "$runs/examples/flatcg-exit.bin"; then
		t_jq "flatcg: its rbtree root (a global in .data) zeroed" "$tmp/one.json" \
			'[.maps[] | .entries[]?.value.cgv_tree? // empty | .__opaque] | flatten | length > 0 and all(. == 0)'
	else
		t_fail "flatcg: its exit dump redacted and decoded"
	fi
fi

# scxtest: bss_stats.a is 0xa1a2a3a4a5a6a7a8 ^ seed, a number in the
# kernel's half but no address: kept
if redact_one "$runs/diff/a.bin"; then
	q='[.maps[] | .entries[]?.value.bss_stats? // empty | .a]'
	t_eq "scxtest: a random u64 that is no address kept" "$(jq -c "$q" "$tmp/orig.json")" "$(jq -c "$q" "$tmp/one.json")"
else
	t_fail "scxtest: its dump redacted and decoded"
fi

# the command's failures
d=${dumps[0]}
cp "$d" "$tmp/in.bin"
expect_fail() {	# expect_fail DESC STATUS PATTERN ARGS...
	local desc=$1 st=$2 pat=$3 rc
	shift 3
	"$DEC" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t_eq "$desc: exit $st" "$st" "$rc"
	t_check "$desc: says so" grep -q -- "$pat" "$tmp/err"
}
expect_fail "redact IN IN" 1 "write the copy elsewhere" redact "$tmp/in.bin" "$tmp/in.bin"
t_check "... the dump untouched" cmp -s "$d" "$tmp/in.bin"
ln -s in.bin "$tmp/link.bin"
expect_fail "redact IN into a link to IN" 1 "write the copy elsewhere" redact "$tmp/in.bin" "$tmp/link.bin"
head -c 5000 "$d" >"$tmp/trunc.bin"
expect_fail "a truncated dump" 2 "truncated" redact "$tmp/trunc.bin" "$tmp/x.bin"
t_check "... nothing written" test ! -e "$tmp/x.bin"
expect_fail "OUT in no directory" 4 "cannot write" redact "$tmp/in.bin" "$tmp/nodir/x.bin"
expect_fail "one FILE" 1 "two FILEs" redact "$tmp/in.bin"
# a full disk: a tmpfs smaller than the dump, an OUT there already
mkdir "$tmp/full"
if mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
	echo keep >"$tmp/full/out.bin"
	expect_fail "a full disk" 4 "No space left" redact "$tmp/in.bin" "$tmp/full/out.bin"
	t_eq "... what OUT held is kept, no temporary file left" "keep out.bin" \
		"$(cat "$tmp/full/out.bin") $(ls "$tmp/full" | paste -sd' ')"
	umount "$tmp/full"
else
	t_fail "a 64 KiB tmpfs for the full-disk case"
fi
# pipes: IN from stdin, OUT to stdout, the same bytes as a file
"$DEC" redact "$tmp/in.bin" "$tmp/file.bin" 2>/dev/null
t_check "IN from a pipe (-), OUT to a pipe (-): the same bytes as IN to a file" \
	cmp -s "$tmp/file.bin" <(cat "$tmp/in.bin" | "$DEC" redact - - 2>/dev/null | cat)
t_check "... which decodes" "$DEC" info "$tmp/file.bin"
t_check "a redacted copy redacts again, and decodes" \
	sh -c "'$DEC' redact '$tmp/file.bin' '$tmp/again.bin' 2>/dev/null && '$DEC' decode '$tmp/again.bin' | jq -e . >/dev/null"
t_done

#!/usr/bin/env bash
# scxdump html on the integration tests' dumps (the stock kernel's run
# directory, as tests/run-all.sh passes it): each page is self-contained,
# loads in headless Chromium with nothing on its console and its ready
# mark set, and shows, where the report puts them, the values the test
# schedulers (tests/sched/) put in their maps: the exit message, map rows
# by key, per-CPU bars, the arena's pages, DSQs and tasks, the scheduler
# tree, the timeline, the events, the allocators. Then the command's errors, a page
# with a hostile exit message, an inline script slipped into a page (the
# CSP, which names the page's two scripts by hash, refuses it), and a page
# with a deliberate script error (the console check must catch it). A screenshot goes beside the pages.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}
CHROMIUM=${CHROMIUM:-chromium}
runs=${1:-$GUEST_ROOT/opt/scxdump/runs/stock}
# the pages, Chromium's DOM and log of each, the screenshot
out=$runs/html
t_start=$(date +%s)

if ! command -v "$CHROMIUM" >/dev/null; then
	t_fail "headless Chromium to load the pages in ($CHROMIUM: not found; apt-get install chromium, or tests/guest/host-deps.sh)"
	t_done
	exit 1
fi
[ -f "$runs/packages/fail.bin" ] || { t_fail "the stock runs' dumps ($runs/packages/fail.bin)"; t_done; exit 1; }
rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'exec 7>&- 8<&-; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null; rm -rf "$profile"' EXIT

# DOM queries (domq.py: python3's html.parser, no module to install), one process
# for all, reading "FILE<tab>SELECTOR" lines: the text of each element
# SELECTOR matches, one a line (a row's cells joined by " | "), or with
# SELECTOR@ATTR that attribute, then a line "\x1e". SELECTOR: descendant
# steps of tag, #id, .class, [attr] and [attr="value"]. The page's own
# JSON is left out before parsing (it is most of the bytes).
mkfifo "$profile/q.in" "$profile/q.out"
python3 "$here/domq.py" <"$profile/q.in" >"$profile/q.out" &
qpid=$!
exec 7>"$profile/q.in" 8<"$profile/q.out"
# q FILE SELECTOR
q() {
	local line
	printf '%s\t%s\n' "$1" "$2" >&7
	while IFS= read -r line <&8; do
		[ "$line" = $'\x1e' ] && return 0
		printf '%s\n' "$line"
	done
	return 1
}
# kv SELECTOR KEY: the value shown for KEY in the key/value list SELECTOR
kv() { q "$dom" "$1 [data-key=\"$2\"]" | sed -E "s/^$2( [|])? //"; }

# t_has DESC ERE TEXT: a line of TEXT matches ERE
t_has() {
	if grep -Eq -- "$2" <<<"$3"; then
		t_ok "$1"
	else
		t_fail "$1"
		printf '#   no line matching: %s\n#   in: %s\n' "$2" "$(head -c 600 <<<"$3")"
	fi
}

# render NAME DUMP: scxdump html DUMP > $out/NAME.html
render() {
	"$DEC" html "$2" >"$out/$1.html" 2>"$out/$1.err"
}

# browse NAME [HASH]: $out/NAME.html in headless Chromium; the DOM once
# loaded into $out/NAME[-HASH].dom, Chromium's log (the console's lines
# among it) into .log.
browse() {
	local name=$1 hash=${2:-} tag=$1${2:+-${2//[^a-z0-9]/_}}
	timeout 60 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
		--no-default-browser-check --user-data-dir="$profile" \
		--enable-logging=stderr --v=0 \
		--dump-dom "file://$out/$name.html${hash:+#$hash}" >"$out/$tag.dom" 2>"$out/$tag.log"
	dom=$out/$tag.dom
	log=$out/$tag.log
}

# loaded NAME: the page ran to its end, with nothing on the console (the
# report writes nothing there: any line is an uncaught error, a refused
# load, or an error a section caught and logged), no error it caught.
loaded() {
	local bad
	t_eq "$1: the page rendered (its ready mark)" 1 "$(q "$dom" body@data-ready)"
	bad=$(grep -E 'CONSOLE|Uncaught|Refused to' "$log")
	t_eq "$1: Chromium's console has no message (no error, no refused load)" "" "$bad"
	t_eq "$1: the page's error box is empty" "" "$(q "$dom" '#js-errors li')"
}

# self_contained NAME: nothing in the page or its DOM points outside it.
self_contained() {
	local f=$out/$1.html
	t_eq "$1: no URL to load anything from (http:, https:, src=, <link, url() not to #)" "" \
		"$(sed '/<script type="application\/json" id="dump">/,/<\/script>/d' "$f" |
			grep -Eio 'https?:|ftp:|src=|<link|@import|url\([^#]' | sort -u)"
	t_eq "$1: the JSON inside has no '<' to close its element with (written \\u003c)" "1 0" \
		"$(grep -c '^<script type="application/json" id="dump">$' "$f") $(sed -n '/^<script type="application\/json" id="dump">$/{n;p}' "$f" | grep -c '<')"
	t_check "$1: its Content-Security-Policy forbids loading anything" \
		grep -qE "content=\"default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}=' 'sha256-[A-Za-z0-9+/]{43}='; style-src 'unsafe-inline'; img-src data:\"" "$f"
	t_eq "$1: once drawn, no element with a src, every link to this page" "" \
		"$(q "$dom" '[src]@src'; q "$dom" '[href]@href' | grep -v '^#')"
}

# --- scxtest (tests/sched/scxtest.bpf.c) through DKMS: fails at enqueue 20
render scxtest "$runs/packages/fail.bin"
t_eq "scxdump html: exit 0 on a good dump, nothing on stderr" "0 " "$? $(cat "$out/scxtest.err")"
browse scxtest all
loaded scxtest
self_contained scxtest
t_eq "scxtest: the exit message on top" "scxdump-test: planned failure after 20 enqueues" "$(q "$dom" 'header .exit .msg')"
t_eq "scxtest: the exit kind on top" SCX_EXIT_ERROR_BPF "$(q "$dom" 'header .exit .kind')"
t_has "scxtest: its reason, and the backtrace from scx_bpf_error" "^SCX_EXIT_ERROR_BPF \(1025\) of scxdump_test: scx_bpf_error .* backtrace \([0-9]+ frames\) scx_exit_bstr\+.* scx_bpf_error_bstr\+" \
	"$(q "$dom" 'header .exit')"
t_eq "scxtest: the scheduler tree: scxdump_test alone, at level 0" "scxdump_test 0" \
	"$(q "$dom" 'ul.tree li.sched@data-name') $(q "$dom" 'ul.tree li.sched@data-level')"
t_has "scxtest: the maps table: hash_kv, a hash of 100 entries (SXT_HASH_ENTRIES)" '^[0-9]+ [|] hash_kv [|] hash [|] 100 [|]' \
	"$(q "$dom" 'table.maps tr[data-map="hash_kv"]')"
t_eq "scxtest: ... its name links to its section" "#$(q "$dom" 'details[data-name="hash_kv"]@id')" \
	"$(q "$dom" 'table.maps tr[data-map="hash_kv"] a@href')"
for k in 1 13 64 100; do
	t_eq "scxtest: hash_kv[$((k * 7))] = {k * k, k, k % 8, k & 1} (k = $k)" \
		"$((k * 7)) | {sq: $((k * k)), key_echo: $k, flags: $((k % 8)), odd: $((k & 1))}" \
		"$(q "$dom" "details[data-name=\"hash_kv\"] tr[data-key=\"$((k * 7))\"]")"
done
bss=$(q "$dom" 'details[data-name="scxtest_.bss"] tr.entry')
t_has "scxtest: .bss: failed_at 20, bss_stats {b: -42, phase SXT_PHASE_FAILED}" \
	'failed_at: 20,.* b: -42, phase: "SXT_PHASE_FAILED"}' "$bss"
t_has "scxtest: .data: magic_data 0xc0ffee01, label, neg_data -1234" \
	"magic_data: $((0xc0ffee01)), label: \"scxdump-test\", neg_data: -1234" \
	"$(q "$dom" 'details[data-name="scxtest_.data"] tr.entry')"
# 64-bit values past 2^53 exact (JavaScript numbers would round them)
seed=$(q "$dom" 'details[data-name="scxtest_.rodata"] tr.entry' | sed -n 's/.*seed: \([0-9]*\).*/\1/p')
a=$(sed -n 's/.*bss_stats: {a: \([0-9]*\).*/\1/p' <<<"$bss")
t_eq "scxtest: .rodata seed exact: SXT_SEED 0x5eed5eed12345678" "$(python3 -c 'print(0x5eed5eed12345678)')" "$seed"
t_eq "scxtest: bss_stats.a exact: 0xa1a2a3a4a5a6a7a8 ^ SXT_SEED" \
	"$(python3 -c 'print(0xa1a2a3a4a5a6a7a8 ^ 0x5eed5eed12345678)')" "$a"
# the filter, through the address (#map-N:TEXT)
hk=$(q "$dom" 'details[data-name="hash_kv"]@id')
browse scxtest "$hk:odd: 1"
loaded "scxtest #$hk:odd: 1"
t_eq "scxtest: hash_kv filtered on 'odd: 1': the 50 odd k of 100, only those rows drawn" "50 50 0" \
	"$(q "$dom" "details#$hk div.lazy@data-matches") $(q "$dom" "details#$hk tr.entry" | grep -c 'odd: 1}') $(q "$dom" "details#$hk tr.entry" | grep -vc 'odd: 1}')"

# --- scxmaps (tests/sched/scxmaps.h): every map type, per-CPU values, an arena
render maps "$runs/map-types/maps.bin"
t_eq "scxdump html: the map-types dump" "0 " "$? $(cat "$out/maps.err")"
browse maps all
loaded maps
self_contained maps
t_eq "maps: the table lists all 26 maps" 26 "$(q "$dom" 'table.maps tbody tr' | wc -l)"
ncpu=$(q "$dom" 'details[data-name="pc_arr"] tr[data-key="0"] svg rect' | wc -l)
t_check "maps: pc_arr: a bar a CPU ($ncpu)" test "$ncpu" -ge 2
for k in 0 3 7; do
	want=$(for ((c = 0; c < ncpu; c++)); do echo $(((c + 1) * 1000 + k)); done | paste -sd,)
	t_eq "maps: pc_arr[$k] per CPU: (cpu + 1) * 1000 + $k, as bars" "$want $want" \
		"$(q "$dom" "details[data-name=\"pc_arr\"] tr[data-key=\"$k\"] svg@data-values") $(q "$dom" "details[data-name=\"pc_arr\"] tr[data-key=\"$k\"] svg rect@data-value" | paste -sd,)"
done
for k in 1 5; do
	want=$(for ((c = 0; c < ncpu; c++)); do echo $((c * 100 + k)); done | paste -sd,)
	t_eq "maps: pc_hash[$k].a per CPU: cpu * 100 + $k, a bar chart of the struct's field" "$want" \
		"$(q "$dom" "details[data-name=\"pc_hash\"] tr[data-key=\"$k\"] svg[data-field=\"a\"]@data-values")"
done
t_eq "maps: the queue's elements oldest first: 10 20 30 40 50" "10 20 30 40 50" \
	"$(q "$dom" 'details[data-name="queue"] tr.entry' | sed 's/.* | //; s/ key_hex .*//' | paste -sd' ')"
t_eq "maps: lru_hash: 20 entries (SXM_LRU), each 3 * key" "20 20" \
	"$(q "$dom" 'details[data-name="lru_hash"] tr.entry' | awk -F ' [|] ' '{ n++ } $2 == 3 * $1 { ok++ } END { print n + 0, ok + 0 }')"
t_eq "maps: arena: 5 of its 64 pages (SXM_ARENA_PAGES) captured" "5 64" \
	"$(q "$dom" 'details[data-name="arena"] figure@data-captured') $(q "$dom" 'details[data-name="arena"] figure@data-total')"
t_eq "maps: arena picture: the list's pages 1 5 9 20 (SXM_LIST_PAGES) and the globals' page" "0 1 5 9 20" \
	"$(q "$dom" 'details[data-name="arena"] svg rect.pg@data-page' | paste -sd' ')"
for p in 1:111:5 5:222:9 9:333:20 20:444:1; do
	IFS=: read -r pg v next <<<"$p"
	hex=$(python3 -c "import struct; print(struct.pack('<QQ', $v, 0x10000000000 + $next * 4096).hex())")
	t_has "maps: arena page $pg: node value $v, next on page $next" "[|] $hex" \
		"$(q "$dom" "details[data-name=\"arena\"] tr[data-page=\"$pg\"]")"
done

# --- scxcore (tests/sched/scxcore.h): 4 tasks parked on DSQ 100, 3 on DSQ 200
render core "$runs/core/exit.bin"
browse core all
loaded core
t_eq "core: the exit message on top" "scxdump-core: planned failure with 7 tasks parked" "$(q "$dom" 'header .exit .msg')"
t_eq "core: DSQ 100 (SXC_DSQ_VTIME): user, vtime-ordered, 4 tasks" "user vtime 4" \
	"$(q "$dom" 'table.dsqs tr[data-dsq="100"]' | awk -F ' [|] ' '{ print $3, $7, $5 }')"
t_eq "core: DSQ 100's 4 tasks listed, each with SXC_SLICE 7000000" "4 4" \
	"$(q "$dom" 'table.dsqs tr[data-dsq="100"] li' | wc -l) $(q "$dom" 'table.dsqs tr[data-dsq="100"] li' | grep -c ', slice 7000000,')"
t_eq "core: DSQ 200 (SXC_DSQ_FIFO): user, FIFO, 3 tasks, slice 7000000" "user fifo 3 3" \
	"$(q "$dom" 'table.dsqs tr[data-dsq="200"]' | awk -F ' [|] ' '{ print $3, $7, $5 }') $(q "$dom" 'table.dsqs tr[data-dsq="200"] li' | grep -c ', slice 7000000,')"
t_eq "core: a row a CPU, and a local DSQ a CPU: the guest's $(cat "$runs/core/nr_cpu_ids" 2>/dev/null) CPUs (its sysfs)" \
	"$(cat "$runs/core/nr_cpu_ids" 2>/dev/null) $(cat "$runs/core/nr_cpu_ids" 2>/dev/null)" \
	"$(q "$dom" 'table.dsqs tr[data-kind="local"]' | wc -l) $(q "$dom" 'table.cpus tbody tr' | wc -l)"
# each parked task's task_ctx: magic == SXC_MAGIC ^ pid
n=0 ok=0
while IFS='|' read -r pid dsq magic park; do
	n=$((n + 1))
	[ $((0x5c0e ^ pid)) -eq "$magic" ] && [ "$dsq" = "$park" ] && ok=$((ok + 1))
done < <(q "$dom" 'details.tasks tr.task' | awk -F ' [|] ' '$NF ~ /park_dsq: [1-9]/ {
	m = $NF; sub(/.*magic: /, "", m); sub(/,.*/, "", m); d = $NF; sub(/.*park_dsq: /, "", d); sub(/,.*/, "", d)
	print $1 "|" $9 "|" m "|" d }')
t_eq "core: the 7 parked tasks in the tasks table, on their DSQ, task_ctx.magic = SXC_MAGIC 0x5c0e ^ pid" "7 7" "$n $ok"

# --- scxsub: the child's exit dump (its parent failed) and the parent's
for f in "$runs"/sub-sched/sub-*.bin; do
	case $("$DEC" info "$f" | jq -r '"\(.capture.trigger) \(.schedulers[0].level)"') in
	"exit 0") sub_p=$f ;;
	"exit 1") sub_c=$f ;;
	esac
done
render subc "${sub_c:-/dev/null}"
browse subc all
loaded subc
t_eq "sub-sched: the tree: scxsub_parent (not in the dump) over scxsub_child at level 1" "scxsub_parent scxsub_child 1" \
	"$(q "$dom" 'ul.tree li.ghost@data-name') $(q "$dom" 'ul.tree li.ghost li.sched@data-name') $(q "$dom" 'ul.tree li.ghost li.sched@data-level')"
t_has "sub-sched: the child's node: its cgroup /scxsub, SCX_EXIT_PARENT" 'level 1, cgroup /scxsub \(id [0-9]+\), SCX_EXIT_PARENT,' \
	"$(q "$dom" 'ul.tree li.ghost li.sched')"
t_has "sub-sched: the child's role map: tag 0xc41d" "[|] \\{tag: $((0xc41d)), sub_cgid: [1-9]" \
	"$(q "$dom" 'details[data-name="role"] tr.entry')"
render subp "${sub_p:-/dev/null}"
browse subp all
loaded subp
t_eq "sub-sched: the parent's exit message on top" "scxdump-sub: the parent fails on purpose" "$(q "$dom" 'header .exit .msg')"
t_has "sub-sched: the parent's role map: tag 0x9a9e47" "[|] \\{tag: $((0x9a9e47)), sub_cgid: 0," \
	"$(q "$dom" 'details[data-name="role"] tr.entry')"

# --- scxstall with the flight recorder on (every 100 ms): its exit dump
tl=$(ls "$runs"/timeline/stall-*.bin 2>/dev/null | tail -1)
render timeline "${tl:-/dev/null}"
browse timeline all
loaded timeline
t_has "timeline: samples every 100 ms" '^Timeline \([0-9]+ samples, every 100 ms\)$' "$(q "$dom" '#timeline h2')"
t_eq "timeline: DSQ 77 (SXS_DSQ) over the samples, the victim alone on it at the end" 1 \
	"$(q "$dom" '#timeline tr[data-label="DSQ 77 (user) nr"]@data-last')"
t_eq "timeline: .bss sampled by field, nosuch not found" "1 not_found" \
	"$(q "$dom" '#timeline tr[data-label="scxstall.bss[0].nr_starved_enqueues"]' | wc -l) $(q "$dom" '#timeline table tr' | grep '^nosuch |' | awk -F ' [|] ' '{ print $NF }')"
t_eq "timeline: the stall watch's warning paired with the exit, timeout SXS_TIMEOUT_MS 4000" "paired 4000" \
	"$(kv '#stall' kind) $(kv '#stall' timeout_ms)"

# --- the event recorder's events: a synthetic dump (tests/unit/mkdump.c --events)
"$top/tests/unit/build/mkdump" --core --events "$out/events.bin"
render events "$out/events.bin"
browse events
loaded events
t_eq "events: the section, with its 11 events" "Events (11)" "$(q "$dom" '#events h2')"
t_eq "events: a row an event, the hostile program name as JSON text" \
	'-1.000000 | 0 | error | 42 task42 | prog "bad\\xff\u001b[2Jprog"' "$(q "$dom" 'tr.event[data-type="error"]')"
t_eq "events: the lanes: what each CPU ran, the failure marked" "42 task42 5 task5 77 task77 1" \
	"$(q "$dom" '#events svg.lanes rect.run' | paste -sd' ') $(q "$dom" '#events svg.lanes line.failure@x1' | wc -l)"

# --- scxarena: an sdt allocator and a bump allocator in arena pages
render arena "$runs/arena/exit.bin"
browse arena all
loaded arena
al='div.allocator[data-name="sxa_allocator"]'
t_eq "arena: sxa_allocator: 48-byte slots, 8-byte header, 3 levels of 512, struct sxa_payload" \
	"48 8 3 512 struct sxa_payload" \
	"$(for k in element_size header_size levels fanout payload_type; do kv "$al" $k; done | paste -sd' ')"
t_eq "arena: sxa_bump: one-page blocks, two of them, 8192 of 16384 bytes taken" "4096 2 8192 16384" \
	"$(for k in block_size nr_blocks cur_memusage lim_memusage; do kv 'div.allocator[data-name="sxa_bump"]' $k; done | paste -sd' ')"
t_check "arena: the picture marks the pages of allocator slots and blocks" \
	test "$(q "$dom" 'details[data-type="arena"] svg rect.alloc' | wc -l)" -ge 2
t_eq "arena: every live slot listed, a payload each with its pid" \
	"$(kv "$al" nr_live)" "$(q "$dom" "$al tr.slot" | grep -c '{pid: [0-9]*, magic: ')"
# against the loader (tests/sched/scxarena.c): its staying children each
# in a slot's payload, and as many slots as it counted live when ready
# (alloc - free), within 8 (the guest's commands since)
live_pids=$(sed -n 's/^live \([0-9]*\)$/\1/p' "$runs/arena/loader.out" 2>/dev/null | sort -u)
ready_live=$(sed -n 's/^ready alloc=\([0-9]*\) free=\([0-9]*\) .*/\1 - \2/p' "$runs/arena/loader.out" 2>/dev/null)
ready_live=$((${ready_live:-0 - 1000}))
slot_pids=$(q "$dom" "$al tr.slot" | sed -n 's/.*{pid: \([0-9]*\), magic: .*/\1/p' | sort -u)
nslots=$(q "$dom" "$al tr.slot" | grep -c '{pid: [0-9]*, magic: ')
t_eq "arena: the loader's $(echo $live_pids | wc -w) staying children each in a listed slot" "" \
	"$(comm -23 <(printf '%s\n' $live_pids) <(printf '%s\n' $slot_pids) | head -3 | paste -sd' ')"
t_check "arena: $nslots slots listed, the loader's count when ready ($ready_live) within 8" \
	test "$(echo $live_pids | wc -w)" -ge 8 -a $((nslots - ready_live)) -le 8 -a $((ready_live - nslots)) -le 8

# --- a screenshot, for the log
timeout 60 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
	--no-default-browser-check --user-data-dir="$profile" --hide-scrollbars \
	--screenshot="$out/maps.png" --window-size=1280,2400 "file://$out/maps.html" >/dev/null 2>&1
t_check "a screenshot of the map-types page, 1280x2400 and not blank ($out/maps.png)" python3 - "$out/maps.png" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', b[16:24])
assert (w, h) == (1280, 2400), (w, h)
idat, i = b'', 8
while i < len(b):
    n, kind = struct.unpack('>I4s', b[i:i + 8])
    if kind == b'IDAT':
        idat += b[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
stride = len(raw) // h
rows = {raw[r * stride + 1:(r + 1) * stride] for r in range(h)}
assert len(rows) > 300, 'only %d different rows of pixels: blank?' % len(rows)
PY

# --- the command's errors: the tool's exit statuses
head -c 30000 "$runs/core/exit.bin" >"$out/truncated.part"
"$DEC" html "$out/truncated.part" >"$out/truncated.html" 2>"$out/truncated.err"
t_eq "a truncated dump: exit 2, no page, why on stderr" "2 0 1" \
	"$? $(stat -c %s "$out/truncated.html") $(grep -c 'truncated or padded dump' "$out/truncated.err")"
"$DEC" html --salvage "$out/truncated.part" >"$out/salvaged.html" 2>/dev/null
t_eq "a truncated dump, --salvage: exit 5, a page of its whole records" "5 1" \
	"$? $(grep -c '"salvage":{' "$out/salvaged.html")"
browse salvaged
loaded salvaged
t_has "salvaged: the page says the dump is damaged, and where it stopped" '^Damaged dump, salvaged: [0-9]+ whole records read, to byte [0-9]+ of 30000;' \
	"$(q "$dom" '#salvage')"
"$DEC" html "$out/no-such.bin" >/dev/null 2>"$out/missing.err"
t_eq "a missing file: exit 4 (I/O, as decode), named on stderr" "4 1" "$? $(grep -c 'no-such.bin' "$out/missing.err")"
printf 'not a dump at all' >"$out/not-a-dump.txt"
"$DEC" html "$out/not-a-dump.txt" >/dev/null 2>&1
t_eq "not a dump: exit 2" 2 $?
"$DEC" html >/dev/null 2>&1
t_eq "no FILE: exit 1" 1 $?
"$DEC" html "$runs/core/exit.bin" "$runs/core/exit.bin" >/dev/null 2>&1
t_eq "two FILEs: exit 1" 1 $?
"$DEC" html --text "$runs/core/exit.bin" >/dev/null 2>&1
t_eq "an option of another command (--text): exit 1" 1 $?
"$DEC" html "$runs/core/exit.bin" >/dev/full 2>/dev/null
t_eq "output that cannot be written: exit 4" 4 $?

# --- a hostile exit message: the JSON cannot close its element
python3 - "$runs/packages/fail.bin" "$out/hostile.bin" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
old = b'scxdump-test: planned failure after 20 enqueues'
new = '</script><!--<script>x()</script>&amp;\u2028'.encode()
new += b'<' * (len(old) - len(new))
assert len(new) == len(old) and old in b
b = bytearray(bytes(b).replace(old, new))
b[20:24] = b'\0\0\0\0'
b[20:24] = struct.pack('<I', zlib.crc32(bytes(b)) & 0xffffffff)
open(sys.argv[2], 'wb').write(b)
PY
render hostile "$out/hostile.bin"
browse hostile
loaded hostile
t_eq "hostile: the message shown as text, byte for byte" \
	"$(python3 -c "s = '</script><!--<script>x()</script>&amp;\u2028'; print(s + '<' * (47 - len(s.encode())))")" \
	"$(q "$dom" 'header .exit .msg')"

# --- the page's script and style are files of their own (userspace/html/)
for f in report.js report-errors.js; do
	t_check "$f: valid JavaScript (node --check)" node --check "$top/userspace/html/$f"
done

# --- the page runs its own two scripts and nothing else: an inline
# script slipped into it (as a dump's text would be, were it not escaped)
# is refused by the Content-Security-Policy, which names the two by hash
t_check "the page's CSP allows scripts by their hashes only (no 'unsafe-inline')" \
	grep -qE "script-src 'sha256-[A-Za-z0-9+/]{43}=' 'sha256-[A-Za-z0-9+/]{43}=';" "$out/core.html"
sed 's|</body>|<script>document.body.dataset.injected = "1";</script></body>|' "$out/core.html" >"$out/injected.html"
browse injected
t_check "an injected inline script: refused, on Chromium's console" \
	grep -q "CONSOLE.*Executing inline script violates the following Content Security Policy directive 'script-src 'sha256-.*The action has been blocked" "$log"
t_eq "... and it did not run" "" "$(q "$dom" body@data-injected)"
t_eq "... while the page's own scripts did" 1 "$(q "$dom" body@data-ready)"

# --- the console check itself: a page whose script has a deliberate
# error fails it (the error appended to the page's main script, its hash
# in the CSP made anew)
python3 - "$out/core.html" "$out/broken.html" <<'PY'
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding='utf-8').read()
start = page.rindex('<script>\n') + len('<script>')
end = page.index('</script>', start)
old = page[start:end]
new = old + 'scxdumpDeliberateError();\n'
h = lambda t: "'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
assert h(old) in page, 'the main script\'s hash is not in the page'
page = page[:start] + new + page[end:]
open(sys.argv[2], 'w', encoding='utf-8').write(page.replace(h(old), h(new)))
PY
browse broken
t_check "a deliberate script error: on Chromium's console, so the check above would fail" \
	grep -q 'CONSOLE.*Uncaught ReferenceError: scxdumpDeliberateError is not defined' "$log"
t_eq "... and in the page's error box" 1 "$(q "$dom" body@data-js-errors)"

echo "# pages, DOMs, Chromium logs and the screenshot: $out ($(($(date +%s) - t_start)) s)"
t_done

#!/usr/bin/env bash
# scxdump collect --once, list and html on the host, without the module:
# a directory shaped like the module's debugfs one (status with its kept:
# line, dumps/<seq>) holding real dumps (the fuzz seeds, captured from the
# test schedulers) and a truncated one. Names, byte-identical copies, a
# second run that adds nothing, retention, a damaged copy kept, list's
# text, JSON and status, and every bad option at both ends of its range;
# each way a dump can fail to be saved (a --dir that is a file, a full
# disk, a name taken by a link or other bytes, stdout failing) is status
# 4, and retention touches only the regular files named as it names them.
# The module side (the status file waking the collector) is
# tests/integration/test-packages.sh. Runs with the ASan/UBSan build.
set -uo pipefail
. "$(dirname "$0")/common.sh"
seeds=$top/tests/fuzz/seeds

src=$tmp/src dst=$tmp/saved
mkdir -p "$src/dumps"
cp "$seeds/real-scxtest-nobtf.bin" "$src/dumps/00000001"
cp "$seeds/real-scxmaps-caps.bin" "$src/dumps/00000002"
head -c 1000 "$seeds/real-scxmaps-caps.bin" >"$src/dumps/00000003"
printf 'events: 3\narmed: yes\ncaptures: 3\nkept: 1 2 3 9\nlast_error: none\n' >"$src/status"

"$DEC" collect --once --source "$src" --dir "$dst" >"$tmp/c1.out" 2>"$tmp/c1.err"
t_eq "collect --once exits 0" 0 $?
a=20261206T104941.305667Z-scxdump_test-exit-00000001.scxdump
b=20261206T104949.532733Z-scxdump_maps-exit-00000001.scxdump
t_check "the first dump named by its capture time, scheduler, trigger and seq" cmp -s "$src/dumps/00000001" "$dst/$a"
t_check "the second too, byte for byte" cmp -s "$src/dumps/00000002" "$dst/$b"
dmg=$(cd "$dst" && ls | grep -- '-unknown-damaged-00000003\.scxdump$')
t_check "a copy that does not decode is kept, named -damaged- ($dmg)" cmp -s "$src/dumps/00000003" "$dst/$dmg"
t_check "and said on stderr, with why" grep -q "dumps/00000003 does not decode (truncated" "$tmp/c1.err"
t_eq "a seq the status lists but debugfs no longer has (9) is passed over" 3 "$(ls "$dst" | wc -l)"
t_eq "three 'saved' lines" 3 "$(grep -c '^saved ' "$tmp/c1.out")"
t_check "no temporary file left" sh -c "! ls -a '$dst' | grep -q incoming"

"$DEC" collect --once --source "$src" --dir "$dst" >"$tmp/c2.out" 2>&1
t_eq "a second run exits 0" 0 $?
t_check "and saves nothing twice (the damaged one keeps its name)" sh -c "! grep -q '^saved ' '$tmp/c2.out' && test \$(ls '$dst' | wc -l) -eq 3"

"$DEC" list --dir "$dst" >"$tmp/l.out" 2>"$tmp/l.err"
t_eq "list exits 2 when a file is not a whole dump" 2 $?
t_check "list: the scxtest dump's line" grep -qE "^2026-12-06T10:49:41Z +scxdump_test +exit +SCX_EXIT_ERROR_BPF +[0-9]+ +$a$" "$tmp/l.out"
t_check "list: the damaged one, with why" grep -q "DAMAGED .*$dmg: truncated" "$tmp/l.out"
"$DEC" list --dir "$dst" --json >"$tmp/l.json" 2>/dev/null
t_jq "list --json: oldest first, with exit kinds and messages" "$tmp/l.json" \
	'.[0].scheduler == "scxdump_test" and .[0].exit_kind == "SCX_EXIT_ERROR_BPF" and (.[0].message | startswith("scxdump-test: planned failure")) and .[1].scheduler == "scxdump_maps" and (.[2].error | startswith("truncated"))'

"$DEC" collect --once --keep 1 --source "$src" --dir "$dst" >"$tmp/c3.out" 2>&1
t_eq "--keep 1 exits 0" 0 $?
t_eq "--keep 1: the oldest two removed, the newest kept" "$dmg" "$(ls "$dst")"
t_eq "each removal said" 2 "$(grep -c '^removed ' "$tmp/c3.out")"
rm "$dst/$dmg"
"$DEC" collect --once --source "$src" --dir "$dst" >/dev/null 2>&1
rm "$dst"/*damaged*
"$DEC" list --dir "$dst" >/dev/null 2>&1
t_eq "list exits 0 on whole dumps only" 0 $?

# bad options and sources
before=$(ls "$dst")
for k in 0 -1 1000001 abc 5x ''; do
	"$DEC" collect --once --keep "$k" --source "$src" --dir "$dst" >/dev/null 2>"$tmp/e"
	t_eq "--keep '$k' refused with status 1" 1 $?
done
t_check "saying the range" grep -q "takes 1 to 1000000" "$tmp/e"
"$DEC" collect --once --keep 1000000 --source "$src" --dir "$tmp/top" >/dev/null 2>&1
t_eq "--keep 1000000 (the top) accepted" 0 $?
"$DEC" collect --once --source "$src" --dir "$dst" extra >/dev/null 2>&1
t_eq "collect with a FILE: status 1" 1 $?
"$DEC" collect --bogus >/dev/null 2>&1
t_eq "an unknown option: status 1" 1 $?
"$DEC" collect --once --source "$tmp/nosuch" --dir "$dst" >/dev/null 2>"$tmp/e"
t_eq "no status file: status 6" 6 $?
t_check "naming the file and what to check" grep -q "nosuch/status.*is the scxdump module loaded" "$tmp/e"
mkdir -p "$tmp/errsrc/dumps"
printf 'kept:\nlast_error: -12 (allocating the dump)\n' >"$tmp/errsrc/status"
"$DEC" collect --once --source "$tmp/errsrc" --dir "$tmp/errdst" >/dev/null 2>"$tmp/e"
t_eq "a status with nothing kept: status 0" 0 $?
t_check "a capture the module could not make is said on stderr" \
	grep -qx "scxdump collect: the module reports a failed capture: -12 (allocating the dump)" "$tmp/e"
printf 'armed: yes\n' >"$tmp/badsrc.status"
mkdir -p "$tmp/badsrc" && mv "$tmp/badsrc.status" "$tmp/badsrc/status"
"$DEC" collect --once --source "$tmp/badsrc" --dir "$dst" >/dev/null 2>"$tmp/e"
t_eq "a status file that is not scxdump's: status 6" 6 $?
: >"$tmp/afile"
"$DEC" collect --once --source "$src" --dir "$tmp/afile/sub" >/dev/null 2>"$tmp/e"
t_eq "a --dir that cannot be created: status 4" 4 $?
"$DEC" list --dir "$tmp/nosuch" >/dev/null 2>&1
t_eq "list of a missing directory: status 4" 4 $?
"$DEC" list --dir "$dst" extra >/dev/null 2>&1
t_eq "list with a FILE: status 1" 1 $?
t_eq "what was saved is still there after the bad runs" "$before" "$(ls "$dst")"

# a dump that cannot be saved is a failure, never "saved" nor exit 0
"$DEC" collect --once --source "$src" --dir "$tmp/afile" >/dev/null 2>"$tmp/e"
t_eq "a --dir that is a regular file: status 4" 4 $?
t_check "saying it is not a directory" grep -q "afile is not a directory" "$tmp/e"

# a full disk: a 64 KiB tmpfs in a mount namespace of its own (gone with it)
if unshare -m true 2>/dev/null; then
	mkdir "$tmp/full"
	unshare -m bash -c '
		mount -t tmpfs -o size=80k tmpfs "$1/full" || exit 99
		"$2" collect --once --source "$3" --dir "$1/full" >"$1/f1.out" 2>"$1/f1.err"
		echo $? >"$1/f1.rc"
		"$2" collect --once --source "$3" --dir "$1/full" >"$1/f2.out" 2>"$1/f2.err"
		echo $? >"$1/f2.rc"
		ls -a "$1/full" >"$1/f.ls"
		cmp -s "$3/dumps/00000001" "$1/full/'"$a"'" && echo same >"$1/f.cmp"' \
		- "$tmp" "$DEC" "$src"
	t_eq "a full disk: status 4" 4 "$(cat "$tmp/f1.rc" 2>/dev/null)"
	t_check "saying what failed and why" grep -q "copying $src/dumps/00000002 failed: No space left on device" "$tmp/f1.err"
	t_check "and that a dump was not saved" grep -q "not every dump was saved" "$tmp/f1.err"
	t_eq "the dump that fitted is saved (65 KiB of 80), the other (89 KiB) not" "1 0" \
		"$(grep -c "^saved .*$a" "$tmp/f1.out") $(grep -c "^saved .*$b" "$tmp/f1.out")"
	t_eq "a second run: status 4 again (still not saved)" 4 "$(cat "$tmp/f2.rc" 2>/dev/null)"
	t_eq "and what the first saved is still there, whole" same "$(cat "$tmp/f.cmp" 2>/dev/null)"
	t_check "no temporary file left on the full disk" sh -c "! grep -q incoming '$tmp/f.ls'"
else
	t_ok "# SKIP a full disk: no mount namespace (unshare -m) here"
fi

# a name taken by a link or by other bytes: reported, never "saved before"
ln=$tmp/linked
mkdir "$ln"
ln -s "$src/dumps/00000001" "$ln/$a"	# the same bytes, through a link
printf 'not this dump\n' >"$ln/$b"
"$DEC" collect --once --source "$src" --dir "$ln" >"$tmp/ln.out" 2>"$tmp/ln.err"
t_eq "a link with a dump's name: status 4" 4 $?
t_check "said, naming the link" grep -q "$ln/$a exists and is not this dump" "$tmp/ln.err"
t_check "and the other bytes under the second's name" grep -q "$ln/$b exists and is not this dump" "$tmp/ln.err"
t_check "neither counted as saved, nor replaced" sh -c "test -L '$ln/$a' && test \"\$(cat '$ln/$b')\" = 'not this dump' && ! grep -qE '$a|$b' '$tmp/ln.out'"
t_eq "the damaged one is saved beside them" 1 "$(grep -c '^saved .*-damaged-' "$tmp/ln.out")"
rm "$ln/$a" "$ln/$b"
"$DEC" collect --once --source "$src" --dir "$ln" >/dev/null 2>&1
t_eq "once the names are free: status 0" 0 $?
t_check "and both saved" sh -c "cmp -s '$src/dumps/00000001' '$ln/$a' && cmp -s '$src/dumps/00000002' '$ln/$b' && ! test -L '$ln/$a'"

# retention counts and removes only the regular files it names
mkdir "$ln/zzz.scxdump" "$ln/29991231T000000.000000Z-x-y-00000009.scxdump"
printf 'notes\n' >"$ln/notes.scxdump"
ln -s "$ln/$b" "$ln/20000101T000000.000000Z-x-y-00000001.scxdump"
"$DEC" collect --once --keep 1 --source "$src" --dir "$ln" >"$tmp/k.out" 2>"$tmp/k.err"
t_eq "--keep 1 beside foreign entries: status 0" 0 $?
t_eq "the oldest two of its own removed, the newest kept" "2 1" \
	"$(grep -c '^removed ' "$tmp/k.out") $(ls "$ln" | grep -c -- '-damaged-')"
t_check "directories, a link and a foreign file named *.scxdump untouched" sh -c "test -d '$ln/zzz.scxdump' && test -d '$ln/29991231T000000.000000Z-x-y-00000009.scxdump' && test -L '$ln/20000101T000000.000000Z-x-y-00000001.scxdump' && test -f '$ln/notes.scxdump'"

# the output cannot be written: the dumps are saved, the status says it
"$DEC" collect --once --source "$src" --dir "$tmp/tofull" >/dev/full 2>"$tmp/e"
t_eq "stdout /dev/full: status 4" 4 $?
t_check "saying the output failed" grep -q "scxdump collect: cannot write the output" "$tmp/e"
t_eq "the dumps saved all the same" 3 "$(ls "$tmp/tofull" | wc -l)"

# --exec CMD on each dump saved: its path as $1 and in SCXDUMP_FILE
ex=$tmp/exec up=$tmp/uploaded
mkdir -p "$up"
"$DEC" collect --once --source "$src" --dir "$ex" --exec 'cp "$1" '"'$up'"'/ && echo "$SCXDUMP_FILE" >>'"'$tmp/x1.env'" >"$tmp/x1.out" 2>"$tmp/x1.err"
t_eq "--exec: status 0 when every command exits 0" 0 $?
t_eq "... run once on each dump saved, given its path" "$(ls "$ex")" "$(ls "$up")"
t_eq "... the same path in SCXDUMP_FILE" "$(grep '^saved ' "$tmp/x1.out" | sed 's/^saved //')" "$(cat "$tmp/x1.env")"
t_check "... each upload the saved bytes" cmp -s "$ex/$a" "$up/$a"
"$DEC" collect --once --source "$src" --dir "$ex" --exec "echo again >>'$up/again'" >/dev/null 2>&1
t_check "... not run again for a dump saved before" test ! -e "$up/again"
"$DEC" collect --once --source "$src" --dir "$tmp/exf" --exec 'exit 3' >"$tmp/x2.out" 2>"$tmp/x2.err"
t_eq "--exec failing: status 7 with --once" 7 $?
t_eq "... each failure said with the dump and its status" 3 "$(grep -c "^scxdump collect: --exec on $tmp/exf/.* failed: exit status 3$" "$tmp/x2.err")"
t_eq "... the dumps saved all the same" "3 3" "$(grep -c '^saved ' "$tmp/x2.out") $(ls "$tmp/exf" | wc -l)"
"$DEC" collect --once --source "$src" --dir "$tmp/exk" --exec 'kill -9 $$' >/dev/null 2>"$tmp/x3.err"
t_eq "--exec killed by a signal: status 7" 7 $?
t_check "... said with the signal" grep -q "failed: killed by signal 9" "$tmp/x3.err"
"$DEC" collect --once --source "$src" --dir "$tmp/exn" --exec '/nonexistent/upload "$1"' >/dev/null 2>"$tmp/x4.err"
t_eq "--exec of a missing program: status 7, said (the shell's 127)" "7 3" "$? $(grep -c 'failed: exit status 127' "$tmp/x4.err")"
# the README's fleet recipe: the options as the service passes them (split
# at spaces), a script that uploads "$SCXDUMP_FILE"
printf '#!/bin/sh\ncp "$SCXDUMP_FILE" %s/\n' "$tmp/up2" >"$tmp/upload-scxdump"
chmod +x "$tmp/upload-scxdump"
mkdir -p "$tmp/up2"
opts="--dir $tmp/exr --keep 100 --exec $tmp/upload-scxdump"
# shellcheck disable=SC2086 # split as systemd splits $SCXDUMP_COLLECT_OPTS
"$DEC" collect --once --source "$src" $opts >/dev/null 2>&1
t_eq "the README's recipe: status 0, each saved dump uploaded" "0 $(ls "$tmp/exr" | tr '\n' ' ')" "$? $(ls "$tmp/up2" | tr '\n' ' ')"
# --journal: one structured entry for each dump saved, through logger
# --journald to the journal's socket (a stand-in bound in a mount
# namespace of its own); none for the damaged copy
if unshare -m true 2>/dev/null && command -v logger >/dev/null; then
	unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal &&
		{ python3 "$1" /run/systemd/journal/socket 3 "$2/j.out" & } &&
		for _ in $(seq 50); do [ -e /run/systemd/journal/socket.ready ] && break; sleep 0.1; done &&
		"$3" collect --once --journal --source "$4" --dir "$2/jd" >"$2/j1.out" 2>"$2/j1.err"; echo $? >"$2/j1.rc"; wait' \
		- "$here/journal-recv.py" "$tmp" "$DEC" "$src"
	t_eq "--journal: status 0" 0 "$(cat "$tmp/j1.rc")"
	t_eq "... an entry for each whole dump saved, none for the damaged one" 2 "$(grep -c '^--$' "$tmp/j.out")"
	t_eq "... each with its MESSAGE_ID and identifier" "2 2" \
		"$(grep -c '^MESSAGE_ID=58090e49ab13487396e1b49cdb1302f2$' "$tmp/j.out") $(grep -c '^SYSLOG_IDENTIFIER=scxdump$' "$tmp/j.out")"
	t_check "... the scheduler's exit: an error, priority 3, kind, message escaped" sh -c \
		"grep -qx 'SCXDUMP_SCHEDULER=scxdump_test' '$tmp/j.out' && grep -qx 'SCXDUMP_EXIT_KIND=SCX_EXIT_ERROR_BPF' '$tmp/j.out' && test \$(grep -cx 'PRIORITY=3' '$tmp/j.out') -eq 2"
	t_eq "... the saved files, as collect said them" "$(sed -n 's/^saved //p' "$tmp/j1.out" | grep -v -- -damaged- | sort)" \
		"$(sed -n 's/^SCXDUMP_FILE=//p' "$tmp/j.out" | sort)"
	t_eq "... every line a FIELD=value (no raw control byte opens a line of its own)" "" \
		"$(grep -av '^[A-Z_]*=\|^--$' "$tmp/j.out")"
	t_check "... MESSAGE says it" grep -q '^MESSAGE=saved a dump of scxdump_maps (exit, SCX_EXIT_ERROR_BPF): .*scxdump_maps-exit' "$tmp/j.out"
	# a hostile dump's text: escaped as on a terminal, each field one line
	mkdir -p "$tmp/jh/dumps"
	"$MK" --hostile "$tmp/jh/dumps/00000001"
	printf 'events: 1\narmed: yes\ncaptures: 1\nkept: 1\nlast_error: none\n' >"$tmp/jh/status"
	unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal &&
		{ python3 "$1" /run/systemd/journal/socket 1 "$2/jh.out" & } &&
		for _ in $(seq 50); do [ -e /run/systemd/journal/socket.ready ] && break; sleep 0.1; done &&
		"$3" collect --once --journal --source "$2/jh" --dir "$2/jhd" >/dev/null 2>&1; wait' \
		- "$here/journal-recv.py" "$tmp" "$DEC"
	t_eq "... a hostile scheduler name and message escaped (\\xHH), no byte raw" \
		'SCXDUMP_SCHEDULER=synth\x1b]0;t\x07\xff|SCXDUMP_EXIT_MESSAGE=sur\xed\xa0\x80 ov\xe0\x80\x80 ov\xc0\xaf ov\xf0\x80\x80\x80 big\xf4\x90\x80\x80 ff\xff lit\\xff osc\x1b]0;pwned\x07 cls\x1b[2J c1\xc2\x9b del\x7f' \
		"$(grep -a '^SCXDUMP_SCHEDULER=\|^SCXDUMP_EXIT_MESSAGE=' "$tmp/jh.out" | paste -sd '|')"
	"$DEC" collect --once --journal --source "$src" --dir "$tmp/jn" >/dev/null 2>"$tmp/j2.err" </dev/null
	rc=$?
	if [ -S /run/systemd/journal/socket ]; then
		t_ok "# SKIP --journal without a journal: this host has one"
	else
		t_eq "--journal without a journal: status 7, each entry not sent said" "7 2" \
			"$rc $(grep -c '^scxdump collect: no journal entry for ' "$tmp/j2.err")"
	fi
else
	t_ok "# SKIP --journal: no mount namespace (unshare -m) or no logger here"
fi

# the service asked to stop while a command runs: the command is killed
"$DEC" collect --source "$src" --dir "$tmp/exs" --exec "touch '$tmp/exs.started'; sleep 3517" >"$tmp/x7.out" 2>"$tmp/x7.err" &
cpid=$!
for _ in $(seq 100); do [ -e "$tmp/exs.started" ] && break; sleep 0.1; done
t0=$(date +%s)
kill -TERM "$cpid"
wait "$cpid"
rc=$? took=$(($(date +%s) - t0))
t_check "SIGTERM during --exec: the collector stops at once (${took} s), status 0" test "$rc" -eq 0 -a "$took" -le 5
t_check "... the command killed, said" grep -q "failed: killed: the collector is asked to stop" "$tmp/x7.err"
sleep 0.2
t_check "... and what it started (its process group: the shell's sleep)" sh -c "! pgrep -f '^sleep 3517$' >/dev/null"
"$DEC" collect --once --source "$src" --dir "$tmp/exe" --exec '' >/dev/null 2>"$tmp/x5.err"
t_eq "--exec '': status 1" 1 $?
"$DEC" decode --exec true "$src/dumps/00000001" >/dev/null 2>"$tmp/x6.err"
t_eq "--exec is collect's alone (status 1), so said" "1 1" "$? $(grep -c '^scxdump: --exec is an option of collect$' "$tmp/x6.err")"

# html on the host (the browser test, on the guest's dumps, is tests/dumps/test-html.sh)
"$DEC" html "$dst/$a" >"$tmp/a.html" 2>"$tmp/e"
t_eq "html exits 0" 0 $?
t_check "html: the page holds the dump's JSON and its policy" sh -c "grep -q 'id=\"dump\"' '$tmp/a.html' && grep -q \"default-src 'none'\" '$tmp/a.html' && grep -q 'planned failure' '$tmp/a.html'"
t_check "html: nothing fetched from a network" sh -c "! grep -qiE 'https?://' '$tmp/a.html'"
# a location hash with a malformed %-escape filters by its text, no URIError
if command -v node >/dev/null; then
	cat >"$tmp/hash.js" <<'JS'
const page = require('fs').readFileSync(process.argv[2], 'utf8');
const fn = /function followHash\(\) \{[\s\S]*?\n\}\n/.exec(page)[0];
let got = [];
global.openAll = () => {};
global.openMap = () => ({table: {setFilter: f => got.push(f)}, parentNode: {scrollIntoView() {}}});
for (const h of ['#map-0:%ZZ', '#map-0:a%20b']) {
	global.location = {hash: h};
	eval(fn + '; followHash();');
}
console.log(JSON.stringify(got));
JS
	t_eq "html: #map-0:%ZZ filters by '%ZZ', #map-0:a%20b by 'a b'" '["%ZZ","a b"]' "$(node "$tmp/hash.js" "$tmp/a.html" 2>&1 | tail -1)"
else
	t_ok "# SKIP the location hash's escapes: no node"
fi
"$DEC" html "$src/dumps/00000003" >/dev/null 2>"$tmp/e"
t_eq "html of a truncated dump: status 2" 2 $?
"$DEC" html "$tmp/nosuch" >/dev/null 2>&1
t_eq "html of a missing file: status 4" 4 $?
"$DEC" html >/dev/null 2>&1
t_eq "html without FILE: status 1" 1 $?
t_done

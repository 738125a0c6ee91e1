#!/usr/bin/env bash
# scxdump collect --once, list and html on the host, without the module:
# a directory shaped like the module's debugfs one (status with its kept:
# line, dumps/<seq>) holding real dumps (the fuzz seeds, captured from the
# test schedulers) and a truncated one. Names, byte-identical copies, a
# second run that adds nothing, retention, a damaged copy kept, list's
# text, JSON and status, and every bad option at both ends of its range.
# The module side (the status file waking the collector) is
# tests/integration/test-packages.sh. Runs with the ASan/UBSan build.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seeds=$top/tests/fuzz/seeds

src=$tmp/src dst=$tmp/saved
mkdir -p "$src/dumps"
cp "$seeds/real-scxtest-nobtf.bin" "$src/dumps/00000001"
cp "$seeds/real-scxmaps-caps.bin" "$src/dumps/00000002"
head -c 1000 "$seeds/real-scxmaps-caps.bin" >"$src/dumps/00000003"
printf 'events: 3\narmed: yes\ncaptures: 3\nkept: 1 2 3 9\nlast_error: none\n' >"$src/status"

"$DEC" collect --once --source "$src" --dir "$dst" >"$tmp/c1.out" 2>"$tmp/c1.err"
t_eq "collect --once exits 0" 0 $?
a=20261125T012337.878452Z-scxdump_test-exit-00000001.scxdump
b=20261125T012357.445475Z-scxdump_maps-exit-00000001.scxdump
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
t_check "list: the scxtest dump's line" grep -qE "^2026-11-25T01:23:37Z +scxdump_test +exit +SCX_EXIT_ERROR_BPF +[0-9]+ +$a$" "$tmp/l.out"
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

# html on the host (the browser test, on the guest's dumps, is test-html.sh)
"$DEC" html "$dst/$a" >"$tmp/a.html" 2>"$tmp/e"
t_eq "html exits 0" 0 $?
t_check "html: the page holds the dump's JSON and its policy" sh -c "grep -q 'id=\"dump\"' '$tmp/a.html' && grep -q \"default-src 'none'\" '$tmp/a.html' && grep -q 'planned failure' '$tmp/a.html'"
t_check "html: nothing fetched from a network" sh -c "! grep -qiE 'https?://' '$tmp/a.html'"
"$DEC" html "$src/dumps/00000003" >/dev/null 2>"$tmp/e"
t_eq "html of a truncated dump: status 2" 2 $?
"$DEC" html "$tmp/nosuch" >/dev/null 2>&1
t_eq "html of a missing file: status 4" 4 $?
"$DEC" html >/dev/null 2>&1
t_eq "html without FILE: status 1" 1 $?
t_done

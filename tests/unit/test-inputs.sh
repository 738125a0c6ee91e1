#!/usr/bin/env bash
# What the decoder reads a dump from, besides a regular file: stdin (-), a
# pipe, a FIFO (with a writer, a late one, none), files that cannot be
# mapped (procfs, character devices), and a mapped file that shrinks while
# it is read. Every command that takes a dump. Runs on the host with the
# ASan/UBSan build; no guest needed.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$MK" "$tmp/good.bin" && "$MK" --later "$tmp/later.bin" ||
	{ t_fail "mkdump runs"; t_done; exit 1; }

# Each command's output from the file itself, to compare with. Outputs
# name their file (html's title, diff's a and b): the file and the FIFO
# are both d.bin, each in its own directory; stdin is - both ways.
mkdir "$tmp/file" "$tmp/fifo"
cp "$tmp/good.bin" "$tmp/file/d.bin" && cp "$tmp/later.bin" "$tmp/file/l.bin"
mkfifo "$tmp/fifo/d.bin" "$tmp/fifo/l.bin"
cmds=("decode" "info" "summary" "html" "timeline" "decode --salvage" "decode --pretty --map vals")
for i in "${!cmds[@]}"; do
	(cd "$tmp/file" && "$DEC" ${cmds[$i]} d.bin >"$tmp/want.$i" 2>/dev/null)
	"$DEC" ${cmds[$i]} - <"$tmp/good.bin" >"$tmp/want-stdin.$i" 2>/dev/null
done

# stdin: a regular file as stdin (mapped), a pipe (read)
ok_pipe=0 ok_redir=0
for i in "${!cmds[@]}"; do
	cat "$tmp/good.bin" | "$DEC" ${cmds[$i]} - >"$tmp/got" 2>"$tmp/err" &&
		cmp -s "$tmp/got" "$tmp/want-stdin.$i" && ok_pipe=$((ok_pipe + 1))
	# html's title names the file: - here
	[ "${cmds[$i]}" = html ] && sed -i 's|<title>scxdump: -</title>|<title>scxdump: d.bin</title>|' "$tmp/want-stdin.$i"
	cmp -s "$tmp/want-stdin.$i" "$tmp/want.$i" && ok_redir=$((ok_redir + 1))
done
t_eq "- from a pipe: each command's output byte for byte that of - from the file" "${#cmds[@]}" "$ok_pipe"
t_eq "- from a redirected file: each command's output the file's (html: but its title)" "${#cmds[@]}" "$ok_redir"
(cd "$tmp/file" && "$DEC" diff d.bin l.bin >"$tmp/diff.want" && "$DEC" diff --text d.bin l.bin >"$tmp/difft.want")
cat "$tmp/later.bin" | "$DEC" diff "$tmp/file/d.bin" - >"$tmp/diff.got"
t_eq "diff: B from stdin, exit 0" 0 $?
t_check "... the same diff as from the files (but the names)" cmp <(jq -c 'del(.a.file, .b.file)' "$tmp/diff.want") <(jq -c 'del(.a.file, .b.file)' "$tmp/diff.got")
cat "$tmp/good.bin" | "$DEC" diff --text - "$tmp/file/l.bin" >"$tmp/difft.got"
t_check "diff --text: A from stdin, the same listing (but the names)" cmp <(tail -n +3 "$tmp/difft.want") <(tail -n +3 "$tmp/difft.got")
"$DEC" diff - - <"$tmp/good.bin" >"$tmp/out" 2>"$tmp/err"
t_eq "diff - -: refused as usage (exit 1), nothing written" "1 0" "$? $(wc -c <"$tmp/out")"
t_check "... saying only one may be stdin" grep -q "one of A and B from stdin" "$tmp/err"
head -c 3000 "$tmp/good.bin" | "$DEC" decode - >/dev/null 2>"$tmp/err"
t_eq "a pipe cut short: truncated (exit 2)" "2" "$?"
t_check "... said as of a file" grep -q "^scxdump: -: truncated or padded dump" "$tmp/err"
head -c 3000 "$tmp/good.bin" | "$DEC" decode --salvage - >"$tmp/salv.json" 2>/dev/null
t_eq "... --salvage from the pipe: its whole records (exit 5)" 5 $?
t_jq "... the first map among them" "$tmp/salv.json" '.maps[0].name == "vals" and .salvage.file_bytes == 3000'

# a FIFO: a writer there first; a writer that comes 2 s late (the read must
# not take the empty FIFO for an empty file); every command
cd "$tmp/fifo" || exit 1
ok=0
for i in "${!cmds[@]}"; do
	cat "$tmp/good.bin" >d.bin &
	timeout 20 "$DEC" ${cmds[$i]} d.bin >"$tmp/got" 2>"$tmp/err" &&
		cmp -s "$tmp/got" "$tmp/want.$i" && ok=$((ok + 1))
	wait
done
t_eq "a FIFO with a writer: each command's output the file's" "${#cmds[@]}" "$ok"
(sleep 2; cat "$tmp/good.bin" >d.bin) &
timeout 20 "$DEC" decode d.bin >"$tmp/got" 2>"$tmp/err"
t_eq "a FIFO whose writer comes 2 s late: exit 0" 0 $?
wait
t_check "... the whole dump read" cmp "$tmp/got" "$tmp/want.0"
t_check "... having said it waits for a writer" grep -qx "scxdump: d.bin: waiting for a writer" "$tmp/err"
(sleep 1; cat "$tmp/later.bin" >l.bin) &
cp "$tmp/good.bin" "$tmp/fifo/a.bin"
timeout 20 "$DEC" diff --text a.bin l.bin >"$tmp/got" 2>/dev/null
t_eq "diff: B a FIFO, exit 0" 0 $?
wait
t_check "... the same diff (but A's name)" cmp <(tail -n +2 "$tmp/got") <(tail -n +2 "$tmp/difft.want")
# no writer ever: it waits, as cat does, until a signal ends it (here
# timeout's SIGTERM after 3 s); the open itself never blocks
start=$(date +%s)
timeout 3 "$DEC" decode d.bin >"$tmp/out" 2>"$tmp/err"
rc=$? took=$(( $(date +%s) - start ))
t_eq "a FIFO with no writer: waits until a signal ends it (timeout's 124, in 3-4 s)" "124 1" \
	"$rc $([ "$took" -ge 3 ] && [ "$took" -le 4 ] && echo 1)"
t_check "... having said what it waits for, writing nothing" sh -c \
	"grep -qx 'scxdump: d.bin: waiting for a writer' '$tmp/err' && test ! -s '$tmp/out'"
( exec 5>d.bin ) &	# a writer that closes at once
timeout 10 "$DEC" decode d.bin >/dev/null 2>"$tmp/err"
rc=$?
wait
t_eq "a FIFO whose writer closes without writing: an empty file (exit 2)" "2" "$rc"
t_check "... said so" grep -q "empty file: not an scxdump dump" "$tmp/err"
cd "$tmp" || exit 1

# what cannot be mapped: read, then checked like a file
expect_fail() {	# DESC STATUS PATTERN ARGS...
	local desc=$1 want=$2 pat=$3 rc
	shift 3
	timeout 20 "$DEC" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$pat" "$tmp/err" && [ ! -s "$tmp/out" ] &&
	   ! grep -q "No such device" "$tmp/err"; then
		t_ok "$desc"
	else
		t_fail "$desc (exit $rc, want $want)"
		sed 's/^/#   /' "$tmp/err"
	fi
}
for c in decode info summary html timeline; do
	expect_fail "$c of /proc/self/status (procfs, size 0, not mappable): not a dump (exit 2)" 2 \
		"/proc/self/status: not an scxdump dump (bad magic)" $c /proc/self/status
done
expect_fail "/dev/zero: not a dump, read no further than its first bytes" 2 \
	"/dev/zero: not an scxdump dump (bad magic)" decode /dev/zero
expect_fail "/dev/null: an empty file" 2 "/dev/null: empty file" decode /dev/null
expect_fail "diff with /proc/self/status as B" 2 "/proc/self/status: not an scxdump dump" \
	diff "$tmp/good.bin" /proc/self/status
# a header that claims more than any dump: refused before reading it all
python3 - "$tmp/good.bin" "$tmp/huge.bin" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<Q', d, 24, 3 << 30)	# total_size: 3 GiB
open(sys.argv[2], 'wb').write(d)
PY
cat "$tmp/huge.bin" | timeout 20 "$DEC" decode - >"$tmp/out" 2>"$tmp/err"
t_eq "a piped header claiming 3 GiB: refused (exit 2)" 2 $?
t_check "... naming the claim and the bound" grep -q "the header claims 3221225472 bytes, more than any dump (2146435072)" "$tmp/err"
t_check "the same file, mapped: the usual size mismatch" sh -c \
	"'$DEC' decode '$tmp/huge.bin' 2>&1 >/dev/null | grep -q 'header says 3221225472 bytes'"

# A mapped file truncated while decode reads it. Deterministic: decode
# writes to a FIFO nobody reads yet, so it stops in write() a few KiB into
# the map's entries (checked: it sleeps in pipe_write); the file is cut to
# half, then the output drained: decode touches the pages past the new end.
# Before: killed by SIGBUS (status 135). Now: a message and status 4.
# This proves the fault is caught and reported; not that a file rewritten
# in place (same size) is (it is not: the dump must not change while read).
cc -O2 -o "$tmp/mkbig" "$here/../bench/mkbig.c" $(pkg-config --libs libbpf zlib) &&
	"$tmp/mkbig" 16 "$tmp/big.bin"
for build in build build-san; do
	cp "$tmp/big.bin" "$tmp/shrink.bin"
	rm -f "$tmp/out.fifo" && mkfifo "$tmp/out.fifo"
	"$top/userspace/$build/scxdump" decode "$tmp/shrink.bin" >"$tmp/out.fifo" 2>"$tmp/err" &
	pid=$!
	exec 3<"$tmp/out.fifo"
	for _ in $(seq 200); do
		grep -q pipe_write "/proc/$pid/wchan" 2>/dev/null && break
		sleep 0.1
	done
	blocked=$(grep -c pipe_write "/proc/$pid/wchan" 2>/dev/null)
	truncate -s $(( $(stat -c %s "$tmp/shrink.bin") / 2 )) "$tmp/shrink.bin"
	cat <&3 >/dev/null
	exec 3<&-
	wait "$pid"
	rc=$?
	t_eq "$build: decode blocked on its output, the file cut to half: exit 4, not SIGBUS (135)" "1 4" "$blocked $rc"
	t_check "... saying the file shrank" grep -qx "scxdump: $tmp/shrink.bin: the file shrank while it was read (truncated by another process)" "$tmp/err"
done
t_done

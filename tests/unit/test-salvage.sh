#!/usr/bin/env bash
# decode --salvage on real dumps (the fuzz seeds, captured from the test
# schedulers) cut at every record boundary, inside every record's header
# and half way through every record, and with a byte flipped: each time
# every whole record before the damage is decoded, the JSON and stderr say
# where and why it stopped, the exit status is 5; without --salvage the
# error names the option. Runs with the ASan/UBSan build.
set -uo pipefail
. "$(dirname "$0")/common.sh"

for seed in "$top"/tests/fuzz/seeds/real-*.bin; do
	name=$(basename "$seed" .bin)
	size=$(stat -c %s "$seed")
	# the record boundaries, read from the framing here (type, size, 8-aligned)
	python3 - "$seed" >"$tmp/bounds" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, i = 72, 0
while off < len(d):
    t, s = struct.unpack_from('<II', d, off)
    print(i, off, s)
    off += (s + 7) // 8 * 8
    i += 1
PY
	nr=$(wc -l <"$tmp/bounds")
	"$DEC" decode --salvage "$seed" >"$tmp/whole.json" 2>"$tmp/whole.err"
	t_eq "$name: whole, --salvage changes nothing (exit 0)" 0 $?
	t_jq "$name: whole: no salvage report" "$tmp/whole.json" 'has("salvage") | not'
	ok_cut=0 ok_in=0 ok_half=0 ok_plain=0 bad=
	while read -r i off rsize; do
		[ "$i" -gt 0 ] || continue	# a cut before the first record leaves none
		for kind in cut in half; do
			case $kind in
			cut) at=$off ;;
			in) at=$((off + 4)) ;;
			half) at=$((off + rsize / 2)) ;;
			esac
			[ "$at" -lt "$size" ] || continue
			head -c "$at" "$seed" >"$tmp/t.bin"
			"$DEC" decode --salvage "$tmp/t.bin" >"$tmp/t.json" 2>"$tmp/t.err"
			rc=$?
			# every record before the cut, none after; said in the JSON and on stderr
			if [ $rc -eq 5 ] && jq -e --argjson off "$off" --argjson i "$i" --argjson at "$at" \
				'.salvage | .read_bytes == $off and .stopped_at == $off and .records == $i and
				 .file_bytes == $at and .complete == false and (.damage | test("truncated"))' \
				"$tmp/t.json" >/dev/null &&
				grep -q "salvaged $i whole records, to byte $off of $at" "$tmp/t.err"; then
				case $kind in
				cut) ok_cut=$((ok_cut + 1)) ;;
				in) ok_in=$((ok_in + 1)) ;;
				half) ok_half=$((ok_half + 1)) ;;
				esac
			else
				bad="$bad $kind@$at(rc=$rc)"
			fi
			if [ "$kind" = half ]; then
				"$DEC" decode "$tmp/t.bin" >/dev/null 2>"$tmp/p.err"
				[ $? -eq 2 ] && grep -q -- "--salvage" "$tmp/p.err" && ok_plain=$((ok_plain + 1))
			fi
		done
	done <"$tmp/bounds"
	t_eq "$name: cut at each of the $((nr - 1)) record boundaries: the records before it" "$((nr - 1))" "$ok_cut"
	t_eq "$name: cut inside each record's header: the records before it" "$((nr - 1))" "$ok_in"
	t_eq "$name: cut half way through each record: the records before it" "$((nr - 1))" "$ok_half"
	t_eq "$name: without --salvage each cut is refused (exit 2), naming --salvage" "$((nr - 1))" "$ok_plain"
	[ -z "$bad" ] || echo "# $name: wrong at$bad" | head -c 2000
	# the maps before a cut half way through the file are those of the whole dump
	read -r i off rsize < <(awk -v n="$nr" 'NR == int(n / 2)' "$tmp/bounds")
	head -c "$off" "$seed" >"$tmp/t.bin"
	"$DEC" decode --salvage "$tmp/t.bin" >"$tmp/half.json" 2>/dev/null
	t_check "$name: a cut half way: each map read is the whole dump's map, entries and all" \
		jq -e -n '[input.maps[] | select(.status != "incomplete")] as $a | input.maps as $w |
			($a | length) > 0 and all($a[]; . as $m | ($w[] | select(.index == $m.index)) == $m)' \
		"$tmp/half.json" "$tmp/whole.json"
	# a byte flipped in the middle: every record read, the checksum named
	cp "$seed" "$tmp/f.bin"
	printf '\xff' | dd of="$tmp/f.bin" bs=1 seek=$((size / 2)) conv=notrunc status=none
	if cmp -s "$seed" "$tmp/f.bin"; then
		printf '\x00' | dd of="$tmp/f.bin" bs=1 seek=$((size / 2)) conv=notrunc status=none
	fi
	"$DEC" decode --salvage "$tmp/f.bin" >"$tmp/f.json" 2>"$tmp/f.err"
	t_eq "$name: a flipped byte: exit 5" 5 $?
	t_jq "$name: ... every record read, the checksum named as the damage" "$tmp/f.json" \
		".salvage | .records == $nr and .read_bytes == $size and .complete and (.damage | test(\"checksum mismatch\"))"
	"$DEC" summary --salvage "$tmp/f.bin" >"$tmp/f.txt" 2>/dev/null
	t_check "$name: ... summary --salvage says DAMAGED" grep -q "^DAMAGED: checksum mismatch" "$tmp/f.txt"
done
"$DEC" info --salvage "$top/tests/fuzz/seeds/real-scxtest-nobtf.bin" >/dev/null 2>"$tmp/u.err"
t_eq "--salvage is decode's and summary's alone (exit 1)" 1 $?
t_done

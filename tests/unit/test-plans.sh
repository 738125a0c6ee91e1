#!/usr/bin/env bash
# The compiled renderers (userspace/plan.c) against render.c: every dump
# decoded both ways (SCXDUMP_NO_PLAN=1 turns the plans off) must give the
# same JSON, byte for byte. The dumps: mkdump's synthetic one (every BTF
# rendering case the decoder's tests assert) and its --hostile one (char
# arrays with a backslash, with bytes not UTF-8), the fuzzer's real seeds,
# and every dump under the directories given (the guest tests' runs/stock:
# every *.bin there is a whole dump a guest left; the host checks' cut and
# bogus files are named otherwise).
# The fuzzer checks the same on the inputs it makes up.
#
#   test-plans.sh [DIR...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build/scxdump}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s -C "$top/userspace" && make -s -C "$here" || { t_fail "the decoder and mkdump build"; t_done; exit 1; }
"$here/build/mkdump" "$tmp/synthetic.bin" && "$here/build/mkdump" --hostile "$tmp/hostile.bin" ||
	{ t_fail "mkdump runs"; t_done; exit 1; }
list=$tmp/dumps
{
	echo "$tmp/synthetic.bin"
	echo "$tmp/hostile.bin"
	ls "$top"/tests/fuzz/seeds/*
	for d in "$@"; do
		find "$d" -name '*.bin' -type f 2>/dev/null | sort
	done
} >"$list"
same=0 real=0 differ="" undecoded=""
while read -r f; do
	# every dump here is whole: one that does not decode is a failure
	if ! "$DEC" decode "$f" >"$tmp/plan.json" 2>"$tmp/plan.err" ||
		! SCXDUMP_NO_PLAN=1 "$DEC" decode "$f" >"$tmp/noplan.json" 2>/dev/null; then
		undecoded="$undecoded ${f#"$top"/}"
		continue
	fi
	if cmp -s "$tmp/plan.json" "$tmp/noplan.json"; then
		same=$((same + 1))
		jq -e '[.maps[] | .nr_entries] | add > 0' "$tmp/plan.json" >/dev/null 2>&1 &&
			real=$((real + 1))
	else
		differ="$differ ${f#"$top"/}"
	fi
done <"$list"
t_eq "every dump decodes (those that do not:$undecoded)" "" "$undecoded"
t_eq "the same JSON both ways for every dump (those that differ:$differ)" "" "$differ"
t_check "... the synthetic dump among them, $same dumps in all ($real with entries)" \
	sh -c "[ $same -ge 3 ] && [ $real -ge 3 ]"
if [ $# -gt 0 ]; then
	t_check "... and the guest tests' dumps: $same of $(wc -l <"$list") files, at least 20, every one the same" \
		[ "$same" -ge 20 -a "$same" -eq "$(wc -l <"$list")" ]
fi
t_done

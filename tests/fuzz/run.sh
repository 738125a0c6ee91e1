#!/usr/bin/env bash
# A bounded libFuzzer run of the decoder (FUZZ_SECONDS, default 60) with
# ASan+UBSan, its corpus seeded from the synthetic dumps of tests/unit and
# from the real dumps the guest tests left. A crash fails it; its input is
# kept under $SCXDUMP_CACHE/fuzz/crashes and becomes a regression seed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"

secs=${FUZZ_SECONDS:-60}
work=$SCXDUMP_CACHE/fuzz
corpus=$work/corpus
mkdir -p "$corpus" "$work/crashes"
make -s -C "$here" >/dev/null || { t_fail "fuzz harness builds"; t_done; exit 1; }
mk=$here/../unit/build/mkdump
if [ -x "$mk" ]; then
	"$mk" "$corpus/synthetic.bin"
	"$mk" --corrupt-len "$corpus/synthetic-len.bin"
	"$mk" --no-end "$corpus/synthetic-noend.bin"
fi
# Real dumps, small ones (a 5 MiB kernel BTF would only slow every run).
for d in "$GUEST_ROOT"/opt/scxdump/runs/*/*.bin; do
	[ -f "$d" ] && [ "$(stat -c %s "$d")" -lt 2000000 ] && cp "$d" "$corpus/real-$(basename "$(dirname "$d")")-$(basename "$d")"
done
# Past crashes stay in the corpus as regression seeds.
cp "$here"/regressions/* "$corpus/" 2>/dev/null
t_check "corpus seeded with synthetic and real dumps" sh -c "ls '$corpus' | grep -q '^synthetic' && ls '$corpus' | grep -q '^real-'"

log "fuzzing the decoder for ${secs}s ($(ls "$corpus" | wc -l) seeds)"
"$here/build/fuzz_decode" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
	-max_len=262144 -artifact_prefix="$work/crashes/" -print_final_stats=1 \
	"$corpus" >"$work/last.log" 2>&1
rc=$?
grep -E '^stat::number_of_executed_units|^Done' "$work/last.log" | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	t_ok "no crash, leak or undefined behaviour in ${secs}s of fuzzing"
else
	t_fail "fuzzing found a crash (exit $rc); inputs in $work/crashes"
	grep -E 'ERROR|SUMMARY|runtime error' "$work/last.log" | head -10 | sed 's/^/#   /'
fi
t_done

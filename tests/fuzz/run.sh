#!/usr/bin/env bash
# The decoder under libFuzzer with ASan+UBSan.
#
#   run.sh            the gate (make check): a fixed seed and a fixed number
#                     of runs (FUZZ_RUNS) from a fixed corpus, so that the
#                     same tree always fuzzes the same inputs
#   run.sh explore    open-ended search for new bugs (FUZZ_SECONDS, default
#                     600) from a growing corpus under $SCXDUMP_CACHE/fuzz,
#                     seeded as well with the real dumps the guest tests left
#
# Each input goes through every command (fuzz_decode.c): decode, info,
# summary, timeline, events, trace, html, redact, and (one in 16) diff
# from synthetic-core.bin.
#
# The fixed corpus: the synthetic dumps of tests/unit, four small real dumps
# and synthetic ones with the event recorder's record and a flat-copied map (seeds/) and every
# input that once crashed the decoder (regressions/). A
# crash fails the run and its input is kept under $SCXDUMP_CACHE/fuzz/crashes,
# to be added to regressions/ with the fix.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"

mode=${1:-gate}
work=$SCXDUMP_CACHE/fuzz
mkdir -p "$work/crashes"
make -s -C "$here" >/dev/null || { t_fail "fuzz harness builds"; t_done; exit 1; }

seed_corpus() {
	local corpus=$1 mk=$here/../unit/build/mkdump
	mkdir -p "$corpus"
	make -s -C "$here/../unit" >/dev/null || return 1
	"$mk" "$corpus/synthetic.bin" &&
		"$mk" --core --events "$corpus/synthetic-core.bin" &&
		"$mk" --later "$corpus/synthetic-later.bin" &&
		"$mk" --corrupt-len "$corpus/synthetic-len.bin" &&
		"$mk" --no-end "$corpus/synthetic-noend.bin" &&
		"$mk" --hostile "$corpus/synthetic-hostile.bin" &&
		"$mk" --flat "$corpus/synthetic-redone.bin" &&
		"$mk" --owners "$corpus/synthetic-owners.bin" || return 1
	cp "$here"/seeds/* "$here"/regressions/* "$corpus/"
}

fuzz() {
	# diff's second dump: every record kind, core state and events included
	SCXDUMP_FUZZ_REF=$corpus/synthetic-core.bin "$here/build/fuzz_decode" -timeout=20 -rss_limit_mb=2048 -max_len=262144 \
		-artifact_prefix="$work/crashes/" -print_final_stats=1 "$@" \
		>"$work/last.log" 2>&1
	local rc=$?
	grep -aE '^stat::number_of_executed_units' "$work/last.log" | sed 's/^/# /'
	if [ $rc -ne 0 ]; then
		grep -aE 'ERROR|SUMMARY|runtime error' "$work/last.log" | head -10 | sed 's/^/#   /'
		ls -t "$work"/crashes | head -3 | sed "s|^|#   input: $work/crashes/|"
	fi
	return $rc
}

if [ "$mode" = explore ]; then
	secs=${FUZZ_SECONDS:-600}
	corpus=$work/corpus
	seed_corpus "$corpus" || { t_fail "corpus seeded"; t_done; exit 1; }
	# the guest tests' dumps, at any depth (runs/<kernel>/<suite>/*.bin),
	# named by their path under runs/
	runs=$GUEST_ROOT/opt/scxdump/runs
	[ -d "$runs" ] && find "$runs" -name '*.bin' -type f -size -2000k -printf '%P\n' |
		while read -r d; do cp "$runs/$d" "$corpus/real-${d//\//-}"; done
	log "exploring for ${secs}s from $(ls "$corpus" | wc -l) inputs"
	fuzz -max_total_time="$secs" "$corpus"
	t_eq "no crash, leak or undefined behaviour in ${secs}s of exploring" 0 $?
	t_done
	exit
fi

runs=${FUZZ_RUNS:-60000}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
seed_corpus "$corpus"
t_check "corpus: synthetic dumps, real dumps and past crashes" \
	sh -c "ls '$corpus' | grep -q '^synthetic' && ls '$corpus' | grep -q '^real-' &&
	       [ \$(ls '$corpus' | wc -l) -ge $(( $(ls "$here/regressions" | wc -l) + 5 )) ]"
log "fuzzing the decoder: $runs runs, seed 1, $(ls "$corpus" | wc -l) inputs"
fuzz -seed=1 -runs="$runs" "$corpus"
t_eq "no crash, leak or undefined behaviour in $runs fixed-seed runs" 0 $?
t_done

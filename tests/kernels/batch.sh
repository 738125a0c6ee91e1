# shellcheck shell=bash
# The integration suite in one boot of a kernel the project built, and its
# checks on the host; sourced by tests/kernels/*-suite.sh (after
# tests/lib.sh and tests/guest/common.sh).
#
#   batch_write FILE [EXTRA]   a guest script that exports the knobs set
#                              here (guest_knobs), then runs every
#                              tests/integration/guest-NAME.sh in turn, each
#                              in its own directory NAME/ with its own slice
#                              of the kernel log, the module unloaded between
#                              them, each stopped after BATCH_TIMEOUT
#                              seconds (900, as a test's own boot is), then
#                              the shell command EXTRA
#   batch_checks DIR           every tests/integration/test-NAME.sh on what
#                              its guest script left in DIR/NAME, as many at
#                              once as CPUs, their output in turn; adds up
#                              passed and failed
#   batch_quiet_start RUN / batch_quiet_stop
#                              while the batch whose guest run is named RUN
#                              runs one of the tests in BATCH_QUIET, the
#                              kernels' background build is stopped
# BATCH_EXCLUDE: the tests a suite leaves out (a list of NAMEs), set before
# sourcing this.
batch_it=$(cd "$(dirname "${BASH_SOURCE[0]}")/../integration" && pwd)
# lockdown last: the kernel stays locked down until the next boot
batch_last="lockdown"
batch_names=()
for t in "$batch_it"/test-*.sh; do
	n=${t##*/test-}
	n=${n%.sh}
	[[ " ${BATCH_EXCLUDE:-} $batch_last " == *" $n "* ]] || batch_names+=("$n")
done
for n in $batch_last; do
	[[ " ${BATCH_EXCLUDE:-} " == *" $n "* ]] || batch_names+=("$n")
done

batch_write() {
	local file=$1 extra=${2:-} n knobs to=${BATCH_TIMEOUT:-900}
	knobs=$(guest_knobs)
	{
		[ -z "$knobs" ] || echo "export $knobs"
		echo "top=\$(pwd)"
		for n in "${batch_names[@]}"; do
			echo "mkdir -p \$top/$n && cd \$top/$n && echo '=== $n' >/dev/console"
			# a test still running 60 s before its timeout (half way,
			# for a timeout under 2 min): its blocked tasks on the
			# console (tests/guest/watchdog.sh, SCHED_FIFO), in case its
			# processes cannot be killed (uninterruptible)
			echo "chrt -f 1 sh /opt/scxdump/watchdog.sh $n $((to > 120 ? to - 60 : to / 2)) & wd=\$!"
			# its wall time in secs (the guest's uptime at start and end)
			echo "read -r s _ </proc/uptime"
			echo "dmesg -C; timeout -k 10 $to sh $GUEST_SRC/tests/integration/guest-$n.sh </dev/null >out 2>&1; echo \$? >rc; kill \$wd 2>/dev/null"
			echo "read -r e _ </proc/uptime; echo \"\$s \$e\" >secs"
			echo "sh /opt/scxdump/facts.sh; rmmod scxdump 2>/dev/null; dmesg >dmesg; cd \$top"
		done
		[ -z "$extra" ] || echo "$extra"
	} >"$file"
}

passed=0 failed=0
# batch_tally OUTPUT: add a script's RESULT line (none: one failure)
batch_tally() {
	local out=$1 p f
	read -r p f < <(t_result <<<"$out")
	passed=$((passed + ${p:-0})) failed=$((failed + ${f:-1}))
}

# The checks only read their test's directory and write their own
# temporary files: run side by side (the debug suite's 141 s of them came
# after its guest, on the path to the end of make check).
batch_checks() {
	local dir=$1 label=$2 n out i=0 res pids=() max
	max=$(nproc)
	res=$(mktemp -d)
	for n in "${batch_names[@]}"; do
		# at most one check a CPU: the oldest waited for
		while [ "${#pids[@]}" -ge "$max" ]; do
			wait "${pids[0]}"
			pids=("${pids[@]:1}")
		done
		SCXDUMP_BATCH_DIR=$dir "$batch_it/test-$n.sh" >"$res/$i" 2>&1 &
		pids+=($!)
		i=$((i + 1))
	done
	[ "${#pids[@]}" -eq 0 ] || wait "${pids[@]}"
	i=0
	for n in "${batch_names[@]}"; do
		out=$(cat "$res/$i")
		printf '%s\n' "$out" | sed "s/^/[$label $n] /"
		batch_tally "$out"
		i=$((i + 1))
	done
	rm -rf "$res"
	batch_times "$dir" "$label"
}

# batch_times DIR LABEL: the slowest tests of the batch, by wall time in
# the guest (NAME/secs), for planning make check's time; not a check
batch_times() {
	local n line=
	line=$(for n in "${batch_names[@]}"; do
		[ -s "$1/$n/secs" ] && awk -v n="$n" '{ printf "%d %s\n", $2 - $1 + 0.5, n }' "$1/$n/secs"
	done | sort -rn | head -8 | awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $2, $1 }')
	[ -z "$line" ] || echo "[$2] slowest tests in the guest: $line"
}

# The tests that time the stop (BATCH_QUIET, e.g. snapshot: a 100k hash
# copied flat within the default 5 ms in 20 of 20 stops) run with make
# check's background kernel build stopped (tests/run-all.sh: its process
# group in SCXDUMP_BACKGROUND_PGID, a list): at idle priority it leaves the
# guest its CPU, not the memory bandwidth its compilers use (the cold run:
# the copy fit in 17 of 20). Nothing with a wall-clock timeout may be in
# those groups: it would fire when they go on. A watcher reads the guest's console (the batch's "=== NAME"
# lines) every 2 s; the work goes on when the next test begins, and at
# batch_quiet_stop whatever happened.
batch_quiet_pid=
# batch_quiet_signal SIG: to each background group; true if one took it
batch_quiet_signal() {
	local g ok=1
	for g in ${SCXDUMP_BACKGROUND_PGID:-}; do
		kill -"$1" -- -"$g" 2>/dev/null && ok=0
	done
	return $ok
}
batch_quiet_start() {
	local con=$GUEST_ROOT/opt/scxdump/runs/$1/console.log
	[ -n "${SCXDUMP_BACKGROUND_PGID:-}" ] && [ -n "${BATCH_QUIET:-}" ] || return 0
	(
		trap 'batch_quiet_signal CONT; exit 0' TERM
		state=CONT
		while batch_quiet_signal 0; do
			cur=$(grep -ao '^=== [a-z0-9-]*' "$con" 2>/dev/null | tail -1)
			want=CONT
			for t in $BATCH_QUIET; do
				[ "$cur" != "=== $t" ] || want=STOP
			done
			if [ "$want" != "$state" ]; then
				batch_quiet_signal "$want"
				log "background work: SIG$want (${cur:-no test yet})"
				state=$want
			fi
			sleep 2
		done
	) &
	batch_quiet_pid=$!
}
batch_quiet_stop() {
	[ -n "$batch_quiet_pid" ] || return 0
	kill -TERM "$batch_quiet_pid" 2>/dev/null
	wait "$batch_quiet_pid" 2>/dev/null
	batch_quiet_pid=
	batch_quiet_signal CONT
	return 0
}

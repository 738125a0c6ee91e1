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
#                              its guest script left in DIR/NAME; adds up
#                              passed and failed
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
			# for a timeout under 2 min): the tasks blocked, with their
			# stacks, on the console (console.log), in case its processes
			# cannot be killed (uninterruptible); the console's log level
			# raised for it, then put back
			echo "(trap 'kill \$s; exit' TERM; sleep $((to > 120 ? to - 60 : to / 2)) & s=\$!; wait \$s; echo '=== $n: still running, blocked tasks:' >/dev/console; l=\$(cut -f1 /proc/sys/kernel/printk); echo 8 >/proc/sys/kernel/printk; echo w >/proc/sysrq-trigger; echo \$l >/proc/sys/kernel/printk) & wd=\$!"
			echo "dmesg -C; timeout -k 10 $to sh $GUEST_SRC/tests/integration/guest-$n.sh </dev/null >out 2>&1; echo \$? >rc; kill \$wd 2>/dev/null"
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

batch_checks() {
	local dir=$1 label=$2 n out
	for n in "${batch_names[@]}"; do
		out=$(SCXDUMP_BATCH_DIR=$dir "$batch_it/test-$n.sh" 2>&1)
		printf '%s\n' "$out" | sed "s/^/[$label $n] /"
		batch_tally "$out"
	done
}

#!/bin/sh
# Runs inside the test guest: the kernel's sched_ext selftests, one runner
# call per test, in ./<label>/<test>/: the runner's output and status, the
# kernel log of that test and, with the module, every dump it kept, the
# module's status, and what insmod and rmmod said (insmod.err, rmmod.err).
#
#   guest-selftests.sh RUNNER_DIR LABEL without|with [KO]
set -u
R=$1/runner label=$2 mode=$3 KO=${4:-}
DBG=/sys/kernel/debug/scxdump
mkdir -p "$label" && cd "$label" || exit 1
"$R" -l >list 2>list.err || { echo "runner -l failed"; exit 1; }
for t in $(cat list); do
	mkdir -p "$t"
	if [ "$mode" = with ]; then
		insmod "$KO" capture_all_exits=Y keep_dumps=64 2>"$t/insmod.err" ||
			echo "insmod failed before $t"
	fi
	dmesg -C
	timeout 600 "$R" -t "$t" >"$t/out" 2>&1
	echo $? >"$t/rc"
	dmesg >"$t/dmesg"
	if [ "$mode" = with ]; then
		for d in $(ls $DBG/dumps 2>/dev/null); do
			cat "$DBG/dumps/$d" >"$t/dump-$d.bin"
		done
		cat $DBG/status >"$t/status"
		rmmod scxdump 2>"$t/rmmod.err" || echo "rmmod failed after $t" | tee -a "$t/rmmod.err"
	fi
done
echo "== done $label"

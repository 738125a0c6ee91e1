#!/bin/sh
# Runs inside the test guest (tests/integration/test-packages.sh boots it),
# on the root where packages-root.sh installed the Debian packages (DKMS
# built the module for this kernel in their postinst): modprobe; scxdump
# collect saving three failures in a row; the installed tool decoding
# them. packages-root.sh purges them after. What the host checks is left
# in this directory.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
. $S/tests/integration/packages-lib.sh

T0=$(date +%s)
# step NAME: how long the script took to get here (the test log shows it)
step() { echo "step $1: $(($(date +%s) - T0)) s"; }

command -v scxdump >which.txt 2>&1
modinfo -n scxdump >modinfo.txt 2>&1
collect_three() {
	# the collector the package's unit runs, as the unit runs it (no systemd
	# in this guest): the options of /etc/default/scxdump
	. /etc/default/scxdump
	scxdump collect $SCXDUMP_COLLECT_OPTS >collect.out 2>collect.err &
	COL=$!
	sleep 1
	churn
	for i in 1 2 3; do
		$SB/scxtest --fail-after $((20 * i)) >loader$i.out 2>&1 || echo "scxtest $i failed: $?"
		# each saved before the next failure
		n=0
		while [ "$(grep -c '^saved ' collect.out)" -lt $i ] && [ $n -lt 300 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	done
	churn_stop
	# idle: the collector sleeps in poll; its CPU time (utime + stime, in
	# clock ticks) over 5 s
	ticks() { awk '{print $14 + $15}' /proc/$COL/stat; }
	a=$(ticks)
	sleep 5
	b=$(ticks)
	if [ -n "$a" ] && [ -n "$b" ]; then
		echo "idle_ticks: $((b - a))"
	else
		echo "idle_ticks: no collector"
	fi
	kill -TERM $COL
	wait $COL
	echo "collect_rc: $?"
	ls $VAR >saved.list 2>&1
	scxdump list >list.txt 2>list.err; echo "list_rc: $?"
	scxdump list --json >list.json 2>>list.err
	i=0
	for f in $VAR/*.scxdump; do
		i=$((i + 1))
		scxdump decode "$f" >dec$i.json 2>dec$i.err; echo "decode_rc_$i: $?"
	done
	# the first, for the tests that read the stock run's dumps (test-html)
	cp $VAR/*-00000001.scxdump fail.bin 2>/dev/null
}

if modprobe scxdump; then
	echo "modprobe: ok"
	cat $DBG/status >status.txt 2>&1
	step modprobe
	collect_three
	step collected
	modprobe -r scxdump && echo "modprobe -r: ok" || echo "modprobe -r failed: $?"
else
	echo "modprobe failed: $?"
fi

echo "== done"

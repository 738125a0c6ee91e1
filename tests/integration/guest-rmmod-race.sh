#!/bin/sh
# Runs inside the test guest (tests/integration/test-rmmod-race.sh boots it):
# the module unloaded and loaded again, round after round, while a
# scheduler runs, the flight recorder samples it every 10 ms and on-demand
# captures are asked for by writers killed in the middle of their write.
# A killed writer's capture goes on in the module's worker (trigger.c)
# with no module reference: rmmod must let it finish before it frees what
# it copies (module/main.c's teardown order). Each rmmod either unloads or
# is refused busy (a writer holds the control file, or the collector the
# status file: it runs in every fifth round, and is stopped after the
# first refusal); it is then tried again. At most ROUNDS rounds, none begun after LIMIT seconds, then a
# load that fails late for LATE_S seconds: under a minute on a slow TCG
# guest.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
# RMMOD_ROUNDS rounds (20; the debug suite 15), none begun after
# RMMOD_LIMIT seconds (30; the debug suite 180)
ROUNDS=${RMMOD_ROUNDS:-20} LIMIT=${RMMOD_LIMIT:-30}

# the scheduler runs through every round: it exits at our TERM
$SB/scxtest --exit-after-ms 600000 >loader.out 2>&1 &
SCX=$!
wait_enabled
cat /sys/kernel/sched_ext/state >state.before

# A writer killed once it waits for its capture: in write(2) (syscall 1
# on x86_64, in /proc/PID/syscall; "running" while it runs) on the
# control file, asleep in the module's killable wait (state D in
# /proc/PID/stat: TASK_KILLABLE; once the capture completes it is woken,
# R, and a kill then comes too late: on the debug kernel 9 of 12 such
# kills did, when only the syscall was looked at). Timed kills alone
# missed the wait on a kernel whose captures end quickly (6.12: none of 97
# writes). Counted in killed-waiting.
kill_waiting() {
	sh -c "echo capture >$DBG/control" 2>/dev/null &
	p=$!
	i=0
	while [ $i -lt 2000 ]; do
		{ read -r nr rest </proc/$p/syscall && read -r _ _ st _ </proc/$p/stat; } 2>/dev/null ||
			break
		if [ "$nr" = 1 ] && [ "$st" = D ]; then
			kill -KILL $p 2>/dev/null && echo "$rest" >>killed-waiting
			break
		fi
		i=$((i + 1))
	done
	kill -KILL $p 2>/dev/null
	wait $p 2>/dev/null
}

# killed as it waits for its capture, after 200 ms, or left to finish;
# without the module, or told to pause (an rmmod refused busy ten times),
# a pause instead
writer() {
	w=0
	while [ ! -e stop ]; do
		if [ ! -e $DBG/control ] || [ -e pause ]; then
			sleep 0.05
			continue
		fi
		case $((w % 3)) in
		0) kill_waiting ;;
		1) timeout -s KILL 0.2 sh -c "echo capture >$DBG/control" 2>/dev/null ;;
		2) echo capture 2>/dev/null >$DBG/control ;;
		esac
		w=$((w + 1))
	done
	echo "$w" >writes
}
rm -f stop pause late.stop killed-waiting
writer &
W=$!

start=$(date +%s)
round=1
while [ $round -le $ROUNDS ] && [ $(($(date +%s) - start)) -lt $LIMIT ]; do
	if ! insmod $KO timeline_interval_ms=10 stall_warn_pct=0 2>insmod.err; then
		echo "round $round: insmod failed: $(cat insmod.err)" >>rounds.log
		break
	fi
	echo "round $round: loaded" >>rounds.log
	# every fifth round, the collector waits on the status file: rmmod
	# is refused busy while it holds it, and goes through once it stops
	COL=
	if [ $((round % 5)) -eq 0 ]; then
		touch pause	# no new dumps for it to copy meanwhile
		$S/userspace/build/scxdump collect --dir col-$round >col-$round.log 2>&1 &
		COL=$!
		n=0
		until ls -l /proc/$COL/fd 2>/dev/null | grep -q /status || [ $n -ge 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		ls -l /proc/$COL/fd 2>/dev/null | grep -q /status && echo "round $round: collector waiting" >>rounds.log
	fi
	sleep 0.3
	try=1
	while [ $try -le 50 ]; do
		if out=$(rmmod scxdump 2>&1); then
			echo "rmmod $round.$try: ok" >>rmmod.log
			break
		fi
		# "in use": kmod read a non-zero refcount in sysfs; "temporarily
		# unavailable": the count was 0 then, and a writer opened the
		# control file before delete_module (try_stop_module's
		# -EWOULDBLOCK); both are a module in use, refused as it must be
		case $out in
		*"in use"* | *"resource busy"* | *"temporarily unavailable"*) echo "rmmod $round.$try: busy" >>rmmod.log ;;
		*) echo "rmmod $round.$try: $out" >>rmmod.log ;;
		esac
		try=$((try + 1))
		if [ -n "$COL" ]; then
			kill -TERM $COL
			wait $COL
			echo "round $round: collector stopped ($?)" >>rounds.log
			COL=
		fi
		[ $try -le 10 ] || touch pause
		sleep 0.1
	done
	rm -f pause
	lsmod | grep -q '^scxdump ' && { echo "round $round: still loaded" >>rounds.log; break; }
	round=$((round + 1))
done
echo "$(($(date +%s) - start)) s" >elapsed
touch stop
wait $W
cat /sys/kernel/sched_ext/state >state.after
kill -TERM $SCX
wait $SCX

# A stall warning in flight: scxstall starves its victim until the
# watchdog fails it (4 s); once the module says it captures the warning
# (at 50%: 2 s), rmmod at once and again every 20 ms until it is gone.
# The unload waits for that capture (stall_exit() flushes the worker).
r=1
while [ $r -le 3 ]; do
	insmod $KO || { echo "warn $r: insmod failed" >>warn.log; break; }
	# new kernel log lines followed (-W, not -w: the last round's warning
	# is in the log): rmmod is on its way the moment the
	# warning's line is (its capture takes some milliseconds)
	timeout 20 dmesg -W | grep -m1 -q 'scxdump: stall warning: ' &
	WT=$!
	$SB/scxstall --wait-ms 30000 >warn-$r.out 2>&1 &
	ST=$!
	wait $WT
	n=$?
	c0=$(dmesg | grep -c 'scxdump: captured dump')
	try=1
	until rmmod scxdump 2>/dev/null || [ $try -ge 500 ]; do
		sleep 0.02
		try=$((try + 1))
	done
	c1=$(dmesg | grep -c 'scxdump: captured dump')
	lsmod | grep -q '^scxdump ' && gone=no || gone=yes
	echo "warn $r: warning seen ($n), unloaded: $gone after $try tries, captures done $c0 then $c1" >>warn.log
	wait $ST
	echo "warn $r: loader $?, state $(cat /sys/kernel/sched_ext/state)" >>warn.log
	r=$((r + 1))
done

# A load that fails late (the flight recorder's ring too big: E2BIG)
# while schedulers fail one after the other: the hook must never have been
# armed (main.c arms it last), or a disable could run in it while the
# failed module's text is freed. For LATE_S seconds.
LATE_S=8
echo "scxdump-test: late-failing loads" >/dev/kmsg
(while [ ! -e late.stop ]; do $SB/scxtest --fail-after 50 >/dev/null 2>&1; done) &
F=$!
start=$(date +%s)
while [ $(($(date +%s) - start)) -lt $LATE_S ]; do
	if insmod $KO timeline_interval_ms=10 timeline_samples=4096 timeline_map_bytes=65536 \
		timeline_maps=.bss 2>>late.err; then
		echo "late: loaded" >>late.log
		rmmod scxdump
	else
		echo "late: refused" >>late.log
	fi
done
touch late.stop
wait $F
echo "== done"

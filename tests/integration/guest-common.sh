# shellcheck shell=sh
# What the guest scripts share, sourced inside the guest
# (tests/integration/guest-NAME.sh, tests/bench/guest-timeline.sh) after
# they set S (the source tree in the guest).

# the module, the test schedulers and the module's debugfs directory; a
# batch on a kernel the project built points the first two at its builds
KO=${SCXDUMP_KO:-$S/scxdump.ko}
SB=${SCXDUMP_SCHED:-$S/tests/sched/build}
DBG=/sys/kernel/debug/scxdump

# wait_enabled [S [PID]]: until sched_ext says its scheduler is enabled, at
# most S seconds (30), and only while PID (the loader) lives
wait_enabled() {
	_n=0
	while [ "$(cat /sys/kernel/sched_ext/state)" != enabled ] && [ $_n -lt $((${1:-30} * 10)) ] &&
		{ [ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null; }; do
		sleep 0.1
		_n=$((_n + 1))
	done
}

# wait_disabled [S]: until sched_ext's scheduler is no longer enabled, at
# most S seconds (30)
wait_disabled() {
	_n=0
	while [ "$(cat /sys/kernel/sched_ext/state)" = enabled ] && [ $_n -lt $((${1:-30} * 10)) ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
}

# capture_to FILE WHAT: an on-demand capture, its dump copied to FILE and
# "WHAT: ok" said; nothing said when the control write is refused (its
# error is on stderr), FILE then not written
capture_to() {
	echo capture >$DBG/control && cat $DBG/dump >"$1" && echo "$2: ok"
}

# churn [N]: short-lived processes one after the other in the background
# (their wake-ups make enqueues), N of them or until churn_stop; its pid in
# LOAD
churn() {
	if [ -n "${1:-}" ]; then
		(_i=0; while [ $_i -lt "$1" ]; do /bin/true; _i=$((_i + 1)); done) &
	else
		(while :; do /bin/true; done) &
	fi
	LOAD=$!
}

churn_stop() {
	kill "$LOAD" 2>/dev/null
	wait "$LOAD" 2>/dev/null
}

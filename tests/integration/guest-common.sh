# shellcheck shell=sh
# What the guest scripts share, sourced inside the guest
# (tests/integration/guest-NAME.sh, tests/bench/guest-timeline.sh) after
# they set S (the source tree in the guest).

# the module, the test schedulers and the module's debugfs directory; a
# batch on a kernel the project built points the first two at its builds
KO=${SCXDUMP_KO:-$S/scxdump.ko}
SB=${SCXDUMP_SCHED:-$S/tests/sched/build}
DBG=/sys/kernel/debug/scxdump

# wait_enabled: until sched_ext says its scheduler is enabled, at most 30 s
wait_enabled() {
	_n=0
	while [ "$(cat /sys/kernel/sched_ext/state)" != enabled ] && [ $_n -lt 300 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
}

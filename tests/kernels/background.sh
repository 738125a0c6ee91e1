#!/usr/bin/env bash
# tests/kernels/background.sh NAME...: build these kernels one after the
# other (tests/kernels/build.sh) with only the CPU time nothing else wants.
#
# tests/run-all.sh starts it in a session of its own (setsid), so that an
# early exit can stop the compilers with it. With the scheduler's
# autogroups on (kernel.sched_autogroup_enabled, the default of many
# kernels), a new session is a new task group that gets the same CPU share
# as the session that runs the guest, whatever the nice value or policy of
# the tasks in it: a `make -j2` there took a whole core's half from the
# TCG guest (measured: a guest's CPU-bound loop ran 2.1x slower beside it).
# So the group's own nice value goes to 19 first (its weight falls from
# 1024 to 15), then the tasks' policy to SCHED_IDLE: the guest's loop then
# ran 1.07x slower, the compilers taking the core the guest leaves.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -w /proc/self/autogroup ]; then
	echo 19 >/proc/self/autogroup ||
		echo "background: cannot lower this session's autogroup" >&2
fi
chrt -i -p 0 $$ >/dev/null || echo "background: no SCHED_IDLE, only nice 19" >&2
renice -n 19 -p $$ >/dev/null
for k in "$@"; do
	echo "== kernel $k"
	"$here/build.sh" "$k" || echo "== kernel $k: failed"
done

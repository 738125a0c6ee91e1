#!/usr/bin/env bash
# tests/kernels/background.sh NAME...: build these kernels one after the
# other (tests/kernels/build.sh) with only the CPU time nothing else wants.
#
# tests/run-all.sh starts it in a session of its own (setsid), so that an
# early exit can stop the compilers with it, and the stock suite stop them
# while a test times the stop (tests/kernels/batch.sh: batch_quiet_start);
# background_priority (tests/guest/common.sh) leaves them the CPU time the
# guest does not want.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"
background_priority
for k in "$@"; do
	echo "== kernel $k"
	"$here/build.sh" "$k" || echo "== kernel $k: failed"
done

#!/usr/bin/env bash
# The compiled renderers against render.c on the guest tests' dumps: the
# host test tests/unit/test-plans.sh, given the run directory (default
# the stock kernel's) whose every *.bin is a whole dump a guest left.
#
#   test-plans.sh [DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"
exec "$here/../unit/test-plans.sh" "${1:-$GUEST_ROOT/opt/scxdump/runs/stock}"

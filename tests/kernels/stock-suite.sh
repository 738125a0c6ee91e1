#!/usr/bin/env bash
# The integration suite on the guest root's own kernel (Debian's 7.3), as
# make check runs it: the packages of make deb installed on the root (their
# DKMS builds the module for that kernel), then every
# tests/integration/guest-NAME.sh but dkms's runs in one boot (tests/kernels/batch.sh),
# then every tests/integration/test-NAME.sh checks what its script left in
# $GUEST_ROOT/opt/scxdump/runs/stock/NAME. One boot instead of one per test
# saves about 15 s of TCG boot per test, time the kernels make check builds
# beside it need. A test-NAME.sh run alone still boots a guest of its own.
# Repetitions are halved here, as on 6.12 (the debug kernel runs fewer
# still): SNAP_RUNS 10, STRAND_RUNS 5; test-snapshot.sh and test-strand.sh
# alone run 20 and 10.
# Expects the guest tree built (tests/guest/build.sh guest-all). Closes with
# one RESULT line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"
BATCH_EXCLUDE="dkms faults"
. "$here/batch.sh"
# On Debian's kernel, the module is installed as users install it: the
# packages of make deb, with apt-get, DKMS building it in their postinst;
# purged after the boot (test-packages.sh; test-dkms runs on the project's
# kernels).
"$here/../integration/packages.sh" install || t_fail "make deb and the install on the guest root"
export SNAP_RUNS=${SNAP_RUNS:-10} STRAND_RUNS=${STRAND_RUNS:-5}
batch_write "$GUEST_ROOT/opt/scxdump/stock-batch.sh"
# the 100k hash in the stop at the default budget, 20 of 20: without the
# debug kernel's build beside it (batch_quiet_start)
BATCH_QUIET=${BATCH_QUIET-snapshot}
batch_quiet_start stock
stage guest-stock "$here/../guest/run.sh" --name stock --timeout 5400 -- \
	sh /opt/scxdump/stock-batch.sh >/dev/null
batch_quiet_stop
"$here/../integration/packages.sh" purge || t_fail "the purge on the guest root"
batch_checks "$GUEST_ROOT/opt/scxdump/runs/stock" stock
passed=$((passed + T_PASSED)) failed=$((failed + T_FAILED))
echo "RESULT: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

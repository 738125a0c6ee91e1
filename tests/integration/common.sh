# shellcheck shell=bash
# What every integration test does first: the assertions, the guest
# settings, the decoder under test, and one guest run of its guest-side
# script. Sourced by tests/integration/test-*.sh.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"

DEC=${SCXDUMP_DECODER:-$SCXDUMP_TOP/userspace/build-san/scxdump}

# guest_script NAME: boot the guest on tests/integration/guest-NAME.sh as
# run NAME; $dir is then the run directory, on the host. In a batch
# (tests/kernels/debug-suite.sh), the script already ran in the batch's one
# boot: $dir is its directory there, SCXDUMP_BATCH_DIR/NAME.
guest_script() {
	if [ -n "${SCXDUMP_BATCH_DIR:-}" ]; then
		dir=$SCXDUMP_BATCH_DIR/$1
		cat "$dir/out" 2>/dev/null
	else
		dir=$GUEST_ROOT/opt/scxdump/runs/$1
		"$here/../guest/run.sh" --name "$1" --timeout 900 -- \
			sh "$GUEST_SRC/tests/integration/guest-$1.sh"
	fi
	t_eq "guest script ran to the end" "== done" "$(grep -x '== done' "$dir/out")"
	echo "# guest kernel: $(cat "$dir/krel" 2>/dev/null)"
}

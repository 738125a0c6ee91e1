#!/usr/bin/env bash
# Copy the sources into the guest root and build there, with the guest
# kernel's headers and compiler: the module, the scxdump tool and the test
# schedulers. Products stay in $GUEST_ROOT/opt/scxdump/src.
#
# With SCXDUMP_KERNEL set to a kernel the project built (tests/kernels/,
# a guest path), the targets (default: the module alone) are built against
# that kernel's tree, in $SCXDUMP_KERNEL/scxdump-src (its scxdump.ko, and
# its test schedulers if built, are what the guest uses on that kernel).
set -euo pipefail
. "$(dirname "$0")/common.sh"

dst=$GUEST_SRC kdir=/lib/modules/$(guest_krel)/build log=$SCXDUMP_CACHE/build.log
targets=("${@:-all}")
if [ -n "${SCXDUMP_KERNEL:-}" ]; then
	[ -d "$GUEST_ROOT$SCXDUMP_KERNEL/build" ] || die "no kernel tree at $SCXDUMP_KERNEL"
	dst=$SCXDUMP_KERNEL/scxdump-src kdir=$SCXDUMP_KERNEL/build
	log=$SCXDUMP_CACHE/build-$(basename "$SCXDUMP_KERNEL").log
	[ $# -gt 0 ] || targets=(module)
fi
mkdir -p "$GUEST_ROOT$dst"
# not -t: a file whose content differs gets a new time, so make rebuilds what
# another tree (a branch, a worktree) built from it before
rsync -rlpgoD --checksum --delete --exclude .git --exclude build/ --exclude build-san/ --exclude build-fuzz/ --exclude build-deb/ \
	--exclude '*.o' --exclude '*.ko' --exclude '*.cmd' --exclude '*.mod*' \
	"$SCXDUMP_TOP/" "$GUEST_ROOT$dst/"
"$(dirname "$0")/chroot-run.sh" make -C "$dst" -j2 KDIR="$kdir" "${targets[@]}" >"$log" 2>&1 ||
	{ tail -40 "$log" >&2; die "guest build failed (log: $log)"; }

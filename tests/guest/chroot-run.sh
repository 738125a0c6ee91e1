#!/usr/bin/env bash
# Run a command inside the guest root (chroot), e.g. to build the module with
# the guest kernel's own compiler. The mounts live in a private mount
# namespace, so they vanish with the command and never leak into the root.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ -d "$GUEST_ROOT/usr" ] || die "no guest root at $GUEST_ROOT (run: make guest)"
exec unshare --mount --propagation private -- sh -c '
	root=$1; shift
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/tmp"
	exec chroot "$root" "$@"' sh "$GUEST_ROOT" "$@"

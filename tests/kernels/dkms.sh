#!/usr/bin/env bash
# Register the tree with DKMS in the guest root and build and install it
# for a kernel, the way Debian's dkms does when a kernel is installed:
#
#   tests/kernels/dkms.sh [KERNEL]
#
# KERNEL is a kernel the project built (tests/kernels/build.sh; a guest
# path), whose build tree becomes /lib/modules/<release>/build; without it,
# the guest root's own kernel. The guest then loads it with modprobe
# (tests/integration/guest-dkms.sh). What dkms builds stays installed
# until the next run, which removes it first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SCXDUMP_TOP/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"
if [ -n "${1:-}" ]; then
	krel=$(cat "$GUEST_ROOT$1/build/include/config/kernel.release")
	# installed as a kernel package installs it: modules.builtin & co.
	# (what depmod, which dkms runs, needs), System.map, the build tree
	if [ ! -f "$GUEST_ROOT/lib/modules/$krel/modules.builtin" ]; then
		src=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$GUEST_ROOT$1/build/Makefile")
		"$here/../guest/chroot-run.sh" make -s -C "$src" O="$1/build" modules_install \
			>/dev/null || die "modules_install for $krel failed"
	fi
	cp "$GUEST_ROOT$1/build/System.map" "$GUEST_ROOT/boot/System.map-$krel"
	ln -sfn "$1/build" "$GUEST_ROOT/lib/modules/$krel/build"
else
	krel=$(guest_krel)
fi
src=/usr/src/scxdump-$ver
rm -rf "${GUEST_ROOT:?}$src"
mkdir -p "$GUEST_ROOT$src"
rsync -a --exclude .git --exclude build/ --exclude build-san/ --exclude build-fuzz/ \
	--exclude '*.o' --exclude '*.ko' --exclude '*.cmd' --exclude '*.mod*' \
	"$SCXDUMP_TOP/" "$GUEST_ROOT$src/"
log=$SCXDUMP_CACHE/dkms-$krel.log
"$here/../guest/chroot-run.sh" sh -c "
	dkms remove scxdump/$ver --all >/dev/null 2>&1 || true
	dkms add scxdump/$ver && dkms build scxdump/$ver -k $krel &&
	dkms install scxdump/$ver -k $krel" >"$log" 2>&1 ||
	{ tail -30 "$log" >&2; die "dkms add/build/install for $krel failed (log: $log)"; }
echo "$krel"

#!/usr/bin/env bash
# Build (once) the Debian root filesystem the test guest boots from: trixie
# with trixie-backports' kernel, its headers and a BPF toolchain. The result
# is cached in $GUEST_ROOT and rebuilt only when this script changes.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# linux-perf: make bench profiles the capture in the guest; build-essential,
# debhelper and dh-dkms: make deb (tests/integration/guest-deb.sh installs
# the packages)
PACKAGES="linux-image-amd64 linux-headers-amd64 gcc make clang llvm libbpf-dev
bpftool libelf-dev zlib1g-dev libyajl-dev libdeflate-dev nettle-dev pkg-config jq kmod busybox-static procps
iproute2 dkms linux-perf build-essential debhelper dh-dkms"

# Only this script decides what the root holds: it alone keys the cache.
stamp=$(sha256sum <"$0" | cut -c1-16)
if [ -f "$GUEST_ROOT/.scxdump-stamp" ] && [ "$(cat "$GUEST_ROOT/.scxdump-stamp")" = "$stamp" ]; then
	log "guest root cached: $GUEST_ROOT (kernel $(guest_krel))"
	exit 0
fi

"$(dirname "$0")/host-deps.sh"

mirror=$(host_mirror main)
security=$(host_mirror security)
[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources; set SCXDUMP_MIRROR"
[ -n "$security" ] || security=${mirror%/debian*}/debian-security

tmp=$GUEST_ROOT.tmp
umount_binds() {
	local m
	for m in dev/pts dev sys proc; do
		mountpoint -q "$tmp/$m" && umount -l "$tmp/$m"
	done
	return 0
}
trap umount_binds EXIT
umount_binds
rm -rf "$tmp"
mkdir -p "$(dirname "$GUEST_ROOT")"

stage debootstrap debootstrap --variant=minbase "$GUEST_SUITE" "$tmp" "$mirror" >"$tmp.log" 2>&1 ||
	{ tail -20 "$tmp.log"; die "debootstrap failed (log: $tmp.log)"; }

rm -f "$tmp/etc/apt/sources.list"
cat >"$tmp/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $mirror
Suites: $GUEST_SUITE $GUEST_SUITE-updates $GUEST_SUITE-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $GUEST_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
echo 'APT::Install-Recommends "false";' >"$tmp/etc/apt/apt.conf.d/90norecommends"
echo scxdump-guest >"$tmp/etc/hostname"

mount --bind /proc "$tmp/proc"
mount --bind /sys "$tmp/sys"
mount --bind /dev "$tmp/dev"
mount --bind /dev/pts "$tmp/dev/pts"
install_pkgs() {
	chroot "$tmp" apt-get update -q &&
	chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-t "$GUEST_SUITE-backports" $PACKAGES &&
	chroot "$tmp" apt-get clean
}
stage guest-packages install_pkgs >>"$tmp.log" 2>&1 ||
	{ tail -30 "$tmp.log"; die "package install failed (log: $tmp.log)"; }
umount_binds

rm -rf "$GUEST_ROOT"
mv "$tmp" "$GUEST_ROOT"
echo "$stamp" >"$GUEST_ROOT/.scxdump-stamp"
log "guest root ready: $GUEST_ROOT (kernel $(guest_krel), $(du -sh "$GUEST_ROOT" | cut -f1))"

#!/usr/bin/env bash
# Build a kernel of the project's own from Debian's linux-source package,
# inside the guest root (the guest's compiler and pahole), once:
#
#   tests/kernels/build.sh NAME            guest.config, then NAME.config
#   tests/kernels/build.sh --prepare NAME  what needs the network and the
#                                          guest root's apt (packages, the
#                                          source), and the configuration:
#                                          single-threaded work that a
#                                          background build at idle priority
#                                          would crawl through beside a
#                                          guest (3 min, against 20 s alone)
#
# One build per kernel at a time: a second caller (a suite while
# tests/run-all.sh builds the kernel in the background) waits on the
# kernel's lock, then finds it built.
#
# NAME.config names its Debian source package ("# source: linux-source-X").
# The build is keyed by the source package's version and the hash of the
# config lines of both fragments (comments aside) and the compiler flags
# it adds:
# $GUEST_ROOT/opt/scxdump/kernels/NAME-<version>-<hash>/ holds the
# build tree (O=, for building modules against it) and bzImage; its config
# is /boot/config-<release> in the guest root, as libbpf expects. It prints
# that directory's guest path on its last line. Each stage prints its time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"

prepare_only=0
[ "${1:-}" = --prepare ] && { prepare_only=1; shift; }
name=${1:?usage: build.sh [--prepare] NAME}
base=$here/guest.config frag=$here/$name.config
[ -f "$frag" ] || die "no fragment $frag"
SRC_PKG=$(sed -n 's/^# source: *\(linux-source-[0-9.]*\) *$/\1/p' "$frag")
[ -n "$SRC_PKG" ] || die "$frag names no source package (# source: linux-source-X)"
JOBS=${JOBS:-$(nproc)}
chroot_run() { "$here/../guest/chroot-run.sh" "$@"; }

# what the build needs in the guest root besides its compiler
deps() {
	chroot_run sh -c 'command -v pahole >/dev/null && command -v flex >/dev/null &&
		command -v bison >/dev/null && command -v bc >/dev/null &&
		command -v python3 >/dev/null' 2>/dev/null && return 0
	chroot_run sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q -t $GUEST_SUITE-backports dwarves flex bison bc \
		python3 libelf-dev >/dev/null && apt-get clean"
}

# the source package, unpacked once per version under the guest root
source_tree() {
	local deb
	deb=$(linux_source_deb "$SRC_PKG") || return 1
	src=/opt/scxdump/kernels/src-$SRC_PKG-$(dpkg-deb -f "$deb" Version)
	linux_source_unpack "$deb" "$SRC_PKG" "$GUEST_ROOT$src"
}

# allnoconfig + the fragment; every line of the fragment must have held
configure() {
	chroot_run make -s -C "$src" O="$out/build" ARCH=x86_64 allnoconfig >/dev/null &&
	cat "$base" "$frag" >"$GUEST_ROOT$out/fragment.config" &&
	chroot_run sh -c "cd $out/build && $src/scripts/kconfig/merge_config.sh -m .config \
		$out/fragment.config >/dev/null && make -s -C $src O=$out/build ARCH=x86_64 \
		olddefconfig" || return 1
	local miss
	miss=$(config_lines | while IFS= read -r l; do
		grep -qxF "$l" "$GUEST_ROOT$out/build/.config" || echo "$l"; done)
	[ -z "$miss" ] || { echo "not in the final .config:" $miss >&2; return 1; }
}

# BTF needs DWARF's types and each function's parameters at entry, not the
# location of every variable at every instruction: without variable
# tracking assignments gcc spends 10-20% less time per object, and the
# BTF holds the same functions with the same prototypes (compared object
# by object on kernel/sched, kernel/bpf/helpers.c, arena.c). Without
# variable tracking at all, pahole cannot tell where parameters arrive and
# leaves 3 of 4 functions out of BTF (kfuncs with them): it stays on.
KCFLAGS_BUILD="-fno-var-tracking-assignments"

compile() {
	chroot_run make -s -C "$src" O="$out/build" ARCH=x86_64 -j"$JOBS" \
		KCFLAGS="$KCFLAGS_BUILD" bzImage modules \
		>"$GUEST_ROOT$out/build.log" 2>&1 ||
		{ tail -30 "$GUEST_ROOT$out/build.log" >&2; return 1; }
	cp "$GUEST_ROOT$out/build/arch/x86/boot/bzImage" "$GUEST_ROOT$out/bzImage"
}

# the config lines both fragments set, in order
config_lines() { grep -hE '^(CONFIG_|# CONFIG_)' "$base" "$frag"; }

# the build directory, configured once: a configuration that held is marked
configured() {
	[ -f "$GUEST_ROOT$out/configured" ] && return 0
	# one build per kernel name: an older source or fragment is dropped
	rm -rf "${GUEST_ROOT:?}"/opt/scxdump/kernels/"$name"-*
	mkdir -p "$GUEST_ROOT$out/build"
	stage kernel-config configure || die "kernel $name: the fragment does not hold"
	touch "$GUEST_ROOT$out/configured"
}

stage kernel-deps deps || die "cannot install the kernel build's packages in the guest root"
stage kernel-source source_tree || die "cannot unpack $SRC_PKG"
ver=${src##*/src-"$SRC_PKG"-}
hash=$({ config_lines | sort; echo "KCFLAGS=$KCFLAGS_BUILD"; } | sha256sum | cut -c1-12)
out=/opt/scxdump/kernels/$name-$ver-$hash
exec 9>"$GUEST_ROOT/opt/scxdump/kernels/.lock-$name"
if [ $prepare_only -eq 1 ]; then
	# a build of it running has configured it: never wait for it here
	flock -n 9 || exit 0
	[ -f "$GUEST_ROOT$out/bzImage" ] || configured
	exit 0
fi
if ! flock -n 9; then
	log "kernel $name: another build of it is running, waiting for it"
	stage kernel-wait flock 9
fi
if [ -f "$GUEST_ROOT$out/bzImage" ]; then
	log "kernel $name: cached ($out)"
else
	configured
	stage kernel-build compile || die "kernel $name: build failed ($GUEST_ROOT$out/build.log)"
	log "kernel $name: $(cat "$GUEST_ROOT$out/build/include/config/kernel.release"), $(du -sh "$GUEST_ROOT$out/bzImage" | cut -f1)"
fi
# where libbpf looks for the config of the running kernel (BPF __kconfig)
krel=$(cat "$GUEST_ROOT$out/build/include/config/kernel.release")
cp "$GUEST_ROOT$out/build/.config" "$GUEST_ROOT/boot/config-$krel"
echo "$out"

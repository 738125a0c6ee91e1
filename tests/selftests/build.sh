#!/usr/bin/env bash
# Build the kernel's own sched_ext selftests (tools/testing/selftests/
# sched_ext: its Makefile, its runner) from the source tree the project's
# kernels come from, inside the guest root, once per source version, with
# the stock guest kernel's BTF (CO-RE relocates them on any 7.3 kernel).
# Prints the guest path of the directory holding the runner.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"

chroot_run() { "$here/../guest/chroot-run.sh" "$@"; }
krel=$(guest_krel)
deps() {
	chroot_run sh -c 'test -f /usr/include/zstd.h && test -f /usr/include/openssl/opensslv.h &&
		command -v llvm-strip >/dev/null' \
		2>/dev/null && return 0
	chroot_run sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q -t $GUEST_SUITE-backports libzstd-dev zlib1g-dev \
		libelf-dev libssl-dev llvm >/dev/null && apt-get clean"
}
build() {
	chroot_run make -C "$src/tools/testing/selftests/sched_ext" -j"$(nproc)" \
		OUTPUT="$out" VMLINUX_BTF="/usr/src/linux-headers-$krel/vmlinux" \
		CC=gcc CLANG=clang >"$GUEST_ROOT$out.log" 2>&1 ||
		{ tail -30 "$GUEST_ROOT$out.log" >&2; return 1; }
}

# the source tree tests/kernels/build.sh unpacks for the debug kernel (the
# stock kernel's source)
pkg=$(sed -n 's/^# source: *\(linux-source-[0-9.]*\) *$/\1/p' "$here/../kernels/debug.config")
src=$(cd "$GUEST_ROOT" && ls -d opt/scxdump/kernels/src-"$pkg"-* 2>/dev/null | sort -V | tail -1)
[ -n "$src" ] || die "no $pkg tree in the guest root (tests/kernels/build.sh --prepare debug first)"
src=/$src
out=/opt/scxdump/kernels/selftests-${src##*/src-}-$krel
if [ -x "$GUEST_ROOT$out/runner" ]; then
	log "sched_ext selftests: cached ($out)"
else
	stage selftests-deps deps || die "cannot install the selftests' packages"
	rm -rf "${GUEST_ROOT:?}$out" && mkdir -p "$GUEST_ROOT$out"
	stage selftests-build build || die "sched_ext selftests do not build ($GUEST_ROOT$out.log)"
fi
echo "$out"

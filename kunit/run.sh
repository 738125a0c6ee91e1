#!/usr/bin/env bash
# Run the module's KUnit suites (module/*_kunit.c) on UML with kunit.py from Debian's
# linux-source-7.3: `make kunit-uml`, without the test guest. make check runs
# the same suites as a module in the debug kernel (make kunit, kunit/check.sh). The source package is fetched once through the guest
# root's apt (trixie-backports) and unpacked into the cache; the UML build
# directory is cached too, so a warm run takes seconds.
set -euo pipefail
. "$(dirname "$0")/../tests/guest/common.sh"

SRC_PKG=${SRC_PKG:-linux-source-7.3}
src=$SCXDUMP_CACHE/$SRC_PKG
build=$SCXDUMP_CACHE/kunit-build

fetch_source() {
	[ -f "$src/tools/testing/kunit/kunit.py" ] && return 0
	local deb
	deb=$(linux_source_deb "$SRC_PKG") && linux_source_unpack "$deb" "$SRC_PKG" "$src"
}

# Link the glue here, the KUnit files and the pure-logic files they test
# into lib/scxdump_kunit.
link_suite() {
	local d=$src/lib/scxdump_kunit f
	rm -rf "$d"
	mkdir -p "$d"
	for f in Kconfig Kbuild .kunitconfig; do
		ln -s "$SCXDUMP_TOP/kunit/$f" "$d/$f"
	done
	grep -v '^#' "$SCXDUMP_TOP/kunit/files" | while read -r f; do
		ln -s "$SCXDUMP_TOP/$f" "$d/${f##*/}"
	done
	grep -q 'scxdump_kunit/' "$src/lib/Makefile" ||
		echo 'obj-y += scxdump_kunit/' >>"$src/lib/Makefile"
	grep -q 'scxdump_kunit/Kconfig' "$src/lib/Kconfig" ||
		echo 'source "lib/scxdump_kunit/Kconfig"' >>"$src/lib/Kconfig"
}

stage kunit-source fetch_source
link_suite
cd "$src"
stage kunit-run python3 tools/testing/kunit/kunit.py run --arch=um \
	--kunitconfig=lib/scxdump_kunit/.kunitconfig --build_dir="$build" --jobs="$(nproc)"

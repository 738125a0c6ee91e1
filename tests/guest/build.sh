#!/usr/bin/env bash
# Copy the sources into the guest root and build there, with the guest
# kernel's headers and compiler: the module, the scxdump tool and the test
# schedulers. Products stay in $GUEST_ROOT/opt/scxdump/src.
set -euo pipefail
. "$(dirname "$0")/common.sh"

krel=$(guest_krel)
mkdir -p "$GUEST_ROOT$GUEST_SRC"
rsync -a --delete --exclude .git --exclude build/ --exclude build-san/ \
	--exclude '*.o' --exclude '*.ko' --exclude '*.cmd' --exclude '*.mod*' \
	"$SCXDUMP_TOP/" "$GUEST_ROOT$GUEST_SRC/"
"$(dirname "$0")/chroot-run.sh" make -C "$GUEST_SRC" -j2 \
	KDIR="/lib/modules/$krel/build" "${@:-all}" >"$SCXDUMP_CACHE/build.log" 2>&1 ||
	{ tail -40 "$SCXDUMP_CACHE/build.log" >&2; die "guest build failed (log: $SCXDUMP_CACHE/build.log)"; }

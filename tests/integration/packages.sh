#!/usr/bin/env bash
# The packages test's steps on the guest root, from the host, as
# test-packages.sh alone and the stock suite run them:
#
#   packages.sh install   make deb in the root (tests/guest/build.sh deb),
#                         then packages-root.sh install in a chroot
#   packages.sh purge     packages-root.sh purge in a chroot
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../guest/common.sh"
case ${1:-} in
install) stage deb "$here/../guest/build.sh" deb >/dev/null ;;
purge) ;;
*) die "usage: packages.sh install|purge" ;;
esac
stage "packages-$1" "$here/../guest/chroot-run.sh" \
	sh /opt/scxdump/src/tests/integration/packages-root.sh "$1" >/dev/null

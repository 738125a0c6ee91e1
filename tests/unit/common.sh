# shellcheck shell=bash
# What every decoder test on synthetic dumps starts with, sourced after
# "set -uo pipefail": tests/lib.sh's checks, the ASan/UBSan decoder (or
# $SCXDUMP_DECODER), mkdump, and a scratch directory removed at exit.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}
MK=$here/build/mkdump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

#!/usr/bin/env bash
# Install the host packages the guest harness, decoder and KUnit need, once.
# --decoder: only those of the decoder's tests (make check-host).
set -euo pipefail

decoder="make gcc clang pkg-config libbpf-dev libyajl-dev libdeflate-dev nettle-dev zlib1g-dev jq xxd libclang-rt-dev man-db python3"
all="$decoder debootstrap qemu-system-x86 qemu-utils flex bison bc libelf-dev rsync chromium"
pkgs=$all
[ "${1:-}" = --decoder ] && pkgs=$decoder
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in $pkgs; do
	have "$p" || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "error: need root to install: ${need[*]}" >&2; exit 1; }
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
echo "installing host packages: ${need[*]}" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${codename:+-t "$codename"} "${need[@]}" >/dev/null

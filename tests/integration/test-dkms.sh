#!/usr/bin/env bash
# DKMS: the tree registered, built and installed with dkms for the guest's
# kernel (tests/kernels/dkms.sh), then loaded with modprobe in the guest,
# where it captures a failing scheduler. In a batch of a kernel the project
# built, the suite installed it before the boot.
set -uo pipefail
. "$(dirname "$0")/common.sh"

if [ -z "${SCXDUMP_BATCH_DIR:-}" ]; then
	stage dkms "$here/../kernels/dkms.sh" ${SCXDUMP_KERNEL:-} >/dev/null ||
		t_fail "dkms add/build/install"
fi
guest_script dkms
krel=$(cat "$dir/krel")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SCXDUMP_TOP/dkms.conf")

t_check "dkms: installed for $krel" grep -q "^scxdump/$ver, $krel, .*: installed" "$dir/dkms.status"
# (Debian's dkms compresses what it installs)
kre=$(sed 's/[.+]/\\&/g' <<<"$krel")
t_check "modprobe finds DKMS's build" grep -qE "^/lib/modules/$kre/updates/dkms/scxdump\.ko(\.xz|\.zst|\.gz)?$" "$dir/modinfo.txt"
t_check "modprobe loaded it" grep -qx "modprobe: ok" "$dir/out"
t_check "armed" grep -q "^armed: yes" "$dir/status.txt"
f=$dir/fail.json
"$DEC" decode "$dir/fail.bin" >"$f"
t_jq "it captured the failing scheduler" "$f" \
	'.schedulers[0].name == "scxdump_test" and .schedulers[0].exit.kind_name == "SCX_EXIT_ERROR_BPF" and (.maps[] | select(.name | endswith(".bss")) | .entries[0].value.failed_at) == 20'
t_check "modprobe -r unloaded it" grep -qx "modprobe -r: ok" "$dir/out"
t_guest_log_clean
t_done

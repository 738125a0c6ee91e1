#!/bin/sh
# The install half of the packages test, run on the guest root from the
# host (tests/guest/chroot-run.sh; test-packages.sh and the stock suite run
# it before the boot): the packages make deb built (tests/guest/build.sh
# deb) installed with apt-get install ./...deb, as on a machine. Their
# postinst has DKMS build the module for each kernel of the root that has
# its headers, the guest's own among them. Natively that is about half a
# minute; under TCG each DKMS build takes over 6 minutes, so the guest boots
# the installed root (guest-packages.sh) and purges it there. Leaves what it
# saw in $PKG_DIR.
set -u
S=/opt/scxdump/src
. $S/tests/integration/packages-lib.sh
DEBS=$S/build-deb
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' $S/dkms.conf)
export DEBIAN_FRONTEND=noninteractive
rm -rf $PKG_DIR
mkdir -p $PKG_DIR
cd $PKG_DIR || exit 1

# An earlier run's leftovers, and the tree tests/kernels/dkms.sh
# registered with DKMS without a package (the same /usr/src path)
# (an install stopped half-way first finishes, so that apt can purge it)
dpkg --configure -a >/dev/null 2>&1
dpkg -s scxdump >/dev/null 2>&1 && apt-get purge -y -q scxdump >/dev/null 2>&1
dpkg -s scxdump-dkms >/dev/null 2>&1 && apt-get purge -y -q scxdump-dkms >/dev/null 2>&1
dkms remove scxdump/$ver --all >/dev/null 2>&1
rm -rf /usr/src/scxdump-$ver $VAR
state >before.list

ls $DEBS/*.deb >debs.list 2>&1
t0=$(date +%s)
apt-get install -y -q $DEBS/scxdump-dkms_*_all.deb $DEBS/scxdump_*_$(dpkg --print-architecture).deb \
	>install.log 2>&1 && echo "install: ok" >install.rc || echo "install failed: $?" >install.rc
echo "$(($(date +%s) - t0))" >install.seconds
dpkg-query -W -f='${Package} ${Version} ${Status}\n' scxdump scxdump-dkms >dpkg.status 2>&1
ls -l /etc/systemd/system/multi-user.target.wants/scxdump-collect.service >enabled.txt 2>&1
systemd-analyze verify /usr/lib/systemd/system/scxdump-collect.service >verify.txt 2>&1 &&
	echo "verify: ok" >>verify.txt
cat install.rc

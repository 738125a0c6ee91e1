#!/bin/sh
# The packages test's steps on the guest root, run from the host
# (tests/guest/chroot-run.sh), natively: under TCG one DKMS build takes
# over 6 minutes and a purge (dkms remove, depmod) about 4; the guest
# boots between the two (guest-packages.sh).
#
#   packages-root.sh install   the packages make deb built (tests/guest/
#                              build.sh deb) installed with apt-get install
#                              ./...deb, as on a machine: their postinst has
#                              DKMS build the module for each kernel of the
#                              root that has its headers, the guest's own
#                              among them
#   packages-root.sh purge     apt-get purge of both, after the guest run
#
# Each leaves what it saw in $PKG_DIR, for test-packages.sh.
set -u
S=/opt/scxdump/src
. $S/tests/integration/packages-lib.sh
DEBS=$S/build-deb
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' $S/dkms.conf)
export DEBIAN_FRONTEND=noninteractive

case ${1:-} in
install)
	rm -rf $PKG_DIR
	mkdir -p $PKG_DIR
	cd $PKG_DIR || exit 1
	# An earlier run's leftovers (an install stopped half-way first
	# finishes, so that apt can purge it), and the tree
	# tests/kernels/dkms.sh registered with DKMS without a package (the
	# same /usr/src path)
	dpkg --configure -a >/dev/null 2>&1
	dpkg -s scxdump >/dev/null 2>&1 && apt-get purge -y -q scxdump >/dev/null 2>&1
	dpkg -s scxdump-dkms >/dev/null 2>&1 && apt-get purge -y -q scxdump-dkms >/dev/null 2>&1
	dkms remove scxdump/$ver --all >/dev/null 2>&1
	rm -rf /usr/src/scxdump-$ver $VAR
	state >before.list

	ls $DEBS/*.deb >debs.list 2>&1
	t0=$(date +%s)
	apt-get install -y -q $DEBS/scxdump-dkms_*_all.deb \
		$DEBS/scxdump_*_$(dpkg --print-architecture).deb >install.log 2>&1 &&
		echo "install: ok" >install.rc || echo "install failed: $?" >install.rc
	echo "$(($(date +%s) - t0))" >install.seconds
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' scxdump scxdump-dkms >dpkg.status 2>&1
	dkms status scxdump >dkms.status 2>&1
	ls -l /etc/systemd/system/multi-user.target.wants/scxdump-collect.service >enabled.txt 2>&1
	systemd-analyze verify /usr/lib/systemd/system/scxdump-collect.service >verify.txt 2>&1 &&
		echo "verify: ok" >>verify.txt
	cat install.rc
	;;
purge)
	cd $PKG_DIR || exit 1
	apt-get purge -y -q scxdump scxdump-dkms >purge.log 2>&1 &&
		echo "purge: ok" >purge.rc || echo "purge failed: $?" >purge.rc
	dpkg-query -W -f='${Package} ${Status}\n' scxdump scxdump-dkms >dpkg-after.status 2>&1
	dkms status scxdump >dkms-after.status 2>&1
	state >after.list
	cat purge.rc
	;;
*)
	echo "usage: packages-root.sh install|purge" >&2
	exit 2
	;;
esac

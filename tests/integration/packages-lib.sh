# shellcheck shell=sh
# What the packages test shares between its steps on the guest root
# (packages-root.sh, in a chroot) and its guest script
# (guest-packages.sh): where the install leaves its files, and the listing
# of what a package may touch.
PKG_DIR=/opt/scxdump/packages
VAR=/var/lib/scxdump

# state: what the packages may touch, listed (without apt's and dpkg's own
# bookkeeping and logs); before the install and after the purge, the same
state() {
	{
		find /etc /usr/bin /usr/sbin /usr/lib/systemd /usr/share/doc /usr/share/man/man1 \
			/lib/modules /var/lib -xdev \
			-path /var/lib/dpkg -prune -o -path /var/lib/apt -prune -o -print
		find /usr/src -maxdepth 1
	} 2>/dev/null | sort
}

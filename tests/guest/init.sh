#!/bin/sh
# PID 1 of the test guest: mount the usual file systems, run the command
# file of the run directory named by sxdrun= on the kernel command line,
# save its status and the kernel log there, and end the guest: SysRq 'b'
# resets the machine, and QEMU (-no-reboot) exits on a reset, with or
# without ACPI in the kernel.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
hostname scxdump-guest
ip link set lo up 2>/dev/null

run=${sxdrun:-/nonexistent}
if cd "$run" 2>/dev/null; then
	sh /opt/scxdump/facts.sh
	echo "=== guest ready: $(uname -r)" >/dev/console
	sh ./cmd.sh >out 2>&1
	echo $? >rc
	dmesg >dmesg
	sync
fi
echo "=== guest done" >/dev/console
echo b >/proc/sysrq-trigger
sleep 10

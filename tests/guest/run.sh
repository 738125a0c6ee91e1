#!/usr/bin/env bash
# Boot the test guest and run one command in it.
#
#   tests/guest/run.sh [--name NAME] [--timeout SECONDS] -- COMMAND...
#
# COMMAND runs as root in the guest, in the run directory
# $GUEST_ROOT/opt/scxdump/runs/NAME (on the host), which also receives
# out (its output), rc (its status), dmesg and console.log. The command's
# output is printed and its status returned; a guest that never reports a
# status (timeout, crash) fails, and the console log is kept.
#
# QEMU uses KVM when /dev/kvm works with hardware virtualisation, TCG
# otherwise; SCXDUMP_ACCEL=kvm|tcg overrides.
#
# The guest boots the root's own (Debian's) kernel, or with SCXDUMP_KERNEL
# a kernel the project built (tests/kernels/build.sh; a guest path): then
# SCXDUMP_KO in the command's environment names the module built for it,
# and SCXDUMP_SCHED the test schedulers, when they were built for it.
set -euo pipefail
. "$(dirname "$0")/common.sh"

name=run timeout=300
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--) shift; break ;;
	*) die "unknown option $1 (usage: run.sh [--name N] [--timeout S] -- CMD...)" ;;
	esac
done
[ $# -gt 0 ] || die "no command given"
case $name in *[!A-Za-z0-9_.-]*|'') die "bad run name '$name'" ;; esac

if [ -n "${SCXDUMP_KERNEL:-}" ]; then
	kimage=$GUEST_ROOT$SCXDUMP_KERNEL/bzImage
	[ -f "$kimage" ] || die "no kernel image at $kimage (tests/kernels/build.sh)"
	krel=$(cat "$GUEST_ROOT$SCXDUMP_KERNEL/build/include/config/kernel.release")
	env_line="export SCXDUMP_KO=$SCXDUMP_KERNEL/scxdump-src/scxdump.ko"
	sched=$SCXDUMP_KERNEL/scxdump-src/tests/sched/build
	[ ! -d "$GUEST_ROOT$sched" ] || env_line="$env_line SCXDUMP_SCHED=$sched"
else
	krel=$(guest_krel)
	kimage=$GUEST_ROOT/boot/vmlinuz-$krel
	env_line=
fi
rundir=$GUEST_ROOT/opt/scxdump/runs/$name
rm -rf "$rundir"
mkdir -p "$rundir"
install -m 0755 "$(dirname "$0")/init.sh" "$(dirname "$0")/facts.sh" "$(dirname "$0")/watchdog.sh" \
	"$GUEST_ROOT/opt/scxdump/"
printf '%s\n' "$env_line" "$*" >"$rundir/cmd.sh"

accel=${SCXDUMP_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
		accel=kvm
	fi
fi
case $accel in
kvm) accel_args=(-accel kvm -cpu host) ;;
# One host thread for every vCPU by default (make check builds kernels
# beside the guest); SCXDUMP_TCG_THREAD=multi gives each its own. Debian
# 12's QEMU then once let a vCPU run a static key's int3 left by another
# vCPU's text_poke (a guest panic in pick_task_idle while sched_ext
# enabled), so nothing here uses it.
# The CPU: QEMU's most capable, without ERMS and FSRM. With them the
# kernel clears pages with rep stosb and copies to and from user space
# with rep movsb, which TCG runs one byte an iteration, each iteration a
# block of its own: writing 200 MB to tmpfs took 2.2-2.9 s with them and
# 1.4 s without, and the stock suite's boot 447 s and 367 s.
# SCXDUMP_TCG_CPU overrides it.
tcg) accel_args=(-accel "tcg,thread=${SCXDUMP_TCG_THREAD:-single}"
		 -cpu "${SCXDUMP_TCG_CPU:-max,erms=off,fsrm=off}") ;;
*) die "SCXDUMP_ACCEL must be kvm or tcg" ;;
esac

sock=$(mktemp -u /tmp/scxdump-vfs.XXXXXX)
/usr/lib/qemu/virtiofsd --socket-path="$sock" -o source="$GUEST_ROOT" \
	-o cache=always -o sandbox=namespace >"$rundir/virtiofsd.log" 2>&1 &
vfs_pid=$!
cleanup() { kill "$vfs_pid" 2>/dev/null || true; wait "$vfs_pid" 2>/dev/null || true; rm -f "$sock"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || die "virtiofsd did not start: $(cat "$rundir/virtiofsd.log")"

mem=${SCXDUMP_GUEST_MEM:-2G}
t0=$(date +%s.%N)
rc=0
timeout --kill-after=5 "$timeout" qemu-system-x86_64 "${accel_args[@]}" \
	-m "$mem" -smp "${SCXDUMP_GUEST_CPUS:-2}" -nodefaults -no-reboot \
	-display none -monitor none -serial "file:$rundir/console.log" \
	-object "memory-backend-memfd,id=mem,size=$mem,share=on" -numa node,memdev=mem \
	-chardev "socket,id=vfs,path=$sock" -device vhost-user-fs-pci,chardev=vfs,tag=rootfs \
	-kernel "$kimage" \
	-append "console=ttyS0 rootfstype=virtiofs root=rootfs rw panic=-1 quiet loglevel=4 init=/opt/scxdump/init.sh sxdrun=/opt/scxdump/runs/$name" \
	</dev/null || rc=$?
secs=$(echo "$(date +%s.%N) - $t0" | bc)

[ -f "$rundir/out" ] && cat "$rundir/out"
if [ ! -f "$rundir/rc" ]; then
	keep=$SCXDUMP_CACHE/logs/console-$name-$(date +%Y%m%d-%H%M%S).log
	mkdir -p "$(dirname "$keep")"
	cp "$rundir/console.log" "$keep"
	log "guest ($accel, kernel $krel) gave no status after ${secs}s (qemu exit $rc); console log: $keep"
	tail -40 "$rundir/console.log" >&2
	exit 125
fi
log "guest run '$name' ($accel, kernel $krel): status $(cat "$rundir/rc"), ${secs}s"
exit "$(cat "$rundir/rc")"

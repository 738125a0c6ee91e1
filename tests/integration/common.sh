# shellcheck shell=bash
# What every integration test does first: the assertions, the guest
# settings, the decoder under test, and one guest run of its guest-side
# script. Sourced by tests/integration/test-*.sh.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"

DEC=${SCXDUMP_DECODER:-$SCXDUMP_TOP/userspace/build-san/scxdump}

# guest_script NAME: boot the guest on tests/integration/guest-NAME.sh as
# run NAME; $dir is then the run directory, on the host. In a batch
# (tests/kernels/debug-suite.sh), the script already ran in the batch's one
# boot: $dir is its directory there, SCXDUMP_BATCH_DIR/NAME.
guest_script() {
	if [ -n "${SCXDUMP_BATCH_DIR:-}" ]; then
		dir=$SCXDUMP_BATCH_DIR/$1
		cat "$dir/out" 2>/dev/null
	else
		dir=$GUEST_ROOT/opt/scxdump/runs/$1
		"$here/../guest/run.sh" --name "$1" --timeout 900 -- \
			env $(guest_knobs) sh "$GUEST_SRC/tests/integration/guest-$1.sh"
	fi
	t_eq "guest script ran to the end" "== done" "$(grep -x '== done' "$dir/out")"
	echo "# guest kernel: $(cat "$dir/krel" 2>/dev/null)"
}

# kernel_lacks FEATURE: the guest's kernel (its release in $dir/krel) has
# no FEATURE, which its dumps must then list under .absent: 6.12's sched_ext
# has no event counters, sub-schedulers, exit CPU, bypass DSQs, nor the
# sched_ext_exit tracepoint that counts disables (status: disables_seen),
# and its BPF no overwrite-mode ring buffers; 7.x has them all. Nor can
# 6.12 run 7.3's example schedulers (sched_ext_examples, tools/sched_ext
# of 7.3). Neither
# counts queueing per CPU (rq->scx.ops_qseq, gone after 6.12.0): per task.
KERNEL_ALL_LACK="cpu_ops_qseq"
KERNEL_612_LACKS="bypass_dsqs disables_seen event_counters exit_cpu sub_schedulers"
kernel_lacks() {
	case " $KERNEL_ALL_LACK " in *" $1 "*) return 0 ;; esac
	case $(cat "$dir/krel") in
	6.*) case " $KERNEL_612_LACKS rb_overwrite sched_ext_examples " in *" $1 "*) return 0 ;; esac ;;
	esac
	return 1
}

# hook_counts SEEN CAPTURED FILTERED: the status file's lines on the hook
# (module/hook.c), as a kernel with the sched_ext_exit tracepoint shows
# them, and as one without it does (disables_seen unknown).
hook_counts() {
	local seen=$1
	kernel_lacks disables_seen && seen="unknown (no sched_ext_exit tracepoint on this kernel)"
	printf 'disables_seen: %s\ncaptures_exit: %s\nexits_filtered: %s\n' "$seen" "$2" "$3"
}

# status_hook_lines STATUS: those lines of a saved status file, in order
status_hook_lines() {
	grep -E '^(disables_seen|captures_exit|exits_filtered): ' "$1"
}

# kernel_absent_json: what .absent[].feature must be, sorted, as JSON
kernel_absent_json() {
	local f out=
	for f in $(printf '%s\n' $KERNEL_ALL_LACK $KERNEL_612_LACKS | sort); do
		kernel_lacks "$f" && out="$out${out:+, }\"$f\""
	done
	echo "[$out]"
}

# guest_skipped FEATURE: the guest script found its kernel without what
# the test needs and said why in $dir/skip; the test then ends here (it
# exits), saying so. A skip counts only on a kernel that lacks FEATURE
# (kernel_lacks): on any other, what was not built or not found is a
# failure.
guest_skipped() {
	[ -s "$dir/skip" ] || return 1
	if kernel_lacks "$1"; then
		echo "skip - $(cat "$dir/skip")"
	else
		t_fail "skipped on $(cat "$dir/krel" 2>/dev/null), a kernel with $1: $(cat "$dir/skip")"
	fi
	t_done
	exit
}

# t_guest_log_clean: the guest's kernel log ($dir/dmesg) holds no report
# (tests/lib.sh's t_clean_dmesg), the last check of every guest test
t_guest_log_clean() {
	t_clean_dmesg "kernel log clean (no bug, warning, KASAN, KFENCE, lockdep, stall or lockup report)" "$dir/dmesg"
}

# stall_dumps: of the run's stall-*.bin, the stall warning's dump in $warn
# and the exit dump in $exitd (empty when there is none)
stall_dumps() {
	local f
	warn='' exitd=''
	for f in "$dir"/stall-*.bin; do
		[ -f "$f" ] || continue
		case $("$DEC" decode "$f" | jq -r .capture.trigger) in
		stall_warning) warn=$f ;;
		exit) exitd=$f ;;
		esac
	done
}

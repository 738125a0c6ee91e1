#!/bin/sh
# Runs inside the test guest (tests/bench/capture.sh boots it with
# BENCH_CPUS vCPUs): scxbench with one map per family, captured on demand
# with every vCPU online, then 2, then 1; then scxbench with a hash alone
# at 10k, 100k and 1M entries, each captured, and at 100k the pipeline a
# user runs (capture, read, decode the hash) against bpftool -j map dump,
# three rounds each.
# Leaves the dumps, times.tsv (name, nanoseconds), memcpy-NAME.tsv (bytes,
# MB/s of an in-guest memcpy of the byte count each map took in the dump,
# measured right after capture NAME)
# and NAME.profile: where a capture of the families, and of the 100k hash,
# spends its time (perf); snap-{N,Y}*.bin: the snapshot's coverage at the
# default budget, the flat copy off and on.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
DEC=$S/userspace/build/scxdump
: >times.tsv
ns() { date +%s%N; }
cc -O2 -o memcpy $S/tests/bench/memcpy.c || exit 1
uname -r >krel
insmod $KO snapshot_budget_us=100000 max_dump_bytes=1073741824 || exit 1

# start NAME ARGS...: scxbench with ARGS, until it says it is ready
start() {
	_name=$1
	shift
	$SB/scxbench "$@" >"$_name.out" 2>&1 &
	BENCH=$!
	_n=0
	while ! grep -q "ready" "$_name.out" && [ $_n -lt 1200 ]; do
		kill -0 $BENCH 2>/dev/null || { cat "$_name.out"; exit 1; }
		sleep 0.1
		_n=$((_n + 1))
	done
	grep "ready" "$_name.out" || { echo "$_name: scxbench not ready"; exit 1; }
}
stop() {
	kill $BENCH
	wait $BENCH
}
# capture NAME: an on-demand capture read into NAME.bin; the wall time of
# both; then, once the sizes are known (sizes_of), the in-guest memcpy of
# each family's bytes and of the stop's, into memcpy-NAME.tsv: the limit
# each capture is compared with is measured next to it, not minutes away,
# as the TCG guest's speed drifts
sizes=
capture() {
	_t=$(ns)
	echo capture >$DBG/control && cat $DBG/dump >"$1.bin" || { echo "$1: capture failed"; exit 1; }
	echo "$1	$(($(ns) - _t))" >>times.tsv
	[ -z "$sizes" ] || ./memcpy $sizes >"memcpy-$1.tsv" || exit 1
}
# sizes_of NAME: the bytes each family took in NAME.bin, and the stop's
sizes_of() {
	$DEC summary "$1.bin" >"$1.summary" || exit 1
	sizes=$(awk '$1 ~ /^(b_array|b_hash|b_pcpu|arena|b_task)$/ { print $4 }
		/dump bytes written while/ { print $2 }' "$1.summary")
	./memcpy $sizes >"memcpy-$1.tsv" || exit 1
}
# profile NAME: where one more capture spends its time, into NAME.profile:
# every CPU sampled (the copy in the stop runs in a stopper thread), by
# task and symbol, the idle tasks left out
profile() {
	perf record -q -e cpu-clock -F 4999 -a -o perf.data -- \
		sh -c "echo capture >$DBG/control" >/dev/null 2>&1 &&
		perf report -i perf.data --no-children --sort comm,sym --stdio \
			--percent-limit 0.3 2>/dev/null | grep -v '^#' | grep . |
		grep -v ' swapper ' >"$1.profile"
	rm -f perf.data
}
online() {	# online N: CPUs 0..N-1 online, the rest offline
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		_i=${c##*cpu}
		[ -e "$c/online" ] || continue
		if [ "$_i" -lt "$1" ]; then echo 1 >"$c/online"; else echo 0 >"$c/online"; fi
	done
}

max=$(nproc --all)
echo "$max" >max_cpus
start fam --array-entries 8192 --hash-entries 100000 --pcpu-entries 10000 \
	--arena-pages 4096 --tasks 1000
# three times each: a TCG guest's speed varies from one second to the next
capture fam-$max
sizes_of fam-$max
capture fam-$max-b
capture fam-$max-c
if [ "$max" -gt 1 ]; then
	online 1
	for s in "" -b -c; do
		capture fam-1$s
	done
fi
online 2
capture fam
capture fam-b
capture fam-c
profile fam
stop

sizes=

# The consistent snapshot's coverage at the module's default budget: a
# 100k-entry hash, a 32 MiB array and a 16 MiB arena, 3 captures with the
# flat copy off (before: the hash walked in the stop) and 3 with it on;
# then the in-guest memcpy of the bytes each held and of the hash's flat
# copy, into memcpy-snap-FC.tsv.
P=/sys/module/scxdump/parameters
_budget=$(cat $P/snapshot_budget_us)
echo 5000 >$P/snapshot_budget_us || exit 1
start snap --array-entries 8192 --hash-entries 100000 --pcpu-entries 1 \
	--arena-pages 4096 --tasks 0
for fc in N Y; do
	echo $fc >$P/snapshot_flat_copy || exit 1
	for s in "" -b -c; do
		capture snap-$fc$s
	done
	# the first capture's held bytes, and the hash's flat copy of the
	# first capture that made one (a plan may leave it out of one)
	sizes="$($DEC decode --map b_hash snap-$fc.bin | jq -r '.capture.snapshot.held_bytes')
$(for s in "" -b -c; do $DEC decode --map b_hash snap-$fc$s.bin |
		jq -r '[.maps[] | select(.name == "b_hash")][0].info.bytes // empty'; done | head -1)"
	./memcpy $sizes >"memcpy-snap-$fc.tsv" || exit 1
	sizes=
done
stop
echo "$_budget" >$P/snapshot_budget_us || exit 1

# the pipeline's and bpftool's output go to memory, not to the shared runs dir
shm=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
for n in 10000 100000 1000000; do
	start hash-$n --array-entries 1 --hash-entries $n --pcpu-entries 1 --arena-pages 1 --tasks 0
	capture hash-$n
	if [ $n -eq 100000 ]; then
		profile hash-$n
		# what a user runs, with the module's defaults: the bench's
		# 100 ms stop budget (for the held time) is not theirs
		_budget=$(cat /sys/module/scxdump/parameters/snapshot_budget_us)
		echo 5000 >/sys/module/scxdump/parameters/snapshot_budget_us || exit 1
		# three rounds of each (the TCG guest's speed drifts from one
		# second to the next; the bench takes each one's quickest)
		for r in "" -b -c; do
			# before: the flat copy off, the hash walked
			echo N >$P/snapshot_flat_copy || exit 1
			_t=$(ns)
			echo capture >$DBG/control && cat $DBG/dump >$shm/pipe.bin &&
				$DEC decode --map b_hash $shm/pipe.bin >$shm/pipe.json || exit 1
			echo "pipeline-walk-$n$r	$(($(ns) - _t))" >>times.tsv
			echo Y >$P/snapshot_flat_copy || exit 1
			_t=$(ns)
			echo capture >$DBG/control && cat $DBG/dump >$shm/pipe.bin &&
				$DEC decode --map b_hash $shm/pipe.bin >$shm/pipe.json || exit 1
			echo "pipeline-$n$r	$(($(ns) - _t))" >>times.tsv
			_t=$(ns)
			bpftool -j map dump name b_hash >$shm/bpftool.json || exit 1
			echo "bpftool-$n$r	$(($(ns) - _t))" >>times.tsv
		done
		cp $shm/pipe.bin pipe-$n.bin
		echo "$_budget" >/sys/module/scxdump/parameters/snapshot_budget_us || exit 1
		# the same 100000 entries, by key, in both
		jq -c '[.maps[0].entries[] | [.key, .value.a, .value.c]] | sort' $shm/pipe.json >pipe.keys
		jq -c '[.[] | [.formatted.key, .formatted.value.a, .formatted.value.c]] | sort' \
			$shm/bpftool.json >bpftool.keys
		rm -f $shm/*
	fi
	stop
done
rmdir $shm
rmmod scxdump
echo "== done"

#!/bin/sh
# Runs inside the test guest (tests/integration/test-bounded.sh boots it):
# parameters at both ends of their range; a
# 256k-key per-CPU hash captured on demand five times while the scheduler
# runs; the same with a small per-map limit, with a 10 us snapshot
# budget, and with a 64 KiB and a 1 MiB dump; a 16 MiB ring buffer with a
# 1 ms budget; 200 small maps and a 64 MiB ring buffer; eight concurrent writers of "control"; LRU reference bits read
# around two captures; a normal unregister captured with its reason.
set -u
S=/opt/scxdump/src
. $S/tests/integration/guest-common.sh
P=/sys/module/scxdump/parameters
B=$SB/scxbound
PC=${BOUND_PC_ENTRIES:-262144}
# the stall watch off: this test reads the latest dump after each
# capture of its own (tests/integration/guest-stall.sh tests the watch)
insmod $KO embed_kernel_btf=N stall_warn_pct=0 || exit 1

# start_sched OUT ARGS...: scxbound in the background, running
start_sched() {
	out=$1
	shift
	$B --no-fail "$@" >"$out" 2>&1 &
	SCX=$!
	n=0
	until grep -q enabled "$out" || ! kill -0 $SCX 2>/dev/null || [ $n -ge 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

stop_sched() {
	kill -TERM $SCX
	wait $SCX
}

# captures NAME: three captures on demand, kept as NAME-1.bin .. NAME-3.bin
captures() {
	for i in 1 2 3; do
		echo capture >$DBG/control || echo "$1 capture $i failed"
		cat $DBG/dump >$1-$i.bin
	done
}

echo "== 1: parameters at both ends"
for v in 9 100001 x -1; do
	/bin/echo $v >$P/snapshot_budget_us 2>>param.err && echo "snapshot_budget_us $v: accepted"
done
for v in 10 100000; do
	echo $v >$P/snapshot_budget_us && echo "snapshot_budget_us $v: $(cat $P/snapshot_budget_us)"
done
echo 5000 >$P/snapshot_budget_us
for v in 65535 2147483648 4294967296 0; do
	/bin/echo $v >$P/max_dump_bytes 2>>param.err && echo "max_dump_bytes $v: accepted"
done
echo 2146435072 >$P/max_dump_bytes && echo "max_dump_bytes top: $(cat $P/max_dump_bytes)"
echo 18446744073709551615 >$P/max_map_bytes && echo "max_map_bytes top: $(cat $P/max_map_bytes)"
/bin/echo 18446744073709551616 >$P/max_map_bytes 2>>param.err && echo "max_map_bytes 2^64: accepted"

echo "== 2: a $PC-key per-CPU hash, on demand, five times"
start_sched big.out --pc-entries "$PC"
i=1
while [ $i -le 5 ]; do
	t0=$(date +%s%N)
	echo capture >$DBG/control || echo "big capture $i failed"
	echo "big capture $i: $((($(date +%s%N) - t0) / 1000000)) ms"
	cat $DBG/dump >big-$i.bin
	[ $i -eq 1 ] && { echo 268435456 >$P/max_dump_bytes; echo 67108864 >$P/max_map_bytes; }
	i=$((i + 1))
done
# how long pc_big takes to copy whole here: the same capture with the
# longest budget (a copy past 100 ms is cut there too, and read live)
echo 100000 >$P/snapshot_budget_us
echo capture >$DBG/control || echo "big capture full failed"
cat $DBG/dump >big-full.bin
echo 5000 >$P/snapshot_budget_us
cat /sys/kernel/sched_ext/state >big.state

echo "== 3: a 64 KiB per-map limit: the walk stops there"
echo 65536 >$P/max_map_bytes
t0=$(date +%s%N)
echo capture >$DBG/control || echo "limited capture failed"
echo "limited capture: $((($(date +%s%N) - t0) / 1000000)) ms"
cat $DBG/dump >limited.bin
echo 67108864 >$P/max_map_bytes

echo "== 4: a 10 us snapshot budget, three captures"
echo 10 >$P/snapshot_budget_us
captures budget
echo 5000 >$P/snapshot_budget_us

echo "== 4a: max_dump_bytes at its least (64 KiB) and at 1 MiB, three captures each"
for sz in 65536 1048576; do
	echo $sz >$P/max_dump_bytes
	captures small-$sz
done
echo 268435456 >$P/max_dump_bytes
cat /sys/kernel/sched_ext/state >big.state2
stop_sched

echo "== 4b: a 16 MiB ring buffer full of records, a 1 ms snapshot budget, three captures"
start_sched rbb.out --rb-fill
echo 1000 >$P/snapshot_budget_us
captures rbb
echo 5000 >$P/snapshot_budget_us
stop_sched

echo "== 4c: 200 small maps and a 64 MiB ring buffer, the 5 ms budget, five captures"
# one dump kept (five of 64 MiB would not fit in the guest), the ring's
# map under max_map_bytes
echo 1 >$P/keep_dumps
echo 134217728 >$P/max_map_bytes
start_sched many.out --rb-fill --rb-mib 64 --many-maps
i=1
while [ $i -le 5 ]; do
	echo capture >$DBG/control || echo "many capture $i failed"
	cat $DBG/dump >many-$i.bin
	i=$((i + 1))
done
stop_sched
echo 67108864 >$P/max_map_bytes
echo 8 >$P/keep_dumps

echo "== 5: eight writers of control at once"
echo 4 >$P/keep_dumps
start_sched conc.out
before=$(sed -n 's/^captures: //p' $DBG/status)
w=1 WP=
while [ $w -le 8 ]; do
	(j=1; while [ $j -le 5 ]; do echo capture >$DBG/control || echo "writer $w: capture $j failed"; j=$((j + 1)); done) &
	WP="$WP $!"
	w=$((w + 1))
done
wait $WP
after=$(sed -n 's/^captures: //p' $DBG/status)
echo "concurrent captures: $((after - before))"
ls $DBG/dumps >conc.ls
for f in $(cat conc.ls); do cat $DBG/dumps/$f >conc-$f.bin; done
cat $DBG/dump >conc-last.bin
cat $DBG/status >conc.status
stop_sched
echo 8 >$P/keep_dumps

echo "== 6: LRU reference bits around two captures"
start_sched lru.out --lru-check $DBG/control
cat $DBG/dump >lru.bin
stop_sched

echo "== 7: a normal unregister, captured with its reason"
echo Y >$P/capture_all_exits
start_sched unreg.out
stop_sched
cat $DBG/dump >unreg.bin
echo N >$P/capture_all_exits

rmmod scxdump
echo "== done"

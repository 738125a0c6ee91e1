#!/bin/sh
# watchdog.sh NAME SECONDS: started beside a batch's test
# (tests/kernels/batch.sh) at a SCHED_FIFO priority (chrt), so that a
# scheduler that strands every normal task cannot keep it from running:
# if it is not killed within SECONDS, the tasks blocked, with their
# stacks, and every CPU's backtrace go to the console (console.log), the
# console's log level raised for it, then put back. Once its sleep ends
# it runs shell builtins only: a hang of the shared root (virtiofs), or
# of fork, blocks every program started then, and the watchdog must
# still speak.
trap 'kill $s 2>/dev/null; exit 0' TERM
sleep "$2" &
s=$!
wait $s
echo "=== $1: still running, blocked tasks:" >/dev/console
read -r l r </proc/sys/kernel/printk
echo 8 >/proc/sys/kernel/printk
echo w >/proc/sysrq-trigger
echo l >/proc/sysrq-trigger
echo "$l" >/proc/sys/kernel/printk

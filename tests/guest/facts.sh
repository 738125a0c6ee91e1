#!/bin/sh
# Runs inside the test guest, in a run's directory (tests/guest/init.sh
# before a test's own run, tests/kernels/batch.sh after each test of a
# batch): what the guest says of itself, for the checks on the host:
# krel (its kernel release) and nr_cpu_ids (one past its last possible
# CPU, from its sysfs).
uname -r >krel
awk -F'[-,]' '{ print $NF + 1 }' /sys/devices/system/cpu/possible >nr_cpu_ids

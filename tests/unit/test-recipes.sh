#!/usr/bin/env bash
# Every recipe of docs/jq-recipes.md, run on a dump of the map-types
# scheduler (those on the core state, .cpus/.dsqs/.tasks, on a dump of
# the core scheduler: tasks parked on its DSQs, an RT task on a CPU; those
# on .stall and diff on the stall test's warning and exit dumps, those on
# the timeline on the timeline test's exit dump, those on allocators,
# slots and bump blocks on the arena test's exit dump):
# each must succeed and answer something (not null, not empty).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../guest/common.sh"
top=$(cd "$here/../.." && pwd)
DEC=${SCXDUMP_DECODER:-$top/userspace/build-san/scxdump}
# the integration tests' run directories: one per test, or a batch's
runs=${1:-$GUEST_ROOT/opt/scxdump/runs}
dump=$runs/map-types/maps.bin
core=$runs/core/exit.bin
# the stall test's dumps: its warning (the first) and its exit dump (the last)
stall_warn=$(ls "$runs"/stall/run-1-*.bin 2>/dev/null | head -1)
stall_exit=$(ls "$runs"/stall/run-1-*.bin 2>/dev/null | tail -1)
# the timeline test's stall, recorded: its exit dump (the last)
tl_exit=$(ls "$runs"/timeline/stall-*.bin 2>/dev/null | tail -1)
# the arena test's exit dump: per-task state in an allocator's slots
arena=$runs/arena/exit.bin

[ -f "$dump" ] || { t_fail "a map-types dump to run the recipes on ($dump)"; t_done; exit 1; }
n=0
while IFS= read -r line; do
	cmd=${line#*\$ }
	n=$((n + 1))
	d=$dump
	[[ $cmd =~ \.(cpus|dsqs|tasks)[^a-z_] ]] && d=$core
	[[ $cmd =~ \.stall|diff ]] && d=$stall_exit
	[[ $cmd =~ timeline ]] && d=$tl_exit
	[[ $cmd =~ allocators|slot|bump ]] && d=$arena
	cmd=${cmd//dumps\/00000001/\"$stall_warn\"}
	out=$(PATH=$(dirname "$DEC"):$PATH && eval "${cmd//DUMP/\"$d\"}" 2>&1)
	if [ $? -eq 0 ] && [ -n "$out" ] && [ "$out" != null ] && [ "$out" != "[]" ]; then
		t_ok "recipe $n: ${cmd:0:70}"
	else
		t_fail "recipe $n: $cmd"
		printf '%s\n' "$out" | head -5 | sed 's/^/#   /'
	fi
done < <(grep -E '^    \$ scxdump ' "$top/docs/jq-recipes.md")
t_check "the page has recipes" test "$n" -gt 10
t_done

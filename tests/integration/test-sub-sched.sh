#!/usr/bin/env bash
# Sub-schedulers (7.3): scxsub's parent accepts a child on the cgroup
# /scxsub, then fails with scx_bpf_error(); sched_ext disables the child
# with SCX_EXIT_PARENT. Each scheduler is captured at the start of its own
# disable, before its teardown, into its own dump: its section says its
# id, level, cgroup and parent, and holds its maps and no other's. An
# on-demand capture while both run captures each of them the same way.
# A parent with six children failing (seven schedulers disabling at once):
# every exit dump has its core state with the default pool of buffers;
# with a pool of two, each has its own or says the pool was full.
set -uo pipefail
. "$(dirname "$0")/common.sh"

guest_script sub-sched
guest_skipped sub_schedulers

PARENT_TAG=$((0x9a9e47))
CHILD_TAG=$((0xc41d))
t_check "loader: parent and child enabled, then disabled" sh -c \
	"grep -q 'parent and child (cgroup id [0-9]*) enabled' '$dir/loader.out' && grep -q 'state disabled after' '$dir/loader.out'"
cgid=$(sed -n 's/.*(cgroup id \([0-9]*\)).*/\1/p' "$dir/loader.out")
t_eq "four dumps: both schedulers on demand, then both at exit" 4 "$(wc -l <"$dir/kept.ls")"

p= c= op= oc=
for f in $(cat "$dir/kept.ls"); do
	"$DEC" decode "$dir/sub-$f.bin" >"$dir/sub-$f.json"
	case $(jq -r '"\(.capture.trigger) \(.schedulers[0].level)"' "$dir/sub-$f.json") in
	"exit 0") p=$dir/sub-$f.json ;;
	"exit 1") c=$dir/sub-$f.json ;;
	"request 0") op=$dir/sub-$f.json ;;
	"request 1") oc=$dir/sub-$f.json ;;
	esac
done
t_check "at exit: one dump at level 0, one at level 1" test -n "$p" -a -n "$c"
t_check "on demand: one dump at level 0, one at level 1" test -n "$op" -a -n "$oc"
p=${p:-/dev/null} c=${c:-/dev/null} op=${op:-/dev/null} oc=${oc:-/dev/null}
t_check "the on-demand capture of both succeeded" grep -qx "capture: ok" "$dir/out"
t_jq "on demand: the running parent, with its role map" "$op" \
	".schedulers[0].name == \"scxsub_parent\" and .schedulers[0].exit.kind_name == \"SCX_EXIT_NONE\" and (.maps[] | select(.name == \"role\") | .entries[0].value.tag) == $PARENT_TAG"
t_jq "on demand: the running child, its parent named, with its role map" "$oc" \
	".schedulers[0].name == \"scxsub_child\" and .schedulers[0].exit.kind_name == \"SCX_EXIT_NONE\" and .schedulers[0].parent.name == \"scxsub_parent\" and (.maps[] | select(.name == \"role\") | .entries[0].value.tag) == $CHILD_TAG"
pid=$(jq .schedulers[0].id "$p")

t_jq "parent: its failure, root of the tree" "$p" \
	'.schedulers[0] | .name == "scxsub_parent" and .exit.kind_name == "SCX_EXIT_ERROR_BPF" and .exit.reason == "scx_bpf_error" and (.exit.message | test("parent fails on purpose")) and .cgroup.path == "/" and .parent == null and .id > 0'
t_jq "parent: its own role map and .bss" "$p" \
	"(.maps[] | select(.name == \"role\") | .entries[0].value) == {tag: $PARENT_TAG, sub_cgid: 0, nr_init: 1, nr_attach: 1} and (.maps[] | select(.name | endswith(\".bss\")) | .entries[0].value.role_tag) == $PARENT_TAG"
t_jq "child: disabled by its parent's failure" "$c" \
	'.schedulers[0] | .name == "scxsub_child" and .exit.kind_name == "SCX_EXIT_PARENT" and .exit.reason == "parent exiting" and .level == 1'
t_jq "child: its cgroup and its parent" "$c" \
	".schedulers[0] | .cgroup == {id: $cgid, path: \"/scxsub\"} and .parent == {id: $pid, name: \"scxsub_parent\"} and .id > $pid"
t_jq "child: its own role map and .bss" "$c" \
	"(.maps[] | select(.name == \"role\") | .entries[0].value) == {tag: $CHILD_TAG, sub_cgid: $cgid, nr_init: 1, nr_attach: 0} and (.maps[] | select(.name | endswith(\".bss\")) | .entries[0].value.role_tag) == $CHILD_TAG"
t_eq "no map in both dumps (by kernel map id)" "" \
	"$(comm -12 <(jq '.maps[].id' "$p" | sort) <(jq '.maps[].id' "$c" | sort))"
t_jq "each dump has its scheduler's struct_ops map, with its name" "$p" \
	'[.maps[] | select(.type == "struct_ops")] | length == 1'
t_jq "... and the child's" "$c" '[.maps[] | select(.type == "struct_ops")] | length == 1'
# the parent and its child disable at once, each in its own kthread: each
# exit dump has the core state read at its own bypass, none took another's
t_jq "parent: its core state, read before its bypass" "$p" \
	'.schedulers[0].core.when == "before_bypass" and ([.errors[]? | select(.message | test("core state"))] | length) == 0'
t_jq "child: its core state, read before its bypass" "$c" \
	'.schedulers[0].core.when == "before_bypass" and ([.errors[]? | select(.message | test("core state"))] | length) == 0'
t_jq "on demand: the parent's core state, live" "$op" '.schedulers[0].core.when == "live"'
t_jq "on demand: the child's core state, live" "$oc" '.schedulers[0].core.when == "live"'

# seven schedulers disabling at once (the parent and six children)
for run in many few; do
	t_check "$run: parent and six children enabled, then disabled" sh -c \
		"grep -q 'parent and 6 children enabled' '$dir/loader-$run.out' && grep -q 'state disabled after' '$dir/loader-$run.out'"
	t_eq "$run: seven exit dumps" 7 "$(wc -l <"$dir/$run.ls" 2>/dev/null || echo 0)"
	for f in $(cat "$dir/$run.ls" 2>/dev/null); do
		"$DEC" decode "$dir/$run-$f.bin" >"$dir/$run-$f.json"
	done
done
core_ok='.schedulers[0].core.when == "before_bypass" and ([.errors[]? | select(.message | test("core state"))] | length) == 0'
for f in $(cat "$dir/many.ls" 2>/dev/null); do
	t_jq "pool of 8: $(jq -r '.schedulers[0].name' "$dir/many-$f.json") has its core state" \
		"$dir/many-$f.json" "$core_ok"
done
# a pool of 2: each dump has its own core state, or says that the pool
# was full (3 or more disabling: a miss only when both are taken)
missed='[.errors[]? | select(.message | test("^core state: not read: ([3-9]|[1-9][0-9]+) schedulers disabling at once, pool of 2 "))] | length == 1'
n_core=0
for f in $(cat "$dir/few.ls" 2>/dev/null); do
	t_jq "pool of 2: $(jq -r '.schedulers[0].name' "$dir/few-$f.json") has its core state or says the pool was full" \
		"$dir/few-$f.json" "($core_ok) or (.schedulers[0].core == null and ($missed))"
	jq -e "$core_ok" "$dir/few-$f.json" >/dev/null 2>&1 && n_core=$((n_core + 1))
done
t_check "pool of 2: at least one dump has its core state ($n_core of them)" test "$n_core" -ge 1

"$DEC" summary "$dir/sub-$(tail -1 "$dir/kept.ls").bin" >"$dir/summary.txt"
t_check "summary names the tree" grep -qE "^scheduler id [0-9]+ on cgroup (/|/scxsub) \(id [0-9]+\), (root|sub-scheduler of scxsub_parent)" "$dir/summary.txt"
t_guest_log_clean
t_done

# shellcheck shell=bash
# Shared settings for the test-guest scripts. Sourced, never run.

SCXDUMP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCXDUMP_CACHE=${SCXDUMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxdump}
GUEST_ROOT=${GUEST_ROOT:-$SCXDUMP_CACHE/root}
GUEST_SUITE=${GUEST_SUITE:-trixie}
# Where the project's sources and build products live inside the guest root.
GUEST_SRC=/opt/scxdump/src

# The sizes and repetitions a test reads both in its guest script and in
# its checks on the host (tests/integration/). Set on the host, each is
# passed into the guest, to a test's own boot (guest_script) and to a
# suite's batch (batch_write): the two sides never disagree.
GUEST_KNOBS="BOUND_PC_ENTRIES FAULT_MAX RMMOD_LIMIT RMMOD_ROUNDS FLAT_BUDGET_US FLAT_RUNS SNAP_RUNS STORAGE_RUN_MS STORAGE_THREADS STRAND_RUNS STRAND_WARN_RUNS"
# guest_knobs: the knobs set here, as VAR=value words
guest_knobs() {
	local v
	for v in $GUEST_KNOBS; do
		[ -z "${!v:-}" ] || printf '%s=%s ' "$v" "${!v}"
	done
}

# background_priority: this shell and what it starts get only the CPU
# time nothing else wants. Called first thing in a session of its own
# (setsid): with the scheduler's autogroups on (kernel.sched_autogroup_enabled,
# the default of many kernels), a new session is a new task group that
# gets the same CPU share as the session that runs the guest, whatever
# the nice value or policy of the tasks in it: a `make -j2` there took a
# whole core's half from the TCG guest (measured: a guest's CPU-bound loop
# ran 2.1x slower beside it). So the group's own nice value goes to 19
# first (its weight falls from 1024 to 15), then the tasks' policy to
# SCHED_IDLE: the guest's loop then ran 1.07x slower.
background_priority() {
	if [ -w /proc/self/autogroup ]; then
		echo 19 >/proc/self/autogroup ||
			echo "background: cannot lower this session's autogroup" >&2
	fi
	chrt -i -p 0 $$ >/dev/null || echo "background: no SCHED_IDLE, only nice 19" >&2
	renice -n 19 -p $$ >/dev/null
}

exec 3>&2
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# stage NAME CMD...: run CMD, print how long it took.
stage() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s.%N)
	"$@"
	rc=$?
	printf 'stage %-24s %6.1fs%s\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)" \
		"$([ $rc -ne 0 ] && echo " (failed: $rc)")" >&3
	return $rc
}

# The Debian mirror of the host's apt configuration (deb822 or one-line
# sources), so no mirror host name is ever written into the repository.
# SCXDUMP_MIRROR overrides it; SCXDUMP_SECURITY_MIRROR likewise.
host_mirror() {
	local kind=$1 uris
	if [ "$kind" = security ] && [ -n "${SCXDUMP_SECURITY_MIRROR:-}" ]; then
		echo "$SCXDUMP_SECURITY_MIRROR"; return
	fi
	if [ "$kind" = main ] && [ -n "${SCXDUMP_MIRROR:-}" ]; then
		echo "$SCXDUMP_MIRROR"; return
	fi
	uris=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ {u=$2} /^Suites:/ {for (i=2;i<=NF;i++) print u, $i}'
		grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -E 's/\[[^]]*\]//' | awk '{print $2, $3}') |
		awk '$1 ~ /\/debian(-security)?\/?$/')
	if [ "$kind" = security ]; then
		echo "$uris" | awk '$2 ~ /-security$/ {print $1; exit}'
	else
		echo "$uris" | awk '$2 !~ /-security$/ {print $1; exit}'
	fi
}

guest_krel() {
	local k
	k=$(ls "$GUEST_ROOT"/lib/modules 2>/dev/null | sort -V | tail -1)
	[ -n "$k" ] || die "no kernel in $GUEST_ROOT (run tests/guest/mkroot.sh)"
	echo "$k"
}

# linux_source_deb PKG: Debian's kernel source package PKG (linux-source-*,
# from the guest's backports), downloaded once into the cache; its path.
linux_source_deb() {
	local pkg=$1 deb
	mkdir -p "$SCXDUMP_CACHE/debs"
	deb=$(ls "$SCXDUMP_CACHE"/debs/"$pkg"_*.deb 2>/dev/null | tail -1 || true)
	if [ -z "$deb" ]; then
		"$SCXDUMP_TOP/tests/guest/chroot-run.sh" sh -c \
			"cd /opt && apt-get download -q -t $GUEST_SUITE-backports $pkg" >/dev/null &&
			mv "$GUEST_ROOT"/opt/"$pkg"_*.deb "$SCXDUMP_CACHE/debs/" || return 1
		deb=$(ls "$SCXDUMP_CACHE"/debs/"$pkg"_*.deb | tail -1)
	fi
	echo "$deb"
}

# linux_source_unpack DEB PKG DIR: its kernel tree into DIR, unless there.
linux_source_unpack() {
	local deb=$1 pkg=$2 dir=$3
	[ -f "$dir/Makefile" ] && return 0
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" &&
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" --wildcards '*.tar.xz' &&
	tar -xJf "$dir.tmp"/usr/src/"$pkg".tar.xz -C "$dir.tmp" &&
	rm -rf "$dir" && mv "$dir.tmp/$pkg" "$dir" && rm -rf "$dir.tmp"
}

# shellcheck shell=bash
# Shared settings for the test-guest scripts. Sourced, never run.

SCXDUMP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCXDUMP_CACHE=${SCXDUMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxdump}
GUEST_ROOT=${GUEST_ROOT:-$SCXDUMP_CACHE/root}
GUEST_SUITE=${GUEST_SUITE:-trixie}
# Where the project's sources and build products live inside the guest root.
GUEST_SRC=/opt/scxdump/src

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

#!/usr/bin/env bash
# The Debian packages (make deb): installed on the guest root with apt-get
# install ./...deb, their postinst having DKMS build the module for the
# guest's kernel (packages.sh install: packages-root.sh, natively); then in
# the guest (guest-packages.sh) modprobe loads it, scxdump collect saves
# three failures in a row as three files, each decoding with the installed
# tool; then apt-get purge (packages-root.sh purge) leaves nothing. On the
# stock kernel (Debian's, what the packages are for); the project's own
# kernels have test-dkms. In the stock suite, the packages were built and
# installed before its boot and purged after it.
set -uo pipefail
. "$(dirname "$0")/common.sh"

if [ -z "${SCXDUMP_BATCH_DIR:-}" ]; then
	"$here/packages.sh" install || t_fail "make deb and the install on the guest root"
fi
guest_script packages
if [ -z "${SCXDUMP_BATCH_DIR:-}" ]; then
	"$here/packages.sh" purge || t_fail "the purge on the guest root"
fi
# what the install and the purge on the root saw
pk=$GUEST_ROOT/opt/scxdump/packages
krel=$(cat "$dir/krel" 2>/dev/null || guest_krel)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SCXDUMP_TOP/dkms.conf")
dver=$(sed -n '1s/^scxdump (\([^)]*\)).*/\1/p' "$SCXDUMP_TOP/debian/changelog")

t_check "make deb built both packages" grep -q "scxdump-dkms_${dver}_all.deb" "$pk/debs.list"
t_check "apt-get installed them (in $(cat "$pk/install.seconds" 2>/dev/null || echo ?) s)" grep -qx "install: ok" "$pk/install.rc"
t_check "both installed at $dver" \
	test "$(grep -c "^scxdump\(-dkms\)\? $dver install ok installed$" "$pk/dpkg.status")" -eq 2
t_check "the postinst's DKMS built and installed it for $krel" \
	grep -q "^scxdump/$ver, $krel, .*: installed" "$pk/dkms.status"
kre=$(sed 's/[.+]/\\&/g' <<<"$krel")
t_check "modprobe finds DKMS's build" \
	grep -qE "^/lib/modules/$kre/updates/dkms/scxdump\.ko(\.xz|\.zst|\.gz)?$" "$dir/modinfo.txt"
t_check "the tool is /usr/bin/scxdump" grep -qx /usr/bin/scxdump "$dir/which.txt"
t_check "the collector's unit is enabled" grep -q "scxdump-collect.service -> /usr/lib/systemd/system/scxdump-collect.service" "$pk/enabled.txt"
t_check "systemd-analyze verify accepts the unit" grep -qx "verify: ok" "$pk/verify.txt"
t_check "modprobe loaded it" grep -qx "modprobe: ok" "$dir/out"
t_check "armed" grep -q "^armed: yes" "$dir/status.txt"

# three failures, three files, named by time, scheduler, trigger, seq
t_eq "collect saved 3 dumps" 3 "$(grep -c '^saved /var/lib/scxdump/' "$dir/collect.out")"
t_eq "3 files in /var/lib/scxdump" 3 "$(grep -c '\.scxdump$' "$dir/saved.list")"
for i in 1 2 3; do
	t_check "file $i named <time>-scxdump_test-exit-0000000$i" \
		grep -qE "^[0-9]{8}T[0-9]{6}\.[0-9]{6}Z-scxdump_test-exit-0000000$i\.scxdump$" "$dir/saved.list"
done
t_eq "the collector exited 0 on SIGTERM" 0 "$(sed -n 's/^collect_rc: //p' "$dir/out")"
t_check "it says what it saved" grep -qx "stopped: 3 dumps saved" "$dir/collect.out"
t_eq "the default options ask for a journal entry each: without journald here, each not sent said" 3 \
	"$(grep -c '^scxdump collect: no journal entry for /var/lib/scxdump/.*: no journal to write to' "$dir/collect.err")"
idle=$(sed -n 's/^idle_ticks: //p' "$dir/out")
t_check "idle, it sleeps: at most 1 clock tick of CPU in 5 s (was ${idle:-?})" test "${idle:-x}" -le 1 2>/dev/null
t_eq "scxdump list exits 0" 0 "$(sed -n 's/^list_rc: //p' "$dir/out")"
t_eq "scxdump list: a line a dump" 3 "$(grep -c ' scxdump_test .* exit .*SCX_EXIT_ERROR_BPF' "$dir/list.txt")"
t_jq "scxdump list --json: the three, oldest first, their messages" "$dir/list.json" \
	'[.[].capture_seq] == [1,2,3] and [.[].message] == ["scxdump-test: planned failure after 20 enqueues","scxdump-test: planned failure after 40 enqueues","scxdump-test: planned failure after 60 enqueues"]'
for i in 1 2 3; do
	t_eq "dump $i decodes with the installed tool" 0 "$(sed -n "s/^decode_rc_$i: //p" "$dir/out")"
	t_jq "dump $i: the scheduler's .bss says it failed after $((20 * i)) enqueues" "$dir/dec$i.json" \
		"(.maps[] | select(.name | endswith(\".bss\")) | .entries[0].value.failed_at) == $((20 * i))"
done
"$DEC" decode "$dir/fail.bin" >"$dir/fail.json" 2>&1
t_jq "the first saved dump kept as fail.bin for test-html: seq 1, failed at 20" "$dir/fail.json" \
	'.capture.capture_seq == 1 and (.maps[] | select(.name | endswith(".bss")) | .entries[0].value.failed_at) == 20'
t_check "modprobe -r unloaded it" grep -qx "modprobe -r: ok" "$dir/out"

t_check "apt-get purge" grep -qx "purge: ok" "$pk/purge.rc"
t_eq "both purged: dpkg knows neither" 2 \
	"$(grep -Ec '^scxdump(-dkms)? (unknown|install|deinstall) ok not-installed$|no packages found matching scxdump' "$pk/dpkg-after.status" 2>/dev/null)"
t_check "DKMS has no scxdump left" sh -c "test -f '$pk/dkms-after.status' && ! grep -q scxdump '$pk/dkms-after.status'"
t_check "the listings are real (both have /etc/passwd)" \
	sh -c "grep -qx /etc/passwd '$pk/before.list' && grep -qx /etc/passwd '$pk/after.list'"
left=$(comm -13 "$pk/before.list" "$pk/after.list" 2>&1)
t_check "purge leaves nothing: no file the install added remains${left:+ (left: $(head -5 <<<"$left" | tr '\n' ' '))}" \
	test -s "$pk/after.list" -a -z "$left"
t_guest_log_clean
t_done

#!/usr/bin/env bash
# make bench: decode a large dump (BENCH_MIB, default 1024) and print the
# decoder's throughput (MB of dump and of JSON per second) and peak RSS;
# then the flight recorder's cost per sample (tests/bench/timeline.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mib=${BENCH_MIB:-1024}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s -C "$top/userspace"
cc -O2 -o "$tmp/mkbig" "$here/mkbig.c" $(pkg-config --libs libbpf zlib)
"$tmp/mkbig" "$mib" "$tmp/big.bin"
size=$(stat -c %s "$tmp/big.bin")
sync
/usr/bin/time -f '%e %M' -o "$tmp/time" "$top/userspace/build/scxdump" decode "$tmp/big.bin" |
	wc -c >"$tmp/json"
read -r secs rss_kb <"$tmp/time"
json=$(cat "$tmp/json")
awk -v s="$size" -v j="$json" -v t="$secs" -v r="$rss_kb" 'BEGIN {
	printf "dump %.0f MB -> JSON %.0f MB in %.1f s\n", s / 1e6, j / 1e6, t
	printf "decode: %.1f MB/s of dump, %.1f MB/s of JSON\n", s / 1e6 / t, j / 1e6 / t
	printf "peak RSS %.1f MB = %.3f of the dump size\n", r / 1e3, r * 1e3 / s
}'
# the flight recorder's cost per sample, in the test guest
"$here/timeline.sh"

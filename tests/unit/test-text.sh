#!/usr/bin/env bash
# The dump's text is hostile (mkdump --hostile): ill-formed UTF-8 of every
# kind of Unicode Table 3-7, a literal \xff beside a byte FF, an OSC title
# sequence, a screen clear, a C1 CSI and a DEL in the exit message, map
# names, the scheduler's name, a comm, a timeline map and char arrays.
# decode's JSON must be UTF-8 a strict parser takes, with the bytes in the
# documented form (docs/json.md, "Strings"), which gives the dump's bytes
# back; summary, diff --text, timeline, list and html's title must carry
# no control byte and nothing but UTF-8. Runs with the ASan/UBSan build.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$MK" --hostile "$tmp/h.bin" && "$MK" "$tmp/g.bin" || { t_fail "mkdump runs"; t_done; exit 1; }
"$DEC" decode "$tmp/h.bin" >"$tmp/h.json" 2>"$tmp/err"
t_eq "decode of the hostile dump exits 0" 0 $?

# strict: a surrogate, an overlong form or a code point past U+10FFFF fails here
strict='import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))'
t_check "decode: UTF-8 and JSON a strict parser takes" python3 -c "$strict" <"$tmp/h.json"

# The checks below in Python: the expected values spelled out, and the
# documented form's inverse, which must give back the dump's bytes.
cat >"$tmp/check.py" <<'PY'
import json, re, sys

MSG = (b"sur\xed\xa0\x80 ov\xe0\x80\x80 ov\xc0\xaf ov\xf0\x80\x80\x80 big\xf4\x90\x80\x80 "
       b"ff\xff lit\\xff osc\x1b]0;pwned\x07 cls\x1b[2J c1\xc2\x9b del\x7f")
MAP1 = b"\xed\xa0\x80\xe0\x80\x80\xc0\xaf\xf4\x90\x80\x80\xff"
MAP5 = b"\\xff\x1b]0;t\x07\x1b[2J"
SCHED = b"synth\x1b]0;t\x07\xff"
COMM = b"v\x1b[2J\xc2\x9b\x7f\\"

def unescape(v):
    """docs/json.md: \\\\ is a backslash, \\xHH the byte HH, the rest UTF-8."""
    out, i = bytearray(), 0
    while i < len(v):
        if v[i] == "\\":
            if v[i + 1] == "\\":
                out += b"\\"
                i += 2
                continue
            assert v[i + 1] == "x" and re.fullmatch("[0-9a-f]{2}", v[i + 2:i + 4]), v[i:i + 4]
            out.append(int(v[i + 2:i + 4], 16))
            i += 4
            continue
        out += v[i].encode("utf-8")
        i += 1
    return bytes(out)

def fail(what):
    print(what)
    sys.exit(1)

what, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if what == "json":
    d = json.loads(data.decode("utf-8", "strict"))
    msg = d["schedulers"][0]["exit"]["message"]
    want = ("sur\\xed\\xa0\\x80 ov\\xe0\\x80\\x80 ov\\xc0\\xaf ov\\xf0\\x80\\x80\\x80 "
            "big\\xf4\\x90\\x80\\x80 ff\\xff lit\\\\xff osc\x1b]0;pwned\x07 cls\x1b[2J c1\u009b del\x7f")
    if msg != want:
        fail("message: %r" % msg)
    names = [m["name"] for m in d["maps"]]
    if names[1] != "\\xed\\xa0\\x80\\xe0\\x80\\x80\\xc0\\xaf\\xf4\\x90\\x80\\x80\\xff" or \
       names[4] != "\\\\xff\x1b]0;t\x07\x1b[2J":
        fail("map names: %r" % names[:5])
    checks = [(msg, MSG), (names[1], MAP1), (names[4], MAP5),
              (d["schedulers"][0]["name"], SCHED), (d["stall"]["tasks"][0]["comm"], COMM),
              (d["maps"][0]["entries"][0]["value"]["name"], b"\\x\xc0\xaf\xff"),
              (d["maps"][0]["entries"][1]["value"]["name"], b"a\\b"),
              (d["timeline"]["maps"][1]["want"], b"no\x1b[2J\xed\xa0\x80\xff"),
              (d["timeline"]["samples"][2]["maps"][0]["entries"][0]["value"]["tag"], b"c\\\xff")]
    chars = [m for m in d["maps"] if m["name"] == "chars"][0]["entries"]
    if [e["value"] for e in chars] != ["a\\\\b", "\\xff\\\\"]:
        fail("char arrays: %r" % chars)
    checks += [(chars[0]["value"], b"a\\b"), (chars[1]["value"], b"\xff\\")]
    for v, raw in checks:
        if unescape(v) != raw:
            fail("%r does not give back %r" % (v, raw))
elif what in ("text", "page"):
    # no control byte (C0 but the line ends, DEL, C1), nothing but UTF-8;
    # a page has tabs of its own (its style and script)
    t = data.decode("utf-8", "strict")
    ok = "\n\t" if what == "page" else "\n"
    bad = [c for c in t if (ord(c) < 0x20 and c not in ok) or 0x7f <= ord(c) <= 0x9f]
    if bad:
        fail("control characters: %r" % sorted(set(bad)))
else:
    # one line of text must be the dump's bytes @what (a name) in the text form
    raw = {"MSG": MSG, "MAP1": MAP1, "MAP5": MAP5, "SCHED": SCHED, "COMM": COMM}[what]
    lines = data.decode("utf-8", "strict").split("\n")
    pre, post = sys.argv[3], sys.argv[4]
    for l in lines:
        if l.startswith(pre) and l.endswith(post) and len(l) >= len(pre) + len(post):
            if unescape(l[len(pre):len(l) - len(post)]) == raw:
                sys.exit(0)
    fail("no line %s...%s giving back %r" % (pre, post, raw))
PY
t_check "decode: the exact values; each byte not UTF-8 as \\xHH, a literal \\xff as \\\\xff; the form gives back the dump's bytes" \
	python3 "$tmp/check.py" json "$tmp/h.json"
t_check "decode --pretty: UTF-8 a strict parser takes" python3 -c "$strict" < <("$DEC" decode --pretty "$tmp/h.bin")
t_check "info: UTF-8 a strict parser takes" python3 -c "$strict" < <("$DEC" info "$tmp/h.bin")
t_check "timeline --json: UTF-8 a strict parser takes" python3 -c "$strict" < <("$DEC" timeline --json "$tmp/h.bin")
"$DEC" diff "$tmp/g.bin" "$tmp/h.bin" >"$tmp/diff.json"
t_check "diff (JSON): UTF-8 a strict parser takes" python3 -c "$strict" <"$tmp/diff.json"
t_check "diff (JSON): decode's values as they are, not escaped twice" jq -e --slurpfile h "$tmp/h.json" \
	'([.schedulers[] | select(.path == ".schedulers[id=5].exit.message") | .new] == [$h[0].schedulers[0].exit.message]) and .b.scheduler == $h[0].schedulers[0].name and ([.maps[].name] | index($h[0].maps[1].name) != null)' "$tmp/diff.json"

# the text commands: no escape reaches the terminal
"$DEC" summary "$tmp/h.bin" >"$tmp/summary.txt"
"$DEC" diff --text "$tmp/g.bin" "$tmp/h.bin" >"$tmp/diff.txt"
"$DEC" timeline "$tmp/h.bin" >"$tmp/timeline.txt"
mkdir -p "$tmp/saved"
cp "$tmp/h.bin" "$tmp/saved/$(printf 'x\033[2J\377').scxdump"
head -c 100 "$tmp/h.bin" >"$tmp/saved/$(printf 'y\033]0;t\007').scxdump"
"$DEC" list --dir "$tmp/saved" >"$tmp/list.txt" 2>/dev/null
"$DEC" html "$tmp/h.bin" >"$tmp/page.html"
printf 'x\033]0;t\007\377.bin' >"$tmp/name"
cp "$tmp/h.bin" "$tmp/$(cat "$tmp/name")"
"$DEC" html "$tmp/$(cat "$tmp/name")" >"$tmp/title.html"
for f in summary diff timeline list; do
	t_check "$f: no ESC byte" sh -c "! grep -q \$(printf '\\033') '$tmp/$f.txt'"
	t_check "$f: UTF-8 with no control character" python3 "$tmp/check.py" text "$tmp/$f.txt"
done
t_check "html: the page's title, from a file name with controls and a byte not UTF-8: escaped" \
	sh -c "grep -q '^<title>scxdump: .*x\\\\x1b\\]0;t\\\\x07\\\\xff\\.bin</title>' '$tmp/title.html' && python3 '$tmp/check.py' page '$tmp/title.html'"
t_check "html: the page is UTF-8 with no control character (DEL and C1 of the JSON as \\u escapes)" \
	sh -c "python3 '$tmp/check.py' page '$tmp/page.html' && grep -qF 'c1\\u009b del\\u007f' '$tmp/page.html'"

# the text form is the JSON's, controls escaped too: it gives the bytes back
t_check "summary: the message line gives back the dump's bytes" python3 "$tmp/check.py" MSG "$tmp/summary.txt" "message: " ""
t_check "summary: the message line exactly" grep -qxF 'message: sur\xed\xa0\x80 ov\xe0\x80\x80 ov\xc0\xaf ov\xf0\x80\x80\x80 big\xf4\x90\x80\x80 ff\xff lit\\xff osc\x1b]0;pwned\x07 cls\x1b[2J c1\xc2\x9b del\x7f' "$tmp/summary.txt"
t_check "summary: the scheduler's name" python3 "$tmp/check.py" SCHED "$tmp/summary.txt" "scheduler " " (level 0): SCX_EXIT_ERROR_BPF (1025), scx_bpf_error"
t_check "summary: the stall's comm" python3 "$tmp/check.py" COMM "$tmp/summary.txt" "  " "[4242] runnable 2600 ms on CPU 1"
t_check "summary: map names in the table" sh -c "python3 '$tmp/check.py' MAP1 '$tmp/summary.txt' '' ' hash                      3           80 yes (+9)  -' &&
	grep -qE '^\\\\\\\\xff\\\\x1b\\]0;t\\\\x07\\\\x1b\\[2J queue ' '$tmp/summary.txt'"
t_check "summary: a short name still padded to its column" grep -qE '^vals             array ' "$tmp/summary.txt"
t_check "diff --text: the side's scheduler, the maps only in B" sh -c "
	python3 '$tmp/check.py' SCHED '$tmp/diff.txt' 'b: $tmp/h.bin: capture 7, trigger exit, 2026-11-24T23:00:33.816467Z, scheduler ' '' &&
	python3 '$tmp/check.py' MAP1 '$tmp/diff.txt' 'map ' ': only in B' &&
	python3 '$tmp/check.py' MAP5 '$tmp/diff.txt' 'map ' ': only in B'"
t_check "diff --text: a change of a char array: JSON text of the value, its C1 escaped" \
	grep -qxF '  .stall.tasks[pid=4242].comm: "victim" -> "v\u001B[2J\xc2\x9b\x7f\\\\"' "$tmp/diff.txt"
t_check "timeline: the map asked for, escaped" grep -qxF 'map no\x1b[2J\xed\xa0\x80\xff: not_found' "$tmp/timeline.txt"
t_check "timeline: a tag with a backslash and a byte FF" \
	grep -qxF '  .maps[name="synth.data"].entries[key=0].value.tag: "ab" -> "c\\\\\\xff"' "$tmp/timeline.txt"
t_check "list: the scheduler and the file names, escaped" sh -c "
	grep -qE '^2026-11-24T23:00:33Z +synth\\\\x1b\\]0;t\\\\x07\\\\xff exit +SCX_EXIT_ERROR_BPF +[0-9]+  x\\\\x1b\\[2J\\\\xff\\.scxdump\$' '$tmp/list.txt' &&
	grep -q 'DAMAGED .* y\\\\x1b\\]0;t\\\\x07\\.scxdump: ' '$tmp/list.txt'"
t_check "list --json: UTF-8 a strict parser takes" python3 -c "$strict" < <("$DEC" list --json --dir "$tmp/saved" 2>/dev/null)
t_done

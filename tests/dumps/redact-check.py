#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""redact-check.py ORIG.json REDACTED.json ORIG.bin REDACTED.bin

Checks a dump against its redacted copy (scxdump redact), apart from the
tool's own code: the two decodes (--hex) must be the same document but for
kernel addresses, which must be replaced consistently (one new value per
old value, no two old values sharing one: a kptr still finds its object);
and no kernel address the original's decode shows may be left in the
redacted file's bytes, as an 8-byte word or as 16 hex digits.
Prints one line of counts; exits 1 with the first differences otherwise.
"""
import json
import re
import struct
import sys

# the kernel half with 5-level paging (the test guest has it), below negative numbers
LO, HI = 0xff00000000000000, 0xffffffffff000000
HEX16 = re.compile(r'^(0x)?([0-9a-f]{16})$')
HEX_IN_TEXT = re.compile(r'(?<![0-9a-fA-F])([0-9a-fA-F]{16})(?![0-9a-fA-F])')


def kaddr(v):
    return LO <= v < HI


class Check:
    def __init__(self):
        self.fwd, self.back = {}, {}
        self.errors, self.mapped, self.leaves = [], 0, 0
        self.seen, self.kept, self.zeroed, self.shown = set(), set(), set(), set()

    def pair(self, a, b, path):
        """a, b: addresses; the mapping must stay a bijection."""
        if a == b:
            self.kept.add(a)
            return
        if b == 0 and (a in self.zeroed or '.__opaque[' in path):
            self.zeroed.add(a)	# a timer's, a list's, a tree's: zeroed as bpf(2) does
            return
        if not kaddr(b):
            self.err(path, f"{a:#x} became {b:#x}, not a kernel address")
            return
        if self.fwd.setdefault(a, b) != b:
            self.err(path, f"{a:#x} became {b:#x} here, {self.fwd[a]:#x} before")
        if self.back.setdefault(b, a) != a:
            self.err(path, f"{a:#x} and {self.back[b]:#x} both became {b:#x}")
        self.seen.add(a)
        self.mapped += 1

    def err(self, path, msg):
        if len(self.errors) < 20:
            self.errors.append(f"{path}: {msg}")

    def hexbytes(self, a, b, path):
        """Raw bytes as hex: 8-byte words, each the same or an address pair."""
        if len(a) != len(b):
            self.err(path, "hex of another length")
            return
        for i in range(0, len(a), 16):
            wa, wb = a[i:i + 16], b[i:i + 16]
            if wa == wb and len(wa) < 16:
                continue
            if len(wa) == 16:
                va = struct.unpack('<Q', bytes.fromhex(wa))[0]
                vb = struct.unpack('<Q', bytes.fromhex(wb))[0]
                if kaddr(va):
                    self.pair(va, vb, f"{path}[word {i // 16}]")
                    continue
            if wa != wb:
                self.err(path, f"word {i // 16}: {wa} became {wb}")

    def string(self, a, b, path):
        ma, mb = HEX16.match(a), HEX16.match(b)
        if ma and mb and kaddr(int(ma.group(2), 16)):
            self.shown.add(int(ma.group(2), 16))
            self.pair(int(ma.group(2), 16), int(mb.group(2), 16), path)
            return
        # addresses inside text: the same text around them
        pa, pb = HEX_IN_TEXT.split(a), HEX_IN_TEXT.split(b)
        if len(pa) != len(pb):
            self.err(path, f"{a!r} became {b!r}")
            return
        for i, (x, y) in enumerate(zip(pa, pb)):
            if i % 2 and kaddr(int(x, 16)):
                self.shown.add(int(x, 16))
                self.pair(int(x, 16), int(y, 16), path)
            elif x != y:
                self.err(path, f"{a!r} became {b!r}")
                return

    def walk(self, a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            if list(a) != list(b):
                self.err(path, f"keys {list(a)} became {list(b)}")
                return
            for k in a:
                if k.endswith('_hex') and isinstance(a[k], str):
                    self.hexbytes(a[k], b[k], f"{path}.{k}")
                elif k.endswith('_hex') and isinstance(a[k], list):
                    for i, (x, y) in enumerate(zip(a[k], b[k])):
                        self.hexbytes(x, y, f"{path}.{k}[{i}]")
                else:
                    self.walk(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.err(path, f"{len(a)} elements became {len(b)}")
                return
            for i, (x, y) in enumerate(zip(a, b)):
                self.walk(x, y, f"{path}[{i}]")
        elif isinstance(a, bool) or a is None:
            if a != b:
                self.err(path, f"{a!r} became {b!r}")
        elif isinstance(a, int) and isinstance(b, int):
            self.leaves += 1
            if kaddr(a):
                self.pair(a, b, path)
            elif a != b:
                self.err(path, f"{a} became {b}")
        elif isinstance(a, str) and isinstance(b, str):
            self.leaves += 1
            self.string(a, b, path)
        elif a != b:
            self.err(path, f"{a!r} became {b!r}")


def main():
    oj, rj, ob, rb = sys.argv[1:5]
    with open(oj) as f:
        a = json.load(f)
    with open(rj) as f:
        b = json.load(f)
    c = Check()
    c.walk(a, b, '')
    with open(rb, 'rb') as f:
        raw = f.read()
    # the copy's 8-byte words (records and their fields are 8-aligned) and
    # its runs of 16 hex digits (messages)
    words = {w for (w,) in struct.iter_unpack('<Q', raw[:len(raw) // 8 * 8])}
    texts = {int(h, 16) for h in re.findall(rb'(?<![0-9a-fA-F])[0-9a-fA-F]{16}(?![0-9a-fA-F])', raw)}
    # shown as addresses (0x... strings, hex in messages), or replaced
    # somewhere: none may be left; nor a value kept that points within a
    # GiB of one of those (an aligned pointer that is no mask)
    addrs = c.shown | c.seen
    regions = {v >> 30 for v in addrs}
    near = {v for v in c.kept if v >> 30 in regions and not v % 8
            and (~v & ((1 << 64) - 1)) & ((~v & ((1 << 64) - 1)) + 1)}
    for v in sorted(near)[:10]:
        c.errors.append(f"{v:#x}: kept, yet an address's neighbour")
    left = [v for v in addrs if v in words or v in texts]
    for v in sorted(left)[:10]:
        c.errors.append(f"{v:#x}: still in the redacted file's bytes")
    print(f"{c.leaves} leaves, {c.mapped} addresses replaced ({len(c.seen)} distinct), "
          f"{len(c.zeroed)} zeroed, {len(left)} left in the file, {len(c.errors)} differences")
    for e in c.errors:
        print("  " + e)
    sys.exit(1 if c.errors else 0)


if __name__ == '__main__':
    main()

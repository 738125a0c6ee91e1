#!/usr/bin/env python3
# The journal's socket, for tests/unit/test-collect.sh: binds SOCKET (an
# AF_UNIX datagram socket, as journald's /run/systemd/journal/socket),
# creates SOCKET.ready, then writes each datagram it receives to OUT,
# followed by a line "--", until N datagrams or 5 s without one.
#
#   journal-recv.py SOCKET N OUT
import socket
import sys

path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(path + '.ready', 'w').close()
s.settimeout(5)
with open(out, 'wb') as f:
    for _ in range(n):
        try:
            d = s.recv(1 << 20)
        except socket.timeout:
            break
        f.write(d + b'--\n')
        f.flush()

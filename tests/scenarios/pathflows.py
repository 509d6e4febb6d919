#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Packets and bytes of each TCP connection on one access link, from a
tcpdump capture (Ethernet) on it, for the flow scenarios (scn-3.4-flowmove,
scn-3.4-loadshare).

A packet is IPv6 carrying TCP, or the mobility tunnel's UDP (port 4191,
RFC 5555 vanilla UDP: the inner IPv6 packet right after the UDP header)
carrying IPv6 with TCP. It is counted for the server port (LO..HI) it is
sent from or to, before or after SPLIT (seconds since the epoch, optional).

    pathflows.py PCAP LO HI [SPLIT]
prints {"PORT": {"before": n, "after": n, "bytes": n, "tunnelled": n}}.
"""
import json
import struct
import sys


def packets(path):
    with open(path, 'rb') as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        order = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
        nano = magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, orig = struct.unpack(order + 'IIII', rec)
            data = f.read(incl)
            yield sec + frac / (1e9 if nano else 1e6), orig, data


def tcp_ports(ip6):
    """(sport, dport) of an IPv6 packet carrying TCP (no extension header)."""
    if len(ip6) < 44 or ip6[0] >> 4 != 6 or ip6[6] != 6:
        return None
    return struct.unpack('!HH', ip6[40:44])


def main():
    path, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    split = float(sys.argv[4]) if len(sys.argv) > 4 else None
    out = {}
    for ts, size, d in packets(path):
        if len(d) < 54 or d[12:14] != b'\x86\xdd':
            continue
        ip6, tun = d[14:], 0
        if ip6[6] == 17 and len(ip6) >= 48:
            sp, dp = struct.unpack('!HH', ip6[40:44])
            if 4191 not in (sp, dp):
                continue
            ip6, tun = ip6[48:], 1
        ports = tcp_ports(ip6)
        if not ports:
            continue
        port = next((p for p in ports if lo <= p <= hi), None)
        if port is None:
            continue
        e = out.setdefault(str(port), {'before': 0, 'after': 0, 'bytes': 0, 'tunnelled': 0})
        e['after' if split is not None and ts >= split else 'before'] += 1
        e['bytes'] += size
        e['tunnelled'] += tun
    print(json.dumps(out, sort_keys=True))


if __name__ == '__main__':
    main()

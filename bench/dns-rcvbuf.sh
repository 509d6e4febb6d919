#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Measurement (issue 17, row 14): datagrams the kernel drops at the stub's
# listening UDP socket while the stub is kept off the CPU. One cached name
# is asked DNS_BURST times (default 4000) as fast as one socket can send,
# with every mifd process stopped (SIGSTOP, as a CPU-starved process would
# be); then mifd continues and the answers are counted, with the
# namespace's Udp RcvbufErrors (/proc/net/snmp) before and after. Run it
# with two builds (MIFD=... MIFCTL=...) to compare receive buffers.
#
# Usage (root): MIFD=build/src/daemon/mifd MIFCTL=build/src/ctl/mifctl \
#   MIF_DNS_SPOOF=build-dev/tests/tools/mif-dns-spoof bench/dns-rcvbuf.sh
# Prints "rcvbuf.rb=N rcvbuf.sent=N rcvbuf.answered=N rcvbuf.dropped=N".
set -euo pipefail
. "$(dirname "$0")/../tests/world/lib.sh"
. "$(dirname "$0")/../tests/world/mif.sh"
. "$(dirname "$0")/../tests/world/dns.sh"

BURST=${DNS_BURST:-4000}
world_init
world_require jq dig python3 ss
dns_spoof_required
dns_one_link
world_bg r1 srv "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --ttl 600 --max-seconds 120
dns_one_pvd
ok() { [ "$(dns_dig_short h "$1" A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok burst.rcvbuf.test
rb=$(world_exec h ss -ulmnH 'sport = :53' | grep -o 'rb[0-9]*' | head -1 | tr -d rb)
drops() { world_exec h awk '/^Udp:/ { n++; if (n == 2) print $6 }' /proc/net/snmp; }
pids="$WORLD_MIFD_PID $(pgrep -P "$WORLD_MIFD_PID" | tr '\n' ' ')"
d0=$(drops)
out=$(world_exec h python3 - "$BURST" "$pids" <<'PY'
import os, select, signal, socket, struct, sys, time
n, pids = int(sys.argv[1]), [int(p) for p in sys.argv[2].split()]
q = b"\x05burst\x06rcvbuf\x04test\x00" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
for p in pids:
    os.kill(p, signal.SIGSTOP)
try:
    for i in range(n):
        s.sendto(struct.pack(">HHHHHH", i & 0xffff, 0x0100, 1, 0, 0, 0) + q,
                 ("127.0.0.153", 53))
finally:
    for p in pids:
        os.kill(p, signal.SIGCONT)
got, end = 0, time.time() + 5
while time.time() < end:
    r, _, _ = select.select([s], [], [], 0.5)
    if not r:
        if got:
            break
        continue
    s.recv(4096)
    got += 1
print(n, got)
PY
)
d1=$(drops)
read -r sent answered <<<"$out"
echo "rcvbuf.rb=$rb rcvbuf.sent=$sent rcvbuf.answered=$answered rcvbuf.dropped=$((d1 - d0))"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 19): the added latency of a cache miss over DNS over
# TLS with a warm connection, mifd's stub against unbound configured as a
# DoT forwarder to the same resolver, side by side in one run:
#
#   r1: unbound serving DoT on 2001:db8:1::853 (tls.test: any name, A)
#    | veth (the RA names it: DNR, ADN dns.example.net)
#   h:  mifd 127.0.0.153 (tls = strict), unbound 127.0.0.3
#       (forward-tls-upstream to 2001:db8:1::853@853#dns.example.net)
#
# One client (python3) asks distinct names (every one a miss, for both),
# one at a time, alternating between the two in chunks of DOT_CHUNK;
# DOT_N names each (default 400). Both connections are warmed first.
# Prints the median and 90th percentile of each, in microseconds, and
# "dot.KEY=VALUE" lines. Usage (root): MIFD=... MIFCTL=... MIF_RA_SEND=...
# MIF_DNS_SPOOF=... bench/dns-dot.sh
set -euo pipefail
. "$(dirname "$0")/../tests/world/lib.sh"
. "$(dirname "$0")/../tests/world/mif.sh"
. "$(dirname "$0")/../tests/world/dns.sh"
. "$(dirname "$0")/../tests/world/tls.sh"

N=${DOT_N:-400}
CHUNK=${DOT_CHUNK:-20}
world_init
world_require jq dig unbound openssl python3
dns_one_link
world_addr r1 eth0 2001:db8:1::853/64
tls_ca
tls_cert dns.example.net good
dns_unbound r1 dot "interface: 2001:db8:1::853
	interface: 2001:db8:1::853@853
	tls-port: 853
	tls-service-key: \"$WORLD_TMP/good.key\"
	tls-service-pem: \"$WORLD_TMP/good.pem\"
	access-control: ::/0 allow
	log-queries: no
	local-zone: \"tls.test.\" redirect
	local-data: \"tls.test. 60 IN A 192.0.2.88\""
ADN_HEX=03646e73076578616d706c65036e657400
DNR=$(printf '900800010000%s0011%s0010%s000e%s000000' 0e10 "$ADN_HEX" \
	20010db8000100000000000000000853 0001000403646f74000300020355)
world_lla h eth0 >/dev/null
world_mifd h -c "$(dns_mifd_conf "tls = strict
tls_ca_file = $WORLD_TMP/ca.pem")" --log-level info
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53 --raw "$DNR"
mif_expect "the PvD with a usable address" 15 \
	'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'
ok() { [ "$(dns_dig_short h "$1" A)" = 192.0.2.88 ]; }
world_wait_for "the stub answers over TLS" 10 ok w0.tls.test
dns_unbound h fwd "interface: 127.0.0.3
	access-control: 127.0.0.0/8 allow
	log-queries: no
	local-zone: \"test.\" nodefault
	tls-cert-bundle: \"$WORLD_TMP/ca.pem\"
	do-not-query-localhost: no
	forward-zone:
	name: \"tls.test.\"
	forward-tls-upstream: yes
	forward-addr: 2001:db8:1::853@853#dns.example.net"
fwd() { [ "$(world_exec h dig @127.0.0.3 +tries=1 +time=3 +short "$1" A)" = 192.0.2.88 ]; }
world_wait_for "unbound forwards over TLS" 10 fwd u0.tls.test
out=$(world_exec h python3 - "$N" "$CHUNK" <<'PY'
import random, socket, statistics, struct, sys, time
n, chunk = int(sys.argv[1]), int(sys.argv[2])
tag = "%08x" % random.getrandbits(32)
def ask(addr, name):
    q = struct.pack(">HHHHHH", random.getrandbits(16), 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    q += struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    t0 = time.perf_counter()
    s.sendto(q, (addr, 53))
    s.recv(4096)
    dt = time.perf_counter() - t0
    s.close()
    return dt * 1e6
res = {"mifd": [], "unbound": []}
servers = [("mifd", "127.0.0.153"), ("unbound", "127.0.0.3")]
for w in range(3):                       # warm both connections
    for k, a in servers:
        ask(a, "warm%d-%s.%s.tls.test" % (w, k, tag))
i = 0
while i < n:
    for k, a in (servers if (i // chunk) % 2 == 0 else servers[::-1]):
        for j in range(i, min(i + chunk, n)):
            res[k].append(ask(a, "m%d-%s.%s.tls.test" % (j, k, tag)))
    i += chunk
for k in ("mifd", "unbound"):
    v = sorted(res[k])
    print(k, int(statistics.median(v)), int(v[int(len(v) * 0.9)]), len(v))
PY
)
echo "$out"
read -r _ m50 m90 mn < <(grep '^mifd' <<<"$out")
read -r _ u50 u90 un < <(grep '^unbound' <<<"$out")
echo "dot.mifd_median_us=$m50 dot.mifd_p90_us=$m90 dot.unbound_median_us=$u50 dot.unbound_p90_us=$u90"
echo "dot.ratio_median=$(awk -v a="$m50" -v b="$u50" 'BEGIN { printf "%.2f", a / b }')"
world_ctl --json dns | jq -c '[.pvds[].tls[]?][0] | {handshakes, resumptions, queries, answers}'
world_pass

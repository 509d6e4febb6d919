#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DNS over TLS to a bad peer (issue 19, "bad input"), strict profile: the
# resolver the RA names (DNR) on 2001:db8:1::853 port 853
#   1. answers the TLS handshake with garbage: SERVFAIL, the handshake
#      error in `mifctl dns`, counted;
#   2. accepts the connection and never says a word: SERVFAIL once the
#      handshake times out (5 s), said and counted;
#   3. refuses the connection: SERVFAIL, said.
# mifd stays up, and nothing goes out in clear text.
#
#   r1: a python3 TCP server on 2001:db8:1::853 port 853 -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq dig python3 tcpdump openssl
dns_spoof_required
dns_one_link
world_addr r1 eth0 2001:db8:1::853/64
tls_ca
world_bg r1 clear "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --max-seconds 200

peer() {   # peer garbage|silent: a TCP server on [2001:db8:1::853]:853
	world_bg r1 "peer-$1" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("2001:db8:1::853", 853)); s.listen(8)
conns = []
end = time.time() + 120
while time.time() < end:
    c, _ = s.accept()
    if sys.argv[1] == "garbage":
        c.recv(4096)
        c.sendall(b"HTTP/1.0 400 not TLS at all\r\n\r\n" + bytes(range(256)))
    conns.append(c)
' "$1"
	PEER=$WORLD_LAST_PID
	world_wait_for "peer $1 listening" 5 world_exec r1 bash -c "ss -Hltn 'sport = :853' | grep -q 853"
}
stop_peer() { kill "$PEER" 2>/dev/null || true; wait "$PEER" 2>/dev/null || true; }

ADN_HEX=03646e73076578616d706c65036e657400
DNR=$(printf '900800010000%s0011%s0010%s000e%s000000' 0e10 "$ADN_HEX" \
	20010db8000100000000000000000853 0001000403646f74000300020355)
dns_capture_start r1 eth0 bad
world_lla h eth0 >/dev/null
world_mifd h -c "$(dns_mifd_conf "tls = strict
tls_ca_file = $WORLD_TMP/ca.pem
timeout_ms = 8000")"
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53 --raw "$DNR"
mif_expect "the PvD with a usable address" 15 \
	'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'
tlsst() { world_ctl --json dns | jq -c '[.pvds[].tls[]?][0]'; }
world_wait_for "the stub has the encrypted resolver" 10 test "\$(tlsst)" != null
fails() { world_ctl --json dns | jq '.stub.tls.failures'; }

# expect STEP NAME ERROR_REGEX: a SERVFAIL for NAME, and the error.
expect() {
	local st err f0
	f0=$(fails)
	st=$(world_exec h dig @127.0.0.153 +tries=1 +time=9 "$2" A 2>&1 |
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -n 1)
	[ "$st" = SERVFAIL ] || world_fail "$1: $2 gave $st (want SERVFAIL): $(tlsst)"
	err=$(tlsst | jq -r .last_error)
	grep -qiE "$3" <<<"$err" || world_fail "$1: the error: $(tlsst)"
	[ "$(fails)" -gt "$f0" ] || world_fail "$1: not counted: $(world_ctl --json dns | jq -c .stub.tls)"
	world_log "ok: $1: SERVFAIL; $err"
}
peer garbage
expect "a peer sending garbage" g1.tls.test "TLS handshake|unexpected|packet|decod"
stop_peer
sleep 10.5                               # the retry delay after a failure
peer silent
expect "a silent peer" s1.tls.test "timed out"
stop_peer
sleep 10.5
expect "nothing listening" c1.tls.test "connect.*refused"
n=$(dns_capture_count bad .)
[ "$n" = 0 ] || world_fail "$n clear-text port-53 packets: $(dns_capture_text bad)"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_log "ok: no clear text, mifd up"
world_pass

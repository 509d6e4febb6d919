#!/bin/bash
# SPDX-License-Identifier: MIT
#
# An authenticated DHCPv6 Reconfigure (RFC 8415 18.2.11, 20.4) is acted on;
# a replayed or forged one is not. No server packaged for Debian sends
# Reconfigure (Kea and dnsmasq do not), so the server here is a small
# Python script of this test: it hands out 2001:db8:40::10 with a
# reconfigure key in its Reply (20.4.2), then sends a Reconfigure signed
# with HMAC-MD5 of that key (20.4.3), then the same one again (a replay),
# then one signed with another key. mifd must Renew once, at once (T1 is an
# hour), and count the other two as ignored. Last, a lease record whose
# checksum is right but whose text is not a lease is ignored with its line.
#
#   r1 (radvd M=1, the Python server) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd python3
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 2001:db8:40::1/64
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvManagedFlag on; prefix 2001:db8:40::/64 { AdvOnLink on; AdvAutonomous off; }; };"
world_lla r1 eth0 >/dev/null
cat >"$WORLD_TMP/server.py" <<'PY'
import hashlib, hmac, os, socket, struct, sys, time
KEY = bytes(range(16, 32))
SID = b'\x00\x03\x00\x01\x02\x00\x00\x00\x00\x40'
ADDR = socket.inet_pton(socket.AF_INET6, '2001:db8:40::10')
log = open(sys.argv[1], 'a', buffering=1)
def opt(c, d): return struct.pack('>HH', c, len(d)) + d
def opts(b):
    out = {}
    while len(b) >= 4:
        c, n = struct.unpack('>HH', b[:4]); out.setdefault(c, b[4:4 + n]); b = b[4 + n:]
    return out
def auth(replay, typ, val): return opt(11, bytes([3, 1, 0]) + struct.pack('>Q', replay) + bytes([typ]) + val)
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', 547))
idx = socket.if_nametoindex('eth0')
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
             socket.inet_pton(socket.AF_INET6, 'ff02::1:2') + struct.pack('@I', idx))
client = None
def reconf(key, replay):
    m = bytes([10, 0, 0, 0]) + client['cid'] + opt(2, SID) + opt(19, b'\x05')
    zero = m + auth(replay, 2, bytes(16))
    mac = hmac.new(key, zero, hashlib.md5).digest()
    return m + auth(replay, 2, mac)
s.settimeout(0.5)
sent = 0
while True:
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        data = None
    if data:
        t, xid, o = data[0], data[1:4], opts(data[4:])
        names = {1: 'Solicit', 3: 'Request', 5: 'Renew', 6: 'Rebind', 4: 'Confirm'}
        log.write('%s\n' % names.get(t, 'type%d' % t))
        iaid = o.get(3, b'\0' * 12)[:4]
        ia = opt(3, iaid + struct.pack('>II', 3600, 5400) +
                 opt(5, ADDR + struct.pack('>II', 7200, 7200)))
        cid = opt(1, o[1])
        if t == 1:
            s.sendto(bytes([2]) + xid + cid + opt(2, SID) + opt(7, b'\xff') + ia, peer)
        elif t in (3, 5, 6):
            extra = auth(1, 1, KEY) if t == 3 else b''
            s.sendto(bytes([7]) + xid + cid + opt(2, SID) + ia + extra, peer)
            client = {'cid': cid, 'peer': peer}
    if client and os.path.exists(sys.argv[2]) and sent == 0:
        s.sendto(reconf(KEY, 2), client['peer'])       # valid
        time.sleep(1)
        s.sendto(reconf(KEY, 2), client['peer'])       # replayed
        s.sendto(reconf(bytes(16), 3), client['peer']) # another key
        sent = 1
        log.write('reconfigures sent\n')
PY
world_bg r1 server python3 "$WORLD_TMP/server.py" "$WORLD_TMP/seen.log" "$WORLD_TMP/go"

world_mifd h --state-dir "$WORLD_TMP/state"
E0=$(mif_pvd_on eth0)
mif_expect "bound with the test server's address" 30 \
	"($E0 | length) == 1 and $E0[0].dhcpv6.state == \"bound\"
	 and $E0[0].dhcpv6.addresses[0].address == \"2001:db8:40::10\""
world_wait_for "the reconfigure key kept" 5 grep -qa "^key 101112131415161718191a1b1c1d1e1f 1$" \
	"$WORLD_TMP/state/dhcp6-eth0.lease"
touch "$WORLD_TMP/go"
world_wait_for "the server sent its Reconfigures" 10 grep -q "reconfigures sent" "$WORLD_TMP/seen.log"
counted() {
	mif_status | jq -e '.dhcp.dhcpv6[0].counters | .reconfigure_accepted == 1
		and .reconfigure_ignored == 2 and .renews == 1' >/dev/null
}
world_wait_for "one Reconfigure acted on (a Renew), two ignored" 10 counted
[ "$(grep -c '^Renew$' "$WORLD_TMP/seen.log")" = 1 ] ||
	world_fail "the server saw $(grep -c '^Renew$' "$WORLD_TMP/seen.log") Renews, want 1"
grep -q "authenticated Reconfigure: renewing" "$WORLD_TMP/mifd.log" ||
	world_fail "no log line for the accepted Reconfigure"
world_wait_for "the replay counter kept" 5 grep -qa "^key 101112131415161718191a1b1c1d1e1f 2$" \
	"$WORLD_TMP/state/dhcp6-eth0.lease"
world_log "ok: an authenticated Reconfigure renewed; a replay and a forgery were ignored"

# A record the store's checksum accepts whose text is not a lease (a file
# from some other program, or a bug): the engine refuses it whole, with the
# line, and solicits.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
python3 - "$WORLD_TMP/state/dhcp6-eth0.lease" <<'PY'
import struct, sys, zlib
key, text = b'dhcp6-eth0', b'mif-dhcp6-lease 1\nduid 0003\nna 2001:db8:40::10 9 1\nend\n'
body = b'MIFLEASE' + struct.pack('>IB', 1, len(key)) + key + struct.pack('>I', len(text)) + text
open(sys.argv[1], 'wb').write(body + struct.pack('>I', zlib.crc32(body)))
PY
world_mifd h --state-dir "$WORLD_TMP/state"
mif_expect "bound again after a lease record that does not parse" 30 \
	"$E0[0].dhcpv6.state == \"bound\" and $E0[0].dhcpv6.addresses[0].address == \"2001:db8:40::10\""
grep -q "dhcp6 on eth0: the kept lease is corrupt (line 3): ignored" "$WORLD_TMP/mifd.log" ||
	world_fail "no log line for the lease text that does not parse"
grep -q "corrupt or truncated" "$WORLD_TMP/mifd.log" &&
	world_fail "the store refused a record whose checksum is right"
mif_status | jq -e '.dhcp.dhcpv6[0].counters.solicits >= 1' >/dev/null ||
	world_fail "no Solicit after the refused lease"
world_log "ok: a lease whose text does not parse is ignored with its line"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub tells a query's PvD from the routing mark of the socket it came
# from (SO_RCVMARK, src/daemon/dns/stub_udp.c). Two networks answer
# differ.example differently (A: 10.99.0.11, B: 10.99.0.22); A is the
# default.
#   - dig with no PvD: A's answer (the stub's own choice);
#   - `mifctl run --pvd B -- dig @127.0.0.153`: dig's own resolver socket
#     is marked for B by the preload, and B answers; --pvd A: A answers;
#     dns.stub.marked counts them;
#   - a socket marked with mifd's "bound" bit for no PvD (a PvD gone):
#     SERVFAIL, never another network's answer; a mark without that bit
#     (another program's) changes nothing.
#
#   rA -- h:eth0 (wired, default)   DNS 192.168.10.1 (DHCPv4)
#   rB -- h:wlan0 (Wi-Fi)           DNS 192.168.20.1 (DHCPv4)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig python3
[ -n "${MIF_PRELOAD:-}" ] && [ -f "$MIF_PRELOAD" ] || world_fail "MIF_PRELOAD is not set"
case "$(ldd "$MIF_PRELOAD" 2>/dev/null || true)" in
*libasan*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" ;;
esac
world_host h
WORLD_NET_HOST=h
MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.10.1" mif_net A rA eth0 10
MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.20.1" mif_net B rB wlan0 20
dns_dnsmasq rA dnsA 192.168.10.1 "$(dns_auth_lines 192.168.10.1 example)
host-record=differ.example,10.99.0.11"
dns_dnsmasq rB dnsB 192.168.20.1 "$(dns_auth_lines 192.168.20.1 example)
host-record=differ.example,10.99.0.22"

dns_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "two PvDs with an IPv4 address and a DNS server" 25 \
	'length == 2 and all(.[]; (.addresses | map(select(.address | contains(":") | not)) | length) == 1
	 and (.dns.servers | length) >= 1)'
tables_ready() { mif_status | jq -e '.routing.tables | length == 2' >/dev/null; }
world_wait_for "two routing tables" 20 tables_ready
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
world_log "A is $PA, B is $PB"
stub() { world_ctl --json dns | jq -r ".stub.$1"; }
[ "$(stub marks)" = true ] || world_fail "the stub's UDP socket has no SO_RCVMARK (Linux >= 5.19 has it)"

# dig_in PVD ARGS...: dig at the stub, run in PVD (mifctl run), +short.
dig_in() {
	local pvd=$1
	shift
	world_exec h env MIF_PRELOAD="$MIF_PRELOAD" "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" \
		run --pvd "$pvd" -- dig "@$DNS_STUB_ADDR" +tries=1 +time=3 +short "$@"
}
expect_eq() {   # DESC WANT GOT
	[ "$2" = "$3" ] || world_fail "$1: got '$3', want '$2'"
	world_log "ok: $1 -> $3"
}

expect_eq "no PvD: the default network's answer" 10.99.0.11 "$(dns_dig_short h differ.example A)"
m0=$(stub marked)
expect_eq "dig run in B" 10.99.0.22 "$(dig_in "$PB" differ.example A)"
expect_eq "dig run in A" 10.99.0.11 "$(dig_in "$PA" differ.example A)"
# Cached now in each PvD's own cache: still each one's answer.
expect_eq "dig run in B, again (B's cache)" 10.99.0.22 "$(dig_in "$PB" differ.example A)"
expect_eq "no PvD, again (A's cache)" 10.99.0.11 "$(dns_dig_short h differ.example A)"
m1=$(stub marked)
[ "$((m1 - m0))" -ge 3 ] || world_fail "dns.stub.marked went from $m0 to $m1, want 3 more"
world_log "ok: dns.stub.marked $m0 -> $m1"
# The sockets mifd bound for them (the parent's counters reach the engine
# within a second): status .bind, pvd.list .sockets_bound, the metrics.
bound_b() { mif_pvds | jq -e --arg b "$PB" '.[] | select(.id == $b) | .sockets_bound >= 2' >/dev/null; }
world_wait_for "B's bound sockets counted" 5 bound_b
mif_status | world_jq '.bind.bound >= 3 and .bind.requests >= .bind.bound' >/dev/null ||
	world_fail "status .bind: $(mif_status | jq -c .bind)"
M=$(world_ctl metrics) || world_fail "mifctl metrics"
for s in "mif_pvd_sockets_bound_total{pvd=\"$PB\"}" "mif_pvd_sockets_bound_total{pvd=\"$PA\"}" \
	mif_bind_bound_total; do
	v=$(awk -v l="$s" '$1 == l { print $2 }' <<<"$M")
	[ -n "$v" ] && [ "$v" -ge 1 ] || world_fail "$s = '$v'"
done
world_log "ok: sockets bound: $(mif_status | jq -c .bind), B $(mif_pvds | jq --arg b "$PB" '.[] | select(.id == $b) | .sockets_bound')"

# A raw query from a socket with a given SO_MARK (root may set any): rcode
# and which network's address the answer holds.
cat >"$WORLD_TMP/markq.py" <<'EOF'
import socket, struct, sys
mark, addr = int(sys.argv[1], 0), sys.argv[2]
q = struct.pack("!HHHHHH", 0x4d49, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in "differ.example".split(".")) + b"\0"
q += struct.pack("!HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, mark)
s.settimeout(5)
s.sendto(q, (addr, 53))
r = s.recv(4096)
rcode, an = r[3] & 15, struct.unpack("!H", r[6:8])[0]
# Which of the two networks' addresses the answer holds.
a = [x for x in ("10.99.0.11", "10.99.0.22") if an and socket.inet_aton(x) in r[12:]]
print(rcode, " ".join(a) or "-")
EOF
markq() { world_exec h python3 "$WORLD_TMP/markq.py" "$1" "$DNS_STUB_ADDR"; }
u0=$(stub mark_unknown)
# The bound bit (0x10000) with a table and generation no PvD has.
expect_eq "a mark for no PvD: SERVFAIL" "2 -" "$(markq 0x7fffffff)"
expect_eq "a mark without mifd's bit: the stub's choice" "0 10.99.0.11" "$(markq 0x5)"
u1=$(stub mark_unknown)
[ "$((u1 - u0))" = 1 ] || world_fail "dns.stub.mark_unknown went from $u0 to $u1, want 1 more"
world_log "ok: dns.stub.mark_unknown $u0 -> $u1"
world_pass

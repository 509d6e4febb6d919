#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A WireGuard tunnel brought up by wg-quick registers itself with mifd:
#   - PostUp = dist/hooks/wireguard up %i --dns ... --domain ...: PvD
#     "wireguard-wg0" on wg0 with its AllowedIPs as routes, its on-link
#     prefix, the DNS server and domain given;
#   - wg-quick's own "DNS =" line calls resolvconf -a wg0, which is
#     dist/hooks/resolvconf here: PvD "resolvconf-wg0" with the same server
#     and the search domain;
#   - a name under the tunnel's domain resolves through the tunnel, from
#     a DNS server on the far side (a real handshake);
#   - wg-quick down: PreDown deletes wireguard-wg0, resolvconf -d the other.
# The machine has no WireGuard kernel module, so wg-quick falls back to
# wireguard-go, as it does on any such host. wireguard-go keeps its
# control sockets in /run/wireguard: each side runs in a mount namespace
# with a private /run, so the machine's /run is untouched.
#
#   h:eth0 172.31.7.2 -- p:eth0 172.31.7.1; tunnel 10.20.0.2 (h wg0) - 10.20.0.1 (p wg1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq dig wg wg-quick wireguard-go
HOOKS=$(cd "$(dirname "$0")/../../dist/hooks" && pwd)
world_host h
world_host p
world_link p eth0 h eth0
ip -n "$(world_ns p)" addr add 172.31.7.1/24 dev eth0
ip -n "$(world_ns h)" addr add 172.31.7.2/24 dev eth0
SOCK="$WORLD_TMP/mifd.sock"
dns_mifd h

hk=$(wg genkey) && hp=$(wg pubkey <<<"$hk")
pk=$(wg genkey) && pp=$(wg pubkey <<<"$pk")
printf '%s\n' "$pk" >"$WORLD_TMP/p.key"

# The far side: wireguard-go in the foreground, configured with wg.
world_bg p wg-peer unshare --mount sh -c '
	mount -t tmpfs tmpfs /run
	wireguard-go -f wg1 & w=$!
	for i in $(seq 50); do [ -S /run/wireguard/wg1.sock ] && break; sleep 0.1; done
	wg set wg1 private-key "$1" listen-port 51820 peer "$2" allowed-ips 10.20.0.2/32
	ip addr add 10.20.0.1/24 dev wg1 && ip link set wg1 up
	wait $w' sh "$WORLD_TMP/p.key" "$hp"
peer_up() { ip -n "$(world_ns p)" addr show dev wg1 2>/dev/null | grep -q 10.20.0.1; }
world_wait_for "the peer's wg1" 10 peer_up
dns_dnsmasq p dns-wg 10.20.0.1 "$(dns_auth_lines 10.20.0.1 wg.example)
host-record=git.wg.example,10.21.0.7"

mkdir -p "$WORLD_TMP/rcbin" "$WORLD_TMP/wg"
ln -sf "$HOOKS/resolvconf" "$WORLD_TMP/rcbin/resolvconf"
cat >"$WORLD_TMP/wg/wg0.conf" <<CONF
[Interface]
PrivateKey = $hk
Address = 10.20.0.2/24
DNS = 10.20.0.1, corp.wg
PostUp = $HOOKS/wireguard up %i --dns 10.20.0.1 --domain wg.example
PreDown = $HOOKS/wireguard down %i

[Peer]
PublicKey = $pp
Endpoint = 172.31.7.1:51820
AllowedIPs = 10.20.0.0/24, 10.21.0.0/16
PersistentKeepalive = 1
CONF
chmod 600 "$WORLD_TMP/wg/wg0.conf"
# wg-quick, and later wg-quick down, in one mount namespace with a private
# /run: a shell that stays until told to go ($WORLD_TMP/wg/go).
world_bg h wg-quick unshare --mount bash -c '
	mount -t tmpfs tmpfs /run
	export PATH="$1:$PATH" MIFCTL="$2" MIF_SOCKET="$3"
	wg-quick up "$4/wg0.conf" && echo UP
	for i in $(seq 600); do [ -e "$4/go" ] && break; sleep 0.1; done
	wg-quick down "$4/wg0.conf" && echo DOWN' sh "$WORLD_TMP/rcbin" "$MIFCTL" "$SOCK" "$WORLD_TMP/wg"
up() { grep -q '^UP$' "$WORLD_TMP/wg-quick.log"; }
world_wait_for "wg-quick up" 20 up
pvd() { world_ctl --json pvd show "$1" 2>/dev/null; }
j=$(pvd wireguard-wg0) || world_fail "no PvD wireguard-wg0: $(cat "$WORLD_TMP/wg-quick.log")"
jq -e '.interfaces == ["wg0"] and
	([.routes[].prefix] | sort) == ["10.20.0.0/24", "10.21.0.0/16"] and
	[.prefixes[].prefix] == ["10.20.0.0/24"] and
	[.dns.servers[].address] == ["10.20.0.1"] and [.dns.search[].domain] == ["wg.example"]' \
	<<<"$j" >/dev/null || world_fail "wireguard-wg0: $j"
world_log "ok: PostUp hook: PvD wireguard-wg0 $(jq -c '{routes: [.routes[].prefix], prefixes: [.prefixes[].prefix]}' <<<"$j")"
j=$(pvd resolvconf-wg0) || world_fail "no PvD resolvconf-wg0 from wg-quick's DNS ="
jq -e '.interfaces == ["wg0"] and [.dns.servers[].address] == ["10.20.0.1"] and
	[.dns.search[].domain] == ["corp.wg"]' <<<"$j" >/dev/null || world_fail "resolvconf-wg0: $j"
world_log "ok: wg-quick's DNS = through resolvconf: PvD resolvconf-wg0"
res() { world_ctl --json resolve git.wg.example --type A 2>/dev/null |
	jq -e '.pvd == "wireguard-wg0" and (.answers | tostring | test("10\\.21\\.0\\.7"))' >/dev/null; }
world_wait_for "git.wg.example through the tunnel" 15 res
world_log "ok: git.wg.example answered by the far side's server through wg0"
: >"$WORLD_TMP/wg/go"
down() { grep -q '^DOWN$' "$WORLD_TMP/wg-quick.log"; }
world_wait_for "wg-quick down" 20 down
pvd wireguard-wg0 >/dev/null && world_fail "wireguard-wg0 still there after PreDown"
pvd resolvconf-wg0 >/dev/null && world_fail "resolvconf-wg0 still there after wg-quick down"
world_log "ok: wg-quick down: both PvDs gone"
world_pass

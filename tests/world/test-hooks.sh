#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The VPN and DHCP client hooks (dist/hooks/) register their networks with
# mifd as PvDs through mifctl, with real clients:
#   - busybox udhcpc with dist/hooks/udhcpc against dnsmasq: the lease's
#     address is configured and PvD "dhcp-eth0" has its DNS server, domain,
#     subnet and default route; a name under the domain resolves through
#     it; a renewal replaces it in place; a release (SIGUSR2) deletes it;
#   - ISC dhclient with the real dhclient-script and dist/hooks/dhcp-client
#     as its exit hook (dhclient-no-resolv as enter hook): the same PvD,
#     resolv.conf untouched, deleted on release;
#   - OpenVPN (static key, point to point) with dist/hooks/openvpn as up
#     and down script: PvD "openvpn-tun0" with the DNS server and domain
#     of its dhcp-option lines, its --route and its tunnel prefix; a name
#     under the VPN's domain resolves through the tunnel's server; the
#     down script deletes it;
#   - resolvconf -a tun.tun0 (dist/hooks/resolvconf, as wg-quick calls it)
#     makes PvD "resolvconf-tun.tun0" on tun0; -d deletes it.
#
#   rA:eth0 192.168.10.1 (dnsmasq: DHCP, DNS for lan.example) -- h:eth0
#   vs:eth0 172.31.9.1 -- h:eth1 172.31.9.2; tunnel 10.8.0.1 (vs) - 10.8.0.2 (h),
#   DNS for vpn.example on 10.8.0.1
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq dig udhcpc openvpn
HOOKS=$(cd "$(dirname "$0")/../../dist/hooks" && pwd)
world_host h
world_router rA
world_link rA eth0 h eth0
ip -n "$(world_ns rA)" addr add 192.168.10.1/24 dev eth0
SOCK="$WORLD_TMP/mifd.sock"
export MIFCTL MIF_SOCKET="$SOCK"

dns_mifd h
pvd() { world_ctl --json pvd show "$1" 2>/dev/null; }
pvd_has() {   # ID JQ
	local j
	j=$(pvd "$1") && jq -e "$2" >/dev/null <<<"$j"
}
gone() { ! pvd "$1" >/dev/null; }

# ---- udhcpc ----
mif_dnsmasq rA dhcp "interface=eth0
bind-interfaces
dhcp-range=192.168.10.100,192.168.10.150,255.255.255.0,2m
dhcp-option=option:router,192.168.10.1
dhcp-option=option:dns-server,192.168.10.1
dhcp-option=option:domain-name,lan.example"
dns_dnsmasq rA dns-lan 192.168.10.1 "$(dns_auth_lines 192.168.10.1 lan.example)
host-record=www.lan.example,10.77.0.1"
world_bg h udhcpc udhcpc -f -i eth0 -s "$HOOKS/udhcpc" -t 10 -T 1 -A 1
UDHCPC_PID=$WORLD_LAST_PID
lease_pvd() { pvd_has dhcp-eth0 '(.dns.servers | map(.address) | index("192.168.10.1")) != null and
	(.dns.search | map(.domain) | index("lan.example")) != null'; }
world_wait_for "PvD dhcp-eth0 from udhcpc's hook" 20 lease_pvd
j=$(pvd dhcp-eth0)
jq -e 'any(.routes[]?; .prefix == "0.0.0.0/0" and .router == "192.168.10.1")' <<<"$j" >/dev/null ||
	world_fail "dhcp-eth0 has no default route via 192.168.10.1: $j"
jq -e 'tostring | test("192\\.168\\.10\\.0/24")' <<<"$j" >/dev/null || world_fail "dhcp-eth0 lacks its subnet: $j"
# dnsmasq's range is .100 to .150, both ends included (it picks by MAC).
ip -n "$(world_ns h)" -4 addr show dev eth0 | grep -Eq 'inet 192\.168\.10\.(1[0-4][0-9]|150)/24' ||
	world_fail "udhcpc's hook did not configure the lease"
out=$(world_ctl --json resolve www.lan.example --type A) || world_fail "resolve www.lan.example: $out"
jq -e '.pvd == "dhcp-eth0" and (.answers | tostring | test("10\\.77\\.0\\.1"))' <<<"$out" >/dev/null ||
	world_fail "www.lan.example not answered through dhcp-eth0: $out"
world_log "ok: udhcpc hook: PvD dhcp-eth0 ($(jq -c '[.dns.servers[].address, .dns.search[].domain]' <<<"$j")), www.lan.example through it"
# A renewal (SIGUSR1) goes through the same hook: still one PvD of that id.
kill -USR1 "$UDHCPC_PID"
renewed() { grep -c 'lease of' "$WORLD_TMP/udhcpc.log" | awk '{ exit !($1 >= 2) }'; }
world_wait_for "udhcpc renewed" 10 renewed
lease_pvd || world_fail "dhcp-eth0 lost after renewal"
[ "$(world_ctl --json pvd list | jq '[.[] | select(.id == "dhcp-eth0")] | length')" = 1 ] ||
	world_fail "renewal left more than one dhcp-eth0"
kill -USR2 "$UDHCPC_PID"   # release: udhcpc calls the script with deconfig
world_wait_for "PvD dhcp-eth0 deleted on release" 10 gone dhcp-eth0
world_log "ok: udhcpc renew kept one PvD, release deleted it"
kill "$UDHCPC_PID" 2>/dev/null || true
wait "$UDHCPC_PID" 2>/dev/null || true

# ---- dhclient (ISC) with dist/hooks/dhcp-client as an exit hook ----
# The real /sbin/dhclient-script, its hook folders moved into WORLD_TMP;
# /etc/resolv.conf is a private copy in a mount namespace of dhclient's
# own, so even a failing enter hook could not touch the machine's, and the
# test sees whether dhclient-no-resolv kept dhclient-script off it.
if command -v dhclient >/dev/null && [ -x /sbin/dhclient-script ]; then
	d=$WORLD_TMP/dhcp
	mkdir -p "$d/dhclient-enter-hooks.d" "$d/dhclient-exit-hooks.d"
	ln -s "$HOOKS/dhclient-no-resolv" "$d/dhclient-enter-hooks.d/mif"
	ln -s "$HOOKS/dhcp-client" "$d/dhclient-exit-hooks.d/mif"
	# dhclient gives its script a clean environment: the world's mifctl and
	# socket go into the copy (installed, mifctl is in PATH and the socket
	# is the default).
	sed -e "s|/etc/dhcp/|$d/|g" -e "1a export MIFCTL='$MIFCTL' MIF_SOCKET='$SOCK'" \
		/sbin/dhclient-script >"$d/dhclient-script"
	chmod +x "$d/dhclient-script"
	printf 'nameserver 192.0.2.99\n' >"$d/resolv.conf"
	dhc() {
		world_exec h unshare --mount sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
			sh "$d/resolv.conf" dhclient -sf "$d/dhclient-script" \
			-lf "$d/leases" -pf "$d/dhclient.pid" "$@"
	}
	dhc -1 -v eth0 >"$WORLD_TMP/dhclient.log" 2>&1 || world_fail "dhclient got no lease: $(cat "$WORLD_TMP/dhclient.log")"
	world_wait_for "PvD dhcp-eth0 from dhclient's exit hook" 10 lease_pvd
	grep -qx 'nameserver 192.0.2.99' "$d/resolv.conf" ||
		world_fail "dhclient-script rewrote resolv.conf: $(cat "$d/resolv.conf")"
	out=$(world_ctl --json resolve www.lan.example --type A) || world_fail "resolve: $out"
	jq -e '.pvd == "dhcp-eth0"' <<<"$out" >/dev/null || world_fail "not through dhcp-eth0: $out"
	dhc -r -v eth0 >>"$WORLD_TMP/dhclient.log" 2>&1 || true
	world_wait_for "PvD dhcp-eth0 deleted on dhclient -r" 10 gone dhcp-eth0
	world_log "ok: dhclient exit hook: PvD dhcp-eth0 on BOUND, resolv.conf left alone, deleted on RELEASE"
fi

# ---- OpenVPN ----
world_host vs
world_link vs eth0 h eth1
ip -n "$(world_ns vs)" addr add 172.31.9.1/30 dev eth0
ip -n "$(world_ns h)" addr add 172.31.9.2/30 dev eth1
openvpn --genkey secret "$WORLD_TMP/ovpn.key" >/dev/null 2>&1 || openvpn --genkey --secret "$WORLD_TMP/ovpn.key"
ovpn_common=(--dev tun0 --dev-type tun --proto udp --secret "$WORLD_TMP/ovpn.key" --cipher AES-256-CBC
	--auth SHA256 --verb 3 --ping 1 --ping-exit 60)
world_bg vs ovpn-server openvpn "${ovpn_common[@]}" --local 172.31.9.1 --lport 1194 \
	--ifconfig 10.8.0.1 10.8.0.2
tun_up() { ip -n "$(world_ns vs)" -4 addr show dev tun0 2>/dev/null | grep -q 10.8.0.1; }
world_wait_for "the OpenVPN server's tunnel" 15 tun_up
dns_dnsmasq vs dns-vpn 10.8.0.1 "$(dns_auth_lines 10.8.0.1 vpn.example)
host-record=intranet.vpn.example,10.9.1.1"
world_bg h ovpn-client openvpn "${ovpn_common[@]}" --remote 172.31.9.1 1194 --nobind \
	--ifconfig 10.8.0.2 10.8.0.1 --route 10.9.0.0 255.255.0.0 10.8.0.1 \
	--dhcp-option DNS 10.8.0.1 --dhcp-option DOMAIN vpn.example \
	--script-security 2 --setenv MIFCTL "$MIFCTL" --setenv MIF_SOCKET "$SOCK" \
	--up "$HOOKS/openvpn" --down "$HOOKS/openvpn" --down-pre
OVPN_PID=$WORLD_LAST_PID
vpn_pvd() { pvd_has openvpn-tun0 '(.dns.servers | map(.address) | index("10.8.0.1")) != null and
	(.dns.search | map(.domain) | index("vpn.example")) != null'; }
world_wait_for "PvD openvpn-tun0 from the up script" 20 vpn_pvd
j=$(pvd openvpn-tun0)
jq -e 'tostring | test("10\\.9\\.0\\.0/16")' <<<"$j" >/dev/null || world_fail "openvpn-tun0 lacks 10.9.0.0/16: $j"
jq -e '.interfaces == ["tun0"]' <<<"$j" >/dev/null || world_fail "openvpn-tun0 not on tun0: $j"
link_ok() { world_exec h ping -c 1 -W 1 10.8.0.1 >/dev/null 2>&1; }
world_wait_for "the tunnel carries packets" 15 link_ok
out=$(world_ctl --json resolve intranet.vpn.example --type A) || world_fail "resolve: $out"
jq -e '.pvd == "openvpn-tun0" and (.answers | tostring | test("10\\.9\\.1\\.1"))' <<<"$out" >/dev/null ||
	world_fail "intranet.vpn.example not answered through openvpn-tun0: $out"
world_log "ok: OpenVPN up script: PvD openvpn-tun0 ($(jq -c '[.dns.servers[].address, .dns.search[].domain]' <<<"$j")), intranet.vpn.example through the tunnel"

# ---- resolvconf -a, as wg-quick and update-resolv-conf call it ----
mkdir -p "$WORLD_TMP/rcbin" && ln -sf "$HOOKS/resolvconf" "$WORLD_TMP/rcbin/resolvconf"
printf 'nameserver 10.8.0.1\nsearch corp2.example\n' |
	world_exec h env PATH="$WORLD_TMP/rcbin:$PATH" resolvconf -a tun.tun0 -m 0 -x ||
	world_fail "resolvconf -a failed"
pvd_has resolvconf-tun.tun0 '.interfaces == ["tun0"] and
	(.dns.search | map(.domain) | index("corp2.example")) != null' ||
	world_fail "resolvconf -a made no PvD: $(pvd resolvconf-tun.tun0)"
world_exec h env PATH="$WORLD_TMP/rcbin:$PATH" resolvconf -d tun.tun0 || world_fail "resolvconf -d failed"
gone resolvconf-tun.tun0 || world_fail "resolvconf -d left the PvD"
world_log "ok: resolvconf -a/-d through mifctl resolvconf"

kill "$OVPN_PID"
world_wait_for "PvD openvpn-tun0 deleted by the down script" 10 gone openvpn-tun0
world_log "ok: OpenVPN down script deleted the PvD"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# dhcpcd with dist/hooks/dhcp-client as its hook (60-mif, as the README
# says to install it) against dnsmasq:
#   - the real dhcpcd and dhcpcd-run-hooks; in a private mount namespace
#     (inside the world's network namespace) the hook folder, dhcpcd's
#     state and run folders and /etc/resolv.conf are the test's own, so
#     nothing of the host is read or written;
#   - RAs (radvd) make dhcpcd run its hooks too (ROUTERADVERT): they leave
#     the DHCP PvD alone;
#   - on BOUND, PvD "dhcp-eth0" has the lease's DNS server, domain and
#     search list, subnet and default route; a name under the domain
#     resolves through it; resolv.conf is untouched (nohook resolv.conf);
#   - SIGHUP (a rebind) keeps one PvD; `dhcpcd -k` releases the lease and
#     the PvD leaves.
#
#   rA:eth0 192.168.10.1 (dnsmasq: DHCP, DNS for lan.example) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig unshare nsenter
DHCPCD=$(command -v dhcpcd || true)
[ -z "$DHCPCD" ] && [ -x /usr/sbin/dhcpcd ] && DHCPCD=/usr/sbin/dhcpcd
[ -n "$DHCPCD" ] && [ -x /usr/lib/dhcpcd/dhcpcd-run-hooks ] && [ -d /usr/lib/dhcpcd/dhcpcd-hooks ] ||
	world_skip "dhcpcd is not installed (Debian: dhcpcd-base)"
HOOKS=$(cd "$(dirname "$0")/../../dist/hooks" && pwd)
world_host h
world_router rA
world_link rA eth0 h eth0
ip -n "$(world_ns rA)" addr add 192.168.10.1/24 dev eth0
SOCK="$WORLD_TMP/mifd.sock"
export MIFCTL MIF_SOCKET="$SOCK"

dns_mifd h
pvd() { world_ctl --json pvd show "$1" 2>/dev/null; }
gone() { ! pvd "$1" >/dev/null; }

mif_dnsmasq rA dhcp "interface=eth0
bind-interfaces
dhcp-range=192.168.10.100,192.168.10.150,255.255.255.0,2m
dhcp-option=option:router,192.168.10.1
dhcp-option=option:dns-server,192.168.10.1
dhcp-option=option:domain-name,lan.example
dhcp-option=option:domain-search,lan.example,corp.example"
# RAs too: dhcpcd runs the hooks for them (reason ROUTERADVERT, protocol
# ra, if_up=true), and they must not touch the DHCP PvD.
world_addr rA eth0 2001:db8:10::1/64
world_radvd rA "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	prefix 2001:db8:10::/64 { AdvOnLink on; AdvAutonomous on; }; };"
dns_dnsmasq rA dns-lan 192.168.10.1 "$(dns_auth_lines 192.168.10.1 lan.example)
host-record=www.lan.example,10.77.0.1"

# The private folders: hooks (ours, and the real resolv.conf hook that
# nohook must keep from running), state, run, resolv.conf.
d="$WORLD_TMP/dhcpcd"
mkdir -p "$d/hooks" "$d/state" "$d/run"
# dhcpcd runs its hooks with an environment of its own: tell the hook
# where this world's mifctl and mifd are, as a hook sourced before it.
printf 'MIFCTL=%q\nMIF_SOCKET=%q\nexport MIF_SOCKET\n' "$MIFCTL" "$SOCK" >"$d/hooks/00-mif-world"
cp /usr/lib/dhcpcd/dhcpcd-hooks/20-resolv.conf "$d/hooks/" 2>/dev/null || true
ln -s "$HOOKS/dhcp-client" "$d/hooks/60-mif"
printf 'nameserver 192.0.2.53\n' >"$d/resolv.conf"
cp "$d/resolv.conf" "$d/resolv.conf.orig"
cat >"$d/dhcpcd.conf" <<'EOF'
# No DHCPv6 (the RAs say neither M nor O), no link-local fallback, and
# resolv.conf left to mif.
noipv4ll
nohook resolv.conf
option domain_name_servers, domain_name, domain_search, interface_mtu
require dhcp_server_identifier
EOF
# dhcpcd in the foreground (-B), in h, in its own mount namespace; the
# world's cleanup ends it.
world_bg h dhcpcd unshare --mount sh -c '
	d=$1; shift
	mount --bind "$d/hooks" /usr/lib/dhcpcd/dhcpcd-hooks &&
	mount --bind "$d/state" /var/lib/dhcpcd &&
	mkdir -p /run/dhcpcd && mount --bind "$d/run" /run/dhcpcd &&
	mount --bind "$d/resolv.conf" /etc/resolv.conf &&
	exec "$@"' sh "$d" "$DHCPCD" -B -d -f "$d/dhcpcd.conf" -t 20 eth0
DHCPCD_PID=$WORLD_LAST_PID

lease_pvd() {
	pvd dhcp-eth0 | jq -e '(.dns.servers | map(.address) | index("192.168.10.1")) != null and
		(.dns.search | map(.domain) | index("lan.example")) != null and
		(.dns.search | map(.domain) | index("corp.example")) != null and
		(tostring | test("192\\.168\\.10\\.0/24")) and
		any(.routes[]?; .prefix == "0.0.0.0/0" and .router == "192.168.10.1")' \
		>/dev/null 2>&1
}
world_wait_for "PvD dhcp-eth0 from dhcpcd's hook" 40 lease_pvd
world_log "ok: dhcpcd BOUND: $(pvd dhcp-eth0 | jq -c '{dns: [.dns.servers[].address],
	search: [.dns.search[].domain], interfaces, routes: [.routes[].prefix]}')"
out=$(world_ctl --json resolve www.lan.example --type A) || world_fail "resolve www.lan.example: $out"
jq -e '.pvd == "dhcp-eth0" and (.answers | tostring | test("10\\.77\\.0\\.1"))' <<<"$out" >/dev/null ||
	world_fail "www.lan.example not answered through dhcp-eth0: $out"
a=$(dns_dig_short h www.lan.example A)
[ "$a" = 10.77.0.1 ] || world_fail "www.lan.example at the stub: '$a'"
cmp -s "$d/resolv.conf" "$d/resolv.conf.orig" ||
	world_fail "dhcpcd rewrote resolv.conf: $(cat "$d/resolv.conf")"
world_log "ok: www.lan.example -> $a through the PvD; resolv.conf untouched"

ra_hooked() { grep -q 'dhcpcd-run-hooks ROUTERADVERT' "$WORLD_TMP/dhcpcd.log"; }
world_wait_for "dhcpcd ran its hooks for an RA" 20 ra_hooked
lease_pvd || world_fail "dhcp-eth0 changed by an RA's hook run: $(pvd dhcp-eth0 | jq -c .dns)"
world_log "ok: ROUTERADVERT hook runs leave dhcp-eth0 alone"
# The domain name is the first search domain too: given once.
pvd dhcp-eth0 | jq -e '[.dns.search[].domain] == ["lan.example", "corp.example"]' >/dev/null ||
	world_fail "dhcp-eth0's domains: $(pvd dhcp-eth0 | jq -c '[.dns.search[].domain]')"
# SIGHUP rebinds (dhcpcd 9: hook reason RECONFIGURE, then RENEW): the PvD
# stays, one of it.
# A loaded machine: dhcpcd still announcing its address (RFC 5227) may
# not act on the first signal; a second one, once, after 15 s.
hup_at=$(wc -l <"$WORLD_TMP/dhcpcd.log")
renewed() {   # read whole first: grep -q's early exit is no SIGPIPE under pipefail
	local after
	after=$(tail -n +"$((hup_at + 1))" "$WORLD_TMP/dhcpcd.log")
	grep -Eq 'dhcpcd-run-hooks (RENEW|REBIND|REBOOT|BOUND)$' <<<"$after"
}
kill -HUP "$DHCPCD_PID" 2>/dev/null || world_fail "dhcpcd is not running"
for ((i = 0; i < 150; i++)); do renewed && break; sleep 0.1; done
if ! renewed; then
	world_log "no rebind 15 s after SIGHUP: a second SIGHUP"
	kill -HUP "$DHCPCD_PID" 2>/dev/null || world_fail "dhcpcd is not running"
	world_wait_for "dhcpcd rebound after SIGHUP" 20 renewed
fi
lease_pvd || world_fail "dhcp-eth0 lost after the rebind"
[ "$(world_ctl --json pvd list | jq '[.[] | select(.id == "dhcp-eth0")] | length')" = 1 ] ||
	world_fail "the rebind left more than one dhcp-eth0"
world_log "ok: SIGHUP (rebind): one dhcp-eth0, unchanged"
# Release: `dhcpcd -k eth0`, run in dhcpcd's mount namespace (its control
# socket is in the private /run/dhcpcd): dhcpcd sends a DHCPRELEASE and
# runs the hook with reason STOP (if_down=true), and the PvD goes.
# dhcpcd -k waits a few seconds for the daemon to exit; under load (the
# ASan world run of make check) the release's hook may take longer, and it
# says "failed to exit" although the release goes on: the PvD's departure
# below is what counts.
if ! world_exec h nsenter -t "$DHCPCD_PID" -m "$DHCPCD" -k eth0 >>"$WORLD_TMP/dhcpcd-k.log" 2>&1; then
	grep -q "failed to exit" "$WORLD_TMP/dhcpcd-k.log" ||
		world_fail "dhcpcd -k failed: $(cat "$WORLD_TMP/dhcpcd-k.log")"
	world_log "(dhcpcd -k stopped waiting for the daemon to exit; the release goes on)"
fi
world_wait_for "PvD dhcp-eth0 deleted on release" 20 gone dhcp-eth0
grep -q 'DHCPRELEASE' "$WORLD_TMP/dnsmasq-dhcp.log" ||
	world_fail "dnsmasq saw no DHCPRELEASE"
world_log "ok: dhcpcd released the lease: PvD dhcp-eth0 gone"
world_pass

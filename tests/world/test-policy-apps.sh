#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The current-practices applications of issue 14, each checked on the wire
# (doc/policy.md): four unmodified, statically linked programs, each in a
# cgroup of its own, steered by policy files of two actors:
#   - an MMS-like application that must use the operator's (cellular)
#     network: an operator rule, "require = type:cellular";
#   - a browser that prefers Wi-Fi: a user rule, "prefer = type:wifi";
#   - a corporate application that must use the VPN: a user rule,
#     "require = net:office" (a destination network whose member is the VPN);
#   - bulk traffic that avoids the metered network (and the corporate
#     tunnel): a user rule, "avoid = metered type:vpn". Soft: with Wi-Fi gone
#     it still uses the cellular network;
#   - a conflict: the user would rather send MMS over Wi-Fi; the operator's
#     constraint holds and `policy explain` reports it.
# Only rules whose only selector is the cgroup (or only a destination) are
# enforced in the kernel for programs that do not ask (doc/policy.md "What
# the kernel enforces"), so every rule here is written that way.
#
#   r1 (Wi-Fi: DHCPv4 192.168.50.0/24)     -- h:wlan0; r1 -- swifi (10.99.0.1)
#   r2 (cellular: DHCPv4 192.168.60.0/24)  -- h:wwan0; r2 -- scell (10.99.0.1)
#   vpnend (10.8.0.1)                      -- h:tun0 (10.8.0.2, a split-tunnel
#                                             VPN for 10.99.0.0/24); vpnend -- svpn
# The same server address, 10.99.0.1, behind every network: each server is
# mif-whoami and answers with its name and the source address it saw, which
# tells the network the connection went through. Programs that no rule
# steers go through the VPN (its route for 10.99.0.0/24 is the most
# specific); a dst-only rule then sends those over Wi-Fi.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/cgroup.sh"

world_init
world_require jq nft cc dnsmasq
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI must be set (tests/world/meson.build)"

# The cgroup v2 hierarchy and four cgroups of the test's own below the
# test's cgroup (as test-steer-cgroup.sh).
cg_root || world_skip "no cgroup v2 hierarchy mounted"
for app in browser mms bulk corp; do
	cg_make "$app" || world_skip "cannot create a cgroup under $CGROOT$CG_OWN"
done
REL="${CG_OWN#/}"
REL="${REL:+$REL/}mw$$"      # each application's cgroup is $REL-NAME
cg_tcpget || world_skip "cannot link a static program (no libc.a): $(cat "$WORLD_TMP/tcpget-cc.log")"

# net ROUTER HOST_IF SERVER NAME ROUTER_ADDR: a router to h and, behind it,
# a server at 10.99.0.1 answering "NAME <peer>".
net() {
	local r=$1 hif=$2 s=$3 name=$4 addr=$5
	world_router "$r"
	world_sysctl "$r" net.ipv4.ip_forward=1
	world_host "$s"
	world_link "$r" eth0 h "$hif"
	world_link "$r" eth1 "$s" eth0
	ip -n "$(world_ns "$r")" addr add "$addr" dev eth0
	ip -n "$(world_ns "$r")" addr add 10.99.0.254/24 dev eth1
	ip -n "$(world_ns "$s")" addr add 10.99.0.1/24 dev eth0
	ip -n "$(world_ns "$s")" route add default via 10.99.0.254
	world_bg "$s" "whoami-$name" "$MIF_WHOAMI" -n "$name" -p 8080 -4
}
world_host h
net r1 wlan0 swifi server-wifi 192.168.50.1/24
net r2 wwan0 scell server-cell 192.168.60.1/24
net vpnend tun0 svpn server-vpn 10.8.0.1/24
H=$(world_ns h)
ip -n "$H" addr add 10.8.0.2/24 dev tun0
for n in 1:50 2:60; do
	mif_dnsmasq "r${n%%:*}" "net${n%%:*}" "interface=eth0
bind-interfaces
dhcp-range=192.168.${n##*:}.100,192.168.${n##*:}.150,255.255.255.0,10m
dhcp-option=option:router,192.168.${n##*:}.1"
done

P="$WORLD_TMP/policy.d"
mkdir -p "$P"
cat >"$P/20-operator.conf" <<CONF
[policy]
actor = operator

# The operator's MMS client must use the operator's network.
[rule mms]
cgroup = /$REL-mms
require = type:cellular
CONF
cat >"$P/50-user.conf" <<CONF
[policy]
actor = user

[network office]
member = pvd:vpn

[rule browser]
cgroup = /$REL-browser
prefer = type:wifi

# I would rather send MMS over Wi-Fi (the operator says no).
[rule mms-over-wifi]
cgroup = /$REL-mms
prefer = type:wifi

[rule corp]
cgroup = /$REL-corp
require = net:office

# Backups: not over the metered network, nor through the office tunnel.
[rule bulk]
cgroup = /$REL-bulk
avoid = metered type:vpn
CONF
printf '[mifd]\npolicy_dir = %s\n' "$P" >"$WORLD_TMP/mifd.conf"

WORLD_MIFD_CGROUP=1 world_mifd h --config "$WORLD_TMP/mifd.conf" --dhcp4 wlan0 --dhcp4 wwan0
mif_expect "two leases (Wi-Fi and cellular)" 20 \
	'length == 2 and all(.[]; .dhcpv4.state == "bound")'
world_ctl pvd add vpn --interface tun0 --route 10.99.0.0/24,via=10.8.0.1 >/dev/null
mif_expect "three PvDs" 10 'length == 3'
WIFI=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
CELL=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wwan0"]) | .id')
ready() { world_ctl --json steer show | jq -e .ready >/dev/null; }
world_wait_for "mifd's nftables table" 10 ready

# steered APP PVD: the policy's entry for the app's cgroup is in force.
steered() {
	world_ctl --json steer show | jq -e --arg p "$REL-$1" --arg b "$2" \
		'any(.policy_cgroups[]; .cgroup == $p and .pvd == $b and .in_force and .error == null)' \
		>/dev/null
}
for x in "browser:$WIFI" "mms:$CELL" "bulk:$WIFI" "corp:vpn"; do
	world_wait_for "$x steered" 10 steered "${x%%:*}" "${x#*:}"
done
world_log "policy cgroups: $(world_ctl --json steer show | jq -c '[.policy_cgroups[] | {cgroup: (.cgroup | split("/") | last), pvd}]')"

# app NAME: tcpget to 10.99.0.1 in the app's cgroup (joined before entering
# h: kept across exec); none: in the test's own cgroup (no rule).
app() {
	if [ "$1" = none ]; then
		world_exec h timeout 8 "$WORLD_TMP/tcpget" 10.99.0.1 8080 2>&1 || true
		return
	fi
	cg_run "$CGROOT/$REL-$1" h timeout 8 "$WORLD_TMP/tcpget" 10.99.0.1 8080 2>&1 || true
}
# expect APP SERVER PREFIX: the server that answered, and the source it saw.
expect() {
	local got
	got=$(app "$1")
	case "$got" in
	"$2 $3"*) world_log "ok - $1 -> '$got'" ;;
	*) world_fail "$1 -> '$got', want '$2 $3...' ($(world_ctl --json steer show | jq -c .policy_cgroups))" ;;
	esac
}

# 1. Unsteered, the split tunnel's route wins; each application goes where
# its rule says.
expect none server-vpn 10.8.0.2
expect browser server-wifi 192.168.50.
expect mms server-cell 192.168.60.
expect bulk server-wifi 192.168.50.
expect corp server-vpn 10.8.0.2

# 2. The conflict: the operator's constraint beats the user's preference
# for MMS, reported by explain (and the wire above: cellular).
out=$(world_ctl --json policy explain --cgroup "/$REL-mms" --dst 10.99.0.1 --proto tcp --port 8080)
printf '%s' "$out" | world_jq --arg c "$CELL" --arg w "$WIFI" '
	[.permitted[].pvd] == [$c] and
	any(.excluded[]; .pvd == $w and (.by | test("^operator rule mms "))) and
	any(.conflicts[]; (.loser | test("^user rule mms-over-wifi")) and
	    (.winner | test("^operator rule mms ")) and .pvd == $w)' >/dev/null
world_log "ok - conflict: $(printf '%s' "$out" | jq -r '.conflicts[0].why')"
world_ctl policy explain --cgroup "/$REL-mms" --dst 10.99.0.1 --proto tcp --port 8080 |
	sed 's/^/    /'

# 3. A dst-only rule (routing rules, for every program that does not ask):
# the office network's servers are reached over Wi-Fi by unsteered
# programs. The corporate application still goes through the VPN: its
# rule, not the route, put it there.
cat >"$P/60-user-office.conf" <<'CONF'
[policy]
actor = user
[rule office-direct]
dst = 10.99.0.0/24
prefer = type:wifi
CONF
world_ctl policy reload >/dev/null || world_fail "policy reload failed"
dest_in_force() {
	world_ctl --json policy show | jq -e '.destinations | length == 1' >/dev/null
}
world_wait_for "the dst rule in force" 10 dest_in_force
prio=$(world_ctl --json status | jq -r '.routing.priority_base // 10000')
ip -n "$H" rule | grep -E "^$((prio + 251)):.*to 10.99.0.0/24" >/dev/null ||
	world_fail "no routing rule for 10.99.0.0/24: $(ip -n "$H" rule)"
world_log "ok - $(ip -n "$H" rule | grep -E "^$((prio + 251)):")"
expect none server-wifi 192.168.50.
expect corp server-vpn 10.8.0.2
expect mms server-cell 192.168.60.

# 4. Wi-Fi gone: the browser and bulk traffic fall back to the cellular
# network (bulk's "avoid" is a preference: with no unavoided network left,
# the avoided ones in order); MMS and the VPN stay.
ip -n "$H" link set wlan0 down
mif_expect "the Wi-Fi PvD gone" 15 'length == 2'
world_wait_for "bulk steered to cellular" 10 steered bulk "$CELL"
world_wait_for "browser steered to cellular" 10 steered browser "$CELL"
out=$(world_ctl --json policy explain --cgroup "/$REL-bulk" --dst 10.99.0.1)
printf '%s' "$out" | world_jq --arg c "$CELL" '[.permitted[].pvd] == [$c, "vpn"] and
	any(.matched[]; .rule == "bulk")' >/dev/null
world_log "ok - bulk without Wi-Fi: $(printf '%s' "$out" | jq -c '[.permitted[] | {pvd, metered, rank}]'); $(printf '%s' "$out" | jq -r .why)"
expect bulk server-cell 192.168.60.
expect browser server-cell 192.168.60.
expect mms server-cell 192.168.60.
expect corp server-vpn 10.8.0.2
world_pass

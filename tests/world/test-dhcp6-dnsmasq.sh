#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Stateful DHCPv6 against dnsmasq: radvd sets the M flag with no
# autonomous prefix; mifd gets an IA_NA address from dnsmasq's range, files
# it into the PvD with its lifetimes, Renews it at T1 (dnsmasq: half the
# 120 s lease) and, restarted, Confirms the kept lease (RFC 8415 18.2.3)
# and keeps the same address. dnsmasq does not delegate prefixes: mifd
# asks for IA_PD too (a downstream interface is configured), dnsmasq
# answers without one, and the address is bound all the same.
#
#   r1 (radvd M=1, dnsmasq DHCPv6 stateful) -- h:eth0   h:eth1 (downstream, unused)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq radvd
world_router r1
world_host h
world_host d
world_link r1 eth0 h eth0
world_link h eth1 d eth0
world_addr r1 eth0 2001:db8:30::1/64
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvManagedFlag on; AdvOtherConfigFlag on;
	prefix 2001:db8:30::/64 { AdvOnLink on; AdvAutonomous off; }; };"
world_lla r1 eth0 >/dev/null
mif_dnsmasq r1 v6 "interface=eth0
bind-interfaces
dhcp-range=2001:db8:30::100,2001:db8:30::1ff,64,2m
dhcp-option=option6:dns-server,[2001:db8:30::53]"

STATE="$WORLD_TMP/state"
world_mifd h --state-dir "$STATE" --dhcp6-pd-downstream eth1
E0=$(mif_pvd_on eth0)
mif_expect "an IA_NA address from dnsmasq in the PvD" 30 \
	"($E0 | length) == 1 and $E0[0].dhcpv6.state == \"bound\" and ($E0[0].dhcpv6.addresses | length) == 1"
pvd=$(mif_pvds | jq "$E0[0]")
ADDR=$(jq -r '.dhcpv6.addresses[0].address' <<<"$pvd")
[[ $ADDR == 2001:db8:30::1?? ]] || world_fail "address $ADDR not from dnsmasq's range"
jq -e --arg a "$ADDR" '.dhcpv6.addresses[0].valid_lifetime == 120 and .dhcpv6.t1 == 60
	and (.dhcpv6.delegated_prefixes | length) == 0
	and ([.prefixes[] | select(.source == "dhcpv6") | .prefix] | index($a + "/128") != null)
	and ([.dns.servers[].address] | index("2001:db8:30::53") != null)' <<<"$pvd" >/dev/null ||
	world_fail "the PvD lacks the lease's details: $pvd"
has_addr() { world_exec h ip -6 addr show dev eth0 | grep -q "inet6 $ADDR/128"; }
world_wait_for "$ADDR on h:eth0" 5 has_addr
grep -q "DHCPREPLY(eth0) $ADDR" "$WORLD_TMP/dnsmasq-v6.log" ||
	world_fail "dnsmasq logged no reply with $ADDR"
world_log "ok: IA_NA $ADDR from dnsmasq (no prefix delegated: dnsmasq has none to give)"

# T1 is 60 s: one Renew.
renewed() { mif_status | jq -e '.dhcp.dhcpv6[0].counters.renews >= 1 and .dhcp.dhcpv6[0].state == "bound"' >/dev/null; }
world_wait_for "a Renew answered by dnsmasq" 80 renewed
grep -q "DHCPRENEW(eth0)" "$WORLD_TMP/dnsmasq-v6.log" || world_fail "dnsmasq saw no Renew"
world_log "ok: renewed at T1"

# A restart Confirms the kept lease: the same address.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
gone() { ! has_addr; }
world_wait_for "the address removed at stop" 5 gone
world_mifd h --state-dir "$STATE" --dhcp6-pd-downstream eth1
mif_expect "after a restart: the same address" 20 \
	"$E0[0].dhcpv6.state == \"bound\" and $E0[0].dhcpv6.addresses[0].address == \"$ADDR\""
world_wait_for "$ADDR back on h:eth0" 5 has_addr
grep -q "reusing the kept lease (Confirm)" "$WORLD_TMP/mifd.log" ||
	world_fail "the restart did not Confirm the kept lease"
grep -q "DHCPCONFIRM(eth0)" "$WORLD_TMP/dnsmasq-v6.log" || world_fail "dnsmasq saw no Confirm"
mif_status | jq -e '.dhcp.dhcpv6[0].counters.confirms >= 1 and .dhcp.dhcpv6[0].counters.solicits == 0' \
	>/dev/null || world_fail "the restart solicited instead of confirming"
world_log "ok: restart confirmed $ADDR"

# A link change (carrier lost and back): Confirm again (18.2.12), same address.
n0=$(mif_status | jq '.dhcp.dhcpv6[0].counters.confirms')
world_exec h ip link set eth0 down
world_wait_for "the address removed with the link" 5 gone
world_exec h ip link set eth0 up
mif_expect "after the link came back: the same address" 20 \
	"$E0[0].dhcpv6.state == \"bound\" and $E0[0].dhcpv6.addresses[0].address == \"$ADDR\""
world_wait_for "$ADDR back on h:eth0 after the link change" 5 has_addr
mif_status | jq -e ".dhcp.dhcpv6[0].counters.confirms > 0 and .dhcp.dhcpv6[0].counters.solicits == 0" \
	>/dev/null || world_fail "the link change did not Confirm (confirms before: $n0)"
[ "$(grep -c 'reusing the kept lease (Confirm)' "$WORLD_TMP/mifd.log")" = 2 ] ||
	world_fail "the link change did not reuse the kept lease"
world_log "ok: link change confirmed $ADDR"

# Someone else takes the address while mifd is stopped: at the next start
# the kernel's DAD fails on it; mifd Declines it (18.2.8) and gets another.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
# nodad: r1 holds it at once (a tentative one would lose DAD to h's instead).
world_addr r1 eth0 "$ADDR/64"
world_mifd h --state-dir "$STATE" --dhcp6-pd-downstream eth1
declined() { mif_status | jq -e '.dhcp.dhcpv6[0].counters.declines == 1' >/dev/null; }
world_wait_for "the duplicate address declined" 20 declined
mif_expect "a new address after the Decline" 30 \
	"$E0[0].dhcpv6.state == \"bound\" and ($E0[0].dhcpv6.addresses | length) == 1
	 and $E0[0].dhcpv6.addresses[0].address != \"$ADDR\""
grep -q "DHCPDECLINE(eth0)" "$WORLD_TMP/dnsmasq-v6.log" || world_fail "dnsmasq saw no Decline"
grep -q "is a duplicate: declining it" "$WORLD_TMP/mifd.log" || world_fail "no log line for the Decline"
world_exec h ip -6 addr show dev eth0 | grep -q "inet6 $ADDR/128" &&
	world_fail "the declined address is still on h:eth0"
world_log "ok: duplicate $ADDR declined, now $(mif_pvds | jq -r "$E0[0].dhcpv6.addresses[0].address")"
world_pass

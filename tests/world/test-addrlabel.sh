#!/bin/bash
# SPDX-License-Identifier: MIT
#
# RFC 7078 for programs that do not ask (doc/policy.md, "RFC 7078 in the
# kernel"): N1's address selection table (DHCPv6 option 84 from dnsmasq)
# becomes kernel address labels scoped to N1's interface; N2's interface
# gets none; the labels go at a clean stop.
#
#   r1 -- h:eth0   N1: radvd, 2001:db8:1::/64 and the ULA fd00:1::/64, O=1;
#                  dnsmasq DHCPv6 stateless with option 84: 2001:db8:99::/64
#                  label 7, fd00:1::/64 label 7, ::/0 label 1 (use the ULA
#                  source for the internal server); r1 -- s (2001:db8:99::1,
#                  whoami "srv")
#   r2 -- h:wlan0  N2: radvd, 2001:db8:2::/64, no DHCPv6
# Checked: before mifd, TCP to 2001:db8:99::1 goes from the global address
# (the kernel's default labels); with mifd, `ip addrlabel` holds N1's rows
# on eth0 only (and the default rows shadowed there), the PvD JSON says
# how many the kernel acknowledged, and TCP goes from the ULA; after a
# clean stop, no row of eth0 is left.
# Restart without amnesia (issue 17): mifd, killed with kill -9 while its
# rows are in, is started again after N1 stopped sending option 84 (dnsmasq
# restarted without it); the rows the killed mifd left on eth0 go within a
# few seconds (counted from the kernel's acknowledgements), while a row an
# administrator put on an interface mifd does not manage (adm0, one end of a veth pair)
# and the node-wide rows stay as they were.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/addrsel.sh"

world_init
world_require jq dnsmasq radvd nc
world_host h
world_router r2
world_link r2 eth0 h wlan0
world_addr r2 eth0 2001:db8:2::1/64
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"
# Option 84: flags 0; option 85 rows (label, precedence, prefix-len, prefix).
row1=00:55:00:0b:07:32:40:20:01:0d:b8:00:99:00:00   # 2001:db8:99::/64 label 7
row2=00:55:00:0b:07:32:40:fd:00:00:01:00:00:00:00   # fd00:1::/64 label 7
row3=00:55:00:03:01:28:00                           # ::/0 label 1
addrsel_net r1 eth0 s srv 2001:db8:1 fd00:1 2001:db8:99 "00:$row1:$row2:$row3" \
	"AdvDefaultPreference high;"
dnsmasq_pid=$WORLD_LAST_PID
# An interface mifd does not manage (-i eth0,wlan0), with an administrator's row.
world_exec h ip link add adm0 type veth peer name adm1
world_exec h ip link set adm0 up
world_exec h ip -6 addrlabel add prefix 2001:db8:77::/64 dev adm0 label 77
nodewide() { world_exec h ip -6 addrlabel list | grep -v ' dev ' | sort; }
nodewide0=$(nodewide)

src_seen() {   # the source address the server saw for a TCP connection from h
	world_exec h nc -6 -w 3 2001:db8:99::1 8080 </dev/null 2>/dev/null | awk '{ print $2 }' || true
}
world_wait_for "both addresses on eth0" 20 sh -c "ip -n $(world_ns h) -6 -o addr show dev eth0 scope global -tentative | grep -q ' fd00:1:' && ip -n $(world_ns h) -6 -o addr show dev eth0 scope global -tentative | grep -q ' 2001:db8:1:'"
world_wait_for "a default route" 10 sh -c "ip -n $(world_ns h) -6 route show default | grep -q eth0"
before=$(src_seen)
case "$before" in 2001:db8:1:*) ;; *) world_fail "before mifd the source was '$before', not N1's global address" ;; esac
world_log "ok - without mifd: from $before (the kernel's default labels)"

world_mifd h -i eth0,wlan0
E0="($(mif_pvd_on eth0) | map(select(.dhcpv6.address_selection_kernel))[0])"
mif_expect "N1's table acknowledged by the kernel on eth0" 30 \
	"$E0.dhcpv6.address_selection_kernel.applied >= 3
	 and $E0.dhcpv6.address_selection_kernel.applied == $E0.dhcpv6.address_selection_kernel.rows_total"
labels=$(world_exec h ip -6 addrlabel list)
world_log "addrlabel: $(tr '\n' ';' <<<"$labels")"
grep -q "prefix 2001:db8:99::/64 dev eth0 label 7" <<<"$labels" || world_fail "no row for 2001:db8:99::/64 on eth0"
grep -q "prefix fd00:1::/64 dev eth0 label 7" <<<"$labels" || world_fail "no row for fd00:1::/64 on eth0"
grep -q "prefix ::/0 dev eth0 label 1" <<<"$labels" || world_fail "no row for ::/0 on eth0"
grep -q "fc00::/7 dev eth0 label 1" <<<"$labels" || world_fail "the default fc00::/7 row is not shadowed on eth0"
if grep -q "dev wlan0" <<<"$labels"; then world_fail "N2's interface got rows: $labels"; fi
world_log "ok - N1's rows on eth0 only, the defaults shadowed there; none on wlan0"
id=$(mif_pvds | jq -r "$E0.id")
n=$(mif_pvds | jq -r "$E0.dhcpv6.address_selection_kernel.applied")
world_ctl pvd show "$id" | grep -q "address selection (RFC 7078): $n of $n label rows applied" ||
	world_fail "mifctl pvd show: $(world_ctl pvd show "$id")"
world_wait_for "TCP to 2001:db8:99::1 from N1's ULA" 15 sh -c \
	"ip netns exec $(world_ns h) nc -6 -w 3 2001:db8:99::1 8080 </dev/null | grep -q '^srv fd00:1:'"
world_log "ok - with mifd: from $(src_seen) (N1's table, label 7)"

kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
labels=$(world_exec h ip -6 addrlabel list)
if grep -q "dev eth0" <<<"$labels"; then world_fail "rows left after the stop: $labels"; fi
world_log "ok - a clean stop leaves no row"

# ---- kill -9 with the rows in, then a restart without option 84 ----
world_mifd h -i eth0,wlan0
mif_expect "N1's table acknowledged again" 30 \
	"$E0.dhcpv6.address_selection_kernel.applied >= 3
	 and $E0.dhcpv6.address_selection_kernel.applied == $E0.dhcpv6.address_selection_kernel.rows_total"
kill -KILL "$WORLD_MIFD_PID"
world_wait_for "mifd killed" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
left=$(world_exec h ip -6 addrlabel list | grep -c " dev eth0 " || true)
[ "$left" -ge 3 ] || world_fail "kill -9 left $left rows on eth0, expected the table's"
world_log "ok - kill -9 left $left rows on eth0"
# N1 no longer sends a table: the same server, without option 84.
kill -TERM "$dnsmasq_pid"
world_wait_for "dnsmasq stopped" 10 bash -c "! kill -0 $dnsmasq_pid 2>/dev/null"
mif_dnsmasq r1 v6-r1-no84 "interface=eth0
bind-interfaces
dhcp-range=::,static
dhcp-option=option6:dns-server,[2001:db8:1::53]"
t0=$(date +%s%3N)
world_mifd h -i eth0,wlan0
world_wait_for "the rows the killed mifd left on eth0 removed" 10 bash -c \
	"! ip -n $(world_ns h) -6 addrlabel list | grep -q ' dev eth0 '"
t1=$(date +%s%3N)
world_log "ok - $left stale rows gone $((t1 - t0)) ms after the restart"
mif_expect "N1's DHCPv6 answered, without a table" 30 \
	"$(mif_pvd_on eth0) | map(select(.dhcpv6.state == \"done\"
	   and .dhcpv6.address_selection_policy == null)) | length >= 1"
removed_ok() {
	mif_status | jq -e ".routing.addrlabels.earlier_found == $left and
		.routing.addrlabels.earlier_removed == $left" >/dev/null
}
world_wait_for "the removals counted from the kernel's acknowledgements" 10 removed_ok
labels=$(world_exec h ip -6 addrlabel list)
if grep -q " dev eth0 " <<<"$labels"; then world_fail "rows on eth0 came back: $labels"; fi
grep -q "prefix 2001:db8:77::/64 dev adm0 label 77" <<<"$labels" ||
	world_fail "the administrator's row on adm0 is gone: $labels"
[ "$(nodewide)" = "$nodewide0" ] || world_fail "the node-wide rows changed: $(nodewide)"
world_log "ok - the row on adm0 (unmanaged) and the node-wide rows stay"
world_pass

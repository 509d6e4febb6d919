#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Stateful DHCPv6 (RFC 8415) against ISC Kea: network A's RA has the M
# flag and no autonomous prefix; mifd gets an address (IA_NA) and a /56
# (IA_PD) from Kea, files both into A's PvD with their lifetimes, numbers
# its downstream interface from the /56 and advertises it there; a host
# behind it reaches the server of network A through A although network B
# (SLAAC) is the default. Then: a Renew at T1, a Rebind at T2 while Kea is
# down, two Reconfigures without valid authentication ignored, a restart
# of mifd keeping the same address and prefix (the lease file), a corrupt
# lease file ignored, and the M flag cleared: Release, the downstream
# prefix withdrawn.
#
#   sA (server-A) -- rA (radvd M=1, Kea) -- h:eth0   h:eth1 -- d (downstream host)
#   sB (server-B) -- rB (radvd SLAAC)    -- h:eth2
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd dnsmasq kea-dhcp6 python3
world_host h
WORLD_NET_HOST=h
# h routes for its downstream network (the operator's part, README).
world_sysctl h net.ipv6.conf.all.forwarding=1
mif_net B rB eth2 20
# A forwarding host ignores RAs unless accept_ra is 2: B's SLAAC address.
world_sysctl h net.ipv6.conf.eth2.accept_ra=2

world_router rA
world_host sA
world_host d
world_link rA eth0 h eth0
world_link rA eth1 sA eth0
world_link h eth1 d eth0
world_addr rA eth0 2001:db8:10::1/64
world_addr rA eth1 2001:db8:99::fe/64
world_addr sA eth0 2001:db8:99::1/64
ip -n "$(world_ns sA)" -6 route add default via 2001:db8:99::fe
world_bg sA whoami-A "$MIF_WHOAMI" -n server-A -p 8080
world_radvd rA "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvManagedFlag on; AdvOtherConfigFlag on; AdvDefaultLifetime 600;
	prefix 2001:db8:10::/64 { AdvOnLink on; AdvAutonomous off; }; };"
radvdA=$WORLD_LAST_PID
# Kea routes nothing: rA sends the delegated pool back to h.
H_LLA=$(world_lla h eth0)
ip -n "$(world_ns rA)" -6 route add 2001:db8:f000::/48 via "$H_LLA" dev eth0
world_lla rA eth0 >/dev/null

mkdir -p "$WORLD_TMP/kea"
cat >"$WORLD_TMP/kea/kea6.json" <<JSON
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "eth0" ] },
  "server-id": { "type": "LLT", "persist": false },
  "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0,
                      "name": "$WORLD_TMP/kea/leases6.csv" },
  "renew-timer": 10, "rebind-timer": 20, "preferred-lifetime": 40, "valid-lifetime": 60,
  "subnet6": [ { "id": 1, "subnet": "2001:db8:10::/64", "interface": "eth0",
    "pools": [ { "pool": "2001:db8:10::100-2001:db8:10::1ff" } ],
    "pd-pools": [ { "prefix": "2001:db8:f000::", "prefix-len": 48, "delegated-len": 56 } ],
    "option-data": [ { "name": "dns-servers", "data": "2001:db8:10::53" } ] } ],
  "loggers": [ { "name": "kea-dhcp6", "severity": "DEBUG", "debuglevel": 99,
                 "output_options": [ { "output": "$WORLD_TMP/kea/kea.log" } ] } ]
} }
JSON
kea_start() {
	world_bg rA kea env KEA_PIDFILE_DIR="$WORLD_TMP/kea" KEA_LOCKFILE_DIR="$WORLD_TMP/kea" \
		kea-dhcp6 -c "$WORLD_TMP/kea/kea6.json"
	KEA_PID=$WORLD_LAST_PID
}
kea_stop() {
	kill "$KEA_PID"
	world_wait_for "Kea stopped" 10 bash -c "! kill -0 $KEA_PID 2>/dev/null"
}
kea_start

STATE="$WORLD_TMP/state"
printf '[mifd]\nstate_dir = %s\ndhcp6_pd_downstream = eth1\n[routing]\ndefault_order = eth2 eth0\n' \
	"$STATE" >"$WORLD_TMP/mifd.conf"
world_mifd h -c "$WORLD_TMP/mifd.conf"

A=$(mif_pvd_on eth0)
mif_expect "A's PvD holds an IA_NA address and a delegated /56" 30 \
	"($A | length) == 1 and $A[0].dhcpv6.state == \"bound\"
	 and ($A[0].dhcpv6.addresses | length) == 1 and ($A[0].dhcpv6.delegated_prefixes | length) == 1"
pvdA=$(mif_pvds | jq "$A[0]")
ADDR=$(jq -r '.dhcpv6.addresses[0].address' <<<"$pvdA")
PFX=$(jq -r '.dhcpv6.delegated_prefixes[0].prefix' <<<"$pvdA")
SUB=$(jq -r '.dhcpv6.delegated_prefixes[0].downstream[0].prefix' <<<"$pvdA")
world_log "A: address $ADDR, delegated $PFX, numbered $SUB on eth1"
jq -e --arg a "$ADDR" --arg p "$PFX" '
	(.dhcpv6.addresses[0] | .valid_lifetime == 60 and .preferred_lifetime == 40
	 and .valid_in <= 60 and .valid_in > 0)
	and (.dhcpv6.delegated_prefixes[0] | .valid_lifetime == 60 and (.prefix | endswith("/56"))
	     and .downstream[0].interface == "eth1")
	and .dhcpv6.t1 == 10 and .dhcpv6.t2 == 20 and .dhcpv6.mode == "stateful"
	and ([.prefixes[] | select(.source == "dhcpv6") | .prefix] | index($a + "/128") != null
	     and index($p) != null)
	and ([.dns.servers[].address] | index("2001:db8:10::53") != null)' <<<"$pvdA" >/dev/null ||
	world_fail "A's PvD lacks the lease's details: $pvdA"
[[ $ADDR == 2001:db8:10::1?? ]] || world_fail "address $ADDR not from Kea's pool"
[[ $PFX == 2001:db8:f000:*/56 ]] || world_fail "prefix $PFX not from Kea's pd-pool"
SUB1=${SUB%/64}1
has_addr() { world_exec h ip -6 addr show dev "$1" | grep -q "inet6 $2 "; }
world_wait_for "$ADDR on h:eth0" 5 has_addr eth0 "$ADDR/128"
world_wait_for "$SUB1/64 on h:eth1" 5 has_addr eth1 "$SUB1/64"
show=$(world_ctl pvd show "$(jq -r .id <<<"$pvdA")")
grep -Eq "address $ADDR +preferred 40s valid 60s" <<<"$show" &&
	grep -Eq "delegated $PFX +preferred 40s valid 60s" <<<"$show" &&
	grep -q "downstream $SUB on eth1" <<<"$show" ||
	world_fail "mifctl pvd show lacks the lease: $show"
world_ctl status | grep -Eq "^  delegated prefix $PFX valid [0-9]+s left" ||
	world_fail "mifctl status lacks the delegated prefix: $(world_ctl status)"
world_log "ok: IA_NA and IA_PD from Kea filed into A's PvD, the /56 numbered on eth1"

# The host behind h forms an address from our RA and reaches server-A
# through A, though B is the default PvD.
d_addr() { world_exec d ip -6 -o addr show dev eth0 scope global -tentative | awk '{print $4}' | grep -q "^${SUB%::/64}:"; }
world_wait_for "d forms an address in $SUB from h's RA" 20 d_addr
world_wait_for "d has a default route through h" 10 \
	bash -c "ip -n $(world_ns d) -6 route show default | grep -q 'dev eth0'"
TA=$(mif_status | jq -r --arg id "$(jq -r .id <<<"$pvdA")" '.routing.tables[] | select(.pvd == $id) | .table')
rule_ok() { world_exec h ip -6 rule show | grep -Eq "from $PFX .*lookup $TA"; }
world_wait_for "a rule sends $PFX to A's table $TA" 5 rule_ok
# The route is written after the rule (it may also be rewritten when the
# routing plan changes): wait for it as for the rule.
sub_ok() { world_exec h ip -6 route show table "$TA" | grep "^${SUB} dev eth1" ||
	{ world_exec h ip -6 route show table "$TA"; false; }; }
world_wait_for "A's table $TA to have $SUB on eth1" 5 sub_ok
got=$(mif_probe h -d 2001:db8:99::1 || true)
[ "$got" = server-B ] || world_fail "B is not the default PvD (got $got): $(mif_status | jq -c .routing) $(world_exec h ip -6 rule) $(world_exec h ip -6 route show table all | grep -v ^local)"
probe_d() { [ "$(mif_probe d -d 2001:db8:99::1 || true)" = server-A ]; }
world_wait_for "the downstream host reaches server-A through A" 5 probe_d
world_log "ok: the downstream host reaches server-A through the delegating PvD (default: B)"

# Renew at T1 (10 s).
renews() { mif_status | jq -e ".dhcp.dhcpv6[] | select(.interface == \"eth0\") | .counters.renews >= $1" >/dev/null; }
world_wait_for "a Renew answered by Kea" 25 renews 1
world_log "ok: renewed"

# Kea goes away: Renew fails, Rebind at T2; two Reconfigures that are not
# authenticated are ignored meanwhile; Kea back: the Rebind is answered.
kea_stop
in_state() { mif_status | jq -e ".dhcp.dhcpv6[] | select(.interface == \"eth0\") | .state == \"$1\"" >/dev/null; }
world_wait_for "rebinding after T2" 30 in_state rebinding
MAC=$(world_exec h cat /sys/class/net/eth0/address)
world_exec rA python3 - "$H_LLA" "$MAC" <<'PY'
import socket, struct, sys
lla, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', ''))
def opt(c, d): return struct.pack('>HH', c, len(d)) + d
cid = opt(1, b'\x00\x03\x00\x01' + mac)
sid = opt(2, b'\x00\x03\x00\x01\x02\x00\x00\x00\x00\x99')
auth = opt(11, bytes([3, 1, 0]) + struct.pack('>Q', 1) + b'\x02' + bytes(16))
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(('::', 547))
idx = socket.if_nametoindex('eth0')
for body in (cid + sid + opt(19, b'\x05') + auth, cid + sid + opt(19, b'\x05')):
    s.sendto(b'\x0a\x00\x00\x00' + body, (lla, 546, 0, idx))
PY
ignored() { mif_status | jq -e '.dhcp.dhcpv6[] | select(.interface == "eth0") | .counters.reconfigure_ignored == 2 and .counters.reconfigure_accepted == 0' >/dev/null; }
world_wait_for "two unauthenticated Reconfigures ignored" 5 ignored
grep -q "ignored a Reconfigure without valid authentication" "$WORLD_TMP/mifd.log" ||
	world_fail "no log line for the ignored Reconfigure"
in_state rebinding || world_fail "a Reconfigure changed the client's state"
kea_start
rebound() { mif_status | jq -e '.dhcp.dhcpv6[] | select(.interface == "eth0") | .counters.rebinds >= 1 and .state == "bound"' >/dev/null; }
world_wait_for "the Rebind answered once Kea is back" 30 rebound
mif_pvds | jq -e --arg a "$ADDR" "$A[0].dhcpv6.addresses[0].address == \$a" >/dev/null ||
	world_fail "the address changed across the Rebind"
world_log "ok: Rebind at T2 kept $ADDR; Reconfigures without authentication ignored"

# Restart: the lease file gives back the same address and prefix.
[ -s "$STATE/dhcp6-eth0.lease" ] || world_fail "no lease file in $STATE"
[ "$(stat -c %a "$STATE/dhcp6-eth0.lease")" = 600 ] || world_fail "the lease file is not 0600"
grep -qa "^na $ADDR " "$STATE/dhcp6-eth0.lease" || world_fail "the lease file lacks $ADDR"
mifd_restart() {
	kill -TERM "$WORLD_MIFD_PID"
	world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
	WORLD_MIFD_PID=""
	"$@"
	world_mifd h -c "$WORLD_TMP/mifd.conf"
}
mifd_restart true
mif_expect "after a restart: the same address and prefix" 20 \
	"$A[0].dhcpv6.state == \"bound\" and $A[0].dhcpv6.addresses[0].address == \"$ADDR\"
	 and $A[0].dhcpv6.delegated_prefixes[0].prefix == \"$PFX\""
grep -q "reusing the kept lease (Rebind)" "$WORLD_TMP/mifd.log" ||
	world_fail "the restart did not reuse the kept lease"
world_log "ok: restart kept $ADDR and $PFX"

# A corrupt lease file: ignored with a log line, a fresh exchange, a good file again.
mifd_restart bash -c "printf 'mif-dhcp6-lease 1\nduid zz\n' >'$STATE/dhcp6-eth0.lease'"
mif_expect "after a corrupt lease file: bound again" 20 \
	"$A[0].dhcpv6.state == \"bound\" and ($A[0].dhcpv6.addresses | length) == 1"
grep -q "dhcp6-eth0.lease is corrupt or truncated: ignored" "$WORLD_TMP/mifd.log" ||
	world_fail "no log line for the corrupt lease file"
world_wait_for "a good lease file again" 5 grep -qa "^end$" "$STATE/dhcp6-eth0.lease"
world_log "ok: corrupt lease file ignored"

# The network stops setting M: Release, and the delegation is withdrawn.
kill "$radvdA"
world_wait_for "radvd rA stopped" 5 bash -c "! kill -0 $radvdA 2>/dev/null"
world_ra_send rA -i eth0 --lifetime 600 --prefix 2001:db8:10::/64
mif_expect "M cleared: no DHCPv6 lease left in A" 15 \
	"($A | length) == 1 and $A[0].dhcpv6 == null and ([$A[0].prefixes[] | select(.source == \"dhcpv6\")] | length) == 0"
gone() { ! world_exec h ip -6 addr show | grep -q "2001:db8:f000:\|$ADDR/128"; }
world_wait_for "the IA_NA address and the downstream address removed" 5 gone
world_wait_for "d's default route through h withdrawn" 10 \
	bash -c "! ip -n $(world_ns d) -6 route show default | grep -q 'dev eth0'"
grep -q "DHCP6_RELEASE_NA " "$WORLD_TMP/kea/kea.log" && grep -q "DHCP6_RELEASE_PD " "$WORLD_TMP/kea/kea.log" ||
	world_fail "Kea saw no Release"
[ ! -e "$STATE/dhcp6-eth0.lease" ] || world_fail "the released lease is still kept"
world_log "ok: M cleared: released, downstream prefix withdrawn"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Private addresses (issue 20 item 3). The addresses mifd forms for
# prefixes nested in a PvD option use RFC 7217 stable identifiers: the
# same on one network across restarts, different on another network, not
# the MAC's modified EUI-64. The secret is made once and kept 0600 in the
# state directory. The kernel's own SLAAC on the managed interface follows
# the same policy (addr_gen_mode 2 with a stable_secret; use_tempaddr 0).
# With address_privacy = temporary the kernel also makes an RFC 8981
# temporary address from mifd's (IFA_F_MANAGETEMPADDR, use_tempaddr 2),
# and both go when mifd stops. An address someone else holds fails DAD and
# the next identifier (DAD_Counter 1, RFC 7217 section 6) is formed.
#
#   r1 -- h:eth0   RA: outer PIO 2001:db8:99::/64 (the kernel's SLAAC),
#                  PvD net1.example {PIO 2001:db8:1::/64}, later
#                  PvD net2.example {PIO 2001:db8:2::/64}
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq python3
world_router r1
world_host h
world_link r1 eth0 h eth0
lla=$(world_lla h eth0)
ns=$(world_ns h)

iid() { python3 -c 'import ipaddress,sys; print(ipaddress.IPv6Address(sys.argv[1]).packed[8:].hex())' "$1"; }
ra_net() {   # N: network N's RA (PvD netN.example, nested 2001:db8:N::/64)
	world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:99::/64 \
		--pvd "net$1.example,seq=1" --prefix "2001:db8:$1::/64" --end-pvd
}
mifd_addr() {   # N: mifd's address in 2001:db8:N::/64
	mif_pvds | jq -r --arg p "2001:db8:$1:" '.[].addresses[] |
		select(.origin == "mifd" and (.address | startswith($p))) | .address' | head -n 1
}
has_addr() { [ -n "$(mifd_addr "$1")" ]; }
stop_mifd() {
	kill -TERM "$WORLD_MIFD_PID"
	world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
	WORLD_MIFD_PID=""
}
sysctl6() { ip netns exec "$ns" cat "/proc/sys/net/ipv6/conf/eth0/$1"; }

# 1. Network 1: a stable identifier, not the EUI-64 one.
world_mifd h
ra_net 1
world_wait_for "mifd's address in network 1" 10 has_addr 1
a1=$(mifd_addr 1)
eui=$(iid "$lla")
[ "$(iid "$a1")" != "$eui" ] || world_fail "$a1 uses the modified EUI-64 identifier $eui"
secret=$WORLD_TMP/state/stable-secret.lease
[ "$(stat -c %a "$secret")" = 600 ] || world_fail "the secret is not 0600"
[ "$(stat -c %U "$secret")" = root ] || world_fail "the secret is not root's"
mif_status | world_jq '.addresses | .privacy == "stable" and .secret' >/dev/null ||
	world_fail "status: $(mif_status | jq -c .addresses)"
world_log "ok: network 1: $a1 (EUI-64 would end in $eui), secret 0600 in the state dir"

# The kernel's SLAAC on eth0 follows: stable privacy, no temporaries.
[ "$(sysctl6 addr_gen_mode)" = 2 ] || world_fail "addr_gen_mode is $(sysctl6 addr_gen_mode)"
[ "$(sysctl6 use_tempaddr)" = 0 ] || world_fail "use_tempaddr is $(sysctl6 use_tempaddr)"
[ "$(sysctl6 stable_secret)" != "" ] || world_fail "no stable_secret"
kaddr() { ip -n "$ns" -6 -o addr show dev eth0 | grep -F " 2001:db8:99:" || true; }
kernel_formed() { [ -n "$(kaddr)" ]; }
world_wait_for "the kernel's address in 2001:db8:99::/64" 10 kernel_formed
grep -q "stable-privacy" <<<"$(kaddr)" || world_fail "kernel address is not stable-privacy: $(kaddr)"
k1=$(kaddr | awk '{ print $4 }' | cut -d/ -f1)
[ "$(iid "$k1")" != "$eui" ] || world_fail "the kernel's $k1 is EUI-64"
world_log "ok: kernel SLAAC: addr_gen_mode 2, stable_secret set, $k1 stable-privacy"

# 2. A restart on the same network: the same address.
stop_mifd
[ -z "$(ip -n "$ns" -6 -o addr show dev eth0 | grep -F " $a1/")" ] ||
	world_fail "a clean stop left $a1"
world_mifd h
ra_net 1
world_wait_for "mifd's address in network 1 again" 10 has_addr 1
[ "$(mifd_addr 1)" = "$a1" ] || world_fail "after a restart $(mifd_addr 1), before $a1"
world_log "ok: restart on network 1: the same $a1"

# 3. Another network: another identifier (not only another prefix).
ra_net 2
world_wait_for "mifd's address in network 2" 10 has_addr 2
a2=$(mifd_addr 2)
[ "$(iid "$a2")" != "$(iid "$a1")" ] || world_fail "network 2's $a2 has network 1's identifier"
world_log "ok: network 2: $a2, identifier $(iid "$a2") != $(iid "$a1")"

# 4. address_privacy = temporary: the same stable address, and a kernel
# temporary address made from it; use_tempaddr 2; both go at the stop.
stop_mifd
printf '[mifd]\naddress_privacy = temporary\n' >"$WORLD_TMP/temp.conf"
world_mifd h -c "$WORLD_TMP/temp.conf"
ra_net 1
world_wait_for "mifd's address in network 1 (temporary mode)" 10 has_addr 1
[ "$(mifd_addr 1)" = "$a1" ] || world_fail "temporary mode changed the stable address"
[ "$(mif_status | jq -r .addresses.privacy)" = temporary ] || world_fail "status privacy"
tmp() { ip -n "$ns" -6 -o addr show dev eth0 | grep -F " 2001:db8:1:" | grep temporary || true; }
has_tmp() { [ -n "$(tmp)" ]; }
world_wait_for "a temporary address in 2001:db8:1::/64" 10 has_tmp
t1=$(tmp | awk '{ print $4 }' | cut -d/ -f1)
[ "$t1" != "$a1" ] || world_fail "the temporary address is the stable one"
[ "$(sysctl6 use_tempaddr)" = 2 ] || world_fail "use_tempaddr is $(sysctl6 use_tempaddr)"
[ "$(sysctl6 temp_valid_lft)" = 172800 ] || world_fail "temp_valid_lft $(sysctl6 temp_valid_lft)"
ip -n "$ns" -6 -o addr show dev eth0 | grep -F " $a1/" | grep -q mngtmpaddr ||
	world_fail "$a1 lacks mngtmpaddr"
world_log "ok: temporary mode: stable $a1 (mngtmpaddr), temporary $t1, use_tempaddr 2"
stop_mifd
left=$(ip -n "$ns" -6 -o addr show dev eth0 | grep -F " 2001:db8:1:" || true)
[ -z "$left" ] || world_fail "left after the stop: $left"
world_log "ok: the stop removed the stable and the temporary address"

# 5. RFC 7217 section 6: someone else holds a1 on the link. DAD fails,
# mifd removes it, and the next RA gets the identifier of DAD_Counter 1.
ip -n "$(world_ns r1)" -6 addr add "$a1/64" dev eth0 nodad
world_mifd h
ra_net 1
dup() { grep -q "duplicate address detected for $a1" "$WORLD_TMP/mifd.log"; }
world_wait_for "DAD to fail for $a1" 10 dup
ra_net 1
other() { local a; a=$(mifd_addr 1); [ -n "$a" ] && [ "$a" != "$a1" ]; }
world_wait_for "another address in network 1" 10 other
a1b=$(mifd_addr 1)
sleep 2     # its own DAD: it stays
[ "$(mifd_addr 1)" = "$a1b" ] || world_fail "the second address did not stay: $(mifd_addr 1)"
ip -n "$ns" -6 -o addr show dev eth0 | grep -F " $a1b/" | grep -q dadfailed &&
	world_fail "$a1b failed DAD too"
ip -n "$ns" -6 -o addr show dev eth0 | grep -qF " $a1/" && world_fail "$a1 is still there"
world_log "ok: $a1 was a duplicate; the next identifier gives $a1b"
world_pass

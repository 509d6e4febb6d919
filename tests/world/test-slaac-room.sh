#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The kernel's own SLAAC beside the addresses mifd forms (issue 17, a soak
# failure: DNS dead after a link flap under churn). The kernel counts every
# address of a link against its autoconfiguration limit (max_addresses,
# default 16; net/ipv6/addrconf.c forms a SLAAC address only while
# ipv6_count_addresses() is below it), mifd's addresses for prefixes nested
# in PvD options too. Once mifd had formed 16 or so, a plain RA's prefix (an
# implicit PvD, whose address the kernel forms) got no address: mifd then
# had the PvD and its DNS server but no source to reach it from
# (DNS_SRC_MISSING), and every query through that PvD failed.
#
#   r1 (20 PvDs with nested prefixes, then a plain RA with RDNSS; dnsmasq
#   authoritative for example.org on 2001:db8:1::53) -- h:eth0 (mifd)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

N=20
world_init
world_require jq dig dnsmasq
dns_one_link
dns_dnsmasq r1 a 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 example.org,2001:db8:99::/64)
host-record=www.example.org,2001:db8:99::a"
world_lla h eth0 >/dev/null
world_lla r1 eth0 >/dev/null
H=$(world_ns h)
dns_mifd h

# 1. N explicit PvDs, each with a nested /64: mifd forms an address in each.
for ((i = 0; i < N; i++)); do
	world_ra_send r1 -i eth0 --lifetime 600 --pvd "p$i.room.example,seq=1" \
		--prefix "2001:db8:$(printf %x $((0x100 + i)))::/64" --end-pvd
done
formed() {
	local n
	n=$(ip -n "$H" -6 addr show dev eth0 scope global | grep -c 'inet6 2001:db8:1[0-9a-f][0-9a-f]:') || true
	[ "$n" -ge "$N" ] || { echo "$n addresses"; return 1; }
}
world_wait_for "mifd's $N addresses in the kernel" 20 formed
world_log "ok: mifd formed $N addresses on h:eth0 (max_addresses $(ip netns exec "$H" \
	cat /proc/sys/net/ipv6/conf/eth0/max_addresses))"

# 2. A plain RA: an implicit PvD whose address the kernel forms.
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
mif_expect "the implicit PvD with a usable address of the kernel's" 15 \
	'any(.[]; .explicit == false and any(.addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred"))'
world_log "ok: the kernel formed the implicit PvD's address beside mifd's $N"

# 3. Its DNS server answers through it.
answers() { dns_dig h +short www.example.org AAAA | grep -qx 2001:db8:99::a; }
world_wait_for "the stub answers through the implicit PvD" 10 answers
src=$(world_ctl --json dns | jq -r '.pvds[] | .server_state[]? | select(.address == "2001:db8:1::53") | .source')
[ "$src" = ready ] || world_fail "mifctl dns: the server's source is '$src', want ready"
world_log "ok: DNS through the implicit PvD (mifctl dns: source $src)"
world_pass

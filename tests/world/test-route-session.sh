#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Ongoing sessions survive a change of the preferred network (problem
# statement 4.4, 5.5.4): a TCP connection opened over Wi-Fi network A keeps
# its source address, and through the source rules its path, after wired
# network B appears and becomes the default; a new connection uses B.
#
#   rA -- h:wlan0 (Wi-Fi, first)      rA -- srA (10.99.0.1, nc -l)
#   rB -- h:eth1  (wired, later)      rB -- srB (10.99.0.1, nc -l)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq radvd nc
world_host h
WORLD_NET_HOST=h
mif_net A rA wlan0 30
world_bg srA listen-A nc -lk 9100
world_mifd h --dhcp4 wlan0 --dhcp4 eth1
mif_expect "network A learnt" 25 'length == 1 and .[0].dhcpv4.state == "bound"'
default_is() { mif_status | jq -e --arg i "$1" '.routing.default.ipv4 | test($i)' >/dev/null; }
world_wait_for "A is the default" 5 default_is wlan0

# A long-lived TCP connection over A (bounded: 30 s at most).
go="$WORLD_TMP/go"
world_bg h tcp-client bash -c "exec 3<>/dev/tcp/10.99.0.1/9100 || exit 1
	echo first-line >&3
	for i in \$(seq 1 300); do [ -e $go ] && break; sleep 0.1; done
	echo second-line >&3
	sleep 1"
got_first() { grep -q first-line "$WORLD_TMP/listen-A.log"; }
world_wait_for "the connection reached A's server" 5 got_first

# Wired network B appears and becomes the default.
mif_net B rB eth1 40
world_bg srB listen-B nc -lk 9100
mif_expect "network B learnt" 25 'length == 2 and all(.[]; .dhcpv4.state == "bound")'
world_wait_for "B (wired) is now the default" 10 default_is eth1
got=$(mif_probe h -d 10.99.0.1)
[ "$got" = server-B ] || world_fail "a new flow went to $got, not B"
world_log "ok: new traffic without a source goes through B"

touch "$go"
got_second() { grep -q second-line "$WORLD_TMP/listen-A.log"; }
world_wait_for "the old connection still reaches A's server" 5 got_second
grep -q second-line "$WORLD_TMP/listen-B.log" && world_fail "the old connection moved to B"
world_log "ok: the TCP connection opened on A kept its path after B became preferred"
world_pass

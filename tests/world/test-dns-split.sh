#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Split DNS through mifd's per-PvD stub resolver (doc/resolver.md):
#   - a name under the corporate PvD's DNSSL domain goes to the corporate
#     network's server only (rule "domain"); its answer leads to the
#     corporate intranet server; the query leaves from the host's address
#     on that network; the home network's server never sees it;
#   - a public name that both networks' servers know, with different
#     answers, is answered by the default PvD's server (rule "default"),
#     the wired corporate PvD (its nested RA header's router lifetime);
#   - a reverse name inside the corporate prefix goes to the corporate
#     server (rule "reverse"), although the home server claims it too;
#   - asking for a PvD (--pvd) gets that PvD's answer (rule "asked");
#   - a split-tunnel VPN (route-only domain, unreachable server) never
#     sees a public query; its own domain is sent only to it.
#
#   r1 -- h:eth0  (wired; explicit PvD corp.example.com, 2001:db8:1::/64,
#                  DNS 2001:db8:1::53 on r1, DNSSL corp.example,
#                  route 2001:db8:99::/64)        r1 -- s1 (2001:db8:99::1)
#   r2 -- h:wlan0 (Wi-Fi; home, 2001:db8:2::/64, DNSSL home.example,
#                  DNS 2001:db8:98::53 on s2 behind r2: off-link, reachable
#                  only through r2 while the default is r1's network, so a
#                  stub that did not bind home's queries to home would send
#                  them to r1, which has no route there; problem statement
#                  4.1 case 1)                    r2 -- s2 (2001:db8:98::53)
#   h:tun0 (API PvD "vpn": DNS 10.8.0.1, domain vpn.example, 10.0.0.0/8;
#           nothing answers behind it; see below)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq tcpdump
[ -n "${MIF_UDP_PROBE:-}" ] && [ -n "${MIF_WHOAMI:-}" ] ||
	world_fail "MIF_UDP_PROBE and MIF_WHOAMI must be set (tests/world/meson.build)"

WWW_CORP=2001:db8:99::11    # www.example.net according to r1's server
WWW_HOME=2001:db8:99::22    # www.example.net according to r2's server
PRINTER=2001:db8:1::99      # an address in the corporate prefix (PTR)
PRINTER_REV=$(printf '%s' 9.9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa)

world_router r1
world_router r2
world_host h
world_host s1
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r1 eth1 s1 eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth0 2001:db8:1::53/64
world_addr r2 eth0 2001:db8:2::1/64
world_host s2
world_link r2 eth1 s2 eth0
world_addr r2 eth1 2001:db8:98::fe/64
world_addr s2 eth0 2001:db8:98::53/64
ip -n "$(world_ns s2)" -6 route add default via 2001:db8:98::fe
world_addr r1 eth1 2001:db8:99::fe/64
world_addr s1 eth0 2001:db8:99::1/64
ip -n "$(world_ns s1)" -6 route add default via 2001:db8:99::fe
world_bg s1 whoami-intranet "$MIF_WHOAMI" -n intranet -p 8080
# The tunnel: a tun device nobody holds open has no carrier, and the kernel
# drops what is sent to it before any capture sees it. So tun0 is one end
# of a veth pair (mifd classes it as a VPN by its name) whose other end is
# in an empty namespace: every packet sent to it shows in a capture, and
# nothing answers. A static neighbour entry lets packets to the VPN's
# server leave without ARP.
H=$(world_ns h)
world_host vpnend
world_link h tun0 vpnend eth0
world_sysctl vpnend net.ipv6.conf.eth0.disable_ipv6=1
ip -n "$H" addr add 10.8.0.2/24 dev tun0
ip -n "$H" neigh replace 10.8.0.1 lladdr 02:00:00:00:08:01 dev tun0 nud permanent

# r1's server: the private zone, its own view of www.example.net, and the
# reverse zone of the corporate prefix.
dns_dnsmasq r1 corp 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 \
	corp.example,2001:db8:1::/64,2001:db8:99::/64 example.net)
host-record=intranet.corp.example,2001:db8:99::1
host-record=printer.corp.example,$PRINTER
host-record=www.example.net,$WWW_CORP"
# home's server (s2, behind r2): another view of www.example.net, no corp.example, and a
# (wrong) claim on the corporate reverse zone that must never be asked.
dns_dnsmasq s2 home 2001:db8:98::53 "$(dns_auth_lines 2001:db8:98::53 \
	home.example,2001:db8:1::/64,2001:db8:2::/64 example.net)
host-record=www.example.net,$WWW_HOME
host-record=nas.home.example,2001:db8:2::20
host-record=impostor.home.example,$PRINTER"

# The worlds' servers work and disagree (asked directly, not through mifd).
direct() {   # NS SERVER NAME TYPE: +short answer straight from a server
	world_exec "$1" dig "@$2" +tries=1 +time=2 +short "$3" "$4"
}
[ "$(direct r1 2001:db8:1::53 www.example.net AAAA)" = "$WWW_CORP" ] &&
	[ "$(direct s2 2001:db8:98::53 www.example.net AAAA)" = "$WWW_HOME" ] &&
	[ "$(direct r1 2001:db8:1::53 intranet.corp.example AAAA)" = 2001:db8:99::1 ] &&
	[ "$(direct s2 2001:db8:98::53 -x "$PRINTER")" = impostor.home.example. ] ||
	world_fail "the test's DNS servers do not answer as configured"
# (Counts from here on leave out these direct queries.)
corp_before=$(dns_count_queries corp '.*')
home_before=$(dns_count_queries home '.*')
www_before_corp=$(dns_count_queries corp 'www\.example\.net')
www_before_home=$(dns_count_queries home 'www\.example\.net')
ptr_before_home=$(dns_count_queries home "$PRINTER_REV")

world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
dns_mifd h
world_ra_send r1 -i eth0 --lifetime 0 --pvd-lifetime 1800 --pvd corp.example.com,seq=1,hdr \
	--prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53 --dnssl corp.example \
	--route 2001:db8:99::/64 --end-pvd
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 --rdnss 2001:db8:98::53 \
	--dnssl home.example
world_ctl pvd add vpn --interface tun0 --dns 10.8.0.1 --domain vpn.example \
	--route 10.0.0.0/8 >/dev/null
# A global address that has passed DAD on each network (before that, the
# kernel cannot send from it; see the source address check at the end).
mif_expect "three PvDs, corp and home with a usable global address" 15 \
	'length == 3 and ([.[] | select((.interfaces == ["eth0"] or .interfaces == ["wlan0"])
	 and any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))]
	 | length) == 2'
routing_ready() { mif_status | jq -e '.routing.default.ipv6 != null' >/dev/null; }
world_wait_for "a default PvD chosen" 10 routing_ready
CORP=corp.example.com
HOME_ID=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
# .routing.default.ipv6 is "ID: why". Both PvDs have a default router for
# a PvD-aware host (the corporate RA's outer router lifetime is 0, but the
# RA header nested in its PvD option says 1800: RFC 8801 section 3.1), so
# the wired corporate network is the default (wired before Wi-Fi). Not
# "either": which server answers a public name depends on it.
DEF=$(mif_status | jq -r '.routing.default.ipv6 // "" | sub(": .*"; "")')
[ "$DEF" = "$CORP" ] ||
	world_fail "the default PvD is '$DEF', want corp ($CORP): $(mif_status | jq -c .routing.default)"
WWW_DEF=$WWW_CORP DEF_LOG=corp OTHER_LOG=home OTHER_WWW0=$www_before_home DEF_WWW0=$www_before_corp
H_CORP=$(mif_pvds | jq -r --arg p "$CORP" '.[] | select(.id == $p) | [.addresses[].address
	| select(startswith("2001:db8:1:"))] | join(" ")')
[ -n "$H_CORP" ] || world_fail "h has no address in $CORP: $(mif_pvds)"
world_log "corp=$CORP home=$HOME_ID default=$DEF; h's corporate address(es): $H_CORP"

# Captures: r2's DNS-facing interface, and the VPN's tunnel.
dns_capture_start r2 eth0 home
dns_capture_start h tun0 tun

resolve_is() {   # DESC JQ_FILTER NAME ARGS...: mifctl resolve NAME ARGS satisfies FILTER
	local desc=$1 f=$2 out
	shift 2
	out=$(dns_resolve "$@") || world_fail "$desc: mifctl resolve $* failed: $out"
	printf '%s' "$out" | world_jq "$f" >/dev/null || world_fail "$desc: mifctl resolve $*: $out"
	world_log "ok: $desc: $(printf '%s' "$out" | jq -c '{pvd, rule, server, rcode, answers: [.answers[].data]}')"
}

# 1. The private name: r1's answer, chosen by domain, through mifctl and dig.
resolve_is "private name: corp, by domain, from r1's server" \
	".pvd == \"$CORP\" and .rule == \"domain\" and .rcode == \"NOERROR\" and .cached == false
	 and .server == \"2001:db8:1::53\" and ([.answers[].data] == [\"2001:db8:99::1\"])" \
	intranet.corp.example --type AAAA
got=$(dns_dig_short h intranet.corp.example AAAA)
[ "$got" = 2001:db8:99::1 ] || world_fail "dig intranet.corp.example AAAA via the stub: '$got'"
world_log "ok: dig @$DNS_STUB_ADDR intranet.corp.example AAAA -> $got"
resolve_is "another private name: corp" \
	".pvd == \"$CORP\" and .rule == \"domain\" and ([.answers[].data] == [\"$PRINTER\"])" \
	printer.corp.example --type AAAA
# ... and the answer leads to the intranet server behind r1.
got=$(mif_probe h -d 2001:db8:99::1)
[ "$got" = intranet ] || world_fail "the private name's address reached '$got', not the intranet server"
world_log "ok: 2001:db8:99::1 (intranet.corp.example) answers as 'intranet'"

# 2. A public name: the default PvD's server and its answer.
got=$(dns_dig_short h www.example.net AAAA)
[ "$got" = "$WWW_DEF" ] ||
	world_fail "dig www.example.net AAAA via the stub: '$got', want $WWW_DEF (default PvD $DEF)"
world_log "ok: dig www.example.net AAAA -> $got (the default PvD $DEF)"
resolve_is "public name: the default PvD" \
	".pvd == \"$DEF\" and .rule == \"default\" and ([.answers[].data] == [\"$WWW_DEF\"])" \
	www.example.net --type AAAA

# 3. A reverse name inside the corporate prefix: r1's server.
got=$(dns_dig_short h -x "$PRINTER")
[ "$got" = printer.corp.example. ] || world_fail "dig -x $PRINTER via the stub: '$got'"
resolve_is "reverse name in the corporate prefix: corp, by reverse" \
	".pvd == \"$CORP\" and .rule == \"reverse\" and ([.answers[].data] | map(sub(\"\\\\.$\"; \"\")) == [\"printer.corp.example\"])" \
	"$PRINTER_REV" --type PTR

# So far the other network's server has not been asked the public name.
n=$(($(dns_count_queries "$OTHER_LOG" 'www\.example\.net') - OTHER_WWW0))
[ "$n" = 0 ] || world_fail "the non-default server ($OTHER_LOG) was asked www.example.net $n times"
[ "$(dns_count_queries "$DEF_LOG" 'www\.example\.net')" -gt "$DEF_WWW0" ] ||
	world_fail "the default's server ($DEF_LOG) saw no www.example.net query"

# 4. Asked for: the home PvD's answer, whatever the default.
resolve_is "--pvd home: home's answer" \
	".pvd == \"$HOME_ID\" and .rule == \"asked\" and (.server == \"2001:db8:98::53\" or .cached)
	 and ([.answers[].data] == [\"$WWW_HOME\"])" \
	www.example.net --type AAAA --pvd "$HOME_ID"
resolve_is "--pvd corp: corp's answer" \
	".pvd == \"$CORP\" and .rule == \"asked\" and ([.answers[].data] == [\"$WWW_CORP\"])" \
	www.example.net --type AAAA --pvd "$CORP"

# 5. The VPN's own domain goes to the VPN only (and fails: nobody is there).
rc=0
out=$(dns_resolve host.vpn.example --type A 2>&1) || rc=$?
printf '%s' "$out" | jq -e '.rcode == "NOERROR" and (.answers | length) > 0' >/dev/null 2>&1 &&
	world_fail "host.vpn.example got an answer, but nothing is behind tun0: $out"
world_log "ok: host.vpn.example unanswered (rc $rc): $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-200)"

# Who saw what.
n=$(dns_capture_count home 'corp\.example')
[ "$n" = 0 ] || world_fail "r2's link carried $n packets about corp.example:
$(cat "$WORLD_TMP/cap-home.txt")"
n=$(grep -ciE 'printer|9\.9\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.1\.0\.0\.0\.8\.b\.d' "$WORLD_TMP/cap-home.txt" || true)
[ "$n" = 0 ] || world_fail "r2's link carried $n packets about the corporate reverse zone"
n=$(grep -ciE 'www\.example\.net' "$WORLD_TMP/cap-home.txt" || true)
[ "$n" -ge 1 ] || world_fail "the capture on r2 saw no www.example.net query (capture broken?)"
world_log "ok: r2's link: $n packets about www.example.net, none about corp.example"
[ "$(dns_count_queries home '.*corp\.example')" = 0 ] || world_fail "r2's server was asked about corp.example"
[ "$(dns_count_queries home "$PRINTER_REV")" = "$ptr_before_home" ] || world_fail "r2's server was asked the corporate PTR"
n=$(dns_capture_count tun 'example\.net|corp\.example|home\.example|ip6\.arpa')
[ "$n" = 0 ] || world_fail "tun0 carried $n packets for names that are not the VPN's:
$(cat "$WORLD_TMP/cap-tun.txt")"
n=$(grep -ciE 'vpn\.example' "$WORLD_TMP/cap-tun.txt" || true)
[ "$n" -ge 1 ] || world_fail "no host.vpn.example query on tun0 (capture broken, or the VPN's domain not sent to it)"
world_log "ok: tun0: $n queries for vpn.example, none for anything else"
n=$(($(dns_count_queries "$OTHER_LOG" 'www\.example\.net') - OTHER_WWW0))
[ "$n" -ge 1 ] || world_fail "the non-default server ($OTHER_LOG) never got the --pvd query"

# The corporate queries left from h's corporate address.
srcs=$(dns_query_sources corp '.*' | tail -n +$((corp_before + 1)) | sort -u)
[ -n "$srcs" ] || world_fail "r1's server logged no query"
for s in $srcs; do
	case " $H_CORP " in *" $s "*) ;; *) world_fail "r1's server got a query from $s, not h's corporate address ($H_CORP)" ;; esac
done
srcs=$(dns_query_sources home '.*' | tail -n +$((home_before + 1)) | sort -u)
for s in $srcs; do
	case "$s" in 2001:db8:2:*) ;; *) world_fail "r2's server got a query from $s, not from h's home prefix" ;; esac
done
world_log "ok: r1's server saw queries only from $H_CORP"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# nss-mif (lib/nss.c): unmodified programs resolve through mifd when
# nsswitch.conf says "hosts: mif". getent runs in a private mount namespace
# (inside the host's network namespace) with an nsswitch.conf bind-mounted
# over /etc/nsswitch.conf, and glibc loads libnss_mif.so.2 from the build.
# Two networks answer only.example differently (10.99.0.1 and
# 2001:db8:99::1 on A, .2 and ::2 on B):
#   - MIF_RUN_PVD=A (by id) and =B (by handle): each PvD's own answer, IPv6
#     first with its own source prefix available (RFC 6724 rule 6 with the
#     PvD's table), through getaddrinfo (getent ahosts) and gethostbyname2
#     (getent hosts, the module's order as given);
#   - no PvD: mifd's choice, the default network A;
#   - a process in a cgroup steered to B (mifctl steer cgroup), without
#     MIF_RUN_PVD, gets B's answer; outside the cgroup, and once the
#     steering is removed, the default's (mif_cgroup_pvd());
#   - a name without addresses: getent's "not found" (exit 2);
#   - mifd stopped: the module is UNAVAIL and "hosts: mif" finds nothing;
#     "hosts: mif dns" falls through to the next source.
#
#   rA -- h:eth0 (wired, default)   DNS 192.168.10.1 (DHCPv4)
#   rB -- h:wlan0 (Wi-Fi)           DNS 192.168.20.1 (DHCPv4)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/cgroup.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig getent unshare
[ -n "${MIF_NSS:-}" ] && [ -f "$MIF_NSS" ] || world_fail "MIF_NSS (libnss_mif.so.2) is not set"
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI is not set"
# Under `make check`'s ASan build the module carries the ASan runtime, which
# must be in the process from its start: preload it into getent (not
# instrumented itself, so its own allocations are not checked for leaks).
ASAN_PRE=$(ldd "$MIF_NSS" 2>/dev/null | awk '$1 ~ /^libasan/ { print $3 }')
world_host h
WORLD_NET_HOST=h
SOCK="$WORLD_TMP/mifd.sock"
printf 'hosts: mif\n' >"$WORLD_TMP/nss-mif.conf"
printf 'hosts: mif dns\n' >"$WORLD_TMP/nss-mif-dns.conf"
# A resolv.conf for the "dns" source: B's server, never mifd's stub.
printf 'nameserver 192.168.20.1\noptions timeout:2 attempts:1\n' >"$WORLD_TMP/plain-resolv.conf"

# A cgroup of the test's own (below the test's cgroup) for the PvD of a
# steered cgroup; mifd with the cgroup v2 hierarchy mounted (lib.sh).
cg_root || world_skip "no cgroup v2 hierarchy mounted"
cg_make nss || world_skip "cannot create a cgroup under $CGROOT$CG_OWN"
REL=$CG_REL CG=$CG_PATH
WORLD_MIFD_CGROUP=1

# getent_in CONF [VAR=VALUE...] -- ARGS: getent with that nsswitch.conf
# (in the test's cgroup when GETENT_CG=1).
getent_in() {
	local conf=$1 envs=() cg=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	[ "${GETENT_CG:-0}" = 1 ] && cg=(sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$CG")
	"${cg[@]}" timeout --foreground "$WORLD_CMD_TIMEOUT" ip netns exec "$(world_ns h)" unshare --mount sh -c '
		mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/resolv.conf &&
		shift 2 && exec "$@"' sh "$conf" "$WORLD_TMP/plain-resolv.conf" \
		env LD_LIBRARY_PATH="$(dirname "$MIF_NSS")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		${ASAN_PRE:+LD_PRELOAD="$ASAN_PRE"} \
		${ASAN_PRE:+ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"} \
		MIF_SOCKET="$SOCK" "${envs[@]}" getent "$@"
}

dns_mifd h --dhcp4 eth0 --dhcp4 wlan0
net_dns() {
	MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.$3.1" mif_net "$1" "$2" \
		"$([ "$1" = A ] && echo eth0 || echo wlan0)" "$3"
	dns_dnsmasq "$2" "dns-$1" "192.168.$3.1" "$(dns_auth_lines "192.168.$3.1" example)
host-record=only.example,$4,$5
host-record=v4only.example,$4"
}
net_dns A rA 10 10.99.0.1 2001:db8:99::1
mif_expect "A's PvD with DNS and addresses" 25 \
	'length == 1 and (.[0].dns.servers | length) >= 1 and
	 any(.[0].addresses[]; .address | startswith("192.168.10.")) and
	 any(.[0].addresses[]; (.address | startswith("2001:db8:10:")) and .state == "preferred")'
net_dns B rB 20 10.99.0.2 2001:db8:99::2
mif_expect "two PvDs with DNS and usable addresses" 25 \
	'length == 2 and all(.[]; (.dns.servers | length) >= 1 and
	 any(.addresses[]; .address | test("^192\\.168\\.(10|20)\\.")) and
	 any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
tables_ready() { mif_status | jq -e '.routing.default.ipv4 != null and .routing.default.ipv6 != null' >/dev/null; }
world_wait_for "the routing defaults" 10 tables_ready
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
HB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .handle')
world_log "A is $PA, B is handle $HB"

expect() {   # DESC REGEX TEXT
	grep -Eq -- "$2" <<<"$3" || world_fail "$1: want /$2/ in:
$3"
}

# Each PvD's own answer through getaddrinfo().
for x in "A $PA 1" "B $HB 2"; do
	read -r net pvd k <<<"$x"
	out=$(getent_in "$WORLD_TMP/nss-mif.conf" MIF_RUN_PVD="$pvd" -- ahosts only.example) ||
		world_fail "getent ahosts in $net failed: $out"
	expect "ahosts in $net: its AAAA" "^2001:db8:99::$k +STREAM only.example" "$out"
	expect "ahosts in $net: its A" "^10\.99\.0\.$k +STREAM" "$out"
	other=$((3 - k))
	grep -Eq "::$other |10\.99\.0\.$other " <<<"$out" && world_fail "ahosts in $net shows the other PvD's answer: $out"
	expect "ahosts in $net: IPv6 first (RFC 6724 rule 6)" "^2001:db8:99::$k " "$(head -n 1 <<<"$out")"
	world_log "ok: getent ahosts only.example in $net: $(awk '$2 == "STREAM" {print $1}' <<<"$out" | tr '\n' ' ')"
	out=$(getent_in "$WORLD_TMP/nss-mif.conf" MIF_RUN_PVD="$pvd" -- hosts only.example) ||
		world_fail "getent hosts in $net failed"
	expect "hosts (gethostbyname2 AF_INET6) in $net" "^2001:db8:99::$k +only.example\$" "$out"
	out=$(getent_in "$WORLD_TMP/nss-mif.conf" MIF_RUN_PVD="$pvd" -- ahostsv4 v4only.example) ||
		world_fail "getent ahostsv4 in $net failed"
	expect "ahostsv4 v4only.example in $net" "^10\.99\.0\.$k +STREAM" "$out"
done

# No PvD: mifd's choice, the default network (A).
out=$(getent_in "$WORLD_TMP/nss-mif.conf" -- ahosts only.example) || world_fail "getent ahosts: $out"
expect "no PvD: A's answer" "^2001:db8:99::1 +STREAM" "$out"
world_log "ok: no PvD bound: $(awk '$2 == "STREAM" {print $1}' <<<"$out" | tr '\n' ' ')"

# No environment, but a cgroup steered to B (mifctl steer cgroup): B's
# answer, as the cgroup's packets go through B (mif_cgroup_pvd()).
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
world_ctl steer cgroup add "$REL" "$PB" >/dev/null || world_fail "steer cgroup add failed"
out=$(GETENT_CG=1 getent_in "$WORLD_TMP/nss-mif.conf" -- ahostsv4 v4only.example) ||
	world_fail "getent in the steered cgroup: $out"
expect "cgroup steered to B: B's answer" "^10\.99\.0\.2 +STREAM" "$out"
out=$(getent_in "$WORLD_TMP/nss-mif.conf" -- ahostsv4 v4only.example) || world_fail "getent: $out"
expect "outside the cgroup: A's answer" "^10\.99\.0\.1 +STREAM" "$out"
world_ctl steer cgroup del "$REL" >/dev/null || world_fail "steer cgroup del failed"
out=$(GETENT_CG=1 getent_in "$WORLD_TMP/nss-mif.conf" -- ahostsv4 v4only.example) || world_fail "getent: $out"
expect "cgroup no longer steered: A's answer" "^10\.99\.0\.1 +STREAM" "$out"
world_log "ok: the PvD of a steered cgroup (B), A outside it and after del"

# A name without addresses: not found (getent exits 2).
rc=0; getent_in "$WORLD_TMP/nss-mif.conf" MIF_RUN_PVD="$HB" -- ahosts nothing.example >/dev/null || rc=$?
[ "$rc" = 2 ] || world_fail "nothing.example: getent exit $rc, want 2"
# A PvD that does not exist: the module cannot answer.
rc=0; getent_in "$WORLD_TMP/nss-mif.conf" MIF_RUN_PVD=no.such.pvd -- ahosts only.example >/dev/null || rc=$?
[ "$rc" = 2 ] || world_fail "unknown PvD: getent exit $rc, want 2"
world_log "ok: not found and unknown PvD"

# mifd gone: UNAVAIL. "hosts: mif" alone finds nothing; "mif dns" asks dns
# (B's server, from the plain resolv.conf).
kill "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
# mifd released its DHCPv4 leases on stop: an address of our own to reach
# B's server from.
ip -n "$(world_ns h)" addr add 192.168.20.99/24 dev wlan0
rc=0; getent_in "$WORLD_TMP/nss-mif.conf" -- ahosts only.example >/dev/null || rc=$?
[ "$rc" = 2 ] || world_fail "mifd stopped: getent exit $rc, want 2"
out=$(getent_in "$WORLD_TMP/nss-mif-dns.conf" -- ahostsv4 only.example) || world_fail "mif dns: $out"
expect "mifd stopped: dns answers" "^10\.99\.0\.2 +STREAM" "$out"
world_log "ok: mifd stopped: mif UNAVAIL, the next source (dns) answered"
world_pass

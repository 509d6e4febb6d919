#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Applications choose their PvD: mif_bind_pvd() through mifd's bind socket
# (doc/control-protocol.md), without privileges, as Android's netd does.
# Two networks whose private prefixes overlap: a server "server-A" and a
# server "server-B" at the SAME addresses (10.99.0.1, 2001:db8:99::1).
#   - a socket bound to A reaches server-A, one bound to B server-B (UDP
#     and TCP, IPv4 and IPv6; by id and by handle), though A is the default;
#   - an unknown PvD: ENOENT; a pipe: ENOTSOCK;
#   - user nobody binds their own socket, but cannot change PvDs;
#   - garbage on the bind socket (random bytes, oversized, two descriptors,
#     none, a client leaving mid-request) gets errors, leaks no descriptor,
#     and mifd keeps binding;
#   - B's link goes down: binding to B fails, and sockets bound to B before
#     get ENETUNREACH/EHOSTUNREACH, never server-A (no silent fallback).
#
#   rA -- h:eth0 (wired, default)   rA -- srA (10.99.0.1)
#   rB -- h:wlan0 (Wi-Fi)           rB -- srB (10.99.0.1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq radvd setpriv
[ -n "${MIF_BIND_TEST:-}" ] && [ -x "$MIF_BIND_TEST" ] || world_fail "MIF_BIND_TEST is not set"
world_host h
WORLD_NET_HOST=h
mif_net A rA eth0 10
mif_net B rB wlan0 20

world_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "two PvDs with IPv4 and IPv6 addresses" 25 \
	'length == 2 and all(.[]; (.addresses | map(select(.address | contains(":") | not)) | length) == 1
	 and (.addresses | map(select(.address | startswith("2001:"))) | length) >= 1)'
tables_ready() { mif_status | jq -e '.routing.tables | length == 2' >/dev/null; }
world_wait_for "two routing tables" 10 tables_ready
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
HB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .handle')
world_log "A is $PA, B is $PB (handle $HB)"
[ -S "$WORLD_TMP/mifd-bind.sock" ] || world_fail "no bind socket beside the control socket"
[ "$(stat -c %a "$WORLD_TMP/mifd-bind.sock")" = 666 ] || world_fail "bind socket is not 0666"

bt() { world_exec h "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" "$@" 2>&1 || true; }
expect_bt() {   # DESC REGEX ARGS...
	local desc=$1 want=$2 got
	shift 2
	got=$(bt "$@")
	grep -Eq "$want" <<<"$got" || world_fail "$desc: got '$got', want /$want/"
	world_log "ok: $desc -> $got"
}

# Each PvD's own server, though both sit at the same addresses.
expect_bt "UDP bound to A" '^server-A ' --pvd "$PA" 10.99.0.1 8080
expect_bt "UDP bound to B (not the default)" '^server-B ' --pvd "$PB" 10.99.0.1 8080
expect_bt "TCP bound to B" '^server-B ' --pvd "$PB" --tcp 10.99.0.1 8080
expect_bt "IPv6 UDP bound to B" '^server-B ' --pvd "$PB" 2001:db8:99::1 8080
expect_bt "IPv6 TCP bound to A" '^server-A ' --pvd "$PA" --tcp 2001:db8:99::1 8080
expect_bt "bound to B by handle" '^server-B ' --pvd "$HB" 10.99.0.1 8080
expect_bt "an unknown PvD" '^error ENOENT: no PvD' --pvd no.such.pvd 10.99.0.1 8080
expect_bt "a pipe is not a socket" '^error ENOTSOCK' --pvd "$PA" --not-a-socket

# Unprivileged: nobody binds their own socket but cannot change PvDs.
out=$(mif_as_nobody pvd add evil --interface eth0 --route 10.99.0.0/24 2>&1) &&
	world_fail "nobody added a PvD: $out"
grep -q "permission denied" <<<"$out" || world_fail "pvd add as nobody: $out"
cp "$MIF_BIND_TEST" "$WORLD_TMP/bin/mif-bind-test"
chmod 0755 "$WORLD_TMP/bin/mif-bind-test"
out=$(world_exec h setpriv --reuid=65534 --regid=65534 --clear-groups \
	env LD_LIBRARY_PATH="$WORLD_TMP/bin" "$WORLD_TMP/bin/mif-bind-test" \
	--socket "$WORLD_TMP/mifd.sock" --pvd "$PB" 10.99.0.1 8080 2>&1 || true)
grep -q '^server-B ' <<<"$out" || world_fail "nobody's socket bound to B: $out"
world_log "ok: nobody cannot add a PvD, but binds their own socket to B -> $out"

# Garbage: answered with an error (or the client just left), no leak.
nfd() { ls "/proc/$WORLD_MIFD_PID/fd" | wc -l; }
before=$(nfd)
for i in 1 2 3 4 5; do
	expect_bt "random bytes, no descriptor ($i)" '"ok":false' --garbage random
	expect_bt "oversized with a descriptor ($i)" '"errno":90,' --garbage oversized
	expect_bt "two descriptors ($i)" '"errno":22,' --garbage two-fds
	expect_bt "no descriptor ($i)" '"errno":9,' --garbage no-fd
	expect_bt "a client leaving mid-request ($i)" '^closed' --garbage cut
done
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died on garbage"
settled() { [ "$(nfd)" -le "$before" ]; }
world_wait_for "mifd's descriptors back to $before (now $(nfd))" 5 settled
expect_bt "still binding after the garbage" '^server-B ' --pvd "$PB" 10.99.0.1 8080

# B leaves. Sockets bound to B before must fail, not reach server-A.
world_bg h held4 "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --pvd "$PB" \
	--hold "$WORLD_TMP/go" 10.99.0.1 8080
held4=$WORLD_LAST_PID
world_bg h held6 "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --pvd "$PB" \
	--hold "$WORLD_TMP/go" --tcp 2001:db8:99::1 8080
held6=$WORLD_LAST_PID
both_bound() { grep -q '^bound' "$WORLD_TMP/held4.log" && grep -q '^bound' "$WORLD_TMP/held6.log"; }
world_wait_for "both held sockets bound" 10 both_bound
ip -n "$(world_ns rB)" link set eth0 down
mif_expect "B's PvD gone" 5 'length == 1 and .[0].interfaces == ["eth0"]'
expect_bt "binding to B after it left" '^error ENOENT' --pvd "$PB" 10.99.0.1 8080
: >"$WORLD_TMP/go"
held_done() { ! kill -0 "$held4" 2>/dev/null && ! kill -0 "$held6" 2>/dev/null; }
world_wait_for "held clients finished" 10 held_done
for f in held4 held6; do
	out=$(cat "$WORLD_TMP/$f.log")
	grep -q server-A <<<"$out" && world_fail "$f: a socket bound to B reached A's server: $out"
	grep -Eq '^error E(NET|HOST)UNREACH' <<<"$out" || world_fail "$f: want ENETUNREACH: $out"
	world_log "ok: $f bound to B before it left: $(tail -n 1 <<<"$out")"
done
expect_bt "A still works" '^server-A ' --pvd "$PA" 10.99.0.1 8080
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died"
world_pass

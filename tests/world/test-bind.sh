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
#   - mifd undoes no restriction: a socket bound to another interface, or
#     carrying a mark that is not a PvD's, is refused (EPERM);
#   - IPv6 sockets, dual-stack or not, get B's device (without it a failed
#     IPv6 lookup retries with another PvD's source address); a dual-stack
#     one reaches B's server at an IPv4-mapped address, and after B left
#     fails without reaching A's;
#   - one user's idle connections (12) do not keep another from binding,
#     and mifd closes them at their deadline;
#   - a TCP socket whose close() lingers, left to mifd, does not stall it;
#     nor do two users' (each with a lane of closes stuck behind one) stop
#     a third user or root from binding;
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

# The closer budget of all users depends on the descriptor limit: mifd
# raises its soft limit to 4096 itself (up to the hard limit, which its
# unit file's LimitNOFILE sets; it warns when it cannot). Started with the
# usual soft 1024, it must raise it.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 4096 ]; then ulimit -Hn 4096; fi
ulimit -Sn 1024
world_mifd h --dhcp4 eth0 --dhcp4 wlan0
# (mifd's control socket, which world_mifd waits for, comes before the
# bind socket, where the limit is raised: wait for it.)
nofile() { awk '/^Max open files/ { print $4 }' "/proc/$WORLD_MIFD_PID/limits"; }
raised() { [ "$(nofile)" = 4096 ] || [ -S "$WORLD_TMP/mifd-bind.sock" ]; }
world_wait_for "mifd's bind socket" 10 raised
[ "$(nofile)" = 4096 ] || world_fail "mifd did not raise its descriptor limit to 4096: $(nofile)"
! grep -q "descriptor limit leaves room" "$WORLD_TMP/mifd.log" ||
	world_fail "mifd warned about its descriptor limit: $(grep "descriptor limit" "$WORLD_TMP/mifd.log")"
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
bt_nobody() {
	world_exec h setpriv --reuid=65534 --regid=65534 --clear-groups \
		env LD_LIBRARY_PATH="$WORLD_TMP/bin" "$WORLD_TMP/bin/mif-bind-test" \
		--socket "$WORLD_TMP/mifd.sock" "$@" 2>&1 || true
}
out=$(bt_nobody --pvd "$PB" 10.99.0.1 8080)
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
# Ids mifd can never have: each named (it was one generic message).
bad_id() {   # JSON_VALUE: the reply to {"pvd": JSON_VALUE} with a UDP socket
	world_exec h python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
socket.send_fds(s, [b"{\"pvd\": " + sys.argv[2].encode() + b"}"], [u.fileno()])
s.settimeout(5); print(s.recv(4096).decode())' "$WORLD_TMP/mifd-bind.sock" "$1" 2>&1
}
for v in '""' '"a\u0000b"' "\"$(head -c 400 /dev/zero | tr '\0' a)\"" '0' '[1]'; do
	out=$(bad_id "$v")
	case "${v:0:6}" in
	'""') want='"errno":22,.*the id is empty' ;;
	'"a\u00') want='"errno":22,.*contains a NUL' ;;
	'"aaaaa') want='"errno":36,.*too long' ;;
	*) want='"errno":22,.*positive integer' ;;
	esac
	grep -Eq "$want" <<<"$out" || world_fail "{\"pvd\": ${v:0:20}}: want /$want/: $out"
done
world_log "ok: an empty id, a NUL in it, 400 octets, 0 and a list each get their reason"
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died on garbage"
settled() { [ "$(nfd)" -le "$before" ]; }
world_wait_for "mifd's descriptors back to $before (now $(nfd))" 5 settled
expect_bt "still binding after the garbage" '^server-B ' --pvd "$PB" 10.99.0.1 8080

# mifd undoes no restriction set with a privilege its client may lack.
expect_bt "bound to A's interface, asked for B" '^error EPERM: .*another interface' \
	--pvd "$PB" --bind-dev eth0 10.99.0.1 8080
expect_bt "bound to A's interface, IPv6, asked for B" '^error EPERM' \
	--pvd "$PB" --v6only --bind-dev eth0 2001:db8:99::1 8080
expect_bt "already bound to B's own interface" '^server-B ' \
	--pvd "$PB" --bind-dev wlan0 10.99.0.1 8080
expect_bt "a mark that is not a PvD's" '^error EPERM: .*mark' \
	--pvd "$PB" --mark 0x5 10.99.0.1 8080
expect_bt "a PvD's mark is replaced" '^server-B ' --pvd "$PB" --mark 0x10005 10.99.0.1 8080

# Dual-stack IPv6 sockets (the default) keep B's device; an IPv4-mapped
# destination takes the IPv4 path through B's table.
wlan0=$(world_exec h cat /sys/class/net/wlan0/ifindex)
out=$(bt --pvd "$PB" --show-dev --tcp ::ffff:10.99.0.1 8080)
grep -q "^dev $wlan0\$" <<<"$out" && grep -q '^server-B ' <<<"$out" ||
	world_fail "dual-stack IPv6 to ::ffff:10.99.0.1 bound to B: $out"
world_log "ok: dual-stack IPv6 socket on B's device reaches B at ::ffff:10.99.0.1"
expect_bt "IPv6-only socket gets B's interface" "^dev $wlan0\$" \
	--pvd "$PB" --v6only --show-dev 2001:db8:99::1 8080
expect_bt "IPv6-only socket bound to B" '^server-B ' --pvd "$PB" --v6only 2001:db8:99::1 8080

# One user's idle connections: 8 taken, the rest refused at once, all
# closed at their deadline; other users still bind meanwhile.
world_bg h hog "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --hog 12
hog=$WORLD_LAST_PID
hog_up() { grep -q '^hog: .* connected' "$WORLD_TMP/hog.log"; }
world_wait_for "the hog's connections" 5 hog_up
grep -q '^hog: 12 connected, 4 refused' "$WORLD_TMP/hog.log" ||
	world_fail "per-user cap: $(cat "$WORLD_TMP/hog.log")"
out=$(bt_nobody --pvd "$PB" 10.99.0.1 8080)
grep -q '^server-B ' <<<"$out" || world_fail "nobody could not bind beside root's 12: $out"
expect_bt "root, over its share while the hog holds it" '^error EAGAIN: too many' \
	--pvd "$PB" 10.99.0.1 8080
hog_done() { ! kill -0 "$hog" 2>/dev/null; }
world_wait_for "the hog's connections closed" 10 hog_done
grep -Eq '^hog: all closed after [0-9]+ ms' "$WORLD_TMP/hog.log" ||
	world_fail "idle connections: $(cat "$WORLD_TMP/hog.log")"
ms=$(sed -n 's/^hog: all closed after \([0-9]*\) ms/\1/p' "$WORLD_TMP/hog.log")
[ "$ms" -le 4500 ] || world_fail "idle connections closed after $ms ms, deadline 3 s"
world_log "ok: 12 idle connections from root: 4 refused, the rest closed after $ms ms;" \
	"nobody bound meanwhile"

# A socket whose close() lingers (SO_LINGER 20 s, unsent data, mifd's copy
# the last): mifd's closer thread waits in close(), the event loop does not.
# mifd may answer (and let go of its copy) before the tool closes its
# own: the tool then says "raced" and the attempt is made again.
lingering() { grep -Eq '^(holding|raced)' "$WORLD_TMP/linger.log"; }
for attempt in 1 2 3 4 5; do
	: >"$WORLD_TMP/linger.log"
	world_bg h linger "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --pvd "$PB" --linger 20
	linger=$WORLD_LAST_PID
	world_wait_for "the lingering socket passed to mifd" 5 lingering
	grep -q '^raced' "$WORLD_TMP/linger.log" || break
	world_log "attempt $attempt: mifd answered before the tool closed its copy; again"
	wait "$linger" 2>/dev/null || true
	[ "$attempt" -lt 5 ] || world_fail "mifd answered first in 5 attempts out of 5"
done
in_close() { grep -qs '^3 ' /proc/"$WORLD_MIFD_PID"/task/*/syscall; }
world_wait_for "mifd's closer in close()" 3 in_close
world_exec "$WORLD_MIFD_NS" timeout 1 "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" status \
	>/dev/null || world_fail "mifctl status did not answer within 1 s while a close() lingers"
expect_bt "binding while a close() lingers" '^server-B ' --pvd "$PB" 10.99.0.1 8080
in_close || world_fail "the lingering close() ended early: the test proves nothing"
world_log "ok: a lingering close() in mifd's closer; status and binding answer meanwhile"
kill "$linger"
closed() { ! in_close; }
world_wait_for "the lingering close() over once its peer is gone" 5 closed

# One user's blocked close holds up only that user (the closer lanes,
# src/daemon/bind/bs_closer.h): nobody passes a lingering socket, then
# twice 253 copies of /dev/null, which would queue behind the blocked
# close; the second request is refused for now, and root and another user
# still bind at once. (With one closer for all, the second was taken and
# the queue left no room for anyone.) Then uid 65532 does the same: with
# two users' lanes stuck, uid 65533 still binds (the users' budget was two
# lanes full before, which those two took).
bt_as() {   # UID ARGS...
	local u=$1
	shift
	world_exec h setpriv --reuid="$u" --regid="$u" --clear-groups \
		env LD_LIBRARY_PATH="$WORLD_TMP/bin" "$WORLD_TMP/bin/mif-bind-test" \
		--socket "$WORLD_TMP/mifd.sock" "$@" 2>&1 || true
}
n_in_close() { grep -ls '^3 ' /proc/"$WORLD_MIFD_PID"/task/*/syscall | wc -l; }
# linger_as UID N: UID passes a socket whose close() lingers (mifd's copy
# the last), then fills its lane; N of mifd's closers are then in close().
linger_as() {
	local u=$1 attempt out
	# Globals: world_wait_for's own locals (n, i, ...) would hide ours.
	LINGER_UID=$1 LINGER_N=$2
	lingering_u() { grep -Eq '^(holding|raced)' "$WORLD_TMP/linger-$LINGER_UID.log"; }
	in_close_n() { [ "$(n_in_close)" -ge "$LINGER_N" ]; }
	for attempt in 1 2 3 4 5; do
		: >"$WORLD_TMP/linger-$u.log"
		world_bg h "linger-$u" setpriv --reuid="$u" --regid="$u" --clear-groups \
			env LD_LIBRARY_PATH="$WORLD_TMP/bin" "$WORLD_TMP/bin/mif-bind-test" \
			--socket "$WORLD_TMP/mifd.sock" --pvd "$PB" --linger 20
		LINGER_PID=$WORLD_LAST_PID
		world_wait_for "uid $u's lingering socket passed to mifd" 5 lingering_u
		grep -q '^raced' "$WORLD_TMP/linger-$u.log" || break
		wait "$LINGER_PID" 2>/dev/null || true
		[ "$attempt" -lt 5 ] || world_fail "mifd answered first in 5 attempts out of 5"
	done
	world_wait_for "$LINGER_N of mifd's closers in close() (uid $u's)" 3 in_close_n
	out=$(bt_as "$u" --pvd "$PB" --junk 253)
	grep -q '^reply: ' <<<"$out" || world_fail "uid $u's first 253 descriptors: $out"
	out=$(bt_as "$u" --pvd "$PB" --junk 253)
	grep -q 'busy closing' <<<"$out" || world_fail "uid $u's second 253 descriptors were taken: $out"
	world_log "ok: uid $u's own lane is full: $out"
}
linger_as 65534 1
linger2=$LINGER_PID
expect_bt "root binds while nobody's close() lingers" '^server-B ' --pvd "$PB" 10.99.0.1 8080
out=$(bt_as 65533 --pvd "$PB" 10.99.0.1 8080)
grep -q '^server-B ' <<<"$out" || world_fail "uid 65533 could not bind beside nobody's lane: $out"
world_log "ok: uid 65533 binds too -> $out"
linger_as 65532 2
linger3=$LINGER_PID
out=$(bt_as 65533 --pvd "$PB" 10.99.0.1 8080)
grep -q '^server-B ' <<<"$out" || world_fail "uid 65533 could not bind beside two stuck lanes: $out"
expect_bt "root binds beside two stuck lanes" '^server-B ' --pvd "$PB" 10.99.0.1 8080
world_log "ok: two users' lanes stuck (uid 65534, 65532): uid 65533 and root bind -> $out"
[ "$(n_in_close)" -ge 2 ] || world_fail "a lingering close() ended early: the test proves nothing"
kill "$linger2" "$linger3"
nobody_again() { grep -q '^server-B ' <<<"$(bt_as 65534 --pvd "$PB" 10.99.0.1 8080)"; }
world_wait_for "nobody binds again once the close is over" 10 nobody_again

# B leaves. Sockets bound to B before must fail, not reach server-A.
world_bg h held4 "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --pvd "$PB" \
	--hold "$WORLD_TMP/go" 10.99.0.1 8080
held4=$WORLD_LAST_PID
world_bg h held6 "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --pvd "$PB" \
	--hold "$WORLD_TMP/go" --tcp 2001:db8:99::1 8080
held6=$WORLD_LAST_PID
world_bg h held4m "$MIF_BIND_TEST" --socket "$WORLD_TMP/mifd.sock" --pvd "$PB" \
	--hold "$WORLD_TMP/go" --tcp ::ffff:10.99.0.1 8080
held4m=$WORLD_LAST_PID
both_bound() {
	grep -q '^bound' "$WORLD_TMP/held4.log" && grep -q '^bound' "$WORLD_TMP/held6.log" &&
		grep -q '^bound' "$WORLD_TMP/held4m.log"
}
world_wait_for "both held sockets bound" 10 both_bound
ip -n "$(world_ns rB)" link set eth0 down
mif_expect "B's PvD gone" 5 'length == 1 and .[0].interfaces == ["eth0"]'
expect_bt "binding to B after it left" '^error ENOENT' --pvd "$PB" 10.99.0.1 8080
: >"$WORLD_TMP/go"
held_done() { ! kill -0 "$held4" 2>/dev/null && ! kill -0 "$held6" 2>/dev/null &&
	! kill -0 "$held4m" 2>/dev/null; }
world_wait_for "held clients finished" 10 held_done
for f in held4 held6; do
	out=$(cat "$WORLD_TMP/$f.log")
	grep -q server-A <<<"$out" && world_fail "$f: a socket bound to B reached A's server: $out"
	grep -Eq '^error E(NET|HOST)UNREACH' <<<"$out" || world_fail "$f: want ENETUNREACH: $out"
	world_log "ok: $f bound to B before it left: $(tail -n 1 <<<"$out")"
done
# Dual-stack to an IPv4-mapped address: the IPv4 path with B's device bound
# may try B's (dead) link instead of failing at once; never A's server.
out=$(cat "$WORLD_TMP/held4m.log")
grep -q server-A <<<"$out" && world_fail "held4m: a socket bound to B reached A's server: $out"
grep -Eq '^error E(NET|HOST)UNREACH|^error ETIMEDOUT' <<<"$out" || world_fail "held4m: $out"
world_log "ok: dual-stack held4m bound to B before it left: $(tail -n 1 <<<"$out")"
expect_bt "A still works" '^server-A ' --pvd "$PA" 10.99.0.1 8080
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died"
world_pass

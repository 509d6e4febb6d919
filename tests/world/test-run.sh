#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifctl run --pvd ID -- COMMAND: an unmodified program (curl, getent)
# whose connections and name lookups go through one PvD, by the preload
# library libmif-preload.so (doc/run.md). Two networks whose private
# prefixes overlap, each with its own DNS server; both servers answer
# server.example with the SAME addresses (10.99.0.1, 2001:db8:99::1), where
# server-A sits behind A and server-B behind B:
#   - run --pvd B reaches server-B by name although A is the default, and
#     run --pvd A reaches server-A; IPv4 and IPv6, by name and by address;
#   - differ.example has a different answer on each network: getent
#     (getaddrinfo) shows each PvD's own answer, and B's server is asked
#     only for B; only-b.example resolves under B and fails under A (curl
#     exit 6): lookups never go to another network;
#   - loopback and localhost still work from a program run in a PvD;
#     names under localhost are loopback and reach no DNS server (RFC 6761);
#   - a program that clears its environment stays in the PvD; a socket
#     inherited from a program run in A is moved to B when connected there;
#   - LD_PRELOAD holding a path that merely contains the preload's still
#     gets the preload; exit 127 and 126 for a missing and a non-executable
#     command;
#   - an unknown PvD: exit 1, "no PvD", the command never runs;
#   - user nobody runs a program in B;
#   - B leaves while a program runs: its new sockets and lookups fail,
#     never reaching server-A.
#
#   rA (DNS 192.168.10.1) -- h:eth0 (wired, default)   rA -- srA (10.99.0.1)
#   rB (DNS 192.168.20.1) -- h:wlan0 (Wi-Fi)           rB -- srB (10.99.0.1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd setpriv curl dig getent perl
[ -n "${MIF_PRELOAD:-}" ] && [ -f "$MIF_PRELOAD" ] || world_fail "MIF_PRELOAD is not set"
# Under `make check`'s ASan build the preload carries the ASan runtime,
# which must otherwise be loaded first; the programs it is preloaded into
# (curl, getent, perl) are not instrumented.
deps=$(ldd "$MIF_PRELOAD" 2>/dev/null || true)
case "$deps" in
*libasan*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" ;;
esac
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI is not set"
world_host h
WORLD_NET_HOST=h
MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.10.1" mif_net A rA eth0 10
MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.20.1" mif_net B rB wlan0 20

# Each network's DNS server: the same answer for server.example, its own
# for differ.example, and only B knows only-b.example.
dns_dnsmasq rA dnsA 192.168.10.1 "$(dns_auth_lines 192.168.10.1 example)
host-record=server.example,10.99.0.1,2001:db8:99::1
host-record=differ.example,10.99.0.11"
dns_dnsmasq rB dnsB 192.168.20.1 "$(dns_auth_lines 192.168.20.1 example)
host-record=server.example,10.99.0.1,2001:db8:99::1
host-record=differ.example,10.99.0.22
host-record=only-b.example,10.99.0.1"
# A loopback server on h, for programs in a PvD that talk to the host.
world_bg h whoami-local "$MIF_WHOAMI" -n local -p 8081

dns_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "two PvDs with an IPv4 address, a preferred IPv6 address and a DNS server" 25 \
	'length == 2 and all(.[]; (.addresses | map(select(.address | contains(":") | not)) | length) == 1
	 and any(.addresses[]; (.address | startswith("2001:")) and .state == "preferred")
	 and (.dns.servers | length) >= 1)'
tables_ready() { mif_status | jq -e '.routing.tables | length == 2' >/dev/null; }
world_wait_for "two routing tables" 10 tables_ready
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
world_log "A is $PA, B is $PB"
NPASS=0

# run_in PVD CMD...: mifctl run --pvd PVD -- CMD in h; output and status.
run_in() {
	local pvd=$1
	shift
	world_exec h env MIF_PRELOAD="$MIF_PRELOAD" "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" \
		run --pvd "$pvd" -- "$@"
}
# expect DESC REGEX PVD CMD...: the output of run_in matches REGEX.
expect() {
	local desc=$1 want=$2 got
	shift 2
	got=$(run_in "$@" 2>&1) || true
	grep -Eq "$want" <<<"$got" || world_fail "$desc: got '$got', want /$want/"
	world_log "ok: $desc -> $(head -c 200 <<<"$got" | tr '\n' ' ')"
	NPASS=$((NPASS + 1))
}
# expect_rc DESC RC PVD CMD...: run_in exits with RC.
expect_rc() {
	local desc=$1 want=$2 got rc=0
	shift 2
	got=$(run_in "$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] || world_fail "$desc: exit $rc, want $want: $got"
	grep -q server-A <<<"$got" && world_fail "$desc: reached server-A: $got"
	world_log "ok: $desc -> exit $rc: $(head -c 200 <<<"$got" | tr '\n' ' ')"
	NPASS=$((NPASS + 1))
}
CURL=(curl --http0.9 -s --max-time 10)

# Plain curl from h reaches the default network's server.
got=$(world_exec h "${CURL[@]}" http://10.99.0.1:8080/ || true)
grep -q '^server-A ' <<<"$got" || world_fail "plain curl: got '$got', want server-A (A is the default)"

# 1. By name: the PvD decides which server the same address reaches.
expect "run --pvd B: server.example" '^server-B ' "$PB" "${CURL[@]}" http://server.example:8080/
expect "run --pvd A: server.example" '^server-A ' "$PA" "${CURL[@]}" http://server.example:8080/
expect "run --pvd B: server.example over IPv4" '^server-B 192\.168\.20\.' "$PB" \
	"${CURL[@]}" -4 http://server.example:8080/
expect "run --pvd B: server.example over IPv6" '^server-B 2001:db8:20:' "$PB" \
	"${CURL[@]}" -6 http://server.example:8080/
expect "run --pvd B: an address, no name" '^server-B ' "$PB" "${CURL[@]}" http://10.99.0.1:8080/
expect "run --pvd B by handle" '^server-B ' \
	"$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .handle')" \
	"${CURL[@]}" "http://[2001:db8:99::1]:8080/"

# 2. Lookups go through the PvD's own servers, and only those.
a0=$(dns_count_queries dnsA 'differ\.example')
b0=$(dns_count_queries dnsB 'differ\.example')
expect "getent under B: B's answer" '^10\.99\.0\.22 +STREAM differ\.example' "$PB" \
	getent ahostsv4 differ.example
[ "$(dns_count_queries dnsA 'differ\.example')" = "$a0" ] ||
	world_fail "A's server was asked differ.example for a program run in B"
[ "$(dns_count_queries dnsB 'differ\.example')" -gt "$b0" ] ||
	world_fail "B's server never saw differ.example"
expect "getent under A: A's answer" '^10\.99\.0\.11 +STREAM differ\.example' "$PA" \
	getent ahostsv4 differ.example
# gethostbyname() (perl's), for programs older than getaddrinfo().
expect "gethostbyname under B: B's answer" '^10\.99\.0\.22$' "$PB" perl -e \
	'my @h = gethostbyname("differ.example") or die "not found\n"; print join(".", unpack("C4", $h[4])), "\n"'
expect "only B knows only-b.example" '^server-B ' "$PB" "${CURL[@]}" http://only-b.example:8080/
expect_rc "only-b.example under A: curl cannot resolve it" 6 "$PA" \
	"${CURL[@]}" http://only-b.example:8080/
expect "getent ahosts server.example under B: both families, one per socket type" \
	'2001:db8:99::1 +STREAM server\.example' "$PB" getent ahosts server.example

# eval "$(mifctl pvd use B)": what the shell starts afterwards runs in B.
out=$(world_exec h env MIF_PRELOAD="$MIF_PRELOAD" bash -c "eval \"\$('$MIFCTL' --socket \
	'$WORLD_TMP/mifd.sock' pvd use '$PB')\" && curl --http0.9 -s --max-time 10 \
	http://server.example:8080/" 2>&1 || true)
grep -q '^server-B ' <<<"$out" || world_fail "eval \$(mifctl pvd use B); curl: $out"
world_log "ok: eval \$(mifctl pvd use B); curl -> $out"
NPASS=$((NPASS + 1))

# 3. Loopback and localhost from inside a PvD.
expect "loopback 127.0.0.1 from B" '^local 127\.0\.0\.1' "$PB" "${CURL[@]}" http://127.0.0.1:8081/
expect "loopback ::1 from B" '^local ::1' "$PB" "${CURL[@]}" "http://[::1]:8081/"
expect "localhost from B" '^local ' "$PB" "${CURL[@]}" http://localhost:8081/
a0=$(dns_count_queries dnsA 'localhost')
b0=$(dns_count_queries dnsB 'localhost')
expect "a name under localhost from B: ::1 and 127.0.0.1" \
	'^::1 +STREAM mif-test\.localhost' "$PB" getent ahosts mif-test.localhost
expect "a name under localhost from B, IPv4" '^127\.0\.0\.1 +STREAM' "$PB" \
	getent ahostsv4 mif-test.localhost
expect "curl to a name under localhost from B" '^local ' "$PB" "${CURL[@]}" \
	http://mif-test.localhost:8081/
[ "$(dns_count_queries dnsA 'localhost')" = "$a0" ] &&
	[ "$(dns_count_queries dnsB 'localhost')" = "$b0" ] ||
	world_fail "a localhost name reached a network's DNS server"

# 3b. The environment is read once: a program that clears it (perl's
# %ENV = () empties the C environment) still connects through B.
expect "clearenv() then connect: still B" '^server-B ' "$PB" perl -MIO::Socket::INET -e \
	'%ENV = (); die "environment left\n" if keys %ENV;
	 my $s = IO::Socket::INET->new(PeerAddr => "10.99.0.1", PeerPort => 8080,
		Proto => "tcp", Timeout => 10) or die "connect: $!\n";
	 print $s "GET / HTTP/1.0\r\n\r\n"; print while <$s>'
# A socket made under A (marked for A), inherited by a program run in B:
# connect() moves it to B.
cat >"$WORLD_TMP/inherit.pl" <<'EOF'
use Socket;
if (@ARGV == 1) {            # in B: connect the inherited descriptor
	open(my $s, "+<&=", $ARGV[0]) or die "fd $ARGV[0]: $!\n";
	connect($s, sockaddr_in(8080, inet_aton("10.99.0.1"))) or die "connect: $!\n";
	syswrite($s, "GET / HTTP/1.0\r\n\r\n");
	print while <$s>;
	exit 0;
}
$^F = 1000;                  # in A: keep the socket across exec
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
exec(@ARGV, "perl", $0, fileno($s)) or die "exec: $!\n";
EOF
expect "a socket bound in A, inherited and connected in B: B" '^server-B ' "$PA" \
	perl "$WORLD_TMP/inherit.pl" env MIF_PRELOAD="$MIF_PRELOAD" "$MIFCTL" \
	--socket "$WORLD_TMP/mifd.sock" run --pvd "$PB" --

# 4. An unknown PvD: a clear message, exit 1, nothing run.
rc=0
out=$(run_in no.such.pvd touch "$WORLD_TMP/ran" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q 'no PvD "no.such.pvd"' <<<"$out" ||
	world_fail "unknown PvD: exit $rc: $out"
[ ! -e "$WORLD_TMP/ran" ] || world_fail "the command ran although the PvD does not exist"
world_log "ok: unknown PvD -> exit 1: $out"
rc=0
out=$(world_exec h "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" run --pvd "$PB" 2>&1) || rc=$?
[ "$rc" = 2 ] || world_fail "run without a command: exit $rc: $out"
# A preload that cannot be loaded: ld.so would only warn and run the
# program on the default network, so mifctl refuses.
rc=0
out=$(world_exec h env MIF_PRELOAD="$WORLD_TMP/no-such-preload.so" "$MIFCTL" \
	--socket "$WORLD_TMP/mifd.sock" run --pvd "$PB" -- touch "$WORLD_TMP/ran" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q 'cannot load' <<<"$out" && [ ! -e "$WORLD_TMP/ran" ] ||
	world_fail "a missing preload: exit $rc: $out"
world_log "ok: no command -> exit 2; a missing preload -> exit 1: $out"
NPASS=$((NPASS + 3))
# A list that merely contains the preload's path still gets the preload.
out=$(world_exec h env LD_PRELOAD=/x/libmif-preload.so.old MIF_PRELOAD="$MIF_PRELOAD" \
	"$MIFCTL" --socket "$WORLD_TMP/mifd.sock" run --pvd "$PB" -- \
	printenv LD_PRELOAD 2>/dev/null || true)
[ "$out" = "$MIF_PRELOAD:/x/libmif-preload.so.old" ] ||
	world_fail "LD_PRELOAD=/x/libmif-preload.so.old: the program got '$out'"
world_log "ok: LD_PRELOAD with a look-alike -> $out"
NPASS=$((NPASS + 1))
expect_rc "a command that does not exist: 127" 127 "$PB" "$WORLD_TMP/no-such-command"
expect_rc "a command that cannot be executed: 126" 126 "$PB" "$WORLD_TMP"

# 5. Unprivileged: nobody runs curl in B (copies nobody can read).
mif_as_nobody pvd list >/dev/null
cp "$MIF_PRELOAD" "$WORLD_TMP/bin/libmif-preload.so"
chmod 0755 "$WORLD_TMP/bin/libmif-preload.so"
out=$(world_exec h setpriv --reuid=65534 --regid=65534 --clear-groups \
	env LD_LIBRARY_PATH="$WORLD_TMP/bin" MIF_PRELOAD="$WORLD_TMP/bin/libmif-preload.so" \
	"$WORLD_TMP/bin/mifctl" --socket "$WORLD_TMP/mifd.sock" run --pvd "$PB" -- \
	"${CURL[@]}" http://server.example:8080/ 2>&1 || true)
grep -q '^server-B ' <<<"$out" || world_fail "nobody's curl in B: $out"
world_log "ok: nobody runs curl in B -> $out"
NPASS=$((NPASS + 1))

# 6. B leaves while a program runs in it: what it opens afterwards fails.
cat >"$WORLD_TMP/held.sh" <<EOF
$(printf '%q ' "${CURL[@]}") http://server.example:8080/; echo "first rc=\$?"
for i in \$(seq 1 200); do [ -e "$WORLD_TMP/go" ] && break; sleep 0.1; done
$(printf '%q ' "${CURL[@]}") http://10.99.0.1:8080/; echo "by address rc=\$?"
$(printf '%q ' "${CURL[@]}") http://server.example:8080/; echo "by name rc=\$?"
EOF
world_bg h held env MIF_PRELOAD="$MIF_PRELOAD" "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" \
	run --pvd "$PB" -- bash "$WORLD_TMP/held.sh"
held=$WORLD_LAST_PID
first_done() { grep -q '^first rc=' "$WORLD_TMP/held.log"; }
world_wait_for "the held program's first request" 15 first_done
grep -q '^server-B ' "$WORLD_TMP/held.log" || world_fail "held program before B left: $(cat "$WORLD_TMP/held.log")"
ip -n "$(world_ns rB)" link set eth0 down
mif_expect "B's PvD gone" 5 'length == 1 and .[0].interfaces == ["eth0"]'
: >"$WORLD_TMP/go"
held_done() { ! kill -0 "$held" 2>/dev/null; }
world_wait_for "the held program finished" 30 held_done
out=$(cat "$WORLD_TMP/held.log")
grep -q server-A <<<"$out" && world_fail "a program run in B reached server-A after B left: $out"
grep -q '^by address rc=0' <<<"$out" && world_fail "curl by address succeeded after B left: $out"
grep -q '^by name rc=6' <<<"$out" || world_fail "curl by name after B left: want exit 6: $out"
grep -q 'could not be bound to PvD' <<<"$out" || world_fail "no word of the unbound socket: $out"
world_log "ok: after B left: $(grep rc= <<<"$out" | tr '\n' ' ')"
NPASS=$((NPASS + 1))
expect "A still works" '^server-A ' "$PA" "${CURL[@]}" http://server.example:8080/
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died"
world_log "$NPASS checks passed"
world_pass

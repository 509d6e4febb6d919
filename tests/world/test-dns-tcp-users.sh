#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub's DNS-over-TCP slots per local user (issue 17, row 10), and its
# UDP receive buffer (row 14):
#   - user nobody opens 30 connections that never send a whole query: it
#     keeps at most 16 (STUB_TCP_PER_USER), its own oldest closed for its
#     newest (tcp_user_evicted);
#   - user daemon does the same: it gets its own 16, nobody's stay;
#   - root is not limited per user and is answered over TCP meanwhile;
#   - the listening UDP socket's receive buffer is 4 MiB (the kernel
#     reports twice that), not rmem_default.
#
#   r1 (mif-dns-spoof at 2001:db8:1::53) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig setpriv ss
dns_spoof_required
dns_one_link
world_bg r1 srv "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --max-seconds 120
dns_one_pvd
ok() { [ "$(dns_dig_short h "$1" A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok w0.users.test

stub() { world_ctl --json dns | jq -c "$1"; }

# holders NAME UID N SECONDS: as UID, open N TCP connections to the stub,
# each with one octet of a length prefix, then trickle an octet a second.
holders() {
	world_bg h "holders-$1" setpriv --reuid="$2" --regid="$2" --clear-groups bash -c '
		trap "" PIPE
		fds=()
		for ((i = 0; i < $1; i++)); do
			exec {fd}<>/dev/tcp/127.0.0.153/53 || continue
			printf "\001" >&"$fd" 2>/dev/null || true
			fds+=("$fd")
		done
		echo "opened ${#fds[@]}"
		for ((t = 0; t < $2; t++)); do
			sleep 1
			for fd in "${fds[@]}"; do printf a >&"$fd" 2>/dev/null || true; done
		done' holders "$3" "$4"
}

# 1. One user: capped at 16, its own oldest make room.
ue0=$(stub .stub.tcp_user_evicted)
[ "$ue0" != null ] || world_fail "no tcp_user_evicted counter: $(stub .stub)"
holders nobody 65534 30 20
P1=$WORLD_LAST_PID
world_wait_for "nobody's 30 connections opened" 10 grep -q "opened 30" "$WORLD_TMP/holders-nobody.log"
n=$(stub .stub.tcp_clients)
ue1=$(stub .stub.tcp_user_evicted)
[ "$n" -le 16 ] || world_fail "user nobody holds $n TCP connections (limit 16): $(stub .stub)"
[ "$ue1" -ge $((ue0 + 14)) ] || world_fail "nobody's extra connections not evicted ($ue0 -> $ue1)"
world_log "ok: user nobody holds $n TCP connections of 30 opened; $((ue1 - ue0)) evicted"

# 2. Another user gets its own share; nobody's are not pushed out.
holders daemon 1 30 20
P2=$WORLD_LAST_PID
world_wait_for "daemon's 30 connections opened" 10 grep -q "opened 30" "$WORLD_TMP/holders-daemon.log"
n=$(stub .stub.tcp_clients)
[ "$n" -ge 30 ] && [ "$n" -le 32 ] ||
	world_fail "two users with 30 connections each: $n held (want 16 each): $(stub .stub)"
world_log "ok: users nobody and daemon hold $n TCP connections together"

# 3. Root is answered over TCP meanwhile.
t0=$(world__now_ms)
out=$(world_exec h dig @127.0.0.153 +tcp +tries=1 +time=2 +short w1.users.test A 2>&1) || true
ms=$(($(world__now_ms) - t0))
[ "$out" = 192.0.2.7 ] || world_fail "root's TCP query beside two users' connections: $out"
world_log "ok: root answered over TCP in $ms ms"
kill "$P1" "$P2" 2>/dev/null || true
wait "$P1" "$P2" 2>/dev/null || true

# 4. The UDP receive buffer (ss reports the kernel's doubled value as rb).
rb=$(world_exec h ss -ulmnH 'sport = :53' | grep -o 'rb[0-9]*' | head -1 | tr -d rb)
[ -n "$rb" ] && [ "$rb" -ge $((4 << 20)) ] ||
	world_fail "the stub's UDP receive buffer is ${rb:-unknown} octets, want 4 MiB or more"
world_log "ok: the stub's UDP receive buffer is $rb octets"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass

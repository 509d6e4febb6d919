#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub when the network is flaky (issue 19, resilience):
#   - coalescing: 100 identical queries sent at once (one client process,
#     100 sockets, 100 IDs, the name in random case) reach the server as
#     one query, and each client gets its own answer (its ID, its case);
#   - serve-stale (RFC 8767): with the server dead, an expired answer is
#     still served, with TTL 30, marked stale in `mifctl resolve` and
#     counted in `mifctl dns`, logged; once max_stale (6 s here) has
#     passed since it expired, SERVFAIL.
#
#   r1 (mif-dns-spoof at 2001:db8:1::53, TTL 2, answers 150 ms late) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig python3
dns_spoof_required
dns_one_link
# 150 ms: under the smallest retransmission timeout (200 ms), so the
# stub's one query is never sent twice.
world_bg r1 srv "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --ttl 2 --delay 150 \
	--log "$WORLD_TMP/srv-queries.log" --max-seconds 120
SRV=$WORLD_LAST_PID
dns_one_pvd "timeout_ms = 2000
max_stale = 6"
ok() { [ "$(dns_dig_short h "$1" A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok w0.res.test

stub() { world_ctl --json dns | jq -c "$1"; }

# 1. Coalescing.
c0=$(stub .stub.coalesced)
out=$(world_exec h python3 - <<'PY'
import random, select, socket, struct, time
name = "Co.ReS.TeSt"
def query(qid, n):
    q = b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack(">HH", 1, 1)
socks, want = [], {}
for i in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n = "".join(c.upper() if random.random() < 0.5 else c.lower() for c in name)
    qid = random.randrange(65536)
    s.sendto(query(qid, n), ("127.0.0.153", 53))
    socks.append(s)
    want[s] = query(qid, n)
good, end = 0, time.time() + 8
while want and time.time() < end:
    r, _, _ = select.select(list(want), [], [], 0.5)
    for s in r:
        m = s.recv(4096)
        q = want.pop(s)
        # Its ID, its question bytes (case), one A 192.0.2.7.
        if m[:2] == q[:2] and m[12:len(q)] == q[12:] and m[-4:] == bytes([192, 0, 2, 7]):
            good += 1
print(good)
PY
)
[ "$out" = 100 ] || world_fail "100 identical queries: $out good answers"
n=$(grep -ci 'co\.res\.test' "$WORLD_TMP/srv-queries.log" || true)
[ "$n" = 1 ] || world_fail "100 identical queries reached the server $n times: $(cat "$WORLD_TMP/srv-queries.log")"
c1=$(stub .stub.coalesced)
[ "$c1" -ge $((c0 + 99)) ] || world_fail "coalesced counter $c0 -> $c1"
world_log "ok: 100 identical queries, each answered with its own ID and case, 1 upstream query ($((c1 - c0)) coalesced)"

# 2. Serve-stale.
ok st.res.test || world_fail "no answer for st.res.test"
kill "$SRV"
wait "$SRV" 2>/dev/null || true
t_dead=$(world__now_ms)
sleep 2.5                                 # the TTL (2 s) has passed
out=$(dns_dig h st.res.test A 2>&1) || true
ttl=$(awk '$4 == "A" && $1 ~ /^st/ { print $2; exit }' <<<"$out")
[ "$ttl" = 30 ] || world_fail "no stale answer with TTL 30 while the server is dead: $out"
j=$(dns_res st.res.test)
dns_expect "mifctl resolve marks the answer stale" "$j" \
	'.stale == true and .answers[0].data == "192.0.2.7" and .answers[0].ttl == 30'
[ "$(stub .stub.stale)" -ge 2 ] || world_fail "stale answers not counted: $(stub .stub)"
grep -q "served a stale answer" "$WORLD_TMP/mifd.log" || world_fail "no stale answer in the log"
[ "$(dns_dig_status h never.res.test A)" = SERVFAIL ] ||
	world_fail "a name never cached, server dead: not SERVFAIL"
world_log "ok: stale answer served with TTL 30, marked stale, counted, logged"
# Expired at about t_dead (+0.x s); max_stale 6 s: by t_dead + 9 s, gone.
left=$((t_dead + 9000 - $(world__now_ms)))
[ "$left" -gt 0 ] && sleep "$(awk -v m="$left" 'BEGIN { printf "%.1f", m / 1000 }')"
st=$(dns_dig_status h st.res.test A)
[ "$st" = SERVFAIL ] || world_fail "an answer served past max_stale: $st"
world_log "ok: SERVFAIL once max_stale has passed"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass

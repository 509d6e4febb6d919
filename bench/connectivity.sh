#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 13), in its own namespaces, with nginx (HTTP and HTTPS
# 204 from a test CA) behind each of two routers and dnsmasq on each:
#  1. time from an RA announcing a network to mifd calling it valid
#     (target: under 300 ms), ROUNDS times; h forms its address without DAD,
#     so the time is mifd's: the check through the PvD and the decision;
#  2. time from a network going silent (nftables drops everything on its
#     router) to mifd calling it no-internet, while an upload runs through it
#     (target: 1 s), and without traffic, where the next periodic check finds
#     it (the interval is 20 s here; 3600 s by default);
#  3. the bytes a valid idle PvD's checks cost (counted by nftables on its
#     router: DNS, HTTP, HTTPS), per check and per hour at the default
#     interval, next to NetworkManager's and Android's published schedules.
# Usage: bench/connectivity.sh [ROUNDS] (default 10; root; after make)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export MIFD=$build/src/daemon/mifd MIFCTL=$build/src/ctl/mifctl
export MIF_RA_SEND=$build/tests/tools/mif-ra-send
rounds=${1:-10}
. "$top/tests/world/lib.sh"
. "$top/tests/world/mif.sh"
. "$top/tests/world/tls.sh"
WORLD_TEST=bench-connectivity
world_init
world_require jq nginx dnsmasq radvd openssl nft curl nc python3
T=$WORLD_TMP
mono() { python3 -c 'import time; print("%.6f" % time.monotonic())'; }

tls_ca
tls_cert check.test check

world_host h
world_sysctl h net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
for n in 1 2; do
	world_router "r$n"
	world_host "i$n"
	world_link "r$n" eth0 h "eth$((n - 1))"
	world_sysctl h "net.ipv6.conf.eth$((n - 1)).accept_dad=0"
	world_addr "r$n" eth0 "2001:db8:$n::1/64"
	world_link "r$n" eth1 "i$n" eth0
	world_addr "r$n" eth1 "2001:db8:f$n::1/64"
	world_addr "i$n" eth0 "2001:db8:f$n::80/64"
	ip -n "$(world_ns "i$n")" -6 route add default via "2001:db8:f$n::1"
	nginx_conf "$n" "server { listen [::]:80; access_log off; location / { return 204; } }
		server { listen [::]:443 ssl; access_log off; ssl_certificate $T/check.pem;
			ssl_certificate_key $T/check.key; location / { return 204; } }"
	nginx_start "$n" "i$n"
	mif_dnsmasq "r$n" "dns$n" "port=53
listen-address=2001:db8:$n::1
bind-interfaces
no-resolv
host-record=check.test,2001:db8:f$n::80"
done
world_bg i1 sink nc -6 -l -k 9000
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:2::1 { AdvRDNSSLifetime 600; }; };"
cat >"$T/mifd.conf" <<EOF
[connectivity]
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
interval = 20
timeout_ms = 2000
quality_interval = 10
EOF
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf" --log-level warning
world_bg h stamp "$build/bench/event-stamp" "$T/mifd.sock" 1000000
world_wait_for "event-stamp subscribed" 5 grep -q subscribed "$T/stamp.log"
P2=$(mif_pvd_on eth1)
mif_expect "r2 valid" 20 "$P2[0].connectivity_state == \"valid\""

ra1() {  # ra1 LIFETIME: r1's RA (prefix, DNS server; preference high)
	world_ra_send r1 -i eth0 --print-time --pref high --lifetime "$1" \
		--prefix "2001:db8:1::/64,valid=$(($1 ? 1800 : 0)),preferred=$(($1 ? 1800 : 0))" \
		--rdnss "2001:db8:1::1,lifetime=$1" | awk '{print $2}'
}
lla1=$(world_lla r1 eth0)
ID1="$lla1%eth0"
state_after() {  # state_after T0 STATE: seconds from T0 to the first event of r1 in STATE
	awk -v t0="$1" -v id="$ID1" -v st="$2" \
		'$1 >= t0 && $3 == id && $4 == st { printf "%.1f\n", ($1 - t0) * 1000; exit }' \
		"$T/stamp.log"
}
median() { sort -n | awk '{a[NR] = $1} END { if (NR) print a[int((NR + 1) / 2)]; else print "n/a" }'; }

# ---- 1. RA to valid ----
: >"$T/valid.ms"
for ((k = 0; k < rounds; k++)); do
	ra1 0 >/dev/null
	gone() { ! mif__match "any(.id == \"$ID1\")"; }
	world_wait_for "r1's PvD gone" 10 gone
	t0=$(ra1 1800)
	got() { [ -n "$(state_after "$t0" valid)" ]; }
	world_wait_for "r1 valid (round $k)" 10 got
	state_after "$t0" valid >>"$T/valid.ms"
done
valid_med=$(median <"$T/valid.ms")
valid_max=$(sort -n "$T/valid.ms" | tail -1)

# ---- 2. silence to demotion, with and without traffic ----
blackhole() {
	python3 - "$(world_ns r1)" <<'PY'
import subprocess, sys, time
rules = """table inet blackhole {
	chain input { type filter hook input priority 0; iifname "eth0" drop; }
	chain forward { type filter hook forward priority 0; drop; }
}"""
subprocess.run(["ip", "netns", "exec", sys.argv[1], "nft", "-f", "-"], input=rules.encode(),
               check=True)
print("%.6f" % time.monotonic())
PY
}
restore() {
	world_exec r1 nft delete table inet blackhole
	back() { mif__match "any(.id == \"$ID1\" and .connectivity_state == \"valid\")"; }
	world_wait_for "r1 valid again" 15 back
}
# Preconditions (issue 17, item 4): a round "under an upload" counts only
# if the upload was running when the network went silent; the bytes per
# check only if a check ran in the minute counted. Else INVALID, exit 3.
invalid=()
: >"$T/stall.ms"
for ((k = 0; k < 5; k++)); do
	world_bg h "upload$k" curl -s -H 'Expect:' --limit-rate 50k -T /dev/zero \
		"http://[2001:db8:f1::80]:9000/"
	up=$WORLD_LAST_PID
	sleep 1
	kill -0 "$up" 2>/dev/null ||
		invalid+=("round $k under an upload: curl had already exited when the network went silent")
	t0=$(blackhole)
	got() { [ -n "$(state_after "$t0" no-internet)" ]; }
	world_wait_for "r1 demoted under traffic (round $k)" 10 got
	state_after "$t0" no-internet >>"$T/stall.ms"
	kill "$up" 2>/dev/null || true
	restore
done
stall_med=$(median <"$T/stall.ms")
: >"$T/idle.ms"
for ((k = 0; k < 3; k++)); do
	t0=$(blackhole)
	got() { [ -n "$(state_after "$t0" no-internet)" ]; }
	world_wait_for "r1 demoted without traffic (round $k)" 40 got
	state_after "$t0" no-internet >>"$T/idle.ms"
	restore
done
idle_list=$(tr '\n' ' ' <"$T/idle.ms")

# ---- 3. bytes of a valid idle PvD's checks and path samples (r2) ----
# Counted apart: TCP (HTTP, HTTPS) in the forward chain, DNS at r2's own
# server. A check asks four names (the probe's host for HTTP and HTTPS, a
# random name, and the AAAA the HTTPS probe shares), a path sample one:
# the DNS bytes split by that count, which the two kinds share equally
# (the same name, within a few bytes for the random one).
world_exec r2 nft -f - <<'NFT'
table inet count {
	chain cfwd { type filter hook forward priority 0; ip6 saddr 2001:db8:2::/64 counter;
		ip6 daddr 2001:db8:2::/64 counter; }
	chain cinput { type filter hook input priority 0; udp dport 53 counter; }
	chain coutput { type filter hook output priority 0; udp sport 53 counter; }
}
NFT
checks0=$(mif_pvds | jq "$P2[0].connectivity.checks")
samples0=$(mif_pvds | jq "$P2[0].connectivity.quality.samples")
sleep 61
checks1=$(mif_pvds | jq "$P2[0].connectivity.checks")
samples1=$(mif_pvds | jq "$P2[0].connectivity.quality.samples")
counters=$(world_exec r2 nft -j list table inet count)
tcp=$(printf '%s' "$counters" | jq '[.nftables[] | select(.rule and .rule.chain == "cfwd")
	| .rule.expr[] | select(.counter) | .counter.bytes] | add')
dns=$(printf '%s' "$counters" | jq '[.nftables[] | select(.rule and .rule.chain != "cfwd")
	| .rule.expr[] | select(.counter) | .counter.bytes] | add')
n=$((checks1 - checks0))
ns=$((samples1 - samples0))
lookups=$((n * 4 + ns))
q=$((lookups > 0 ? dns / lookups : 0))
per=$((n > 0 ? tcp / n + 4 * q : 0))
hour=$((per + 6 * 5 * q))     # one check and six rounds of five samples an hour
[ "$n" -gt 0 ] && [ "${tcp:-0}" -gt 0 ] && [ "$ns" -gt 0 ] ||
	invalid+=("bytes: $n checks ($((${tcp:-0})) TCP bytes) and $ns samples in the 61 s counted")

cat <<EOF
connectivity.sh: $rounds rounds
  RA to valid:                    median $valid_med ms, max $valid_max ms (target < 300 ms)
  silence to no-internet, upload: median $stall_med ms over 5 rounds (target 1000 ms)
  silence to no-internet, idle:   $idle_list ms (next periodic check; interval 20 s here)
  bytes per check of a valid PvD: $per ($n checks: HTTP and HTTPS $tcp bytes; DNS $((n * 4 * q)))
  bytes per path sample:          $q ($ns samples; all lookups $dns bytes)
  per hour at the defaults:       $hour bytes (one check and 30 samples an hour; target < 20 KB)
  NetworkManager (interval 300 s, HTTP only): 12 checks an hour
  Android (NetworkMonitor): no periodic check of a validated network; stalls trigger one
EOF
if [ "${#invalid[@]}" -gt 0 ]; then
	printf '  INVALID: %s\n' "${invalid[@]}"
	exit 3
fi
world_pass

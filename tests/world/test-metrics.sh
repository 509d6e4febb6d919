#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifctl metrics: mifd's counters in the Prometheus text format (and
# mifctl stats, the same for people).
#   - a PvD "corp" with its own DNS server (dnsmasq); www.corp.example asked
#     twice through the stub (one miss, one hit) and once through the
#     control socket as libmif and nss-mif ask (a hit);
#   - `mifctl metrics` passes promtool's lint, and parsed here it has the
#     PvD's queries (3), cache hits (2) and misses (1), hit ratio 2/3, its
#     server up with queries sent and an RTT, the stub's counters, and
#     mif_pvd_info for corp;
#   - `mifctl metrics --listen 127.0.0.1:PORT` is scraped by a real
#     Prometheus (in the host's namespace, its data in WORLD_TMP), whose
#     query API then returns the same hit count; anything but /metrics is
#     404; a non-loopback --listen is refused.
#
#   r:eth0 10.9.0.1 (dnsmasq, corp.example) -- h:eth0 10.9.0.5
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq dig curl promtool prometheus
world_host h
world_host r
world_link r eth0 h eth0
ip -n "$(world_ns r)" addr add 10.9.0.1/24 dev eth0
ip -n "$(world_ns h)" addr add 10.9.0.5/24 dev eth0
dns_dnsmasq r dns-corp 10.9.0.1 "$(dns_auth_lines 10.9.0.1 corp.example)
host-record=www.corp.example,10.9.0.80"
dns_mifd h
world_ctl pvd add corp --interface eth0 --dns 10.9.0.1 --domain corp.example \
	--prefix 10.9.0.0/24 >/dev/null || world_fail "pvd add corp"
for _ in 1 2; do
	a=$(dns_dig_short h www.corp.example A)
	[ "$a" = 10.9.0.80 ] || world_fail "www.corp.example: '$a'"
done
# A query through the control socket (libmif, nss-mif) counts too: a hit.
world_ctl resolve www.corp.example --type A >/dev/null || world_fail "mifctl resolve"

# metric NAME LABELS: the value of one sample (labels as printed, or "").
metric() {
	awk -v n="$1" -v l="$2" '!/^#/ {
		split($0, a, " "); name = a[1]; lab = ""
		if ((i = index(name, "{")) > 0) { lab = substr(name, i); name = substr(name, 1, i - 1) }
		if (name == n && lab == l) { print a[2]; found = 1 }
	} END { if (!found) print "missing" }' <<<"$M"
}
want() {   # NAME LABELS VALUE
	local v
	v=$(metric "$1" "$2")
	[ "$v" = "$3" ] || world_fail "$1$2 = $v, want $3"
}
M=$(world_ctl metrics) || world_fail "mifctl metrics failed"
printf '%s\n' "$M" >"$WORLD_TMP/metrics.txt"
promtool check metrics <"$WORLD_TMP/metrics.txt" >"$WORLD_TMP/promtool.log" 2>&1 ||
	world_fail "promtool check metrics: $(cat "$WORLD_TMP/promtool.log")"
want mif_pvd_dns_queries_total '{pvd="corp"}' 3
want mif_pvd_dns_cache_hits_total '{pvd="corp"}' 2
want mif_pvd_dns_cache_misses_total '{pvd="corp"}' 1
want mif_dns_server_up '{pvd="corp",server="10.9.0.1"}' 1
want mif_dns_server_loss_ratio '{pvd="corp",server="10.9.0.1"}' 0
want mif_pvd_info '{pvd="corp",source="api",interfaces="eth0"}' 1
want mif_pvds '' 1
# Failovers, validity, path quality, marked queries (none here: a static
# PvD that never expires, never left as the default, not sampled).
want mif_pvd_failovers_total '{pvd="corp"}' 0
want mif_pvd_expiry_seconds '{pvd="corp"}' -1
want mif_pvd_path_loss_ratio '{pvd="corp"}' 0
want mif_failovers_total '' 0
want mif_routing_default_changes_total '{reason="connectivity"}' 0
want mif_routing_default_changes_total '{reason="route"}' 0
want mif_dns_stub_marked_total '' 0
sent=$(metric mif_dns_server_queries_total '{pvd="corp",server="10.9.0.1"}')
[ "$sent" != missing ] && [ "$sent" -ge 1 ] || world_fail "server queries: $sent"
rtt=$(metric mif_dns_server_srtt_seconds '{pvd="corp",server="10.9.0.1"}')
awk -v r="$rtt" 'BEGIN { exit !(r > 0 && r < 1) }' || world_fail "server RTT $rtt s"
q=$(metric mif_dns_stub_queries_total '')
[ "$q" != missing ] && [ "$q" -ge 2 ] || world_fail "stub queries: $q"
ratio=$(metric mif_pvd_dns_cache_hit_ratio '{pvd="corp"}')
awk -v r="$ratio" 'BEGIN { exit !(r > 0.66 && r < 0.67) }' || world_fail "hit ratio $ratio, want 2/3"
world_log "ok: mifctl metrics: promtool lint clean, $(grep -vc '^#' <<<"$M") samples, corp: 3 queries, 2 hits, ratio $ratio, server RTT $rtt s"

# The same numbers for people: mifctl stats, and its JSON.
st=$(world_ctl stats) || world_fail "mifctl stats"
grep -Eq '^corp +[a-z-]+ +[0-9]+ +3 +67 +1/1 +[0-9.]+ms +0\.0$' <<<"$st" || world_fail "mifctl stats: $st"
world_ctl --json stats | jq -e '.pvds[0].pvd == "corp" and .pvds[0].dns_queries == 3 and
	.pvds[0].cache_hits == 2 and .pvds[0].servers_up == 1 and .stub.queries >= 2' >/dev/null ||
	world_fail "mifctl --json stats: $(world_ctl --json stats)"
world_log "ok: mifctl stats: $(grep '^corp' <<<"$st" | tr -s ' ')"

# Over HTTP, scraped by Prometheus.
PORT=19153
world_bg h metrics-http "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" metrics --listen "127.0.0.1:$PORT"
http_up() { world_exec h curl -sf "http://127.0.0.1:$PORT/metrics" -o /dev/null; }
world_wait_for "the metrics listener" 5 http_up
code=$(world_exec h curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/other")
[ "$code" = 404 ] || world_fail "/other: HTTP $code, want 404"
rc=0; world_ctl metrics --listen 10.9.0.5:9 2>/dev/null || rc=$?
[ "$rc" = 2 ] || world_fail "a non-loopback --listen: exit $rc, want 2"
cat >"$WORLD_TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mif
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
world_bg h prometheus prometheus --config.file="$WORLD_TMP/prometheus.yml" \
	--storage.tsdb.path="$WORLD_TMP/prom-data" --web.listen-address=127.0.0.1:19090
prom_q() {
	world_exec h curl -sf --get "http://127.0.0.1:19090/api/v1/query" --data-urlencode "query=$1"
}
scraped() {
	prom_q 'mif_pvd_dns_cache_hits_total{pvd="corp"}' 2>/dev/null |
		jq -e '.data.result[0].value[1] == "2"' >/dev/null
}
world_wait_for "Prometheus scraped corp's cache hits" 60 scraped
up=$(prom_q 'up{job="mif"}' | jq -r '.data.result[0].value[1]')
[ "$up" = 1 ] || world_fail "Prometheus up{job=mif} = $up"
for q in 'mif_pvd_expiry_seconds{pvd="corp"}' 'mif_pvd_failovers_total{pvd="corp"}' \
	'sum(mif_routing_default_changes_total)' 'mif_dns_stub_marked_total'; do
	v=$(prom_q "$q" | jq -r '.data.result[0].value[1]')
	case "$q=$v" in
	*expiry*=-1 | *failovers*=0 | *changes*=0 | *marked*=0) ;;
	*) world_fail "Prometheus $q = $v" ;;
	esac
done
world_log "ok: Prometheus scraped mifctl metrics --listen: up=1, mif_pvd_dns_cache_hits_total{pvd=corp}=2"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A configured encrypted resolver (issue 19): a static PvD file names a
# DoT resolver (`DNSOverTLS = ADN ADDR`) beside its clear-text server, and
# the PvD's own profile is strict (`tls_pvd = ID strict`, the global one
# off). unbound serves DoT on 2001:db8:1::853 with a certificate for
# dns.example.net from the world's CA; a clear-text server (mif-dns-spoof,
# 2001:db8:1::53) answers something else. Queries for the PvD go over TLS,
# verified, and mifctl dns says the resolver came from configuration;
# nothing goes to port 53 on the link.
#
#   r1: unbound DoT 2001:db8:1::853, mif-dns-spoof 2001:db8:1::53 -- h:eth0 2001:db8:1::2
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq dig unbound openssl tcpdump
dns_spoof_required
dns_one_link
world_addr r1 eth0 2001:db8:1::853/64
world_addr h eth0 2001:db8:1::2/64
tls_ca
tls_cert dns.example.net good
world_bg r1 clear "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --max-seconds 100
dns_unbound r1 dot "interface: 2001:db8:1::853
	interface: 2001:db8:1::853@853
	tls-port: 853
	tls-service-key: \"$WORLD_TMP/good.key\"
	tls-service-pem: \"$WORLD_TMP/good.pem\"
	access-control: ::/0 allow
	local-zone: \"tls.test.\" redirect
	local-data: \"tls.test. 60 IN A 192.0.2.88\""
mkdir "$WORLD_TMP/pvd.d"
cat >"$WORLD_TMP/pvd.d/lab.conf" <<'CONF'
[PvD]
Id = lab.example
Interface = eth0
DNS = 2001:db8:1::53
DNSOverTLS = dns.example.net 2001:db8:1::853
Prefix = 2001:db8:1::/64
Route = ::/0 via 2001:db8:1::53
CONF
dns_capture_start r1 eth0 cap
world_mifd h -c "$(dns_mifd_conf "tls = off
tls_pvd = lab.example strict
tls_ca_file = $WORLD_TMP/ca.pem
[mifd]
pvd_dir = $WORLD_TMP/pvd.d
interfaces = eth0")"
dns_wait_stub h
have() { world_ctl --json dns | jq -e '.pvds[] | select(.pvd == "lab.example") | .tls | length == 1' >/dev/null; }
world_wait_for "the stub has the configured resolver" 15 have
got=$(dns_dig_short h a1.tls.test A)
[ "$got" = 192.0.2.88 ] || world_fail "a1.tls.test gave '$got' (192.0.2.7 is clear text)"
j=$(world_ctl --json dns | jq -c '.pvds[] | select(.pvd == "lab.example")')
printf '%s' "$j" | world_jq '.tls_mode == "strict" and .tls[0].source == "config"
	and .tls[0].check == "name" and .tls[0].verified == true and .tls[0].answers >= 1
	and .tls[0].adn == "dns.example.net" and .ddr == null' >/dev/null ||
	world_fail "the configured resolver: $j"
grep -q 'from config, checked by name): strict' <<<"$(world_ctl dns)" ||
	world_fail "mifctl dns: $(world_ctl dns)"
n=$(dns_capture_count cap .)
[ "$n" = 0 ] || world_fail "$n port-53 packets on the link: $(cat "$WORLD_TMP/cap-cap.txt")"
world_log "ok: the configured DoT resolver answered, verified, strict, nothing on port 53"
world_pass

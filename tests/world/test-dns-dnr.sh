#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DNR in Router Advertisements (RFC 9463 section 6.1), issue 19 item 1:
#   - an RA with an Encrypted DNS option (dns.example.net, priority 1,
#     2001:db8:1::853, alpn dot, port 853, lifetime 3600) is kept in its
#     PvD and shown by `mifctl dns` and `mifctl pvd` with where it came
#     from and its lifetime;
#   - a malformed Encrypted DNS option is dropped, not the RA;
#   - lifetime 0 withdraws it; a short lifetime lets it expire.
# The stub does not use it yet (no DNS over TLS): said in `mifctl dns`.
#
#   r1 (mif-ra-send) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq
dns_one_link
world_lla h eth0 >/dev/null
world_mifd h -c "$(dns_mifd_conf "")"
dns_wait_stub h

# opt LIFETIME_HEX8: the option, 64 octets (61 of fields, 3 of padding).
ADN_HEX=03646e73076578616d706c65036e657400
opt() {
	printf '90080001%s0011%s0010%s000e%s000000\n' "$1" "$ADN_HEX" \
		20010db8000100000000000000000853 0001000403646f74000300020355
}
ra() { world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53 "$@"; }
enc() { world_ctl --json dns | jq -c '[.pvds[].encrypted[]?]'; }

ra --raw "$(opt 00000e10)"
has() { [ "$(enc | jq 'length')" = 1 ]; }
world_wait_for "the encrypted resolver is kept" 10 has
e=$(enc)
printf '%s' "$e" | world_jq '.[0] | .adn == "dns.example.net" and .priority == 1 and
	.addresses == ["2001:db8:1::853"] and .alpn == "dot" and .port == 853 and
	.source == "ra" and .lifetime == 3600' >/dev/null || world_fail "mifctl dns: $e"
p=$(world_ctl --json pvd | jq -c '[.[].dns.encrypted[]?][0]')
printf '%s' "$p" | world_jq '.interface == "eth0" and .expires_in > 3500' >/dev/null ||
	world_fail "mifctl pvd: $p"
txt=$(world_ctl dns)
grep -q "encrypted resolver dns.example.net: priority 1, alpn dot, port 853, addresses 2001:db8:1::853; from ra, lifetime 3600 s" <<<"$txt" ||
	world_fail "mifctl dns text: $txt"
world_log "ok: DNR from the RA kept and shown: $e"

# A malformed option (ADN Length past the option) next to a good RDNSS:
# the option is dropped, the RA applied (its new server appears).
bad=$(opt 00000e10 | sed 's/^\(90080001........\)0011/\100ff/')
ra --rdnss 2001:db8:1::54 --raw "$bad"
two() { world_ctl --json dns | jq -e '[.pvds[].servers[]] | index("2001:db8:1::54") != null' >/dev/null; }
world_wait_for "the RA with a malformed DNR option applied" 10 two
[ "$(enc | jq 'length')" = 1 ] || world_fail "after a malformed option: $(enc)"
world_log "ok: a malformed DNR option dropped, its RA applied"

# Lifetime 0 withdraws.
ra --raw "$(opt 00000000)"
gone() { [ "$(enc | jq 'length')" = 0 ]; }
world_wait_for "lifetime 0 withdraws the encrypted resolver" 10 gone
world_log "ok: lifetime 0 withdrew it"

# A 3 s lifetime expires.
ra --raw "$(opt 00000003)"
world_wait_for "kept again" 10 has
world_wait_for "expired after 3 s" 10 gone
world_log "ok: a 3 s lifetime expired"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Operator policy from the network (issue 14 item 1; doc/policy.md,
# "Operator policy from the network"): the "vendor-mif" member of a PvD's
# RFC 8801 additional information, fetched over HTTPS (nginx, a certificate
# of the world's CA) and validated, taken in as operator policy scoped to
# that PvD.
#
#   r1 -- h:eth0   N1 (wired): explicit PvD n1.test (H flag), 2001:db8:1::/64;
#                  nginx on r1 serves https://n1.test/.well-known/pvd
#   r2 -- h:wlan0  N2 (Wi-Fi): implicit PvD, 2001:db8:2::/64
#   r1 -- s1, r2 -- s2: both 2001:db8:99::1 (whoami "n1-host", "n2-host",
#                  and the connectivity check server check.test)
# n1.test says: metered, cost 5, avoid me (overloaded); it also tries to
# prefer N2 (another PvD), require itself, and select a local program:
# those three are refused, logged once, listed by policy show/explain.
# Checked: the decision for any flow puts N2 first, decided by n1.test's
# own rule, with the OS default's Wi-Fi-after-wired reported as a
# conflict; the kernel sends TCP to 2001:db8:99::1 through N2 (whoami);
# a user rule for that prefix wins over the network's word (reload); a
# new object without the member takes the network's rules out again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/tls.sh"
. "$(dirname "$0")/pvd-net.sh"

world_init
world_require jq nginx dnsmasq openssl nc
T=$WORLD_TMP
tls_ca
tls_cert n1.test
tls_cert check.test
exp=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
pvd_json() {  # pvd_json VENDOR_MIF_MEMBER_OR_EMPTY
	printf '{"identifier": "n1.test", "expires": "%s", "prefixes": ["2001:db8:1::/48"]%s}' \
		"$exp" "${1:+, \"vendor-mif\": $1}" >"$T/n1.test.json"
}
pvd_json '{"metered": true, "cost": 5, "rules": [
	{"name": "overloaded", "avoid": "self"},
	{"name": "grab", "prefer": "pvd:n2.test"},
	{"name": "lock", "require": "self"},
	{"name": "mms", "exe": "/usr/bin/mms", "prefer": "self"}]}'

pvdnet_world "$T/n1.test.json"
mkdir -p "$T/policy.d"
cat >"$T/mifd.conf" <<CFG
[mifd]
policy_dir = $T/policy.d
[connectivity]
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
CFG
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf"
ra() {  # ra SEQ: both networks' RAs; N1's prefix outside its (empty) PvD option
	world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 \
		--rdnss 2001:db8:1::1,lifetime=1800 --pvd "n1.test,seq=$1,h,delay=0" --end-pvd
	world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 \
		--rdnss 2001:db8:2::1,lifetime=1800
}
ra 1

N1='[.[] | select(.id == "n1.test")][0]'
mif_expect "n1.test's information fetched, its policy read" 30 \
	"$N1.connectivity.pvd_info.state == \"ok\" and $N1.connectivity.pvd_info.policy.rules == 1
	 and ($N1.connectivity.pvd_info.policy.refused | length) == 3"
mif_expect "both networks checked" 30 'length == 2 and all(.[]; .connectivity_state == "valid")'
N2=$(mif_pvds | jq -r '[.[] | select(.id != "n1.test")][0].id')

show=$(world_ctl --json policy show)
world_log "policy show: $(jq -c '{network: [.network[] | {pvd, rules, refused}], network_refused}' <<<"$show")"
jq -e '(.network | length) == 1 and .network[0].pvd == "n1.test"
	and (.files | any(.file == "pvd-info:n1.test" and .actor == "operator" and .rules == 1))
	and (.network_refused | map(.what) | any(test("rule grab: prefer: names another PvD")))
	and (.network_refused | map(.what) | any(test("rule lock: require would exclude")))
	and (.network_refused | map(.what) | any(test("rule mms: exe selects local programs")))' \
	<<<"$show" >/dev/null || world_fail "policy show: $show"
world_log "ok - three rules that reach beyond n1.test refused, each named"

explain=$(world_ctl --json policy explain --dst 2001:db8:99::1)
world_log "explain: $(jq -c '{permitted: [.permitted[] | {pvd, metered, cost}], winner, why, conflicts: [.conflicts[].why]}' <<<"$explain")"
jq -e --arg n2 "$N2" '.permitted[0].pvd == $n2 and .permitted[1].pvd == "n1.test"
	and .permitted[1].metered and .permitted[1].cost == 5
	and (.winner | startswith("operator rule overloaded (pvd-info:n1.test"))
	and (.matched | any(.rule == "overloaded" and .from_network))
	and (.conflicts | any(.loser | startswith("system rule default-order")))
	and (.network_refused | length) == 3' <<<"$explain" >/dev/null ||
	world_fail "policy explain: $explain"
world_log "ok - N2 first by n1.test's own rule; the OS default's wired-first reported as a conflict"
text=$(world_ctl policy explain --dst 2001:db8:99::1)
grep -q "operator rule overloaded (pvd-info:n1.test:[0-9]*): avoid pvd:n1.test .*(the network's, about itself)" \
	<<<"$text" || world_fail "policy explain text: $text"
grep -q "conflict: network n1.test: refused: rule lock: require" <<<"$text" ||
	world_fail "policy explain text: $text"
text=$(world_ctl policy show)
grep -q "from the network n1.test: 1 rule(s) of its own" <<<"$text" || world_fail "policy show text: $text"
grep -q "operator .* 1 rules  pvd-info:n1.test" <<<"$text" || world_fail "policy show text: $text"

reached() { world_exec h nc -6 -w 3 2001:db8:99::1 8080 </dev/null 2>/dev/null | head -n 1 || true; }
world_wait_for "TCP to 2001:db8:99::1 through N2" 15 sh -c "ip netns exec $(world_ns h) nc -6 -w 3 2001:db8:99::1 8080 </dev/null | grep -q '^n2-host 2001:db8:2:'"
world_log "ok - on the wire: $(reached)"

# Logged once: more syncs (RAs again) log nothing new.
ra 1
sleep 2
n=$(grep -c "network n1.test: refused: rule grab" "$T/mifd.log" || true)
[ "$n" = 1 ] || world_fail "the refusal was logged $n times"
world_log "ok - each refusal logged once"

# The user's word wins (precedence system operator user).
printf '%s\n' '[policy]' 'actor = user' '[rule mine]' 'dst = 2001:db8:99::/64' 'prefer = pvd:n1.test' \
	>"$T/policy.d/50-user.conf"
world_ctl policy reload >/dev/null || world_fail "policy reload failed"
explain=$(world_ctl --json policy explain --dst 2001:db8:99::1)
jq -e '.permitted[0].pvd == "n1.test" and (.winner | startswith("user rule mine"))
	and (.matched | any(.rule == "overloaded" and .from_network and (.role | startswith("preference"))))' \
	<<<"$explain" >/dev/null || world_fail "user rule: $explain"
world_wait_for "TCP to 2001:db8:99::1 through N1 (the user's rule)" 15 sh -c "ip netns exec $(world_ns h) nc -6 -w 3 2001:db8:99::1 8080 </dev/null | grep -q '^n1-host 2001:db8:1:'"
world_log "ok - the user's rule wins over the network's: $(reached)"
rm "$T/policy.d/50-user.conf"
world_ctl policy reload >/dev/null || world_fail "policy reload failed"

# A new object without the member: the network's rules go.
pvd_json ""
ra 2
mif_expect "n1.test's new information, without a policy" 40 \
	"$N1.connectivity.pvd_info.state == \"ok\" and $N1.connectivity.pvd_info.sequence == 2
	 and ($N1.connectivity.pvd_info | has(\"policy\") | not)"
explain=$(world_ctl --json policy explain --dst 2001:db8:99::1)
jq -e '.permitted[0].pvd == "n1.test" and (.winner | startswith("system rule default-order"))
	and (.network_refused | length) == 0 and (.permitted[0].metered | not)' <<<"$explain" \
	>/dev/null || world_fail "after the new object: $explain"
world_log "ok - the network's word went with its object: N1 first again by the OS default"
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died"
world_pass

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Static and VPN PvDs (issue 3): a PvD from /etc/mif/pvd.d-style files and
# one added at run time through the control socket, the way a VPN client's
# up script would. They appear, change and disappear as asked; every bad
# request gets a clear error naming the problem and changes nothing.
#
#   h: tun0 (static PvD "office" from office.conf), tun1 (API PvD "corp")
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq setpriv
world_host h
for t in tun0 tun1; do
	ip -n "$(world_ns h)" tuntap add dev "$t" mode tun
	ip -n "$(world_ns h)" link set "$t" up
done
mkdir "$WORLD_TMP/pvd.d"
cat >"$WORLD_TMP/pvd.d/office.conf" <<'CONF'
# The office VPN, as a distribution would ship it.
[PvD]
Id = office
Interface = tun0
DNS = 10.9.0.1
DNS = 2001:db8:9::53
Domain = office.example
Route = 10.9.0.0/16
Route = 192.168.90.0/24 via 10.9.0.254
Prefix = 10.9.0.0/24
MTU = 1400
CONF
printf '[PvD]\nId = broken\nInterface = tun0\nDNS = 10.9.0.x\n' >"$WORLD_TMP/pvd.d/broken.conf"
printf '[PvD]\nId = typo\nInterfce = tun0\n' >"$WORLD_TMP/pvd.d/typo.conf"
# Files that cannot be read as text are reported with the reason, and a
# FIFO does not hold the loading up (it used to wait for a writer).
mkdir "$WORLD_TMP/pvd.d/dir.conf"
ln -s "$WORLD_TMP/nowhere" "$WORLD_TMP/pvd.d/dangling.conf"
mkfifo "$WORLD_TMP/pvd.d/fifo.conf"
printf '[PvD]\nId = latin\nInterface = tun0\n# caf\351 wifi\n' >"$WORLD_TMP/pvd.d/latin.conf"
printf '[mifd]\npvd_dir = %s\n' "$WORLD_TMP/pvd.d" >"$WORLD_TMP/mifd.conf"
world_mifd h --config "$WORLD_TMP/mifd.conf"

mif_expect "static PvD office from its file" 5 \
	'length == 1 and .[0].id == "office" and .[0].source == "static" and .[0].interfaces == ["tun0"]'
mif_pvds | world_jq '.[0] | [.dns.servers[].address] == ["10.9.0.1", "2001:db8:9::53"]
	and [.dns.search[].domain] == ["office.example"]
	and [.routes[] | {prefix, router}] == [{"prefix": "10.9.0.0/16", "router": null},
	                                       {"prefix": "192.168.90.0/24", "router": "10.9.0.254"}]
	and [.prefixes[].prefix] == ["10.9.0.0/24"] and .mtu == 1400
	and all(.dns.servers[]; .source == "static" and .expires_in == null)' >/dev/null ||
	world_fail "static PvD content"
mif_status | world_jq '.static_errors | length == 6
	and (map(.file | test("broken.conf$")) | any) and (map(.error) | any(test("dns\\[0\\]")))
	and (map(.error) | any(test("typo.conf:3: unknown key \"Interfce\"")))
	and (map(select(.file | test("dir.conf$")).error) == ["cannot read it: Is a directory"])
	and (map(select(.file | test("dangling.conf$")).error)
		== ["cannot read it: No such file or directory"])
	and (map(select(.file | test("fifo.conf$")).error) == ["not a regular file"])
	and (map(select(.file | test("latin.conf$")).error | test("not UTF-8")) == [true])' \
	>/dev/null || world_fail "bad static files not reported by name and reason"
world_log "ok: static PvD loaded; bad files reported: $(mif_status | jq -c '[.static_errors[].error]')"

# The VPN comes up: its script adds a PvD.
world_ctl pvd add corp --interface tun1 --dns 10.8.0.1 --domain corp.example \
	--route 10.0.0.0/8 --route 172.16.0.0/12,via=10.8.0.254 >/dev/null
mif_expect "API PvD corp" 3 '.[] | select(.id == "corp") | .source == "api"
	and [.dns.servers[].address] == ["10.8.0.1"] and [.routes[].prefix] == ["10.0.0.0/8", "172.16.0.0/12"]'
world_ctl pvd set corp --dns 10.8.0.2 --dns 10.8.0.3 >/dev/null
mif_expect "pvd set replaced the DNS list and kept the rest" 3 '.[] | select(.id == "corp") |
	[.dns.servers[].address] == ["10.8.0.2", "10.8.0.3"] and [.dns.search[].domain] == ["corp.example"]'

# Bad requests: a clear error each, nothing changed.
before=$(mif_stable)
refuse() {   # DESC WANT_RC WANT_TEXT MIFCTL_ARGS...
	local desc=$1 want=$2 text=$3 rc=0 out
	shift 3
	out=$(world_ctl "$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] && grep -q -- "$text" <<<"$out" ||
		world_fail "$desc: exit $rc, output: $out (want $want and '$text')"
	world_log "ok: $desc: $out"
}
refuse "unknown interface" 1 'interface: "tun9" does not exist' pvd add x --interface tun9
refuse "malformed address" 1 'dns\[1\]: "10.8.0.x" is not valid' pvd add x --interface tun1 --dns 10.8.0.1 --dns 10.8.0.x
refuse "duplicate id" 1 'a PvD "corp" already exists' pvd add corp --interface tun1
refuse "duplicate id, spelled otherwise" 1 'a PvD "corp" already exists' pvd add CORP. --interface tun1
refuse "duplicate of a static id" 1 'already exists (from .*office.conf)' pvd add office --interface tun1
refuse "prefix longer than the address" 1 'routes\[0\]: "10.0.0.0/33" is not valid' pvd add x --interface tun1 --route 10.0.0.0/33
refuse "host bits set" 1 'prefixes\[0\]: "10.8.0.1/24" is not valid' pvd add x --interface tun1 --prefix 10.8.0.1/24
refuse "gateway of the wrong family" 1 'routes\[0\]' pvd add x --interface tun1 --route 10.0.0.0/8,via=2001:db8::1
refuse "bad domain" 1 'domains\[0\]' pvd add x --interface tun1 --domain 'bad..name'
# Search domains are shown and written to resolv.conf: DNS names only, and
# the error shows a control character escaped, not raw.
refuse "escape in a domain" 1 'domains\[0\]: "evil\\x1b\[31mred.example" is not a domain name' \
	pvd add x --interface tun1 --domain $'evil\x1b[31mred.example'
refuse "space in a domain" 1 'domains\[1\]: "a b.example" is not a domain name' \
	pvd add x --interface tun1 --domain ok.example --domain 'a b.example'
refuse "set a bad domain" 1 'domains\[0\]' pvd set corp --domain $'x\ty.example'
refuse "bad mtu" 1 'mtu: must be a number' pvd add x --interface tun1 --mtu 20
refuse "no interface" 1 'interface: required' pvd add x --dns 10.0.0.1
refuse "set a static PvD" 1 'is defined in .*office.conf' pvd set office --dns 10.0.0.1
refuse "set an unknown PvD" 1 'no PvD "nope"' pvd set nope --dns 10.0.0.1
refuse "delete an unknown PvD" 1 'no PvD "nope"' pvd del nope
refuse "missing id" 2 'usage' pvd add
refuse "two interfaces" 2 '--interface given twice' pvd add x --interface tun1 --interface lo
for verb in "pvd del corp" "pvd set corp --dns 10.0.0.9"; do
	rc=0
	# shellcheck disable=SC2086
	out=$(mif_as_nobody $verb 2>&1) || rc=$?
	[ "$rc" = 1 ] && grep -q "permission denied" <<<"$out" ||
		world_fail "non-root $verb: exit $rc: $out"
done
rc=0
out=$(mif_as_nobody pvd add y --interface tun1 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "permission denied" <<<"$out" ||
	world_fail "non-root pvd add: exit $rc: $out"
after=$(mif_stable)
[ "$before" = "$after" ] || world_fail "a refused request changed the PvDs"
world_log "ok: every refused request left the PvDs untouched"

# The VPN goes down: its script deletes the PvD.
world_ctl pvd del corp >/dev/null
mif_expect "corp deleted" 3 '[.[].id] == ["office"]'
# The static PvD follows its interface: gone with it, back with it.
ip -n "$(world_ns h)" link del tun0
mif_expect "office gone with tun0" 3 'length == 0'
ip -n "$(world_ns h)" tuntap add dev tun0 mode tun
mif_expect "office back with tun0" 3 '[.[].id] == ["office"] and .[0].interfaces == ["tun0"]'
world_pass

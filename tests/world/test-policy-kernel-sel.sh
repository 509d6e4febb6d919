#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The policy's uid, port and DSCP rules enforced in the kernel for
# unmodified programs (doc/policy.md, "What the kernel enforces"; issue 14
# item 4): nftables sets the decided PvD's mark on the first packet of such
# flows (meta skuid, meta l4proto + th dport, ip6 dscp) and the source is
# SNATed to that PvD's address. No preload, no mifctl run, no libmif.
#
#   r1 -- h:eth0   PvD A (wired: the default), 2001:db8:1::/64
#   r2 -- h:wlan0  PvD B (Wi-Fi), 2001:db8:2::/64
#   r1 -- s1, r2 -- s2: each 2001:db8:77::10, mif-whoami "svcA" / "svcB"
#                  on ports 8080 and 8081 (one address, two servers: where
#                  a flow went is the name that answers).
# User rules: uid 4242 prefers Wi-Fi; TCP to port 8081 prefers Wi-Fi;
# DSCP 46 prefers Wi-Fi. Checked, each with the source the server saw:
#   root to 8080 -> svcA (the default); uid 4242 to 8080 -> svcB from B's
#   address; uid 4243 to 8080 -> svcA; root to 8081 -> svcB; DSCP 46 to
#   8080 -> svcB, DSCP 0 -> svcA; policy explain says how each rule is
#   enforced, and that an exe rule and a dst+uid rule are not.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq nc nft setpriv python3
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI must be set (tests/world/meson.build)"

mif_two_nets 2001:db8:77::10
for p in 8080 8081; do
	world_bg s1 "whoami-a-$p" "$MIF_WHOAMI" -n svcA -p "$p" -6
	world_bg s2 "whoami-b-$p" "$MIF_WHOAMI" -n svcB -p "$p" -6
done

P="$WORLD_TMP/policy.d"
mkdir -p "$P"
cat >"$P/50-user.conf" <<'CONF'
[policy]
actor = user

[rule user-4242]
uid = 4242
prefer = type:wifi

[rule port-8081]
proto = tcp
port = 8081
prefer = type:wifi

[rule voice]
dscp = 46
prefer = type:wifi

# Not enforced in the kernel (explain says so).
[rule browser]
exe = /usr/bin/firefox
prefer = type:wifi

[rule user-4242-lab]
uid = 4242
dst = 2001:db8:99::/64
prefer = type:wired
CONF
printf '[mifd]\npolicy_dir = %s\n' "$P" >"$WORLD_TMP/mifd.conf"
world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
world_mifd h --config "$WORLD_TMP/mifd.conf"
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64
mif_expect "two PvDs with a preferred global address" 15 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:"))
	 and .state == "preferred"))'
A=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
B=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
AB=$(world_exec h ip -6 -o addr show dev wlan0 scope global | awk '{ split($4, a, "/"); print a[1]; exit }')
default_a() { mif_status | jq -e --arg a "$A" '.routing.default.ipv6 // "" | startswith($a)' >/dev/null; }
world_wait_for "A the default PvD" 10 default_a
steer() { world_ctl --json steer show; }
sels() { steer | jq -e '.ready and .policy_selectors.entries == 3 and .snat_sources >= 2' >/dev/null; }
world_wait_for "the three selector rules and the sources in the kernel" 15 sels
world_log "A=$A B=$B (B's address $AB); route chain:
$(world_exec h nft list chain inet mif route)"

get() {   # [setpriv args --] PORT: nc from h to the servers' address
	world_exec h "$@" 2>&1 || true
}
expect() {   # DESC WANT CMD...: the answer starts with WANT
	local desc=$1 want=$2 got
	shift 2
	got=$(get "$@")
	case "$got" in
	"$want"*) world_log "ok - $desc -> '$got'" ;;
	*) world_fail "$desc -> '$got', want '$want...'; $(steer | jq -c '{policy_selectors, counters}')" ;;
	esac
}
NC=(timeout 8 nc -6 -w 3 2001:db8:77::10)
for i in 1 2 3; do
	expect "root to 8080 (no rule)" "svcA 2001:db8:1:" "${NC[@]}" 8080 </dev/null
	expect "uid 4242 to 8080" "svcB $AB" setpriv --reuid=4242 --regid=4242 --clear-groups \
		"${NC[@]}" 8080 </dev/null
	expect "uid 4243 to 8080" "svcA 2001:db8:1:" setpriv --reuid=4243 --regid=4243 \
		--clear-groups "${NC[@]}" 8080 </dev/null
	expect "root to 8081 (tcp port rule)" "svcB $AB" "${NC[@]}" 8081 </dev/null
done
# DSCP: a small client that sets the traffic class before connect().
cat >"$WORLD_TMP/tclass.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, getattr(socket, "IPV6_TCLASS", 67), int(sys.argv[1]) << 2)
s.settimeout(3)
s.connect((sys.argv[2], int(sys.argv[3])))
print(s.recv(200).decode().strip())
PY
expect "DSCP 46 to 8080" "svcB $AB" timeout 8 python3 "$WORLD_TMP/tclass.py" 46 2001:db8:77::10 8080
expect "DSCP 0 to 8080" "svcA 2001:db8:1:" timeout 8 python3 "$WORLD_TMP/tclass.py" 0 2001:db8:77::10 8080

# policy explain: how each rule is enforced, and which are not.
ex=$(world_ctl policy explain --uid 4242 --dst 2001:db8:99::1 --exe /usr/bin/firefox \
	--proto tcp --port 8081 --dscp 46)
world_log "explain:
$ex"
for want in "kernel: nftables: meta skuid 4242 sets the decided PvD's mark" \
	"kernel: nftables: meta l4proto tcp th dport 8081 sets" \
	"kernel: nftables: ip/ip6 dscp 46 sets" \
	"kernel: not enforced in the kernel: a program's path is not visible" \
	"kernel: not enforced in the kernel: no kernel rule is made for dst with other selectors"; do
	grep -qF "$want" <<<"$ex" || world_fail "explain lacks '$want'"
done
world_ctl steer show | grep -q 'uid, protocol, port, DSCP: 3 in force (4 nftables rules)' ||
	world_fail "steer show: $(world_ctl steer show)"
world_log "ok - explain and steer show"

# The rules follow the policy: with the port rule removed, 8081 is A's.
sed -i '/^\[rule port-8081\]/,/^$/d' "$P/50-user.conf"
world_ctl policy reload >/dev/null
two() { steer | jq -e '.policy_selectors.entries == 2' >/dev/null; }
world_wait_for "two selector rules after the reload" 10 two
expect "root to 8081 after the reload" "svcA 2001:db8:1:" "${NC[@]}" 8081 </dev/null
world_pass

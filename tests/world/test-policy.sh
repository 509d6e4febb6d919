#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The connection manager's policy (issue 14; doc/policy.md): three PvDs
# (Wi-Fi and metered cellular learnt by DHCPv4 from dnsmasq, a VPN added by
# its configuration: trusted), and policy files of three actors.
#   - explain: any flow takes the OS default order (Wi-Fi, cellular, VPN);
#     a user rule (the browser prefers cellular) beats the system's rule
#     and the overruled preference is reported as a conflict; an
#     operator's "prohibit cellular" for video.example holds against the
#     user's "prefer cellular", reported as a conflict; the operator's MMS
#     program may use cellular only; corp.example requires the office
#     destination network (the VPN);
#   - a bad file: reload fails naming file:line, `policy show` lists the
#     error, and the previous policy stays in force whole;
#   - the OS default policy file edited (cellular first) and SIGHUP: the
#     default PvD follows, in mifd's route get and in the kernel's own
#     `ip route get` and `ip rule` inside the namespace.
#
#   r1 (Wi-Fi: DHCPv4 192.168.50.0/24) -- h:wlan0
#   r2 (cellular: DHCPv4 192.168.60.0/24) -- h:wwan0
#   h:tun0 (10.8.0.2) -- vpnend (10.8.0.1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq
world_router r1
world_router r2
world_host h
world_host vpnend
world_link r1 eth0 h wlan0
world_link r2 eth0 h wwan0
world_link h tun0 vpnend eth0
H=$(world_ns h)
ip -n "$(world_ns r1)" addr add 192.168.50.1/24 dev eth0
ip -n "$(world_ns r2)" addr add 192.168.60.1/24 dev eth0
ip -n "$H" addr add 10.8.0.2/24 dev tun0
ip -n "$(world_ns vpnend)" addr add 10.8.0.1/24 dev eth0
for n in 1:50 2:60; do
	mif_dnsmasq "r${n%%:*}" "net${n%%:*}" "interface=eth0
bind-interfaces
dhcp-range=192.168.${n##*:}.100,192.168.${n##*:}.150,255.255.255.0,10m
dhcp-option=option:router,192.168.${n##*:}.1"
done

P="$WORLD_TMP/policy.d"
mkdir -p "$P"
cp "$(dirname "$0")/../../dist/policy.d/00-system-default.conf" "$P/00-system-default.conf"
cat >"$P/20-operator.conf" <<'CONF'
[policy]
actor = operator

# The operator's MMS client must use the operator's network.
[rule mms]
exe = /usr/bin/mms
require = type:cellular

# No video over the cellular network.
[rule no-video-on-cellular]
domain = video.example
prohibit = type:cellular
CONF
cat >"$P/50-user.conf" <<'CONF'
[policy]
actor = user

[network office]
member = pvd:vpn

# My browser: cellular first (the OS default says Wi-Fi).
[rule browser]
exe = /usr/bin/firefox
prefer = type:cellular type:wifi

[rule video]
domain = video.example
prefer = type:cellular

[rule corp]
domain = corp.example
require = net:office
CONF
printf '[mifd]\npolicy_dir = %s\n' "$P" >"$WORLD_TMP/mifd.conf"

world_mifd h --config "$WORLD_TMP/mifd.conf" --dhcp4 wlan0 --dhcp4 wwan0
mif_expect "two leases (Wi-Fi and cellular)" 20 \
	'length == 2 and all(.[]; .dhcpv4.state == "bound")'
world_ctl pvd add vpn --interface tun0 --route 10.0.0.0/8,via=10.8.0.1 >/dev/null
mif_expect "three PvDs" 10 'length == 3'
WIFI=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
CELL=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wwan0"]) | .id')

show=$(world_ctl --json policy show)
printf '%s' "$show" | world_jq '(.files | length) == 3 and .rules == 6 and
	(.errors | length) == 0 and .builtin_default == false and
	.precedence == ["system", "operator", "user"]' >/dev/null
world_log "ok - policy show: $(printf '%s' "$show" | jq -c '[.files[] | {file: (.file | split("/") | last), actor, rules}]')"

explain() { world_ctl --json policy explain "$@"; }
order() { jq -c '[.permitted[].pvd]'; }

# 1. Any flow: the OS default order.
out=$(explain --dst 198.51.100.7)
[ "$(printf '%s' "$out" | order)" = "[\"$WIFI\",\"$CELL\",\"vpn\"]" ] ||
	world_fail "any flow: $(printf '%s' "$out" | jq -c .)"
printf '%s' "$out" | world_jq '.winner | test("^system rule default-order")' >/dev/null
world_log "ok - any flow: $(printf '%s' "$out" | order), $(printf '%s' "$out" | jq -r .why)"
world_ctl policy explain --dst 198.51.100.7 | sed 's/^/    /'

# 2. The user's rule beats the system's; the system's preference is a conflict.
out=$(explain --exe /usr/bin/firefox --dst 198.51.100.7 --proto tcp --port 443)
printf '%s' "$out" | world_jq --arg c "$CELL" --arg w "$WIFI" '.permitted[0].pvd == $c and
	(.winner | test("^user rule browser")) and
	any(.conflicts[]; (.loser | test("^system rule default-order")) and .pvd == $w)' >/dev/null
world_log "ok - firefox: $(printf '%s' "$out" | order); conflict: $(printf '%s' "$out" | jq -r '.conflicts[0].why')"
world_ctl policy explain --exe /usr/bin/firefox --dst 198.51.100.7 --proto tcp --port 443 |
	sed 's/^/    /'

# 3. The operator's prohibition holds against the user's preference.
out=$(explain --dst www.video.example --proto tcp --port 443)
printf '%s' "$out" | world_jq --arg c "$CELL" --arg w "$WIFI" '
	([.permitted[].pvd] | index($c)) == null and .permitted[0].pvd == $w and
	any(.excluded[]; .pvd == $c and (.by | test("^operator rule no-video-on-cellular"))) and
	any(.matched[]; .rule == "video" and (.role | test("excluded by a constraint"))) and
	any(.conflicts[]; (.loser | test("^user rule video")) and
	    (.winner | test("^operator rule no-video-on-cellular")) and .pvd == $c)' >/dev/null
world_log "ok - video: $(printf '%s' "$out" | order); conflict: $(printf '%s' "$out" | jq -r '.conflicts[0].why')"
world_ctl policy explain --dst www.video.example --proto tcp --port 443 | sed 's/^/    /'

# 4. MMS: cellular only. 5. corp.example: the office network (the VPN) only.
out=$(explain --exe /usr/bin/mms --dst 198.51.100.9)
[ "$(printf '%s' "$out" | order)" = "[\"$CELL\"]" ] || world_fail "mms: $(printf '%s' "$out" | jq -c .)"
out=$(explain --dst db.corp.example)
[ "$(printf '%s' "$out" | order)" = '["vpn"]' ] || world_fail "corp: $(printf '%s' "$out" | jq -c .)"
world_log "ok - mms: cellular only; db.corp.example: the VPN only"

# The default PvD as the OS default policy says: Wi-Fi.
default_is() {   # PVD IFACE
	[ "$(world_ctl --json route get 198.51.100.7 | jq -r .pvd)" = "$1" ] &&
		ip -n "$H" route get 198.51.100.7 | grep -q "dev $2"
}
world_wait_for "the default PvD is the Wi-Fi one" 10 default_is "$WIFI" wlan0

# 6. A bad file: an error naming file and line; the previous policy stays whole.
cat >"$P/60-bad.conf" <<'CONF'
[policy]
actor = user
[rule good]
exe = /usr/bin/firefox
prefer = type:vpn
[rule broken]
dst = 10.0.0.1/8
prefer = type:wifi
CONF
if err=$(world_ctl policy reload 2>&1); then
	world_fail "reload of a bad file succeeded: $err"
fi
printf '%s' "$err" | grep -q "60-bad.conf:7: dst: \"10.0.0.1/8\" has bits set past its length" ||
	world_fail "reload error: $err"
show=$(world_ctl --json policy show)
printf '%s' "$show" | world_jq '.rules == 6 and (.files | length) == 3 and .rejected == 1 and
	(.errors[0] | test("60-bad.conf:7: "))' >/dev/null
out=$(explain --exe /usr/bin/firefox --dst 198.51.100.7)
printf '%s' "$out" | world_jq --arg c "$CELL" '.permitted[0].pvd == $c' >/dev/null
world_log "ok - bad file: '$err'; the previous policy stays (firefox still prefers cellular)"
world_ctl policy show | sed 's/^/    /'
rm "$P/60-bad.conf"
# A file with a byte that is not UTF-8 (here Latin-1, in a comment) is an
# error like any other, not a file that silently drops out of the policy.
printf '[policy]\nactor = user\n# caf\351\n[rule x]\nexe = /usr/bin/x\nprefer = type:vpn\n' \
	>"$P/61-latin.conf"
if err=$(world_ctl policy reload 2>&1); then
	world_fail "reload of a Latin-1 file succeeded: $err"
fi
printf '%s' "$err" | grep -q "61-latin.conf: not UTF-8 text" || world_fail "reload error: $err"
world_ctl --json policy show | world_jq '.rules == 6 and (.files | length) == 3' >/dev/null
world_log "ok - Latin-1 file: '$err'; the previous policy stays"
rm "$P/61-latin.conf"

# 7. The OS default policy edited: cellular first, read on SIGHUP.
sed -i 's/^prefer = type:wired type:wifi type:cellular type:vpn$/prefer = type:cellular type:wired type:wifi type:vpn/' \
	"$P/00-system-default.conf"
grep -q '^prefer = type:cellular type:wired' "$P/00-system-default.conf" ||
	world_fail "could not edit the system policy file"
kill -HUP "$WORLD_MIFD_PID"
world_wait_for "the default PvD follows the edited system policy (cellular)" 10 \
	default_is "$CELL" wwan0
world_wait_for "policy show counts the reload" 5 bash -c \
	"[ \"\$(\"$MIFCTL\" --socket \"$WORLD_TMP/mifd.sock\" --json policy show | jq .loads)\" -ge 2 ]" ||
	true
prio=$(world_ctl --json status | jq -r '.routing.priority_base // 10000')
world_log "ok - after SIGHUP: $(ip -n "$H" route get 198.51.100.7 | head -1); $(world_ctl --json route get 198.51.100.7 | jq -r .why)"
ip -n "$H" rule | grep -E "^$((prio + 600)):" | sed 's/^/    /' || true
out=$(explain --dst 198.51.100.7)
[ "$(printf '%s' "$out" | order)" = "[\"$CELL\",\"$WIFI\",\"vpn\"]" ] ||
	world_fail "any flow after the edit: $(printf '%s' "$out" | jq -c .)"
world_pass

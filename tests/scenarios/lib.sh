# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/scenarios/lib.sh: the framework of the scenario suite (issue 12,
# doc/scenarios.md). Each scenario of the problem statement's section 4
# builds one world (tests/world/lib.sh, whose safety rules hold here too)
# and runs twice in it:
#   1. the plain host: Linux's defaults, its resolver configuration written
#      by the real Debian tools (rdnssd from ndisc6, dhclient and its
#      dhclient-script hook, openresolv merging them), all inside a private
#      mount namespace (scn_plain_start) so the machine's /etc/resolv.conf,
#      /run and /var/lib/dhcp are never touched;
#   2. mifd, in the same world, measured the same way.
# It then writes one JSON line (scn_result) and exits 0 when solved or
# pending, 1 when not solved.
#
#   . "$(dirname "$0")/lib.sh"
#   scn_init 4.1-1 4.1 "title"
#   ... world ..., scn_plain_start h, scn_plain_rdnssd ...
#   ... measure plain ..., scn_plain_stop_tools, world_mifd ..., measure ...
#   scn_result solved|failed "plain text" "mif text" "reason" [DATA_JSON]
#
# Environment: as tests/world/lib.sh (MIFD, MIFCTL, MIF_RA_SEND,
# MIF_WHOAMI, MIF_UDP_PROBE, ...), plus SCN_RESULTS (append the JSON line
# to this file too).

SCN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../world/lib.sh
. "$SCN_DIR/../world/lib.sh"
# shellcheck source=../world/mif.sh
. "$SCN_DIR/../world/mif.sh"
# shellcheck source=../world/dns.sh
. "$SCN_DIR/../world/dns.sh"

SCN_ID="" SCN_SECTION="" SCN_TITLE=""
SCN_PLAIN_PID=""
SCN_PLAIN_TOOLS=()       # pids of rdnssd, dhclient... (stopped before mifd)

# scn__emit ID SECTION TITLE VERDICT PLAIN MIF REASON [DATA_JSON]: the line.
scn__emit() {
	local line
	line=$(jq -cn --arg id "$1" --arg section "$2" --arg title "$3" --arg verdict "$4" \
		--arg plain "$5" --arg mif "$6" --arg reason "$7" --argjson data "${8:-{\}}" \
		'{id: $id, section: $section, title: $title, plain: $plain, mif: $mif,
		  verdict: $verdict, reason: $reason, measured: $data}')
	printf '%s\n' "$line"
	if [ -n "${SCN_RESULTS:-}" ]; then printf '%s\n' "$line" >>"$SCN_RESULTS"; fi
}

# scn_pending ID SECTION TITLE REASON: a scenario that needs a capability
# mif does not have yet; no world is built, nothing is claimed.
scn_pending() {
	scn__emit "$1" "$2" "$3" pending "not run" "not run" "$4"
	exit 0
}

# scn_init ID SECTION TITLE: start the world of scenario ID.
scn_init() {
	SCN_ID=$1 SCN_SECTION=$2 SCN_TITLE=$3
	world_init
	WORLD_TEST="scenario-$SCN_ID"
	world_require jq tcpdump unshare nsenter
}

# scn_result VERDICT PLAIN MIF REASON [DATA_JSON]: print the result line and
# exit (0 solved, 1 otherwise; the trap cleans the world up).
scn_result() {
	scn__emit "$SCN_ID" "$SCN_SECTION" "$SCN_TITLE" "$1" "$2" "$3" "$4" "${5:-}"
	[ "$1" = solved ] && exit 0
	: >"$WORLD_TMP/.failed"
	exit 1
}

# scn_verdict PLAIN_FAILED MIF_FIXED PLAIN MIF WHY_SOLVED [DATA_JSON]: solved
# only when the plain host showed the failure (PLAIN_FAILED = 1) and mif the
# fix (MIF_FIXED = 1).
scn_verdict() {
	local why=$5
	if [ "$1" != 1 ]; then
		scn_result failed "$3" "$4" "the plain host did not show the documented failure" "${6:-}"
	elif [ "$2" != 1 ]; then
		scn_result failed "$3" "$4" "mif did not fix it" "${6:-}"
	fi
	scn_result solved "$3" "$4" "$why" "${6:-}"
}

# ---- the plain host ----

# scn_plain_start NS: a mount namespace, inside network namespace NS, for
# the plain host's tools: /etc is an overlay whose writes go to WORLD_TMP
# (openresolv writes /etc/resolv.conf and may back it up), /run and
# /var/lib/dhcp are empty tmpfs. /etc/resolv.conf starts empty (a host that
# has not been configured yet); /etc/resolvconf.conf keeps openresolv's
# libc subscriber only (no local caching resolver to notify). Commands run
# in it with scn_plain / scn_plain_bg.
scn_plain_start() {
	local d="$WORLD_TMP/plainfs"
	world_require rdnssd dhclient resolvconf
	# openresolv's configuration is written below; another resolvconf
	# (Debian's, systemd's) is not what the plain host is described with.
	case "$(resolvconf --version 2>/dev/null || true)" in
	*openresolv*) ;;
	*) world_fail "resolvconf is not openresolv (scripts/deps.sh installs it where no other is)" ;;
	esac
	mkdir -p "$d/up" "$d/work"
	world_bg "$1" plain-mntns unshare -m --propagation private sh -ec "
		mount -t overlay overlay -o lowerdir=/etc,upperdir=$d/up,workdir=$d/work /etc
		mount -t tmpfs -o mode=0755 scn-run /run
		mount -t tmpfs -o mode=0755 scn-dhcp /var/lib/dhcp
		mkdir -p /run/rdnssd /run/resolvconf
		chown rdnssd:nogroup /run/rdnssd 2>/dev/null || true
		: >/etc/resolv.conf
		printf 'resolv_conf=/etc/resolv.conf\n' >/etc/resolvconf.conf
		: >$d/ready
		exec sleep 1000"
	SCN_PLAIN_PID=$WORLD_LAST_PID
	world_wait_for "the plain host's mount namespace" 5 test -e "$d/ready"
}

# scn_plain CMD...: run CMD in the plain host (its network namespace and its
# mount namespace), bounded in time.
scn_plain() {
	[ -n "$SCN_PLAIN_PID" ] || world_fail "scn_plain before scn_plain_start"
	timeout --foreground "$WORLD_CMD_TIMEOUT" nsenter -t "$SCN_PLAIN_PID" -m -n "$@"
}

# scn_plain_bg LOG CMD...: CMD in the background in the plain host, output
# in $WORLD_TMP/LOG.log. Sets WORLD_LAST_PID.
scn_plain_bg() {
	local log="$WORLD_TMP/$1.log"
	shift
	[ "$BASHPID" = "$WORLD_MAIN_PID" ] || world_fail "scn_plain_bg called from a subshell"
	nsenter -t "$SCN_PLAIN_PID" -m -n "$@" >>"$log" 2>&1 </dev/null &
	WORLD_LAST_PID=$!
	WORLD_PIDS+=("$WORLD_LAST_PID")
}

# scn_plain_rdnssd: rdnssd as Debian's unit runs it (worker as user
# rdnssd, Debian's merge hook, which hands the servers to resolvconf).
scn_plain_rdnssd() {
	scn_plain_bg rdnssd /sbin/rdnssd -f -u rdnssd -H /etc/rdnssd/merge-hook
	SCN_PLAIN_TOOLS+=("$WORLD_LAST_PID")
}

# scn_plain_dhclient IFACE: ISC dhclient on IFACE, in the foreground, with
# Debian's dhclient.conf and dhclient-script (its resolvconf hook).
scn_plain_dhclient() {
	scn_plain_bg "dhclient-$1" dhclient -4 -d -v -pf "/run/dhclient.$1.pid" \
		-lf "/var/lib/dhcp/dhclient.$1.leases" "$1"
	SCN_PLAIN_TOOLS+=("$WORLD_LAST_PID")
}

# scn_plain_resolv: the plain host's /etc/resolv.conf.
scn_plain_resolv() {
	scn_plain cat /etc/resolv.conf
}

# scn_plain_stop_tools: the plain host's DHCP clients release their leases
# (dhclient -r: the address, routes and resolvconf entry go), rdnssd stops;
# the kernel's own SLAAC state stays, as it does under mifd.
scn_plain_stop_tools() {
	local f ifn pid
	for f in "$WORLD_TMP"/dhclient-*.log; do
		[ -e "$f" ] || continue
		ifn=$(basename "$f" .log)
		ifn=${ifn#dhclient-}
		scn_plain dhclient -4 -r -pf "/run/dhclient.$ifn.pid" \
			-lf "/var/lib/dhcp/dhclient.$ifn.leases" "$ifn" >>"$f" 2>&1 || true
	done
	for pid in "${SCN_PLAIN_TOOLS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	SCN_PLAIN_TOOLS=()
}

# scn_plain_use_mif: point the plain host's resolver at mifd's stub, as the
# README says (ln -sf /run/mif/resolv.conf /etc/resolv.conf; here mifd
# writes it in WORLD_TMP). Waits until mifd has written it.
scn_plain_use_mif() {
	world_wait_for "mifd's resolv.conf" 10 test -s "$WORLD_TMP/resolv.conf"
	scn_plain ln -sf "$WORLD_TMP/resolv.conf" /etc/resolv.conf
}

# ---- measuring ----

# scn_cap_start NS IF NAME [FILTER]: capture on IF in NS into
# $WORLD_TMP/cap-NAME.pcap (all packets, or those matching the tcpdump
# FILTER); stop and read with dns_capture_stop / dns_capture_text /
# dns_capture_count (tests/world/dns.sh).
scn_cap_start() {
	local ns=$1 ifname=$2 name=$3 log="$WORLD_TMP/cap-$3.log" i
	shift 3
	: >"$log"
	world_bg "$ns" "cap-$name" tcpdump -n -U --immediate-mode -Z root -i "$ifname" \
		-w "$WORLD_TMP/cap-$name.pcap" "$@"
	echo "$WORLD_LAST_PID" >"$WORLD_TMP/cap-$name.pid"
	for ((i = 0; i < 100; i++)); do
		grep -q "listening on" "$log" 2>/dev/null && return 0
		world__alive "$WORLD_LAST_PID" || world_fail "tcpdump on $ns/$ifname exited: $(cat "$log")"
		sleep 0.1
	done
	world_fail "tcpdump on $ns/$ifname not listening after 10 s"
}

# scn_caps_start PHASE LINK... : one capture per link, LINK = NAME:NS:IF,
# named PHASE-NAME. FILTER from $SCN_CAP_FILTER (default: all).
scn_caps_start() {
	local phase=$1 l name ns ifn
	shift
	for l in "$@"; do
		IFS=: read -r name ns ifn <<<"$l"
		# shellcheck disable=SC2086
		scn_cap_start "$ns" "$ifn" "$phase-$name" ${SCN_CAP_FILTER:-}
	done
}

# scn_caps_count PHASE REGEX LINK...: a JSON object {link: packets whose
# decoded text matches REGEX} over the captures of PHASE (stops them).
scn_caps_count() {
	local phase=$1 re=$2 l name ns ifn n out="{}"
	shift 2
	for l in "$@"; do
		IFS=: read -r name ns ifn <<<"$l"
		if [ ! -e "$WORLD_TMP/cap-$phase-$name.txt" ]; then
			dns_capture_text "$phase-$name" >"$WORLD_TMP/cap-$phase-$name.txt"
		fi
		n=$(grep -ciE -- "$re" "$WORLD_TMP/cap-$phase-$name.txt" || true)
		out=$(jq -c --arg k "$name" --argjson v "${n:-0}" '.[$k] = $v' <<<"$out")
	done
	printf '%s\n' "$out"
}

# scn_lookup NAME: the addresses the host's resolver (glibc, through
# /etc/resolv.conf of the plain host's mount namespace) gives for NAME, one
# line, space separated ("" when it fails), as any program gets them.
scn_lookup() {
	scn_plain getent ahosts "$1" 2>/dev/null | awk '{ print $1 }' | sort -u | tr '\n' ' ' |
		sed 's/ $//' || true
}

# scn_dns_seen SERVER QNAME_REGEX FROM_LINE: the source addresses of the
# queries for QNAME the DNS server SERVER (dns_dnsmasq name) logged after
# line FROM_LINE of its list of queries for QNAME (dns_count_queries SERVER QNAME_REGEX), space separated, unique.
# dnsmasq writes its log asynchronously: an empty list is only taken after 1 s.
scn_dns_seen() {
	local i out=""
	for ((i = 0; i < 10; i++)); do
		out=$(dns_query_sources "$1" "$2" | tail -n +"$(($3 + 1))" | sort -u | tr '\n' ' ' |
			sed 's/ $//')
		[ -n "$out" ] && break
		sleep 0.1
	done
	printf '%s\n' "$out"
}

# scn_whoami NS ADDR [mif-udp-probe ARGS...]: which whoami server answered
# UDP probes from NS to ADDR port 8080 ("none" if nobody did), in the plain
# host's namespaces.
scn_whoami() {
	local ns=$1
	shift
	world_exec "$ns" "$MIF_UDP_PROBE" -p 8080 -n 5 -i 20000 -d "$@" 2>/dev/null |
		jq -r '(.replies_by_name | to_entries | max_by(.value) | .key) // "none"' 2>/dev/null ||
		echo none
}

# scn_tcp_whoami ADDR [nc ARGS...]: connect over TCP from the plain host to
# the whoami server at ADDR port 8080; prints "NAME SOURCE" (the server's
# name and the source address it saw), or "none".
scn_tcp_whoami() {
	local a=$1 out
	shift
	out=$(scn_plain nc -w 3 "$@" "$a" 8080 </dev/null 2>/dev/null | head -n 1) || true
	printf '%s\n' "${out:-none}"
}

# scn_wait_plain_resolv DESC TIMEOUT_S REGEX...: wait until the plain host's
# resolv.conf matches every extended REGEX.
scn__resolv_has() {
	local r c
	c=$(scn_plain_resolv 2>/dev/null) || return 1
	for r in "$@"; do grep -qE -- "$r" <<<"$c" || return 1; done
}
scn_wait_plain_resolv() {
	local d=$1 t=$2
	shift 2
	world_wait_for "$d" "$t" scn__resolv_has "$@"
}

# scn_wait_addr NS IF PREFIX: wait up to 15 s for a global, non-tentative
# address starting with PREFIX on NS/IF.
scn__has_addr() {
	ip -n "$(world_ns "$1")" -o addr show dev "$2" scope global -tentative 2>/dev/null |
		grep -q " $3"
}
scn_wait_addr() {
	world_wait_for "an address $3* on $1/$2" 15 scn__has_addr "$@"
}

# scn_reverse ADDR: the name the host's resolver gives for ADDR (a PTR
# lookup through getent hosts), "" when it fails.
scn_reverse() {
	scn_plain getent hosts "$1" 2>/dev/null | awk '{ print $2; exit }' || true
}

# scn_ingress_filter NS IF PREFIX...: RFC 2827 / RFC 3704 ingress filtering
# on router NS: packets forwarded from IF whose source is in none of the
# PREFIXes (IPv4 or IPv6) are dropped, and counted (scn_ingress_drops).
scn_ingress_filter() {
	local ns=$1 ifn=$2 p v4="" v6=""
	shift 2
	for p in "$@"; do
		case "$p" in *:*) v6="$v6${v6:+, }$p" ;; *) v4="$v4${v4:+, }$p" ;; esac
	done
	{
		echo "table inet scn_ingress {"
		echo " chain scn_fwd { type filter hook forward priority 0;"
		if [ -n "$v6" ]; then echo "  iifname \"$ifn\" meta nfproto ipv6 ip6 saddr != { $v6 } counter drop"; fi
		if [ -n "$v4" ]; then echo "  iifname \"$ifn\" meta nfproto ipv4 ip saddr != { $v4 } counter drop"; fi
		echo " }"
		echo "}"
	} >"$WORLD_TMP/nft-$ns.conf"
	world_exec "$ns" nft -f "$WORLD_TMP/nft-$ns.conf" || world_fail "nft on $ns failed"
}

# scn_ingress_drops NS: packets router NS has dropped so far.
scn_ingress_drops() {
	world_exec "$1" nft list table inet scn_ingress 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
		     END { print n + 0 }'
}

# scn_addr_of NS IF PREFIX: the first global address of NS/IF starting with
# PREFIX.
scn_addr_of() {
	ip -n "$(world_ns "$1")" -o addr show dev "$2" scope global -tentative |
		awk -v p="$3" '{ split($4, a, "/"); if (index(a[1], p) == 1) { print a[1]; exit } }'
}

# scn_fetch URL [CURL_ARGS...]: fetch URL from the plain host (its resolver)
# with curl, 3 s at most; prints JSON {code, ip, body} (code 0: no answer).
scn_fetch() {
	local url=$1 out code ip body
	shift
	out=$(scn_plain curl -s -m 3 -w '\n%{http_code} %{remote_ip}' "$@" "$url" 2>/dev/null) || true
	code=$(tail -n 1 <<<"$out" | awk '{ print $1 }')
	ip=$(tail -n 1 <<<"$out" | awk '{ print $2 }')
	body=$(sed '$d' <<<"$out" | head -c 200)
	jq -cn --arg c "${code:-0}" --arg ip "$ip" --arg b "$body" \
		'{code: ($c | tonumber? // 0), ip: $ip, body: $b}'
}

# scn_follow_download PID FILE SIZE FROM_BYTES FROM_MS: wait (60 s at most)
# for curl PID writing FILE (SIZE bytes when whole, FROM_BYTES of them at
# time FROM_MS), stopped if still running. Sets SCN_DL_RC (curl's status or
# "timeout"), SCN_DL_BYTES (in the end), SCN_DL_LAST (when the last byte
# came), SCN_DL_END (when curl was gone) and SCN_DL_STALL (the longest time
# without a byte after FROM_MS, ms; up to the end when FILE is incomplete).
scn_follow_download() {
	local pid=$1 f=$2 size=$3 prev=$4 last=$5 n now i
	SCN_DL_RC=0 SCN_DL_STALL=0
	for ((i = 0; i < 600; i++)); do
		world__alive "$pid" || break
		n=$(stat -c %s "$f" 2>/dev/null || echo 0)
		if [ "$n" != "$prev" ]; then
			now=$(world__now_ms)
			[ $((now - last)) -gt "$SCN_DL_STALL" ] && SCN_DL_STALL=$((now - last))
			prev=$n last=$now
		fi
		sleep 0.1
	done
	if world__alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		SCN_DL_RC=timeout
	fi
	wait "$pid" || { i=$?; [ "$SCN_DL_RC" = timeout ] || SCN_DL_RC=$i; }
	SCN_DL_END=$(world__now_ms) SCN_DL_LAST=$last
	SCN_DL_BYTES=$(stat -c %s "$f" 2>/dev/null || echo 0)
	[ "$SCN_DL_BYTES" = "$size" ] || SCN_DL_STALL=$((SCN_DL_END - last))
}

# scn_mob_tools: the mobility tools of the build MIFD belongs to (mif-had,
# mif-mn, mif-mh-send), for tests/world/mobility.sh and ha-pair.sh; and
# step TEXT, a line of progress.
scn_mob_tools() {
	local bin
	bin=$(dirname "$MIFD")
	export MIF_HAD=${MIF_HAD:-$bin/../ha/mif-had} MIF_MN=${MIF_MN:-$bin/../../tests/tools/mif-mn}
	export MIF_MH_SEND=${MIF_MH_SEND:-$bin/../../tests/tools/mif-mh-send}
}
step() { world_log "step: $*"; }

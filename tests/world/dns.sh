# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/world/dns.sh: DNS helpers for world tests of mifd's stub resolver,
# on top of lib.sh and mif.sh (source those first):
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/mif.sh"
#   . "$(dirname "$0")/dns.sh"
#
# Servers: dns_dnsmasq (authoritative-style dnsmasq, queries logged),
# dns_unbound (unbound, e.g. for DNS64), dns_nsd (nsd, authoritative). Counting: dns_count_queries,
# dns_query_sources. Packet captures: dns_capture_start, dns_capture_stop,
# dns_capture_count, dns_capture_text. The daemon: dns_mifd_conf, dns_mifd,
# dns_wait_stub. Asking: dns_dig, dns_dig_short, dns_resolve. The one-PvD
# world of many stub tests: dns_one_link, dns_one_pvd, dns_spoof_required.
#
# Every server listens only on the address it is given, inside its
# namespace; nothing here touches the machine's resolver.

DNS_STUB_ADDR=${DNS_STUB_ADDR:-127.0.0.153}

# dns__wait_udp53 NS ADDR DESC PID: wait up to 10 s until something answers
# DNS on ADDR port 53 in NS (dig exits 0 on any reply, even REFUSED), or
# fail (at once if PID has exited).
dns__wait_udp53() {
	local ns=$1 addr=$2 desc=$3 pid=$4 i
	for ((i = 0; i < 50; i++)); do
		world__alive "$pid" || world_fail "$desc exited at start: $(cat "$WORLD_TMP/dns-$desc-out.log")"
		if world_exec "$ns" dig "@$addr" +tries=1 +time=1 +short \
			version.bind CH TXT >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	world_fail "DNS server '$desc' does not answer on $addr port 53 in $ns"
}

# dns_dnsmasq NS NAME LISTEN_ADDR CONF_LINES: run dnsmasq in NS as a DNS
# server (no DHCP, no upstream, no /etc/hosts) answering only on
# LISTEN_ADDR port 53, with the records in CONF_LINES (dnsmasq lines:
# address=/x/1.2.3.4, host-record=, txt-record=, ptr-record=, addn-hosts=,
# auth-zone= ...). Queries are logged to $WORLD_TMP/dns-NAME.log (see
# dns_count_queries). Waits until it answers. Sets WORLD_LAST_PID.
dns_dnsmasq() {
	local ns=$1 name=$2 addr=$3 lines=${4:-} conf="$WORLD_TMP/dns-$2.conf"
	world__need_init
	world_require dnsmasq dig
	[ -e "$conf" ] && world_fail "dns_dnsmasq: server '$name' already exists"
	printf '%s\n' "port=53" "listen-address=$addr" "bind-interfaces" "no-resolv" \
		"no-poll" "no-hosts" "no-negcache" "cache-size=0" "log-queries" \
		"log-facility=$WORLD_TMP/dns-$name.log" "$lines" >"$conf"
	: >"$WORLD_TMP/dns-$name.log"
	world_exec "$ns" dnsmasq --test --conf-file="$conf" >"$WORLD_TMP/dns-$name-check.log" 2>&1 ||
		world_fail "dnsmasq config for '$name' rejected: $(cat "$WORLD_TMP/dns-$name-check.log")"
	world_bg "$ns" "dns-$name-out" dnsmasq --keep-in-foreground --conf-file="$conf" \
		--user=root --pid-file
	dns__wait_udp53 "$ns" "$addr" "$name" "$WORLD_LAST_PID"
}

# dns_auth_lines ADDR ZONE[,SUBNET...]...: dnsmasq lines making the server on
# ADDR authoritative for each ZONE (and for the reverse zones of its
# SUBNETs, e.g. corp.example,2001:db8:99::/64): answers carry AA, a name
# without records gets NXDOMAIN and a missing type NODATA, both with the
# zone's SOA (TTL and negative TTL $DNS_AUTH_TTL, default 600), so that they
# can be cached (RFC 2308); names outside the zones get REFUSED. Records
# come from host-record=, txt-record=, ptr-record=, cname=, mx-host=...
# (not address=).
dns_auth_lines() {
	local addr=$1 z
	shift
	printf 'auth-server=ns.%s,%s\n' "${1%%,*}" "$addr"
	for z in "$@"; do printf 'auth-zone=%s\n' "$z"; done
	printf 'auth-ttl=%s\nauth-soa=1,hostmaster.%s,1200,120,1209600\n' \
		"${DNS_AUTH_TTL:-600}" "${1%%,*}"
}

# dns_unbound NS NAME CONF_TEXT: run unbound in NS in the foreground with
# CONF_TEXT as the body of its "server:" clause (plus any further clauses
# such as forward-zone:, unindented). chroot, username, pidfile and the log
# ($WORLD_TMP/dns-NAME.log, queries logged) are set here. CONF_TEXT must
# name its interface: (one address). Waits until it answers. Sets
# WORLD_LAST_PID.
dns_unbound() {
	local ns=$1 name=$2 text=$3 conf="$WORLD_TMP/dns-$2.conf" addr
	world__need_init
	world_require unbound unbound-checkconf dig
	[ -e "$conf" ] && world_fail "dns_unbound: server '$name' already exists"
	addr=$(printf '%s\n' "$text" | awk '$1 == "interface:" { print $2; exit }')
	[ -n "$addr" ] || world_fail "dns_unbound '$name': the config names no interface:"
	{
		printf 'server:\n'
		printf '\t%s\n' 'chroot: ""' 'username: ""' 'use-syslog: no' 'log-queries: yes' \
			'verbosity: 1' "logfile: \"$WORLD_TMP/dns-$name.log\"" \
			"pidfile: \"$WORLD_TMP/dns-$name.pid\"" "directory: \"$WORLD_TMP\"" \
			'do-daemonize: no' 'port: 53' 'num-threads: 1' 'so-reuseport: no'
		printf '%s\n' "$text"
	} >"$conf"
	: >"$WORLD_TMP/dns-$name.log"
	unbound-checkconf "$conf" >"$WORLD_TMP/dns-$name-check.log" 2>&1 ||
		world_fail "unbound config for '$name' rejected: $(cat "$WORLD_TMP/dns-$name-check.log")"
	world_bg "$ns" "dns-$name-out" unbound -d -c "$conf"
	dns__wait_udp53 "$ns" "$addr" "$name" "$WORLD_LAST_PID"
}

# dns_nsd NS ADDR ZONE ZONEFILE [VERBOSITY]: nsd in NS, authoritative for
# ZONE from ZONEFILE (a name in $WORLD_TMP), listening on ADDR port 53
# only; one server process, no remote control, log in nsd-run.log.
dns_nsd() {
	local ns=$1 addr=$2 zone=$3 file=$4 verb=${5:-0}
	cat >"$WORLD_TMP/nsd.conf" <<EOF
server:
	ip-address: $addr
	port: 53
	username: ""
	chroot: ""
	zonesdir: "$WORLD_TMP"
	pidfile: "$WORLD_TMP/nsd.pid"
	database: ""
	zonelistfile: "$WORLD_TMP/nsd.zonelist"
	xfrdfile: "$WORLD_TMP/nsd.xfrd"
	xfrdir: "$WORLD_TMP"
	logfile: "$WORLD_TMP/nsd-run.log"
	server-count: 1
	verbosity: $verb
remote-control:
	control-enable: no
zone:
	name: $zone
	zonefile: $file
EOF
	world_bg "$ns" nsd nsd -d -c "$WORLD_TMP/nsd.conf"
}

# dns_count_queries NAME QNAME_REGEX: how many queries for names matching
# the extended regex (whole name, no trailing dot, case-insensitive) the
# server NAME (dns_dnsmasq or dns_unbound) has logged.
dns_count_queries() {
	dns_query_sources "$1" "$2" | wc -l
}

# dns_query_sources NAME QNAME_REGEX: the source address of each logged
# query for a matching name, one per line, oldest first.
dns_query_sources() {
	local log="$WORLD_TMP/dns-$1.log"
	[ -f "$log" ] || world_fail "no DNS server '$1' (no $log)"
	# dnsmasq: "query[AAAA] www.example.net from 2001:db8:1::100" (or auth[AAAA])
	# unbound: "info: 2001:db8:1::100 www.example.net. AAAA IN"
	awk -v re="^($2)\$" '
		function out(n, src) { sub(/\.$/, "", n); if (tolower(n) ~ tolower(re)) print src }
		match($0, /(query|auth)\[[A-Za-z0-9]+\] [^ ]+ from [^ ]+/) {
			split(substr($0, RSTART, RLENGTH), f, " "); out(f[2], f[4]); next
		}
		$0 ~ / info: [0-9a-fA-F.:]+ [^ ]+\. [A-Z0-9]+ [A-Z]+$/ {
			n = split($0, f, " "); out(f[n - 2], f[n - 3])
		}' "$log"
}

# dns_capture_start NS IF NAME: capture DNS (port 53, UDP and TCP) on IF in
# NS into $WORLD_TMP/cap-NAME.pcap, written packet by packet. Returns once
# tcpdump is listening (at most 10 s). Call it directly, not in $(...).
dns_capture_start() {
	local ns=$1 ifname=$2 name=$3 log="$WORLD_TMP/cap-$3.log" i
	world__need_init
	world_require tcpdump
	[ -e "$WORLD_TMP/cap-$name.pid" ] && world_fail "capture '$name' already started"
	: >"$log"
	world_bg "$ns" "cap-$name" tcpdump -n -U --immediate-mode -Z root -i "$ifname" -w "$WORLD_TMP/cap-$name.pcap" 'port 53'
	echo "$WORLD_LAST_PID" >"$WORLD_TMP/cap-$name.pid"
	for ((i = 0; i < 100; i++)); do
		if grep -q "listening on" "$log" 2>/dev/null; then
			return 0
		fi
		world__alive "$WORLD_LAST_PID" || world_fail "tcpdump on $1/$2 exited: $(cat "$log")"
		sleep 0.1
	done
	world_fail "tcpdump on $1/$2 not listening after 10 s: $(cat "$log")"
}

# dns_capture_stop NAME: stop capture NAME (SIGINT, so tcpdump writes out
# what it has; waits at most 5 s). Safe to call again, and from $(...).
dns_capture_stop() {
	local pidf="$WORLD_TMP/cap-$1.pid" pid i
	[ -f "$pidf" ] || world_fail "no capture '$1'"
	pid=$(cat "$pidf")
	[ "$pid" = stopped ] && return 0
	# Packets just sent may still be on their way through the kernel.
	sleep 0.3
	kill -INT "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		world__alive "$pid" || break
		sleep 0.1
	done
	if world__alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		world_fail "tcpdump for capture '$1' did not stop on SIGINT"
	fi
	# Reaped here in the main shell, else by world_cleanup.
	if [ "$BASHPID" = "$WORLD_MAIN_PID" ]; then wait "$pid" 2>/dev/null || true; fi
	echo stopped >"$pidf"
}

# dns_capture_text NAME: the decoded capture (tcpdump -n -r), one packet per
# line. Stops the capture first (dns_capture_stop).
dns_capture_text() {
	local f="$WORLD_TMP/cap-$1.pcap"
	dns_capture_stop "$1"
	[ -f "$f" ] || world_fail "capture '$1' wrote no file"
	tcpdump -n -r "$f" 2>/dev/null
}

# dns_capture_count NAME FILTER_REGEX: how many captured packets' decoded
# text matches the extended regex (case-insensitive), e.g. 'corp\.example'.
# Stops the capture first, so count once per capture. The text is kept in
# $WORLD_TMP/cap-NAME.txt.
dns_capture_count() {
	local txt="$WORLD_TMP/cap-$1.txt" n
	dns_capture_text "$1" >"$txt"
	n=$(grep -ciE -- "$2" "$txt" || true)
	echo "${n:-0}"
}

# dns_mifd_conf [LINES]: write a mifd config for this world ([dns] with
# resolv_conf in $WORLD_TMP, then LINES, which may set more [dns] keys or
# open other sections) and print its path.
dns_mifd_conf() {
	local conf="$WORLD_TMP/mifd-dns.conf"
	world__need_init
	printf '[dns]\nresolv_conf = %s\n%s\n' "$WORLD_TMP/resolv.conf" "${1:-}" >"$conf"
	printf '%s\n' "$conf"
}

# dns_wait_stub NS: wait up to 5 s until the stub listens on
# $DNS_STUB_ADDR port 53 (UDP) in NS, or fail.
dns_wait_stub() {
	local i out
	for ((i = 0; i < 50; i++)); do
		out=$(world_exec "$1" ss -Hlnu "src $DNS_STUB_ADDR and sport = :53" 2>/dev/null) || true
		[ -n "$out" ] && return 0
		sleep 0.1
	done
	world_fail "the stub does not listen on $DNS_STUB_ADDR:53 in $1"
}

# dns_mifd NS [ARGS...]: world_mifd NS -c "$(dns_mifd_conf)" ARGS, then
# wait for the stub (dns_wait_stub).
dns_mifd() {
	local ns=$1 conf
	shift
	# DNS_MIFD_EXTRA: more lines for the configuration (e.g. [steering]).
	conf=$(dns_mifd_conf "${DNS_MIFD_EXTRA:-}")
	world_mifd "$ns" -c "$conf" "$@"
	dns_wait_stub "$ns"
}

# dns_dig NS ARGS...: dig @$DNS_STUB_ADDR +tries=1 +time=3 ARGS in NS
# (the stub); dig's output and exit status (0 on any DNS answer).
dns_dig() {
	local ns=$1
	shift
	world_exec "$ns" dig "@$DNS_STUB_ADDR" +tries=1 +time=3 "$@"
}

# dns_dig_short NS ARGS...: dns_dig with +short (the answer data only).
dns_dig_short() {
	dns_dig "$1" +short "${@:2}"
}

# dns_dig_status NS ARGS...: the rcode of dns_dig (NOERROR, NXDOMAIN, ...),
# "none" when no answer came.
dns_dig_status() {
	local out
	out=$(dns_dig "$@" 2>&1) || { echo none; return 0; }
	out=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -n 1)
	echo "${out:-none}"
}

# dns_resolve NAME [ARGS...]: mifctl --json resolve NAME ARGS against the
# world's mifd (JSON on stdout; mifctl's exit status).
dns_resolve() {
	world_ctl --json resolve "$@"
}

# dns_res NAME ARGS...: mifctl --json resolve, failing the test on an error.
dns_res() {
	local out
	out=$(dns_resolve "$@") || world_fail "mifctl resolve $* failed: $out"
	printf '%s\n' "$out"
}

# dns_expect DESC JSON JQ_FILTER: the JSON must satisfy the filter.
dns_expect() {
	printf '%s' "$2" | world_jq "$3" >/dev/null || world_fail "$1: $2"
	world_log "ok: $1"
}

# dns_spoof_required: fail unless MIF_DNS_SPOOF (tests/tools/mif-dns-spoof)
# is set and executable.
dns_spoof_required() {
	[ -n "${MIF_DNS_SPOOF:-}" ] && [ -x "$MIF_DNS_SPOOF" ] ||
		world_fail "MIF_DNS_SPOOF is not set or not executable (${MIF_DNS_SPOOF:-})"
}

# dns_one_link: the world of many stub tests, r1 -- h:eth0, with
# 2001:db8:1::53/64 on r1 for the test's upstream server (start it next).
dns_one_link() {
	world_router r1
	world_host h
	world_link r1 eth0 h eth0
	world_addr r1 eth0 2001:db8:1::53/64
}

# dns_one_pvd [CONF_LINES]: mifd on h (config: dns_mifd_conf CONF_LINES),
# then an RA from r1 making one PvD, 2001:db8:1::/64 with the server
# 2001:db8:1::53; returns once h holds a preferred address in it.
dns_one_pvd() {
	world_lla h eth0 >/dev/null
	world_mifd h -c "$(dns_mifd_conf "${1:-}")"
	dns_wait_stub h
	world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
	mif_expect "the PvD with a usable address" 15 \
		'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'
}

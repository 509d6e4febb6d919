# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# mif-specific helpers for world tests, on top of lib.sh (source lib.sh first).

# mif_pvds: the PvD list as JSON (mifctl --json pvd list).
mif_pvds() {
	world_ctl --json pvd list
}

# mif__match FILTER: the PvD list satisfies the jq filter.
mif__match() {
	mif_pvds | jq -e "$1" >/dev/null
}

# mif_expect DESC TIMEOUT_S JQ_FILTER: wait until the PvD list satisfies
# the filter (evaluated on the array of PvDs), or fail with DESC.
mif_expect() {
	world_wait_for "$1" "$2" mif__match "$3"
}

# mif_pvd_on IFACE: jq expression selecting the PvDs seen on IFACE.
mif_pvd_on() {
	printf '[.[] | select(.interfaces | index("%s"))]' "$1"
}

# mif_status: mifctl --json status.
mif_status() {
	world_ctl --json status
}

# mif_stable: the PvD list without ticking timers, for before/after compares.
mif_stable() {
	mif_pvds | jq -S 'walk(if type == "object" then del(.expires_in, .preferred_expires_in,
		.valid_lifetime, .preferred_lifetime, .renew_in, .rebind_in, .refresh_in)
		else . end)'
}

# mif_as_nobody ARGS...: run mifctl ARGS as user nobody against the world's
# mifd. The build tree may sit where only root can enter, so a copy of
# mifctl and libmif in WORLD_TMP is run.
mif_as_nobody() {
	if [ ! -x "$WORLD_TMP/bin/mifctl" ]; then
		chmod 0755 "$WORLD_TMP"
		mkdir -p -m 0755 "$WORLD_TMP/bin"
		cp "$MIFCTL" "$WORLD_TMP/bin/mifctl"
		cp -L "$(dirname "$MIFCTL")/../../lib/libmif.so.0" "$WORLD_TMP/bin/"
		chmod 0755 "$WORLD_TMP/bin/mifctl" "$WORLD_TMP/bin/libmif.so.0"
	fi
	world_exec "$WORLD_MIFD_NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		env LD_LIBRARY_PATH="$WORLD_TMP/bin" "$WORLD_TMP/bin/mifctl" \
		--socket "$WORLD_TMP/mifd.sock" "$@"
}

# mif_dnsmasq NS NAME CONF_TEXT: run dnsmasq in NS in the foreground with
# the configuration (DNS off unless the text sets a port), logging DHCP to
# $WORLD_TMP/dnsmasq-NAME.log. Sets WORLD_LAST_PID.
mif_dnsmasq() {
	local ns=$1 name=$2 conf="$WORLD_TMP/dnsmasq-$2.conf"
	printf '%s\n' "$3" >"$conf"
	grep -q '^port=' "$conf" || echo "port=0" >>"$conf"
	world_bg "$ns" "dnsmasq-$name-out" dnsmasq --keep-in-foreground --conf-file="$conf" \
		--user=root --log-dhcp --log-facility="$WORLD_TMP/dnsmasq-$name.log" \
		--dhcp-leasefile="$WORLD_TMP/dnsmasq-$name.leases" --pid-file
}

# mif_net NAME ROUTER HOST_IF N: a network "NAME" served by router ROUTER to
# the host's HOST_IF: 192.168.N.0/24 by DHCPv4 (dnsmasq) and 2001:db8:N::/64
# by RAs (radvd), plus a server "server-NAME" behind the router at the same
# private addresses on every network (10.99.0.1, 2001:db8:99::1) running
# mif-whoami. Extra radvd and dnsmasq lines may follow in $MIF_NET_RADVD /
# $MIF_NET_DNSMASQ.
mif_net() {
	local name=$1 r=$2 hif=$3 n=$4 s="s$2"
	world_router "$r"
	world_sysctl "$r" net.ipv4.ip_forward=1
	world_host "$s"
	world_link "$r" eth0 "$WORLD_NET_HOST" "$hif"
	world_link "$r" eth1 "$s" eth0
	ip -n "$(world_ns "$r")" addr add "192.168.$n.1/24" dev eth0
	world_addr "$r" eth0 "2001:db8:$n::1/64"
	ip -n "$(world_ns "$r")" addr add 10.99.0.254/24 dev eth1
	world_addr "$r" eth1 2001:db8:99::fe/64
	ip -n "$(world_ns "$s")" addr add 10.99.0.1/24 dev eth0
	world_addr "$s" eth0 2001:db8:99::1/64
	ip -n "$(world_ns "$s")" route add default via 10.99.0.254
	ip -n "$(world_ns "$s")" -6 route add default via 2001:db8:99::fe
	world_bg "$s" "whoami-$name" "$MIF_WHOAMI" -n "server-$name" -p 8080
	world_radvd "$r" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; prefix 2001:db8:$n::/64 { AdvOnLink on; AdvAutonomous on; };
		${MIF_NET_RADVD:-} };"
	mif_dnsmasq "$r" "$name" "interface=eth0
bind-interfaces
dhcp-range=192.168.$n.100,192.168.$n.150,255.255.255.0,10m
dhcp-option=option:router,192.168.$n.1
${MIF_NET_DNSMASQ:-}"
}

# mif_probe NS ARGS...: mif-udp-probe a few times from NS to port 8080;
# prints the name that answered most ("none" if nobody did).
mif_probe() {
	local ns=$1
	shift
	world_exec "$ns" "$MIF_UDP_PROBE" -p 8080 -n 10 -i 5000 "$@" 2>/dev/null |
		jq -r '(.replies_by_name | to_entries | max_by(.value) | .key) // "none"'
}

# mif_two_nets SERVER: r1 -- h:eth0 (2001:db8:1::/64, r1 at ::1) and r2 --
# h:wlan0 (2001:db8:2::/64), and behind each router r<N> a server s<N> on
# eth1 at the same address SERVER/64 on both, its default route through
# the router's ::fe of SERVER's /64 (the caller starts what s<N> serves).
mif_two_nets() {
	local server=$1 gw="${1%::*}::fe" n
	world_router r1
	world_router r2
	world_host h
	world_host s1
	world_host s2
	world_link r1 eth0 h eth0
	world_link r2 eth0 h wlan0
	world_link r1 eth1 s1 eth0
	world_link r2 eth1 s2 eth0
	for n in 1 2; do
		world_addr "r$n" eth0 "2001:db8:$n::1/64"
		world_addr "r$n" eth1 "$gw/64"
		world_addr "s$n" eth0 "$server/64"
		ip -n "$(world_ns "s$n")" -6 route add default via "$gw"
	done
}

# mif_shared_cd: two routers on one link (problem statement 4.5): rC
# (2001:db8:c::1/64) and rD (2001:db8:d::1/64) bridged with h:eth0 by
# br0 in sw, and behind each a server sC / sD at the same address
# 2001:db8:99::1, its default route through its router's ::fe (the caller
# starts radvd and what the servers serve).
mif_shared_cd() {
	local x l
	world_host sw
	world_host h
	world_bridge sw br0
	world_link h eth0 sw ph
	world_bridge_port sw br0 ph
	for x in C D; do
		world_router "r$x"
		world_host "s$x"
		world_link "r$x" eth0 sw "p$x"
		world_bridge_port sw br0 "p$x"
		world_link "r$x" eth1 "s$x" eth0
		l=$(printf '%s' "$x" | tr CD cd)
		world_addr "r$x" eth0 "2001:db8:$l::1/64"
		world_addr "r$x" eth1 2001:db8:99::fe/64
		world_addr "s$x" eth0 2001:db8:99::1/64
		ip -n "$(world_ns "s$x")" -6 route add default via 2001:db8:99::fe
	done
}

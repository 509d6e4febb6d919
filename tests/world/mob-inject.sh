# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mob-inject.sh, after lib.sh: tunnel data injected into a
# mobile node's care-of socket by a host that is not its home agent
# (test-mobility.sh with mif-mn, test-mobility-mifd.sh with mifd).
#
# mob_inject ATK NODE COA PORT HA HA_PORT HOA SENDER DROPS
#   ATK sends to COA:PORT (the node's care-of socket, as the home agent's
#   binding cache names it) a tunnel packet whose inner UDP datagram goes
#   to HOA port 7777, correct checksums and all (SENDER: the
#   mif-mh-send binary). DROPS is a command printing the node's
#   drop_source counter. Shows:
#   - the packet reached NODE (an nftables counter on its input), was
#     counted as not from the home agent, and nothing reached the
#     listener on the home address;
#   - control: the same packet with the home agent's address and port
#     forged as its outer source is delivered. The check stops any host
#     that cannot forge the home agent's address; one that can (no
#     ingress filtering between it and the node) is not stopped: data
#     packets carry no authentication of their own (doc/mobility.md).
# Whether command $1 prints a number above $2.
mob__more() {
	local v
	v=$("$1") || return 1
	[ "$v" -gt "$2" ]
}

mob_inject() {
	local atk=$1 node=$2 coa=$3 port=$4 ha=$5 ha_port=$6 hoa=$7 sender=$8 drops=$9
	local d0 got="$WORLD_TMP/inject.got" lpid

	: >"$got"
	world_bg "$node" inject-listener python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7777))
s.settimeout(0.5)
end = time.time() + 30
while time.time() < end:
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        continue
    with open(sys.argv[2], "ab") as f:
        f.write(d)
' "$hoa" "$got"
	lpid=$WORLD_LAST_PID
	world_exec "$node" nft -f - <<-NFT || world_fail "nft counter on $node"
	table inet inject {
		chain in {
			type filter hook input priority -5; policy accept;
			ip6 daddr $coa udp dport $port counter
		}
	}
	NFT
	sleep 0.5       # the listener binds
	d0=$("$drops")
	world_exec "$atk" "$sender" --to "$coa" --port "$port" --hoa "$hoa" \
		--data 2001:db8:a::99 --dport 7777 || world_fail "mif-mh-send --data"
	world_wait_for "the injected packet reached $node" 5 bash -c \
		"ip netns exec '$(world_ns "$node")' nft list table inet inject | grep -q 'packets [1-9]'"
	world_wait_for "$node counts it as not from the home agent (drop_source)" 5 \
		mob__more "$drops" "$d0"
	sleep 0.5
	if grep -q mif-forged-data "$got"; then
		world_fail "injected tunnel data from a host not the home agent reached the home address"
	fi
	world_log "ok: tunnel data from $atk (not the home agent) dropped and counted"
	# Control: the same packet, the home agent's endpoint forged as source.
	world_exec "$atk" "$sender" --to "$coa" --port "$port" --hoa "$hoa" \
		--data 2001:db8:a::99 --dport 7777 --spoof "$ha" --sport "$ha_port" ||
		world_fail "mif-mh-send --data --spoof"
	world_wait_for "control: with the home agent's address forged, it is delivered" 5 \
		grep -q mif-forged-data "$got"
	world_exec "$node" nft delete table inet inject
	kill "$lpid" 2>/dev/null || true
}

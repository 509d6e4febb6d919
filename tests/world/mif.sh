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
		.valid_lifetime, .preferred_lifetime) else . end)'
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

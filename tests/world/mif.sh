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

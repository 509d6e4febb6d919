/* SPDX-License-Identifier: MIT */
/* The parent's part of mifd's kernel fast path (kern_mob_fast.h). */
#include <stdio.h>
#include <string.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/mobility/kern_mob_fast.h"

struct tunfast *kern_mob_fast_open(const struct mob_config *c, int tun_ifindex, char *why)
{
	struct tunfast *f = NULL;
	int r;

	if (!c->fast_path) {
		snprintf(why, 64, "off (fast_path = no)");
		return NULL;
	}
	if ((r = tunfast_open(TUNFAST_MN, tun_ifindex, MOB_MAX_HOAS, MOB_MAX_PATHS, &f)) < 0) {
		snprintf(why, 64, "not loaded: %s", strerror(-r));
		log_warn("mobility: fast path %s: the tunnel's packets go through the "
			 "network-facing process", why);
		return NULL;
	}
	snprintf(why, 64, "on");
	log_info("mobility: fast path on: data packets stay in the kernel where the agent offers it");
	return f;
}

void kern_mob_fast_path(struct tunfast *f, int tun_ifindex, const struct msg_mob_path *p, int fd)
{
	int r;

	if (!f || p->family != 6 || p->ifindex == tun_ifindex)
		return;
	/* The agent's fast path sends UDP checksum 0 (RFC 6935 section 5). */
	if ((r = tunfast_sock_zero_csum_ok(fd)) < 0)
		log_warn("mobility: %s: UDP_NO_CHECK6_RX: %s", p->ifname, strerror(-r));
	if ((r = tunfast_uplink(f, p->ifindex)) < 0)
		log_warn("mobility: fast path: not on %s: %s", p->ifname, strerror(-r));
}

int kern_mob_fast_load(const struct tunfast *f, int tun_ifindex, const char *why, int net_fd)
{
	struct mob_wire_fast w = { .which = 2, .tun_ifindex = tun_ifindex };
	int fds[2], r = 0;

	snprintf(w.why, sizeof(w.why), "%s", why);
	if (!f)
		return ipc_send_fd(net_fd, MOB_WIRE_FAST, &w, sizeof(w), -1);
	tunfast_map_fds(f, &fds[0], &fds[1]);
	for (uint32_t i = 0; r == 0 && i < 2; i++) {
		w.which = i;
		r = ipc_send_fd(net_fd, MOB_WIRE_FAST, &w, sizeof(w), fds[i]);
	}
	return r;
}

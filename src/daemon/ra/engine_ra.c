/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisements, from the kernel side's raw socket to the PvD store.
 * RFC 4861 section 6.1.2 validity checks, then RFC 8801 section 3.4
 * association: an RA with a PvD option belongs to that explicit PvD, one
 * without to the implicit PvD of (interface, router link-local address).
 */
#include <arpa/inet.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"

static void engine_ra_drop(struct engine *e, unsigned reason, const struct msg_ra *h,
			   const char *ifname)
{
	char src[INET6_ADDRSTRLEN];
	uint64_t suppressed = 0;

	e->ctr.ra_dropped++;
	if (reason < ENGINE_DROP__MAX)
		e->ctr.drops[reason]++;
	/* Peers control this path: rate-limit the log, count everything. */
	if (!log_ratelimit_ok(&e->drop_rl, &suppressed))
		return;
	inet_ntop(AF_INET6, &h->src, src, sizeof(src));
	log_warn("dropped RA from %s on %s: %s%s", src, ifname, engine_drop_name(reason),
		 suppressed ? " (more dropped RAs not logged)" : "");
	if (suppressed)
		log_warn("%llu dropped RA log lines suppressed", (unsigned long long)suppressed);
}

static struct pvd *engine_ra_pvd(struct engine *e, const struct ra *ra, int ifindex,
				 const struct in6_addr *src, const char *ifname)
{
	struct pvd *p;

	if (ra->has_pvd) {
		p = pvd_find_explicit(&e->store, ra->pvd.id);
		return p ? p : pvd_create_explicit(&e->store, ra->pvd.id);
	}
	p = pvd_find_implicit(&e->store, ifindex, src);
	return p ? p : pvd_create_implicit(&e->store, ifindex, src, ifname);
}

static bool engine_ra_checks(struct engine *e, const struct msg_ra *h, size_t len,
			     const char *ifname)
{
	if (len == 0 || len > 65535) {
		engine_ra_drop(e, ENGINE_DROP_SIZE, h, ifname);
		return false;
	}
	/* RFC 4861 section 6.1.2: hop limit 255 proves the RA was not
	 * forwarded; the source must be the router's link-local address. */
	if (h->hop_limit != 255) {
		engine_ra_drop(e, ENGINE_DROP_HOP_LIMIT, h, ifname);
		return false;
	}
	if (!IN6_IS_ADDR_LINKLOCAL(&h->src)) {
		engine_ra_drop(e, ENGINE_DROP_SOURCE, h, ifname);
		return false;
	}
	return true;
}

void engine_on_ra(struct engine *e, const struct ipc_msg *m)
{
	struct ra *ra = &e->ra_rx;
	const struct msg_ra *h = (const struct msg_ra *)m->data;
	const struct view_link *l;
	enum ra_error why = RA_OK;
	char ifbuf[16];
	const char *ifname;
	struct pvd *p;
	size_t len;

	if (m->hdr.len < sizeof(*h)) {
		e->ctr.ipc_errors++;
		return;
	}
	len = m->hdr.len - sizeof(*h);
	l = view_link(&e->view, h->ifindex);
	if (!l || !l->managed) {
		e->ctr.ra_unmanaged++;
		return;
	}
	ifname = view_ifname(&e->view, h->ifindex, ifbuf, sizeof(ifbuf));
	e->ctr.ra_received++;
	if (!engine_ra_checks(e, h, len, ifname))
		return;
	if (ra_parse(m->data + sizeof(*h), len, ra, &why) < 0) {
		engine_ra_drop(e, why, h, ifname);
		return;
	}
	p = engine_ra_pvd(e, ra, h->ifindex, &h->src, ifname);
	if (!p || pvd_apply_ra(&e->store, p, ra, h->ifindex, &h->src, h->rx_ns) < 0) {
		log_err("out of memory applying RA on %s", ifname);
		engine_sync(e);
		return;
	}
	e->ctr.ra_accepted++;
	engine_rs_ra(e, h->ifindex, ra->hdr.router_lifetime);
	for (size_t i = 0; i < ra->n_prefixes; i++)
		if (ra->prefixes[i].nested)
			engine_slaac_prefix(e, h->ifindex, &ra->prefixes[i],
					    p->explicit_ ? p->id : "", h->rx_ns);
	/* The RA may change where DHCP data belongs (RFC 8801 3.4.1, 3.4.2),
	 * between the PvDs of this interface. Every PvD that loses or gains
	 * an item, here or there, is marked dirty where it happens (the
	 * pvd_add_* adders, PVD_DROP_IF, PVD_CLAIM): only those are compared
	 * with what was published, not every PvD of the link. */
	engine_dhcp_after_ra(e, h->ifindex);
	p->dirty = true;
	engine_sync_dirty(e);
}

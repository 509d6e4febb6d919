/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/kern/kern_priv.h"

static void kern_msg_cb(void *ctx, const struct ipc_msg *m)
{
	struct kern *k = ctx;
	uint32_t lvl;

	if (((m->hdr.type >= MSG_BIND_BEGIN && m->hdr.type <= MSG_RESOLV_SEARCH) ||
	     m->hdr.type == MSG_LEASE_SAVE || m->hdr.type == MSG_MOB_PATHS ||
	     m->hdr.type == MSG_POLICY_RELOAD || m->hdr.type == MSG_STEER_ADD ||
	     m->hdr.type == MSG_STEER_CGROUPS || m->hdr.type == MSG_STEER_SELS) && k->other) {
		k->other(k->other_ctx, m);
		return;
	}
	if (m->hdr.type == MSG_LOG_LEVEL) {
		if (ipc_expect(m, sizeof(lvl)) == 0) {
			memcpy(&lvl, m->data, sizeof(lvl));
			if (lvl <= LOG_LVL_DEBUG)
				log_set_level((enum log_level)lvl);
		}
		return;
	}
	if (m->hdr.type >= MSG_DHCP_OPEN && m->hdr.type <= MSG_ARP_PROBE)
		kern_dhcp_on_engine(ctx, m);
	else if (m->hdr.type == MSG_RS_SEND)
		kern_icmp6_send_rs(ctx, m);
	else if (m->hdr.type == MSG_RA_SEND)
		kern_icmp6_send_ra(ctx, m);
	else
		kern_nl_on_engine(ctx, m);
}

void kern_wipe_secret(struct kern *k)
{
	explicit_bzero(k->cfg.stable_secret, sizeof(k->cfg.stable_secret));
}

/*
 * Back-pressure (issue 17): while more than CHAN_HIGH_WATER bytes wait for
 * the engine, the kernel side stops reading its floods (RAs, netlink
 * events). The engine's requests are always read. Once under the low-water
 * mark: if a message was dropped all the same, the kernel's state is
 * dumped again, so the engine's view is rebuilt; and the engine hears the
 * channel's counters (status .channels).
 */
static void kern_pressure_cb(void *ctx, bool over)
{
	struct kern *k = ctx;
	struct chan_stats st;

	kern_icmp6_pause(k, over);
	kern_nl_pause(k, over);
	if (over)
		return;
	chan_get_stats(k->ch, &st);
	if (st.dropped != k->dropped_seen) {
		k->dropped_seen = st.dropped;
		log_warn("kernel side: %llu messages to the engine dropped; resynchronising",
			 (unsigned long long)st.dropped);
		kern_nl_resync(k);
	}
	chan_send(k->ch, MSG_CHAN_STATS, &st, sizeof(st));
}

static void kern_close_cb(void *ctx)
{
	struct kern *k = ctx;

	log_info("kernel side: the engine closed its channel; stopping");
	event_base_loopexit(k->base, NULL);
}

struct kern *kern_new(struct event_base *base, int engine_fd, const struct kern_config *cfg,
		      int *err)
{
	struct kern *k = calloc(1, sizeof(*k));
	int r = -ENOMEM;

	if (!k)
		goto fail;
	k->base = base;
	k->cfg = *cfg;
	k->icmp_fd = -1;
	k->rxbuf = malloc(KERN_RXBUF);
	k->ch = chan_new(base, engine_fd, kern_msg_cb, kern_close_cb, k);
	if (!k->rxbuf || !k->ch)
		goto fail;
	chan_set_pressure_cb(k->ch, kern_pressure_cb, k);
	r = kern_icmp6_open(k);
	if (r < 0)
		goto fail;
	r = kern_nl_open(k);
	if (r < 0)
		goto fail;
	return k;
fail:
	kern_free(k);
	*err = r;
	return NULL;
}

void kern_set_other_cb(struct kern *k, kern_other_fn cb, void *ctx)
{
	k->other = cb;
	k->other_ctx = ctx;
}

struct chan *kern_chan(struct kern *k)
{
	return k->ch;
}

void kern_free(struct kern *k)
{
	if (!k)
		return;
	kern_nl_close(k);
	kern_icmp6_close(k);
	kern_dhcp_close_all(k);
	chan_free(k->ch);
	free(k->rxbuf);
	free(k);
}

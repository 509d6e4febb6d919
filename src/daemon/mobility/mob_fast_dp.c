/* SPDX-License-Identifier: MIT */
/* The kernel fast path in the network-facing process (mob_fast_dp.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/mobility/mob_fast_dp.h"

int mob_fast_msg(struct mob_node *n, const struct mob_wire_fast *w, int fd)
{
	int r;

	if (w->which > 2 || (w->which == 2) != (fd < 0) || n->fast)
		return -EBADMSG;
	n->fast_tun_ifindex = w->tun_ifindex;
	if (w->which == 2) {
		snprintf(n->fast_why, sizeof(n->fast_why), "%.*s", (int)sizeof(w->why) - 1, w->why);
		return 0;
	}
	if (n->fast_fd[w->which] >= 0)
		close(n->fast_fd[w->which]);
	n->fast_fd[w->which] = fd;
	if (n->fast_fd[0] < 0 || n->fast_fd[1] < 0)
		return 0;
	if ((r = tunfast_from_fds(n->fast_fd[0], n->fast_fd[1], &n->fast)) < 0) {
		snprintf(n->fast_why, sizeof(n->fast_why), "maps not taken: %s", strerror(-r));
		return 0;
	}
	n->fast_fd[0] = n->fast_fd[1] = -1;     /* the handle's now */
	/* A restarted process starts from nothing: what the last one left
	 * is gone before its first entry. */
	tunfast_clear(n->fast);
	snprintf(n->fast_why, sizeof(n->fast_why), "on");
	return 0;
}

bool mob_fast_owns(const struct mob_node *n, int fd)
{
	return fd >= 0 && (fd == n->fast_fd[0] || fd == n->fast_fd[1]);
}

/* Whether m rides in another home address's tunnel (a nested pair). */
static bool mob_fast_nested(const struct mob_net *m)
{
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->io[i].fd >= 0 && m->io[i].m.ifindex == m->node->fast_tun_ifindex)
			return true;
	return false;
}

static uint16_t mob_fast_port(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	return ss->ss_family == AF_INET6 ? ntohs(s6->sin6_port) : 0;
}

void mob_fast_sync(struct mob_net *m)
{
	struct mn_fast_path fp[MOB_MAX_PATHS];
	struct mob_node *n = m->node;

	if (!n->fast)
		return;
	for (size_t i = 0; i < m->mn.n_paths; i++) {
		const struct mob_io *io = &m->io[i];

		memset(&fp[i], 0, sizeof(fp[i]));
		/* A withdrawn path keeps its slot (sent as dead): no entry. */
		fp[i].v6 = io->fd >= 0 && io->m.family == 6 && io->ha.ss_family == AF_INET6;
		fp[i].ifindex = io->m.ifindex == n->fast_tun_ifindex ? 0 : io->m.ifindex;
		fp[i].local_port = io->lport;
		fp[i].ha_port = mob_fast_port(&io->ha);
		if (fp[i].v6)
			memcpy(fp[i].ha, &((const struct sockaddr_in6 *)&io->ha)->sin6_addr, 16);
	}
	mn_fast_sync(n->fast, n->fast_tun_ifindex, &m->mn, fp, mob_fast_nested(m), &m->fast);
}

bool mob_fast_offer(const struct mob_net *m)
{
	return m->node->fast && !mob_fast_nested(m);
}

bool mob_fast_full_csum(const struct mob_net *m)
{
	return m->node->fast && m->mn.ha_fast;
}

json_t *mob_fast_json(const struct mob_net *m)
{
	uint64_t c[4];

	mn_fast_counts(m->node->fast, &m->mn, &m->fast, c);
	return json_pack("{s:b, s:s, s:b, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:s?}",
			 "on", m->node->fast != NULL,
			 "state", m->node->fast_why[0] ? m->node->fast_why : "not told yet",
			 "offered", m->mn.fast_offer, "agent_offers", m->mn.ha_fast,
			 "uplink", m->fast.out_on, "downlink_paths", (json_int_t)m->fast.n_in,
			 "tx_packets", (json_int_t)c[0], "tx_bytes", (json_int_t)c[1],
			 "rx_packets", (json_int_t)c[2], "rx_bytes", (json_int_t)c[3],
			 "error", m->fast.err ? strerror(-m->fast.err) : NULL);
}

void mob_fast_free(struct mob_node *n)
{
	tunfast_close(n->fast);
	n->fast = NULL;
	for (int i = 0; i < 2; i++)
		if (n->fast_fd[i] >= 0)
			close(n->fast_fd[i]);
	n->fast_fd[0] = n->fast_fd[1] = -1;
}

/* SPDX-License-Identifier: MIT */
#include "proto/sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <libmnl/libmnl.h>
#include <string.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "proto/nl_attr.h"

#define SD_TCP_ESTABLISHED 1
#define SD_TCP_SYN_SENT 2

int sockdiag_build_request(uint8_t *buf, size_t cap, uint8_t family, uint32_t states,
			   uint32_t seq)
{
	struct nlmsghdr h = {
		.nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_req_v2)),
		.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = seq,
	};
	struct inet_diag_req_v2 r;

	if (cap < h.nlmsg_len)
		return -ENOBUFS;
	memset(&r, 0, sizeof(r));
	r.sdiag_family = family;
	r.sdiag_protocol = IPPROTO_TCP;
	r.idiag_ext = 1u << (INET_DIAG_INFO - 1);
	r.idiag_states = states;
	memset(buf, 0, h.nlmsg_len);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &r, sizeof(r));
	return (int)h.nlmsg_len;
}

static void sd_put_addr(uint8_t family, const struct in6_addr *a, uint32_t out[4])
{
	memset(out, 0, 16);
	if (family == AF_INET)
		memcpy(out, &a->s6_addr[12], 4);
	else
		memcpy(out, a, 16);
}

int sockdiag_build_lookup(uint8_t *buf, size_t cap, uint8_t family, const struct in6_addr *src,
			  uint16_t sport, const struct in6_addr *dst, uint16_t dport, uint32_t seq)
{
	struct nlmsghdr h = {
		.nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_req_v2)),
		.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.nlmsg_flags = NLM_F_REQUEST,
		.nlmsg_seq = seq,
	};
	struct inet_diag_req_v2 r;

	if (cap < h.nlmsg_len)
		return -ENOBUFS;
	memset(&r, 0, sizeof(r));
	r.sdiag_family = family;
	r.sdiag_protocol = IPPROTO_TCP;
	r.idiag_states = ~0u;
	r.id.idiag_sport = htons(sport);
	r.id.idiag_dport = htons(dport);
	sd_put_addr(family, src, r.id.idiag_src);
	sd_put_addr(family, dst, r.id.idiag_dst);
	r.id.idiag_cookie[0] = r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	memset(buf, 0, h.nlmsg_len);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &r, sizeof(r));
	return (int)h.nlmsg_len;
}

static void sd_addr(uint8_t family, const uint32_t a[4], struct in6_addr *out)
{
	if (family == AF_INET) {
		struct in_addr v4;

		memcpy(&v4, a, 4);
		addr_v4_mapped(v4, out);
	} else {
		memcpy(out, a, 16);
	}
}

/* tcp_info grows with kernels: take what is there, the rest stays 0. */
static void sd_info(const struct nlattr *a, struct sockdiag_tcp *t)
{
	struct tcp_info ti;
	size_t n = a->nla_len - NLA_HDRLEN;

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, (const uint8_t *)a + NLA_HDRLEN, n < sizeof(ti) ? n : sizeof(ti));
	t->has_info = n >= offsetof(struct tcp_info, tcpi_total_retrans) +
			   sizeof(ti.tcpi_total_retrans);
	t->retransmits = ti.tcpi_retransmits;
	t->unacked = ti.tcpi_unacked;
	t->total_retrans = ti.tcpi_total_retrans;
	t->last_data_recv_ms = ti.tcpi_last_data_recv;
	t->rtt_us = ti.tcpi_rtt;
	/* tcpi_segs_out is Linux 4.2's: without it, no loss ratio. */
	t->has_segs = n >= offsetof(struct tcp_info, tcpi_segs_out) + sizeof(ti.tcpi_segs_out);
	t->segs_out = ti.tcpi_segs_out;
}

int sockdiag_parse(const struct nlmsghdr *nlh, struct sockdiag_tcp *out)
{
	const struct inet_diag_msg *m;
	struct sockdiag_tcp t;
	struct nl_tb tb;

	if (nlh->nlmsg_type == NLMSG_DONE)
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || e->error >= 0 || e->error < -4095)
			return -EBADMSG;
		return e->error;
	}
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nl_attr_collect(nlh, sizeof(*m), &tb, INET_DIAG_MAX) < 0)
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;
	memset(&t, 0, sizeof(t));
	t.family = m->idiag_family;
	t.state = m->idiag_state;
	sd_addr(t.family, m->id.idiag_src, &t.src);
	sd_addr(t.family, m->id.idiag_dst, &t.dst);
	t.sport = ntohs(m->id.idiag_sport);
	t.dport = ntohs(m->id.idiag_dport);
	t.ifindex = m->id.idiag_if;
	t.uid = m->idiag_uid;
	if (tb.tb[INET_DIAG_INFO])
		sd_info(tb.tb[INET_DIAG_INFO], &t);
	*out = t;
	return 1;
}

bool sockdiag_stalled(const struct sockdiag_tcp *t)
{
	if (!t->has_info)
		return false;
	return (t->state == SD_TCP_ESTABLISHED || t->state == SD_TCP_SYN_SENT) &&
	       t->retransmits > 0;
}

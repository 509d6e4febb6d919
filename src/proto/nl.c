/* SPDX-License-Identifier: MIT */
#include "proto/nl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#ifndef IFA_FLAGS
#define IFA_FLAGS 8
#endif

/* Collect attributes by type into tb[], rejecting any that is malformed. */
struct nl_tb {
	const struct nlattr *tb[64];
	int max;
};

/*
 * Walk the attributes within nlmsg_len itself. Not mnl_attr_parse(): it
 * bounds the walk by the aligned length, up to 3 bytes past an unaligned
 * message, and silently stops at an attribute that does not fit, so a
 * truncated attribute was ignored instead of refused.
 */
static int nl_collect(const struct nlmsghdr *nlh, size_t hdrlen, struct nl_tb *t, int max)
{
	const uint8_t *p = (const uint8_t *)nlh + NLMSG_SPACE(hdrlen);
	size_t left;

	memset(t, 0, sizeof(*t));
	t->max = max;
	if (nlh->nlmsg_len < NLMSG_SPACE(hdrlen))
		return -EBADMSG;
	left = nlh->nlmsg_len - NLMSG_SPACE(hdrlen);
	while (left > 0) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t step;
		int type;

		/* Stray bytes, or an attribute shorter than its header or
		 * running past the message. */
		if (left < sizeof(*a) || (size_t)a->nla_len < sizeof(*a) || a->nla_len > left)
			return -EBADMSG;
		type = mnl_attr_get_type(a);
		if (type <= t->max && type < 64)
			t->tb[type] = a;
		/* The last attribute's padding may be missing. */
		step = MNL_ALIGN((size_t)a->nla_len);
		if (step > left)
			step = left;
		p += step;
		left -= step;
	}
	return 0;
}

/* Copy an attribute of exactly n bytes (or at most n when exact is false). */
static int nl_copy(const struct nlattr *a, void *dst, size_t n, bool exact)
{
	size_t len = mnl_attr_get_payload_len(a);

	if (exact ? len != n : len > n)
		return -EBADMSG;
	memcpy(dst, mnl_attr_get_payload(a), len);
	return (int)len;
}

static int nl_u32(const struct nlattr *a, uint32_t *v)
{
	return nl_copy(a, v, sizeof(*v), true) < 0 ? -EBADMSG : 0;
}

int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *out)
{
	const struct ifinfomsg *ifi;
	struct nl_tb t;
	int r;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return -EPROTO;
	r = nl_collect(nlh, sizeof(*ifi), &t, IFLA_MAX);
	if (r < 0)
		return r;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->type = ifi->ifi_type;
	if (t.tb[IFLA_IFNAME]) {
		const char *s = mnl_attr_get_payload(t.tb[IFLA_IFNAME]);
		size_t len = strnlen(s, mnl_attr_get_payload_len(t.tb[IFLA_IFNAME]));

		if (len == 0 || len >= IFNAMSIZ)
			return -EBADMSG;
		memcpy(out->name, s, len);
	}
	if (t.tb[IFLA_MTU] && nl_u32(t.tb[IFLA_MTU], &out->mtu) < 0)
		return -EBADMSG;
	if (t.tb[IFLA_OPERSTATE] && nl_copy(t.tb[IFLA_OPERSTATE], &out->operstate, 1, true) < 0)
		return -EBADMSG;
	if (t.tb[IFLA_ADDRESS]) {
		r = nl_copy(t.tb[IFLA_ADDRESS], out->hwaddr, sizeof(out->hwaddr), false);
		if (r < 0)
			return r;
		out->hwlen = (uint8_t)r;
	}
	return ifi->ifi_index > 0 ? 0 : -EBADMSG;
}

static int nl_family_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;
}

int nl_parse_addr(const struct nlmsghdr *nlh, struct nl_addr *out)
{
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	struct nl_tb t;
	int alen, r;

	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
		return -EPROTO;
	r = nl_collect(nlh, sizeof(*ifa), &t, IFA_MAX);
	if (r < 0)
		return r;
	ifa = mnl_nlmsg_get_payload(nlh);
	alen = nl_family_len(ifa->ifa_family);
	if (alen < 0)
		return -EPROTO;
	if (ifa->ifa_prefixlen > alen * 8)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->ifindex = (int)ifa->ifa_index;
	out->family = ifa->ifa_family;
	out->plen = ifa->ifa_prefixlen;
	out->scope = ifa->ifa_scope;
	out->flags = ifa->ifa_flags;
	out->valid = out->preferred = NL_LIFETIME_INFINITY;
	/* IFA_LOCAL is the address on point-to-point links; IFA_ADDRESS otherwise. */
	a = t.tb[IFA_LOCAL] ? t.tb[IFA_LOCAL] : t.tb[IFA_ADDRESS];
	if (!a || nl_copy(a, out->addr, (size_t)alen, true) < 0)
		return -EBADMSG;
	if (t.tb[IFA_FLAGS] && nl_u32(t.tb[IFA_FLAGS], &out->flags) < 0)
		return -EBADMSG;
	if (t.tb[IFA_CACHEINFO]) {
		struct ifa_cacheinfo ci;

		if (nl_copy(t.tb[IFA_CACHEINFO], &ci, sizeof(ci), true) < 0)
			return -EBADMSG;
		out->valid = ci.ifa_valid;
		out->preferred = ci.ifa_prefered;
	}
	return out->ifindex > 0 ? 0 : -EBADMSG;
}

static int nl_route_attrs(struct nl_tb *t, struct nl_route *out, size_t alen)
{
	if (t->tb[RTA_TABLE] && nl_u32(t->tb[RTA_TABLE], &out->table) < 0)
		return -EBADMSG;
	if (t->tb[RTA_OIF] && nl_u32(t->tb[RTA_OIF], (uint32_t *)&out->oif) < 0)
		return -EBADMSG;
	if (t->tb[RTA_PRIORITY] && nl_u32(t->tb[RTA_PRIORITY], &out->priority) < 0)
		return -EBADMSG;
	if (t->tb[RTA_DST] && nl_copy(t->tb[RTA_DST], out->dst, alen, true) < 0)
		return -EBADMSG;
	if (t->tb[RTA_SRC] && nl_copy(t->tb[RTA_SRC], out->src, alen, true) < 0)
		return -EBADMSG;
	if (t->tb[RTA_GATEWAY]) {
		if (nl_copy(t->tb[RTA_GATEWAY], out->gateway, alen, true) < 0)
			return -EBADMSG;
		out->has_gateway = true;
	}
	if (t->tb[RTA_PREF] && nl_copy(t->tb[RTA_PREF], &out->pref, 1, true) < 0)
		return -EBADMSG;
	if (t->tb[RTA_CACHEINFO]) {
		struct rta_cacheinfo ci;

		if (nl_copy(t->tb[RTA_CACHEINFO], &ci, sizeof(ci), true) < 0)
			return -EBADMSG;
		/* rta_expires is in jiffies-as-clock_t (USER_HZ = 100). */
		out->expires = ci.rta_expires / 100;
	}
	return 0;
}

int nl_parse_route(const struct nlmsghdr *nlh, struct nl_route *out)
{
	const struct rtmsg *rtm;
	struct nl_tb t;
	int alen, r;

	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return -EPROTO;
	r = nl_collect(nlh, sizeof(*rtm), &t, RTA_MAX);
	if (r < 0)
		return r;
	rtm = mnl_nlmsg_get_payload(nlh);
	alen = nl_family_len(rtm->rtm_family);
	if (alen < 0)
		return -EPROTO;
	if (rtm->rtm_dst_len > alen * 8 || rtm->rtm_src_len > alen * 8)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->family = rtm->rtm_family;
	out->dst_len = rtm->rtm_dst_len;
	out->src_len = rtm->rtm_src_len;
	out->protocol = rtm->rtm_protocol;
	out->type = rtm->rtm_type;
	out->scope = rtm->rtm_scope;
	out->table = rtm->rtm_table;
	return nl_route_attrs(&t, out, (size_t)alen);
}

const struct nlmsghdr *nl_next(const void *buf, size_t len, size_t *off)
{
	const struct nlmsghdr *nlh;

	if (*off > len || len - *off < sizeof(*nlh))
		return NULL;
	nlh = (const struct nlmsghdr *)((const uint8_t *)buf + *off);
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - *off)
		return NULL;
	*off += NLMSG_ALIGN(nlh->nlmsg_len) < len - *off ? NLMSG_ALIGN(nlh->nlmsg_len) : len - *off;
	return nlh;
}

struct nlmsghdr *nl_build_dump(void *buf, size_t cap, uint16_t type,
			       uint8_t family, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;

	if (cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = family;
	return nlh;
}

struct nlmsghdr *nl_build_addr(void *buf, size_t cap, bool add,
			       const struct nl_addr *a, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int alen = nl_family_len(a->family);
	struct ifa_cacheinfo ci = { .ifa_valid = a->valid, .ifa_prefered = a->preferred };

	if (alen < 0 || a->plen > alen * 8 || cap < 256)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (add)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->plen;
	ifa->ifa_index = (unsigned)a->ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, (size_t)alen, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, (size_t)alen, a->addr);
	if (add) {
		mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	return nlh;
}

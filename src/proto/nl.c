/* SPDX-License-Identifier: MIT */
#include "proto/nl.h"
#include "proto/nl_attr.h"
#include "common/addr.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#ifndef IFA_FLAGS
#define IFA_FLAGS 8
#endif

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

/* An interface name of 1 to IFNAMSIZ - 1 bytes, its NUL optional; out is
 * already zeroed, so it stays terminated. */
static int nl_name(const struct nlattr *a, char out[IFNAMSIZ])
{
	const char *s = mnl_attr_get_payload(a);
	size_t len = strnlen(s, mnl_attr_get_payload_len(a));

	if (len == 0 || len >= IFNAMSIZ)
		return -EBADMSG;
	memcpy(out, s, len);
	return 0;
}

/* An optional address attribute of exactly alen bytes. */
static int nl_opt_addr(const struct nlattr *a, uint8_t *dst, size_t alen, bool *has)
{
	if (!a)
		return 0;
	if (nl_copy(a, dst, alen, true) < 0)
		return -EBADMSG;
	if (has)
		*has = true;
	return 0;
}

int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *out)
{
	const struct ifinfomsg *ifi;
	struct nl_tb t;
	int r;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return -EPROTO;
	r = nl_attr_collect(nlh, sizeof(*ifi), &t, IFLA_MAX);
	if (r < 0)
		return r;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->type = ifi->ifi_type;
	if (t.tb[IFLA_IFNAME] && nl_name(t.tb[IFLA_IFNAME], out->name) < 0)
		return -EBADMSG;
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
	r = nl_attr_collect(nlh, sizeof(*ifa), &t, IFA_MAX);
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

/* RTA_METRICS: nested RTAX_* attributes; only RTAX_MTU is kept. */
static int nl_route_metrics(const struct nlattr *m, uint32_t *mtu)
{
	const char *end = (const char *)mnl_attr_get_payload(m) + mnl_attr_get_payload_len(m);
	const struct nlattr *a;

	/* libmnl's mnl_attr_for_each_nested casts the const away. */
	for (a = mnl_attr_get_payload(m); mnl_attr_ok(a, (int)(end - (const char *)a));
	     a = mnl_attr_next(a))
		if (mnl_attr_get_type(a) == RTAX_MTU && nl_u32(a, mtu) < 0)
			return -EBADMSG;
	return 0;
}

static int nl_route_attrs(struct nl_tb *t, struct nl_route *out, size_t alen)
{
	if (t->tb[RTA_TABLE] && nl_u32(t->tb[RTA_TABLE], &out->table) < 0)
		return -EBADMSG;
	if (t->tb[RTA_OIF] && nl_u32(t->tb[RTA_OIF], (uint32_t *)&out->oif) < 0)
		return -EBADMSG;
	if (t->tb[RTA_PRIORITY] && nl_u32(t->tb[RTA_PRIORITY], &out->priority) < 0)
		return -EBADMSG;
	if (nl_opt_addr(t->tb[RTA_DST], out->dst, alen, NULL) < 0 ||
	    nl_opt_addr(t->tb[RTA_SRC], out->src, alen, NULL) < 0 ||
	    nl_opt_addr(t->tb[RTA_GATEWAY], out->gateway, alen, &out->has_gateway) < 0 ||
	    nl_opt_addr(t->tb[RTA_PREFSRC], out->prefsrc, alen, &out->has_prefsrc) < 0)
		return -EBADMSG;
	if (t->tb[RTA_PREF] && nl_copy(t->tb[RTA_PREF], &out->pref, 1, true) < 0)
		return -EBADMSG;
	if (t->tb[RTA_METRICS] && nl_route_metrics(t->tb[RTA_METRICS], &out->mtu) < 0)
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

int nl_parse_route(const struct nlmsghdr *nlh, struct nl_route *ret)
{
	const struct rtmsg *rtm;
	struct nl_route rt, *out = &rt;
	struct nl_tb t;
	int alen, r;

	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return -EPROTO;
	r = nl_attr_collect(nlh, sizeof(*rtm), &t, RTA_MAX);
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
	r = nl_route_attrs(&t, out, (size_t)alen);
	if (r < 0)
		return r;
	*ret = rt;
	return 0;
}

/* FRA_SRC/FRA_DST: a non-zero length needs its address (as the kernel's
 * fib_nl2rule() requires). */
static int nl_rule_addr(const struct nlattr *a, uint8_t plen, uint8_t *dst, size_t alen)
{
	if (!a)
		return plen > 0 ? -EBADMSG : 0;
	return nl_opt_addr(a, dst, alen, NULL);
}

static int nl_rule_attrs(const struct nl_tb *t, struct nl_rule *out, size_t alen)
{
	if (nl_rule_addr(t->tb[FRA_SRC], out->src_len, out->src, alen) < 0 ||
	    nl_rule_addr(t->tb[FRA_DST], out->dst_len, out->dst, alen) < 0)
		return -EBADMSG;
	if (t->tb[FRA_PRIORITY] && nl_u32(t->tb[FRA_PRIORITY], &out->priority) < 0)
		return -EBADMSG;
	if (t->tb[FRA_TABLE] && nl_u32(t->tb[FRA_TABLE], &out->table) < 0)
		return -EBADMSG;
	if (t->tb[FRA_PROTOCOL] && nl_copy(t->tb[FRA_PROTOCOL], &out->protocol, 1, true) < 0)
		return -EBADMSG;
	if (t->tb[FRA_FWMARK] && nl_u32(t->tb[FRA_FWMARK], &out->fwmark) < 0)
		return -EBADMSG;
	/* A mark without a mask matches all 32 bits (fib_nl2rule()). */
	out->fwmask = out->fwmark ? 0xffffffffu : 0;
	if (t->tb[FRA_FWMASK] && nl_u32(t->tb[FRA_FWMASK], &out->fwmask) < 0)
		return -EBADMSG;
	out->has_fwmark = t->tb[FRA_FWMARK] || t->tb[FRA_FWMASK];
	/* Recent kernels send it on every rule, 0xffffffff (-1) meaning unset.
	 * Any other value is kept as it is: the kernel only compares it with
	 * the matched route's prefix length, so it needs no range check. */
	if (t->tb[FRA_SUPPRESS_PREFIXLEN]) {
		if (nl_u32(t->tb[FRA_SUPPRESS_PREFIXLEN], &out->suppress_prefixlen) < 0)
			return -EBADMSG;
		out->has_suppress_prefixlen = out->suppress_prefixlen != NL_RULE_SUPPRESS_UNSET;
		if (!out->has_suppress_prefixlen)
			out->suppress_prefixlen = 0;
	}
	if (t->tb[FRA_IIFNAME] && nl_name(t->tb[FRA_IIFNAME], out->iifname) < 0)
		return -EBADMSG;
	if (t->tb[FRA_OIFNAME] && nl_name(t->tb[FRA_OIFNAME], out->oifname) < 0)
		return -EBADMSG;
	return 0;
}

int nl_parse_rule(const struct nlmsghdr *nlh, struct nl_rule *ret)
{
	const struct fib_rule_hdr *frh;
	struct nl_rule out;
	struct nl_tb t;
	int alen, r;

	if (nlh->nlmsg_type != RTM_NEWRULE && nlh->nlmsg_type != RTM_DELRULE)
		return -EPROTO;
	r = nl_attr_collect(nlh, sizeof(*frh), &t, FRA_MAX);
	if (r < 0)
		return r;
	frh = mnl_nlmsg_get_payload(nlh);
	alen = nl_family_len(frh->family);
	if (alen < 0)
		return -EPROTO;
	if (frh->src_len > alen * 8 || frh->dst_len > alen * 8)
		return -EBADMSG;
	memset(&out, 0, sizeof(out));
	out.family = frh->family;
	out.src_len = frh->src_len;
	out.dst_len = frh->dst_len;
	out.table = frh->table;
	out.action = frh->action;
	out.invert = (frh->flags & FIB_RULE_INVERT) != 0;
	r = nl_rule_attrs(&t, &out, (size_t)alen);
	if (r < 0)
		return r;
	*ret = out;
	return 0;
}

/*
 * RTM_NEWADDRLABEL as a dump answers (net/ipv6/addrlabel.c,
 * ip6addrlbl_fill): struct ifaddrlblmsg, then IFAL_ADDRESS (16 bytes) and
 * IFAL_LABEL (u32). Both are required; the prefix must have no bits past
 * its length, as the kernel stores it.
 */
int nl_parse_addrlabel(const struct nlmsghdr *nlh, struct nl_addrlabel *ret)
{
	const struct ifaddrlblmsg *ifal;
	struct nl_addrlabel out;
	struct nl_tb t;
	int r;

	if (nlh->nlmsg_type != RTM_NEWADDRLABEL && nlh->nlmsg_type != RTM_DELADDRLABEL)
		return -EPROTO;
	r = nl_attr_collect(nlh, sizeof(*ifal), &t, IFAL_MAX);
	if (r < 0)
		return r;
	ifal = mnl_nlmsg_get_payload(nlh);
	if (ifal->ifal_family != AF_INET6)
		return -EPROTO;
	if (ifal->ifal_prefixlen > 128 || !t.tb[IFAL_ADDRESS] || !t.tb[IFAL_LABEL])
		return -EBADMSG;
	memset(&out, 0, sizeof(out));
	out.plen = ifal->ifal_prefixlen;
	out.ifindex = ifal->ifal_index;
	if (nl_copy(t.tb[IFAL_ADDRESS], &out.prefix, sizeof(out.prefix), true) < 0 ||
	    nl_u32(t.tb[IFAL_LABEL], &out.label) < 0)
		return -EBADMSG;
	if (!addr_prefix_clean(&out.prefix, out.plen) || out.label == UINT32_MAX)
		return -EBADMSG;
	*ret = out;
	return 0;
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
	} else if (a->flags & IFA_F_MANAGETEMPADDR) {
		/* The kernel expires the temporary addresses it made from this
		 * one only if the delete says so (inet6_rtm_deladdr). */
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_MANAGETEMPADDR);
	}
	return nlh;
}

/* A request with its fixed header (zeroed) of hdrlen bytes, or NULL if
 * that does not fit. The whole buffer is zeroed first: libmnl 1.0.4
 * leaves the padding after a 1-octet or string attribute as it was, and
 * those bytes went to the kernel uninitialised (valgrind, issue 17). */
static struct nlmsghdr *nl_start(void *buf, size_t cap, uint16_t type, uint16_t flags,
				 uint32_t seq, size_t hdrlen)
{
	struct nlmsghdr *nlh;

	if (cap < NLMSG_SPACE(hdrlen))
		return NULL;
	memset(buf, 0, cap);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

static bool nl_name_ok(const char name[IFNAMSIZ])
{
	return memchr(name, '\0', IFNAMSIZ) != NULL;
}

static bool nl_rule_put(struct nlmsghdr *nlh, size_t cap, const struct nl_rule *r, size_t alen)
{
	bool ok = mnl_attr_put_u32_check(nlh, cap, FRA_PRIORITY, r->priority) &&
		  mnl_attr_put_u32_check(nlh, cap, FRA_TABLE, r->table) &&
		  mnl_attr_put_u8_check(nlh, cap, FRA_PROTOCOL, r->protocol);

	if (ok && r->src_len > 0)
		ok = mnl_attr_put_check(nlh, cap, FRA_SRC, alen, r->src);
	if (ok && r->dst_len > 0)
		ok = mnl_attr_put_check(nlh, cap, FRA_DST, alen, r->dst);
	if (ok && r->has_fwmark)
		ok = mnl_attr_put_u32_check(nlh, cap, FRA_FWMARK, r->fwmark) &&
		     mnl_attr_put_u32_check(nlh, cap, FRA_FWMASK, r->fwmask);
	if (ok && r->has_suppress_prefixlen)
		ok = mnl_attr_put_u32_check(nlh, cap, FRA_SUPPRESS_PREFIXLEN,
					    r->suppress_prefixlen);
	if (ok && r->iifname[0])
		ok = mnl_attr_put_strz_check(nlh, cap, FRA_IIFNAME, r->iifname);
	if (ok && r->oifname[0])
		ok = mnl_attr_put_strz_check(nlh, cap, FRA_OIFNAME, r->oifname);
	return ok;
}

struct nlmsghdr *nl_build_rule(void *buf, size_t cap, bool add,
			       const struct nl_rule *r, uint32_t seq)
{
	int alen = nl_family_len(r->family);
	struct fib_rule_hdr *frh;
	struct nlmsghdr *nlh;

	if (alen < 0 || r->src_len > alen * 8 || r->dst_len > alen * 8 ||
	    !nl_name_ok(r->iifname) || !nl_name_ok(r->oifname))
		return NULL;
	nlh = nl_start(buf, cap, add ? RTM_NEWRULE : RTM_DELRULE,
		       add ? NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL : NLM_F_ACK, seq, sizeof(*frh));
	if (!nlh)
		return NULL;
	frh = mnl_nlmsg_get_payload(nlh);
	frh->family = r->family;
	frh->src_len = r->src_len;
	frh->dst_len = r->dst_len;
	/* Tables above 255 only fit in FRA_TABLE, which wins anyway. */
	frh->table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	frh->action = r->action ? r->action : FR_ACT_TO_TBL;
	frh->flags = r->invert ? FIB_RULE_INVERT : 0;
	return nl_rule_put(nlh, cap, r, (size_t)alen) ? nlh : NULL;
}

struct nlmsghdr *nl_build_addrlabel(void *buf, size_t cap, bool add,
				    const struct nl_addrlabel *l, uint32_t seq)
{
	struct ifaddrlblmsg *ifal;
	struct nlmsghdr *nlh;

	if (l->plen > 128 || l->label == UINT32_MAX || !addr_prefix_clean(&l->prefix, l->plen))
		return NULL;
	nlh = nl_start(buf, cap, add ? RTM_NEWADDRLABEL : RTM_DELADDRLABEL,
		       add ? NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE : NLM_F_ACK, seq,
		       sizeof(*ifal));
	if (!nlh)
		return NULL;
	ifal = mnl_nlmsg_get_payload(nlh);
	ifal->ifal_family = AF_INET6;
	ifal->ifal_prefixlen = l->plen;
	ifal->ifal_index = l->ifindex;
	/* The kernel wants the label on a delete too (net/ipv6/addrlabel.c). */
	if (!mnl_attr_put_check(nlh, cap, IFAL_ADDRESS, 16, &l->prefix) ||
	    !mnl_attr_put_u32_check(nlh, cap, IFAL_LABEL, l->label))
		return NULL;
	return nlh;
}

/* As ip-route(8) picks it; the kernel refuses a local route of universe
 * scope, and a delete with RT_SCOPE_NOWHERE matches any scope. */
static uint8_t nl_route_scope(const struct nl_route *r, uint8_t type, bool add)
{
	if (!add)
		return RT_SCOPE_NOWHERE;
	switch (type) {
	case RTN_LOCAL:
	case RTN_NAT:
		return RT_SCOPE_HOST;
	case RTN_BROADCAST:
	case RTN_MULTICAST:
	case RTN_ANYCAST:
		return RT_SCOPE_LINK;
	case RTN_UNICAST:
		return r->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	default:
		return RT_SCOPE_UNIVERSE;
	}
}

static bool nl_route_put(struct nlmsghdr *nlh, size_t cap, const struct nl_route *r, size_t alen)
{
	bool ok = mnl_attr_put_u32_check(nlh, cap, RTA_TABLE, r->table);

	/* No RTA_DST for a default route: the kernel takes it as all zeroes. */
	if (ok && r->dst_len > 0)
		ok = mnl_attr_put_check(nlh, cap, RTA_DST, alen, r->dst);
	if (ok && r->src_len > 0)
		ok = mnl_attr_put_check(nlh, cap, RTA_SRC, alen, r->src);
	if (ok && r->has_gateway)
		ok = mnl_attr_put_check(nlh, cap, RTA_GATEWAY, alen, r->gateway);
	if (ok && r->has_prefsrc)
		ok = mnl_attr_put_check(nlh, cap, RTA_PREFSRC, alen, r->prefsrc);
	if (ok && r->oif > 0)
		ok = mnl_attr_put_u32_check(nlh, cap, RTA_OIF, (uint32_t)r->oif);
	if (ok && r->priority > 0)
		ok = mnl_attr_put_u32_check(nlh, cap, RTA_PRIORITY, r->priority);
	/* Route preference is IPv6 only (RFC 4191 section 2.1). */
	if (ok && r->family == AF_INET6 && r->pref != 0)
		ok = mnl_attr_put_u8_check(nlh, cap, RTA_PREF, r->pref);
	/* The route's MTU (a PvD's, issue 20): RTA_METRICS { RTAX_MTU }. */
	if (ok && r->mtu) {
		struct nlattr *nest = mnl_attr_nest_start_check(nlh, cap, RTA_METRICS);

		ok = nest && mnl_attr_put_u32_check(nlh, cap, RTAX_MTU, r->mtu);
		if (ok)
			mnl_attr_nest_end(nlh, nest);
	}
	return ok;
}

struct nlmsghdr *nl_build_route(void *buf, size_t cap, bool add,
				const struct nl_route *r, uint32_t seq)
{
	int alen = nl_family_len(r->family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (alen < 0 || r->dst_len > alen * 8 || r->src_len > alen * 8)
		return NULL;
	nlh = nl_start(buf, cap, add ? RTM_NEWROUTE : RTM_DELROUTE,
		       add ? NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE : NLM_F_ACK, seq,
		       sizeof(*rtm));
	if (!nlh)
		return NULL;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_src_len = r->src_len;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	rtm->rtm_scope = nl_route_scope(r, rtm->rtm_type, add);
	return nl_route_put(nlh, cap, r, (size_t)alen) ? nlh : NULL;
}

struct nlmsghdr *nl_build_route_get(void *buf, size_t cap, uint8_t family,
				    const uint8_t *dst, const uint8_t *src,
				    uint32_t mark, int oif, uint32_t seq)
{
	int alen = nl_family_len(family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	bool ok;

	if (alen < 0 || !dst)
		return NULL;
	nlh = nl_start(buf, cap, RTM_GETROUTE, 0, seq, sizeof(*rtm));
	if (!nlh)
		return NULL;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = family;
	rtm->rtm_dst_len = (uint8_t)(alen * 8);
	rtm->rtm_src_len = src ? (uint8_t)(alen * 8) : 0;
	/* IPv4 answers report the main table unless asked for the one the
	 * lookup used; IPv6 always reports it and, with strict checking
	 * (NETLINK_GET_STRICT_CHK), refuses any flag but RTM_F_FIB_MATCH. */
	rtm->rtm_flags = family == AF_INET ? RTM_F_LOOKUP_TABLE : 0;
	ok = mnl_attr_put_check(nlh, cap, RTA_DST, (size_t)alen, dst);
	if (ok && src)
		ok = mnl_attr_put_check(nlh, cap, RTA_SRC, (size_t)alen, src);
	if (ok && mark != 0)
		ok = mnl_attr_put_u32_check(nlh, cap, RTA_MARK, mark);
	if (ok && oif > 0)
		ok = mnl_attr_put_u32_check(nlh, cap, RTA_OIF, (uint32_t)oif);
	return ok ? nlh : NULL;
}

void nl_addr_key(const struct nl_addr *a, struct in6_addr *ret)
{
	if (a->family == AF_INET) {
		struct in_addr v4;

		memcpy(&v4, a->addr, 4);
		addr_v4_mapped(v4, ret);
	} else {
		memcpy(ret, a->addr, 16);
	}
}

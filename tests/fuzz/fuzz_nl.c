/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the rtnetlink parsers: walk the input as one recv()
 * buffer with nl_next() and hand every message to the parser for its type,
 * then to all five parsers regardless of type. No crash, no out-of-bounds
 * read, the walk always ends, and on success every invariant a consumer
 * relies on holds. A parsed rule or route is rebuilt with its builder and
 * parsed again: what mifd reads from the kernel it can also write back. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/nl.h"
#include "proto/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed link has a positive index and a terminated name. */
static int fuzz_nl_link_ok(const struct nl_link *l)
{
	return l->ifindex > 0 && memchr(l->name, '\0', sizeof(l->name)) != NULL &&
	       l->hwlen <= sizeof(l->hwaddr);
}

static int fuzz_nl_plen_ok(uint8_t family, uint8_t plen)
{
	return (family == AF_INET && plen <= 32) || (family == AF_INET6 && plen <= 128);
}

static int fuzz_nl_alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static int fuzz_nl_rule_ok(const struct nl_rule *u)
{
	return fuzz_nl_plen_ok(u->family, u->src_len) && fuzz_nl_plen_ok(u->family, u->dst_len) &&
	       memchr(u->iifname, '\0', sizeof(u->iifname)) != NULL &&
	       memchr(u->oifname, '\0', sizeof(u->oifname)) != NULL &&
	       (u->has_suppress_prefixlen || u->suppress_prefixlen == 0) &&
	       (u->has_fwmark || (u->fwmark == 0 && u->fwmask == 0));
}

static int fuzz_nl_rule_same(const struct nl_rule *x, const struct nl_rule *y)
{
	size_t alen = (size_t)fuzz_nl_alen(x->family);

	return x->family == y->family && x->priority == y->priority && x->table == y->table &&
	       x->protocol == y->protocol && y->action == (x->action ? x->action : 1) &&
	       x->src_len == y->src_len && x->dst_len == y->dst_len &&
	       (!x->src_len || !memcmp(x->src, y->src, alen)) &&
	       (!x->dst_len || !memcmp(x->dst, y->dst, alen)) &&
	       x->has_fwmark == y->has_fwmark && x->fwmark == y->fwmark &&
	       x->fwmask == y->fwmask && x->has_suppress_prefixlen == y->has_suppress_prefixlen &&
	       x->suppress_prefixlen == y->suppress_prefixlen && x->invert == y->invert &&
	       !strcmp(x->iifname, y->iifname) && !strcmp(x->oifname, y->oifname);
}

/* Fields the route builder sends; scope and expires it does not, type 0
 * goes as unicast, pref only for IPv6, oif only when positive. */
static int fuzz_nl_route_same(const struct nl_route *x, const struct nl_route *y)
{
	size_t alen = (size_t)fuzz_nl_alen(x->family);

	return x->family == y->family && x->dst_len == y->dst_len &&
	       x->src_len == y->src_len && x->protocol == y->protocol &&
	       y->type == (x->type ? x->type : 1) && x->table == y->table &&
	       y->oif == (x->oif > 0 ? x->oif : 0) && x->priority == y->priority &&
	       (!x->dst_len || !memcmp(x->dst, y->dst, alen)) &&
	       (!x->src_len || !memcmp(x->src, y->src, alen)) &&
	       x->has_gateway == y->has_gateway &&
	       (!x->has_gateway || !memcmp(x->gateway, y->gateway, alen)) &&
	       x->has_prefsrc == y->has_prefsrc &&
	       (!x->has_prefsrc || !memcmp(x->prefsrc, y->prefsrc, alen)) &&
	       y->pref == (x->family == AF_INET6 ? x->pref : 0);
}

/* Rebuild a parsed rule or route, as add and as delete, and parse it back. */
static void fuzz_nl_rebuild(const struct nl_rule *u, const struct nl_route *r)
{
	static union {
		uint8_t b[1024];
		struct nlmsghdr align_;
	} out;
	struct nlmsghdr *nlh;
	struct nl_rule u2;
	struct nl_route r2;

	for (int add = 0; add < 2; add++) {
		if (u) {
			nlh = nl_build_rule(out.b, sizeof(out.b), add, u, 1);
			if (!nlh || nl_parse_rule(nlh, &u2) != 0 || !fuzz_nl_rule_same(u, &u2))
				__builtin_trap();
		}
		if (r) {
			nlh = nl_build_route(out.b, sizeof(out.b), add, r, 1);
			if (!nlh || nl_parse_route(nlh, &r2) != 0 || !fuzz_nl_route_same(r, &r2))
				__builtin_trap();
		}
	}
}

/* sock_diag shares a type number with RTM_NEWADDR (20): checked apart.
 * A socket parsed has a family the request asked about; an error is an
 * errno; the walk of tcp_info never reads past the attribute. */
static void fuzz_nl_sockdiag(const struct nlmsghdr *nlh)
{
	struct sockdiag_tcp t;
	int r = sockdiag_parse(nlh, &t);

	if (r > 1 || r < -4095)
		__builtin_trap();
	if (r == 1 && ((t.family != AF_INET && t.family != AF_INET6) ||
		       (!t.has_info && sockdiag_stalled(&t))))
		__builtin_trap();
}

/* An address label parses only from its own types, with a clean prefix of
 * at most 128 bits, and rebuilds into a request that parses back equal. */
static void fuzz_nl_addrlabel(const struct nlmsghdr *nlh)
{
	static union {
		uint8_t b[256];
		struct nlmsghdr align_;
	} out;
	struct nl_addrlabel l, l2;
	int r = nl_parse_addrlabel(nlh, &l);

	if (r != 0 && r != -EBADMSG && r != -EPROTO)
		__builtin_trap();
	if (r != -EPROTO && nlh->nlmsg_type != RTM_NEWADDRLABEL &&
	    nlh->nlmsg_type != RTM_DELADDRLABEL)
		__builtin_trap();
	if (r != 0)
		return;
	if (l.plen > 128 || l.label == UINT32_MAX)
		__builtin_trap();
	for (int add = 0; add < 2; add++) {
		struct nlmsghdr *b = nl_build_addrlabel(out.b, sizeof(out.b), add, &l, 1);

		if (!b || nl_parse_addrlabel(b, &l2) != 0 || l2.plen != l.plen ||
		    l2.ifindex != l.ifindex || l2.label != l.label ||
		    memcmp(&l2.prefix, &l.prefix, sizeof(l.prefix)))
			__builtin_trap();
	}
}

static void fuzz_nl_one(const struct nlmsghdr *nlh)
{
	struct nl_link l;
	struct nl_addr a;
	struct nl_route r;
	struct nl_rule u;
	int rl = nl_parse_link(nlh, &l);
	int ra = nl_parse_addr(nlh, &a);
	int rr = nl_parse_route(nlh, &r);
	int ru = nl_parse_rule(nlh, &u);

	/* Each parser either succeeds with sane fields or says why not. */
	if (rl != 0 && rl != -EBADMSG && rl != -EPROTO)
		__builtin_trap();
	if (ra != 0 && ra != -EBADMSG && ra != -EPROTO)
		__builtin_trap();
	if (rr != 0 && rr != -EBADMSG && rr != -EPROTO)
		__builtin_trap();
	if (ru != 0 && ru != -EBADMSG && ru != -EPROTO)
		__builtin_trap();
	if (rl == 0 && !fuzz_nl_link_ok(&l))
		__builtin_trap();
	if (ra == 0 && (a.ifindex <= 0 || !fuzz_nl_plen_ok(a.family, a.plen)))
		__builtin_trap();
	if (rr == 0 && (!fuzz_nl_plen_ok(r.family, r.dst_len) ||
			!fuzz_nl_plen_ok(r.family, r.src_len)))
		__builtin_trap();
	if (ru == 0 && !fuzz_nl_rule_ok(&u))
		__builtin_trap();
	/* At most one parser accepts a message: the types do not overlap. */
	if ((rl == 0) + (ra == 0) + (rr == 0) + (ru == 0) > 1)
		__builtin_trap();
	fuzz_nl_rebuild(ru == 0 ? &u : NULL, rr == 0 ? &r : NULL);
	fuzz_nl_sockdiag(nlh);
	fuzz_nl_addrlabel(nlh);

	/* The parser for its type, as mifd's kernel side dispatches. */
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nl_parse_link(nlh, &l) != rl || ra != -EPROTO || rr != -EPROTO ||
		    ru != -EPROTO)
			__builtin_trap();
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nl_parse_addr(nlh, &a) != ra || rl != -EPROTO || rr != -EPROTO ||
		    ru != -EPROTO)
			__builtin_trap();
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (nl_parse_route(nlh, &r) != rr || rl != -EPROTO || ra != -EPROTO ||
		    ru != -EPROTO)
			__builtin_trap();
		break;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		if (nl_parse_rule(nlh, &u) != ru || rl != -EPROTO || ra != -EPROTO ||
		    rr != -EPROTO)
			__builtin_trap();
		break;
	default:
		if (rl != -EPROTO || ra != -EPROTO || rr != -EPROTO || ru != -EPROTO)
			__builtin_trap();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	uint8_t *buf;
	size_t off = 0, prev = 0, n = 0;

	/* An exact-size, suitably aligned copy: a read past the end is caught. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while ((nlh = nl_next(buf, size, &off)) != NULL) {
		/* Always forward, never past the end, never more messages than
		 * headers fit: the walk must end. */
		if (off <= prev || off > size || (const uint8_t *)nlh != buf + prev ||
		    ++n > size / sizeof(struct nlmsghdr))
			__builtin_trap();
		prev = off;
		fuzz_nl_one(nlh);
	}
	free(buf);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Rules of mifd's nftables table written at each resync (kern_nft.c):
 * the nat chain, which gives a steered flow its PvD's own source address.
 *
 * Why the source must be the PvD's: a flow steered by a mark (answer,
 * cgroup or policy selector, doc/steering.md) had its source chosen at
 * connect(), before the mark, from the unmarked routes. Under RFC 7556
 * (sections 3 and 6) a PvD is a consistent set of configuration, source
 * address included: a packet sent through a PvD with another PvD's source
 * mixes two PvDs, and RFC 8801 section 1 names the same rule for explicit
 * PvDs. The network that receives it filters it: BCP 38 (RFC 2827 section
 * 3) ingress filtering drops sources outside the prefixes the network
 * gave. masquerade took the interface's primary address, which on a link
 * two PvDs share (two routers, two prefixes: problem statement 4.5) can be
 * the other PvD's. So each PvD's flows are SNATed to the PvD's own address
 * on the interface they leave by; masquerade only for what has none known.
 */
#include "daemon/kern/kern_nft_priv.h"

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "daemon/routing/route_plan.h"

bool kern_nft_flush(struct kern_nft *n, const char *chain)
{
	struct nftnl_rule *fl = nftnl_rule_alloc();

	if (!fl)
		return false;
	nftnl_rule_set_str(fl, NFTNL_RULE_TABLE, KERN_NFT_TABLE);
	nftnl_rule_set_str(fl, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(fl, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_nlmsg_build_payload(kern_nft_hdr(n, NFT_MSG_DELRULE, 0), fl);
	nftnl_rule_free(fl);
	return kern_nft_next(n);
}

/* ct mark M meta oif I meta nfproto F snat to A: one PvD, one family. */
static bool nft_snat_one(struct kern_nft *n, uint32_t mark, int32_t oif, int family,
			 const struct in6_addr *a)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return false;
	kern_nft_x_ct(r, NFT_CT_MARK, false);
	kern_nft_x_cmp(r, NFT_CMP_EQ, &mark, sizeof(mark));
	kern_nft_x_meta(r, NFT_META_OIF, false);
	kern_nft_x_cmp(r, NFT_CMP_EQ, &oif, sizeof(oif));
	kern_nft_x_nfproto(r, family);
	kern_nft_x_snat(r, family, family == AF_INET ? a->s6_addr + 12 : a->s6_addr);
	return kern_nft_rule_send(n, r, "nat");
}

bool kern_nft_rules_snat(struct kern_nft *n, const struct bind_table *t, uint32_t *count)
{
	struct nftnl_rule *r;
	uint32_t zero = 0, k = 0;

	for (size_t i = 0; t && t->routing && i < t->n; i++) {
		const struct bind_info *b = &t->v[i];

		if (!b->mark || b->src_ifindex <= 0)
			continue;
		if (!IN6_IS_ADDR_UNSPECIFIED(&b->src4)) {
			if (!nft_snat_one(n, b->mark, b->src_ifindex, AF_INET, &b->src4))
				return false;
			k++;
		}
		if (!IN6_IS_ADDR_UNSPECIFIED(&b->src6)) {
			if (!nft_snat_one(n, b->mark, b->src_ifindex, AF_INET6, &b->src6))
				return false;
			k++;
		}
	}
	/* The rest (a PvD with no address known on that interface, or one
	 * that left while its flows live on): the interface's address. */
	if (!(r = nftnl_rule_alloc()))
		return false;
	kern_nft_x_ct(r, NFT_CT_MARK, false);
	kern_nft_x_and(r, ROUTE_MARK_FLAG);
	kern_nft_x_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
	kern_nft_x_add(r, nftnl_expr_alloc("masq"));
	*count = k;
	return kern_nft_rule_send(n, r, "nat");
}

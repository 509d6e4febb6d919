/* SPDX-License-Identifier: MIT */
/*
 * Rules of mifd's nftables table written at each resync (kern_nft.c):
 * the nat chain, which gives a steered flow its PvD's own source address.
 *
 * Why the source must be the PvD's: a flow steered by a mark (answer,
 * cgroup or policy selector, doc/steering.md) had its source chosen at
 * connect(), before the mark, from the unmarked routes. A PvD is a
 * consistent set of configuration (RFC 7556 section 2), and a PvD-aware
 * node uses the next hop and the source address of one PvD together
 * (RFC 7556 section 5.2.2); RFC 8801 section 3.4 gives every address to
 * the one PvD whose RA made it, and lets a host restrict RFC 6724 source
 * selection to a PvD.
 * A packet sent to one PvD's router with another PvD's source is what the
 * router's network filters: BCP 38 (RFC 2827 section 3) ingress filtering
 * drops sources outside the prefixes the network gave. masquerade took
 * the interface's primary address, which on a link two PvDs share (two
 * routers, two prefixes: problem statement 4.5) can be the other PvD's.
 * So each PvD's flows are SNATed to the PvD's own address on the
 * interface they leave by; masquerade only for what has none known.
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

/* ---- the policy's uid, protocol, port and DSCP rules (route chain) ---- */

/* ip dscp D (IPv4: the TOS octet's top six bits) or ip6 dscp D (the
 * traffic class's top six bits, across the first two octets). */
static void nft_sel_dscp(struct nftnl_rule *r, int family, int dscp)
{
	uint8_t m4 = 0xfc, v4 = (uint8_t)(dscp << 2);
	uint8_t m6[2] = { 0x0f, 0xc0 }, v6[2] = { (uint8_t)(dscp >> 2), (uint8_t)((dscp & 3) << 6) };

	kern_nft_x_nfproto(r, family);
	if (family == AF_INET) {
		kern_nft_x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 1, 1);
		kern_nft_x_mask(r, &m4, 1);
		kern_nft_x_cmp(r, NFT_CMP_EQ, &v4, 1);
	} else {
		kern_nft_x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 0, 2);
		kern_nft_x_mask(r, m6, 2);
		kern_nft_x_cmp(r, NFT_CMP_EQ, v6, 2);
	}
}

/* One rule: the entry's matches for one protocol (0: any) and family (0:
 * both, only without a DSCP), then the PvD's mark. */
static bool nft_sel_one(struct kern_nft *n, const struct msg_steer_sel *s, uint32_t mark,
			uint8_t proto, int family)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return false;
	if (s->has_uid) {
		kern_nft_x_meta(r, NFT_META_SKUID, false);
		kern_nft_x_cmp(r, NFT_CMP_EQ, &s->uid, sizeof(s->uid));
	}
	if (proto) {
		kern_nft_x_meta(r, NFT_META_L4PROTO, false);
		kern_nft_x_cmp(r, NFT_CMP_EQ, &proto, 1);
	}
	if (s->port_lo || s->port_hi) {
		/* th dport: big-endian, so the kernel's memcmp orders it. */
		uint8_t lo[2] = { (uint8_t)(s->port_lo >> 8), (uint8_t)s->port_lo };
		uint8_t hi[2] = { (uint8_t)(s->port_hi >> 8), (uint8_t)s->port_hi };

		kern_nft_x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
		if (s->port_lo == s->port_hi) {
			kern_nft_x_cmp(r, NFT_CMP_EQ, lo, 2);
		} else {
			kern_nft_x_cmp(r, NFT_CMP_GTE, lo, 2);
			kern_nft_x_cmp(r, NFT_CMP_LTE, hi, 2);
		}
	}
	if (family)
		nft_sel_dscp(r, family, s->dscp);
	kern_nft_x_steer(r, mark);
	return kern_nft_rule_send(n, r, "route");
}

bool kern_nft_rules_sel(struct kern_nft *n, const struct bind_table *t, uint32_t *count)
{
	static const uint8_t both[2] = { IPPROTO_TCP, IPPROTO_UDP };
	uint32_t k = 0, entries = 0;

	for (uint32_t i = 0; i < n->sel.n && i < MSG_STEER_SELS_MAX; i++) {
		const struct msg_steer_sel *s = &n->sel.e[i];
		uint32_t mark = kern_nft_mark_of(t, s->handle);
		/* A port needs a transport header: TCP and UDP when no
		 * protocol is named. A DSCP: one rule per family. */
		size_t n_proto = s->proto || !(s->port_lo || s->port_hi) ? 1 : 2;

		if (!mark)
			continue;
		entries++;
		for (size_t p = 0; p < n_proto; p++)
			for (int f = 0; f < (s->dscp >= 0 ? 2 : 1); f++) {
				uint8_t proto = s->proto ? s->proto : n_proto == 2 ? both[p] : 0;
				int fam = s->dscp < 0 ? 0 : f ? AF_INET6 : AF_INET;

				if (!nft_sel_one(n, s, mark, proto, fam))
					return false;
				k++;
			}
	}
	n->st.sel_entries = entries;
	*count = k;
	return true;
}

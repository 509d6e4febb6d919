/* SPDX-License-Identifier: MIT */
/*
 * kern_nft's batches, expressions and objects (kern_nft_priv.h): a batch is
 * built with libnftnl, sent on the NETLINK_NETFILTER socket, each message
 * with NLM_F_ACK. The kernel handles a batch inside sendmsg() and queues
 * one answer per message before it returns, so the answers are read at
 * once; a batch counts as done only when every message was acknowledged
 * with 0 (a batch is one transaction: a refused one changed nothing).
 */
#include "daemon/kern/kern_nft_priv.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <sys/socket.h>


/* ---- batches ---- */

/* An expression that could not be allocated: the rule it belonged to
 * would match more than it says (a uid, port or DSCP test missing), so
 * the whole batch is dropped at commit and the kernel keeps its state
 * (a transaction: nothing half-applied). */
static bool kern_nft_oom;

void kern_nft_begin(struct kern_nft *n)
{
	n->b = mnl_nlmsg_batch_start(n->buf, NFT_BATCH_LIMIT);
	n->msgs = 0;
	kern_nft_oom = false;
	nftnl_batch_begin(mnl_nlmsg_batch_current(n->b), n->seq++);
	mnl_nlmsg_batch_next(n->b);
}

/* The header of the next message: NLM_F_ACK always. */
struct nlmsghdr *kern_nft_hdr(struct kern_nft *n, uint16_t type, uint16_t flags)
{
	n->msgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(n->b), type, NFPROTO_INET,
				     flags | NLM_F_ACK, n->seq++);
}

/* After each message: false once the batch is past its limit. */
bool kern_nft_next(struct kern_nft *n)
{
	return mnl_nlmsg_batch_next(n->b);
}

/* Send the batch and read one answer per message: 0 when every one said
 * 0, else the first error (the whole batch was refused). */
int kern_nft_commit(struct kern_nft *n, bool fits)
{
	uint32_t got = 0;
	int first = 0;
	ssize_t r;

	if (!fits)
		return mnl_nlmsg_batch_stop(n->b), -EMSGSIZE;
	if (kern_nft_oom)
		return mnl_nlmsg_batch_stop(n->b), -ENOMEM;
	nftnl_batch_end(mnl_nlmsg_batch_current(n->b), n->seq++);
	mnl_nlmsg_batch_next(n->b);
	r = mnl_socket_sendto(n->nl, mnl_nlmsg_batch_head(n->b), mnl_nlmsg_batch_size(n->b));
	mnl_nlmsg_batch_stop(n->b);
	if (r < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *h;
		int len;

		r = recv(mnl_socket_get_fd(n->nl), n->buf, NFT_BATCH_LIMIT * 2, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len = (int)r;
		for (h = (const void *)n->buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

			if (h->nlmsg_type != NLMSG_ERROR ||
			    h->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			got++;
			if (e->error && !first)
				first = e->error;
		}
	}
	if (first)
		return first;
	return got == n->msgs ? 0 : -EPROTO;
}

/* ---- expressions ---- */

void kern_nft_x_add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(r, e);
	else
		kern_nft_oom = true;
}

void kern_nft_x_meta(struct nftnl_rule *r, uint32_t key, bool set)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, set ? NFTNL_EXPR_META_SREG : NFTNL_EXPR_META_DREG, NFT_REG_1);
	kern_nft_x_add(r, e);
}

void kern_nft_x_ct(struct nftnl_rule *r, uint32_t key, bool set)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, set ? NFTNL_EXPR_CT_SREG : NFTNL_EXPR_CT_DREG, NFT_REG_1);
	kern_nft_x_add(r, e);
}

void kern_nft_x_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	kern_nft_x_add(r, e);
}

void kern_nft_x_and(struct nftnl_rule *r, uint32_t mask)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	uint32_t zero = 0;

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	kern_nft_x_add(r, e);
}

void kern_nft_x_imm(struct nftnl_rule *r, uint32_t v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &v, sizeof(v));
	kern_nft_x_add(r, e);
}

void kern_nft_x_verdict(struct nftnl_rule *r, int v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	kern_nft_x_add(r, e);
}

/* meta nfproto F; then the destination address into reg 1. */
void kern_nft_x_daddr(struct nftnl_rule *r, int family)
{
	struct nftnl_expr *e;
	uint8_t proto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	kern_nft_x_meta(r, NFT_META_NFPROTO, false);
	kern_nft_x_cmp(r, NFT_CMP_EQ, &proto, 1);
	if (!(e = nftnl_expr_alloc("payload"))) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, family == AF_INET ? 16 : 24);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, family == AF_INET ? 4 : 16);
	kern_nft_x_add(r, e);
}

void kern_nft_x_lookup(struct nftnl_rule *r, const char *set)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	kern_nft_x_add(r, e);
}

/* meta nfproto F (AF_INET or AF_INET6). */
void kern_nft_x_nfproto(struct nftnl_rule *r, int family)
{
	uint8_t proto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	kern_nft_x_meta(r, NFT_META_NFPROTO, false);
	kern_nft_x_cmp(r, NFT_CMP_EQ, &proto, 1);
}

void kern_nft_x_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	kern_nft_x_add(r, e);
}

/* reg 1 &= mask, len octets (1 to 16). */
void kern_nft_x_mask(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	uint8_t zero[16] = { 0 };

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	kern_nft_x_add(r, e);
}

/* snat ip to A / snat ip6 to A: the address (4 or 16 octets) through reg 1. */
void kern_nft_x_snat(struct nftnl_rule *r, int family, const void *addr)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, addr, family == AF_INET ? 4 : 16);
	kern_nft_x_add(r, e);
	if (!(e = nftnl_expr_alloc("nat"))) {
		kern_nft_oom = true;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_SNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY,
			   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	kern_nft_x_add(r, e);
}

/* meta mark set M ct mark set M return: the flow's PvD, kept by conntrack. */
void kern_nft_x_steer(struct nftnl_rule *r, uint32_t mark)
{
	kern_nft_x_imm(r, mark);
	kern_nft_x_meta(r, NFT_META_MARK, true);
	kern_nft_x_ct(r, NFT_CT_MARK, true);
	kern_nft_x_verdict(r, NFT_RETURN);
}

/* ---- objects ---- */

bool kern_nft_rule_send(struct kern_nft *n, struct nftnl_rule *r, const char *chain)
{
	struct nlmsghdr *h;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, KERN_NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	h = kern_nft_hdr(n, NFT_MSG_NEWRULE, NLM_F_APPEND | NLM_F_CREATE);
	nftnl_rule_nlmsg_build_payload(h, r);
	nftnl_rule_free(r);
	return kern_nft_next(n);
}

bool kern_nft_table_msg(struct kern_nft *n, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *h;

	if (!t)
		return false;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, KERN_NFT_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	h = kern_nft_hdr(n, type, flags);
	nftnl_table_nlmsg_build_payload(h, t);
	nftnl_table_free(t);
	return kern_nft_next(n);
}

bool kern_nft_chain(struct kern_nft *n, const char *name, const char *type, uint32_t hook,
		      int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *h;

	if (!c)
		return false;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, KERN_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	h = kern_nft_hdr(n, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(h, c);
	nftnl_chain_free(c);
	return kern_nft_next(n);
}

/* NEWSET (created if missing, kept with its elements otherwise) or DELSET. */
bool kern_nft_set(struct kern_nft *n, const char *name, int family, bool del)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *h;

	if (!s)
		return false;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, KERN_NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	if (!del) {
		nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, family == AF_INET ? NFT_KEY_IPV4 :
				  NFT_KEY_IPV6);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, family == AF_INET ? 4 : 16);
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT);
		nftnl_set_set_u32(s, NFTNL_SET_ID, n->seq);
	}
	h = kern_nft_hdr(n, del ? NFT_MSG_DELSET : NFT_MSG_NEWSET, del ? 0 : NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(h, s);
	nftnl_set_free(s);
	return kern_nft_next(n);
}

void kern_nft_set_name(char *out, size_t len, int family, uint64_t handle)
{
	if (handle)
		snprintf(out, len, "a%d_%llx", family == AF_INET ? 4 : 6,
			 (unsigned long long)handle);
	else
		snprintf(out, len, "c%d", family == AF_INET ? 4 : 6);
}

/* SPDX-License-Identifier: MIT */
/*
 * kern_nft's parts (kern_nft.h): the batch and its acknowledgements, the
 * expressions and objects (kern_nft_batch.c), used by the table's rules
 * and its life (kern_nft.c).
 */
#ifndef MIF_DAEMON_KERN_NFT_PRIV_H
#define MIF_DAEMON_KERN_NFT_PRIV_H

#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/core/msg.h"
#include "daemon/kern/kern_nft.h"

#define NFT_BATCH_LIMIT (256 * 1024)
#define NFT_MAX_SETS 256             /* PvDs with answer sets */
#define NFT_KEY_IPV4 7               /* nft's datatype numbers (ipv4_addr, ipv6_addr) */
#define NFT_KEY_IPV6 8

struct kern_nft {
	struct mnl_socket *nl;
	uint32_t seq, portid;
	bool answers, ready;
	uint8_t *buf;                /* NFT_BATCH_LIMIT * 2: a batch, then the answers */
	struct mnl_nlmsg_batch *b;
	uint32_t msgs;               /* messages asking an ACK in the batch */
	uint64_t sets[NFT_MAX_SETS]; /* PvD handles whose sets exist */
	size_t n_sets;
	struct msg_steer_cgroups cg; /* the engine's list */
	struct msg_steer_sels sel;   /* the policy's uid/port/dscp rules */
	uint64_t sync_hash;
	bool synced;
	struct msg_steer_stats st;
};

/* A batch: begin, a header per message (NLM_F_ACK added), next after
 * each (false once past the limit), commit: 0 once every message was
 * acknowledged with 0, else the first error (fits false: -EMSGSIZE). */
void kern_nft_begin(struct kern_nft *n);
struct nlmsghdr *kern_nft_hdr(struct kern_nft *n, uint16_t type, uint16_t flags);
bool kern_nft_next(struct kern_nft *n);
int kern_nft_commit(struct kern_nft *n, bool fits);

/* Expressions, appended to r (register 1 throughout). */
struct nftnl_expr;
void kern_nft_x_add(struct nftnl_rule *r, struct nftnl_expr *e);
void kern_nft_x_meta(struct nftnl_rule *r, uint32_t key, bool set);
void kern_nft_x_ct(struct nftnl_rule *r, uint32_t key, bool set);
void kern_nft_x_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
void kern_nft_x_and(struct nftnl_rule *r, uint32_t mask);
void kern_nft_x_imm(struct nftnl_rule *r, uint32_t v);
void kern_nft_x_verdict(struct nftnl_rule *r, int v);
/* meta nfproto F, then the destination address into register 1. */
void kern_nft_x_daddr(struct nftnl_rule *r, int family);
void kern_nft_x_lookup(struct nftnl_rule *r, const char *set);
void kern_nft_x_nfproto(struct nftnl_rule *r, int family);
/* reg 1 = len octets at offset of base (NFT_PAYLOAD_*_HEADER). */
void kern_nft_x_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);
void kern_nft_x_mask(struct nftnl_rule *r, const void *mask, uint32_t len);
/* snat ip(6) to addr (4 or 16 octets). */
void kern_nft_x_snat(struct nftnl_rule *r, int family, const void *addr);
/* meta mark set M ct mark set M return. */
void kern_nft_x_steer(struct nftnl_rule *r, uint32_t mark);

/* kern_nft_rules.c: the nat chain's rules (each PvD's own source, then
 * masquerade for the rest); returns false if the batch is full. *count:
 * SNAT rules written. */
bool kern_nft_rules_snat(struct kern_nft *n, const struct bind_table *t, uint32_t *count);
/* The PvD's routing mark in the bind table, 0 if none. */
uint32_t kern_nft_mark_of(const struct bind_table *t, uint64_t handle);
/* The route chain's rules for n->sel (after the cgroups): *count rules. */
bool kern_nft_rules_sel(struct kern_nft *n, const struct bind_table *t, uint32_t *count);
/* DELRULE of every rule of chain: flushed in the same transaction. */
bool kern_nft_flush(struct kern_nft *n, const char *chain);

/* Objects of the table, each one message of the batch (r is freed). */
bool kern_nft_rule_send(struct kern_nft *n, struct nftnl_rule *r, const char *chain);
bool kern_nft_table_msg(struct kern_nft *n, uint16_t type, uint16_t flags);
bool kern_nft_chain(struct kern_nft *n, const char *name, const char *type, uint32_t hook,
		    int32_t prio);
/* NEWSET (created if missing, kept with its elements otherwise) or DELSET. */
bool kern_nft_set(struct kern_nft *n, const char *name, int family, bool del);
/* "a4_<handle hex>", "a6_..."; handle 0: "c4", "c6" (two PvDs). */
void kern_nft_set_name(char *out, size_t len, int family, uint64_t handle);

#endif

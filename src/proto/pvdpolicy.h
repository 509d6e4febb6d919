/* SPDX-License-Identifier: MIT */
/*
 * Operator policy from the network (issue 14 item 1; doc/policy.md,
 * "Operator policy from the network"): the "vendor-mif" member of a PvD's
 * RFC 8801 additional information. RFC 8801 section 4.3 puts keys of one
 * vendor in a sub-dictionary whose key starts with "vendor-"; hosts that do
 * not know it ignore it. Pure: a jansson value in, a fixed struct out.
 *
 * What it may say is scoped to the PvD that sent it: facts about itself
 * (metered, cost) and rules in the vocabulary of the policy files whose
 * only target is itself ("self", or "pvd:" and its own identifier), with
 * prefer, avoid or prohibit. A rule that names another PvD or a class of
 * PvDs, requires anything, or selects local programs (exe, uid, cgroup) is
 * refused whole, with the reason; the others stay.
 */
#ifndef MIF_PROTO_PVDPOLICY_H
#define MIF_PROTO_PVDPOLICY_H

#include <jansson.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dname.h"

#define PVDPOL_KEY "vendor-mif"
#define PVDPOL_MAX_RULES 8
#define PVDPOL_MAX_DST 8
#define PVDPOL_MAX_DOMAIN 2
#define PVDPOL_MAX_REFUSED 4
#define PVDPOL_NAME_MAX 31
#define PVDPOL_WHY_MAX 128

/* What a rule says of the PvD that sent it. */
#define PVDPOL_PREFER 0x01u
#define PVDPOL_AVOID 0x02u
#define PVDPOL_PROHIBIT 0x04u

struct pvdpol_rule {
	char name[PVDPOL_NAME_MAX + 1];       /* [A-Za-z0-9_.-] */
	uint8_t what;                         /* PVDPOL_* bits, at least one */
	uint8_t proto;                        /* 0 any, 6 tcp, 17 udp */
	uint16_t port_lo, port_hi;            /* 0 0: any */
	int16_t dscp;                         /* -1: any */
	uint8_t n_dst, n_domain;
	uint8_t plen[PVDPOL_MAX_DST];         /* 128-bit form (IPv4 mapped) */
	struct in6_addr dst[PVDPOL_MAX_DST];  /* masked */
	char domain[PVDPOL_MAX_DOMAIN][DNAME_MAX_TEXT + 1];   /* lower case */
};

struct pvdpol {
	bool present;                         /* the member was there */
	int8_t metered;                       /* -1: not said */
	int32_t cost;                         /* -1: not said */
	uint8_t n_rules;
	struct pvdpol_rule rules[PVDPOL_MAX_RULES];
	uint8_t n_refused;                    /* reasons kept (at most MAX_REFUSED) */
	uint16_t n_refused_total;
	char refused[PVDPOL_MAX_REFUSED][PVDPOL_WHY_MAX];
};

/* Parse the member m (NULL when absent) of the additional information of
 * PvD identifier. Never fails: what is not usable is refused, with its
 * reason, into out->refused. */
void pvdpol_parse(json_t *m, const char *identifier, struct pvdpol *out);

/* The same from JSON text (the fuzz target, the unit tests). 0, or
 * -EBADMSG when the text is not JSON (out untouched). */
int pvdpol_parse_text(const char *text, size_t len, const char *identifier, struct pvdpol *out);

/* Does p hold only what pvdpol_parse can produce (strings terminated,
 * counts and numbers within range)? For a struct that crossed a process
 * boundary. */
bool pvdpol_check(const struct pvdpol *p);

#endif

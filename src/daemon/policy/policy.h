/* SPDX-License-Identifier: MIT */
/*
 * The connection manager's policy (issue 14; doc/policy.md): rules from
 * several actors (system, operator, user), each a selector of flows and a
 * preference among PvDs, reconciled by a documented precedence into an
 * ordered list of permitted PvDs with an explanation. Pure: no I/O, no
 * globals; the privileged parent reads the files, the engine holds the
 * compiled set (engine_policy.c).
 */
#ifndef MIF_DAEMON_POLICY_H
#define MIF_DAEMON_POLICY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_MAX_FILES 128
#define POLICY_MAX_RULES 65536
#define POLICY_MAX_PVDS 256          /* PvDs one decision ranks */
#define POLICY_MAX_MATCH 64          /* matched rules one explanation lists */
#define POLICY_MAX_CONFLICTS 16
#define POLICY_MAX_LIST 16           /* targets of one key, dst/domain values */
#define POLICY_ERR_MAX 320

enum policy_actor { POLICY_SYSTEM, POLICY_OPERATOR, POLICY_USER, POLICY_N_ACTORS };
/* What a rule says of the PvDs its targets match. */
enum policy_kind { POLICY_REQUIRED, POLICY_PREFERRED, POLICY_AVOIDED, POLICY_PROHIBITED,
		   POLICY_N_KINDS };
enum policy_type { POLICY_TYPE_ANY, POLICY_WIRED, POLICY_WIFI, POLICY_CELLULAR, POLICY_VPN,
		   POLICY_N_TYPES };

/* A PvD or a class of PvDs: every condition given must hold. */
struct policy_target {
	char *text;                  /* as written, for explanations */
	char *pvd;                   /* pvd:ID, or NULL */
	char *network;               /* net:NAME (a destination network), or NULL */
	uint8_t type;                /* enum policy_type, ANY: any */
	int8_t metered, trusted;     /* -1: either */
	int32_t max_cost;            /* -1: any */
	uint32_t min_bw_kbps;        /* 0: any */
	uint32_t max_rtt_ms;         /* 0: any */
	uint32_t max_loss_pm;        /* per mille; UINT32_MAX: any */
};

struct policy_prefix {
	struct in6_addr a;           /* IPv4 mapped (common/addr.h) */
	uint8_t plen;
};

struct policy_rule {
	char *name;                  /* [rule NAME] */
	uint16_t file;               /* index in the set's files */
	uint32_t line;
	uint8_t actor;
	/* Selector: every field given must match; within dst and domain, any. */
	char *exe, *cgroup;
	bool has_uid;
	uint32_t uid;
	struct policy_prefix *dst;
	size_t n_dst;
	char **domain;               /* lower case, no final dot */
	size_t n_domain;
	uint8_t proto;               /* 0 any, IPPROTO_TCP, IPPROTO_UDP */
	uint16_t port_lo, port_hi;   /* 0 0: any */
	int16_t dscp;                /* -1: any */
	unsigned specificity;        /* selector fields given */
	/* Preference. */
	struct policy_target *t[POLICY_N_KINDS];
	size_t n_t[POLICY_N_KINDS];
};

/* [network NAME]: PvDs that reach the same place (S60's destination networks). */
struct policy_network {
	char *name;
	uint16_t file;
	struct policy_target *member;
	size_t n_member;
};

/* [pvd ID] or [interface GLOB...]: facts about PvDs (type, metered, cost,
 * declared bandwidth), from system and operator files. */
struct policy_attr {
	char *pvd;                   /* or NULL */
	char *ifglob;                /* space-separated globs, or NULL */
	uint8_t actor;
	uint16_t file;
	uint8_t type;                /* ANY: not said */
	int8_t metered;              /* -1: not said */
	int32_t cost;                /* -1: not said */
	uint32_t bw_kbps;            /* 0: not said */
};

struct policy_file {
	char name[256];              /* as shown in errors: path or "(built-in)" */
	uint8_t actor;
	size_t n_rules;
};

struct policy_index;
struct policy_block;

/* A compiled policy: what the engine keeps and replaces whole. */
struct policy_set {
	struct policy_file files[POLICY_MAX_FILES];
	size_t n_files;
	struct policy_rule *rules;
	size_t n_rules, cap_rules;
	struct policy_network *nets;
	size_t n_nets, cap_nets;
	struct policy_attr *attrs;
	size_t n_attrs, cap_attrs;
	uint8_t prec[POLICY_N_ACTORS];   /* actors, lowest precedence first */
	bool builtin;                /* the built-in system default is in */
	struct policy_index *ix;     /* built by policy_set_finish */
	/* Every string and list of the rules, networks and facts, carved from
	 * blocks freed with the set (a bad file's share stays until then). */
	struct policy_block *arena;
};

/* A flow: what is known of it (NULL, has_* false, 0 or -1: unknown). */
struct policy_flow {
	const char *exe, *cgroup;
	bool has_uid;
	uint32_t uid;
	bool has_dst;
	struct in6_addr dst;         /* IPv4 mapped */
	const char *name;            /* destination name */
	uint8_t proto;
	uint16_t port;
	int16_t dscp;
};

/* One PvD as a decision sees it (engine_policy.c fills it). */
struct policy_pvd {
	const char *id;
	const char *ifname;          /* "" when none */
	uint8_t type;
	bool metered, trusted;
	bool metered_hint;           /* the network says metered (DHCPv4 43): in, for attrs */
	int32_t cost;
	uint32_t bw_kbps;            /* 0: unknown */
	bool quality_known;          /* enough active samples (connectivity/quality.h) */
	uint32_t rtt_ms, loss_pm;
};

enum policy_role {
	POLICY_ROLE_APPLIED,         /* a hard constraint that was applied */
	POLICY_ROLE_WON,             /* its actor's preference, and it decided */
	POLICY_ROLE_PREFERENCE,      /* its actor's preference, outranked */
	POLICY_ROLE_SHADOWED,        /* a more specific rule of its actor spoke first */
	POLICY_ROLE_DROPPED,         /* a hard constraint a stronger one contradicted */
	POLICY_ROLE_OVERRULED,       /* its actor's preference, its choice excluded */
};

enum policy_why {
	POLICY_WHY_HARD_VS_HARD,     /* would have left no PvD after stronger constraints */
	POLICY_WHY_HARD_VS_SOFT,     /* preferred a PvD that a constraint removed */
	POLICY_WHY_PRECEDENCE,       /* preferred another PvD than a higher actor */
};

struct policy_conflict {
	uint32_t loser, winner;      /* rule indexes */
	int32_t pvd;                 /* index in the PvD list, -1: none */
	uint8_t why;                 /* enum policy_why */
};

struct policy_result {
	size_t n;                    /* permitted PvDs, best first */
	uint16_t order[POLICY_MAX_PVDS];
	uint16_t rank[POLICY_MAX_PVDS];      /* of order[i]: equal ranks tie */
	int32_t removed_by[POLICY_MAX_PVDS]; /* by PvD index: rule, -1 permitted */
	size_t n_matched;            /* rules that matched (at most POLICY_MAX_MATCH kept) */
	size_t n_matched_total;
	uint32_t matched[POLICY_MAX_MATCH];
	uint8_t role[POLICY_MAX_MATCH];
	int32_t decided_by;          /* the rule whose preference put order[0] first, -1 */
	size_t n_conflicts;
	struct policy_conflict conflicts[POLICY_MAX_CONFLICTS];
};

const char *policy_actor_name(unsigned a);
int policy_actor_parse(const char *s);

/* policy_kernel.c: how the kernel enforces a rule for programs that do not
 * choose (doc/policy.md, "What the kernel enforces"), from its selector. */
enum policy_kernel {
	POLICY_K_ANY,                /* no selector: the default PvD's order */
	POLICY_K_DST,                /* dst (and domain): routing rules */
	POLICY_K_CGROUP,             /* cgroup alone: nftables socket cgroupv2 */
	POLICY_K_SEL,                /* uid, proto, port, dscp: nftables match */
	POLICY_K_NONE_EXE,           /* exe: not visible to the kernel */
	POLICY_K_NONE_DOMAIN,        /* domain alone: a name, not an address */
	POLICY_K_NONE_MIX,           /* a combination no kernel rule is made for */
};
enum policy_kernel policy_rule_kernel(const struct policy_rule *r);
/* One line for explain: "nftables: meta skuid 1000 th dport 443 ...". */
void policy_kernel_text(const struct policy_rule *r, char *out, size_t len);
const char *policy_kind_name(unsigned k);
const char *policy_type_name(unsigned t);
int policy_type_parse(const char *s);

/* policy_set.c */
void policy_set_init(struct policy_set *s);
void policy_set_free(struct policy_set *s);
/* "system operator user" (lowest first): every actor once. 0 or -EINVAL. */
int policy_prec_parse(const char *text, uint8_t ret_prec[POLICY_N_ACTORS]);
/* Parse one file's text into s (policy_parse.c). On error nothing of the
 * file stays in s, and err names "name:line: what". 0 or -EINVAL/-ENOMEM. */
int policy_set_add_text(struct policy_set *s, const char *name, const char *text, char *err,
			size_t errlen);
/* After the last file: the built-in system default when no file was a
 * system one, cross-file checks (networks named by rules exist), the
 * index. 0, or -EINVAL with err, -ENOMEM. */
int policy_set_finish(struct policy_set *s, char *err, size_t errlen);
/* The text of the built-in OS default (dist/policy.d/00-system-default.conf). */
extern const char policy_default_text[];

/* policy_decide.c */
/* f->name in lower case without a final dot (policy_decide makes it so). */
bool policy_rule_matches(const struct policy_rule *r, const struct policy_flow *f);
bool policy_target_matches(const struct policy_set *s, const struct policy_target *t,
			   const struct policy_pvd *p);
/* Attributes a PvD gets from [pvd] and [interface] sections: type (ANY
 * when none says), metered, cost, bw; fields not said stay as they are.
 * metered: a [pvd ID] section's word, else the network's hint
 * (p->metered_hint: metered), else an [interface] section's. */
void policy_pvd_attrs(const struct policy_set *s, const char *id, const char *ifname,
		      struct policy_pvd *p);
/* The decision for flow f among pvds[0..n) (n <= POLICY_MAX_PVDS), in
 * their order as the last tie-break. Deterministic. */
void policy_decide(const struct policy_set *s, const struct policy_flow *f,
		   const struct policy_pvd *pvds, size_t n, struct policy_result *out);

#endif

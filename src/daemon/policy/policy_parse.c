/* SPDX-License-Identifier: MIT */
/*
 * Policy files (doc/policy.md, man/mif-policy.5): INI as the static PvD
 * files, parsed with inih from text the privileged parent read. Every
 * value is validated here; an error names the file and line, and nothing
 * of a bad file stays in the set (the engine then keeps its previous
 * policy whole).
 */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/addr.h"
#include "common/cfgini.h"
#include "daemon/policy/policy.h"
#include "daemon/policy/policy_priv.h"

enum pp_section { PP_NONE, PP_POLICY, PP_RULE, PP_NETWORK, PP_ATTR };

struct pp {
	struct policy_set *s;
	const char *name;
	uint16_t file;
	struct cfgini rd;            /* the lines, counted */
	unsigned line, sect_line;
	unsigned hdr_seq, seen_seq, hdr_line;   /* section headers read, and handled */
	bool has_actor;
	int actor;
	enum pp_section sect;
	char msg[POLICY_ERR_MAX];
	unsigned err_line, fail_line;
};

/* Keep the first error with its line; 0 stops inih's handler. */
__attribute__((format(printf, 2, 3)))
static int pp_fail(struct pp *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->msg[0]) {
		va_start(ap, fmt);
		vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
		va_end(ap);
		x->err_line = x->line;
	}
	return 0;
}

/* cfgini's reader, which counts the lines (inih's handler is not told the
 * line) and stops at one too long; it stops at our first error too. */
static char *pp_reader(char *str, int num, void *stream)
{
	struct pp *x = stream;

	if (x->msg[0] || !cfgini_read(str, num, &x->rd))
		return NULL;
	x->line = x->rd.line;
	/* A section header: the handler learns of it with its first key. */
	if (str[strspn(str, " \t")] == '[') {
		if (x->hdr_seq != x->seen_seq) {
			snprintf(x->msg, sizeof(x->msg), "an empty section");
			x->err_line = x->hdr_line;
		}
		x->hdr_seq++;
		x->hdr_line = x->line;
	}
	return str;
}

/* Split v on spaces and commas into at most POLICY_MAX_LIST tokens in buf. */
static size_t pp_split(const char *v, char *buf, size_t buflen, char **tok, bool *too_many)
{
	size_t n = 0;
	char *save = NULL, *t;

	snprintf(buf, buflen, "%s", v);
	*too_many = false;
	for (t = strtok_r(buf, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		if (n == POLICY_MAX_LIST) {
			*too_many = true;
			break;
		}
		tok[n++] = t;
	}
	return n;
}

/* Append the targets of value v to *list (a key may be repeated). */
static int pp_targets(struct pp *x, const char *v, struct policy_target **list, size_t *n,
		      bool allow_net)
{
	char buf[INI_MAX_LINE + 1], *tok[POLICY_MAX_LIST];
	bool many;
	size_t k = pp_split(v, buf, sizeof(buf), tok, &many);
	struct policy_target *nl;

	if (!k)
		return pp_fail(x, "%s: no target", "value");
	if (many || *n + k > POLICY_MAX_LIST)
		return pp_fail(x, "more than %s targets for one key", "16");
	if (policy_grow(x->s, (void **)list, *n, k, sizeof(**list)) < 0)
		return pp_fail(x, "%s", "out of memory");
	nl = *list;
	for (size_t i = 0; i < k; i++) {
		const char *why;

		if (policy_target_parse(x->s, tok[i], &nl[*n], &why) < 0) {
			char m[POLICY_ERR_MAX];

			snprintf(m, sizeof(m), "\"%.80s\": %s", tok[i], why);
			return pp_fail(x, "%s", m);
		}
		(*n)++;
		if (nl[*n - 1].network && !allow_net)
			return pp_fail(x, "a destination network's member cannot be %s",
				       "another network");
	}
	return 1;
}

static struct policy_rule *pp_rule(struct pp *x)
{
	return &x->s->rules[x->s->n_rules - 1];
}

static int pp_rule_dst(struct pp *x, struct policy_rule *r, const char *v)
{
	char buf[INI_MAX_LINE + 1], *tok[POLICY_MAX_LIST];
	bool many;
	size_t k = pp_split(v, buf, sizeof(buf), tok, &many);
	struct policy_prefix *nd;

	if (!k || many || r->n_dst + k > POLICY_MAX_LIST)
		return pp_fail(x, "dst: from 1 to %s prefixes", "16");
	if (policy_grow(x->s, (void **)&r->dst, r->n_dst, k, sizeof(*nd)) < 0)
		return pp_fail(x, "%s", "out of memory");
	nd = r->dst;
	for (size_t i = 0; i < k; i++) {
		struct policy_prefix *p = &nd[r->n_dst];
		int fam = addr_prefix_parse(tok[i], &p->a, &p->plen);

		if (fam < 0) {
			fam = addr_parse(tok[i], &p->a);
			p->plen = 128;
		}
		if (fam < 0)
			return pp_fail(x, "dst: \"%.80s\" is not an address or prefix", tok[i]);
		if (!addr_prefix_clean(&p->a, p->plen))
			return pp_fail(x, "dst: \"%.80s\" has bits set past its length", tok[i]);
		r->n_dst++;
	}
	return 1;
}

static int pp_rule_domain(struct pp *x, struct policy_rule *r, const char *v)
{
	char buf[INI_MAX_LINE + 1], *tok[POLICY_MAX_LIST];
	bool many;
	size_t k = pp_split(v, buf, sizeof(buf), tok, &many);
	char **nd;

	if (!k || many || r->n_domain + k > POLICY_MAX_LIST)
		return pp_fail(x, "domain: from 1 to %s names", "16");
	if (policy_grow(x->s, (void **)&r->domain, r->n_domain, k, sizeof(*nd)) < 0)
		return pp_fail(x, "%s", "out of memory");
	nd = r->domain;
	for (size_t i = 0; i < k; i++) {
		char d[256];

		if (policy_name_norm(tok[i], d, sizeof(d)) < 0)
			return pp_fail(x, "domain: \"%.80s\" is not a domain name", tok[i]);
		if (!(nd[r->n_domain] = policy_strdup(x->s, d)))
			return pp_fail(x, "%s", "out of memory");
		r->n_domain++;
	}
	return 1;
}

static int pp_rule_port(struct pp *x, struct policy_rule *r, const char *v)
{
	char buf[32], *dash;
	uint32_t lo, hi;

	snprintf(buf, sizeof(buf), "%s", v);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!policy_u32(buf, 65535, &lo) || !lo || (dash && (!policy_u32(dash + 1, 65535, &hi) || hi < lo)))
		return pp_fail(x, "port: \"%.40s\" is not a port (1-65535) or a range LO-HI", v);
	r->port_lo = (uint16_t)lo;
	r->port_hi = (uint16_t)(dash ? hi : lo);
	return 1;
}

static int pp_str(struct pp *x, char **dst, const char *key, const char *v, bool path)
{
	if (*dst)
		return pp_fail(x, "%s given twice", key);
	if (path && (v[0] != '/' || strlen(v) > 4095))
		return pp_fail(x, "%s: an absolute path", key);
	*dst = policy_strdup(x->s, v);
	return *dst ? 1 : pp_fail(x, "%s", "out of memory");
}

static int pp_rule_key(struct pp *x, const char *k, const char *v)
{
	static const char *const kinds[POLICY_N_KINDS] = { "require", "prefer", "avoid",
							    "prohibit" };
	struct policy_rule *r = pp_rule(x);
	uint32_t n;

	for (unsigned i = 0; i < POLICY_N_KINDS; i++)
		if (!strcasecmp(k, kinds[i]))
			return pp_targets(x, v, &r->t[i], &r->n_t[i], true);
	if (!strcasecmp(k, "exe"))
		return pp_str(x, &r->exe, "exe", v, true);
	if (!strcasecmp(k, "cgroup")) {
		int ok = pp_str(x, &r->cgroup, "cgroup", v, true);
		size_t l = ok ? strlen(r->cgroup) : 0;

		while (l > 1 && r->cgroup[l - 1] == '/')
			r->cgroup[--l] = '\0';   /* "/a/b/" is "/a/b" */
		return ok;
	}
	if (!strcasecmp(k, "dst"))
		return pp_rule_dst(x, r, v);
	if (!strcasecmp(k, "domain"))
		return pp_rule_domain(x, r, v);
	if (!strcasecmp(k, "port"))
		return r->port_lo ? pp_fail(x, "%s given twice", "port") : pp_rule_port(x, r, v);
	if (!strcasecmp(k, "uid")) {
		if (r->has_uid || !policy_u32(v, UINT32_MAX - 1, &n))
			return pp_fail(x, "uid: one number (\"%.40s\")", v);
		r->has_uid = true;
		r->uid = n;
		return 1;
	}
	if (!strcasecmp(k, "proto")) {
		if (r->proto)
			return pp_fail(x, "%s given twice", "proto");
		if (!strcasecmp(v, "tcp"))
			r->proto = IPPROTO_TCP;
		else if (!strcasecmp(v, "udp"))
			r->proto = IPPROTO_UDP;
		else
			return pp_fail(x, "proto: tcp or udp, not \"%.40s\"", v);
		return 1;
	}
	if (!strcasecmp(k, "dscp")) {
		if (r->dscp >= 0 || !policy_u32(v, 63, &n))
			return pp_fail(x, "dscp: one number from 0 to 63 (\"%.40s\")", v);
		r->dscp = (int16_t)n;
		return 1;
	}
	return pp_fail(x, "unknown key \"%.60s\" in a [rule] section", k);
}

static int pp_attr_key(struct pp *x, const char *k, const char *v)
{
	struct policy_attr *a = &x->s->attrs[x->s->n_attrs - 1];
	uint32_t n;
	int t;

	if (!strcasecmp(k, "type")) {
		if (a->type || (t = policy_type_parse(v)) <= 0)
			return pp_fail(x, "type: once, one of wired, wifi, cellular, vpn (\"%.40s\")", v);
		a->type = (uint8_t)t;
	} else if (!strcasecmp(k, "metered")) {
		if (a->metered >= 0 || !policy_yes(v, &a->metered))
			return pp_fail(x, "metered: once, yes or no (\"%.40s\")", v);
	} else if (!strcasecmp(k, "cost")) {
		if (a->cost >= 0 || !policy_u32(v, 1000000, &n))
			return pp_fail(x, "cost: once, from 0 to 1000000 (\"%.40s\")", v);
		a->cost = (int32_t)n;
	} else if (!strcasecmp(k, "bandwidth")) {
		if (a->bw_kbps || !policy_u32(v, 100000000, &n) || !n)
			return pp_fail(x, "bandwidth: once, kbit/s from 1 to 100000000 (\"%.40s\")", v);
		a->bw_kbps = n;
	} else {
		return pp_fail(x, "unknown key \"%.60s\" (type, metered, cost, bandwidth)", k);
	}
	return 1;
}

/* The section just ended: is it complete? */
static int pp_end_section(struct pp *x)
{
	unsigned line = x->line;

	x->line = x->sect_line;
	if (x->sect == PP_RULE) {
		struct policy_rule *r = pp_rule(x);
		size_t n = 0;

		for (unsigned i = 0; i < POLICY_N_KINDS; i++)
			n += r->n_t[i];
		if (!n)
			pp_fail(x, "rule \"%.80s\" has no require, prefer, avoid or prohibit",
				r->name);
		r->specificity = (r->exe != NULL) + (r->cgroup != NULL) + r->has_uid +
				 (r->n_dst > 0 || r->n_domain > 0) + (r->proto != 0) +
				 (r->port_lo != 0) + (r->dscp >= 0);
	} else if (x->sect == PP_NETWORK && !x->s->nets[x->s->n_nets - 1].n_member) {
		pp_fail(x, "network \"%.80s\" has no member", x->s->nets[x->s->n_nets - 1].name);
	}
	x->line = line;
	x->sect = PP_NONE;
	return x->msg[0] ? 0 : 1;
}

static int pp_new_rule(struct pp *x, const char *name)
{
	struct policy_set *s = x->s;
	struct policy_rule *r;

	if (s->n_rules == POLICY_MAX_RULES)
		return pp_fail(x, "more than %s rules in all", "65536");
	if (s->n_rules == s->cap_rules) {
		size_t nc = s->cap_rules ? s->cap_rules * 2 : 16;
		struct policy_rule *nr = realloc(s->rules, nc * sizeof(*nr));

		if (!nr)
			return pp_fail(x, "%s", "out of memory");
		s->rules = nr;
		s->cap_rules = nc;
	}
	r = &s->rules[s->n_rules];
	memset(r, 0, sizeof(*r));
	r->dscp = -1;
	r->file = x->file;
	r->line = x->line;
	r->actor = (uint8_t)x->actor;
	if (!(r->name = policy_strdup(s, name)))
		return pp_fail(x, "%s", "out of memory");
	s->n_rules++;
	s->files[x->file].n_rules++;
	x->sect = PP_RULE;
	return 1;
}

static int pp_new_net(struct pp *x, const char *name)
{
	struct policy_set *s = x->s;
	struct policy_network *n;

	if (!policy_name_ok(name, 63))
		return pp_fail(x, "network name \"%.80s\": 1 to 63 characters, no space, + or ,",
			       name);
	for (size_t i = 0; i < s->n_nets; i++)
		if (!strcmp(s->nets[i].name, name))
			return pp_fail(x, "network \"%.80s\" defined twice", name);
	/* Networks and facts are few: their lists live in the arena too. */
	if (s->n_nets == s->cap_nets) {
		size_t more = s->cap_nets ? s->cap_nets : 8;

		if (policy_grow(s, (void **)&s->nets, s->n_nets, more, sizeof(*n)) < 0)
			return pp_fail(x, "%s", "out of memory");
		s->cap_nets += more;
	}
	n = &s->nets[s->n_nets];
	memset(n, 0, sizeof(*n));
	n->file = x->file;
	if (!(n->name = policy_strdup(s, name)))
		return pp_fail(x, "%s", "out of memory");
	s->n_nets++;
	x->sect = PP_NETWORK;
	return 1;
}

static int pp_new_attr(struct pp *x, const char *what, const char *arg)
{
	struct policy_set *s = x->s;
	struct policy_attr *a;

	if (x->actor == POLICY_USER)
		return pp_fail(x, "[%s] sections state facts: only system and operator files", what);
	if (!*arg || strlen(arg) > 255)
		return pp_fail(x, "[%s] needs an argument", what);
	if (s->n_attrs == s->cap_attrs) {
		size_t more = s->cap_attrs ? s->cap_attrs : 8;

		if (policy_grow(s, (void **)&s->attrs, s->n_attrs, more, sizeof(*a)) < 0)
			return pp_fail(x, "%s", "out of memory");
		s->cap_attrs += more;
	}
	a = &s->attrs[s->n_attrs];
	memset(a, 0, sizeof(*a));
	a->metered = -1;
	a->cost = -1;
	a->actor = (uint8_t)x->actor;
	a->file = x->file;
	if (!(*what == 'p' ? (a->pvd = policy_strdup(s, arg)) :
	      (a->ifglob = policy_strdup(s, arg))))
		return pp_fail(x, "%s", "out of memory");
	s->n_attrs++;
	x->sect = PP_ATTR;
	return 1;
}

/* "[rule web]" -> "rule", "web". */
static int pp_section(struct pp *x, const char *section)
{
	char kind[16];
	const char *arg = strchr(section, ' ');
	size_t kl = arg ? (size_t)(arg - section) : strlen(section);

	if (!pp_end_section(x))
		return 0;
	x->sect_line = x->line;
	if (kl >= sizeof(kind))
		return pp_fail(x, "unknown section [%.80s]", section);
	memcpy(kind, section, kl);
	kind[kl] = '\0';
	arg = arg ? arg + strspn(arg, " ") : "";
	if (!strcasecmp(kind, "policy")) {
		if (x->has_actor || *arg || x->s->files[x->file].n_rules)
			return pp_fail(x, "%s", "[policy] comes once, first, without an argument");
		x->sect = PP_POLICY;
		return 1;
	}
	if (!x->has_actor)
		return pp_fail(x, "%s", "the file must start with [policy] and its actor");
	if (!strcasecmp(kind, "rule")) {
		if (!policy_name_ok(arg, 63))
			return pp_fail(x, "%s", "[rule NAME]: a name of 1 to 63 characters");
		return pp_new_rule(x, arg);
	}
	if (!strcasecmp(kind, "network"))
		return pp_new_net(x, arg);
	if (!strcasecmp(kind, "pvd"))
		return pp_new_attr(x, "pvd", arg);
	if (!strcasecmp(kind, "interface"))
		return pp_new_attr(x, "interface", arg);
	return pp_fail(x, "unknown section [%.80s] (policy, rule, network, pvd, interface)",
		       section);
}

static int pp_policy_key(struct pp *x, const char *k, const char *v)
{
	if (strcasecmp(k, "actor") != 0)
		return pp_fail(x, "unknown key \"%.60s\" in [policy] (actor)", k);
	if (x->has_actor || (x->actor = policy_actor_parse(v)) < 0)
		return pp_fail(x, "actor: once, one of system, operator, user (\"%.40s\")", v);
	x->has_actor = true;
	x->s->files[x->file].actor = (uint8_t)x->actor;
	return 1;
}

static int pp_key(struct pp *x, const char *section, const char *k, const char *v)
{
	if (x->msg[0])
		return 1;    /* the first error only: inih's line is ours anyway */
	if (x->seen_seq != x->hdr_seq) {
		unsigned line = x->line;

		x->seen_seq = x->hdr_seq;
		x->line = x->hdr_line;
		if (!pp_section(x, section))
			return 0;
		x->line = line;
	}
	switch (x->sect) {
	case PP_POLICY:
		return pp_policy_key(x, k, v);
	case PP_RULE:
		return pp_rule_key(x, k, v);
	case PP_NETWORK: {
		struct policy_network *n = &x->s->nets[x->s->n_nets - 1];

		if (strcasecmp(k, "member") != 0)
			return pp_fail(x, "unknown key \"%.60s\" in a [network] section (member)", k);
		return pp_targets(x, v, &n->member, &n->n_member, false);
	}
	case PP_ATTR:
		return pp_attr_key(x, k, v);
	case PP_NONE:
		break;
	}
	return pp_fail(x, "%s", "a key outside any section");
}

static int pp_cb(void *user, const char *section, const char *k, const char *v)
{
	struct pp *x = user;

	if (pp_key(x, section, k, v))
		return 1;
	x->fail_line = x->rd.line;      /* inih's error line, from us */
	return 0;
}

int policy_set_add_text(struct policy_set *s, const char *name, const char *text, char *err,
			size_t errlen)
{
	struct pp x = { .s = s, .name = name, .rd = { .text = text }, .actor = -1 };
	size_t rules = s->n_rules, nets = s->n_nets, attrs = s->n_attrs;
	int r;

	if (s->n_files == POLICY_MAX_FILES) {
		snprintf(err, errlen, "%s: more than %d policy files", name, POLICY_MAX_FILES);
		return -EINVAL;
	}
	x.file = (uint16_t)s->n_files;
	memset(&s->files[x.file], 0, sizeof(s->files[0]));
	snprintf(s->files[x.file].name, sizeof(s->files[0].name), "%s", name);
	r = ini_parse_stream(pp_reader, &x, pp_cb, &x);
	/* inih's own error (no ']' or '=') before ours, or on the line ours
	 * is about (a header without ']' whose keys went to the section
	 * before): the syntax error is the one told. */
	if (r > 0 && (unsigned)r != x.fail_line &&
	    (!x.msg[0] || (unsigned)r <= x.err_line)) {
		snprintf(err, errlen, "%s:%d: syntax error", name, r);
	} else if (x.msg[0]) {
		snprintf(err, errlen, "%s:%u: %s", name, x.err_line, x.msg);
	} else if (r < 0) {
		snprintf(err, errlen, "%s: out of memory", name);
	} else if (x.rd.long_line) {
		cfgini_long_line_say(&x.rd, x.msg, sizeof(x.msg));
		snprintf(err, errlen, "%s: %s", name, x.msg);
	} else {
		pp_end_section(&x);
		if (!x.msg[0] && !x.has_actor) {
			x.err_line = 1;
			snprintf(x.msg, sizeof(x.msg), "no [policy] section with an actor");
		}
		if (!x.msg[0]) {
			s->n_files++;
			return 0;
		}
		snprintf(err, errlen, "%s:%u: %s", name, x.err_line, x.msg);
	}
	policy_set_truncate(s, rules, nets, attrs);
	return -EINVAL;
}

/* SPDX-License-Identifier: MIT */
/*
 * A compiled policy: the rules, destination networks and PvD facts of
 * every file, the actors' precedence, and the built-in OS default (the
 * interface classes mifd used to hard-code in routing/route_plan.c) when
 * no file speaks for the system actor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/policy/policy.h"
#include "daemon/policy/policy_priv.h"

/* The same text as dist/policy.d/00-system-default.conf (test_policy
 * checks that they agree). */
const char policy_default_text[] =
	"# The OS default policy (actor system): mifd's built-in choice of the default\n"
	"# network, editable. Without any system file mifd uses this same text.\n"
	"# See mif-policy(5) and doc/policy.md.\n"
	"[policy]\n"
	"actor = system\n"
	"\n"
	"# Interface classes (names as Linux drivers and udev give them). An\n"
	"# interface no section names is wired, or vpn if it has no link layer\n"
	"# (tun, PPP).\n"
	"[interface wl*]\n"
	"type = wifi\n"
	"\n"
	"[interface ww* rmnet*]\n"
	"type = cellular\n"
	"# Cellular data is counted (Android and NetworkManager assume the same).\n"
	"metered = yes\n"
	"\n"
	"[interface tun* tap* wg* ppp* vpn*]\n"
	"type = vpn\n"
	"\n"
	"# Any flow: wired first, then Wi-Fi, cellular, VPN.\n"
	"[rule default-order]\n"
	"prefer = type:wired type:wifi type:cellular type:vpn\n";

static const char *const policy_actors[POLICY_N_ACTORS] = { "system", "operator", "user" };
static const char *const policy_kinds[POLICY_N_KINDS] = { "required", "preferred", "avoided",
							   "prohibited" };
static const char *const policy_types[POLICY_N_TYPES] = { "any", "wired", "wifi", "cellular",
							   "vpn" };

const char *policy_actor_name(unsigned a)
{
	return a < POLICY_N_ACTORS ? policy_actors[a] : "?";
}

int policy_actor_parse(const char *s)
{
	for (int i = 0; i < POLICY_N_ACTORS; i++)
		if (!strcasecmp(s, policy_actors[i]))
			return i;
	return -EINVAL;
}

const char *policy_kind_name(unsigned k)
{
	return k < POLICY_N_KINDS ? policy_kinds[k] : "?";
}

const char *policy_type_name(unsigned t)
{
	return t < POLICY_N_TYPES ? policy_types[t] : "?";
}

int policy_type_parse(const char *s)
{
	for (int i = 1; i < POLICY_N_TYPES; i++)
		if (!strcasecmp(s, policy_types[i]))
			return i;
	return -EINVAL;
}

int policy_name_norm(const char *in, char *out, size_t len)
{
	size_t n = strlen(in), lab = 0;

	if (n && in[n - 1] == '.')
		n--;
	if (!n || n >= len || n > 253)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if (c == '.') {
			if (!lab)
				return -EINVAL;
			lab = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '_') {
			if (++lab > 63)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	return 0;
}

void policy_set_init(struct policy_set *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned a = 0; a < POLICY_N_ACTORS; a++)
		s->prec[a] = (uint8_t)a;
}

/* Arena blocks: a list the set owns, each block's header then its bytes. */
#define POLICY_BLOCK (64u << 10)

struct policy_block {
	struct policy_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *policy_alloc(struct policy_set *s, size_t n)
{
	struct policy_block *b = s->arena;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > POLICY_BLOCK ? n : POLICY_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = s->arena;
		s->arena = b;
	}
	p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *policy_strdup(struct policy_set *s, const char *str)
{
	size_t l = strlen(str) + 1;
	char *p = policy_alloc(s, l);

	if (p)
		memcpy(p, str, l);
	return p;
}

int policy_grow(struct policy_set *s, void **list, size_t n, size_t k, size_t size)
{
	void *p = policy_alloc(s, (n + k) * size);

	if (!p)
		return -ENOMEM;
	if (n)
		memcpy(p, *list, n * size);
	*list = p;
	return 0;
}

void policy_set_truncate(struct policy_set *s, size_t rules, size_t nets, size_t attrs)
{
	/* What they point to stays in the arena until the set is freed. */
	s->n_rules = rules;
	s->n_nets = nets;
	s->n_attrs = attrs;
}

void policy_set_free(struct policy_set *s)
{
	uint8_t prec[POLICY_N_ACTORS];

	memcpy(prec, s->prec, sizeof(prec));
	while (s->arena) {
		struct policy_block *b = s->arena;

		s->arena = b->next;
		free(b);
	}
	free(s->rules);
	policy_index_free(s->ix);
	policy_set_init(s);
	memcpy(s->prec, prec, sizeof(prec));
}

int policy_prec_parse(const char *text, uint8_t ret_prec[POLICY_N_ACTORS])
{
	char buf[128], *save = NULL, *t;
	uint8_t prec[POLICY_N_ACTORS];
	unsigned seen = 0, n = 0;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", text);
	for (t = strtok_r(buf, " \t,<", &save); t; t = strtok_r(NULL, " \t,<", &save)) {
		int a = policy_actor_parse(t);

		if (a < 0 || (seen & 1u << a) || n == POLICY_N_ACTORS)
			return -EINVAL;
		seen |= 1u << a;
		prec[n++] = (uint8_t)a;
	}
	if (n != POLICY_N_ACTORS)
		return -EINVAL;
	memcpy(ret_prec, prec, sizeof(prec));
	return 0;
}

const struct policy_network *policy_net_find(const struct policy_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_nets; i++)
		if (!strcmp(s->nets[i].name, name))
			return &s->nets[i];
	return NULL;
}

/* Every net:NAME a rule names is defined in some file. */
static int policy_check_nets(const struct policy_set *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct policy_rule *r = &s->rules[i];

		for (unsigned k = 0; k < POLICY_N_KINDS; k++)
			for (size_t j = 0; j < r->n_t[k]; j++)
				if (r->t[k][j].network && !policy_net_find(s, r->t[k][j].network)) {
					snprintf(err, errlen, "%s:%u: rule \"%s\": no destination "
						 "network \"%s\" in any file",
						 s->files[r->file].name, r->line, r->name,
						 r->t[k][j].network);
					return -EINVAL;
				}
	}
	return 0;
}

int policy_set_finish(struct policy_set *s, char *err, size_t errlen)
{
	bool system = false;
	int r;

	for (size_t i = 0; i < s->n_files; i++)
		system |= s->files[i].actor == POLICY_SYSTEM;
	if (!system) {
		r = policy_set_add_text(s, "(built-in)", policy_default_text, err, errlen);
		if (r < 0)
			return r;
		s->builtin = true;
	}
	r = policy_check_nets(s, err, errlen);
	if (r < 0)
		return r;
	if (policy_index_build(s) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

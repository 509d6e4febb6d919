/* SPDX-License-Identifier: MIT */
/* Flow bindings from the policy (engine_mob_flow.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/mobility/engine_mob_flow.h"
#include "daemon/mobility/mob_flow.h"

struct emf_ctx {
	struct msg_mob_paths *s;
	unsigned k;              /* rules seen */
};

static bool emf_has_path(const struct msg_mob_paths *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->p[i].pvd, id))
			return true;
	return false;
}

/* "remote=START-END" for a prefix (IPv4 mapped: dotted, a selector of
 * format 1). */
static void emf_remote(const struct policy_prefix *d, char *out, size_t len)
{
	struct in6_addr lo = d->a, hi = d->a;
	bool v4 = IN6_IS_ADDR_V4MAPPED(&d->a);
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	for (unsigned bit = d->plen; bit < 128; bit++) {
		lo.s6_addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
		hi.s6_addr[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	}
	inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? &lo.s6_addr[12] : lo.s6_addr, a, sizeof(a));
	inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? &hi.s6_addr[12] : hi.s6_addr, b, sizeof(b));
	snprintf(out, len, " remote=%s-%s", a, b);
}

static void emf_rule(void *arg, const struct policy_rule *r, const char *const *ids, size_t n)
{
	struct emf_ctx *c = arg;
	struct msg_mob_paths *s = c->s;
	unsigned k = c->k++;
	char spec[MOB_FLOW_SPEC_MAX], sel[128] = "", err[96];
	struct mob_flow f;
	size_t at;
	int w;

	for (size_t i = 0; i < n && s->flows.n < MOB_FLOW_MAX; i++) {
		if (!emf_has_path(s, ids[i]))
			continue;
		if (r->n_dst)
			emf_remote(&r->dst[0], sel, sizeof(sel));
		at = strlen(sel);
		if (r->proto)
			at += (size_t)snprintf(sel + at, sizeof(sel) - at, " proto=%u", r->proto);
		if (r->port_lo && at < sizeof(sel))
			at += (size_t)snprintf(sel + at, sizeof(sel) - at, " rport=%u-%u", r->port_lo,
					       r->port_hi ? r->port_hi : r->port_lo);
		if (r->dscp >= 0 && at < sizeof(sel))
			(void)snprintf(sel + at, sizeof(sel) - at, " dscp=%d", r->dscp);
		w = snprintf(spec, sizeof(spec), "policy:%.20s fid=%u pri=%u pvd=%s%s", r->name,
			     ENGINE_MOB_FLOW_BASE + k, ENGINE_MOB_FLOW_BASE + k, ids[i], sel);
		/* What mob_flow cannot take (too long) is left out. */
		if (w < 0 || (size_t)w >= sizeof(spec) ||
		    mob_flow_parse(spec, &f, err, sizeof(err)) < 0)
			return;
		memcpy(s->flows.spec[s->flows.n++], spec, sizeof(spec));
		return;
	}
}

void engine_mob_flows(struct engine *e, struct msg_mob_paths *s)
{
	struct emf_ctx c = { .s = s };

	memset(&s->flows, 0, sizeof(s->flows));
	engine_policy_flow_rules(e, emf_rule, &c);
}

/* SPDX-License-Identifier: MIT */
/*
 * Targets of a policy rule (doc/policy.md, "Targets"): a PvD by id, a
 * destination network by name, or a class of PvDs, conditions joined by
 * "+" (all must hold), each value range-checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/policy/policy.h"
#include "daemon/policy/policy_priv.h"

bool policy_yes(const char *v, int8_t *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return false;
	return true;
}

bool policy_u32(const char *v, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long n;

	if (*v < '0' || *v > '9')
		return false;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n > max)
		return false;
	*out = (uint32_t)n;
	return true;
}

bool policy_name_ok(const char *v, size_t max)
{
	size_t l = strlen(v);

	if (!l || l > max)
		return false;
	for (; *v; v++)
		if ((unsigned char)*v <= ' ' || *v == '+' || *v == ',')
			return false;
	return true;
}

/* One condition of a target: "type:wifi", "metered", "cost<=2"... */
static const char *pp_cond(struct policy_set *s, struct policy_target *t, char *c)
{
	uint32_t n;

	if (!strncmp(c, "pvd:", 4)) {
		if (t->pvd || !policy_name_ok(c + 4, 255))
			return "pvd: needs one PvD id";
		return (t->pvd = policy_strdup(s, c + 4)) ? NULL : "out of memory";
	}
	if (!strncmp(c, "net:", 4)) {
		if (t->network || !policy_name_ok(c + 4, 63))
			return "net: needs one destination network name";
		return (t->network = policy_strdup(s, c + 4)) ? NULL : "out of memory";
	}
	if (!strncmp(c, "type:", 5)) {
		int ty = policy_type_parse(c + 5);

		if (ty <= 0 || t->type)
			return "type: is one of wired, wifi, cellular, vpn";
		t->type = (uint8_t)ty;
		return NULL;
	}
	if (!strcmp(c, "metered") || !strcmp(c, "unmetered")) {
		t->metered = c[0] == 'm';
		return NULL;
	}
	if (!strcmp(c, "trusted") || !strcmp(c, "untrusted")) {
		t->trusted = c[0] == 't';
		return NULL;
	}
	if (!strncmp(c, "cost<=", 6)) {
		if (!policy_u32(c + 6, 1000000, &n))
			return "cost<= takes a number from 0 to 1000000";
		t->max_cost = (int32_t)n;
		return NULL;
	}
	if (!strncmp(c, "bandwidth>=", 11)) {
		if (!policy_u32(c + 11, 100000000, &n) || !n)
			return "bandwidth>= takes kbit/s from 1 to 100000000";
		t->min_bw_kbps = n;
		return NULL;
	}
	if (!strncmp(c, "rtt<=", 5)) {
		if (!policy_u32(c + 5, 60000, &n) || !n)
			return "rtt<= takes milliseconds from 1 to 60000";
		t->max_rtt_ms = n;
		return NULL;
	}
	if (!strncmp(c, "loss<=", 6)) {
		if (!policy_u32(c + 6, 100, &n))
			return "loss<= takes a percentage from 0 to 100";
		t->max_loss_pm = n * 10;
		return NULL;
	}
	return "unknown condition (pvd:ID, net:NAME, type:T, metered, unmetered, trusted, "
	       "untrusted, cost<=N, bandwidth>=KBITS, rtt<=MS, loss<=PCT)";
}

int policy_target_parse(struct policy_set *s, const char *text, struct policy_target *t,
			const char **why)
{
	char buf[256], *save = NULL, *c;

	memset(t, 0, sizeof(*t));
	t->metered = t->trusted = -1;
	t->max_cost = -1;
	t->max_loss_pm = UINT32_MAX;
	if (strlen(text) >= sizeof(buf)) {
		*why = "target too long";
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	for (c = strtok_r(buf, "+", &save); c; c = strtok_r(NULL, "+", &save)) {
		*why = pp_cond(s, t, c);
		if (*why)
			return -EINVAL;
	}
	if (t->network && (t->pvd || t->type || t->metered >= 0 || t->trusted >= 0 ||
			   t->max_cost >= 0 || t->min_bw_kbps || t->max_rtt_ms ||
			   t->max_loss_pm != UINT32_MAX)) {
		*why = "net:NAME stands alone";
		return -EINVAL;
	}
	if (!(t->text = policy_strdup(s, text))) {
		*why = "out of memory";
		return -ENOMEM;
	}
	return 0;
}

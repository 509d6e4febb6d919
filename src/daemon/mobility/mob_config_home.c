/* SPDX-License-Identifier: MIT */
/*
 * Several home addresses in mifd.conf (mob_config.h): [mobility NAME]
 * sections and [mobility]'s name = and via =, checked against the pairing
 * rule's loop check (mob_hoa.h; analysis 6.3.1, RFC 6275 9.5.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/mobility/mob_config.h"

/* A name of a home address: letters, digits, '-', '_' (it appears in via
 * lists, which split on spaces and commas). */
static bool mch_name_ok(const char *s)
{
	if (!*s || strlen(s) >= 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* via = NAME...: interface names or home addresses' names; all or nothing. */
static int mch_via(const char *name, const char *value, char (*out)[32], size_t *ret_n,
		   char *err, size_t errlen)
{
	char buf[512], *save = NULL, tmp[MOB_HOA_MAX_VIA][32];
	size_t n = 0;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: too long", name);
		return -EINVAL;
	}
	strcpy(buf, value);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		if (n == MOB_HOA_MAX_VIA || strlen(t) >= IFNAMSIZ || !mch_name_ok(t)) {
			snprintf(err, errlen, "%s: bad or too many names (\"%s\"; %d at most)", name,
				 t, MOB_HOA_MAX_VIA);
			return -EINVAL;
		}
		snprintf(tmp[n++], sizeof(tmp[0]), "%s", t);
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: a name is needed", name);
		return -EINVAL;
	}
	memcpy(out, tmp, sizeof(tmp[0]) * n);
	*ret_n = n;
	return 0;
}

int mob_config_set_self(struct mob_config *c, const char *key, const char *name,
			const char *value, char *err, size_t errlen)
{
	if (!strcmp(key, "via"))
		return mch_via(name, value, c->via, &c->n_via, err, errlen);
	if (!mch_name_ok(value)) {
		snprintf(err, errlen, "%s: \"%s\" is not a name (letters, digits, - and _)", name,
			 value);
		return -EINVAL;
	}
	snprintf(c->name, sizeof(c->name), "%s", value);
	return 0;
}

static struct mob_home *mch_find(struct mob_config *c, const char *section_name)
{
	for (size_t i = 0; i < c->n_homes; i++)
		if (!strcmp(c->homes[i].name, section_name))
			return &c->homes[i];
	if (c->n_homes == MOB_MAX_HOMES)
		return NULL;
	memset(&c->homes[c->n_homes], 0, sizeof(c->homes[0]));
	c->homes[c->n_homes].hoa_plen = 128;
	snprintf(c->homes[c->n_homes].name, sizeof(c->homes[0].name), "%s", section_name);
	return &c->homes[c->n_homes++];
}

int mob_config_set_home(struct mob_config *c, const char *section_name, const char *key,
			const char *name, const char *value, char *err, size_t errlen)
{
	static const char *const keys[] = { "home_address", "home_agent", "home_agent_address",
					    "key_file", "spi" };
	struct mob_config *t;
	struct mob_home *h;
	size_t k = 0;
	int r;

	if (!mch_name_ok(section_name)) {
		snprintf(err, errlen, "[mobility %s]: not a name (letters, digits, - and _)",
			 section_name);
		return -EINVAL;
	}
	while (k < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[k], key))
		k++;
	if (k == sizeof(keys) / sizeof(keys[0]) && strcmp(key, "via")) {
		snprintf(err, errlen, "unknown key \"%s\" in [mobility %s] (home_address, "
			 "home_agent, home_agent_address, key_file, spi, via)", key, section_name);
		return -ENOENT;
	}
	if (!(h = mch_find(c, section_name))) {
		snprintf(err, errlen, "[mobility %s]: %d home addresses at most", section_name,
			 MOB_HOA_MAX);
		return -EINVAL;
	}
	if (!strcmp(key, "via"))
		return mch_via(name, value, h->via, &h->n_via, err, errlen);
	/* The same parsers and checks as [mobility]'s keys: on a scratch
	 * copy of this home address's fields. */
	if (!(t = calloc(1, sizeof(*t))))
		return -ENOMEM;
	t->hoa = h->hoa;
	t->hoa_plen = h->hoa_plen;
	t->home_agent = h->home_agent;
	t->has_ha6 = h->has_ha6;
	t->has_ha4 = h->has_ha4;
	t->ha6 = h->ha6;
	t->ha4 = h->ha4;
	r = mob_config_set(t, key, name, value, err, errlen);
	if (r == 0) {
		h->hoa = t->hoa;
		h->hoa_plen = t->hoa_plen;
		h->home_agent = t->home_agent;
		h->has_ha6 = t->has_ha6;
		h->has_ha4 = t->has_ha4;
		h->ha6 = t->ha6;
		h->ha4 = t->ha4;
		if (t->key_file[0])
			memcpy(h->key_file, t->key_file, sizeof(h->key_file));
		if (t->spi)
			h->spi = t->spi;
	}
	free(t);
	return r;
}

size_t mob_config_hoas(const struct mob_config *c, struct mob_hoa *out, size_t cap)
{
	size_t n = 0;

	if (cap == 0)
		return 0;
	memset(out, 0, sizeof(*out) * (cap < 1 + c->n_homes ? cap : 1 + c->n_homes));
	snprintf(out[0].name, sizeof(out[0].name), "%s", c->name[0] ? c->name : "home");
	memcpy(out[0].addr, &c->hoa, 16);
	out[0].plen = c->hoa_plen;
	memcpy(out[0].via, c->via, sizeof(c->via[0]) * c->n_via);
	out[0].n_via = c->n_via;
	for (n = 1; n < cap && n <= c->n_homes; n++) {
		const struct mob_home *h = &c->homes[n - 1];

		snprintf(out[n].name, sizeof(out[n].name), "%s", h->name);
		memcpy(out[n].addr, &h->hoa, 16);
		out[n].plen = h->hoa_plen;
		memcpy(out[n].via, h->via, sizeof(h->via[0]) * h->n_via);
		out[n].n_via = h->n_via;
	}
	return n;
}

/* One [mobility NAME] section: what its registration cannot do without. */
static int mch_check_one(const struct mob_home *h, char *err, size_t errlen)
{
	const char *miss = IN6_IS_ADDR_UNSPECIFIED(&h->hoa) ? "home_address" :
			   IN6_IS_ADDR_UNSPECIFIED(&h->home_agent) ? "home_agent" :
			   !h->has_ha6 && !h->has_ha4 ? "home_agent_address" :
			   !h->key_file[0] ? "key_file" : !h->spi ? "spi" : NULL;

	if (!miss)
		return 0;
	snprintf(err, errlen, "[mobility %s]: %s is needed", h->name, miss);
	return -EINVAL;
}

int mob_config_check_homes(const struct mob_config *c, char *err, size_t errlen)
{
	struct mob_hoa hs[MOB_HOA_MAX];
	size_t n;
	int r;

	for (size_t i = 0; i < c->n_homes; i++)
		if ((r = mch_check_one(&c->homes[i], err, errlen)) < 0)
			return r;
	n = mob_config_hoas(c, hs, MOB_HOA_MAX);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (!strcmp(hs[i].name, hs[j].name)) {
				snprintf(err, errlen, "[mobility]: two home addresses named \"%s\"",
					 hs[i].name);
				return -EINVAL;
			}
			if (!memcmp(hs[i].addr, hs[j].addr, 16)) {
				snprintf(err, errlen, "[mobility]: %s and %s have the same "
					 "home_address", hs[i].name, hs[j].name);
				return -EINVAL;
			}
		}
	/* A via name may be an interface that comes later; a cycle through
	 * home addresses is refused at start (analysis 6.3.1). */
	return mob_hoa_check_loops(hs, n, err, errlen);
}

/* Whether home address i names home address j in its via list. */
static bool mch_names(const struct mob_hoa *hs, size_t i, size_t j)
{
	for (size_t v = 0; v < hs[i].n_via; v++)
		if (!strcmp(hs[i].via[v], hs[j].name))
			return true;
	return false;
}

int mob_config_check_nesting(const struct mob_config *c, char *err, size_t errlen)
{
	struct mob_hoa hs[MOB_HOA_MAX];
	size_t n = mob_config_hoas(c, hs, MOB_HOA_MAX);

	/* A home address over another (analysis 6.3.1) reaches its agent
	 * through the other's tunnel, over IPv6 (its care-of address is the
	 * other's home address), and only one level deep, as mob_hoa.h's
	 * rule 3 allows: refused at start rather than never bound. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			bool v6 = i ? c->homes[i - 1].has_ha6 : c->has_ha6;
			const char *why = NULL;

			if (!mch_names(hs, i, j))
				continue;
			for (size_t k = 0; k < n && !why; k++)
				if (mch_names(hs, j, k))
					why = "is itself nested: nesting deeper than 2 is refused";
			if (!why && !v6)
				why = "needs an IPv6 home_agent_address (its care-of address is an IPv6 "
				      "home address)";
			if (!why)
				continue;
			snprintf(err, errlen, "%s%s%s: via %s: %s %s", i ? "[mobility " : "[mobility]",
				 i ? hs[i].name : "", i ? "]" : "", hs[j].name,
				 why[0] == 'i' ? hs[j].name : "nesting", why);
			return -EINVAL;
		}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* The [mobility] section of mifd.conf (mob_config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/cfgval.h"
#include "daemon/mobility/mob_config.h"
#include "proto/mh.h"

void mob_config_defaults(struct mob_config *c)
{
	static const char *const classes[] = { "wired", "wifi", "cellular" };

	memset(c, 0, sizeof(*c));
	c->port = MH_UDP_PORT;
	c->interval_ms = 100;
	c->misses = 3;
	c->mtu = 1400;
	c->hoa_plen = 128;
	c->offload = true;
	c->fast_path = true;
	c->partial_csum = true;
	snprintf(c->tun, sizeof(c->tun), "%s", "mifmob0");
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		snprintf(c->prefer[c->n_prefer++], IFNAMSIZ, "%s", classes[i]);
}

/* Space- or comma-separated words into a fresh list; all or nothing. */
static int mob_words(const char *name, const char *value, char (*out)[IFNAMSIZ], size_t max,
		     size_t *ret_n, char *err, size_t errlen)
{
	char buf[512], *save = NULL, tmp[MOB_MAX_PREFER][IFNAMSIZ];
	size_t n = 0;

	if (strlen(value) >= sizeof(buf) || max > MOB_MAX_PREFER)
		return cfg_fail(err, errlen, "%s: too long", name);
	strcpy(buf, value);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		if (n == max || !cfg_ifname_ok(t))
			return cfg_fail(err, errlen, "%s: bad or too many names (\"%s\")", name, t);
		snprintf(tmp[n++], IFNAMSIZ, "%s", t);
	}
	memcpy(out, tmp, n * IFNAMSIZ);
	*ret_n = n;
	return 0;
}

/* home_agent_address = one IPv6 and/or one IPv4 address. */
static int mob_set_ha_addrs(struct mob_config *c, const char *name, const char *value,
			    char *err, size_t errlen)
{
	char w[2][IFNAMSIZ * 3], buf[256], *save = NULL;
	struct mob_config t = *c;
	size_t n = 0;

	if (strlen(value) >= sizeof(buf))
		return cfg_fail(err, errlen, "%s: too long", name);
	strcpy(buf, value);
	t.has_ha4 = t.has_ha6 = false;
	for (char *s = strtok_r(buf, " ,\t", &save); s; s = strtok_r(NULL, " ,\t", &save)) {
		struct in6_addr a;
		int f = addr_parse(s, &a);

		if (n == 2 || f < 0 || (f == AF_INET6 ? t.has_ha6 : t.has_ha4))
			return cfg_fail(err, errlen, "%s: one IPv6 and one IPv4 address at most "
					"(\"%s\")", name, s);
		snprintf(w[n++], sizeof(w[0]), "%s", s);
		if (f == AF_INET6) {
			t.ha6 = a;
			t.has_ha6 = true;
		} else {
			memcpy(&t.ha4, &a.s6_addr[12], 4);
			t.has_ha4 = true;
		}
	}
	if (n == 0)
		return cfg_fail(err, errlen, "%s: an address is needed", name);
	*c = t;
	return 0;
}

/* A flow's identifier names it in the binding, and its priority orders
 * the matching (RFC 6089 4.2): two flows of one node sharing either would
 * leave the home agent to guess which one a packet belongs to. */
static bool mob_flow_clash(const struct mob_config *c, const struct mob_flow *f, char *why,
			   size_t len)
{
	for (size_t i = 0; i < c->n_flows; i++) {
		struct mob_flow o;
		char e[8];

		if (mob_flow_parse(c->flows[i], &o, e, sizeof(e)) < 0)
			continue;
		if (o.f.fid == f->f.fid || o.f.fid_pri == f->f.fid_pri) {
			snprintf(why, len, "%s %u is already the flow \"%.32s\"'s",
				 o.f.fid == f->f.fid ? "fid" : "pri",
				 o.f.fid == f->f.fid ? f->f.fid : f->f.fid_pri, o.name);
			return true;
		}
	}
	return false;
}

static int mob_set_routes(struct mob_config *c, const char *name, const char *value,
			  char *err, size_t errlen)
{
	char buf[1024], *save = NULL;
	struct mob_config t = *c;

	if (strlen(value) >= sizeof(buf))
		return cfg_fail(err, errlen, "%s: too long", name);
	strcpy(buf, value);
	t.n_routes = 0;
	for (char *s = strtok_r(buf, " ,\t", &save); s; s = strtok_r(NULL, " ,\t", &save)) {
		struct in6_addr a;
		uint8_t plen;

		/* Inner IPv6 only (doc/mobility.md); ::/0 would be hidden by
		 * mifd's "lookup main suppress_prefixlength 0" rule. */
		if (t.n_routes == MOB_MAX_ROUTES || addr_prefix_parse(s, &a, &plen) != AF_INET6 ||
		    plen == 0 || !addr_prefix_clean(&a, plen))
			return cfg_fail(err, errlen, "%s: \"%s\" is not an IPv6 prefix (::/0 "
					"excepted; %d at most)", name, s, MOB_MAX_ROUTES);
		t.routes[t.n_routes] = a;
		t.route_plen[t.n_routes++] = plen;
	}
	*c = t;
	return 0;
}

static int mob_set_hoa(struct mob_config *c, const char *name, const char *value, char *err,
		       size_t errlen)
{
	struct in6_addr a;
	uint8_t plen = 128;

	if (strchr(value, '/') ? addr_prefix_parse(value, &a, &plen) != AF_INET6 :
				 addr_parse(value, &a) != AF_INET6)
		return cfg_fail(err, errlen, "%s: \"%s\" is not an IPv6 address[/length]", name,
				value);
	c->hoa = a;
	c->hoa_plen = plen;
	return 0;
}

int mob_config_set(struct mob_config *c, const char *key, const char *name, const char *value,
		   char *err, size_t errlen)
{
	uint32_t v;
	int r;

	if (!strcmp(key, "enabled") || !strcmp(key, "offload") ||
	    !strcmp(key, "partial_checksums")) {
		return cfg_yesno(name, value,
				 key[0] == 'e' ? &c->enabled : key[0] == 'o' ? &c->offload :
				 &c->partial_csum, err, errlen);
	}
	if (!strcmp(key, "fast_path"))
		return cfg_yesno(name, value, &c->fast_path, err, errlen);
	if (!strcmp(key, "home_agent")) {
		if (addr_parse(value, &c->home_agent) != AF_INET6)
			return cfg_fail(err, errlen, "%s: \"%s\" is not an IPv6 address", name, value);
		return 0;
	}
	if (!strcmp(key, "home_agent_address"))
		return mob_set_ha_addrs(c, name, value, err, errlen);
	if (!strcmp(key, "home_address"))
		return mob_set_hoa(c, name, value, err, errlen);
	if (!strcmp(key, "routes"))
		return mob_set_routes(c, name, value, err, errlen);
	if (!strcmp(key, "home_address4") || !strcmp(key, "routes4"))
		return mob_config_set4(c, key, name, value, err, errlen);
	if (!strcmp(key, "flow")) {
		struct mob_flow f;
		char why[128];

		if (c->n_flows == MOB_FLOW_MAX || strlen(value) >= MOB_FLOW_SPEC_MAX ||
		    mob_flow_parse(value, &f, why, sizeof(why)) < 0)
			return cfg_fail(err, errlen, "%s: %s", name,
					c->n_flows == MOB_FLOW_MAX ? "too many flows" :
					strlen(value) >= MOB_FLOW_SPEC_MAX ? "too long" : why);
		/* From 32768 up, FIDs and FID-PRIs are the policy's
		 * (engine_mob_flow.h). */
		if (f.f.fid >= 0x8000 || f.f.fid_pri >= 0x8000)
			return cfg_fail(err, errlen, "%s: fid and pri must be below 32768", name);
		if (mob_flow_clash(c, &f, why, sizeof(why)))
			return cfg_fail(err, errlen, "%s: %s", name, why);
		snprintf(c->flows[c->n_flows++], MOB_FLOW_SPEC_MAX, "%s", value);
		return 0;
	}
	if (!strcmp(key, "name") || !strcmp(key, "via"))
		return mob_config_set_self(c, key, name, value, err, errlen);
	if (!strcmp(key, "prefer"))
		return mob_words(name, value, c->prefer, MOB_MAX_PREFER, &c->n_prefer, err, errlen);
	if (!strcmp(key, "key_file")) {
		if (value[0] != '/' || strlen(value) >= sizeof(c->key_file))
			return cfg_fail(err, errlen, "%s: an absolute path is needed", name);
		snprintf(c->key_file, sizeof(c->key_file), "%s", value);
		return 0;
	}
	if (!strcmp(key, "tun")) {
		if (!cfg_ifname_ok(value))
			return cfg_fail(err, errlen, "%s: \"%s\" is not an interface name", name,
					value);
		snprintf(c->tun, sizeof(c->tun), "%s", value);
		return 0;
	}
	if (!strcmp(key, "port")) {
		if ((r = cfg_uint(name, value, 1, 65535, &v, err, errlen)) == 0)
			c->port = (uint16_t)v;
		return r;
	}
	if (!strcmp(key, "spi"))
		return cfg_uint(name, value, 256, 0xffffffffu, &c->spi, err, errlen);
	if (!strcmp(key, "heartbeat_interval_ms"))
		return cfg_uint(name, value, 10, 60000, &c->interval_ms, err, errlen);
	if (!strcmp(key, "heartbeat_misses"))
		return cfg_uint(name, value, 1, 100, &c->misses, err, errlen);
	if (!strcmp(key, "mtu"))
		return cfg_uint(name, value, 1280, 65535, &c->mtu, err, errlen);
	snprintf(err, errlen, "unknown key \"%s\" in [mobility]", key);
	return -ENOENT;
}

int mob_config_check(const struct mob_config *c, char *err, size_t errlen)
{
	int r;

	if (!c->enabled)
		return 0;
	if (IN6_IS_ADDR_UNSPECIFIED(&c->hoa))
		return cfg_fail(err, errlen, "[mobility]: home_address is needed");
	if (IN6_IS_ADDR_UNSPECIFIED(&c->home_agent))
		return cfg_fail(err, errlen, "[mobility]: home_agent is needed");
	if (!c->has_ha6 && !c->has_ha4)
		return cfg_fail(err, errlen, "[mobility]: home_agent_address is needed");
	if (!c->key_file[0] || !c->spi)
		return cfg_fail(err, errlen, "[mobility]: key_file and spi are needed");
	if (c->n_routes4 && !c->has_hoa4)
		return cfg_fail(err, errlen, "[mobility]: routes4 needs home_address4");
	if ((r = mob_config_check_homes(c, err, errlen)) < 0)
		return r;
	return mob_config_check_nesting(c, err, errlen);
}

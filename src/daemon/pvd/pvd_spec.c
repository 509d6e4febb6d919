/* SPDX-License-Identifier: MIT */
#include "daemon/pvd/pvd_spec.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/cfgini.h"
#include "common/cfgval.h"

/* IPv4 text or IPv6 text, but not IPv6 text that is IPv4-mapped: in a
 * PvD file that would be an IPv4 item written so it looks like IPv6. */
int pvd_spec_parse_addr(const char *s, struct in6_addr *out)
{
	struct in6_addr a;
	int fam = addr_parse(s, &a);

	if (fam < 0 || (fam == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a)))
		return -EINVAL;
	*out = a;
	return 0;
}

/* "P/LEN": the length is required and the host bits must be zero, so a
 * typo like 10.0.0.1/8 is caught rather than silently widened. */
int pvd_spec_parse_prefix(const char *s, struct in6_addr *out, uint8_t *plen)
{
	struct in6_addr a;
	uint8_t l;
	int fam = addr_prefix_parse(s, &a, &l);

	if (fam < 0 || (fam == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a)) || !addr_prefix_clean(&a, l))
		return -EINVAL;
	*out = a;
	*plen = l;
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int pvd_spec_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* s for a message: a control character or a byte >= 0x80 as \xNN, so
 * that an error does not carry escape sequences to a terminal. */
static const char *pvd_spec_quote(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *s && o + 5 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* Walk a JSON array of strings, calling fn on each; errors name key[i]
 * and say the value is not `what` (or not valid). */
static int pvd_spec_list(json_t *v, const char *key, size_t *n, char *err, size_t errlen,
			 int (*fn)(const char *s, void *out, size_t i), void *out,
			 const char *what)
{
	size_t i;
	json_t *x;
	char where[64], q[128];

	if (!json_is_array(v))
		return pvd_spec_fail(err, errlen, "%s: must be a list of strings", key);
	if (json_array_size(v) > PVD_SPEC_MAX_ITEMS)
		return pvd_spec_fail(err, errlen, "%s: more than 32 entries", key);
	json_array_foreach(v, i, x) {
		snprintf(where, sizeof(where), "%s[%zu]", key, i);
		if (!json_is_string(x))
			return pvd_spec_fail(err, errlen, "%s: must be a string", where);
		int r = fn(json_string_value(x), out, i);

		if (r == -EDOM)
			return pvd_spec_fail(err, errlen, "%s: \"%s\": an on-link prefix of length 0 "
					     "would take every destination (a default route is a "
					     "route)", where, pvd_spec_quote(json_string_value(x), q,
									sizeof(q)));
		if (r < 0)
			return pvd_spec_fail(err, errlen, "%s: \"%s\" is not %s", where,
					     pvd_spec_quote(json_string_value(x), q, sizeof(q)),
					     what ? what : "valid");
	}
	*n = json_array_size(v);
	return 0;
}

static int pvd_spec_one_dns(const char *s, void *out, size_t i)
{
	return pvd_spec_parse_addr(s, &((struct in6_addr *)out)[i]);
}

/* A search domain or an ADN: shown by mifctl and written to resolv.conf,
 * so a DNS name (letters, digits, '-', '_') and nothing else. */
static int pvd_spec_one_domain(const char *s, void *out, size_t i)
{
	char (*d)[DNAME_MAX_TEXT + 1] = out;

	if (!dname_text_ok(s))
		return -EINVAL;
	snprintf(d[i], sizeof(d[i]), "%s", s);
	/* One spelling: no trailing dot. */
	if (d[i][strlen(d[i]) - 1] == '.')
		d[i][strlen(d[i]) - 1] = '\0';
	return 0;
}

/* "ADN ADDR" or "ADN ADDR PORT": a DoT resolver (RFC 7858), checked
 * against the ADN like a DNR one (RFC 8310 section 8.1). */
static int pvd_spec_one_dot(const char *s, void *out, size_t i)
{
	struct pvd_spec_dot *d = &((struct pvd_spec_dot *)out)[i];
	char adn[DNAME_MAX_TEXT + 1], name[1][DNAME_MAX_TEXT + 1], addr[64];
	unsigned port = 853;
	int n = 0;

	memset(d, 0, sizeof(*d));
	if (sscanf(s, "%254s %63s %u%n", adn, addr, &port, &n) != 3) {
		n = 0;
		if (sscanf(s, "%254s %63s%n", adn, addr, &n) != 2)
			return -EINVAL;
	}
	if (s[n] || port == 0 || port > 65535 || pvd_spec_one_domain(adn, name, 0) < 0 ||
	    pvd_spec_parse_addr(addr, &d->addr) < 0)
		return -EINVAL;
	memcpy(d->adn, name[0], sizeof(d->adn));
	d->port = (uint16_t)port;
	return 0;
}

static int pvd_spec_one_prefix(const char *s, void *out, size_t i)
{
	struct pvd_spec_route *r = &((struct pvd_spec_route *)out)[i];

	memset(r, 0, sizeof(*r));
	return pvd_spec_parse_prefix(s, &r->prefix, &r->plen);
}

/* An on-link prefix: of length 0 it would make every destination on-link
 * and take all the host's unmarked traffic to this PvD's interface; a
 * default route is a route (-EDOM for pvd_spec_list's message). */
static int pvd_spec_one_onlink(const char *s, void *out, size_t i)
{
	const struct pvd_spec_route *r = &((const struct pvd_spec_route *)out)[i];
	int ret = pvd_spec_one_prefix(s, out, i);

	if (ret < 0)
		return ret;
	return r->plen == 0 || (IN6_IS_ADDR_V4MAPPED(&r->prefix) && r->plen == 96) ? -EDOM : 0;
}

/* "P/LEN" or "P/LEN via GW"; the gateway must be of the prefix's family. */
static int pvd_spec_one_route(const char *s, void *out, size_t i)
{
	struct pvd_spec_route *r = &((struct pvd_spec_route *)out)[i];
	char buf[128], *via;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	via = strstr(buf, " via ");
	if (via)
		*via = '\0';
	if (pvd_spec_one_prefix(buf, out, i) < 0)
		return -EINVAL;
	if (!via)
		return 0;
	if (pvd_spec_parse_addr(via + 5, &r->gw) < 0 ||
	    IN6_IS_ADDR_V4MAPPED(&r->gw) != IN6_IS_ADDR_V4MAPPED(&r->prefix))
		return -EINVAL;
	return 0;
}

static int pvd_spec_id(json_t *v, struct pvd_spec *spec, char *err, size_t errlen)
{
	const char *id = json_string_value(v);
	size_t n = id ? strlen(id) : 0;

	char q[128];

	if (!id || n == 0 || n > DNAME_MAX_TEXT)
		return pvd_spec_fail(err, errlen, "id: a name of 1 to 254 characters is required");
	for (size_t i = 0; i < n; i++)
		if (!(id[i] == '.' || id[i] == '-' || id[i] == '_' ||
		      (id[i] >= '0' && id[i] <= '9') || ((id[i] | 0x20) >= 'a' && (id[i] | 0x20) <= 'z')))
			return pvd_spec_fail(err, errlen, "id: \"%s\" may use letters, digits, '.', '-' and '_' only",
					     pvd_spec_quote(id, q, sizeof(q)));
	strcpy(spec->id, id);
	return 0;
}

static int pvd_spec_key(const char *k, json_t *v, struct pvd_spec *spec, unsigned *f,
			char *err, size_t errlen)
{
	if (strcmp(k, "interface") == 0) {
		const char *s = json_string_value(v);

		if (!cfg_ifname_ok(s))
			return pvd_spec_fail(err, errlen, "interface: not an interface name");
		strcpy(spec->ifname, s);
		*f |= PVD_SPEC_F_INTERFACE;
		return 0;
	}
	if (strcmp(k, "mtu") == 0) {
		json_int_t m = json_integer_value(v);

		if (!json_is_integer(v) || m < 68 || m > 65535)
			return pvd_spec_fail(err, errlen, "mtu: must be a number from 68 to 65535");
		spec->mtu = (uint32_t)m;
		*f |= PVD_SPEC_F_MTU;
		return 0;
	}
	if (strcmp(k, "dns") == 0)
		return *f |= PVD_SPEC_F_DNS, pvd_spec_list(v, k, &spec->n_dns, err, errlen,
							   pvd_spec_one_dns, spec->dns, NULL);
	if (strcmp(k, "domains") == 0)
		return *f |= PVD_SPEC_F_DOMAINS, pvd_spec_list(v, k, &spec->n_domains, err, errlen,
							       pvd_spec_one_domain, spec->domains,
							       "a domain name (labels of 1 to 63 letters, "
							       "digits, '-' or '_'; 253 characters in all)");
	if (strcmp(k, "dot") == 0) {
		if (json_array_size(v) > PVD_SPEC_MAX_DOT)
			return pvd_spec_fail(err, errlen, "dot: more than %d entries",
					     PVD_SPEC_MAX_DOT);
		return *f |= PVD_SPEC_F_DOT, pvd_spec_list(v, k, &spec->n_dot, err, errlen,
							   pvd_spec_one_dot, spec->dot, NULL);
	}
	if (strcmp(k, "routes") == 0)
		return *f |= PVD_SPEC_F_ROUTES, pvd_spec_list(v, k, &spec->n_routes, err, errlen,
							      pvd_spec_one_route, spec->routes, NULL);
	if (strcmp(k, "prefixes") == 0)
		return *f |= PVD_SPEC_F_PREFIXES, pvd_spec_list(v, k, &spec->n_prefixes, err, errlen,
								pvd_spec_one_onlink, spec->prefixes,
								NULL);
	return pvd_spec_fail(err, errlen, "unknown field \"%s\"", k);
}

int pvd_spec_from_json(json_t *o, bool partial, struct pvd_spec *spec, unsigned *fields,
		       char *err, size_t errlen)
{
	struct pvd_spec tmp;
	const char *k;
	unsigned f = 0;
	json_t *v;
	int r;

	if (!json_is_object(o))
		return pvd_spec_fail(err, errlen, "the PvD must be a JSON object");
	memset(&tmp, 0, sizeof(tmp));
	r = pvd_spec_id(json_object_get(o, "id"), &tmp, err, errlen);
	if (r < 0)
		return r;
	json_object_foreach(o, k, v) {
		if (strcmp(k, "id") == 0)
			continue;
		r = pvd_spec_key(k, v, &tmp, &f, err, errlen);
		if (r < 0)
			return r;
	}
	if (!partial && !(f & PVD_SPEC_F_INTERFACE))
		return pvd_spec_fail(err, errlen, "interface: required");
	*spec = tmp;
	if (fields)
		*fields = f;
	return 0;
}

void pvd_spec_merge(struct pvd_spec *base, const struct pvd_spec *upd, unsigned f)
{
	if (f & PVD_SPEC_F_INTERFACE)
		memcpy(base->ifname, upd->ifname, sizeof(base->ifname));
	if (f & PVD_SPEC_F_DNS) {
		base->n_dns = upd->n_dns;
		memcpy(base->dns, upd->dns, sizeof(base->dns));
	}
	if (f & PVD_SPEC_F_DOMAINS) {
		base->n_domains = upd->n_domains;
		memcpy(base->domains, upd->domains, sizeof(base->domains));
	}
	if (f & PVD_SPEC_F_ROUTES) {
		base->n_routes = upd->n_routes;
		memcpy(base->routes, upd->routes, sizeof(base->routes));
	}
	if (f & PVD_SPEC_F_PREFIXES) {
		base->n_prefixes = upd->n_prefixes;
		memcpy(base->prefixes, upd->prefixes, sizeof(base->prefixes));
	}
	if (f & PVD_SPEC_F_MTU)
		base->mtu = upd->mtu;
	if (f & PVD_SPEC_F_DOT) {
		base->n_dot = upd->n_dot;
		memcpy(base->dot, upd->dot, sizeof(base->dot));
	}
}

/* INI key -> JSON key; lists repeat the key. */
static const struct {
	const char *ini, *json;
	bool list, number;
} pvd_spec_ini_keys[] = {
	{ "Id", "id", false, false }, { "Interface", "interface", false, false },
	{ "DNS", "dns", true, false }, { "Domain", "domains", true, false },
	{ "Route", "routes", true, false }, { "Prefix", "prefixes", true, false },
	{ "MTU", "mtu", false, true }, { "DNSOverTLS", "dot", true, false },
};

static int pvd_spec_ini_value(json_t *o, size_t k, const char *value, char *err,
			      size_t errlen)
{
	const char *key = pvd_spec_ini_keys[k].json;
	json_t *v;

	if (pvd_spec_ini_keys[k].list) {
		json_t *a = json_object_get(o, key);

		if (!a) {
			a = json_array();
			json_object_set_new(o, key, a);
		}
		if (json_array_append_new(a, json_string(value)) < 0)
			return cfg_fail(err, errlen, "%s: not UTF-8, or out of memory",
					pvd_spec_ini_keys[k].ini);
		return 0;
	}
	if (json_object_get(o, key))
		return cfg_fail(err, errlen, "%s given twice", pvd_spec_ini_keys[k].ini);
	if (pvd_spec_ini_keys[k].number) {
		char *end;
		long n = strtol(value, &end, 10);

		/* Out-of-range numbers are left to the JSON validator's message. */
		v = (*value && !*end) ? json_integer(n) : json_string(value);
	} else {
		v = json_string(value);
	}
	if (json_object_set_new(o, key, v) < 0)
		return cfg_fail(err, errlen, "%s: not UTF-8, or out of memory",
				pvd_spec_ini_keys[k].ini);
	return 0;
}

static int pvd_spec_ini_cb(void *user, const char *section, const char *name, const char *value,
			   char *err, size_t errlen)
{
	if (strcasecmp(section, "PvD") != 0)
		return cfg_fail(err, errlen, "unknown section [%s] (use [PvD])", section);
	for (size_t k = 0; k < sizeof(pvd_spec_ini_keys) / sizeof(pvd_spec_ini_keys[0]); k++)
		if (strcasecmp(name, pvd_spec_ini_keys[k].ini) == 0)
			return pvd_spec_ini_value(user, k, value, err, errlen);
	return cfg_fail(err, errlen, "unknown key \"%s\"", name);
}

/* One file or text as JSON, or NULL with "NAME:LINE: message" in err. */
static json_t *pvd_spec_ini_parse(struct cfgini *p, const char *name, char *err, size_t errlen)
{
	json_t *o = json_object();
	char msg[200];
	unsigned line = 0;

	if (!o) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	if (cfgini_parse(p, pvd_spec_ini_cb, o, &line, msg, sizeof(msg)) == 0)
		return o;
	if (line)
		snprintf(err, errlen, "%s:%u: %s", name, line, msg);
	else
		snprintf(err, errlen, "%s: %s", name, msg);
	json_decref(o);
	return NULL;
}

json_t *pvd_spec_ini_to_json(const char *path, char *err, size_t errlen)
{
	struct cfgini p = { .f = fopen(path, "re") };
	json_t *o;

	if (!p.f) {
		snprintf(err, errlen, "%s: cannot read it: %s", path, strerror(errno));
		return NULL;
	}
	o = pvd_spec_ini_parse(&p, path, err, errlen);
	fclose(p.f);
	return o;
}

json_t *pvd_spec_ini_text_to_json(const char *name, const char *text, char *err, size_t errlen)
{
	struct cfgini p = { .text = text };

	return pvd_spec_ini_parse(&p, name, err, errlen);
}

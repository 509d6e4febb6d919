/* SPDX-License-Identifier: MIT */
#include "proto/pvdinfo.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"

const char *pvdinfo_error_name(enum pvdinfo_error e)
{
	switch (e) {
	case PVDINFO_OK:
		return "ok";
	case PVDINFO_ERR_SIZE:
		return "empty or too large";
	case PVDINFO_ERR_JSON:
		return "not a JSON object";
	case PVDINFO_ERR_IDENTIFIER:
		return "no valid \"identifier\"";
	case PVDINFO_ERR_EXPIRES:
		return "no valid \"expires\"";
	case PVDINFO_ERR_PREFIXES:
		return "no valid \"prefixes\"";
	case PVDINFO_ERR_ZONES:
		return "\"dnsZones\" is not a list of domain names";
	case PVDINFO_ERR_NO_INTERNET:
		return "\"noInternet\" is not a boolean";
	}
	return "unknown";
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; civil-from-days). */
static int64_t pi_days(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned mp = m > 2 ? m - 3 : m + 9;     /* months from March */
	unsigned doy = (153 * mp + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

int pvdinfo_time(const char *s, int64_t *ret)
{
	unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
	int n = 0, sign = 0;
	const char *p;

	/* RFC 3339 section 5.6: date-time = full-date "T" full-time. */
	if (sscanf(s, "%4u-%2u-%2u%*1[Tt ]%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return -EINVAL;
	p = s + n;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (sscanf(p + 1, "%2u:%2u%n", &oh, &om, &n) != 2 || n != 5)
			return -EINVAL;
		p += 6;
	} else {
		return -EINVAL;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    oh > 23 || om > 59)
		return -EINVAL;
	*ret = pi_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (int64_t)(oh * 3600 + om * 60);
	return 0;
}

/* An FQDN (RFC 8801 4.3: identifier, dnsZones) as dname_text_ok() takes
 * it: a network's name reaches users' terminals (`mifctl pvd show`), so no
 * control character or other byte may come with it. */
static bool pi_name(const char *s, char *out)
{
	if (strlen(s) > DNAME_MAX_TEXT || !dname_text_ok(s))
		return false;
	strcpy(out, s);
	return true;
}

static bool pi_prefixes(json_t *a, struct pvdinfo *c)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > PVDINFO_MAX_PREFIXES)
		return false;
	json_array_foreach(a, i, v) {
		struct in6_addr p;
		uint8_t plen;

		if (!json_is_string(v) ||
		    addr_prefix_parse(json_string_value(v), &p, &plen) != AF_INET6)
			return false;
		addr_mask(&p, plen);
		c->prefixes[c->n_prefixes] = p;
		c->plens[c->n_prefixes++] = plen;
	}
	return true;
}

static bool pi_zones(json_t *a, struct pvdinfo *c)
{
	size_t i;
	json_t *v;

	if (!a)
		return true;
	if (!json_is_array(a) || json_array_size(a) > PVDINFO_MAX_ZONES)
		return false;
	json_array_foreach(a, i, v)
		if (!json_is_string(v) || !pi_name(json_string_value(v), c->zones[c->n_zones++]))
			return false;
	return true;
}

int pvdinfo_parse(const char *body, size_t len, struct pvdinfo *out, enum pvdinfo_error *why)
{
	struct pvdinfo c;            /* ~6 KiB with the policy */
	enum pvdinfo_error err = PVDINFO_OK;
	json_t *o, *v, *ni;

	if (len == 0 || len > PVDINFO_MAX_BODY)
		return *why = PVDINFO_ERR_SIZE, -EBADMSG;
	memset(&c, 0, sizeof(c));
	o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o))
		err = PVDINFO_ERR_JSON;
	else if (!json_is_string(v = json_object_get(o, "identifier")) ||
		 !pi_name(json_string_value(v), c.identifier))
		err = PVDINFO_ERR_IDENTIFIER;
	else if (!json_is_string(v = json_object_get(o, "expires")) ||
		 pvdinfo_time(json_string_value(v), &c.expires) < 0)
		err = PVDINFO_ERR_EXPIRES;
	else if (!pi_prefixes(json_object_get(o, "prefixes"), &c))
		err = PVDINFO_ERR_PREFIXES;
	else if (!pi_zones(json_object_get(o, "dnsZones"), &c))
		err = PVDINFO_ERR_ZONES;
	else if ((ni = json_object_get(o, "noInternet")) && !json_is_boolean(ni))
		err = PVDINFO_ERR_NO_INTERNET;
	else
		c.no_internet = json_is_true(ni);
	if (err == PVDINFO_OK)
		pvdpol_parse(json_object_get(o, PVDPOL_KEY), c.identifier, &c.policy);
	json_decref(o);
	if (err != PVDINFO_OK)
		return *why = err, -EBADMSG;
	*out = c;
	return 0;
}

bool pvdinfo_covers(const struct pvdinfo *info, const struct in6_addr *prefix, uint8_t plen)
{
	for (unsigned i = 0; i < info->n_prefixes && i < PVDINFO_MAX_PREFIXES; i++)
		if (info->plens[i] <= plen && addr_in_prefix(prefix, &info->prefixes[i], info->plens[i]))
			return true;
	return false;
}

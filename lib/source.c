/* SPDX-License-Identifier: MIT */
/* libmif: one PvD's source address candidates and policy table, from
 * mifd's pvd.get, for RFC 6724 sorting (pvd_priv.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvd_priv.h"

/* One entry of "addresses": added to p unless it cannot be a source. */
static int mif_src_addr(json_t *o, struct mif_priv_pvd *p)
{
	const char *addr = json_string_value(json_object_get(o, "address"));
	const char *state = json_string_value(json_object_get(o, "state"));
	const char *ifn = json_string_value(json_object_get(o, "interface"));
	json_t *pl = json_object_get(o, "prefix_length");
	struct addrsel_source *s;
	int fam;

	if (!json_is_object(o) || !addr || (pl && !json_is_integer(pl)))
		return -EPROTO;
	/* More addresses than RFC 6724 sorting takes: the first ones do. */
	if (p->nsrc >= ADDRSEL_MAX_ADDRS)
		return 0;
	s = &p->src[p->nsrc];
	memset(s, 0, sizeof(*s));
	/* IPv4 in the 128-bit form of RFC 6724 section 3.2. */
	fam = addr_parse(addr, &s->addr);
	if (fam < 0)
		return -EPROTO;
	s->plen = 128;
	if (pl && json_integer_value(pl) >= 0 &&
	    json_integer_value(pl) <= (fam == AF_INET ? 32 : 128))
		s->plen = (uint8_t)(json_integer_value(pl) + (fam == AF_INET ? 96 : 0));
	if (state && (!strcmp(state, "tentative") || !strcmp(state, "duplicate")))
		return 0;
	if (state && !strcmp(state, "deprecated"))
		s->flags |= ADDRSEL_F_DEPRECATED;
	s->ifindex = ifn ? (int)if_nametoindex(ifn) : 0;
	p->nsrc++;
	return 0;
}

/* "prefix/len" of a policy row: always IPv6 text, the policy table being
 * in the 128-bit space of RFC 6724 (mifd writes ::ffff:0:0/96). */
static int mif_src_prefix(const char *s, struct in6_addr *a, unsigned *plen)
{
	uint8_t l;

	if (!s || addr_prefix_parse(s, a, &l) != AF_INET6)
		return -EPROTO;
	*plen = l;
	return 0;
}

/*
 * The RFC 7078 policy ("address_selection_policy": {"automatic",
 * "privacy", "rows": [{"prefix", "precedence", "label"}]}). Rows received
 * make up the whole table; none means the default table with the flags
 * (RFC 7078 section 3). A table larger than libmif holds is ignored (the
 * default table), as addrsel_table_from_option() does.
 */
static int mif_src_policy(json_t *pol, struct addrsel_table *t)
{
	json_t *rows = json_object_get(pol, "rows"), *a = json_object_get(pol, "automatic"),
	       *pr = json_object_get(pol, "privacy"), *v;
	size_t i;

	addrsel_table_default(t);
	if (!pol || json_is_null(pol))
		return 0;
	if (!json_is_object(pol) || (rows && !json_is_array(rows)) ||
	    (a && !json_is_boolean(a)) || (pr && !json_is_boolean(pr)))
		return -EPROTO;
	if (json_array_size(rows))
		addrsel_table_init(t);
	json_array_foreach(rows, i, v) {
		json_t *prec = json_object_get(v, "precedence"), *lab = json_object_get(v, "label");
		struct in6_addr pfx;
		unsigned plen;

		if (mif_src_prefix(json_string_value(json_object_get(v, "prefix")), &pfx, &plen) < 0 ||
		    !json_is_integer(prec) || !json_is_integer(lab) ||
		    json_integer_value(prec) < 0 || json_integer_value(prec) > UINT32_MAX ||
		    json_integer_value(lab) < 0 || json_integer_value(lab) >= UINT32_MAX)
			return -EPROTO;
		if (addrsel_table_add(t, &pfx, plen, (uint32_t)json_integer_value(prec),
				      (uint32_t)json_integer_value(lab)) < 0) {
			addrsel_table_default(t);
			break;
		}
	}
	t->automatic = a ? json_is_true(a) : true;
	t->prefer_temporary = pr ? json_is_true(pr) : true;
	return 0;
}

int mif_priv_pvd_load(json_t *o, struct mif_priv_pvd *p)
{
	struct mif_pvd_info info;
	json_t *addrs = json_object_get(o, "addresses"), *d6 = json_object_get(o, "dhcpv6"), *v;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (mif_priv_pvd_info(o, &info) < 0 || (addrs && !json_is_array(addrs)) ||
	    (d6 && !json_is_null(d6) && !json_is_object(d6)))
		return -EPROTO;
	p->handle = info.handle;
	memcpy(p->id, info.id, sizeof(p->id));
	json_array_foreach(addrs, i, v)
		if (mif_src_addr(v, p) < 0)
			return -EPROTO;
	return mif_src_policy(json_object_get(d6, "address_selection_policy"), &p->table);
}

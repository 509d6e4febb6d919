/* SPDX-License-Identifier: MIT */
/* [mobility] home_address4 and routes4: the RFC 5555 IPv4 home address
 * (mob_config.h, man/mifd.conf.5). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "daemon/mobility/mob_config.h"

/* An IPv4 prefix or address: v4-mapped from addr_prefix_parse(), length
 * + 96 (a bare address is /32). -EINVAL when it is not IPv4. */
static int mob4_parse(const char *s, bool need_prefix, struct in_addr *ret_a, uint8_t *ret_plen)
{
	struct in6_addr a;
	uint8_t plen = 128;

	if (strchr(s, '/') ? addr_prefix_parse(s, &a, &plen) != AF_INET :
			     need_prefix || addr_parse(s, &a) != AF_INET)
		return -EINVAL;
	if (plen < 96 || (need_prefix && plen == 96))
		return -EINVAL;
	memcpy(ret_a, &a.s6_addr[12], 4);
	*ret_plen = (uint8_t)(plen - 96);
	return 0;
}

int mob_config_set4(struct mob_config *c, const char *key, const char *name, const char *value,
		    char *err, size_t errlen)
{
	char buf[1024], *save = NULL;
	struct mob_config t = *c;

	if (!strcmp(key, "home_address4")) {
		if (mob4_parse(value, false, &t.hoa4, &t.hoa4_plen) < 0 || !t.hoa4.s_addr) {
			snprintf(err, errlen, "%s: \"%s\" is not an IPv4 address[/length]", name,
				 value);
			return -EINVAL;
		}
		c->hoa4 = t.hoa4;
		c->hoa4_plen = t.hoa4_plen;
		c->has_hoa4 = true;
		return 0;
	}
	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: too long", name);
		return -EINVAL;
	}
	strcpy(buf, value);
	t.n_routes4 = 0;
	/* 0.0.0.0/0 is refused as ::/0 is: mifd's suppress_prefixlength 0
	 * rule would hide it. */
	for (char *s = strtok_r(buf, " ,\t", &save); s; s = strtok_r(NULL, " ,\t", &save)) {
		size_t i = t.n_routes4;

		if (i == MOB_MAX_ROUTES || mob4_parse(s, true, &t.routes4[i], &t.route4_plen[i]) < 0) {
			snprintf(err, errlen, "%s: \"%s\" is not an IPv4 prefix (0.0.0.0/0 excepted; "
				 "%d at most)", name, s, MOB_MAX_ROUTES);
			return -EINVAL;
		}
		t.n_routes4++;
	}
	*c = t;
	return 0;
}

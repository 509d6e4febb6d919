/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for dhcp6_parse() and dhcp6_parse_reply(): no crash, no
 * out-of-bounds read, every invariant a consumer relies on holds, the two
 * entry points agree, and what was parsed survives a trip through the
 * builder unchanged. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/dhcp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_dhcp6_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int fuzz_dhcp6_name_ok(const char *s, size_t cap)
{
	return fuzz_dhcp6_terminated(s, cap) && s[0] != '\0';
}

/* Bits past plen are clear (header contract). */
static int fuzz_dhcp6_masked(const struct dhcp6_policy_row *r)
{
	for (unsigned bit = r->plen; bit < 128; bit++)
		if (r->prefix.s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return 0;
	return 1;
}

static int fuzz_dhcp6_duid_len_ok(size_t n)
{
	return n == 0 || (n >= 2 && n <= DHCP6_MAX_DUID);
}

static int fuzz_dhcp6_uri_ok(const struct dhcp6_msg *m)
{
	size_t n;

	if (!fuzz_dhcp6_terminated(m->captive_portal, sizeof(m->captive_portal)))
		return 0;
	n = strlen(m->captive_portal);
	if (m->has_captive_portal != (n > 0))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (m->captive_portal[i] < 0x21 || m->captive_portal[i] > 0x7e)
			return 0;
	return 1;
}

static int fuzz_dhcp6_dnssel_ok(const struct dhcp6_dnssel *d)
{
	if (d->pref < -1 || d->pref > 1 || d->n_domains == 0 ||
	    d->n_domains > DHCP6_MAX_DNSSEL_DOMAINS)
		return 0;
	for (size_t i = 0; i < d->n_domains; i++)
		if (!fuzz_dhcp6_name_ok(d->domains[i], sizeof(d->domains[i])))
			return 0;
	return 1;
}

/* Stateful options (dhcp6_ia.c): what the engine relies on. */
static int fuzz_dhcp6_ia_ok(const struct dhcp6_ia *ia, bool has, bool pd)
{
	if (!has)
		return ia->n == 0;
	if (ia->n > DHCP6_MAX_IA_ADDRS || (ia->t1 && ia->t2 && ia->t1 > ia->t2))
		return 0;
	for (size_t i = 0; i < ia->n; i++) {
		struct dhcp6_policy_row r = { .plen = ia->a[i].plen, .prefix = ia->a[i].addr };

		if (ia->a[i].preferred > ia->a[i].valid || ia->a[i].plen > 128 ||
		    (!pd && ia->a[i].plen != 128) || (pd && !fuzz_dhcp6_masked(&r)))
			return 0;
	}
	return 1;
}

static int fuzz_dhcp6_ok(const struct dhcp6_msg *m)
{
	if (!fuzz_dhcp6_ia_ok(&m->ia_na, m->has_ia_na, false) ||
	    !fuzz_dhcp6_ia_ok(&m->ia_pd, m->has_ia_pd, true) ||
	    (m->has_auth && m->auth.info_len > DHCP6_AUTH_INFO_MAX))
		return 0;

	int ok = m->xid <= 0xffffff && m->n_dns <= DHCP6_MAX_ADDRS &&
		 m->n_sntp <= DHCP6_MAX_ADDRS && m->n_ntp <= DHCP6_MAX_ADDRS &&
		 m->n_domains <= DHCP6_MAX_DOMAINS && m->n_dnssel <= DHCP6_MAX_DNSSEL &&
		 m->n_policy <= DHCP6_MAX_POLICY &&
		 fuzz_dhcp6_duid_len_ok(m->client_id_len) &&
		 fuzz_dhcp6_duid_len_ok(m->server_id_len) &&
		 (m->has_status || m->status == 0) &&
		 (m->has_refresh || m->refresh == 0) &&
		 (m->has_policy || (m->n_policy == 0 && !m->policy_automatic &&
				    !m->policy_privacy)) &&
		 dhcp6_refresh_seconds(m) >= DHCP6_IRT_MINIMUM &&
		 dhcp6_reply_matches(m, m->xid, m->client_id, m->client_id_len) &&
		 fuzz_dhcp6_uri_ok(m);

	for (size_t i = 0; ok && i < m->n_domains; i++)
		ok = fuzz_dhcp6_name_ok(m->domains[i], sizeof(m->domains[i]));
	for (size_t i = 0; ok && i < m->n_dnssel; i++)
		ok = fuzz_dhcp6_dnssel_ok(&m->dnssel[i]);
	for (size_t i = 0; ok && i < m->n_policy; i++)
		ok = m->policy[i].plen <= 128 && fuzz_dhcp6_masked(&m->policy[i]);
	return ok;
}

/* ---- rebuild what was parsed ---- */

static void fuzz_dhcp6_put_ntp(struct dhcp6_builder *b, const struct dhcp6_msg *m)
{
	uint8_t v[DHCP6_MAX_ADDRS * 20];
	size_t n = 0;

	for (size_t i = 0; i < m->n_ntp; i++, n += 20) {
		v[n] = 0;
		v[n + 1] = IN6_IS_ADDR_MULTICAST(&m->ntp[i]) ? DHCP6_NTP_SUBOPT_MC_ADDR :
							       DHCP6_NTP_SUBOPT_SRV_ADDR;
		v[n + 2] = 0;
		v[n + 3] = 16;
		memcpy(v + n + 4, &m->ntp[i], 16);
	}
	if (n > 0)
		dhcp6_build_option(b, DHCP6_OPT_NTP_SERVER, v, n);
}

static void fuzz_dhcp6_put_dnssel(struct dhcp6_builder *b, const struct dhcp6_dnssel *d)
{
	static const uint8_t prf[3] = { 3, 0, 1 };   /* pref -1, 0, 1 */
	static uint8_t v[17 + DHCP6_MAX_DNSSEL_DOMAINS * (DNAME_MAX_WIRE + 1)];
	struct wbuf w;

	wbuf_init(&w, v, sizeof(v));
	wbuf_put(&w, &d->server, 16);
	wbuf_u8(&w, prf[d->pref + 1]);
	for (size_t i = 0; i < d->n_domains; i++)
		if (dname_to_wire(d->domains[i], &w) < 0)
			__builtin_trap();
	if (w.overflow)
		__builtin_trap();
	dhcp6_build_option(b, DHCP6_OPT_RDNSS_SELECTION, v, w.len);
}

static void fuzz_dhcp6_put_policy(struct dhcp6_builder *b, const struct dhcp6_msg *m)
{
	static uint8_t v[1 + DHCP6_MAX_POLICY * 23];
	const struct dhcp6_policy_row *r;
	size_t n = 1, plen_octets;

	v[0] = (uint8_t)((m->policy_automatic ? DHCP6_ADDRSEL_F_A : 0) |
			 (m->policy_privacy ? DHCP6_ADDRSEL_F_P : 0));
	for (size_t i = 0; i < m->n_policy; i++) {
		r = &m->policy[i];
		plen_octets = ((size_t)r->plen + 7) / 8;
		v[n++] = 0;
		v[n++] = DHCP6_OPT_ADDRSEL_TABLE;
		v[n++] = 0;
		v[n++] = (uint8_t)(3 + plen_octets);
		v[n++] = r->label;
		v[n++] = r->precedence;
		v[n++] = r->plen;
		memcpy(v + n, r->prefix.s6_addr, plen_octets);
		n += plen_octets;
	}
	dhcp6_build_option(b, DHCP6_OPT_ADDRSEL, v, n);
}

static int fuzz_dhcp6_rebuild(const struct dhcp6_msg *m, uint8_t *buf, size_t cap)
{
	const char *names[DHCP6_MAX_DOMAINS];
	struct dhcp6_builder b;
	uint8_t v[4];

	dhcp6_build_init(&b, buf, cap, m->type, m->xid);
	if (m->client_id_len)
		dhcp6_build_option(&b, DHCP6_OPT_CLIENTID, m->client_id, m->client_id_len);
	if (m->server_id_len)
		dhcp6_build_option(&b, DHCP6_OPT_SERVERID, m->server_id, m->server_id_len);
	if (m->has_status) {
		v[0] = (uint8_t)(m->status >> 8);
		v[1] = (uint8_t)m->status;
		dhcp6_build_option(&b, DHCP6_OPT_STATUS_CODE, v, 2);
	}
	if (m->n_dns)
		dhcp6_build_addrs(&b, DHCP6_OPT_DNS_SERVERS, m->dns, m->n_dns);
	if (m->n_sntp)
		dhcp6_build_addrs(&b, DHCP6_OPT_SNTP_SERVERS, m->sntp, m->n_sntp);
	for (size_t i = 0; i < m->n_domains; i++)
		names[i] = m->domains[i];
	if (m->n_domains &&
	    dhcp6_build_domains(&b, DHCP6_OPT_DOMAIN_LIST, names, m->n_domains) < 0)
		__builtin_trap();
	if (m->has_refresh) {
		for (int i = 0; i < 4; i++)
			v[i] = (uint8_t)(m->refresh >> (24 - 8 * i));
		dhcp6_build_option(&b, DHCP6_OPT_INFO_REFRESH_TIME, v, 4);
	}
	fuzz_dhcp6_put_ntp(&b, m);
	for (size_t i = 0; i < m->n_dnssel; i++)
		fuzz_dhcp6_put_dnssel(&b, &m->dnssel[i]);
	if (m->has_policy)
		fuzz_dhcp6_put_policy(&b, m);
	if (m->has_captive_portal)
		dhcp6_build_option(&b, DHCP6_OPT_CAPTIVE_PORTAL, m->captive_portal,
				   strlen(m->captive_portal));
	if (m->has_ia_na)
		dhcp6_build_ia(&b, false, m->ia_na.iaid, m->ia_na.t1, m->ia_na.t2, m->ia_na.a,
			       m->ia_na.n);
	if (m->has_ia_pd)
		dhcp6_build_ia(&b, true, m->ia_pd.iaid, m->ia_pd.t1, m->ia_pd.t2, m->ia_pd.a,
			       m->ia_pd.n);
	if (m->has_auth)
		dhcp6_build_auth(&b, &m->auth);
	return dhcp6_build_finish(&b);
}

#define FUZZ_SAME(f) (a->f == c->f)
#define FUZZ_SAME_MEM(f, n) (memcmp(a->f, c->f, (n)) == 0)

static int fuzz_dhcp6_dnssel_same(const struct dhcp6_dnssel *a, const struct dhcp6_dnssel *c)
{
	if (memcmp(&a->server, &c->server, 16) || !FUZZ_SAME(pref) || !FUZZ_SAME(n_domains))
		return 0;
	for (size_t i = 0; i < a->n_domains; i++)
		if (strcmp(a->domains[i], c->domains[i]))
			return 0;
	return 1;
}

static int fuzz_dhcp6_ia_same(const struct dhcp6_ia *a, const struct dhcp6_ia *c)
{
	int ok = FUZZ_SAME(iaid) && FUZZ_SAME(t1) && FUZZ_SAME(t2) && FUZZ_SAME(n);

	for (size_t i = 0; ok && i < a->n; i++)
		ok = memcmp(&a->a[i].addr, &c->a[i].addr, 16) == 0 &&
		     a->a[i].plen == c->a[i].plen && a->a[i].valid == c->a[i].valid &&
		     a->a[i].preferred == c->a[i].preferred;
	return ok;
}

static int fuzz_dhcp6_same(const struct dhcp6_msg *a, const struct dhcp6_msg *c)
{
	int ok = FUZZ_SAME(type) && FUZZ_SAME(xid) && FUZZ_SAME(client_id_len) &&
		 FUZZ_SAME(server_id_len) && FUZZ_SAME_MEM(client_id, a->client_id_len) &&
		 FUZZ_SAME_MEM(server_id, a->server_id_len) && FUZZ_SAME(has_status) &&
		 FUZZ_SAME(status) && FUZZ_SAME(n_dns) && FUZZ_SAME(n_sntp) &&
		 FUZZ_SAME(n_ntp) && FUZZ_SAME_MEM(dns, a->n_dns * 16) &&
		 FUZZ_SAME_MEM(sntp, a->n_sntp * 16) && FUZZ_SAME_MEM(ntp, a->n_ntp * 16) &&
		 FUZZ_SAME(n_domains) && FUZZ_SAME(has_refresh) && FUZZ_SAME(refresh) &&
		 FUZZ_SAME(n_dnssel) && FUZZ_SAME(has_policy) &&
		 FUZZ_SAME(policy_automatic) && FUZZ_SAME(policy_privacy) &&
		 FUZZ_SAME(n_policy) && FUZZ_SAME(has_captive_portal) &&
		 strcmp(a->captive_portal, c->captive_portal) == 0 &&
		 c->ignored == 0 && FUZZ_SAME(has_ia_na) && FUZZ_SAME(has_ia_pd) &&
		 fuzz_dhcp6_ia_same(&a->ia_na, &c->ia_na) &&
		 fuzz_dhcp6_ia_same(&a->ia_pd, &c->ia_pd) && FUZZ_SAME(has_auth) &&
		 (!a->has_auth || (a->auth.replay == c->auth.replay &&
				   a->auth.info_len == c->auth.info_len &&
				   memcmp(a->auth.info, c->auth.info, a->auth.info_len) == 0));

	for (size_t i = 0; ok && i < a->n_domains; i++)
		ok = strcmp(a->domains[i], c->domains[i]) == 0;
	for (size_t i = 0; ok && i < a->n_dnssel; i++)
		ok = fuzz_dhcp6_dnssel_same(&a->dnssel[i], &c->dnssel[i]);
	for (size_t i = 0; ok && i < a->n_policy; i++)
		ok = a->policy[i].label == c->policy[i].label &&
		     a->policy[i].precedence == c->policy[i].precedence &&
		     a->policy[i].plen == c->policy[i].plen &&
		     memcmp(&a->policy[i].prefix, &c->policy[i].prefix, 16) == 0;
	return ok;
}

static void fuzz_dhcp6_check_result(int r, enum dhcp6_error why)
{
	if ((r == 0) != (why == DHCP6_OK) || (r != 0 && r != -EBADMSG) ||
	    (unsigned)why >= DHCP6_ERR__MAX)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp6_msg m, reply, again;
	static uint8_t buf[65536];
	enum dhcp6_error why = DHCP6_ERR__MAX, why_reply = DHCP6_ERR__MAX;
	int r = dhcp6_parse(data, size, &m, &why);
	int rr = dhcp6_parse_reply(data, size, &reply, &why_reply);
	int n;

	fuzz_dhcp6_check_result(r, why);
	fuzz_dhcp6_check_result(rr, why_reply);
	/* The two agree: a Reply with a Server ID parses both ways. */
	if (rr == 0 && (r != 0 || m.type != DHCP6_REPLY || m.server_id_len == 0))
		__builtin_trap();
	if (r == 0 && m.type == DHCP6_REPLY && m.server_id_len > 0 && rr != 0)
		__builtin_trap();
	if (r != 0)
		return 0;
	if (!fuzz_dhcp6_ok(&m))
		__builtin_trap();
	n = fuzz_dhcp6_rebuild(&m, buf, sizeof(buf));
	if (n < 0 || dhcp6_parse(buf, (size_t)n, &again, &why) != 0 ||
	    !fuzz_dhcp6_same(&m, &again))
		__builtin_trap();
	return 0;
}

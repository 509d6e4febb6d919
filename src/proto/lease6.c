/* SPDX-License-Identifier: MIT */
/* The DHCPv6 lease file's text (lease6.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/lease6.h"

#define LEASE6_MAGIC "mif-dhcp6-lease 1"
#define LEASE6_LINE_MAX 512

static int lease6_hex_put(char *out, size_t cap, const uint8_t *p, size_t n)
{
	if (2 * n + 1 > cap)
		return -EMSGSIZE;
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	return 0;
}

struct lease6_out {
	char *buf;
	size_t cap, len;
	bool overflow;
};

static void lease6_put(struct lease6_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void lease6_put(struct lease6_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->overflow = true;
	else
		o->len += (size_t)n;
}

static void lease6_put_entries(struct lease6_out *o, const char *kw,
			       const struct dhcp6_iaaddr *a, size_t n, bool pd)
{
	char s[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++) {
		inet_ntop(AF_INET6, &a[i].addr, s, sizeof(s));
		if (pd)
			lease6_put(o, "%s %s/%u %" PRIu32 " %" PRIu32 "\n", kw, s, a[i].plen,
				   a[i].preferred, a[i].valid);
		else
			lease6_put(o, "%s %s %" PRIu32 " %" PRIu32 "\n", kw, s, a[i].preferred,
				   a[i].valid);
	}
}

int lease6_format(const struct lease6 *l, char *buf, size_t cap)
{
	struct lease6_out o = { .buf = buf, .cap = cap };
	char hex[2 * DHCP6_MAX_DUID + 1], s[INET6_ADDRSTRLEN];

	if (!l || !buf || cap == 0 || l->n_na > DHCP6_MAX_IA_ADDRS ||
	    l->n_pd > DHCP6_MAX_IA_ADDRS)
		return -EINVAL;
	lease6_put(&o, LEASE6_MAGIC "\n");
	if (lease6_hex_put(hex, sizeof(hex), l->duid, l->duid_len) < 0)
		return -EMSGSIZE;
	lease6_put(&o, "duid %s\n", hex);
	if (lease6_hex_put(hex, sizeof(hex), l->server_id, l->server_id_len) < 0)
		return -EMSGSIZE;
	lease6_put(&o, "server-id %s\n", hex);
	inet_ntop(AF_INET6, &l->server, s, sizeof(s));
	lease6_put(&o, "server %s\nbound %" PRId64 "\nt1 %" PRIu32 "\nt2 %" PRIu32 "\n", s,
		   l->bound, l->t1, l->t2);
	lease6_put_entries(&o, "na", l->na, l->n_na, false);
	lease6_put_entries(&o, "pd", l->pd, l->n_pd, true);
	if (l->has_key) {
		lease6_hex_put(hex, sizeof(hex), l->key, sizeof(l->key));
		lease6_put(&o, "key %s %" PRIu64 "\n", hex, l->replay);
	}
	lease6_put(&o, "end\n");
	return o.overflow ? -EMSGSIZE : (int)o.len;
}

/* ---- parsing: every field checked, nothing left over on a line ---- */

static int lease6_hex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	size_t len = strlen(s);

	if (len == 0 || len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;

		if (!strchr("0123456789abcdef", s[2 * i]) || !strchr("0123456789abcdef", s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

static int lease6_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

static int lease6_entry(char **tok, size_t n, bool pd, struct dhcp6_iaaddr *a)
{
	uint64_t p, v, plen = 128;
	char *slash;

	/* The count first: a line of one token has no tok[1] (found by
	 * fuzz_lease6: "pd" alone). */
	if (n != 4)
		return -1;
	slash = pd ? strchr(tok[1], '/') : NULL;
	if (pd && !slash)
		return -1;
	if (slash) {
		*slash = '\0';
		if (lease6_u64(slash + 1, 128, &plen) < 0)
			return -1;
	}
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET6, tok[1], &a->addr) != 1 || lease6_u64(tok[2], UINT32_MAX, &p) < 0 ||
	    lease6_u64(tok[3], UINT32_MAX, &v) < 0 || p > v)
		return -1;
	a->plen = (uint8_t)plen;
	a->preferred = (uint32_t)p;
	a->valid = (uint32_t)v;
	return 0;
}

/* The keys that may appear once (na, pd: up to DHCP6_MAX_IA_ADDRS). */
static const char *const lease6_once[] = { "duid", "server-id", "server", "bound", "t1", "t2",
					   "key" };

static int lease6_line(char **tok, size_t n, struct lease6 *l, unsigned *seen)
{
	const char *k = tok[0];
	uint64_t v;

	for (unsigned i = 0; i < sizeof(lease6_once) / sizeof(lease6_once[0]); i++)
		if (strcmp(k, lease6_once[i]) == 0) {
			if (*seen & (1u << i))
				return -1;   /* twice: not a file we wrote */
			*seen |= 1u << i;
		}

	if (strcmp(k, "duid") == 0 && n == 2)
		return lease6_hex(tok[1], l->duid, sizeof(l->duid), &l->duid_len);
	if (strcmp(k, "server-id") == 0 && n == 2)
		return lease6_hex(tok[1], l->server_id, sizeof(l->server_id), &l->server_id_len);
	if (strcmp(k, "server") == 0 && n == 2)
		return inet_pton(AF_INET6, tok[1], &l->server) == 1 ? 0 : -1;
	if (strcmp(k, "bound") == 0 && n == 2 && lease6_u64(tok[1], INT64_MAX, &v) == 0)
		return l->bound = (int64_t)v, 0;
	if ((strcmp(k, "t1") == 0 || strcmp(k, "t2") == 0) && n == 2 &&
	    lease6_u64(tok[1], UINT32_MAX, &v) == 0)
		return *(k[1] == '1' ? &l->t1 : &l->t2) = (uint32_t)v, 0;
	if (strcmp(k, "na") == 0 && l->n_na < DHCP6_MAX_IA_ADDRS &&
	    lease6_entry(tok, n, false, &l->na[l->n_na]) == 0)
		return l->n_na++, 0;
	if (strcmp(k, "pd") == 0 && l->n_pd < DHCP6_MAX_IA_ADDRS &&
	    lease6_entry(tok, n, true, &l->pd[l->n_pd]) == 0)
		return l->n_pd++, 0;
	if (strcmp(k, "key") == 0 && n == 3) {
		size_t kl;

		if (lease6_hex(tok[1], l->key, sizeof(l->key), &kl) < 0 || kl != sizeof(l->key) ||
		    lease6_u64(tok[2], UINT64_MAX, &l->replay) < 0)
			return -1;
		l->has_key = true;
		return 0;
	}
	return -1;
}

int lease6_parse(const char *text, size_t len, struct lease6 *out, int *line)
{
	struct lease6 l;
	const char *p = text, *end = text + len;
	int no = 0;
	unsigned seen = 0;
	bool ended = false;

	if (!text || !out)
		return -EINVAL;
	memset(&l, 0, sizeof(l));
	while (p < end && !ended) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char buf[LEASE6_LINE_MAX], *tok[5], *save = NULL;
		size_t n = 0, ll;

		no++;
		if (!nl || (ll = (size_t)(nl - p)) >= sizeof(buf) || memchr(p, '\0', ll))
			goto bad;
		memcpy(buf, p, ll);
		buf[ll] = '\0';
		p = nl + 1;
		if (no == 1) {
			if (strcmp(buf, LEASE6_MAGIC) != 0)
				goto bad;
			continue;
		}
		for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			if (n == 5)
				goto bad;
			tok[n++] = t;
		}
		if (n == 1 && strcmp(tok[0], "end") == 0)
			ended = true;
		else if (n == 0 || lease6_line(tok, n, &l, &seen) < 0)
			goto bad;
	}
	/* Nothing after "end"; the identities and at least one binding. */
	if (!ended || p != end || l.duid_len < 2 || l.server_id_len < 2 || l.n_na + l.n_pd == 0 ||
	    (l.t1 && l.t2 && l.t1 > l.t2)) {
		no = ended ? no : 0;
		goto bad;
	}
	*out = l;
	return 0;
bad:
	if (line)
		*line = no;
	return -EBADMSG;
}

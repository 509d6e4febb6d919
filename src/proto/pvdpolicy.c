/* SPDX-License-Identifier: MIT */
#include "proto/pvdpolicy.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"

/* One reason more; the first PVDPOL_MAX_REFUSED are kept. */
static void pp_refuse(struct pvdpol *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pp_refuse(struct pvdpol *o, const char *fmt, ...)
{
	va_list ap;

	if (o->n_refused_total < UINT16_MAX)
		o->n_refused_total++;
	if (o->n_refused >= PVDPOL_MAX_REFUSED)
		return;
	va_start(ap, fmt);
	vsnprintf(o->refused[o->n_refused], PVDPOL_WHY_MAX, fmt, ap);
	va_end(ap);
	/* The reason quotes the network's own strings and is logged: no
	 * control character of a peer's reaches the log, C1 ones (U+0080 to
	 * U+009F, two octets in UTF-8) included, nor a sequence the
	 * truncation above cut in two: only printable ASCII is kept. */
	for (char *p = o->refused[o->n_refused]; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	o->n_refused++;
}

static bool pp_name_ok(const char *s)
{
	size_t l = strlen(s);

	if (!l || l > PVDPOL_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

/* A domain name, lower case, without a final dot; false if it is not one. */
static bool pp_domain(const char *s, char *out)
{
	uint8_t wire[DNAME_MAX_WIRE];
	struct wbuf w;
	size_t l = strlen(s);

	if (l && s[l - 1] == '.')
		l--;
	if (!l || l > DNAME_MAX_TEXT)
		return false;
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Only what a policy file's domain key takes (no spaces, no
		 * '+' or ','), and what the DNS writes as text. */
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return false;
		out[i] = (char)tolower(c);
	}
	out[l] = '\0';
	/* No empty label: "a..b", ".a" or "a.." (one final dot only) would
	 * not read back as the same name (found by fuzz_pvdpolicy). */
	if (out[0] == '.' || out[l - 1] == '.' || strstr(out, ".."))
		return false;
	wbuf_init(&w, wire, sizeof(wire));
	return dname_to_wire(out, &w) >= 0 && !w.overflow;
}

/* Is identifier the same name as s (case and a final dot aside)? */
static bool pp_same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

/* A string or an array of strings: each is passed to fn; false (with the
 * reason in why) when one is not a string, or fn refuses it. */
typedef bool (*pp_each_fn)(const char *s, void *ctx, char *why, size_t wl);

static bool pp_each(json_t *v, size_t max, pp_each_fn fn, void *ctx, char *why, size_t wl)
{
	size_t i;
	json_t *x;

	if (json_is_string(v))
		return fn(json_string_value(v), ctx, why, wl);
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > max) {
		snprintf(why, wl, "not a string or a list of 1 to %zu strings", max);
		return false;
	}
	json_array_foreach(v, i, x) {
		if (!json_is_string(x)) {
			snprintf(why, wl, "not a string or a list of strings");
			return false;
		}
		if (!fn(json_string_value(x), ctx, why, wl))
			return false;
	}
	return true;
}

static bool pp_dst(const char *s, void *ctx, char *why, size_t wl)
{
	struct pvdpol_rule *r = ctx;
	struct in6_addr a;
	uint8_t plen;

	if (addr_prefix_parse(s, &a, &plen) < 0) {
		snprintf(why, wl, "\"%.40s\" is not a prefix", s);
		return false;
	}
	addr_mask(&a, plen);
	r->dst[r->n_dst] = a;
	r->plen[r->n_dst++] = plen;
	return true;
}

static bool pp_dom(const char *s, void *ctx, char *why, size_t wl)
{
	struct pvdpol_rule *r = ctx;

	if (!pp_domain(s, r->domain[r->n_domain])) {
		snprintf(why, wl, "\"%.40s\" is not a domain name", s);
		return false;
	}
	r->n_domain++;
	return true;
}

/* A target: only the PvD itself. Anything else names another PvD or a
 * class of PvDs, which RFC 7556 section 7 leaves to local policy. */
static bool pp_self(const char *s, void *ctx, char *why, size_t wl)
{
	const char *id = *(const char **)ctx;

	if (!strcmp(s, "self") || (!strncmp(s, "pvd:", 4) && pp_same_name(s + 4, id)))
		return true;
	if (!strncmp(s, "pvd:", 4))
		snprintf(why, wl, "names another PvD (%.60s): a network speaks only of itself", s);
	else
		snprintf(why, wl, "names a class of PvDs (%.40s): a network speaks only of itself", s);
	return false;
}

static bool pp_port(json_t *v, struct pvdpol_rule *r)
{
	unsigned lo, hi;
	int n = 0;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 65535)
			return false;
		r->port_lo = r->port_hi = (uint16_t)json_integer_value(v);
		return true;
	}
	if (!json_is_string(v) ||
	    sscanf(json_string_value(v), "%5u-%5u%n", &lo, &hi, &n) != 2 ||
	    (size_t)n != strlen(json_string_value(v)) || !lo || lo > hi || hi > 65535 ||
	    !isdigit((unsigned char)json_string_value(v)[0]))
		return false;
	r->port_lo = (uint16_t)lo;
	r->port_hi = (uint16_t)hi;
	return true;
}

/* One key of a rule; false with the reason. */
static bool pp_key(const char *k, json_t *v, const char *id, struct pvdpol_rule *r, char *why,
		   size_t wl)
{
	static const char *const local[] = { "exe", "uid", "cgroup" };
	char sub[80];

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (!strcmp(k, local[i]))
			return snprintf(why, wl, "%s selects local programs, which only local "
				       "policy may", k), false;
	if (!strcmp(k, "require"))
		return snprintf(why, wl, "require would exclude every other PvD"), false;
	if (!strcmp(k, "dst") || !strcmp(k, "domain")) {
		bool d = k[0] == 'd' && k[1] == 's';

		if (pp_each(v, d ? PVDPOL_MAX_DST : PVDPOL_MAX_DOMAIN, d ? pp_dst : pp_dom, r, sub,
			    sizeof(sub)))
			return true;
		return snprintf(why, wl, "%.8s: %s", k, sub), false;
	}
	if (!strcmp(k, "prefer") || !strcmp(k, "avoid") || !strcmp(k, "prohibit")) {
		if (!pp_each(v, 4, pp_self, &id, sub, sizeof(sub)))
			return snprintf(why, wl, "%.8s: %s", k, sub), false;
		r->what |= k[0] == 'p' ? (k[2] == 'e' ? PVDPOL_PREFER : PVDPOL_PROHIBIT) :
			   PVDPOL_AVOID;
		return true;
	}
	if (!strcmp(k, "proto")) {
		if (json_is_string(v) && !strcmp(json_string_value(v), "tcp"))
			r->proto = 6;
		else if (json_is_string(v) && !strcmp(json_string_value(v), "udp"))
			r->proto = 17;
		else
			return snprintf(why, wl, "proto: \"tcp\" or \"udp\""), false;
		return true;
	}
	if (!strcmp(k, "port"))
		return pp_port(v, r) ||
		       (snprintf(why, wl, "port: 1 to 65535, or \"LO-HI\""), false);
	if (!strcmp(k, "dscp")) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 63)
			return snprintf(why, wl, "dscp: 0 to 63"), false;
		r->dscp = (int16_t)json_integer_value(v);
		return true;
	}
	if (!strcmp(k, "name"))
		return true;
	return snprintf(why, wl, "unknown key \"%.40s\"", k), false;
}

static void pp_rule(json_t *o, size_t idx, const char *id, struct pvdpol *out)
{
	struct pvdpol_rule r;
	const char *name = json_string_value(json_object_get(o, "name"));
	char why[96];
	const char *k;
	json_t *v;

	memset(&r, 0, sizeof(r));
	r.dscp = -1;
	if (!json_is_object(o)) {
		pp_refuse(out, "rule %zu: not an object", idx + 1);
		return;
	}
	if (!name || !pp_name_ok(name)) {
		pp_refuse(out, "rule %zu: no \"name\" of 1 to %d letters, digits, '_', '.', '-'",
			  idx + 1, PVDPOL_NAME_MAX);
		return;
	}
	json_object_foreach(o, k, v)
		if (!pp_key(k, v, id, &r, why, sizeof(why))) {
			pp_refuse(out, "rule %s: %s", name, why);
			return;
		}
	if (!r.what) {
		pp_refuse(out, "rule %s: says nothing (prefer, avoid or prohibit \"self\")", name);
		return;
	}
	if (out->n_rules >= PVDPOL_MAX_RULES) {
		pp_refuse(out, "rule %s: more than %d rules", name, PVDPOL_MAX_RULES);
		return;
	}
	snprintf(r.name, sizeof(r.name), "%s", name);
	for (size_t i = 0; i < out->n_rules; i++)
		if (!strcmp(out->rules[i].name, r.name)) {
			pp_refuse(out, "rule %s: the name is used twice", name);
			return;
		}
	out->rules[out->n_rules++] = r;
}

void pvdpol_parse(json_t *m, const char *id, struct pvdpol *out)
{
	json_t *v, *rules;
	const char *k;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->metered = -1;
	out->cost = -1;
	if (!m)
		return;
	out->present = true;
	if (!json_is_object(m)) {
		pp_refuse(out, "\"%s\" is not an object", PVDPOL_KEY);
		return;
	}
	json_object_foreach(m, k, v) {
		if (!strcmp(k, "metered")) {
			if (json_is_boolean(v))
				out->metered = json_is_true(v);
			else
				pp_refuse(out, "metered: not a boolean");
		} else if (!strcmp(k, "cost")) {
			if (json_is_integer(v) && json_integer_value(v) >= 0 &&
			    json_integer_value(v) <= 1000000)
				out->cost = (int32_t)json_integer_value(v);
			else
				pp_refuse(out, "cost: not an integer from 0 to 1000000");
		} else if (strcmp(k, "rules") != 0) {
			pp_refuse(out, "unknown key \"%.40s\"", k);
		}
	}
	rules = json_object_get(m, "rules");
	if (rules && !json_is_array(rules)) {
		pp_refuse(out, "rules: not a list");
		return;
	}
	json_array_foreach(rules, i, v)
		pp_rule(v, i, id, out);
}

int pvdpol_parse_text(const char *text, size_t len, const char *id, struct pvdpol *out)
{
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);

	if (!o)
		return -EBADMSG;
	pvdpol_parse(o, id, out);
	json_decref(o);
	return 0;
}

/* Strings within their arrays and of the characters the parser lets in. */
static bool pp_term(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

bool pvdpol_check(const struct pvdpol *p)
{
	char dom[DNAME_MAX_TEXT + 1];

	if (p->n_rules > PVDPOL_MAX_RULES || p->n_refused > PVDPOL_MAX_REFUSED ||
	    p->metered < -1 || p->metered > 1 || p->cost < -1 || p->cost > 1000000)
		return false;
	for (unsigned i = 0; i < p->n_refused; i++)
		if (!pp_term(p->refused[i], sizeof(p->refused[i])))
			return false;
	for (unsigned i = 0; i < p->n_rules; i++) {
		const struct pvdpol_rule *r = &p->rules[i];

		if (!pp_term(r->name, sizeof(r->name)) || !pp_name_ok(r->name) || !r->what ||
		    r->what & ~(PVDPOL_PREFER | PVDPOL_AVOID | PVDPOL_PROHIBIT) ||
		    (r->proto != 0 && r->proto != 6 && r->proto != 17) || r->dscp < -1 ||
		    r->dscp > 63 || r->port_lo > r->port_hi || (!r->port_lo && r->port_hi) ||
		    r->n_dst > PVDPOL_MAX_DST || r->n_domain > PVDPOL_MAX_DOMAIN)
			return false;
		for (unsigned k = 0; k < r->n_dst; k++)
			if (r->plen[k] > 128 || !addr_prefix_clean(&r->dst[k], r->plen[k]) ||
			    (IN6_IS_ADDR_V4MAPPED(&r->dst[k]) && r->plen[k] < 96))
				return false;
		for (unsigned k = 0; k < r->n_domain; k++)
			if (!pp_term(r->domain[k], sizeof(r->domain[k])) ||
			    !pp_domain(r->domain[k], dom) || strcmp(dom, r->domain[k]) != 0)
				return false;
	}
	return true;
}

/* SPDX-License-Identifier: MIT */
/* The mobile node's flow bindings (mob_flow.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/mobility/mn.h"
#include "daemon/mobility/mob_flow.h"

static int mob_flow_range(const char *v, unsigned long max, unsigned long *a, unsigned long *b)
{
	char *end;

	*a = strtoul(v, &end, 10);
	*b = *a;
	if (*end == '-')
		*b = strtoul(end + 1, &end, 10);
	return end == v || *end || *a > max || *b > max || *a > *b ? -EINVAL : 0;
}

/* bid=1,2 (n-cast) or bid=1:3,2:1 (load sharing by weight). */
static int mob_flow_bids(const char *v, struct mh_flow *f)
{
	const char *p = v;

	while (*p) {
		char *end;
		unsigned long bid = strtoul(p, &end, 10), w = 0;

		if (end == p || bid == 0 || bid > 0xffff || f->n_bids == MH_FLOW_MAX_BIDS)
			return -EINVAL;
		if (*end == ':') {
			w = strtoul(end + 1, &end, 10);
			if (w == 0 || w > 255 || (f->n_bids && !f->has_weights))
				return -EINVAL;
			f->has_weights = true;
		} else if (f->has_weights) {
			return -EINVAL;
		}
		f->weights[f->n_bids] = (uint8_t)w;
		f->bids[f->n_bids++] = (uint16_t)bid;
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		p = end;
	}
	return f->n_bids ? 0 : -EINVAL;
}

static int mob_flow_addr(const char *v, struct mh_ts *ts)
{
	char a[64];
	const char *dash = strchr(v, '-');
	size_t n = dash ? (size_t)(dash - v) : strlen(v);
	int af = strchr(v, ':') ? AF_INET6 : AF_INET;

	if (n >= sizeof(a))
		return -EINVAL;
	memcpy(a, v, n);
	a[n] = 0;
	ts->format = af == AF_INET6 ? MH_TS_IPV6 : MH_TS_IPV4;
	if (inet_pton(af, a, ts->src[0]) != 1 || (dash && inet_pton(af, dash + 1, ts->src[1]) != 1))
		return -EINVAL;
	ts->fields |= MH_TS_SRC | (dash ? MH_TS_SRC_END : 0);
	return 0;
}

/* One key=value of a spec (the selector is from the home agent's view:
 * source = the remote end, destination = the home address). */
static int mob_flow_kv(struct mob_flow *fl, const char *k, const char *v)
{
	struct mh_flow *f = &fl->f;
	struct mh_ts *ts = &f->ts;
	unsigned long a, b;

	if (!strcmp(k, "fid") || !strcmp(k, "pri")) {
		if (mob_flow_range(v, 0xffff, &a, &b) || a != b)
			return -EINVAL;
		*(!strcmp(k, "fid") ? &f->fid : &f->fid_pri) = (uint16_t)a;
		return 0;
	}
	if (!strcmp(k, "bid"))
		return fl->via[0] ? -EINVAL : mob_flow_bids(v, f);
	if (!strcmp(k, "pvd")) {
		if (f->n_bids || !*v || strlen(v) >= sizeof(fl->via))
			return -EINVAL;
		snprintf(fl->via, sizeof(fl->via), "%s", v);
		return 0;
	}
	if (!strcmp(k, "remote"))
		return mob_flow_addr(v, ts);
	if (!strcmp(k, "family")) {
		if (strcmp(v, "4") && strcmp(v, "6"))
			return -EINVAL;
		ts->format = v[0] == '4' ? MH_TS_IPV4 : MH_TS_IPV6;
		return 0;
	}
	if (!strcmp(k, "proto")) {
		a = !strcmp(v, "tcp") ? 6 : !strcmp(v, "udp") ? 17 : 256;
		if (a == 256 && (mob_flow_range(v, 255, &a, &b) || a != b))
			return -EINVAL;
		ts->proto[0] = (uint8_t)a;
		ts->fields |= MH_TS_PROTO;
		return 0;
	}
	if (strcmp(k, "rport") && strcmp(k, "lport") && strcmp(k, "dscp"))
		return -EINVAL;
	if (mob_flow_range(v, !strcmp(k, "dscp") ? 63 : 0xffff, &a, &b))
		return -EINVAL;
	if (!strcmp(k, "rport")) {
		ts->sport[0] = (uint16_t)a;
		ts->sport[1] = (uint16_t)b;
		ts->fields |= MH_TS_SPORT | (a != b ? MH_TS_SPORT_END : 0);
	} else if (!strcmp(k, "lport")) {
		ts->dport[0] = (uint16_t)a;
		ts->dport[1] = (uint16_t)b;
		ts->fields |= MH_TS_DPORT | (a != b ? MH_TS_DPORT_END : 0);
	} else {
		ts->ds[0] = (uint8_t)a;
		ts->ds[1] = (uint8_t)b;
		ts->fields |= MH_TS_DS | MH_TS_DS_END;
	}
	return 0;
}

int mob_flow_parse(const char *spec, struct mob_flow *ret, char *err, size_t errlen)
{
	struct mob_flow fl;
	char buf[512], *save = NULL, *tok;
	bool first = true;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "flow too long");
		return -EINVAL;
	}
	memset(&fl, 0, sizeof(fl));
	fl.f.ts.format = MH_TS_IPV6;
	fl.ha_status = 255;
	strcpy(buf, spec);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (first && !eq) {
			snprintf(fl.name, sizeof(fl.name), "%s", tok);
			first = false;
			continue;
		}
		first = false;
		if (!eq) {
			snprintf(err, errlen, "'%s': key=value expected", tok);
			return -EINVAL;
		}
		*eq = 0;
		if (mob_flow_kv(&fl, tok, eq + 1) < 0) {
			snprintf(err, errlen, "bad %s=%s", tok, eq + 1);
			return -EINVAL;
		}
	}
	/* IPv6 Traffic Class holds the DSCP in its top six bits. */
	if ((fl.f.ts.fields & MH_TS_DS) && fl.f.ts.format == MH_TS_IPV6) {
		fl.f.ts.ds[0] = (uint8_t)(fl.f.ts.ds[0] << 2);
		fl.f.ts.ds[1] = (uint8_t)(fl.f.ts.ds[1] << 2 | 3);
	}
	if (fl.f.fid == 0 || (fl.f.n_bids == 0 && !fl.via[0]) || fl.f.ts.fields == 0) {
		snprintf(err, errlen, "fid=, bid= (or pvd=) and a selector are needed");
		return -EINVAL;
	}
	fl.f.has_ts = true;
	if (!fl.name[0])
		snprintf(fl.name, sizeof(fl.name), "fid%u", fl.f.fid);
	*ret = fl;
	return 0;
}

int mob_flow_resolve(struct mob_flow *f, int (*bid_of)(const char *pvd, void *arg), void *arg)
{
	char buf[sizeof(f->via)], *save = NULL, *tok;
	struct mh_flow g = f->f;

	memcpy(buf, f->via, sizeof(buf));
	g.n_bids = 0;
	g.has_weights = false;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(tok, ':');
		unsigned long w = 0;
		int bid;

		/* NAME:W; a PvD name has colons of its own (fe80::1%eth1). */
		if (colon && (!colon[1] || colon[strspn(colon + 1, "0123456789") + 1]))
			colon = NULL;
		if (colon) {
			*colon = 0;
			w = strtoul(colon + 1, NULL, 10);
			if (w == 0 || w > 255)
				return -EINVAL;
		}
		if ((colon != NULL) != (g.n_bids ? g.has_weights : colon != NULL) ||
		    g.n_bids == MH_FLOW_MAX_BIDS)
			return -EINVAL;
		bid = bid_of(tok, arg);
		if (bid <= 0)
			return -ENOENT;
		g.has_weights = colon != NULL;
		g.weights[g.n_bids] = (uint8_t)w;
		g.bids[g.n_bids++] = (uint16_t)bid;
	}
	if (g.n_bids == 0)
		return -EINVAL;
	f->f = g;
	return 0;
}

static bool mob_flow_same(const struct mh_flow *a, const struct mh_flow *b)
{
	const struct mh_ts *x = &a->ts, *y = &b->ts;

	return a->fid == b->fid && a->fid_pri == b->fid_pri && a->n_bids == b->n_bids &&
	       a->has_weights == b->has_weights &&
	       !memcmp(a->bids, b->bids, sizeof(a->bids)) &&
	       !memcmp(a->weights, b->weights, sizeof(a->weights)) &&
	       x->format == y->format && x->fields == y->fields &&
	       !memcmp(x->src, y->src, sizeof(x->src)) && !memcmp(x->dst, y->dst, sizeof(x->dst)) &&
	       !memcmp(x->sport, y->sport, sizeof(x->sport)) &&
	       !memcmp(x->dport, y->dport, sizeof(x->dport)) &&
	       !memcmp(x->ds, y->ds, sizeof(x->ds)) && !memcmp(x->proto, y->proto, sizeof(x->proto)) &&
	       !memcmp(x->spi, y->spi, sizeof(x->spi)) && !memcmp(x->fl, y->fl, sizeof(x->fl));
}

size_t mob_flow_set(struct mob_flows *t, const struct mob_flow *next, size_t n)
{
	struct mob_flow e[MOB_FLOW_MAX];
	size_t changed = 0;

	n = n > MOB_FLOW_MAX ? MOB_FLOW_MAX : n;
	for (size_t i = 0; i < n; i++) {
		const struct mob_flow *old = NULL;

		for (size_t k = 0; k < t->n && !old; k++)
			if (t->e[k].f.fid == next[i].f.fid && mob_flow_same(&t->e[k].f, &next[i].f))
				old = &t->e[k];
		if (old) {
			e[i] = *old;
			continue;
		}
		e[i] = next[i];
		e[i].dirty = true;
		e[i].ha_status = 255;
		changed++;
	}
	changed += t->n > n ? t->n - n : 0;
	memcpy(t->e, e, n * sizeof(e[0]));
	t->n = n;
	return changed;
}

/* Octets of one flow's Flow Identification option. */
static size_t mob_flow_size(const struct mh_flow *f)
{
	struct mh_flows one = { .n = 1 };
	uint8_t buf[300];
	size_t len;

	one.f[0] = *f;
	return mh_flow_build(&one, buf, sizeof(buf), &len) == 0 ? len : SIZE_MAX;
}

int mob_flow_bu_opts(struct mob_flows *t, uint8_t *out, size_t cap, size_t *ret_len)
{
	size_t used = 2 + 2 * t->n;     /* room for the Flow Summary */
	struct mh_flows fl;

	memset(&fl, 0, sizeof(fl));
	for (size_t i = 0; i < t->n; i++) {
		struct mob_flow *e = &t->e[i];
		size_t sz = e->dirty ? mob_flow_size(&e->f) : 0;

		e->in_bu = e->dirty && sz <= cap && used + sz <= cap && fl.n < MH_FLOW_MAX;
		if (e->in_bu) {
			fl.f[fl.n++] = e->f;
			used += sz;
		} else if (!e->dirty || e->ha_status == MH_FLOW_OK) {
			/* Unchanged, or its old binding until it fits. */
			fl.summary[fl.n_summary++] = e->f.fid;
		}
	}
	fl.has_summary = fl.n_summary > 0;
	return mh_flow_build(&fl, out, cap, ret_len);
}

bool mob_flow_ba(struct mob_flows *t, const uint8_t *mh, size_t len)
{
	struct mh_flows ba;
	bool again = false;

	if (mh_flow_parse(mh, len, &ba) < 0)
		return false;
	for (size_t i = 0; i < ba.n; i++)
		for (size_t k = 0; k < t->n; k++) {
			struct mob_flow *e = &t->e[k];

			if (e->f.fid != ba.f[i].fid)
				continue;
			e->ha_status = ba.f[i].status;
			if (ba.f[i].status == MH_FLOW_FID_NOT_FOUND && !e->dirty) {
				e->dirty = true;        /* a summary it did not know */
				again = true;
			} else if (ba.f[i].status == MH_FLOW_BID_NOT_FOUND) {
				/* Its path is not registered yet: in full again
				 * with the BU that registers it. */
				t->refused++;
			} else {
				e->dirty = false;       /* accepted, or refused: not again */
				t->refused += ba.f[i].status != MH_FLOW_OK;
			}
		}
	for (size_t k = 0; k < t->n; k++)
		again |= t->e[k].dirty && !t->e[k].in_bu &&     /* did not fit */
			 mob_flow_size(&t->e[k].f) != SIZE_MAX;
	return again;
}

static int mob_flow_path(const struct mn_state *mn, uint16_t bid)
{
	for (size_t i = 0; i < mn->n_paths; i++)
		if (mn->paths[i].bid == bid)
			return mn->paths[i].link_up && mn->paths[i].live.alive ? (int)i : -1;
	return -1;
}

int mob_flow_uplink(struct mob_flows *t, const struct mn_state *mn, const uint8_t *p,
		    size_t len, int *ret_dup)
{
	struct mh_pkt_key k;

	*ret_dup = -1;
	if (!t || t->n == 0 || mh_pkt_key(p, len, &k) < 0)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		struct mob_flow *e = &t->e[i];
		int idx[MH_FLOW_MAX_BIDS], pick = -1;
		bool usable[MH_FLOW_MAX_BIDS];

		if (!mh_ts_match(&e->f.ts, &k, false))
			continue;
		for (size_t b = 0; b < e->f.n_bids; b++) {
			idx[b] = mob_flow_path(mn, e->f.bids[b]);
			usable[b] = idx[b] >= 0;
			if (usable[b] && pick < 0)
				pick = (int)b;
		}
		if (pick < 0) {
			e->why = "its BIDs are down: default uplink";
			return -1;
		}
		e->packets++;
		if (e->f.has_weights) {
			pick = mh_flow_weighted(&e->f, mh_pkt_flow_hash(&k), usable);
			e->why = "load sharing by weight";
		} else if (e->f.n_bids > 1) {
			e->why = "n-cast";
			for (size_t b = (size_t)pick + 1; b < e->f.n_bids && *ret_dup < 0; b++)
				if (usable[b])
					*ret_dup = idx[b];
			e->copies += *ret_dup >= 0;
		} else {
			e->why = "flow binding";
		}
		e->last_bid = e->f.bids[pick];
		return idx[pick];
	}
	return -1;
}

bool mob_flow_dup_in(struct mob_flows *t, const uint8_t *p, size_t len, long long now_ms)
{
	struct mh_pkt_key k;

	if (!t || t->n == 0 || mh_pkt_key(p, len, &k) < 0)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		const struct mob_flow *e = &t->e[i];

		if (!mh_ts_match(&e->f.ts, &k, true))
			continue;
		if (e->f.n_bids < 2 || e->f.has_weights || !mh_dedup_seen(&t->dedup, p, len, now_ms))
			return false;
		t->dup_dropped++;
		return true;
	}
	return false;
}

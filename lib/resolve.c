/* SPDX-License-Identifier: MIT */
/*
 * libmif: mif_resolve() (include/mif/pvd.h). AAAA and A through mifd's
 * stub (dns.resolve), then RFC 6724 destination address selection with
 * the answering PvD's own addresses and policy table: two networks'
 * tables never meet (RFC 6418 section 4.3, RFC 7556 section 5).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvd_priv.h"

/* Per family at most half of what one addrsel_sort() call takes. */
#define MIF_RES_PER_FAMILY (ADDRSEL_MAX_ADDRS / 2)

/* What the queries found: destinations, each with the PvD that answered. */
struct mif_res {
	struct mif_priv_pvd pvd[2];      /* the answering PvDs (two at most) */
	size_t npvd;
	struct addrsel_dest dst[ADDRSEL_MAX_ADDRS];
	size_t dst_pvd[ADDRSEL_MAX_ADDRS];
	size_t ndst;
	int first_err;                   /* the first query's failure, if any */
};

/* The PvD named id (or by handle), loaded once with pvd.get. */
static int mif_res_pvd(struct mif_ctl *c, struct mif_res *r, const char *id, long long deadline,
		       size_t *idx, char *err, size_t errlen)
{
	json_t *o = NULL, *params = json_pack("{s:s}", "id", id);
	int e;

	for (size_t i = 0; i < r->npvd; i++)
		if (!strcmp(r->pvd[i].id, id)) {
			*idx = i;
			return 0;
		}
	if (!params || r->npvd == 2)
		return mif_priv_err(err, errlen, -EINVAL, "PvD \"%s\": not a valid id", id);
	e = mif_priv_call(c, "pvd.get", params, &o, mif_priv_left(deadline), err, errlen);
	if (e < 0)
		return e;
	e = mif_priv_pvd_load(o, &r->pvd[r->npvd]);
	json_decref(o);
	if (e < 0)
		return mif_priv_err(err, errlen, -EPROTO, "mifd's answer for PvD \"%s\" is not a "
				    "valid PvD", id);
	*idx = r->npvd++;
	return 0;
}

/* The A or AAAA records among "answers" (CNAMEs and others skipped). */
static int mif_res_answers(json_t *an, bool v6, struct mif_res *r, size_t pvd)
{
	size_t i, got = 0;
	json_t *v;

	if (!json_is_array(an))
		return -EPROTO;
	json_array_foreach(an, i, v) {
		const char *t = json_string_value(json_object_get(v, "type"));
		const char *d = json_string_value(json_object_get(v, "data"));
		struct addrsel_dest *x = &r->dst[r->ndst];

		if (!json_is_object(v) || !t || !d)
			return -EPROTO;
		if (strcmp(t, v6 ? "AAAA" : "A") || got == MIF_RES_PER_FAMILY)
			continue;
		memset(x, 0, sizeof(*x));
		if (addr_parse(d, &x->addr) != (v6 ? AF_INET6 : AF_INET))
			return -EPROTO;
		r->dst_pvd[r->ndst++] = pvd;
		got++;
	}
	return 0;
}

/* An error that ends the whole resolution, not just one family's query. */
static bool mif_res_fatal(int e, const char *pvd)
{
	return e == -ECONNRESET || e == -EPROTO || e == -ENOMEM || e == -EINVAL ||
	       (e == -ENOENT && pvd);
}

/* One dns.resolve reply o (or its failure e); 0 also for NXDOMAIN and
 * NODATA. */
static int mif_res_query(struct mif_ctl *c, const char *pvd, const char *name, bool v6,
			 struct mif_res *r, json_t *o, long long deadline, char *err,
			 size_t errlen)
{
	const char *who = json_string_value(json_object_get(o, "pvd"));
	const char *rc = json_string_value(json_object_get(o, "rcode"));
	size_t idx = 0;
	int e = !who || !*who || !rc ? -EPROTO : 0;

	/* A PvD asked for was loaded first; its queries name it by id (all
	 * were sent at once): had another PvD taken the id meanwhile, binding
	 * to the handle loaded fails later (ENOENT), never a wrong network. */
	if (e == 0 && !pvd)
		e = mif_res_pvd(c, r, who, deadline, &idx, err, errlen);
	if (e == 0 && mif_res_answers(json_object_get(o, "answers"), v6, r, idx) < 0)
		e = -EPROTO;
	if (e == -EPROTO)
		mif_priv_err(err, errlen, e, "mifd's answer for %s %s is not valid protocol", name,
			     v6 ? "AAAA" : "A");
	else if (e == 0 && strcmp(rc, "NOERROR") && strcmp(rc, "NXDOMAIN"))
		e = mif_priv_err(err, errlen, -EHOSTUNREACH, "%s %s: the server answered %s",
				 name, v6 ? "AAAA" : "A", rc);
	return e;
}

/* A destination and its source as sockaddrs. */
static void mif_res_fill(const struct mif_res *r, const struct addrsel_result *x, size_t pvd,
			 uint16_t port, struct mif_addr *out)
{
	const struct addrsel_source *s = x->src >= 0 ? &r->pvd[pvd].src[x->src] : NULL;
	const struct in6_addr *a[2] = { &x->dst.addr, s ? &s->addr : NULL };
	struct sockaddr_storage *ss[2] = { &out->addr, &out->src };
	socklen_t *len[2] = { &out->addr_len, &out->src_len };

	memset(out, 0, sizeof(*out));
	out->pvd = r->pvd[pvd].handle;
	for (int i = 0; i < 2 && a[i]; i++) {
		if (addrsel_is_v4(a[i])) {
			struct sockaddr_in *v4 = (struct sockaddr_in *)ss[i];

			v4->sin_family = AF_INET;
			v4->sin_port = i == 0 ? htons(port) : 0;
			memcpy(&v4->sin_addr, &a[i]->s6_addr[12], 4);
			*len[i] = sizeof(*v4);
		} else {
			struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss[i];

			v6->sin6_family = AF_INET6;
			v6->sin6_port = i == 0 ? htons(port) : 0;
			v6->sin6_addr = *a[i];
			*len[i] = sizeof(*v6);
		}
	}
}

/*
 * Sort each answering PvD's destinations with that PvD alone (RFC 6724
 * section 6), then write them out: the PvDs in the order they answered
 * (AAAA first), and every destination without a usable source last.
 */
static size_t mif_res_sort(struct mif_res *r, uint16_t port, struct mif_addr *out, size_t cap)
{
	struct addrsel_result sorted[2][ADDRSEL_MAX_ADDRS];
	struct addrsel_dest d[ADDRSEL_MAX_ADDRS];
	size_t nd[2] = { 0, 0 }, n = 0;

	for (size_t p = 0; p < r->npvd; p++) {
		for (size_t i = 0; i < r->ndst; i++)
			if (r->dst_pvd[i] == p)
				d[nd[p]++] = r->dst[i];
		if (addrsel_sort(&r->pvd[p].table, d, nd[p], r->pvd[p].src, r->pvd[p].nsrc,
				 sorted[p]) < 0)
			nd[p] = 0;
	}
	for (int usable = 1; usable >= 0; usable--)
		for (size_t p = 0; p < r->npvd; p++)
			for (size_t i = 0; i < nd[p] && n < cap; i++)
				if ((sorted[p][i].src >= 0) == usable)
					mif_res_fill(r, &sorted[p][i], p, port, &out[n++]);
	return n;
}

/*
 * A resolution in flight (pvd_priv.h): pvd.get for a PvD asked for, then
 * AAAA and A, all sent at once (RFC 8305 section 3: both queries without
 * waiting for either). mifd answers one connection's requests in order:
 * with a second connection, A goes there and its answer may come before
 * AAAA's. The replies are kept as they come and read in
 * mif_res_job_done().
 */
enum { MIF_JOB_GET, MIF_JOB_AAAA, MIF_JOB_A, MIF_JOB_N };

struct mif_res_job {
	struct mif_ctl *c, *c2;            /* c2: A's connection, or NULL */
	char name[MIF_RES_NAME_MAX];
	char pvd[MIF_PVD_ID_MAX];          /* "" for mifd's choice */
	long long id[MIF_JOB_N];
	bool sent[MIF_JOB_N], in[MIF_JOB_N];
	json_t *o[MIF_JOB_N];
	int e[MIF_JOB_N];
	char msg[MIF_JOB_N][256];
};

static const char *const mif_job_method[MIF_JOB_N] = { "pvd.get", "dns.resolve", "dns.resolve" };

static struct mif_ctl *mif_job_conn(const struct mif_res_job *j, int k)
{
	return k == MIF_JOB_A && j->c2 ? j->c2 : j->c;
}

static int mif_job_send(struct mif_res_job *j, int k, char *err, size_t errlen)
{
	json_t *p;

	if (k == MIF_JOB_GET)
		p = json_pack("{s:s}", "id", j->pvd);
	else
		p = json_pack("{s:s,s:s}", "name", j->name, "type",
			      k == MIF_JOB_AAAA ? "AAAA" : "A");
	if (p && k != MIF_JOB_GET && j->pvd[0] &&
	    json_object_set_new(p, "pvd", json_string(j->pvd)) < 0) {
		json_decref(p);
		p = NULL;
	}
	if (!p)
		return mif_priv_err(err, errlen, -EINVAL, "\"%s\" is not a valid name", j->name);
	j->sent[k] = true;
	return mif_priv_call_send(mif_job_conn(j, k), mif_job_method[k], p, &j->id[k], err, errlen);
}

int mif_res_job_start(struct mif_ctl *c, struct mif_ctl *c2, const char *pvd, const char *name,
		      struct mif_res_job **ret, char *err, size_t errlen)
{
	struct mif_res_job *j;
	int e = 0;

	if (!name || !*name || strlen(name) >= MIF_RES_NAME_MAX)
		return mif_priv_err(err, errlen, -EINVAL, "no name, or one too long");
	if (pvd && (!*pvd || strlen(pvd) >= MIF_PVD_ID_MAX))
		return mif_priv_err(err, errlen, -EINVAL, "PvD \"%s\": not a valid id", pvd);
	j = calloc(1, sizeof(*j));
	if (!j)
		return mif_priv_err(err, errlen, -ENOMEM, "out of memory");
	j->c = c;
	j->c2 = c2;
	strcpy(j->name, name);
	strcpy(j->pvd, pvd ? pvd : "");
	for (int k = pvd ? MIF_JOB_GET : MIF_JOB_AAAA; e == 0 && k < MIF_JOB_N; k++)
		e = mif_job_send(j, k, err, errlen);
	if (e < 0) {
		mif_res_job_free(j);
		return e;
	}
	*ret = j;
	return 0;
}

/* Reply k, if it has come: 1 in, 0 not yet, a negative errno when its
 * connection failed (no later reply will come). */
static int mif_job_recv(struct mif_res_job *j, int k, long long deadline, char *err,
			size_t errlen)
{
	int e = mif_priv_call_recv(mif_job_conn(j, k), mif_job_method[k], j->id[k], deadline,
				   &j->o[k], j->msg[k], sizeof(j->msg[k]));

	if (e == -EAGAIN)
		return 0;
	if (e == -ECONNRESET || e == -EPROTO || e == -ENOMEM ||
	    (e == -ETIMEDOUT && deadline >= 0 && clock_mono_ms() >= deadline))
		return mif_priv_err(err, errlen, e, "%s", j->msg[k]);
	j->e[k] = e;
	j->in[k] = true;
	return 1;
}

int mif_res_job_step(struct mif_res_job *j, long long deadline, char *err, size_t errlen)
{
	bool all = true;

	/* Each connection's replies in the order sent: stop at the first one
	 * missing. */
	for (int conn = 0; conn < 2; conn++)
		for (int k = 0; k < MIF_JOB_N; k++) {
			int r;

			if (!j->sent[k] || j->in[k] || (mif_job_conn(j, k) == j->c) != (conn == 0))
				continue;
			r = mif_job_recv(j, k, deadline, err, errlen);
			if (r < 0)
				return r;
			if (r == 0) {
				all = false;
				break;
			}
		}
	return all;
}

unsigned mif_res_job_ready(const struct mif_res_job *j)
{
	unsigned f = 0;

	if (j->sent[MIF_JOB_GET] && !j->in[MIF_JOB_GET])
		return 0;            /* no family can be sorted without the PvD */
	if (j->in[MIF_JOB_AAAA])
		f |= MIF_RES_V6;
	if (j->in[MIF_JOB_A])
		f |= MIF_RES_V4;
	return f;
}

size_t mif_res_job_fds(const struct mif_res_job *j, int fds[2])
{
	size_t n = 0;

	for (int k = 0; k < MIF_JOB_N; k++)
		if (j->sent[k] && !j->in[k]) {
			int fd = mif_ctl_fd(mif_job_conn(j, k));

			if (n == 0 || fds[0] != fd)
				fds[n++] = fd;
			if (n == 2)
				break;
		}
	return n;
}

void mif_res_job_free(struct mif_res_job *j)
{
	if (!j)
		return;
	for (int k = 0; k < MIF_JOB_N; k++)
		json_decref(j->o[k]);
	free(j);
}

int mif_res_job_done(struct mif_res_job *j, unsigned fams, uint16_t port, struct mif_addr *out,
		     size_t cap, size_t *n, long long deadline, char *err, size_t errlen)
{
	const char *pvd = j->pvd[0] ? j->pvd : NULL;
	char first_msg[256] = "";
	struct mif_res *r;
	int e = 0;

	if (!n || (cap && !out) || (fams & ~mif_res_job_ready(j)))
		return mif_priv_err(err, errlen, -EINVAL, "no place for the answer, or no answer");
	*n = 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return mif_priv_err(err, errlen, -ENOMEM, "out of memory");
	if (pvd && j->e[MIF_JOB_GET] < 0)
		e = mif_priv_err(err, errlen, j->e[MIF_JOB_GET], "%s", j->msg[MIF_JOB_GET]);
	else if (pvd && mif_priv_pvd_load(j->o[MIF_JOB_GET], &r->pvd[r->npvd++]) < 0)
		e = mif_priv_err(err, errlen, -EPROTO, "mifd's answer for PvD \"%s\" is not a "
				 "valid PvD", pvd);
	for (int v6 = 1; e == 0 && v6 >= 0; v6--) {
		int k = v6 ? MIF_JOB_AAAA : MIF_JOB_A;

		if (!(fams & (v6 ? MIF_RES_V6 : MIF_RES_V4)))
			continue;
		e = j->e[k];
		if (e < 0)
			mif_priv_err(err, errlen, e, "%s", j->msg[k]);
		else
			e = mif_res_query(j->c, pvd, j->name, v6, r, j->o[k], deadline, err,
					  errlen);
		if (e < 0 && !mif_res_fatal(e, pvd) && !r->first_err) {
			r->first_err = e;
			/* err is only a string when the caller gave it room. */
			snprintf(first_msg, sizeof(first_msg), "%s", err && errlen ? err : "");
		}
		if (e < 0 && !mif_res_fatal(e, pvd))
			e = 0;
	}
	if (e == 0 && r->ndst == 0 && r->first_err)
		e = mif_priv_err(err, errlen, r->first_err, "%s", first_msg);
	else if (e == 0 && r->ndst == 0)
		e = mif_priv_err(err, errlen, -ENODATA, "%s has no IPv6 or IPv4 address", j->name);
	if (e == 0) {
		*n = mif_res_sort(r, port, out, cap);
		if (err && errlen)
			err[0] = '\0';
	}
	free(r);
	return e;
}

int mif_priv_resolve(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
		     struct mif_addr *out, size_t cap, size_t *n, long long deadline,
		     char *err, size_t errlen)
{
	struct mif_res_job *j = NULL;
	int e;

	if (!n || !name || !*name || (cap && !out))
		return mif_priv_err(err, errlen, -EINVAL, "no name, or no place for the answer");
	*n = 0;
	e = mif_res_job_start(c, NULL, pvd, name, &j, err, errlen);
	if (e < 0 || !j)
		return e < 0 ? e : -ENOMEM;
	e = mif_res_job_step(j, deadline, err, errlen);
	if (e >= 0)
		e = mif_res_job_done(j, MIF_RES_V6 | MIF_RES_V4, port, out, cap, n, deadline, err,
				     errlen);
	mif_res_job_free(j);
	return e;
}

MIF_EXPORT int mif_resolve(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
			   struct mif_addr *out, size_t cap, size_t *n, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	return mif_priv_resolve(c, pvd, name, port, out, cap, n,
				clock_mono_ms() + 2 * MIF_PRIV_RESOLVE_MS, err, errlen);
}

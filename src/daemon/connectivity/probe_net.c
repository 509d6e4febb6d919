/* SPDX-License-Identifier: MIT */
/*
 * Connectivity probes in the network-facing process (probe_net.h): one
 * job per MSG_PROBE_START. First the lookups (probe_dns.c), then HTTP,
 * HTTPS and the RFC 8908 API in parallel with libcurl's multi interface
 * driven by this process's libevent loop; the names are pinned to the
 * addresses the PvD's own servers gave (CURLOPT_RESOLVE), so libcurl never
 * resolves anything itself, and every socket it opens is bound to the
 * PvD's interface and source address (CURLOPT_OPENSOCKETFUNCTION).
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include "common/addr.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/rand.h"
#include "daemon/connectivity/probe_net.h"
#include "daemon/connectivity/probe_priv.h"
#include "daemon/dns/stub.h"
#include "proto/captive.h"
#include "proto/pvdinfo.h"

#define PN_MAX_JOBS 32
#define PN_PAGE_MAX 65536        /* a probe reads no more of a page */
#define PN_CA_DEFAULT "/etc/ssl/certs/ca-certificates.crt"
#define PN_INFO_REDIRECTS 5      /* RFC 8801 4.1 redirections followed, at most */

enum { PR_HTTP, PR_HTTPS, PR_API, PR_INFO, PR__N };     /* requests */
enum { PL_HIJACK = PR__N, PL__N };              /* lookups: one per request, + hijack */

struct probe_job;

struct probe_req {
	struct probe_job *job;
	CURL *h;
	int kind;
	size_t bytes;
	char *body;                  /* the API's answer */
	struct curl_slist *resolve, *headers;
};

struct probe_job {
	LIST_ENTRY(probe_job) e;
	struct probe_net *pn;
	struct msg_probe_start m;
	bool v6;
	char host[PR__N][256];
	uint16_t port[PR__N];
	const char *url[PR__N];
	struct probe_lookup look[PL__N];
	unsigned look_pending, req_pending;
	struct probe_req req[PR__N];
	struct msg_probe_result res;
	bool fell_back;              /* made again over IPv4 (pn_fallback) */
	bool info;                   /* an RFC 8801 fetch, not a check */
	char info_url[CONN_LOCATION_MAX];
	unsigned redirects;          /* followed so far (RFC 8801 section 4.1) */
	struct msg_pvdinfo_result ires;
};

struct probe_net {
	struct event_base *base;
	struct conn_config cfg;
	struct netview *nv;
	struct stub *stub;
	CURLM *multi;
	struct event *timer;
	char *ca;                    /* the CA file, read at start */
	size_t ca_len;
	LIST_HEAD(, probe_job) jobs;
	unsigned n_jobs;
	struct probe_stall *stall;
	struct probe_quality *quality;
};

static void pn_job_reset(struct probe_job *j);

static void pn_job_free(struct probe_job *j)
{
	pn_job_reset(j);
	LIST_REMOVE(j, e);
	j->pn->n_jobs--;
	free(j);
}

static void pn_job_lookups(struct probe_job *j);

/* Back to before the lookups: the requests' and lookups' state freed. */
static void pn_job_reset(struct probe_job *j)
{
	for (int i = 0; i < PL__N; i++) {
		probe_lookup_stop(&j->look[i]);
		probe_lookup_idle(&j->look[i]);
	}
	for (int i = 0; i < PR__N; i++) {
		struct probe_req *q = &j->req[i];

		if (q->h) {
			curl_multi_remove_handle(j->pn->multi, q->h);
			curl_easy_cleanup(q->h);
		}
		curl_slist_free_all(q->resolve);
		curl_slist_free_all(q->headers);
		free(q->body);
		memset(q, 0, sizeof(*q));
	}
	j->look_pending = j->req_pending = 0;
}

/* Silence, or a network that cannot be reached: what a broken IPv6 gives,
 * unlike an answer ("no AAAA record", an error status). */
static bool pn_silent(int err)
{
	return err == -ETIMEDOUT || err == -ENETUNREACH || err == -EHOSTUNREACH ||
	       err == -ENETDOWN || err == -EHOSTDOWN || err == -EADDRNOTAVAIL ||
	       err == -ECONNREFUSED || err == -ECONNRESET;
}

/*
 * A check over IPv6 whose lookup or HTTP request failed is made once more
 * over IPv4 when the PvD has an IPv4 address: a network whose IPv6 is
 * broken, a portal that intercepts IPv4 only, or a probe host without an
 * AAAA record is then judged by what IPv4 finds (conn_classify), not
 * taken for a network without Internet. True if the second round started.
 */
static bool pn_fallback(struct probe_job *j)
{
	struct conn_result *r = &j->res.r;
	int32_t dns_err = r->dns_err, http_err = r->http_err;
	const char *why;

	if (!j->v6 || j->fell_back || IN6_IS_ADDR_UNSPECIFIED(&j->m.src4) ||
	    conn_classify(r, &why) != CONN_NO_INTERNET || (!dns_err && !http_err))
		return false;
	log_debug("probe %u: the check failed over IPv6 (%s); again over IPv4", j->m.token,
		  why);
	pn_job_reset(j);
	memset(r, 0, sizeof(*r));
	r->api_err = -ENOENT;
	r->api_captive = -1;
	r->v6_tried = 1;
	r->v6_failed = dns_err ? pn_silent(dns_err) : pn_silent(http_err);
	r->v6_dns_err = dns_err;
	r->v6_http_err = http_err;
	j->fell_back = true;
	j->v6 = false;
	pn_job_lookups(j);
	return true;
}

static void pn_job_finish(struct probe_job *j)
{
	struct conn_result *r = &j->res.r;

	if (!j->info && pn_fallback(j))
		return;
	r->family = j->v6 ? 6 : 4;
	if (j->info) {
		if (netview_send(j->pn->nv, MSG_PVDINFO_RESULT, &j->ires, sizeof(j->ires)) < 0)
			log_warn("probe: cannot send a result to the engine");
		pn_job_free(j);
		return;
	}

	log_debug("probe %u: dns %d (%u ms) http %d/%d https %d/%d api %d", j->m.token,
		  r->dns_err, r->dns_ms, r->http_err, r->http_code, r->https_err, r->https_code,
		  r->api_err);
	if (netview_send(j->pn->nv, MSG_PROBE_RESULT, &j->res, sizeof(j->res)) < 0)
		log_warn("probe: cannot send a result to the engine");
	pn_job_free(j);
}

/* The RFC 8908 answer, read into the result. */
static void pn_api_done(struct probe_req *q, long code)
{
	struct conn_result *r = &q->job->res.r;
	struct captive_info c;
	enum captive_error why;

	if (code != 200) {
		log_warn("probe: the portal API of PvD %llu answered HTTP %ld, not 200",
			 (unsigned long long)q->job->m.handle, code);
		r->api_err = -EPROTO;
		return;
	}
	if (captive_parse(q->body ? q->body : "", q->bytes, &c, &why) < 0) {
		log_warn("probe: the portal API of PvD %llu answered badly: %s",
			 (unsigned long long)q->job->m.handle, captive_error_name(why));
		r->api_err = -EBADMSG;
		return;
	}
	r->api_err = 0;
	r->api_captive = c.captive;
	r->api_seconds = c.has_seconds ? c.seconds_remaining : 0;
	r->api_can_extend = c.can_extend_session;
	snprintf(r->api_portal_url, sizeof(r->api_portal_url), "%s", c.user_portal_url);
}

/* RFC 8801 section 4.1: a 2xx of type application/pvd+json holding one
 * object, parsed here (the server is a peer: hostile input). */
static void pn_info_done(struct probe_req *q, long code)
{
	struct msg_pvdinfo_result *r = &q->job->ires;
	char *type = NULL;
	enum pvdinfo_error why;

	r->detail = (uint32_t)code;
	curl_easy_getinfo(q->h, CURLINFO_CONTENT_TYPE, &type);
	if (code < 200 || code > 299) {
		r->err = -EPROTO;
		return;
	}
	if (!type || strncasecmp(type, "application/pvd+json", 20) != 0) {
		r->err = -EMEDIUMTYPE;
		return;
	}
	if (pvdinfo_parse(q->body ? q->body : "", q->bytes, &r->info, &why) < 0) {
		r->err = -EBADMSG;
		r->detail = why;
		return;
	}
	r->err = 0;
}

static int pn_curl_err(CURLcode c, long os_errno)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return -EPROTO;      /* TLS did not verify or complete */
	case CURLE_FILESIZE_EXCEEDED:
		return -EFBIG;
	default:
		return os_errno > 0 ? -(int)os_errno : -EIO;
	}
}

static void pn_lookup_done(struct probe_lookup *l, void *ctx);
static bool pn_literal(struct probe_job *j, int k);
static void pn_requests(struct probe_job *j);

/*
 * RFC 8801 section 4.1: a 3xx answer to the additional-information fetch
 * MUST be followed. libcurl does not follow it (it would resolve the new
 * host itself, outside the PvD's servers): the new URL goes through the
 * same steps as the first, its host looked up by the PvD's own servers.
 * Only to https (the information is fetched over HTTPS only), at most
 * PN_INFO_REDIRECTS times. true when a new fetch was prepared; otherwise
 * ires says why not.
 */
static bool pn_info_redirect(struct probe_req *q, long code)
{
	struct probe_job *j = q->job;
	char *loc = NULL;
	bool tls;

	if (code < 300 || code > 399)
		return false;
	if (curl_easy_getinfo(q->h, CURLINFO_REDIRECT_URL, &loc) != CURLE_OK || !loc)
		return false;                /* no Location: an HTTP status error */
	j->ires.detail = (uint32_t)code;
	if (j->redirects >= PN_INFO_REDIRECTS) {
		j->ires.err = -ELOOP;
		return false;
	}
	if (strncmp(loc, "https://", 8) != 0 || strlen(loc) >= sizeof(j->info_url) ||
	    conn_url_host(loc, j->host[PR_INFO], sizeof(j->host[PR_INFO]), &j->port[PR_INFO],
			  &tls) < 0) {
		j->ires.err = -EPERM;
		return false;
	}
	snprintf(j->info_url, sizeof(j->info_url), "%s", loc);
	j->redirects++;
	return true;
}

/* After pn_info_redirect: the request's state goes, the new host is
 * looked up through the PvD, then fetched (pn_requests). */
static void pn_info_refetch(struct probe_job *j)
{
	struct probe_req *q = &j->req[PR_INFO];

	curl_slist_free_all(q->resolve);
	curl_slist_free_all(q->headers);
	free(q->body);
	q->resolve = q->headers = NULL;
	q->body = NULL;
	q->bytes = 0;
	probe_lookup_stop(&j->look[PR_INFO]);
	probe_lookup_idle(&j->look[PR_INFO]);
	j->ires.err = -EINVAL;
	j->ires.detail = 0;
	j->look_pending = 1;
	if (!pn_literal(j, PR_INFO)) {
		j->look_pending++;
		probe_lookup_start(&j->look[PR_INFO], j->pn->base, &j->m, j->host[PR_INFO], j->v6,
				   j->m.timeout_ms, 2, pn_lookup_done, j);
	}
	if (--j->look_pending == 0)
		pn_requests(j);
}

static void pn_req_done(struct probe_req *q, CURLcode c)
{
	struct conn_result *r = &q->job->res.r;
	long code = 0, os = 0;
	double t = 0;
	char *loc = NULL;
	bool redirect = false;
	int err;

	curl_easy_getinfo(q->h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(q->h, CURLINFO_OS_ERRNO, &os);
	curl_easy_getinfo(q->h, CURLINFO_TOTAL_TIME, &t);
	/* A probe's page cut short by us (PN_PAGE_MAX) still gave its status;
	 * an API or PvD object cut short is too large to be one. */
	if (c == CURLE_WRITE_ERROR && (q->kind == PR_API || q->kind == PR_INFO))
		c = CURLE_FILESIZE_EXCEEDED;
	err = c == CURLE_OK || (c == CURLE_WRITE_ERROR && code) ? 0 : pn_curl_err(c, os);
	if (err)
		log_debug("probe %u: %s: %s", q->job->m.token, q->job->url[q->kind],
			  curl_easy_strerror(c));
	if (q->kind == PR_HTTP) {
		r->http_err = err;
		r->http_code = (int32_t)code;
		r->http_ms = (uint32_t)(t * 1000);
		if (!err && curl_easy_getinfo(q->h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
			snprintf(r->location, sizeof(r->location), "%s", loc);
	} else if (q->kind == PR_HTTPS) {
		r->https_err = err;
		r->https_code = (int32_t)code;
		r->https_ms = (uint32_t)(t * 1000);
	} else if (q->kind == PR_INFO) {
		if (err)
			q->job->ires.err = err;
		else if (!(redirect = pn_info_redirect(q, code)) && !q->job->ires.detail)
			pn_info_done(q, code);
	} else if (err) {
		r->api_err = err;
		r->api_code = (int32_t)code;
		log_warn("probe: the portal API of PvD %llu failed: %s",
			 (unsigned long long)q->job->m.handle, strerror(-err));
	} else {
		r->api_code = (int32_t)code;
		pn_api_done(q, code);
	}
	curl_multi_remove_handle(q->job->pn->multi, q->h);
	curl_easy_cleanup(q->h);
	q->h = NULL;
	if (redirect) {
		q->job->req_pending--;
		pn_info_refetch(q->job);
		return;
	}
	if (--q->job->req_pending == 0)
		pn_job_finish(q->job);
}

static void pn_check(struct probe_net *pn)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(pn->multi, &left))) {
		struct probe_req *q = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&q);
		if (q)
			pn_req_done(q, msg->data.result);
	}
}

static size_t pn_write(char *data, size_t size, size_t n, void *arg)
{
	struct probe_req *q = arg;
	size_t len = size * n;

	bool keep = q->kind == PR_API || q->kind == PR_INFO;

	if (q->bytes + len > (keep ? CAPTIVE_MAX_BODY : PN_PAGE_MAX))
		return 0;            /* enough: the transfer stops */
	if (keep) {
		char *b = realloc(q->body, q->bytes + len + 1);

		if (!b)
			return 0;
		memcpy(b + q->bytes, data, len);
		b[q->bytes + len] = '\0';
		q->body = b;
	}
	q->bytes += len;
	return len;
}

static curl_socket_t pn_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct probe_req *q = arg;
	int fd;

	(void)purpose;
	fd = probe_socket(&q->job->m, a->family, a->socktype);
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static int pn_easy_setup(struct probe_req *q, const char *url)
{
	struct probe_net *pn = q->job->pn;
	struct curl_blob ca = { .data = pn->ca, .len = pn->ca_len, .flags = CURL_BLOB_NOCOPY };
	CURL *h = curl_easy_init();
	int bad = 0;

	if (!h)
		return -ENOMEM;
	q->h = h;
	bad |= curl_easy_setopt(h, CURLOPT_URL, url);
	bad |= curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)q);
	bad |= curl_easy_setopt(h, CURLOPT_RESOLVE, q->resolve);
	bad |= curl_easy_setopt(h, CURLOPT_IPRESOLVE, q->job->v6 ? CURL_IPRESOLVE_V6 :
				CURL_IPRESOLVE_V4);
	bad |= curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, pn_opensocket);
	bad |= curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, q);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, pn_write);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, q);
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)q->job->m.timeout_ms);
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(h, CURLOPT_PROXY, "");
	bad |= curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	bad |= curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	/* RFC 8801 section 7: no User-Agent (nor cookies) for its fetch. */
	if (q->kind != PR_INFO)
		bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "mifd connectivity check");
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* No file is opened after start-up: the CAs come from memory. */
	bad |= curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
	bad |= curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	if (pn->ca)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
	if (q->headers)
		bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, q->headers);
	if (bad || curl_multi_add_handle(pn->multi, h) != CURLM_OK)
		return -EINVAL;
	return 0;
}

/* After the lookups: each request whose host resolved goes out. */
static void pn_requests(struct probe_job *j)
{
	for (int k = 0; k < PR__N; k++) {
		struct probe_req *q = &j->req[k];
		struct probe_lookup *l = &j->look[k];
		char entry[400], a[INET6_ADDRSTRLEN];
		int32_t *err = k == PR_HTTP ? &j->res.r.http_err : k == PR_HTTPS ?
			       &j->res.r.https_err : k == PR_API ? &j->res.r.api_err :
			       &j->ires.err;

		if (!j->url[k])
			continue;
		if (l->err) {
			*err = l->err;
			continue;
		}
		addr_ntop(&l->addr, a, sizeof(a));
		snprintf(entry, sizeof(entry), j->v6 ? "%s:%u:[%s]" : "%s:%u:%s", j->host[k],
			 j->port[k], a);
		q->job = j;
		q->kind = k;
		q->resolve = curl_slist_append(NULL, entry);
		if (k == PR_API)
			q->headers = curl_slist_append(NULL, "Accept: application/captive+json");
		if (k == PR_INFO)
			q->headers = curl_slist_append(NULL, "Accept: application/pvd+json");
		if (!q->resolve || pn_easy_setup(q, j->url[k]) < 0) {
			*err = -ENOMEM;
			continue;
		}
		j->req_pending++;
	}
	if (j->req_pending == 0)
		pn_job_finish(j);
}

static void pn_lookup_done(struct probe_lookup *l, void *ctx)
{
	struct probe_job *j = ctx;

	if (l == &j->look[PR_HTTP]) {
		j->res.r.dns_err = l->err;
		j->res.r.dns_ms = l->ms;
		j->res.r.dns_answers = l->answers;
	} else if (l == &j->look[PL_HIJACK]) {
		j->res.r.dns_hijack = l->err == 0;
	}
	if (--j->look_pending == 0)
		pn_requests(j);
}

/* A host that is an IP literal needs no lookup. */
static bool pn_literal(struct probe_job *j, int k)
{
	struct in6_addr a;

	if (addr_parse(j->host[k], &a) < 0)
		return false;
	j->look[k].addr = a;
	j->look[k].answers = 1;
	return true;
}

static void pn_job_lookups(struct probe_job *j)
{
	struct probe_net *pn = j->pn;
	char name[300];

	j->look_pending = 1;     /* held until every lookup is started */
	for (int k = 0; k < PR__N; k++) {
		probe_lookup_idle(&j->look[k]);
		if (!j->url[k] || pn_literal(j, k))
			continue;
		j->look_pending++;
		probe_lookup_start(&j->look[k], pn->base, &j->m, j->host[k], j->v6,
				   j->m.timeout_ms, 2, pn_lookup_done, j);
	}
	/* A portal that answers every name answers this one too (issue 13). */
	probe_lookup_idle(&j->look[PL_HIJACK]);
	if (j->url[PR_HTTP] && !pn_literal(j, PR_HTTP) &&
	    snprintf(name, sizeof(name), "mif-%08x%08x.%s", rand_u32(), rand_u32(),
		     j->host[PR_HTTP]) < (int)sizeof(name) - 1) {
		j->look_pending++;
		probe_lookup_start(&j->look[PL_HIJACK], pn->base, &j->m, name, j->v6,
				   j->m.timeout_ms, 2, pn_lookup_done, j);
	}
	if (--j->look_pending == 0)
		pn_requests(j);
}

static void pn_start(struct probe_net *pn, const struct msg_probe_start *m, bool info)
{
	struct probe_job *j;
	bool tls;

	if (pn->n_jobs >= PN_MAX_JOBS || !(j = calloc(1, sizeof(*j))))
		return;          /* the engine's deadline frees its slot */
	LIST_INSERT_HEAD(&pn->jobs, j, e);
	pn->n_jobs++;
	j->pn = pn;
	j->m = *m;
	j->m.api_url[sizeof(j->m.api_url) - 1] = '\0';
	if (!j->m.timeout_ms || j->m.timeout_ms > 60000)
		j->m.timeout_ms = pn->cfg.timeout_ms;
	j->v6 = !IN6_IS_ADDR_UNSPECIFIED(&m->src6);
	j->res.token = m->token;
	j->res.handle = m->handle;
	j->res.r.api_err = -ENOENT;
	j->res.r.api_captive = -1;
	j->info = info;
	j->ires.err = -EINVAL;       /* until a request says otherwise */
	j->ires.token = m->token;
	j->ires.handle = m->handle;
	if (info) {
		/* RFC 8801 section 4.1: https://<PvD-ID>/.well-known/pvd; the
		 * engine sends the PvD's id in api_url. */
		snprintf(j->info_url, sizeof(j->info_url), "https://%.300s/.well-known/pvd",
			 j->m.api_url);
		j->url[PR_INFO] = j->info_url;
	} else {
		j->url[PR_HTTP] = pn->cfg.http_url;
		j->url[PR_HTTPS] = pn->cfg.https_url;
		j->url[PR_API] = strncmp(j->m.api_url, "https://", 8) == 0 ? j->m.api_url : NULL;
	}
	for (int k = 0; k < PR__N; k++)
		if (j->url[k] && conn_url_host(j->url[k], j->host[k], sizeof(j->host[k]),
					       &j->port[k], &tls) < 0)
			j->url[k] = NULL;
	pn_job_lookups(j);
}

/* Portal case b (problem statement 4.1): the portal's answers go when it
 * opens; what it said about other names is not kept for after login. */
static void pn_flush(struct probe_net *pn, uint64_t handle)
{
	const char *id = netview_pvd_id(pn->nv, handle);
	json_t *params, *out = NULL;
	char err[128];

	if (!id || !(params = json_pack("{s:s}", "pvd", id)))
		return;
	if (stub_flush(pn->stub, params, &out, err, sizeof(err)) == 0)
		log_info("connectivity: %s opened: its cached DNS answers were dropped", id);
	json_decref(out);
	json_decref(params);
}

static void pn_msg(void *ctx, const struct ipc_msg *m)
{
	struct probe_net *pn = ctx;

	if ((m->hdr.type == MSG_PROBE_START || m->hdr.type == MSG_PVDINFO_FETCH) &&
	    ipc_expect(m, sizeof(struct msg_probe_start)) == 0) {
		struct msg_probe_start s;

		memcpy(&s, m->data, sizeof(s));
		pn_start(pn, &s, m->hdr.type == MSG_PVDINFO_FETCH);
	} else if (m->hdr.type == MSG_QUALITY_START &&
		   ipc_expect(m, sizeof(struct msg_quality_start)) == 0) {
		struct msg_quality_start q;

		memcpy(&q, m->data, sizeof(q));
		if (pn->quality)
			probe_quality_start(pn->quality, &q);
	} else if (m->hdr.type == MSG_PROBE_FLUSH &&
		   ipc_expect(m, sizeof(struct msg_probe_flush)) == 0 && pn->stub) {
		struct msg_probe_flush f;

		memcpy(&f, m->data, sizeof(f));
		pn_flush(pn, f.handle);
	}
}

static void pn_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_net *pn = arg;
	int running;

	curl_multi_socket_action(pn->multi, fd, (what & EV_READ ? CURL_CSELECT_IN : 0) |
				 (what & EV_WRITE ? CURL_CSELECT_OUT : 0), &running);
	pn_check(pn);
}

static void pn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_net *pn = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(pn->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	pn_check(pn);
}

static int pn_socket_cb(CURL *h, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct probe_net *pn = arg;
	struct event *ev = sockp;
	short kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
		     (what & CURL_POLL_OUT ? EV_WRITE : 0);

	(void)h;
	if (what == CURL_POLL_REMOVE) {
		if (ev)
			event_free(ev);
		curl_multi_assign(pn->multi, s, NULL);
		return 0;
	}
	if (ev) {
		event_del(ev);
		event_assign(ev, pn->base, s, kind, pn_event_cb, pn);
	} else {
		ev = event_new(pn->base, s, kind, pn_event_cb, pn);
		if (!ev)
			return -1;
		curl_multi_assign(pn->multi, s, ev);
	}
	event_add(ev, NULL);
	return 0;
}

static int pn_timer_fn(CURLM *multi, long ms, void *arg)
{
	struct probe_net *pn = arg;
	struct timeval tv = { ms / 1000, (suseconds_t)(ms % 1000) * 1000 };

	(void)multi;
	if (ms < 0)
		evtimer_del(pn->timer);
	else
		evtimer_add(pn->timer, &tv);
	return 0;
}

/* The CA file, read once: the process opens no file after start-up. */
static void pn_read_ca(struct probe_net *pn)
{
	const char *path = pn->cfg.ca_file[0] ? pn->cfg.ca_file : PN_CA_DEFAULT;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) <= 0 || n > (16 << 20) ||
	    fseek(f, 0, SEEK_SET) < 0 || !(pn->ca = malloc((size_t)n)) ||
	    fread(pn->ca, 1, (size_t)n, f) != (size_t)n) {
		log_warn("connectivity: cannot read the CA file %s: HTTPS probes will fail", path);
		free(pn->ca);
		pn->ca = NULL;
	} else {
		pn->ca_len = (size_t)n;
	}
	if (f)
		fclose(f);
}

struct probe_net *probe_net_new(struct event_base *base, const struct conn_config *cfg,
				struct netview *nv, struct stub *stub, int *err)
{
	struct probe_net *pn = calloc(1, sizeof(*pn));

	*err = -ENOMEM;
	if (!pn)
		return NULL;
	pn->base = base;
	pn->cfg = *cfg;
	pn->nv = nv;
	pn->stub = stub;
	LIST_INIT(&pn->jobs);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*err = -EIO;
		free(pn);
		return NULL;
	}
	pn->multi = curl_multi_init();
	pn->timer = evtimer_new(base, pn_timer_cb, pn);
	if (!pn->multi || !pn->timer) {
		probe_net_free(pn);
		return NULL;
	}
	curl_multi_setopt(pn->multi, CURLMOPT_SOCKETFUNCTION, pn_socket_cb);
	curl_multi_setopt(pn->multi, CURLMOPT_SOCKETDATA, pn);
	curl_multi_setopt(pn->multi, CURLMOPT_TIMERFUNCTION, pn_timer_fn);
	curl_multi_setopt(pn->multi, CURLMOPT_TIMERDATA, pn);
	pn_read_ca(pn);
	{
		char host[256];
		uint16_t port;
		bool tls;

		if (conn_url_host(pn->cfg.http_url, host, sizeof(host), &port, &tls) == 0)
			pn->quality = probe_quality_new(base, nv, host);
		if (!pn->quality)
			log_warn("connectivity: no path quality samples (no probe host or memory)");
	}
	pn->stall = probe_stall_new(base, nv, pn->quality);
	if (!pn->stall)
		log_warn("connectivity: no sock_diag socket: stalls are found by the periodic "
			 "checks only");
	else if (stub)
		stub_set_health_cb(stub, probe_stall_dns, pn->stall);
	netview_set_probe_cb(nv, pn_msg, pn);
	*err = 0;
	return pn;
}

void probe_net_free(struct probe_net *pn)
{
	if (!pn)
		return;
	while (!LIST_EMPTY(&pn->jobs))
		pn_job_free(LIST_FIRST(&pn->jobs));
	if (pn->multi)
		curl_multi_cleanup(pn->multi);
	if (pn->timer)
		event_free(pn->timer);
	if (pn->stub)
		stub_set_health_cb(pn->stub, NULL, NULL);
	probe_stall_free(pn->stall);
	probe_quality_free(pn->quality);
	free(pn->ca);
	free(pn);
	curl_global_cleanup();
}

/* SPDX-License-Identifier: MIT */
/* libmif internals shared by pvd.c, resolve.c, connect.c and event.c.
 * Everything here is hidden (-fvisibility=hidden). */
#ifndef MIF_LIB_PVD_PRIV_H
#define MIF_LIB_PVD_PRIV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/paths.h"
#include "mif/pvd.h"
#include "proto/addrsel.h"

/* How long a plain request (pvd.list, pvd.get, status...) may take. */
#define MIF_PRIV_CALL_MS 5000
/* How long mif_resolve() waits for one dns.resolve answer. */
#define MIF_PRIV_RESOLVE_MS 15000

int mif_priv_err(char *err, size_t len, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct sockaddr_un;
/*
 * Connect fd to a Unix socket. It connects at once or, when mifd's backlog
 * is full (mifd stalled or flooded), fails with EAGAIN where a blocking
 * connect() would wait forever: retry until deadline (ms, monotonic), then
 * -ETIMEDOUT. fd's blocking mode is left as it was.
 */
int mif_priv_unix_connect(int fd, const struct sockaddr_un *sun, long long deadline);

/* Control space for one descriptor passed with SCM_RIGHTS. */
union mif_priv_fdbuf {
	struct cmsghdr h;
	char b[CMSG_SPACE(sizeof(int))];
};

/* Make m one message of iov (set by the caller) with fd attached in cb:
 * mifd's bind request. */
void mif_priv_fd_msg(struct msghdr *m, struct iovec *iov, union mif_priv_fdbuf *cb, int fd);

/* mifd's bind reply: {"ok":true,"pvd":...} -> 0; {"ok":false,"errno":N,
 * "error":TEXT} -> -N; anything else (or a truncated message) -EPROTO. */
int mif_priv_bind_reply(const char *buf, size_t n, bool truncated, char *err, size_t errlen);

/* Milliseconds left before deadline (never negative); -1 stays -1. */
int mif_priv_left(long long deadline);

/*
 * Call method with params (a JSON object, reference stolen; NULL for
 * none) and parse the result: 0 and *result (an object, decref it), or a
 * negative errno with a sentence in err (mifd's own message when it sent
 * an error reply). A result that is not an object is -EPROTO.
 */
int mif_priv_call(struct mif_ctl *c, const char *method, json_t *params, json_t **result,
		  int timeout_ms, char *err, size_t errlen);

/*
 * The same in two halves, so that several requests are in flight at once
 * on one connection (mifd answers them in order; dns.resolve requests are
 * worked on together: RFC 8305 section 3 sends AAAA and A at once).
 * mif_priv_call_recv() with deadline MIF_PRIV_NOWAIT returns -EAGAIN
 * while the reply has not fully arrived.
 */
#define MIF_PRIV_NOWAIT (-2LL)
int mif_priv_call_send(struct mif_ctl *c, const char *method, json_t *params, long long *id,
		       char *err, size_t errlen);
int mif_priv_call_recv(struct mif_ctl *c, const char *method, long long id, long long deadline,
		       json_t **result, char *err, size_t errlen);
/* The raw halves (ctl.c): params as JSON text (NULL: {}); replies as
 * mif_ctl_call() gives them. */
int mif_priv_send(struct mif_ctl *c, const char *method, const char *params_json, long long *id);
int mif_priv_recv(struct mif_ctl *c, long long id, long long deadline, char **result_json,
		  char **error_msg);

/* Decode a PVD object (doc/control-protocol.md) into out. default_v4/v6
 * are left false. -EPROTO if a required field (handle, id) is missing or
 * any known field has the wrong type. */
int mif_priv_pvd_info(json_t *o, struct mif_pvd_info *out);

/* The decimal text of a handle, for requests that take an id. */
void mif_priv_handle_text(mif_pvd_handle h, char *buf, size_t len);

/* One PvD as mif_resolve() sorts with it: its handle and id, its usable
 * addresses as RFC 6724 source candidates, its policy table. */
struct mif_priv_pvd {
	mif_pvd_handle handle;
	char id[MIF_PVD_ID_MAX];
	struct addrsel_table table;
	struct addrsel_source src[ADDRSEL_MAX_ADDRS];
	size_t nsrc;
};

/* Fill p from a pvd.get result: addresses that are not tentative or
 * duplicate (RFC 4862 section 5.4: those cannot be a source), deprecated
 * ones flagged (RFC 6724 rule 3); the DHCPv6 address selection policy
 * (RFC 7078) or the RFC 6724 default table. -EPROTO on a malformed
 * object. */
int mif_priv_pvd_load(json_t *o, struct mif_priv_pvd *p);

/* mif_resolve() with a deadline (ms on clock_mono_ms()'s clock). */
int mif_priv_resolve(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
		     struct mif_addr *out, size_t cap, size_t *n, long long deadline,
		     char *err, size_t errlen);

/*
 * One resolution as separate steps, several in flight at once
 * (mif_connect() across PvDs): start sends pvd.get (for a PvD asked for),
 * AAAA and A together, A on c2 when given (so that its answer may come
 * first: mifd answers one connection in order); step reads the replies
 * that have come (deadline MIF_PRIV_NOWAIT: without waiting) and returns
 * 1 once all are in, 0 while some are not, or a negative errno when a
 * connection failed; ready says which families can be sorted now; fds the
 * connections still awaited (at most 2); done sorts the answers of the
 * families asked for (ready ones) as mif_resolve() does.
 */
#define MIF_RES_NAME_MAX 1025
#define MIF_RES_V6 1u
#define MIF_RES_V4 2u
struct mif_res_job;
int mif_res_job_start(struct mif_ctl *c, struct mif_ctl *c2, const char *pvd, const char *name,
		      struct mif_res_job **ret, char *err, size_t errlen);
int mif_res_job_step(struct mif_res_job *j, long long deadline, char *err, size_t errlen);
unsigned mif_res_job_ready(const struct mif_res_job *j);
size_t mif_res_job_fds(const struct mif_res_job *j, int fds[2]);
int mif_res_job_done(struct mif_res_job *j, unsigned fams, uint16_t port, struct mif_addr *out,
		     size_t cap, size_t *n, long long deadline, char *err, size_t errlen);
void mif_res_job_free(struct mif_res_job *j);

#endif

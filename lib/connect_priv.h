/* SPDX-License-Identifier: MIT */
/* libmif internals of mif_connect(): the attempts (connect.c) and the
 * race between PvDs (connect_race.c). Hidden (-fvisibility=hidden). */
#ifndef MIF_LIB_CONNECT_PRIV_H
#define MIF_LIB_CONNECT_PRIV_H

#include <poll.h>
#include <sys/un.h>

#include "pvd_priv.h"

/* RFC 8305 section 5: the recommended Connection Attempt Delay, and the
 * bounds a caller's value is kept in (never below 10 ms; section 8 sets
 * 2 s as the largest sensible one). */
#define MIF_CONN_ATTEMPT_DELAY_MS 250
#define MIF_CONN_DELAY_MIN_MS 10
#define MIF_CONN_DELAY_MAX_MS 2000
/* The whole call, when the caller gives no limit. */
#define MIF_CONN_DEFAULT_MS 30000
#define MIF_CONN_PVDS MIF_CONNECT_MAX_PVDS
#define MIF_CONN_PER_PVD 32
#define MIF_CONN_MAX (MIF_CONN_PVDS * MIF_CONN_PER_PVD)
/* A bind reply is one small JSON object (doc/control-protocol.md). */
#define MIF_CONN_BIND_REPLY 4096
/* route.get for a PvD's address: mifd asks the kernel, 3 s at most. */
#define MIF_CONN_ROUTE_MS 3500

/* RFC 8305 section 3: when A's answer comes first, AAAA's is waited for
 * this long before the IPv4 attempts start. */
#define MIF_CONN_RESOLUTION_DELAY_MS 50

/* One PvD in the race: its resolution, then its addresses'
 * attempts. Its addresses are addr[first .. first + naddr), its trying
 * order order[first .. first + n), of which next were started. */
struct mif_conn_pvd {
	char id[MIF_PVD_ID_MAX];             /* "" : mifd's choice (one slot) */
	struct mif_ctl *own, *own2;          /* its own control connections (A's: own2) */
	bool begun;                          /* its resolution was started */
	struct mif_res_job *job;             /* while resolving */
	unsigned added;                      /* families in (MIF_RES_V6, MIF_RES_V4) */
	long long a_at;                      /* when A's answer came before AAAA's */
	bool res_done, failed;
	size_t first, naddr, n, next;
	unsigned pending;                    /* its attempts in progress */
	bool started;
	long long started_at, next_at;
};

/*
 * Attempts in progress: pfd[i] is mifd's bind socket while the attempt
 * waits for its answer (binding[i]), then the TCP socket sock[i] while it
 * connects. Past np, pfd holds the control sockets of the resolutions.
 */
struct mif_conn {
	struct mif_addr addr[MIF_CONN_MAX];
	size_t apvd[MIF_CONN_MAX];           /* the race slot of each address */
	size_t order[MIF_CONN_MAX];          /* usable addresses, per PvD in trying order */
	struct pollfd pfd[MIF_CONN_MAX + 2 * MIF_CONN_PVDS];
	size_t pidx[MIF_CONN_MAX], np;
	int sock[MIF_CONN_MAX];
	bool binding[MIF_CONN_MAX];
	struct sockaddr_un bind_addr;        /* mifd's bind socket */
	char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned tried, refused, failed;
	int other_err;                       /* the first failure other than refused */
	char other_msg[160];
	struct mif_conn_pvd pvd[MIF_CONN_PVDS];
	size_t npvd;
	struct mif_ctl *c;                   /* the caller's connection (the first PvD's) */
	bool check_routes;                   /* mifd's order: PvDs past the first need a route */
	int delay;
	long long start, deadline;
	const char *name;
	uint16_t port;
	int res_err;                         /* the first PvD's resolution failure */
	char res_msg[256];
};

/* The usable addresses of addr[base .. base + n) in trying order,
 * families interleaved (RFC 8305 section 4), into out; how many. */
size_t mif_conn_order(const struct mif_conn *k, size_t base, size_t n, size_t *out);
/* mifd's bind and control socket paths, from c's connection. */
int mif_conn_path(struct mif_ctl *c, struct mif_conn *k, char *err, size_t errlen);
/* Start one attempt on address idx: 1 in progress, 0 failed (recorded), a
 * negative errno that ends the call. */
int mif_conn_start(struct mif_conn *k, size_t idx, char *err, size_t errlen);
/* The attempts poll() reported: *won a connected one's index in pfd, or
 * -1; 0, or a negative errno that ends the call. */
int mif_conn_reap(struct mif_conn *k, int *won, char *err, size_t errlen);
/* Close every attempt but keep (-1: all). */
void mif_conn_close_all(struct mif_conn *k, int keep);
/* The error of a call in which every attempt failed. */
int mif_conn_all_failed(struct mif_conn *k, const char *name, char *err, size_t errlen);
/* err for a fatal failure of mif_conn_start() or mif_conn_reap(). */
int mif_conn_fatal(int e, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/* Between probe_net.c (the jobs, libcurl) and probe_dns.c (the lookups). */
#ifndef MIF_DAEMON_PROBE_PRIV_H
#define MIF_DAEMON_PROBE_PRIV_H

#include <event2/event.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/core/msg.h"
#include "proto/dns.h"

struct probe_lookup;
typedef void (*probe_lookup_fn)(struct probe_lookup *l, void *ctx);

/* One question (A or AAAA) to the first of the PvD's servers of the
 * check's family that has a source address of its family, from that
 * address, on its interface; with servers = 2, to the next server too
 * when the first has not answered within half the time, an answer from
 * either taken until the end (probe_dns.c). */
struct probe_lookup {
	int fd[2];                           /* one socket per server asked */
	struct event *rd[2];
	struct event *timer;                 /* the next server, the end */
	struct event_base *base;
	const struct msg_probe_start *m;     /* the job's: outlives the lookup */
	uint8_t query[DNS_QUERY_MAX];
	uint16_t qlen;
	uint16_t id, qtype;
	bool v6;
	uint32_t next;                       /* pd_server's place in the list */
	unsigned tries, max_tries;
	uint64_t deadline_ns;
	struct dns_question q;
	uint64_t t0;
	probe_lookup_fn done;
	void *ctx;
	bool running;
	/* The outcome: err 0 with addr (the first address of qtype's family,
	 * IPv4 as v4-mapped) and answers; -ENOENT NXDOMAIN, -ENODATA no
	 * address, -EPROTO an error rcode, -ETIMEDOUT, or the socket's error. */
	int err;
	struct in6_addr addr;
	unsigned answers;
	uint32_t ms;
};

/* Idle: nothing to stop (before the first start, or to start afresh). */
void probe_lookup_idle(struct probe_lookup *l);
/* Start, asking at most servers (1 or 2) of the PvD's; done is called
 * once, later, from the loop (also on failure). */
void probe_lookup_start(struct probe_lookup *l, struct event_base *base,
			const struct msg_probe_start *m, const char *name, bool v6,
			uint32_t timeout_ms, unsigned servers, probe_lookup_fn done, void *ctx);
/* Stop without calling done (the job goes away). */
void probe_lookup_stop(struct probe_lookup *l);

/* A socket of family bound to the probe's interface and its source
 * address of that family (when it has one): what every probe sends from. */
int probe_socket(const struct msg_probe_start *m, int family, int type);

/* probe_quality.c: path quality (issue 13 item 4), active rounds and the
 * passive figures of the sockets probe_stall.c reads. */
struct netview;
struct sockdiag_tcp;
struct probe_quality;
struct probe_quality *probe_quality_new(struct event_base *base, struct netview *nv,
					const char *host);
void probe_quality_free(struct probe_quality *pq);
void probe_quality_start(struct probe_quality *pq, const struct msg_quality_start *m);
/* Every socket of one reading, then the end of the reading. */
void probe_quality_sock(struct probe_quality *pq, const struct sockdiag_tcp *t);
void probe_quality_dump_done(struct probe_quality *pq, uint64_t now_ns);

/* The PvDs whose prefixes hold addr (several when private IPv4 prefixes
 * overlap), at most max; how many. */
#define PROBE_MAX_PVDS 64
size_t probe_pvds_of(struct netview *nv, const struct in6_addr *addr, uint64_t *handles,
		     size_t max);

/* probe_stall.c: TCP stalls seen through sock_diag, as hints to the
 * engine. Opened before the seccomp filter (a netlink socket). Each
 * reading's sockets also go to pq (may be NULL). */
struct probe_stall;
struct probe_stall *probe_stall_new(struct event_base *base, struct netview *nv,
				    struct probe_quality *pq);
void probe_stall_free(struct probe_stall *s);
/* The stub's word on one upstream attempt of a PvD (stub_set_health_cb):
 * two timeouts in a row with no answer between are a stall. */
void probe_stall_dns(void *ctx, uint64_t handle, bool answered);

#endif

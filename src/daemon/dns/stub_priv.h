/* SPDX-License-Identifier: MIT */
/* Stub resolver internals shared by stub*.c. */
#ifndef MIF_DAEMON_STUB_PRIV_H
#define MIF_DAEMON_STUB_PRIV_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <jansson.h>

#include "daemon/dns/dns_plan.h"
#include "daemon/dns/dns_select.h"
#include "daemon/dns/dnscache.h"
#include "daemon/dns/stub.h"
#include "daemon/dns/stub_server.h"
#include "proto/dns.h"

#define STUB_BATCH 32              /* datagrams per recvmmsg/sendmmsg */
#define STUB_UDP_MAX 4096          /* largest UDP reply we send */
#define STUB_EDNS_SIZE 1232        /* our advertised size (DNS flag day 2020) */
#define STUB_QUERY_MAX 1232        /* the largest query forwarded */
#define STUB_MAX_PVDS 64
#define STUB_MAX_TX 1024           /* queries in flight */
#define STUB_MAX_ATTEMPTS 16       /* sends per query, every PvD together */
#define STUB_MAX_TCP_CLIENTS 64
#define STUB_TCP_PER_USER 16       /* TCP connections of one local user (peer uid) */
#define STUB_UDP_RCVBUF (4 << 20)  /* the listening UDP socket's receive buffer */
#define STUB_TCP_IDLE_S 10         /* an idle TCP client is closed after this */
#define STUB_TCP_IDLE_BUSY_MS 2000 /* or this, past half the cap (RFC 7766 6.2.3) */
#define STUB_ADDR_WAIT_MS 200      /* re-check for a PvD source address */
#define STUB_ADDR_WAITS 5          /* that many times, then the next PvD */

#ifndef SO_RCVMARK
#define SO_RCVMARK 75   /* Linux 5.19: each datagram's mark as an SO_MARK cmsg */
#endif

struct stub_counters {
	uint64_t queries, udp, tcp, hits, misses, forwarded, answered, servfail, malformed,
		refused, notimp, dropped_responses, spoof_id, spoof_source, spoof_question,
		spoof_malformed, tcp_retries, truncated_to_client, overload, fallbacks,
		dns64, tcp_evicted, tcp_idle_closed, badvers, tcp_user_evicted,
		stale, coalesced, tls_queries, tls_answers, tls_failures, tls_handshakes,
		tls_resumed, tls_fallbacks, tls_strict_failed, resolver_arpa;
	/* UDP queries from a socket marked for a PvD (SO_RCVMARK), and
	 * those whose mark names no PvD with servers (answered SERVFAIL). */
	uint64_t marked, mark_unknown;
};

/* One PvD as the stub sees it. */
struct stub_pvd {
	LIST_ENTRY(stub_pvd) e;
	struct dns_plan_pvd plan;
	struct stub_server srv[DNS_PLAN_MAX_SERVERS];
	struct dns_cache *cache;
	uint64_t queries, answers;
	bool seen;                     /* in the latest plan */
	int tls_mode;                  /* enum stub_tls for this PvD (stub_tls_mode_of) */
	size_t n_dnr_tls;              /* plan.tls[0..n) from DNR, then DDR's (stub_ddr.c) */
	struct stub_ddr *ddr;          /* DDR discovery, NULL when not wanted */
};

enum stub_client { STUB_CL_UDP, STUB_CL_TCP, STUB_CL_CTL };

enum stub_result { STUB_RES_PENDING, STUB_RES_ANSWER, STUB_RES_TIMEOUT, STUB_RES_SERVFAIL,
		   STUB_RES_REFUSED, STUB_RES_TRUNCATED, STUB_RES_ERROR };

struct stub_tx;

/* One query sent to one server: its own socket, port and ID. */
struct stub_att {
	LIST_ENTRY(stub_att) e;
	struct stub *s;
	struct stub_tx *tx;            /* NULL once lingering (a late probe) */
	int fd;
	struct event *ev;
	uint64_t handle;               /* PvD */
	struct dns_upstream up;
	uint16_t id;
	uint64_t sent_ns, rto_ns;
	bool probe;
	enum stub_result res;
	struct bufferevent *tcp;       /* set while retrying over TCP */
	struct stub_dot *dot;          /* set while waiting on DNS over TLS */
};

struct stub_tx {
	TAILQ_ENTRY(stub_tx) e;
	struct stub *s;
	enum stub_client kind;
	struct sockaddr_storage peer;  /* UDP client */
	socklen_t peer_len;
	uint64_t conn_id;              /* TCP client */
	uint32_t token;                /* control client */
	uint16_t client_udp;           /* UDP payload the client accepts */
	uint16_t client_id;
	bool client_opt, client_do;    /* the client's OPT RR, and its DO bit */
	bool client_ad;                /* the client's AD bit (RFC 6840 5.7) */
	struct dns_question q;
	uint8_t *query;                /* as the client sent it */
	size_t qlen;
	struct dns_choice choice;
	size_t pvd_i;                  /* index in choice.pvd being tried */
	size_t step;                   /* schedule step within that PvD */
	size_t order[DNS_PLAN_MAX_SERVERS], n_order;
	LIST_HEAD(, stub_att) atts;
	size_t n_att;
	struct stub_att_log { uint64_t handle; struct dns_upstream up; enum stub_result res; }
		log[STUB_MAX_ATTEMPTS];
	uint8_t *last_fail;            /* the last SERVFAIL/REFUSED, passed on if nothing better */
	size_t last_fail_len;
	struct event *timer;
	uint64_t start_ns, deadline_ns;
	uint64_t step_due_ns;          /* the step timer's due time, on stub_now_ns() */
	bool answered_tcp;
	unsigned addr_waits;
	bool no_cache;                 /* DO or CD set: not cached */
	uint64_t tls_skip;             /* PvD whose TLS failed: clear text (opportunistic) */
	size_t tls_i;                  /* encrypted resolver being tried */
	char tls_err[400];             /* strict: why the PvD failed closed */
	bool tls_closed;               /* strict: move past this PvD, from the loop */
	struct stub_tx *leader;        /* a follower: the query it waits on */
	TAILQ_HEAD(stub_tx_list, stub_tx) followers;   /* identical queries waiting */
	TAILQ_ENTRY(stub_tx) fe;
	/* An answer held until its addresses are in the PvD's steering set
	 * (stub_steer.c): a copy, and what stub_tx_release needs. */
	uint8_t *held;
	size_t held_len;
	uint64_t held_handle, held_seq;
	struct dns_upstream held_up;
	bool held_up_ad;
	TAILQ_ENTRY(stub_tx) he;
};

struct stub_tcp_client;

/* The hit path's choice table (stub_pick.c). */
#define STUB_PICK_MAX 64
struct stub_pick {
	uint32_t gen;                  /* memo_gen it was built for */
	uint64_t rank[2];
	uint64_t default_h;
	bool overflow;                 /* more domains than fit: slow path */
	size_t n;
	struct {
		uint8_t wire[DNAME_MAX_WIRE];
		size_t len;
		uint64_t handle;
	} dom[STUB_PICK_MAX];
};

struct stub {
	struct event_base *base;
	stub_health_fn health_cb;      /* stub_set_health_cb */
	void *health_ctx;
	struct netview *nv;          /* the engine's view (control/netview.h) */
	struct stub_config cfg;
	int udp_fd;
	struct event *udp_ev;
	struct stub_udp_bufs *ub;      /* batches: stub_udp.c */
	uint64_t batch_now;            /* monotonic seconds for a batch, or 0 */
	uint8_t *tcp_in, *tcp_out;     /* one TCP message each way */
	uint8_t *scratch;              /* an upstream answer, 64 KiB */
	struct evconnlistener *tcp_lst;
	TAILQ_HEAD(, stub_tcp_client) tcp_clients;
	size_t n_tcp;
	uint64_t next_conn_id;
	LIST_HEAD(, stub_pvd) pvds;
	size_t n_pvds;
	TAILQ_HEAD(, stub_tx) txs;
	size_t n_tx;
	LIST_HEAD(, stub_att) lingering;
	struct stub_counters ctr;
	stub_reply_fn reply;
	void *reply_ctx;
	uint32_t next_token;
	uint8_t rnd[256];              /* getrandom() pool for IDs */
	size_t rnd_left;
	struct stub_pick pick;
	size_t n_upstream, max_upstream;  /* upstream sockets open, and the budget */
	struct event *lst_pause;       /* re-enables the TCP listener */
	struct event *tcp_sweep;       /* closes idle TCP clients, while there are any */
	int diag_fd;                   /* NETLINK_SOCK_DIAG: a TCP client's uid */
	uint32_t diag_seq;
	uint32_t memo_gen;             /* bumped on every PvD change */
	uint64_t stale_logged_ns;      /* the last "served stale" log line */
	uint64_t tls_logged_ns;        /* the last "TLS fell back" log line */
	LIST_HEAD(, stub_dot) dots;    /* DNS over TLS connections (stub_dot.c) */
	struct gnutls_certificate_credentials_st *tls_cred;
	struct stub_steer *steer;      /* answer addresses for the engine (stub_steer.c) */
};

/* stub.c */
struct stub_pvd *stub_pvd_by_handle(struct stub *s, uint64_t h);
uint16_t stub_random16(struct stub *s);
uint64_t stub_now_ns(void);
/* Choose the PvDs for a question (asked: a handle or 0); why only if want_why. */
int stub_choose(struct stub *s, const char *qname, uint64_t asked, bool want_why,
		struct dns_choice *c);
/* stub_pick.c: the first PvD for q, as dns_select() would choose it, or
 * 0 when the slow path must decide (reverse names, huge domain lists). */
uint64_t stub_pick(struct stub *s, const struct dns_question *q);
/* Answer from the cache of choice's first PvD into out: length or -ENOENT. */
int stub_cache_answer(struct stub *s, struct stub_pvd *p, const struct dns_question *q,
		      const uint8_t *query, size_t qlen, bool client_opt, size_t limit,
		      uint8_t *out, size_t cap);

/* stub_tx.c: a query that must be forwarded. Takes a copy of query. */
struct stub_tx *stub_tx_start(struct stub *s, enum stub_client kind, const struct dns_question *q,
			      const uint8_t *query, size_t qlen, const struct dns_choice *c);
void stub_tx_free(struct stub_tx *tx);
/* stub_coalesce.c: join an identical query in flight (same choice):
 * the follower, or NULL when there is none (then start one). Followers
 * are answered with their leader (stub_tx_answer_followers), or failed
 * with it. */
struct stub_tx *stub_tx_join(struct stub *s, enum stub_client kind, const struct dns_question *q,
			     const uint8_t *query, size_t qlen, const struct dns_choice *c);
void stub_tx_answer_followers(struct stub_tx *l, uint8_t *resp, size_t len, struct stub_pvd *p,
			      const struct dns_upstream *up, bool up_ad);
void stub_tx_pvd_gone(struct stub *s, uint64_t handle);
void stub_att_free(struct stub_att *a);
/* stub_steer.c: the A/AAAA of an answer p's server returned, for the
 * engine's answer-based steering (doc/steering.md). */
size_t stub_steer_note(struct stub *s, const struct stub_pvd *p, const uint8_t *resp, size_t len);
void stub_steer_free(struct stub *s);
/* MSG_STEER_DONE from the engine (a netview callback). */
void stub_steer_done(void *ctx, const struct ipc_msg *m);
/* {"batches", "held", "released_late", "wait_us_mean", "skipped"}, or null (off). */
json_t *stub_steer_json(const struct stub *s);
/* Hold tx (its answer copied into tx->held) until the engine says the
 * batch holding its addresses is in the kernel, or a deadline: then
 * stub_tx_release_held(tx). 0, or -ENOMEM (answer at once). */
int stub_steer_hold(struct stub *s, struct stub_tx *tx);
void stub_steer_unhold(struct stub *s, struct stub_tx *tx);
/* stub_tx.c: answer a held query and free it. */
void stub_tx_release_held(struct stub_tx *tx);

/* stub_dot.c: DNS over TLS to the PvD's encrypted resolver i. Queues q
 * for attempt a (a->dot set) and connects if needed; < 0 with *why when it
 * cannot be sent now. Answers come to stub_tx_dot_answer(), failures to
 * stub_tx_dot_failed() (stub_tx.c). */
struct stub_dot;
int stub_dot_open(struct stub *s);
void stub_dot_close(struct stub *s);
int stub_dot_query(struct stub *s, struct stub_pvd *p, size_t i, struct stub_att *a,
		   const uint8_t *q, size_t len, const char **why);
void stub_dot_detach(struct stub_att *a);
void stub_dot_pvd_gone(struct stub *s, uint64_t handle);
json_t *stub_dot_json(struct stub *s, const struct stub_pvd *p);
void stub_tx_dot_answer(struct stub_att *a, const uint8_t *m, size_t len);
/* stub_tx.c, for stub_tx_tls.c: the schedule's steps. */
void stub_tx_arm(struct stub_tx *tx, uint64_t wait_ns);
void stub_tx_log(struct stub_tx *tx, const struct stub_att *a);
void stub_tx_next_pvd(struct stub_tx *tx);
void stub_tx_enter_pvd(struct stub_tx *tx);
void stub_tx_finish(struct stub_tx *tx, uint8_t *resp, size_t len, struct stub_pvd *p,
		    const struct dns_upstream *up);
/* stub_tx_tls.c: ask p over TLS if the profile and p say so; true if the
 * PvD was dealt with (a query out, failed closed, or fell back). */
bool stub_tx_tls(struct stub_tx *tx, struct stub_pvd *p);
void stub_tx_dot_failed(struct stub_att *a, const char *why);

/* stub_tx_tls.c: the RFC 8310 profile of p (a tls_pvd entry, else global). */
int stub_tls_mode_of(struct stub *s, const struct stub_pvd *p);

/* stub_ddr.c: Discovery of Designated Resolvers (RFC 9462) for a PvD that
 * announced no encrypted resolver. stub_ddr_sync after every plan change
 * (starts, restarts or stops discovery, and appends the designated
 * resolvers that passed verification to p->plan.tls); stub_dot.c reports
 * each verification connection's end with stub_ddr_verified. */
struct stub_ddr;
void stub_ddr_sync(struct stub *s, struct stub_pvd *p);
void stub_ddr_free(struct stub_pvd *p);
void stub_ddr_verified(struct stub *s, uint64_t handle, const struct dns_plan_tls *t, bool ok,
		       bool verified, const char *why);
json_t *stub_ddr_json(const struct stub_pvd *p);
/* stub_dot.c: connect to t (no query) to check its certificate. */
int stub_dot_probe(struct stub *s, struct stub_pvd *p, const struct dns_plan_tls *t);
const char *stub_tls_source_name(uint8_t source);

/* stub_udp.c, stub_tcp.c, stub_net.c */
int stub_handle_query(struct stub *s, const uint8_t *msg, size_t len, bool tcp, uint8_t *out,
		      size_t cap, struct stub_tx **txp);
/* The same for a query whose PvD is already known (asked: a handle, or
 * 0 for the stub's own choice; STUB_ASKED_NONE: a PvD that cannot answer). */
#define STUB_ASKED_NONE UINT64_MAX
int stub_handle_query_for(struct stub *s, uint64_t asked, const uint8_t *msg, size_t len,
			  bool tcp, uint8_t *out, size_t cap, struct stub_tx **txp);
int stub_bind_listen(const struct sockaddr_storage *ss, int type);
int stub_upstream_socket(const struct stub_pvd *p, const struct dns_upstream *up, int type,
			 struct sockaddr_storage *to, socklen_t *tolen);
int stub_udp_open(struct stub *s, int fd);
void stub_udp_close(struct stub *s);
int stub_tcp_open(struct stub *s, int fd);
void stub_tcp_close(struct stub *s);
/* stub_peer.c: the local user that owns the client end of an accepted
 * TCP connection (sock_diag), or STUB_UID_UNKNOWN. */
#define STUB_UID_UNKNOWN UINT32_MAX
int stub_peer_open(struct stub *s);
void stub_peer_close(struct stub *s);
uint32_t stub_peer_uid(struct stub *s, int fd);
/* Deliver a finished answer to its client (UDP, TCP or control). */
void stub_deliver(struct stub_tx *tx, const uint8_t *resp, size_t len, struct stub_pvd *p,
		  const struct dns_upstream *from, int err, const char *msg);
void stub_send_udp(struct stub *s, const struct sockaddr_storage *to, socklen_t tolen,
		   const uint8_t *msg, size_t len);
void stub_send_tcp(struct stub *s, uint64_t conn_id, const uint8_t *msg, size_t len);
/* Fit an answer to a UDP client's size: TC and no records if too big,
 * with an OPT (the client's DO) iff opt: the client sent one. */
size_t stub_fit_udp(uint8_t *msg, size_t len, size_t limit, bool opt, bool do_bit);

/* stub_ctl.c */
void stub_ctl_deliver(struct stub_tx *tx, const uint8_t *resp, size_t len, struct stub_pvd *p,
		      const struct dns_upstream *from, int err, const char *msg);

#endif

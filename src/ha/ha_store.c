/* SPDX-License-Identifier: MIT */
/*
 * The replicated store's I/O (ha_store.h): Redis through hiredis. Commands
 * are synchronous with a short timeout (the connect is not): a record is
 * written on a binding change (a BU, an expiry, a NAT rebinding), not per
 * packet, and before the BA goes out, so a mobile node told "accepted" is
 * in the store unless the store itself was down (then the write is
 * retried each tick). Redis' own replication makes the store survive a
 * machine: nothing here synchronises home agents by itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "ha/ha_store.h"

#define HA_STORE_RETRY_MS 1000

struct ha_store {
	struct ha_store_config cfg;
	struct sockaddr_storage sa;     /* Redis, resolved once at open */
	socklen_t sa_len;
	int pending;                    /* a connect in progress, or -1 */
	long long pending_ms;           /* when it started */
	redisContext *rc;
	long long next_try_ms;          /* no connection attempt before this */
	struct ha_store_counters n;
};

static struct log_ratelimit ha_store_rl = LOG_RATELIMIT_INIT(5, 10);

static long long ha_store_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timeval ha_store_tv(unsigned ms)
{
	return (struct timeval){ .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
}

static void ha_store_drop(struct ha_store *s, const char *what, const char *why)
{
	if (log_ratelimit_ok(&ha_store_rl, NULL))
		log_warn("store %s:%u: %s: %s", s->cfg.redis, s->cfg.port, what, why);
	if (s->rc)
		redisFree(s->rc);
	s->rc = NULL;
}

/* A connect that has not finished, waited for up to wait_ms: 1 when it
 * has (the descriptor is then hiredis'), 0 while it goes on (up to
 * timeout_ms in all), or -errno. */
static int ha_store_finish(struct ha_store *s, long long now_ms, int wait_ms)
{
	struct pollfd p = { s->pending, POLLOUT, 0 };
	int err = 0, fl;
	socklen_t len = sizeof(err);

	if (poll(&p, 1, wait_ms) == 0)
		return now_ms - s->pending_ms < (long long)s->cfg.timeout_ms ? 0 : -ETIMEDOUT;
	if (getsockopt(s->pending, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		return -err;
	fl = fcntl(s->pending, F_GETFL);
	if (fl < 0 || fcntl(s->pending, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	s->rc = redisConnectFd(s->pending);
	if (!s->rc)
		return -ENOMEM;         /* the caller closes the descriptor */
	s->pending = -1;
	if (s->rc->err || redisSetTimeout(s->rc, ha_store_tv(s->cfg.timeout_ms)) != REDIS_OK)
		return -EIO;
	return 1;
}

/* The address of host and port (numeric or a name) into s->sa. */
static int ha_store_resolve(struct ha_store *s, const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;

	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		return -EHOSTUNREACH;
	if (ai->ai_addrlen > sizeof(s->sa)) {
		freeaddrinfo(ai);
		return -ENOMEM;
	}
	memcpy(&s->sa, ai->ai_addr, ai->ai_addrlen);
	s->sa_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/*
 * Redis Sentinel (its client protocol): ask each Sentinel in turn for the
 * master of master_name; the first answer wins. Synchronous, up to
 * timeout_ms per Sentinel, and only when there is no connection (at most
 * once a second): what a store that moves costs the agent's one loop.
 */
static int ha_store_discover(struct ha_store *s)
{
	for (size_t i = 0; i < s->cfg.n_sentinels; i++) {
		redisContext *c;
		redisReply *rep;
		int r = -EHOSTUNREACH;

		s->n.sentinel_queries++;
		c = redisConnectWithTimeout(s->cfg.sentinel[i], s->cfg.sentinel_port[i],
					    ha_store_tv(s->cfg.timeout_ms));
		if (!c || c->err || redisSetTimeout(c, ha_store_tv(s->cfg.timeout_ms)) != REDIS_OK) {
			s->n.sentinel_errors++;
			if (c)
				redisFree(c);
			continue;
		}
		rep = redisCommand(c, "SENTINEL get-master-addr-by-name %s", s->cfg.master_name);
		if (rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
		    rep->element[0]->type == REDIS_REPLY_STRING &&
		    rep->element[1]->type == REDIS_REPLY_STRING)
			r = ha_store_resolve(s, rep->element[0]->str, rep->element[1]->str);
		freeReplyObject(rep);
		redisFree(c);
		if (r == 0)
			return 0;
		s->n.sentinel_errors++;
	}
	return -EHOSTUNREACH;
}

/* With Sentinels: the server reached must still be the master (a demoted
 * one is a replica that refuses writes): ROLE, as Sentinel's client
 * guidelines ask after every connection. */
static bool ha_store_is_master(struct ha_store *s)
{
	redisReply *rep = redisCommand(s->rc, "ROLE");
	bool ok = rep && rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
		  rep->element[0]->type == REDIS_REPLY_STRING &&
		  strcmp(rep->element[0]->str, "master") == 0;

	freeReplyObject(rep);
	if (!ok)
		s->n.not_master++;
	return ok;
}

/*
 * A connection, opened again at most once a second while the store is
 * down. The connect itself does not block (a store that drops packets
 * would stall the agent's one loop): it is started here and finished by
 * a later call once the socket is writable, except for a load (wait:
 * start and takeover need the records). Commands on an open connection
 * wait up to timeout_ms.
 */
static bool ha_store_ready(struct ha_store *s, long long now_ms, bool wait)
{
	int r;

	if (s->rc)
		return true;
	if (s->pending < 0) {
		if (now_ms < s->next_try_ms)
			return false;
		s->next_try_ms = now_ms + HA_STORE_RETRY_MS;
		s->pending_ms = now_ms;
		if (s->cfg.n_sentinels && (r = ha_store_discover(s)) < 0)
			goto fail;
		s->pending = socket(s->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s->pending < 0 ||
		    (connect(s->pending, (struct sockaddr *)&s->sa, s->sa_len) < 0 &&
		     errno != EINPROGRESS)) {
			r = -errno;
			goto fail;
		}
	}
	r = ha_store_finish(s, now_ms, wait ? (int)s->cfg.timeout_ms : 0);
	if (r == 0)
		return false;
	if (r == 1 && s->cfg.n_sentinels && !ha_store_is_master(s)) {
		ha_store_drop(s, "connect", "not the master (yet): asking the Sentinels again");
		s->n.connect_errors++;
		return false;
	}
	if (r == 1) {
		s->n.connects++;
		log_info("store %s:%u: connected", s->cfg.redis, s->cfg.port);
		return true;
	}
fail:
	s->n.connect_errors++;
	if (s->pending >= 0)
		close(s->pending);
	s->pending = -1;
	ha_store_drop(s, "connect", r == -EIO && s->rc ? s->rc->errstr : strerror(-r));
	return false;
}

/* The store's address: a literal or a name resolved now, once (at start,
 * before the privileges go; a name that moves later is not followed). */
/* The store's address: a literal or a name resolved now, once (at start,
 * before the privileges go; a name that moves later is not followed).
 * With Sentinels, the master's address comes from them at each connect. */
int ha_store_open(const struct ha_store_config *c, struct ha_store **ret)
{
	struct ha_store *s = calloc(1, sizeof(*s));
	char port[8];
	int r;

	if (!s)
		return -ENOMEM;
	s->cfg = *c;
	s->pending = -1;
	snprintf(port, sizeof(port), "%u", c->port);
	if (!c->n_sentinels && (r = ha_store_resolve(s, c->redis, port)) < 0) {
		free(s);
		return r;
	}
	(void)ha_store_ready(s, clock_mono_ms(), false);
	*ret = s;
	return 0;
}

void ha_store_close(struct ha_store *s)
{
	if (!s)
		return;
	if (s->rc)
		redisFree(s->rc);
	if (s->pending >= 0)
		close(s->pending);
	free(s);
}

/*
 * Redis replication is asynchronous: WAIT blocks until wait_replicas
 * replicas acknowledged every write of this connection, or wait_timeout_ms
 * (the WAIT command). It does not make Redis strongly consistent (a
 * failover may still pick a replica without the write, doc/mobility.md);
 * it makes a write acknowledged only in the master's memory visible as
 * such. 0 durable, 1 not in time (counted), -EAGAIN the connection broke.
 */
static int ha_store_wait(struct ha_store *s)
{
	redisReply *rep;
	bool ok;

	if (!s->cfg.wait_replicas)
		return 0;
	rep = redisCommand(s->rc, "WAIT %u %u", s->cfg.wait_replicas, s->cfg.wait_timeout_ms);
	if (!rep) {
		ha_store_drop(s, "wait", s->rc->errstr);
		return -EAGAIN;
	}
	ok = rep->type == REDIS_REPLY_INTEGER && rep->integer >= (long long)s->cfg.wait_replicas;
	freeReplyObject(rep);
	if (!ok) {
		s->n.not_durable++;
		return 1;
	}
	s->n.durable++;
	return 0;
}

int ha_store_put(struct ha_store *s, const struct ha_mn *mn, long long now_ms)
{
	char key[128], *rec = NULL;
	long long ttl = 0;
	redisReply *rep;
	int r;

	if ((r = ha_store_key(s->cfg.prefix, &mn->hoa, key, sizeof(key))) < 0 ||
	    (r = ha_store_encode(mn, now_ms, ha_store_wall_ms(), &rec, &ttl)) < 0)
		return r;
	if (!ha_store_ready(s, now_ms, false)) {
		free(rec);
		return -EAGAIN;         /* counted as connect_errors */
	}
	/* The record lives as long as its longest binding: a store that
	 * outlives every home agent holds nothing stale for long. */
	if (ttl > 0)
		rep = redisCommand(s->rc, "SET %s %s PX %lld", key, rec, ttl);
	else
		rep = redisCommand(s->rc, "DEL %s", key);
	free(rec);
	if (!rep || rep->type == REDIS_REPLY_ERROR) {
		/* A master demoted under us answers READONLY: find the new one. */
		bool readonly = rep && strncmp(rep->str, "READONLY", 8) == 0;

		s->n.write_errors++;
		if (rep)
			log_warn("store: %s: %s", key, rep->str);
		if (!rep)
			ha_store_drop(s, "write", s->rc->errstr);
		else if (readonly)
			ha_store_drop(s, "write", "read-only (a replica now)");
		freeReplyObject(rep);
		return -EAGAIN;
	}
	freeReplyObject(rep);
	s->n.writes++;
	return ha_store_wait(s);
}

/* One GET's reply into mn (freed here): 0, -ENOENT, -EINVAL (counted),
 * -EIO (an error reply, e.g. LOADING or WRONGTYPE, counted: the pipeline
 * stays in step, the next reply is the next key's), -EAGAIN (no reply:
 * the connection is dropped). */
static int ha_store_take(struct ha_store *s, redisReply *rep, struct ha_mn *mn,
			 long long now_ms)
{
	int r;

	if (!rep) {
		s->n.load_errors++;
		ha_store_drop(s, "read", s->rc->errstr);
		return -EAGAIN;
	}
	if (rep->type != REDIS_REPLY_STRING && rep->type != REDIS_REPLY_NIL) {
		s->n.load_errors++;
		freeReplyObject(rep);
		return -EIO;
	}
	if (rep->type == REDIS_REPLY_NIL)
		r = -ENOENT;
	else
		r = ha_store_decode(rep->str, rep->len, now_ms, ha_store_wall_ms(), mn);
	freeReplyObject(rep);
	if (r == -EINVAL)
		s->n.load_errors++;
	else if (r == 0)
		s->n.loads++;
	return r;
}

int ha_store_load(struct ha_store *s, struct ha_mn *mn, long long now_ms)
{
	char key[128];
	int r;

	if ((r = ha_store_key(s->cfg.prefix, &mn->hoa, key, sizeof(key))) < 0)
		return r;
	if (!ha_store_ready(s, now_ms, true))
		return -EAGAIN;
	return ha_store_take(s, redisCommand(s->rc, "GET %s", key), mn, now_ms);
}

/* Redis pipelining: HA_STORE_PIPELINE GETs written, then their replies
 * read, one round trip per batch instead of per mobile node. */
#define HA_STORE_PIPELINE 512

long ha_store_load_many(struct ha_store *s, struct ha_mn *mns, size_t n, long long now_ms)
{
	long loaded = 0;

	for (size_t base = 0; base < n; base += HA_STORE_PIPELINE) {
		size_t m = n - base < HA_STORE_PIPELINE ? n - base : HA_STORE_PIPELINE;
		char key[128];

		if (!ha_store_ready(s, now_ms, true))
			return -EAGAIN;
		for (size_t i = 0; i < m; i++)
			if (ha_store_key(s->cfg.prefix, &mns[base + i].hoa, key, sizeof(key)) < 0 ||
			    redisAppendCommand(s->rc, "GET %s", key) != REDIS_OK) {
				ha_store_drop(s, "read", "pipeline");
				return -EAGAIN;
			}
		for (size_t i = 0; i < m; i++) {
			void *rep = NULL;
			int r;

			if (redisGetReply(s->rc, &rep) != REDIS_OK)
				rep = NULL;
			/* One key's error reply costs that key only: its
			 * reply was read, so the next is the next key's. */
			r = ha_store_take(s, rep, &mns[base + i], now_ms);
			if (r == -EAGAIN)
				return -EAGAIN;
			loaded += r == 0;
		}
	}
	return loaded;
}

bool ha_store_connected(const struct ha_store *s)
{
	return s->rc != NULL;
}

const struct ha_store_counters *ha_store_counters(const struct ha_store *s)
{
	return &s->n;
}

/* SPDX-License-Identifier: MIT */
/*
 * The replicated store's I/O (ha_store.h): Redis through hiredis. Calls
 * are synchronous with a short timeout: a record is written on a binding
 * change (a BU, an expiry, a NAT rebinding), not per packet, and before
 * the BA goes out, so a mobile node told "accepted" is in the store
 * unless the store itself was down (then the write is retried each tick).
 * Redis' own replication and Sentinel (or a cluster) make the store
 * survive a machine: nothing here synchronises home agents by itself.
 */
#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "ha/ha_store.h"

#define HA_STORE_RETRY_MS 1000

struct ha_store {
	struct ha_store_config cfg;
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

static void ha_store_drop(struct ha_store *s, const char *what)
{
	if (log_ratelimit_ok(&ha_store_rl, NULL))
		log_warn("store %s:%u: %s: %s", s->cfg.redis, s->cfg.port, what,
			 s->rc && s->rc->errstr[0] ? s->rc->errstr : "no connection");
	if (s->rc)
		redisFree(s->rc);
	s->rc = NULL;
}

/* A connection, opened again at most once a second while the store is
 * down: a dead store costs one timeout per second, not one per call. */
static bool ha_store_ready(struct ha_store *s, long long now_ms)
{
	if (s->rc)
		return true;
	if (now_ms < s->next_try_ms)
		return false;
	s->next_try_ms = now_ms + HA_STORE_RETRY_MS;
	s->rc = redisConnectWithTimeout(s->cfg.redis, s->cfg.port, ha_store_tv(s->cfg.timeout_ms));
	if (!s->rc || s->rc->err ||
	    redisSetTimeout(s->rc, ha_store_tv(s->cfg.timeout_ms)) != REDIS_OK) {
		s->n.connect_errors++;
		ha_store_drop(s, "connect");
		return false;
	}
	s->n.connects++;
	log_info("store %s:%u: connected", s->cfg.redis, s->cfg.port);
	return true;
}

int ha_store_open(const struct ha_store_config *c, struct ha_store **ret)
{
	struct ha_store *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->cfg = *c;
	(void)ha_store_ready(s, 0);
	*ret = s;
	return 0;
}

void ha_store_close(struct ha_store *s)
{
	if (!s)
		return;
	if (s->rc)
		redisFree(s->rc);
	free(s);
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
	if (!ha_store_ready(s, now_ms)) {
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
		s->n.write_errors++;
		if (rep)
			log_warn("store: %s: %s", key, rep->str);
		freeReplyObject(rep);
		if (!rep)
			ha_store_drop(s, "write");
		return -EAGAIN;
	}
	freeReplyObject(rep);
	s->n.writes++;
	return 0;
}

int ha_store_load(struct ha_store *s, struct ha_mn *mn, long long now_ms)
{
	redisReply *rep;
	char key[128];
	int r;

	if ((r = ha_store_key(s->cfg.prefix, &mn->hoa, key, sizeof(key))) < 0)
		return r;
	if (!ha_store_ready(s, now_ms))
		return -EAGAIN;
	rep = redisCommand(s->rc, "GET %s", key);
	if (!rep || (rep->type != REDIS_REPLY_STRING && rep->type != REDIS_REPLY_NIL)) {
		s->n.load_errors++;
		freeReplyObject(rep);
		if (!rep)
			ha_store_drop(s, "read");
		return -EAGAIN;
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

bool ha_store_connected(const struct ha_store *s)
{
	return s->rc != NULL;
}

const struct ha_store_counters *ha_store_counters(const struct ha_store *s)
{
	return &s->n;
}

/* SPDX-License-Identifier: MIT */
/*
 * The binding cache in a replicated store (issue 16, home agent
 * redundancy; doc/mobility.md). Every change of a mobile node's bindings
 * is written to Redis as one record per home address; a home agent that
 * starts, or becomes the active one when the shared address moves to it
 * (VRRP), loads the records. Keys never go to the store: each home agent
 * has them from its own configuration.
 *
 * Two halves: the record (ha_store_rec.c, pure: JSON text <-> the binding
 * fields of struct ha_mn, with monotonic expiry times turned into wall
 * clock ones and back) and the I/O (ha_store.c, hiredis, synchronous with
 * a short timeout; a store that is down is logged, counted and tried again
 * once a second while the home agent serves from memory).
 */
#ifndef MIF_HA_STORE_H
#define MIF_HA_STORE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ha/ha_cache.h"

#define HA_STORE_VERSION 2       /* 2: flows and hoa4 (ha_store_rec.c); 1 read */
#define HA_STORE_MAX_SENTINELS 4

struct ha_store_config {
	bool on;                        /* a [store] section was given */
	char redis[64];                 /* host name or address of Redis */
	uint16_t port;                  /* 6379 */
	char prefix[48];                /* key prefix, "mif:ha:" */
	uint32_t timeout_ms;            /* connect and command timeout, 200 */
	bool has_active;                /* active_address given */
	struct in6_addr active;         /* serve only while this is local */
	/* Redis Sentinel: the master's address is asked of these (in
	 * order) by master_name, whenever there is no connection. */
	size_t n_sentinels;
	char sentinel[HA_STORE_MAX_SENTINELS][64];
	uint16_t sentinel_port[HA_STORE_MAX_SENTINELS];
	char master_name[64];
	/* WAIT: a write counts as durable once this many replicas have it
	 * (0: no WAIT); waited for up to wait_timeout_ms (100). */
	uint32_t wait_replicas, wait_timeout_ms;
};

/* The record's key: prefix "binding:" home address (RFC 5952 text). */
int ha_store_key(const char *prefix, const struct in6_addr *hoa, char *buf, size_t cap);

/*
 * The record of mn's bindings as JSON text (malloc'ed, in *ret), and in
 * *ret_ttl_ms the time until its last binding expires (0: no binding,
 * the record is to be deleted). now_ms is the monotonic clock of the
 * expiry times in mn, wall_ms the Unix time in ms at the same instant.
 */
int ha_store_encode(const struct ha_mn *mn, long long now_ms, long long wall_ms, char **ret,
		    long long *ret_ttl_ms);

/*
 * Read a record into mn's binding fields (sequence number, timestamp,
 * paths, flow bindings, IPv4 home address binding; name, home address,
 * SPI, key and configured IPv4 home address stay). mn->flows is allocated
 * when the record has flows and mn had no table (-ENOMEM: mn untouched). Paths already expired are
 * left out; the others start alive (until their heartbeats say otherwise)
 * and the downlink is chosen again. A record that is not valid JSON of
 * this version, names another home address, or has a bad field gives
 * -EINVAL and leaves mn untouched.
 */
int ha_store_decode(const char *s, size_t len, long long now_ms, long long wall_ms,
		    struct ha_mn *mn);

struct ha_store_counters {
	uint64_t writes, write_errors, loads, load_errors, connects, connect_errors;
	uint64_t durable, not_durable;  /* writes WAIT saw on enough replicas, or not */
	uint64_t sentinel_queries, sentinel_errors, not_master;
};

struct ha_store;

/* A handle on the store; the first connection is tried at once but a
 * store that is down is not an error (it is tried again later). */
int ha_store_open(const struct ha_store_config *c, struct ha_store **ret);
void ha_store_close(struct ha_store *s);

/* Write mn's record (or delete it when it has no binding). 0 when written
 * (and, with wait_replicas, acknowledged by that many replicas), 1 when
 * written but not acknowledged in time (counted not_durable), -EAGAIN
 * when the store is unreachable: the caller keeps the record marked
 * dirty. */
int ha_store_put(struct ha_store *s, const struct ha_mn *mn, long long now_ms);

/* Load mn's record: 0 (loaded), -ENOENT (no record), -EAGAIN (store
 * unreachable), -EINVAL (a record that does not decode; counted). */
int ha_store_load(struct ha_store *s, struct ha_mn *mn, long long now_ms);

/* The same for n mobile nodes, pipelined (a takeover with 100,000 mobile
 * nodes would otherwise wait one round trip each): the number loaded, or
 * -EAGAIN when the store went away (the rest not loaded). */
long ha_store_load_many(struct ha_store *s, struct ha_mn *mns, size_t n, long long now_ms);

bool ha_store_connected(const struct ha_store *s);
const struct ha_store_counters *ha_store_counters(const struct ha_store *s);

#endif

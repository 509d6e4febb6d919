/* SPDX-License-Identifier: MIT */
/*
 * The lease store seen from the engine (dhcp/lease_store.h): the records
 * the parent read at start (MSG_LEASE), kept here until a client asks for
 * its own, and what a client wants kept (MSG_LEASE_SAVE to the parent,
 * which writes the file: the engine may not open one). Also the RFC 7217
 * secret (MSG_SECRET).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"

static struct engine_lease *engine_lease_find(struct engine *e, const char *key)
{
	struct engine_lease *l;

	LIST_FOREACH(l, &e->leases, e)
		if (strcmp(l->key, key) == 0)
			return l;
	return NULL;
}

/* Keep a copy of key's record (len 0: forget it). One allocation each, in
 * a list: what the engine holds of the state directory. */
static int engine_lease_keep(struct engine *e, const char *key, const void *data, size_t len)
{
	struct engine_lease *old = engine_lease_find(e, key), *l;

	if (len && !old && e->n_leases == ENGINE_MAX_LEASES)
		return -ENOSPC;
	if (len) {
		if (!(l = malloc(sizeof(*l) + len)))
			return -ENOMEM;
		snprintf(l->key, sizeof(l->key), "%s", key);
		l->len = len;
		memcpy(l->data, data, len);
		LIST_INSERT_HEAD(&e->leases, l, e);
		e->n_leases++;
	}
	if (old) {
		LIST_REMOVE(old, e);
		e->n_leases--;
		free(old);
	}
	return 0;
}

void engine_lease_msg(struct engine *e, const struct ipc_msg *m)
{
	if (m->hdr.type == MSG_SECRET) {
		if (ipc_expect(m, sizeof(e->secret)) < 0) {
			e->ctr.ipc_errors++;
			return;
		}
		memcpy(e->secret, m->data, sizeof(e->secret));
		e->has_secret = true;
		return;
	}
	const struct msg_lease *h = (const struct msg_lease *)m->data;

	if (m->hdr.len < sizeof(*h) || h->len > MSG_LEASE_MAX ||
	    m->hdr.len != sizeof(*h) + h->len || !memchr(h->key, '\0', sizeof(h->key))) {
		e->ctr.ipc_errors++;
		return;
	}
	if (engine_lease_keep(e, h->key, m->data + sizeof(*h), h->len) < 0)
		log_warn("lease store: no room for the record %s", h->key);
}

const uint8_t *engine_lease_get(struct engine *e, const char *key, size_t *ret_len)
{
	struct engine_lease *l = engine_lease_find(e, key);

	if (!l)
		return NULL;
	*ret_len = l->len;
	return l->data;
}

int engine_lease_put(struct engine *e, const char *key, const void *data, size_t len)
{
	uint8_t buf[sizeof(struct msg_lease) + MSG_LEASE_MAX];
	struct msg_lease h = { .len = (uint32_t)len };

	if (len > MSG_LEASE_MAX || strlen(key) >= sizeof(h.key))
		return -EINVAL;
	snprintf(h.key, sizeof(h.key), "%s", key);
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), data, len);
	engine_lease_keep(e, key, data, len);
	return engine_send(e, MSG_LEASE_SAVE, buf, sizeof(h) + len);
}

void engine_lease_free(struct engine *e)
{
	struct engine_lease *l;

	while ((l = LIST_FIRST(&e->leases))) {
		LIST_REMOVE(l, e);
		free(l);
	}
	e->n_leases = 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The lease store in the privileged parent (lease_store.h): at start, the
 * RFC 7217 secret (made once) and every valid record go to the engine;
 * afterwards the engine's MSG_LEASE_SAVE are written. A corrupt file is
 * named in one log line and ignored, never trusted.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/rand.h"
#include <nettle/sha2.h>
#include "daemon/core/msg.h"
#include "daemon/dhcp/lease_parent.h"
#include "daemon/dhcp/lease_store.h"

_Static_assert(MSG_LEASE_MAX == LEASE_PAYLOAD_MAX, "one limit for the store and the message");

#define LEASE_SECRET_KEY "stable-secret"

static void lease_parent_one(void *ctx, const char *key, const void *payload, size_t len)
{
	uint8_t buf[sizeof(struct msg_lease) + LEASE_PAYLOAD_MAX];
	struct msg_lease h = { .len = (uint32_t)len };

	if (strcmp(key, LEASE_SECRET_KEY) == 0)
		return;
	snprintf(h.key, sizeof(h.key), "%s", key);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	chan_send(ctx, MSG_LEASE, buf, sizeof(h) + len);
}

static void lease_parent_bad(void *ctx, const char *file, int err)
{
	(void)ctx;
	log_warn("lease store: %s is %s: ignored", file,
		 err == -EBADMSG ? "corrupt or truncated" : strerror(-err));
}

/* The secret of RFC 7217 section 5: read, or made from getrandom() and
 * kept; a corrupt one is replaced (addresses then change once). */
void lease_parent_secret(const char *dir, uint8_t secret[32])
{
	size_t len = 0;
	int r = lease_store_load(dir, LEASE_SECRET_KEY, secret, 32, &len);

	if (r == 0 && len == 32)
		return;
	if (r != -ENOENT)
		log_warn("lease store: %s/%s.lease is %s: making a new secret", dir,
			 LEASE_SECRET_KEY, r == 0 || r == -EBADMSG || r == -ENOSPC ?
			 "corrupt or truncated" : strerror(-r));
	rand_secure_bytes(secret, 32);
	r = lease_store_save(dir, LEASE_SECRET_KEY, secret, 32);
	if (r < 0)
		log_warn("lease store: cannot keep the address secret in %s (%s): addresses "
			 "will change at the next start", dir, strerror(-r));
	else
		log_info("lease store: made a new address secret in %s", dir);
}

void lease_parent_kernel_secret(const uint8_t secret[32], uint8_t out[16])
{
	static const char label[] = "mif kernel stable_secret";
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256_ctx s;

	sha256_init(&s);
	sha256_update(&s, sizeof(label) - 1, (const uint8_t *)label);
	sha256_update(&s, 32, secret);
	sha256_digest(&s, sizeof(d), d);
	memcpy(out, d, 16);
	explicit_bzero(d, sizeof(d));
}

int lease_parent_start(struct chan *c, const char *dir, const uint8_t secret[32])
{
	struct msg_secret s;
	int n;

	memcpy(s.key, secret, sizeof(s.key));
	chan_send(c, MSG_SECRET, &s, sizeof(s));
	explicit_bzero(&s, sizeof(s));
	n = lease_store_each(dir, lease_parent_one, lease_parent_bad, c);
	if (n < 0 && n != -ENOENT)
		log_warn("lease store: cannot read %s: %s", dir, strerror(-n));
	return n;
}

void lease_parent_msg(const char *dir, const struct ipc_msg *m)
{
	const struct msg_lease *h = (const struct msg_lease *)m->data;
	int r;

	if (m->hdr.len < sizeof(*h) || m->hdr.len != sizeof(*h) + h->len ||
	    h->len > LEASE_PAYLOAD_MAX || !memchr(h->key, '\0', sizeof(h->key)) ||
	    !lease_key_ok(h->key) || strcmp(h->key, LEASE_SECRET_KEY) == 0) {
		log_warn("lease store: malformed MSG_LEASE_SAVE from the engine");
		return;
	}
	/* The engine may keep a record per interface and protocol, not fill
	 * the disk: past LEASE_MAX_FILES no new key is taken. */
	if (h->len && !lease_store_exists(dir, h->key) &&
	    lease_store_count(dir) >= LEASE_MAX_FILES) {
		log_warn("lease store: %s already holds %d records: %s not kept", dir,
			 LEASE_MAX_FILES, h->key);
		return;
	}
	r = h->len ? lease_store_save(dir, h->key, m->data + sizeof(*h), h->len) :
		     lease_store_remove(dir, h->key);
	if (r < 0)
		log_warn("lease store: cannot %s %s/%s.lease: %s", h->len ? "write" : "remove",
			 dir, h->key, strerror(-r));
}

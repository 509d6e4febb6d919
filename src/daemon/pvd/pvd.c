/* SPDX-License-Identifier: MIT */
#include "daemon/pvd/pvd.h"
#include "common/rand.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_SEC 1000000000ull

const char *pvd_source_name(enum pvd_source s)
{
	static const char *const names[PVD_SRC__MAX] = {
		[PVD_SRC_RA] = "ra", [PVD_SRC_DHCPV4] = "dhcpv4", [PVD_SRC_DHCPV6] = "dhcpv6",
		[PVD_SRC_STATIC] = "static", [PVD_SRC_API] = "api", [PVD_SRC_PVDINFO] = "pvd-json",
	};

	return (unsigned)s < PVD_SRC__MAX ? names[s] : "unknown";
}

uint64_t pvd_deadline(uint64_t now, uint32_t lifetime)
{
	if (lifetime == RA_INFINITY)
		return PVD_NEVER;
	return now + (uint64_t)lifetime * NS_PER_SEC;
}

static uint64_t pvd_handle_epoch(void)
{
	return (rand_u32() & 0xfffff) | 1;
}

void pvd_store_init(struct pvd_store *s)
{
	TAILQ_INIT(&s->pvds);
	/* Handles are never reused, not even by the next mifd: each run
	 * starts from a random epoch in bits 32-51 (JSON numbers stay exact
	 * below 2^53), and counts up in the low 32 bits. */
	s->next_handle = pvd_handle_epoch() << 32 | 1;
	s->count = 0;
}

void pvd_store_clear(struct pvd_store *s)
{
	struct pvd *p;

	while ((p = TAILQ_FIRST(&s->pvds)))
		pvd_destroy(s, p);
}

/* Free every element of a TAILQ of malloc'd items. */
#define PVD_LIST_FREE(head, type)                                   \
	do {                                                        \
		struct type *it_;                                   \
		while ((it_ = TAILQ_FIRST(head))) {                 \
			TAILQ_REMOVE(head, it_, e);                 \
			free(it_);                                  \
		}                                                   \
	} while (0)

void pvd_destroy(struct pvd_store *s, struct pvd *p)
{
	TAILQ_REMOVE(&s->pvds, p, e);
	s->count--;
	PVD_LIST_FREE(&p->routers, pvd_router);
	PVD_LIST_FREE(&p->prefixes, pvd_prefix);
	PVD_LIST_FREE(&p->routes, pvd_route);
	PVD_LIST_FREE(&p->dns, pvd_dns);
	PVD_LIST_FREE(&p->domains, pvd_domain);
	PVD_LIST_FREE(&p->ntp, pvd_dns);
	PVD_LIST_FREE(&p->dnr, pvd_dnr);
	free(p->captive_portal);
	free(p->view_rec);
	free(p);
}

static struct pvd *pvd_alloc(struct pvd_store *s)
{
	struct pvd *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->handle = s->next_handle++;
	TAILQ_INIT(&p->routers);
	TAILQ_INIT(&p->prefixes);
	TAILQ_INIT(&p->routes);
	TAILQ_INIT(&p->dns);
	TAILQ_INIT(&p->domains);
	TAILQ_INIT(&p->ntp);
	TAILQ_INIT(&p->dnr);
	TAILQ_INSERT_TAIL(&s->pvds, p, e);
	s->count++;
	return p;
}

struct pvd *pvd_create_explicit(struct pvd_store *s, const char *fqdn)
{
	struct pvd *p;

	if (strlen(fqdn) >= sizeof(p->id))
		return NULL;
	p = pvd_alloc(s);
	if (!p)
		return NULL;
	p->explicit_ = true;
	snprintf(p->id, sizeof(p->id), "%s", fqdn);
	return p;
}

struct pvd *pvd_create_copy(struct pvd_store *s, uint64_t handle, const char *id,
			    bool explicit_, enum pvd_source origin)
{
	struct pvd *p;

	if (strlen(id) >= sizeof(p->id) || !(p = pvd_alloc(s)))
		return NULL;
	p->handle = handle;
	p->explicit_ = explicit_;
	p->origin = origin;
	snprintf(p->id, sizeof(p->id), "%s", id);
	return p;
}

struct pvd *pvd_create_named(struct pvd_store *s, const char *id, enum pvd_source origin,
			     int ifindex)
{
	struct pvd *p = pvd_create_explicit(s, id);

	if (!p)
		return NULL;
	p->origin = origin;
	p->persistent = true;
	p->bound_ifindex = ifindex;
	return p;
}

struct pvd *pvd_create_implicit(struct pvd_store *s, int ifindex,
				const struct in6_addr *router, const char *ifname)
{
	char a[INET6_ADDRSTRLEN];
	struct pvd *p = pvd_alloc(s);

	if (!p)
		return NULL;
	p->key_ifindex = ifindex;
	p->key_router = *router;
	inet_ntop(AF_INET6, router, a, sizeof(a));
	snprintf(p->id, sizeof(p->id), "%s%%%s", a, ifname);
	return p;
}

struct pvd *pvd_find_explicit(struct pvd_store *s, const char *fqdn)
{
	struct pvd *p;

	TAILQ_FOREACH(p, &s->pvds, e)
		if (p->explicit_ && dname_equal(p->id, fqdn))
			return p;
	return NULL;
}

struct pvd *pvd_find_implicit(struct pvd_store *s, int ifindex, const struct in6_addr *router)
{
	struct pvd *p;

	TAILQ_FOREACH(p, &s->pvds, e)
		if (!p->explicit_ && p->key_ifindex == ifindex &&
		    IN6_ARE_ADDR_EQUAL(&p->key_router, router))
			return p;
	return NULL;
}

struct pvd *pvd_find_handle(const struct pvd_store *s, uint64_t handle)
{
	struct pvd *p;

	TAILQ_FOREACH(p, &s->pvds, e)
		if (p->handle == handle)
			return p;
	return NULL;
}

struct pvd *pvd_find(const struct pvd_store *s, const char *key)
{
	struct pvd *p;
	char *end;
	unsigned long long h = strtoull(key, &end, 10);

	TAILQ_FOREACH(p, &s->pvds, e) {
		if (p->explicit_ ? dname_equal(p->id, key) : strcmp(p->id, key) == 0)
			return p;
		if (*key && *end == '\0' && p->handle == h)
			return p;
	}
	return NULL;
}

const struct pvd_prefix *pvd_prefix_holding(const struct pvd *p, const struct nl_addr *na,
					    struct in6_addr *ret_key)
{
	const struct pvd_prefix *x;

	nl_addr_key(na, ret_key);
	TAILQ_FOREACH(x, &p->prefixes, e)
		if (x->ifindex == na->ifindex && addr_in_prefix(ret_key, &x->prefix, x->plen))
			return x;
	return NULL;
}

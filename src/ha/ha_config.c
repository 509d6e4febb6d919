/* SPDX-License-Identifier: MIT */
/* mif-had's configuration file (ha_config.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/cfgini.h"
#include "common/cfgval.h"
#include "common/keyfile.h"
#include "common/rand.h"
#include "ha/ha_config.h"
#include "ha/ha_flow.h"
#include "ha/ha_v4.h"
#include "ha/ha_keys.h"

/* An address of either family (IPv4 as v4-mapped), or only IPv6. */
static int ha_addr(const char *k, const char *v, bool v6_only, struct in6_addr *out, char *err,
		   size_t errlen)
{
	struct in6_addr a;
	int f = addr_parse(v, &a);

	if (f < 0 || (v6_only && f != AF_INET6))
		return cfg_fail(err, errlen, "%s: \"%s\" is not an %s", k, v,
				v6_only ? "IPv6 address" : "address");
	*out = a;
	return 0;
}

/* keyfile_read() with the path and the reason in the message. */
static int ha_keyfile(const char *k, const char *v, uint8_t *key, size_t cap, size_t *ret_len,
		      char *err, size_t errlen)
{
	int r = keyfile_read(v, key, cap, ret_len);

	if (r == -EPERM || r == -ELOOP)
		cfg_fail(err, errlen, "%s: %s: %s (a key file must be a regular file of root's "
			 "that no one else may read)", k, v, strerror(-r));
	else if (r == -EINVAL)
		cfg_fail(err, errlen, "%s: %s: not a key (16 to 64 octets in hex)", k, v);
	else if (r < 0)
		cfg_fail(err, errlen, "%s: %s: %s", k, v, strerror(-r));
	return r;
}

/* A new mobile node at the end of c->mns (grown by doubling), or NULL. */
static struct ha_mn *ha_mn_append(struct ha_config *c)
{
	struct ha_mn *mn;

	if (c->n_mns == HA_MAX_MNS)
		return NULL;
	if (c->n_mns == c->cap_mns) {
		size_t cap = c->cap_mns ? c->cap_mns * 2 : 16;

		mn = realloc(c->mns, cap * sizeof(*mn));
		if (!mn)
			return NULL;
		c->mns = mn;
		c->cap_mns = cap;
	}
	mn = &c->mns[c->n_mns++];
	memset(mn, 0, sizeof(*mn));
	mn->active = -1;
	return mn;
}

static struct ha_mn *ha_section_mn(struct ha_config *c, const char *section)
{
	const char *name = section + 3;
	struct ha_mn *mn;

	/* inih gives a section's keys in a row: the last one first. */
	if (c->n_mns && strcmp(c->mns[c->n_mns - 1].name, name) == 0)
		return &c->mns[c->n_mns - 1];
	for (size_t i = 0; i < c->n_mns; i++)
		if (strcmp(c->mns[i].name, name) == 0)
			return &c->mns[i];
	if (strlen(name) >= sizeof(c->mns[0].name) || !*name || !(mn = ha_mn_append(c)))
		return NULL;
	snprintf(mn->name, sizeof(mn->name), "%s", name);
	return mn;
}

static struct ha_mn_range *ha_section_range(struct ha_config *c, const char *section)
{
	const char *name = section + 9;

	for (size_t i = 0; i < c->n_ranges; i++)
		if (strcmp(c->ranges[i].name, name) == 0)
			return &c->ranges[i];
	if (c->n_ranges == HA_MAX_RANGES || strlen(name) >= sizeof(c->ranges[0].name) || !*name)
		return NULL;
	snprintf(c->ranges[c->n_ranges].name, sizeof(c->ranges[0].name), "%s", name);
	return &c->ranges[c->n_ranges++];
}

static int ha_range_key(struct ha_mn_range *rg, const char *k, const char *v, char *err,
			size_t errlen)
{
	if (strcmp(k, "hoa_first") == 0)
		return ha_addr(k, v, true, &rg->hoa_first, err, errlen);
	if (strcmp(k, "count") == 0)
		return cfg_uint(k, v, 1, HA_MAX_MNS, &rg->count, err, errlen);
	if (strcmp(k, "spi_first") == 0)
		return cfg_uint(k, v, 256, 0xffffffffUL, &rg->spi_first, err, errlen);
	if (strcmp(k, "master_key_file") == 0)
		return ha_keyfile(k, v, rg->master, sizeof(rg->master), &rg->master_len, err,
				  errlen);
	return cfg_fail(err, errlen, "unknown key \"%s\" (hoa_first, count, spi_first, "
			"master_key_file)", k);
}

/* The i-th address after a (128-bit addition). */
static void ha_addr_add(const struct in6_addr *a, uint32_t i, struct in6_addr *ret)
{
	unsigned carry = 0;

	*ret = *a;
	for (int k = 15; k >= 0; k--) {
		unsigned v = ret->s6_addr[k] + (i & 0xff) + carry;

		ret->s6_addr[k] = (uint8_t)v;
		carry = v >> 8;
		i >>= 8;
	}
}

/* Every [mn-range] as count mobile nodes with derived keys. */
static int ha_ranges_expand(struct ha_config *c, char *err, size_t errlen)
{
	for (size_t r = 0; r < c->n_ranges; r++) {
		const struct ha_mn_range *rg = &c->ranges[r];

		if (!rg->count || !rg->spi_first || !rg->master_len)
			return cfg_fail(err, errlen, "[mn-range %s]: count, spi_first and "
					"master_key_file are needed", rg->name);
		if ((uint64_t)rg->spi_first + rg->count - 1 > 0xffffffffULL)
			return cfg_fail(err, errlen, "[mn-range %s]: spi_first + count - 1 is "
					"over 4294967295", rg->name);
		for (uint32_t i = 0; i < rg->count; i++) {
			struct ha_mn *mn = ha_mn_append(c);

			if (!mn) {
				cfg_fail(err, errlen, "[mn-range %s]: more than %d mobile nodes "
					 "in all, or out of memory", rg->name, HA_MAX_MNS);
				return -ENOMEM;
			}
			snprintf(mn->name, sizeof(mn->name), "%s.%u", rg->name, i);
			ha_addr_add(&rg->hoa_first, i, &mn->hoa);
			mn->spi = rg->spi_first + i;
			if (ha_key_derive(rg->master, rg->master_len, &mn->hoa, mn->spi,
					  mn->key) < 0) {
				cfg_fail(err, errlen, "[mn-range %s]: deriving a key failed",
					 rg->name);
				return -EIO;
			}
			mn->key_len = HA_KEY_DERIVED_LEN;
		}
	}
	return 0;
}

static int ha_mn_key(struct ha_mn *mn, const char *k, const char *v, char *err, size_t errlen)
{
	if (strcmp(k, "hoa") == 0)
		return ha_addr(k, v, false, &mn->hoa, err, errlen);
	if (strcmp(k, "spi") == 0)      /* SPIs 0-255 are reserved (RFC 4285) */
		return cfg_uint(k, v, 256, 0xffffffffUL, &mn->spi, err, errlen);
	if (strcmp(k, "key_file") == 0)
		return ha_keyfile(k, v, mn->key, sizeof(mn->key), &mn->key_len, err, errlen);
	if (strcmp(k, "hoa4") == 0) {
		if (ha_v4_config_hoa(mn, v) < 0)
			return cfg_fail(err, errlen, "hoa4: \"%s\" is not an IPv4 address", v);
		return 0;
	}
	return cfg_fail(err, errlen, "unknown key \"%s\" (hoa, spi, key_file, hoa4)", k);
}

static int ha_ha_key(struct ha_config *c, const char *k, const char *v, char *err, size_t errlen)
{
	uint32_t u;
	bool yes;
	int r;

	if (strcmp(k, "address") == 0 || strcmp(k, "listen") == 0)
		return ha_addr(k, v, false, k[0] == 'a' ? &c->address : &c->listen, err, errlen);
	if (strcmp(k, "home_prefix") == 0) {
		struct in6_addr p;
		uint8_t l;

		if (addr_prefix_parse(v, &p, &l) != AF_INET6 || IN6_IS_ADDR_V4MAPPED(&p))
			return cfg_fail(err, errlen, "home_prefix: \"%s\" is not an IPv6 prefix "
					"(ADDRESS/LENGTH)", v);
		/* The home link's prefix: of length 0 it would claim every
		 * address as a home address. */
		if (l == 0)
			return cfg_fail(err, errlen, "home_prefix: \"%s\": a home prefix of "
					"length 0 would take every address", v);
		c->home_prefix = p;
		c->home_plen = l;
		return 0;
	}
	if (strcmp(k, "home_prefix4") == 0) {
		if (ha_v4_config_prefix(c, v) < 0)
			return cfg_fail(err, errlen, "home_prefix4: \"%s\" is not an IPv4 prefix "
					"(ADDRESS/LENGTH)", v);
		return 0;
	}
	if (strcmp(k, "tun") == 0)
		return cfg_string(k, v, c->tun, sizeof(c->tun), err, errlen);
	if (strcmp(k, "control") == 0)
		return cfg_string(k, v, c->control, sizeof(c->control), err, errlen);
	if (strcmp(k, "user") == 0)
		return cfg_string(k, v, c->user, sizeof(c->user), err, errlen);
	if (strcmp(k, "home_link") == 0)
		return cfg_string(k, v, c->home_link, sizeof(c->home_link), err, errlen);
	if (strcmp(k, "port") == 0) {
		r = cfg_uint(k, v, 1, 65535, &u, err, errlen);
		if (r == 0)
			c->port = (uint16_t)u;
		return r;
	}
	if (strcmp(k, "heartbeat_interval_ms") == 0)
		return cfg_uint(k, v, 10, 60000, &c->hb_interval_ms, err, errlen);
	if (strcmp(k, "heartbeat_misses") == 0)
		return cfg_uint(k, v, 1, 100, &c->hb_misses, err, errlen);
	if (strcmp(k, "offload") == 0 || strcmp(k, "partial_checksums") == 0) {
		/* true/false and 1/0 too, as the first versions took. */
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			v = "yes";
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			v = "no";
		r = cfg_yesno(k, v, &yes, err, errlen);
		if (r == 0)
			*(k[0] == 'o' ? &c->offload : &c->partial_csum) = yes;
		return r;
	}
	if (strcmp(k, "fast_path") == 0) {
		r = cfg_yesno(k, v, &yes, err, errlen);
		if (r == 0)
			c->fast_path = yes;
		return r;
	}
	if (strcmp(k, "replay_window_s") == 0)
		return cfg_uint(k, v, 1, 3600, &c->replay_window_s, err, errlen);
	if (strcmp(k, "handover_to") == 0) {
		c->has_handover = true;
		return ha_addr(k, v, true, &c->handover_to, err, errlen);
	}
	return cfg_fail(err, errlen, "unknown key \"%s\" in [ha] (see mif-had(8))", k);
}

/* sentinel = HOST PORT (a name or address, then the port, 26379 when
 * left out); up to HA_STORE_MAX_SENTINELS of them, asked in order. */
static int ha_store_sentinel(struct ha_store_config *st, const char *v, char *err, size_t errlen)
{
	char host[64];
	uint32_t port = 26379;
	const char *sp = strchr(v, ' ');
	size_t hl = sp ? (size_t)(sp - v) : strlen(v);

	if (st->n_sentinels == HA_STORE_MAX_SENTINELS)
		return cfg_fail(err, errlen, "sentinel: more than %d", HA_STORE_MAX_SENTINELS);
	if (hl == 0 || hl >= sizeof(host))
		return cfg_fail(err, errlen, "sentinel: \"%s\" is not HOST [PORT]", v);
	memcpy(host, v, hl);
	host[hl] = '\0';
	if (sp && cfg_uint("sentinel's port", sp + 1, 1, 65535, &port, err, errlen) < 0)
		return -EINVAL;
	snprintf(st->sentinel[st->n_sentinels], sizeof(st->sentinel[0]), "%s", host);
	st->sentinel_port[st->n_sentinels++] = (uint16_t)port;
	return 0;
}

/* [store] (mif-had(8)): the replicated binding cache and, with
 * active_address, the shared address whose holder serves (VRRP). */
static int ha_store_key_set(struct ha_store_config *st, const char *k, const char *v, char *err,
			    size_t errlen)
{
	uint32_t u;
	int r;

	st->on = true;
	if (strcmp(k, "redis") == 0)
		return cfg_string(k, v, st->redis, sizeof(st->redis), err, errlen);
	if (strcmp(k, "prefix") == 0) {
		if (strlen(v) >= sizeof(st->prefix))    /* may be empty */
			return cfg_fail(err, errlen, "prefix: longer than %zu octets",
					sizeof(st->prefix) - 1);
		snprintf(st->prefix, sizeof(st->prefix), "%s", v);
		return 0;
	}
	if (strcmp(k, "port") == 0) {
		r = cfg_uint(k, v, 1, 65535, &u, err, errlen);
		if (r == 0)
			st->port = (uint16_t)u;
		return r;
	}
	if (strcmp(k, "timeout_ms") == 0)
		return cfg_uint(k, v, 10, 10000, &st->timeout_ms, err, errlen);
	if (strcmp(k, "sentinel") == 0)
		return ha_store_sentinel(st, v, err, errlen);
	if (strcmp(k, "master_name") == 0)
		return cfg_string(k, v, st->master_name, sizeof(st->master_name), err, errlen);
	if (strcmp(k, "wait_replicas") == 0)
		return cfg_uint(k, v, 0, 16, &st->wait_replicas, err, errlen);
	if (strcmp(k, "wait_timeout_ms") == 0)
		return cfg_uint(k, v, 1, 10000, &st->wait_timeout_ms, err, errlen);
	if (strcmp(k, "active_address") == 0) {
		st->has_active = true;
		return ha_addr(k, v, true, &st->active, err, errlen);
	}
	return cfg_fail(err, errlen, "unknown key \"%s\" in [store] (see mif-had(8))", k);
}

static int ha_handler(void *user, const char *section, const char *k, const char *v,
		      char *err, size_t errlen)
{
	struct ha_config *c = user;
	struct ha_mn_range *rg;
	struct ha_mn *mn;

	if (strcmp(section, "ha") == 0)
		return ha_ha_key(c, k, v, err, errlen);
	if (strcmp(section, "store") == 0)
		return ha_store_key_set(&c->store, k, v, err, errlen);
	if (strncmp(section, "mn-range ", 9) == 0) {
		rg = ha_section_range(c, section);
		return rg ? ha_range_key(rg, k, v, err, errlen) :
			    cfg_fail(err, errlen, "[%s]: an empty or too long name, or more "
				     "than %d ranges", section, HA_MAX_RANGES);
	}
	if (strncmp(section, "mn ", 3) == 0) {
		mn = ha_section_mn(c, section);
		return mn ? ha_mn_key(mn, k, v, err, errlen) :
			    cfg_fail(err, errlen, "[%s]: an empty or too long name, or more "
				     "than %d mobile nodes", section, HA_MAX_MNS);
	}
	return cfg_fail(err, errlen, "unknown section [%s] (ha, store, mn NAME, mn-range NAME)",
			section);
}

/* The first two mobile nodes with the same home address (v4: the IPv4
 * one), found by sorting copies: only when an index refused one. */
struct ha_dup_key {
	uint8_t a[16];
	size_t i;
};

static int ha_dup_cmp(const void *x, const void *y)
{
	const struct ha_dup_key *p = x, *q = y;
	int d = memcmp(p->a, q->a, sizeof(p->a));

	return d ? d : (p->i > q->i) - (p->i < q->i);
}

static void ha_dup_say(const struct ha_config *c, bool v4, char *err, size_t errlen)
{
	struct ha_dup_key *k = calloc(c->n_mns ? c->n_mns : 1, sizeof(*k));
	size_t n = 0;

	cfg_fail(err, errlen, "a home address is given to two mobile nodes");
	if (!k)
		return;
	for (size_t i = 0; i < c->n_mns; i++) {
		if (v4 && !c->mns[i].has_hoa4)
			continue;
		if (v4)
			memcpy(k[n].a, &c->mns[i].hoa4, 4);
		else
			memcpy(k[n].a, &c->mns[i].hoa, 16);
		k[n++].i = i;
	}
	qsort(k, n, sizeof(*k), ha_dup_cmp);
	for (size_t j = 1; j < n; j++)
		if (memcmp(k[j - 1].a, k[j].a, sizeof(k[j].a)) == 0) {
			cfg_fail(err, errlen, "[mn %s] and [mn %s] have the same %s",
				 c->mns[k[j - 1].i].name, c->mns[k[j].i].name, v4 ? "hoa4" : "hoa");
			break;
		}
	free(k);
}

static int ha_config_check_mn(const struct ha_config *c, size_t i, char *err, size_t errlen)
{
	const struct ha_mn *mn = &c->mns[i];
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];

	if (mn->key_len == 0)
		return cfg_fail(err, errlen, "[mn %s]: key_file is needed", mn->name);
	if (mn->spi == 0)
		return cfg_fail(err, errlen, "[mn %s]: spi is needed", mn->name);
	if (!addr_in_prefix(&mn->hoa, &c->home_prefix, c->home_plen))
		return cfg_fail(err, errlen, "[mn %s]: hoa %s is not inside home_prefix %s/%u",
				mn->name, addr_ntop(&mn->hoa, a, sizeof(a)),
				addr_ntop(&c->home_prefix, p, sizeof(p)), c->home_plen);
	if (ha_v4_config_check(c, i) < 0)
		return cfg_fail(err, errlen, "[mn %s]: hoa4 is not inside home_prefix4 (or "
				"home_prefix4 is missing)", mn->name);
	return 0;
}

static int ha_config_check(struct ha_config *c, char *err, size_t errlen)
{
	int r;

	if (IN6_IS_ADDR_UNSPECIFIED(&c->address))
		return cfg_fail(err, errlen, "[ha]: address is needed");
	if (c->home_plen == 0)
		return cfg_fail(err, errlen, "[ha]: home_prefix is needed");
	if (c->store.on && !c->store.redis[0] && !c->store.n_sentinels)
		return cfg_fail(err, errlen, "[store]: redis or sentinel is needed");
	if (!c->store.n_sentinels != !c->store.master_name[0])
		return cfg_fail(err, errlen, "[store]: sentinel and master_name go together");
	/* WAIT is one command: it must end before the command timeout. */
	if (c->store.wait_replicas && c->store.wait_timeout_ms >= c->store.timeout_ms)
		return cfg_fail(err, errlen, "[store]: wait_timeout_ms (%u) must be below "
				"timeout_ms (%u)", (unsigned)c->store.wait_timeout_ms,
				(unsigned)c->store.timeout_ms);
	for (size_t i = 0; i < c->n_mns; i++)
		if ((r = ha_config_check_mn(c, i, err, errlen)) < 0)
			return r;
	/* The per-packet table; it also finds a home address given twice. */
	r = ha_index_build(&c->index, c->mns, c->n_mns, ((uint64_t)rand_u32() << 32) | rand_u32());
	if (r == -EEXIST)
		ha_dup_say(c, false, err, errlen);
	if (r == 0 && (r = ha_v4_index(c)) == -EEXIST)
		ha_dup_say(c, true, err, errlen);
	if (r == -ENOMEM)
		cfg_fail(err, errlen, "out of memory");
	return r;
}

void ha_config_free(struct ha_config *c)
{
	for (size_t i = 0; c->mns && i < c->n_mns; i++)
		ha_flow_free(&c->mns[i]);
	if (c->mns)
		explicit_bzero(c->mns, c->n_mns * sizeof(*c->mns));
	free(c->mns);
	ha_index_free(&c->index);
	free(c->v4_mns);
	c->v4_mns = NULL;
	c->n_v4_mns = c->v4_cap = 0;
	explicit_bzero(c->ranges, sizeof(c->ranges));
	c->mns = NULL;
	c->n_mns = c->cap_mns = 0;
}

int ha_config_load(const char *path, struct ha_config *ret, int *ret_line, char *err,
		   size_t errlen)
{
	struct ha_config *c = calloc(1, sizeof(*c));
	struct cfgini p = { 0 };
	unsigned line = 0;
	int r;

	if (errlen)
		err[0] = '\0';
	if (!c) {
		cfg_fail(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->port = MH_UDP_PORT;
	c->hb_interval_ms = 100;
	c->hb_misses = 3;
	c->replay_window_s = 7;
	c->offload = true;
	c->fast_path = true;
	c->partial_csum = true;
	snprintf(c->tun, sizeof(c->tun), "mifha0");
	snprintf(c->control, sizeof(c->control), "/run/mif/had.sock");
	snprintf(c->user, sizeof(c->user), "nobody");
	c->store.port = 6379;
	c->store.timeout_ms = 200;
	c->store.wait_timeout_ms = 100;
	snprintf(c->store.prefix, sizeof(c->store.prefix), "mif:ha:");
	p.f = fopen(path, "re");
	if (!p.f) {
		r = -errno;
		free(c);
		cfg_fail(err, errlen, "%s", strerror(-r));
		if (ret_line)
			*ret_line = 0;
		return r;
	}
	/* A directory fails here with EISDIR, rather than giving no keys. */
	r = cfgini_parse(&p, ha_handler, c, &line, err, errlen);
	fclose(p.f);
	if (!r)
		r = ha_ranges_expand(c, err, errlen);
	if (!r)
		r = ha_config_check(c, err, errlen);
	if (ret_line)
		*ret_line = (int)line;
	if (!r)
		*ret = *c;
	else
		ha_config_free(c);
	explicit_bzero(c, sizeof(*c));
	free(c);
	return r;
}

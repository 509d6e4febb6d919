/* SPDX-License-Identifier: MIT */
/* mif-had's configuration file (ha_config.h). */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/keyfile.h"
#include "common/rand.h"
#include "ha/ha_config.h"
#include "ha/ha_flow.h"
#include "ha/ha_v4.h"
#include "ha/ha_keys.h"

struct ha_parse {
	struct ha_config *c;
	int err;
};

static int ha_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
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

static int ha_range_key(struct ha_mn_range *rg, const char *k, const char *v)
{
	unsigned u;

	if (strcmp(k, "hoa_first") == 0)
		return addr_parse(v, &rg->hoa_first) == AF_INET6 ? 0 : -EINVAL;
	if (strcmp(k, "count") == 0) {
		if (ha_parse_uint(v, 1, HA_MAX_MNS, &u) < 0)
			return -EINVAL;
		rg->count = u;
		return 0;
	}
	if (strcmp(k, "spi_first") == 0) {
		if (ha_parse_uint(v, 256, 0xffffffffUL, &u) < 0)
			return -EINVAL;
		rg->spi_first = u;
		return 0;
	}
	if (strcmp(k, "master_key_file") == 0)
		return keyfile_read(v, rg->master, sizeof(rg->master), &rg->master_len);
	return -EINVAL;
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
static int ha_ranges_expand(struct ha_config *c)
{
	for (size_t r = 0; r < c->n_ranges; r++) {
		const struct ha_mn_range *rg = &c->ranges[r];

		if (!rg->count || !rg->spi_first || !rg->master_len ||
		    (uint64_t)rg->spi_first + rg->count - 1 > 0xffffffffULL)
			return -EINVAL;
		for (uint32_t i = 0; i < rg->count; i++) {
			struct ha_mn *mn = ha_mn_append(c);

			if (!mn)
				return -ENOMEM;
			snprintf(mn->name, sizeof(mn->name), "%s.%u", rg->name, i);
			ha_addr_add(&rg->hoa_first, i, &mn->hoa);
			mn->spi = rg->spi_first + i;
			if (ha_key_derive(rg->master, rg->master_len, &mn->hoa, mn->spi, mn->key) < 0)
				return -EIO;
			mn->key_len = HA_KEY_DERIVED_LEN;
		}
	}
	return 0;
}

static int ha_mn_key(struct ha_mn *mn, const char *k, const char *v)
{
	unsigned u;

	if (strcmp(k, "hoa") == 0)
		return addr_parse(v, &mn->hoa);
	if (strcmp(k, "spi") == 0) {
		if (ha_parse_uint(v, 256, 0xffffffffUL, &u) < 0)
			return -EINVAL;         /* SPIs 0-255 are reserved (RFC 4285) */
		mn->spi = u;
		return 0;
	}
	if (strcmp(k, "key_file") == 0)
		return keyfile_read(v, mn->key, sizeof(mn->key), &mn->key_len);
	if (strcmp(k, "hoa4") == 0)
		return ha_v4_config_hoa(mn, v);
	return -EINVAL;
}

static int ha_ha_key(struct ha_config *c, const char *k, const char *v)
{
	unsigned u;
	int r;

	if (strcmp(k, "address") == 0)
		return addr_parse(v, &c->address);
	if (strcmp(k, "listen") == 0)
		return addr_parse(v, &c->listen);
	if (strcmp(k, "home_prefix") == 0)
		return addr_prefix_parse(v, &c->home_prefix, &c->home_plen);
	if (strcmp(k, "home_prefix4") == 0)
		return ha_v4_config_prefix(c, v);
	if (strcmp(k, "tun") == 0 || strcmp(k, "control") == 0 || strcmp(k, "user") == 0) {
		char *dst = k[0] == 't' ? c->tun : k[0] == 'c' ? c->control : c->user;
		size_t cap = k[0] == 't' ? sizeof(c->tun) :
			     k[0] == 'c' ? sizeof(c->control) : sizeof(c->user);

		if (strlen(v) >= cap || !*v)
			return -EINVAL;
		snprintf(dst, cap, "%s", v);
		return 0;
	}
	if (strcmp(k, "home_link") == 0) {
		if (strlen(v) >= sizeof(c->home_link) || !*v)
			return -EINVAL;
		snprintf(c->home_link, sizeof(c->home_link), "%s", v);
		return 0;
	}
	if (strcmp(k, "port") == 0) {
		r = ha_parse_uint(v, 1, 65535, &u);
		c->port = (uint16_t)u;
		return r;
	}
	if (strcmp(k, "heartbeat_interval_ms") == 0)
		return ha_parse_uint(v, 10, 60000, &c->hb_interval_ms);
	if (strcmp(k, "heartbeat_misses") == 0)
		return ha_parse_uint(v, 1, 100, &c->hb_misses);
	if (strcmp(k, "offload") == 0 || strcmp(k, "partial_checksums") == 0) {
		bool *b = k[0] == 'o' ? &c->offload : &c->partial_csum;

		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			*b = true;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			*b = false;
		else
			return -EINVAL;
		return 0;
	}
	if (strcmp(k, "replay_window_s") == 0)
		return ha_parse_uint(v, 1, 3600, &c->replay_window_s);
	if (strcmp(k, "handover_to") == 0) {
		c->has_handover = true;
		return addr_parse(v, &c->handover_to) == AF_INET6 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* sentinel = HOST PORT (a name or address, then the port, 26379 when
 * left out); up to HA_STORE_MAX_SENTINELS of them, asked in order. */
static int ha_store_sentinel(struct ha_store_config *st, const char *v)
{
	char host[64];
	unsigned port = 26379;
	const char *sp = strchr(v, ' ');
	size_t hl = sp ? (size_t)(sp - v) : strlen(v);

	if (st->n_sentinels == HA_STORE_MAX_SENTINELS || hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, v, hl);
	host[hl] = '\0';
	if (sp && ha_parse_uint(sp + 1, 1, 65535, &port) < 0)
		return -EINVAL;
	snprintf(st->sentinel[st->n_sentinels], sizeof(st->sentinel[0]), "%s", host);
	st->sentinel_port[st->n_sentinels++] = (uint16_t)port;
	return 0;
}

/* [store] (mif-had(8)): the replicated binding cache and, with
 * active_address, the shared address whose holder serves (VRRP). */
static int ha_store_key_set(struct ha_store_config *st, const char *k, const char *v)
{
	unsigned u;
	int r;

	st->on = true;
	if (strcmp(k, "redis") == 0 || strcmp(k, "prefix") == 0) {
		char *dst = k[0] == 'r' ? st->redis : st->prefix;
		size_t cap = k[0] == 'r' ? sizeof(st->redis) : sizeof(st->prefix);

		if (strlen(v) >= cap || (!*v && k[0] == 'r'))
			return -EINVAL;
		snprintf(dst, cap, "%s", v);
		return 0;
	}
	if (strcmp(k, "port") == 0) {
		r = ha_parse_uint(v, 1, 65535, &u);
		st->port = (uint16_t)u;
		return r;
	}
	if (strcmp(k, "timeout_ms") == 0)
		return ha_parse_uint(v, 10, 10000, &st->timeout_ms);
	if (strcmp(k, "sentinel") == 0)
		return ha_store_sentinel(st, v);
	if (strcmp(k, "master_name") == 0) {
		if (!*v || strlen(v) >= sizeof(st->master_name))
			return -EINVAL;
		snprintf(st->master_name, sizeof(st->master_name), "%s", v);
		return 0;
	}
	if (strcmp(k, "wait_replicas") == 0)
		return ha_parse_uint(v, 0, 16, &st->wait_replicas);
	if (strcmp(k, "wait_timeout_ms") == 0)
		return ha_parse_uint(v, 1, 10000, &st->wait_timeout_ms);
	if (strcmp(k, "active_address") == 0) {
		st->has_active = true;
		return addr_parse(v, &st->active) == AF_INET6 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static int ha_handler(void *user, const char *section, const char *k, const char *v)
{
	struct ha_parse *x = user;
	struct ha_mn *mn;
	int r;

	if (strcmp(section, "ha") == 0) {
		r = ha_ha_key(x->c, k, v);
	} else if (strcmp(section, "store") == 0) {
		r = ha_store_key_set(&x->c->store, k, v);
	} else if (strncmp(section, "mn-range ", 9) == 0) {
		struct ha_mn_range *rg = ha_section_range(x->c, section);

		r = rg ? ha_range_key(rg, k, v) : -EINVAL;
	} else if (strncmp(section, "mn ", 3) == 0) {
		mn = ha_section_mn(x->c, section);
		r = mn ? ha_mn_key(mn, k, v) : -EINVAL;
	} else {
		r = -EINVAL;
	}
	if (r < 0 && !x->err)
		x->err = r;
	return r < 0 ? 0 : 1;
}

static int ha_config_check(struct ha_config *c)
{
	int r;

	if (c->home_plen == 0 || IN6_IS_ADDR_UNSPECIFIED(&c->address))
		return -EINVAL;
	/* [store] needs redis = or Sentinels with the master's name. */
	if (c->store.on && !c->store.redis[0] && !c->store.n_sentinels)
		return -EINVAL;
	if (!c->store.n_sentinels != !c->store.master_name[0])
		return -EINVAL;
	/* WAIT is one command: it must end before the command timeout. */
	if (c->store.wait_replicas && c->store.wait_timeout_ms >= c->store.timeout_ms)
		return -EINVAL;
	for (size_t i = 0; i < c->n_mns; i++) {
		const struct ha_mn *mn = &c->mns[i];

		if (mn->key_len == 0 || mn->spi == 0 ||
		    !addr_in_prefix(&mn->hoa, &c->home_prefix, c->home_plen))
			return -EINVAL;
		if (ha_v4_config_check(c, i) < 0)
			return -EINVAL;
	}
	/* The per-packet table; it also finds a home address given twice. */
	r = ha_index_build(&c->index, c->mns, c->n_mns, ((uint64_t)rand_u32() << 32) | rand_u32());
	if (r == 0)
		r = ha_v4_index(c);
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

int ha_config_load(const char *path, struct ha_config *ret, int *ret_line)
{
	struct ha_config *c = calloc(1, sizeof(*c));
	struct ha_parse x = { c, 0 };
	FILE *f;
	int line, r;

	if (!c)
		return -ENOMEM;
	c->port = MH_UDP_PORT;
	c->hb_interval_ms = 100;
	c->hb_misses = 3;
	c->replay_window_s = 7;
	c->offload = true;
	c->partial_csum = true;
	snprintf(c->tun, sizeof(c->tun), "mifha0");
	snprintf(c->control, sizeof(c->control), "/run/mif/had.sock");
	snprintf(c->user, sizeof(c->user), "nobody");
	c->store.port = 6379;
	c->store.timeout_ms = 200;
	c->store.wait_timeout_ms = 100;
	snprintf(c->store.prefix, sizeof(c->store.prefix), "mif:ha:");
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		free(c);
		return r;
	}
	line = ini_parse_file(f, ha_handler, &x);
	fclose(f);
	r = x.err ? x.err : (line ? -EINVAL : 0);
	if (!r)
		r = ha_ranges_expand(c);
	if (!r)
		r = ha_config_check(c);
	if (ret_line)
		*ret_line = line > 0 ? line : 0;
	if (!r)
		*ret = *c;
	else
		ha_config_free(c);
	explicit_bzero(c, sizeof(*c));
	free(c);
	return r;
}

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
#include "ha/ha_config.h"
#include "ha/ha_v4.h"

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

static struct ha_mn *ha_section_mn(struct ha_config *c, const char *section)
{
	const char *name = section + 3;

	for (size_t i = 0; i < c->n_mns; i++)
		if (strcmp(c->mns[i].name, name) == 0)
			return &c->mns[i];
	if (c->n_mns == HA_MAX_MNS || strlen(name) >= sizeof(c->mns[0].name) || !*name)
		return NULL;
	memset(&c->mns[c->n_mns], 0, sizeof(c->mns[0]));
	snprintf(c->mns[c->n_mns].name, sizeof(c->mns[0].name), "%s", name);
	c->mns[c->n_mns].active = -1;
	return &c->mns[c->n_mns++];
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
	if (strcmp(k, "port") == 0) {
		r = ha_parse_uint(v, 1, 65535, &u);
		c->port = (uint16_t)u;
		return r;
	}
	if (strcmp(k, "heartbeat_interval_ms") == 0)
		return ha_parse_uint(v, 10, 60000, &c->hb_interval_ms);
	if (strcmp(k, "heartbeat_misses") == 0)
		return ha_parse_uint(v, 1, 100, &c->hb_misses);
	if (strcmp(k, "offload") == 0) {
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			c->offload = true;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			c->offload = false;
		else
			return -EINVAL;
		return 0;
	}
	if (strcmp(k, "replay_window_s") == 0)
		return ha_parse_uint(v, 1, 3600, &c->replay_window_s);
	return -EINVAL;
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

static int ha_config_check(const struct ha_config *c)
{
	if (c->home_plen == 0 || IN6_IS_ADDR_UNSPECIFIED(&c->address))
		return -EINVAL;
	if (c->store.on && !c->store.redis[0])
		return -EINVAL;         /* [store] without redis = */
	for (size_t i = 0; i < c->n_mns; i++) {
		const struct ha_mn *mn = &c->mns[i];

		if (mn->key_len == 0 || mn->spi == 0 ||
		    !addr_in_prefix(&mn->hoa, &c->home_prefix, c->home_plen))
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (IN6_ARE_ADDR_EQUAL(&mn->hoa, &c->mns[j].hoa))
				return -EEXIST;
		if (ha_v4_config_check(c, i) < 0)
			return -EINVAL;
	}
	return 0;
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
	snprintf(c->tun, sizeof(c->tun), "mifha0");
	snprintf(c->control, sizeof(c->control), "/run/mif/had.sock");
	snprintf(c->user, sizeof(c->user), "nobody");
	c->store.port = 6379;
	c->store.timeout_ms = 200;
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
		r = ha_config_check(c);
	if (ret_line)
		*ret_line = line > 0 ? line : 0;
	if (!r)
		*ret = *c;
	free(c);
	return r;
}

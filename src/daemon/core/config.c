/* SPDX-License-Identifier: MIT */
#include "daemon/core/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct mifd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", MIF_DEFAULT_SOCKET);
	c->log_level = LOG_LVL_INFO;
	snprintf(c->pvd_dir, sizeof(c->pvd_dir), "%s", MIF_SYSCONFDIR "/mif/pvd.d");
	route_cfg_defaults(&c->routing);
	stub_config_defaults(&c->dns);
}

int config_add_iface(struct mifd_config *c, const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IFNAMSIZ || strchr(name, '/') || strchr(name, ' '))
		return -EINVAL;
	for (size_t i = 0; i < c->n_ifaces; i++)
		if (strcmp(c->ifaces[i], name) == 0)
			return 0;
	if (c->n_ifaces == KERN_MAX_IFACES)
		return -E2BIG;
	memcpy(c->ifaces[c->n_ifaces++], name, n + 1);
	return 0;
}

struct config_ctx {
	struct mifd_config *c;
	char *err;
	size_t errlen;
};

int config_add_dhcp4(struct mifd_config *c, const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IFNAMSIZ || strchr(name, '/') || strchr(name, ' '))
		return -EINVAL;
	for (size_t i = 0; i < c->n_dhcp4; i++)
		if (strcmp(c->dhcp4[i], name) == 0)
			return 0;
	if (c->n_dhcp4 == KERN_MAX_IFACES)
		return -E2BIG;
	memcpy(c->dhcp4[c->n_dhcp4++], name, n + 1);
	return 0;
}

/* A list of interface names, separated by spaces or commas. */
static int config_names(struct config_ctx *x, const char *key, const char *value,
			int (*add)(struct mifd_config *, const char *))
{
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", value);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		if (add(x->c, t) < 0) {
			snprintf(x->err, x->errlen, "%s: bad or too many names (\"%s\")", key, t);
			return 0;
		}
	}
	return 1;
}

static int config_number(struct config_ctx *x, const char *name, const char *value,
			 unsigned long lo, unsigned long hi, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(value, &end, 0);

	if (!*value || *end || v < lo || v > hi) {
		snprintf(x->err, x->errlen, "%s: \"%s\" is not a number from %lu to %lu", name,
			 value, lo, hi);
		return 0;
	}
	*out = (uint32_t)v;
	return 1;
}

static int config_add_order(struct config_ctx *x, const char *value)
{
	struct route_cfg *r = &x->c->routing;
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", value);
	r->n_order = 0;
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		if (strlen(t) >= IFNAMSIZ || r->n_order == 16) {
			snprintf(x->err, x->errlen, "default_order: bad or too many names (\"%s\")", t);
			return 0;
		}
		strcpy(r->order[r->n_order++], t);
	}
	return 1;
}

/* [routing]: enabled, table_base, priority_base, default_order. */
static int config_routing(struct config_ctx *x, const char *name, const char *value)
{
	struct route_cfg *r = &x->c->routing;

	if (strcmp(name, "enabled") == 0) {
		if (strcmp(value, "yes") && strcmp(value, "no")) {
			snprintf(x->err, x->errlen, "enabled: \"%s\" is not yes or no", value);
			return 0;
		}
		r->enabled = strcmp(value, "yes") == 0;
		return 1;
	}
	/* Tables 1-252 are free for use but small; 253-255 are the kernel's. */
	if (strcmp(name, "table_base") == 0)
		return config_number(x, name, value, 256, 0xfffffeffUL - ROUTE_MAX_TABLES, &r->table_base);
	if (strcmp(name, "priority_base") == 0)
		return config_number(x, name, value, 1, 32000 - 601, &r->prio_base);
	if (strcmp(name, "default_order") == 0)
		return config_add_order(x, value);
	snprintf(x->err, x->errlen, "unknown key \"%s\" in [routing]", name);
	return 0;
}

static int config_yesno(struct config_ctx *x, const char *name, const char *value, bool *out)
{
	if (strcmp(value, "yes") && strcmp(value, "no")) {
		snprintf(x->err, x->errlen, "%s: \"%s\" is not yes or no", name, value);
		return 0;
	}
	*out = strcmp(value, "yes") == 0;
	return 1;
}

/* [dns]: the stub resolver (doc/resolver.md). */
static int config_dns(struct config_ctx *x, const char *name, const char *value)
{
	struct stub_config *d = &x->c->dns;
	uint32_t v;

	if (strcmp(name, "enabled") == 0)
		return config_yesno(x, name, value, &d->enabled);
	if (strcmp(name, "write_etc_resolv_conf") == 0)
		return config_yesno(x, name, value, &d->write_etc_resolv_conf);
	if (strcmp(name, "listen") == 0) {
		if (stub_parse_listen(value, &d->listen) < 0) {
			snprintf(x->err, x->errlen, "listen: \"%s\" is not ADDR or ADDR:PORT", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(name, "resolv_conf") == 0) {
		if (strlen(value) >= sizeof(d->resolv_conf) || (value[0] && value[0] != '/')) {
			snprintf(x->err, x->errlen, "resolv_conf: an absolute path, or empty for none");
			return 0;
		}
		snprintf(d->resolv_conf, sizeof(d->resolv_conf), "%s", value);
		return 1;
	}
	if (strcmp(name, "cache_size") == 0 && config_number(x, name, value, 1, 1u << 24, &v))
		return d->cache_size = v, 1;
	if (strcmp(name, "cache_bytes") == 0 && config_number(x, name, value, 4096, 1u << 31, &v))
		return d->cache_bytes = v, 1;
	if (strcmp(name, "max_ttl") == 0)
		return config_number(x, name, value, 1, 604800, &d->max_ttl);
	if (strcmp(name, "max_negative_ttl") == 0)
		return config_number(x, name, value, 0, 86400, &d->max_neg_ttl);
	if (strcmp(name, "timeout_ms") == 0)
		return config_number(x, name, value, 200, 60000, &d->timeout_ms);
	if (!x->err[0])
		snprintf(x->err, x->errlen, "unknown key \"%s\" in [dns]", name);
	return 0;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_ctx *x = user;
	int l;

	if (x->err[0])   /* report the first error only */
		return 1;
	if (strcmp(section, "routing") == 0)
		return config_routing(x, name, value);
	if (strcmp(section, "dns") == 0)
		return config_dns(x, name, value);
	if (strcmp(section, "mifd") != 0) {
		snprintf(x->err, x->errlen, "unknown section [%s]", section);
		return 0;
	}
	if (strcmp(name, "socket") == 0) {
		if (strlen(value) == 0 || strlen(value) >= sizeof(x->c->socket)) {
			snprintf(x->err, x->errlen, "socket: path empty or too long");
			return 0;
		}
		snprintf(x->c->socket, sizeof(x->c->socket), "%s", value);
		return 1;
	}
	if (strcmp(name, "interfaces") == 0)
		return config_names(x, name, value, config_add_iface);
	if (strcmp(name, "dhcp4") == 0)
		return config_names(x, name, value, config_add_dhcp4);
	if (strcmp(name, "pvd_dir") == 0) {
		if (strlen(value) == 0 || strlen(value) >= sizeof(x->c->pvd_dir)) {
			snprintf(x->err, x->errlen, "pvd_dir: path empty or too long");
			return 0;
		}
		snprintf(x->c->pvd_dir, sizeof(x->c->pvd_dir), "%s", value);
		return 1;
	}
	if (strcmp(name, "log_level") == 0) {
		l = log_level_parse(value);
		if (l < 0) {
			snprintf(x->err, x->errlen, "log_level: \"%s\" is not one of error, "
				 "warning, info, debug", value);
			return 0;
		}
		x->c->log_level = (enum log_level)l;
		return 1;
	}
	snprintf(x->err, x->errlen, "unknown key \"%s\"", name);
	return 0;
}

int config_load(struct mifd_config *c, const char *path, char *err, size_t errlen)
{
	char msg[256] = "";
	struct config_ctx x = { .c = c, .err = msg, .errlen = sizeof(msg) };
	FILE *f = fopen(path, "r");
	int r;

	if (!f)
		return -errno;
	r = ini_parse_file(f, config_handler, &x);
	fclose(f);
	if (r == 0)
		return 0;
	snprintf(err, errlen, "%s:%d: %s", path, r > 0 ? r : 0,
		 msg[0] ? msg : "syntax error");
	return -EINVAL;
}

/* SPDX-License-Identifier: MIT */
#include "daemon/core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfgini.h"
#include "common/cfgval.h"
#include "daemon/policy/policy.h"

void config_defaults(struct mifd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", MIF_DEFAULT_SOCKET);
	c->log_level = LOG_LVL_INFO;
	snprintf(c->pvd_dir, sizeof(c->pvd_dir), "%s", MIF_SYSCONFDIR "/mif/pvd.d");
	snprintf(c->policy_dir, sizeof(c->policy_dir), "%s", MIF_SYSCONFDIR "/mif/policy.d");
	c->policy_prec[0] = POLICY_SYSTEM;
	c->policy_prec[1] = POLICY_OPERATOR;
	c->policy_prec[2] = POLICY_USER;
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", "/var/lib/mif");
	route_cfg_defaults(&c->routing);
	stub_config_defaults(&c->dns);
	conn_config_defaults(&c->conn);
	mob_config_defaults(&c->mobility);
	/* On: a steered flow is SNATed to its PvD's own source
	 * (kern_nft_rules.c), so a link two PvDs share no longer sends it
	 * with the other PvD's address (scenario 4.5, test-steer-snat). */
	c->steer_answers = true;
}

/* An interface name (cfg_ifname_ok), once. */
static int config_add_name(char (*names)[IFNAMSIZ], size_t *n, const char *name)
{
	size_t len = strlen(name);

	if (!cfg_ifname_ok(name))
		return -EINVAL;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return 0;
	if (*n == KERN_MAX_IFACES)
		return -E2BIG;
	memcpy(names[(*n)++], name, len + 1);
	return 0;
}

/* A list of interface names, separated by spaces or commas. All or
 * nothing: on a bad name the list is as it was. */
static int config_names(const char *name, const char *value, char (*names)[IFNAMSIZ],
			size_t *n, char *err, size_t errlen)
{
	char buf[1024], *save = NULL;
	size_t n0 = *n;

	if (strlen(value) >= sizeof(buf))
		return cfg_fail(err, errlen, "%s: too long", name);
	strcpy(buf, value);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save))
		if (config_add_name(names, n, t) < 0) {
			*n = n0;
			return cfg_fail(err, errlen, "%s: bad or too many names (\"%s\")",
					   name, t);
		}
	return 0;
}

static int config_path(const char *name, const char *value, char *out, size_t len, char *err,
		       size_t errlen)
{
	if (!*value || strlen(value) >= len)
		return cfg_fail(err, errlen, "%s: path empty or too long", name);
	strcpy(out, value);
	return 0;
}

/* One setter per key: the only place its value is checked. */
typedef int config_setter(struct mifd_config *c, const char *name, const char *value,
			  char *err, size_t errlen);

static int config_set_socket(struct mifd_config *c, const char *name, const char *value,
			     char *err, size_t errlen)
{
	return config_path(name, value, c->socket, sizeof(c->socket), err, errlen);
}

static int config_set_interfaces(struct mifd_config *c, const char *name, const char *value,
				 char *err, size_t errlen)
{
	return config_names(name, value, c->ifaces, &c->n_ifaces, err, errlen);
}

static int config_set_dhcp4(struct mifd_config *c, const char *name, const char *value,
			    char *err, size_t errlen)
{
	return config_names(name, value, c->dhcp4, &c->n_dhcp4, err, errlen);
}

static int config_set_pd_down(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	return config_names(name, value, c->pd_down, &c->n_pd_down, err, errlen);
}

static int config_set_pvd_dir(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	return config_path(name, value, c->pvd_dir, sizeof(c->pvd_dir), err, errlen);
}

static int config_set_policy_dir(struct mifd_config *c, const char *name, const char *value,
				 char *err, size_t errlen)
{
	return config_path(name, value, c->policy_dir, sizeof(c->policy_dir), err, errlen);
}

/* "system operator user": lowest precedence first (doc/policy.md). */
static int config_set_policy_prec(struct mifd_config *c, const char *name, const char *value,
				  char *err, size_t errlen)
{
	if (policy_prec_parse(value, c->policy_prec) == 0)
		return 0;
	snprintf(err, errlen, "%s: each of system, operator and user once, lowest precedence "
		 "first (\"%.60s\")", name, value);
	return -EINVAL;
}

static int config_set_state_dir(struct mifd_config *c, const char *name, const char *value,
				char *err, size_t errlen)
{
	/* mifd changes directory when it detaches: a relative path would move. */
	if (value[0] && value[0] != '/')
		return cfg_fail(err, errlen, "%s: must be an absolute path", name);
	return config_path(name, value, c->state_dir, sizeof(c->state_dir), err, errlen);
}

static int config_set_dhcp4_release(struct mifd_config *c, const char *name, const char *value,
				    char *err, size_t errlen)
{
	return cfg_yesno(name, value, &c->dhcp4_release, err, errlen);
}

static int config_set_address_privacy(struct mifd_config *c, const char *name,
				      const char *value, char *err, size_t errlen)
{
	static const enum slaac_privacy all[] = { SLAAC_STABLE, SLAAC_TEMPORARY, SLAAC_EUI64 };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(value, slaac_privacy_name(all[i])) == 0) {
			c->address_privacy = all[i];
			return 0;
		}
	return cfg_fail(err, errlen, "%s: \"%s\" is not one of stable, temporary, eui64",
			   name, value);
}

static int config_set_log_level(struct mifd_config *c, const char *name, const char *value,
				char *err, size_t errlen)
{
	int l = log_level_parse(value);

	if (l < 0)
		return cfg_fail(err, errlen, "%s: \"%s\" is not one of error, warning, info, "
				   "debug", name, value);
	c->log_level = (enum log_level)l;
	return 0;
}

static int config_set_routing(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	return cfg_yesno(name, value, &c->routing.enabled, err, errlen);
}

/* Tables 1-252 are free for use but small; 253-255 are the kernel's. */
static int config_set_table_base(struct mifd_config *c, const char *name, const char *value,
				 char *err, size_t errlen)
{
	return cfg_uint(name, value, 256, 0xfffffeffUL - ROUTE_MAX_TABLES,
			     &c->routing.table_base, err, errlen);
}

static int config_set_priority_base(struct mifd_config *c, const char *name, const char *value,
				    char *err, size_t errlen)
{
	return cfg_uint(name, value, 1, 32000 - 601, &c->routing.prio_base, err, errlen);
}

static int config_set_default_order(struct mifd_config *c, const char *name, const char *value,
				    char *err, size_t errlen)
{
	struct route_cfg *r = &c->routing;
	char buf[512], *save = NULL;
	size_t n = 0;

	if (strlen(value) >= sizeof(buf))
		return cfg_fail(err, errlen, "%s: too long", name);
	strcpy(buf, value);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		if (!cfg_ifname_ok(t) || n == 16)
			return cfg_fail(err, errlen, "%s: bad or too many names (\"%s\")", name, t);
		strcpy(r->order[n++], t);
	}
	r->n_order = n;
	return 0;
}

static int config_set_dns(struct mifd_config *c, const char *name, const char *value,
			  char *err, size_t errlen)
{
	return cfg_yesno(name, value, &c->dns.enabled, err, errlen);
}

static int config_set_write_resolv(struct mifd_config *c, const char *name, const char *value,
				   char *err, size_t errlen)
{
	return cfg_yesno(name, value, &c->dns.write_etc_resolv_conf, err, errlen);
}

static int config_set_listen(struct mifd_config *c, const char *name, const char *value,
			     char *err, size_t errlen)
{
	if (stub_parse_listen(value, &c->dns.listen) < 0)
		return cfg_fail(err, errlen, "%s: \"%s\" is not ADDR or ADDR:PORT", name, value);
	return 0;
}

static int config_set_resolv_conf(struct mifd_config *c, const char *name, const char *value,
				  char *err, size_t errlen)
{
	struct stub_config *d = &c->dns;

	if (strlen(value) >= sizeof(d->resolv_conf) || (value[0] && value[0] != '/'))
		return cfg_fail(err, errlen, "%s: an absolute path, or empty for none", name);
	strcpy(d->resolv_conf, value);
	return 0;
}

static int config_set_cache_size(struct mifd_config *c, const char *name, const char *value,
				 char *err, size_t errlen)
{
	uint32_t v = 0;
	int r = cfg_uint(name, value, 1, 1u << 24, &v, err, errlen);

	if (r == 0)
		c->dns.cache_size = v;
	return r;
}

static int config_set_cache_bytes(struct mifd_config *c, const char *name, const char *value,
				  char *err, size_t errlen)
{
	uint32_t v = 0;
	int r = cfg_uint(name, value, 4096, 1u << 31, &v, err, errlen);

	if (r == 0)
		c->dns.cache_bytes = v;
	return r;
}

static int config_set_max_ttl(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	return cfg_uint(name, value, 1, 604800, &c->dns.max_ttl, err, errlen);
}

static int config_set_max_neg_ttl(struct mifd_config *c, const char *name, const char *value,
				  char *err, size_t errlen)
{
	return cfg_uint(name, value, 0, 86400, &c->dns.max_neg_ttl, err, errlen);
}

static int config_set_timeout(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	return cfg_uint(name, value, 200, 60000, &c->dns.timeout_ms, err, errlen);
}

static int config_set_max_stale(struct mifd_config *c, const char *name, const char *value,
				char *err, size_t errlen)
{
	return cfg_uint(name, value, 0, 604800, &c->dns.max_stale, err, errlen);
}

static int config_set_tls(struct mifd_config *c, const char *name, const char *value,
			  char *err, size_t errlen)
{
	for (int m = STUB_TLS_OFF; m <= STUB_TLS_STRICT; m++)
		if (strcmp(value, stub_tls_name(m)) == 0) {
			c->dns.tls = m;
			return 0;
		}
	return cfg_fail(err, errlen, "%s: off, opportunistic or strict", name);
}

/* tls_pvd = KEY MODE, repeatable: a PvD's own RFC 8310 profile. */
static int config_set_tls_pvd(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	const char *sp = strchr(value, ' ');
	struct stub_tls_pvd *t;
	int m;

	if (!sp || sp == value || (size_t)(sp - value) >= sizeof(t->key))
		return cfg_fail(err, errlen, "%s: PVD-ID (or type:SOURCE) and a mode", name);
	while (*sp == ' ')
		sp++;
	if ((m = stub_tls_parse(sp)) < 0)
		return cfg_fail(err, errlen, "%s: off, opportunistic or strict", name);
	if (c->dns.n_tls_pvd == STUB_TLS_PVD_MAX)
		return cfg_fail(err, errlen, "%s: at most %d", name, STUB_TLS_PVD_MAX);
	t = &c->dns.tls_pvd[c->dns.n_tls_pvd++];
	memcpy(t->key, value, (size_t)(strchr(value, ' ') - value));
	t->key[strchr(value, ' ') - value] = '\0';
	t->mode = m;
	return 0;
}

static int config_set_tls_ca(struct mifd_config *c, const char *name, const char *value,
			     char *err, size_t errlen)
{
	if (strlen(value) >= sizeof(c->dns.tls_ca_file) || (value[0] && value[0] != '/'))
		return cfg_fail(err, errlen, "%s: an absolute path, or empty for the system's",
				   name);
	strcpy(c->dns.tls_ca_file, value);
	return 0;
}

static int config_set_conn(struct mifd_config *c, const char *name, const char *value,
			   char *err, size_t errlen)
{
	return cfg_yesno(name, value, &c->conn.enabled, err, errlen);
}

/* A probe URL: http:// for the plain probe, https:// for the other. */
static int config_conn_url(const char *name, const char *value, bool tls, char *out,
			   char *err, size_t errlen)
{
	char host[CONN_URL_MAX];
	uint16_t port;
	bool is_tls;

	if (strlen(value) >= CONN_URL_MAX || conn_url_host(value, host, sizeof(host), &port,
							    &is_tls) < 0 || is_tls != tls)
		return cfg_fail(err, errlen, "%s: \"%s\" is not an %s:// URL", name, value,
				   tls ? "https" : "http");
	strcpy(out, value);
	return 0;
}

static int config_set_http_url(struct mifd_config *c, const char *name, const char *value,
			       char *err, size_t errlen)
{
	return config_conn_url(name, value, false, c->conn.http_url, err, errlen);
}

static int config_set_https_url(struct mifd_config *c, const char *name, const char *value,
				char *err, size_t errlen)
{
	return config_conn_url(name, value, true, c->conn.https_url, err, errlen);
}

static int config_set_ca_file(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	if (strlen(value) >= sizeof(c->conn.ca_file) || (value[0] && value[0] != '/'))
		return cfg_fail(err, errlen, "%s: an absolute path, or empty for the system's",
				   name);
	strcpy(c->conn.ca_file, value);
	return 0;
}

static int config_set_interval(struct mifd_config *c, const char *name, const char *value,
			       char *err, size_t errlen)
{
	return cfg_uint(name, value, 10, 86400, &c->conn.interval_s, err, errlen);
}

static int config_set_backoff_max(struct mifd_config *c, const char *name, const char *value,
				  char *err, size_t errlen)
{
	return cfg_uint(name, value, 1, 3600, &c->conn.backoff_max_s, err, errlen);
}

static int config_set_probe_timeout(struct mifd_config *c, const char *name, const char *value,
				    char *err, size_t errlen)
{
	return cfg_uint(name, value, 200, 60000, &c->conn.timeout_ms, err, errlen);
}

/* Path quality (issue 13 item 4): 0 switches each part off. */
static int config_set_quality_interval(struct mifd_config *c, const char *name,
				       const char *value, char *err, size_t errlen)
{
	int r = cfg_uint(name, value, 0, 86400, &c->conn.quality_interval_s, err, errlen);

	if (r == 0 && c->conn.quality_interval_s > 0 && c->conn.quality_interval_s < 10) {
		snprintf(err, errlen, "%s: \"%s\" is not 0 (off) or a number from 10 to 86400",
			 name, value);
		return -EINVAL;
	}
	return r;
}

static int config_set_quality_samples(struct mifd_config *c, const char *name,
				      const char *value, char *err, size_t errlen)
{
	return cfg_uint(name, value, 1, CONN_QUALITY_MAX_SAMPLES, &c->conn.quality_samples,
			     err, errlen);
}

static int config_set_max_loss(struct mifd_config *c, const char *name, const char *value,
			       char *err, size_t errlen)
{
	return cfg_uint(name, value, 0, 100, &c->conn.max_loss_pct, err, errlen);
}

static int config_set_max_rtt(struct mifd_config *c, const char *name, const char *value,
			      char *err, size_t errlen)
{
	return cfg_uint(name, value, 0, 60000, &c->conn.max_rtt_ms, err, errlen);
}

static int config_set_steer_answers(struct mifd_config *c, const char *name, const char *value,
				    char *err, size_t errlen)
{
	return cfg_yesno(name, value, &c->steer_answers, err, errlen);
}

static const struct config_key {
	const char *section, *key;
	config_setter *set;
} config_keys[] = {
	{ "mifd", "socket", config_set_socket },
	{ "mifd", "interfaces", config_set_interfaces },
	{ "mifd", "dhcp4", config_set_dhcp4 },
	{ "mifd", "pvd_dir", config_set_pvd_dir },
	{ "mifd", "policy_dir", config_set_policy_dir },
	{ "mifd", "policy_precedence", config_set_policy_prec },
	{ "mifd", "state_dir", config_set_state_dir },
	{ "mifd", "dhcp6_pd_downstream", config_set_pd_down },
	{ "mifd", "dhcp4_release", config_set_dhcp4_release },
	{ "mifd", "address_privacy", config_set_address_privacy },
	{ "mifd", "log_level", config_set_log_level },
	{ "routing", "enabled", config_set_routing },
	{ "routing", "table_base", config_set_table_base },
	{ "routing", "priority_base", config_set_priority_base },
	{ "routing", "default_order", config_set_default_order },
	{ "dns", "enabled", config_set_dns },
	{ "dns", "write_etc_resolv_conf", config_set_write_resolv },
	{ "dns", "listen", config_set_listen },
	{ "dns", "resolv_conf", config_set_resolv_conf },
	{ "dns", "cache_size", config_set_cache_size },
	{ "dns", "cache_bytes", config_set_cache_bytes },
	{ "dns", "max_ttl", config_set_max_ttl },
	{ "dns", "max_negative_ttl", config_set_max_neg_ttl },
	{ "dns", "timeout_ms", config_set_timeout },
	{ "dns", "max_stale", config_set_max_stale },
	{ "dns", "tls", config_set_tls },
	{ "dns", "tls_ca_file", config_set_tls_ca },
	{ "dns", "tls_pvd", config_set_tls_pvd },
	{ "connectivity", "enabled", config_set_conn },
	{ "connectivity", "http_url", config_set_http_url },
	{ "connectivity", "https_url", config_set_https_url },
	{ "connectivity", "ca_file", config_set_ca_file },
	{ "connectivity", "interval", config_set_interval },
	{ "connectivity", "backoff_max", config_set_backoff_max },
	{ "connectivity", "timeout_ms", config_set_probe_timeout },
	{ "connectivity", "quality_interval", config_set_quality_interval },
	{ "connectivity", "quality_samples", config_set_quality_samples },
	{ "connectivity", "max_loss", config_set_max_loss },
	{ "connectivity", "max_rtt_ms", config_set_max_rtt },
	{ "steering", "answers", config_set_steer_answers },
};

int config_set(struct mifd_config *c, const char *section, const char *key, const char *name,
	       const char *value, char *err, size_t errlen)
{
	bool known_section = false;

	if (strcmp(section, "mobility") == 0)
		return mob_config_set(&c->mobility, key, name ? name : key, value, err, errlen);
	if (strncmp(section, "mobility ", 9) == 0)   /* a further home address */
		return mob_config_set_home(&c->mobility, section + 9, key, name ? name : key,
					   value, err, errlen);
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
		if (strcmp(config_keys[i].section, section))
			continue;
		known_section = true;
		if (strcmp(config_keys[i].key, key) == 0)
			return config_keys[i].set(c, name ? name : key, value, err, errlen);
	}
	if (!known_section)
		snprintf(err, errlen, "unknown section [%s]", section);
	else if (strcmp(section, "mifd") == 0)
		snprintf(err, errlen, "unknown key \"%s\"", key);
	else
		snprintf(err, errlen, "unknown key \"%s\" in [%s]", key, section);
	return -ENOENT;
}

static int config_handler(void *user, const char *section, const char *name, const char *value,
			  char *err, size_t errlen)
{
	return config_set(user, section, name, name, value, err, errlen);
}

int config_load(struct mifd_config *c, const char *path, char *err, size_t errlen)
{
	char msg[256] = "";
	struct cfgini p = { .f = fopen(path, "re") };
	unsigned line = 0;
	int r;

	if (!p.f)
		return -errno;
	r = cfgini_parse(&p, config_handler, c, &line, msg, sizeof(msg));
	fclose(p.f);
	if (p.read_err)         /* a directory: EISDIR */
		return -p.read_err;
	if (r == 0 && mob_config_check(&c->mobility, msg, sizeof(msg)) < 0)
		r = -EINVAL;    /* about the whole file: no line */
	if (r == 0)
		return 0;
	if (line)
		snprintf(err, errlen, "%s:%u: %s", path, line, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
	return -EINVAL;
}

/* SPDX-License-Identifier: MIT */
#include "daemon/dns/resolv_conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

/* A name resolv.conf may carry: letters, digits, '-', '_' and '.', at
 * most 253 of them. Anything else, a newline above all, is refused. */
static bool rc_name_ok(const char *w, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)w[i]) && w[i] != '-' && w[i] != '_' && w[i] != '.')
			return false;
	return true;
}

/*
 * The engine's search line ("search a b\n" or ""), rebuilt from the names
 * in it that pass rc_name_ok(): an engine that was subverted through what
 * it parses must not write a nameserver line, or anything else, into the
 * host's resolv.conf. Bytes written to out (NUL-terminated).
 */
static size_t rc_search(const char *in, char *out, size_t len)
{
	const char *w = in;
	size_t off = 0, n;
	int names = 0;

	if (len < 16 || strncmp(in, "search ", 7) != 0) {
		out[0] = '\0';
		return 0;
	}
	for (w = in + 7; *w; w += n) {
		w += strspn(w, " ");
		n = strcspn(w, " \n");
		if (n == 0)
			break;
		if (!rc_name_ok(w, n) || off + n + 9 > len) {
			log_warn("dns: not a search domain for resolv.conf: \"%.*s\"",
				 (int)(n > 64 ? 64 : n), w);
			continue;
		}
		off += (size_t)snprintf(out + off, len - off, "%s%.*s", names++ ? " " : "search ",
					(int)n, w);
	}
	if (names)
		off += (size_t)snprintf(out + off, len - off, "\n");
	else
		out[0] = '\0';
	return off;
}

void resolv_conf_update(struct resolv_conf *s, const char *search)
{
	char text[1024], tmp[300], addr[INET6_ADDRSTRLEN] = "";
	size_t off;
	FILE *f;
	int err;

	if (!s->cfg.resolv_conf[0])
		return;
	if (s->cfg.listen.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&s->cfg.listen)->sin_addr, addr,
			  sizeof(addr));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&s->cfg.listen)->sin6_addr, addr,
			  sizeof(addr));
	off = (size_t)snprintf(text, sizeof(text), "# Written by mifd: its per-PvD stub "
			       "resolver (doc/resolver.md).\nnameserver %s\n", addr);
	off += rc_search(search, text + off, sizeof(text) - off - 40);
	/* No trust-ad: the stub does not validate, so an AD bit from a
	 * network's resolver must not reach applications as if it meant
	 * something (glibc clears AD without this option). */
	snprintf(text + off, sizeof(text) - off, "options edns0\n");
	if (strcmp(text, s->written) == 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->cfg.resolv_conf);
	f = fopen(tmp, "w");
	if (!f) {
		log_warn("dns: cannot write %s: %s", s->cfg.resolv_conf, strerror(errno));
		return;
	}
	/* fclose() even when fputs() failed, or the FILE leaks; a half
	 * written file never replaces the old one, and is removed. */
	err = fputs(text, f) < 0 ? errno : 0;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, s->cfg.resolv_conf) < 0)
		err = errno;
	if (err) {
		log_warn("dns: cannot write %s: %s", s->cfg.resolv_conf, strerror(err));
		unlink(tmp);
		return;
	}
	snprintf(s->written, sizeof(s->written), "%s", text);
}

static int rc_etc(const struct stub_config *c)
{
	char cur[256];
	ssize_t n = readlink("/etc/resolv.conf", cur, sizeof(cur) - 1);

	if (n > 0 && (size_t)n == strlen(c->resolv_conf) && !memcmp(cur, c->resolv_conf, (size_t)n))
		return 0;
	if (rename("/etc/resolv.conf", "/etc/resolv.conf.mif-saved") < 0 && errno != ENOENT)
		return -errno;
	return symlink(c->resolv_conf, "/etc/resolv.conf") < 0 ? -errno : 0;
}

static void rc_mkdir_for(const char *path)
{
	char dir[256];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
}


void resolv_conf_init(struct resolv_conf *rc, const struct stub_config *cfg)
{
	int err;

	memset(rc, 0, sizeof(*rc));
	rc->cfg = *cfg;
	if (!cfg->enabled || !cfg->resolv_conf[0]) {
		rc->cfg.resolv_conf[0] = '\0';
		return;
	}
	rc_mkdir_for(cfg->resolv_conf);
	resolv_conf_update(rc, "");
	if (cfg->write_etc_resolv_conf && (err = rc_etc(cfg)) < 0)
		log_warn("dns: cannot point /etc/resolv.conf at %s: %s", cfg->resolv_conf,
			 strerror(-err));
}

/* SPDX-License-Identifier: MIT */
/*
 * mifctl resolvconf -a RECORD < resolv.conf-lines
 * mifctl resolvconf -d RECORD
 * The interface of resolvconf(8) (Debian's resolvconf and openresolv), so
 * that a program which feeds its DNS servers to "resolvconf -a" (wg-quick's
 * DNS =, OpenVPN's update-resolv-conf, ifupdown, pppd) feeds mifd instead:
 * the record becomes an API PvD "resolvconf-RECORD" on the record's
 * interface with its nameservers and its search and domain names, and
 * "-d" deletes it. Install dist/hooks/resolvconf as resolvconf(8) to use
 * it. Root only, as for mifctl pvd add.
 *
 * A record is named IFACE or IFACE.PROTO ("eth0.dhclient") or PREFIX.IFACE
 * ("tun.wg0", wg-quick's form): the first of the whole name and its
 * dot-separated parts that names an interface is the interface.
 * -m METRIC, -x (exclusive), -f (ignore missing), -p (private) are taken
 * and ignored (each PvD is separate anyway); -u and -l do nothing.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "ctl/resolvconf_parse.h"

static int ctl_rc_usage(void)
{
	fprintf(stderr, "mifctl: usage: mifctl resolvconf -a RECORD < LINES | -d RECORD | -u\n");
	return CTL_USAGE;
}

/* The interface a record names (into ifname), or -1. */
static int ctl_rc_iface(const char *rec, char *ifname, size_t len)
{
	char buf[IF_NAMESIZE * 4], *save = NULL, *t;

	if (strlen(rec) < IF_NAMESIZE && if_nametoindex(rec)) {
		snprintf(ifname, len, "%s", rec);
		return 0;
	}
	if (strlen(rec) >= sizeof(buf))
		return -1;
	strcpy(buf, rec);
	for (t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save))
		if (strlen(t) < IF_NAMESIZE && if_nametoindex(t)) {
			snprintf(ifname, len, "%s", t);
			return 0;
		}
	return -1;
}

/* "nameserver A", "search D...", "domain D" from stdin into params (whole
 * lines, however long: resolvconf_parse.c). */
static int ctl_rc_read(json_t *o)
{
	json_t *dns = json_array(), *dom = json_array();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = dns && dom ? 0 : -ENOMEM;

	while (r == 0 && (n = getline(&line, &cap, stdin)) >= 0)
		r = resolvconf_parse_line(line, (size_t)n, dns, dom);
	free(line);
	json_object_set_new(o, "dns", dns);
	json_object_set_new(o, "domains", dom);
	return r;
}

int ctl_resolvconf(struct ctl *c, int argc, char **argv)
{
	const char *rec = NULL;
	char id[128], ifname[IF_NAMESIZE];
	bool add = false;
	json_t *params, *r;
	int o, rc;

	optind = 1;
	while ((o = getopt(argc, argv, "a:d:m:uxfpl")) != -1) {
		switch (o) {
		case 'a': add = true; rec = optarg; break;
		case 'd': add = false; rec = optarg; break;
		case 'u': case 'l': case 'm': case 'x': case 'f': case 'p': break;
		default: return ctl_rc_usage();
		}
	}
	if (!rec)
		return optind == argc ? CTL_OK : ctl_rc_usage();   /* -u alone */
	if (!*rec || strlen(rec) > 100 || strchr(rec, '/'))
		return ctl_rc_usage();
	snprintf(id, sizeof(id), "resolvconf-%s", rec);
	if (!add) {
		r = ctl_call(c, "pvd.del", json_pack("{s:s}", "id", id), &rc);
		json_decref(r);
		return r ? CTL_OK : rc;
	}
	if (ctl_rc_iface(rec, ifname, sizeof(ifname)) < 0) {
		fprintf(stderr, "mifctl: resolvconf: no interface in record \"%s\"\n", rec);
		return CTL_FAIL;
	}
	params = json_pack("{s:s, s:s}", "id", id, "interface", ifname);
	if (!params || ctl_rc_read(params) < 0) {
		fprintf(stderr, "mifctl: resolvconf: out of memory\n");
		json_decref(params);
		return CTL_FAIL;
	}
	r = ctl_pvd_put(c, params, true, &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	json_decref(r);
	return CTL_OK;
}

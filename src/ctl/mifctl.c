/* SPDX-License-Identifier: MIT */
/* mifctl: the command-line client of mifd. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "ctl/ctl.h"

static void ctl_usage(FILE *f)
{
	fprintf(f,
		"Usage: mifctl [--socket PATH] [--json] [--timeout SEC] COMMAND [ARGS]\n"
		"Show and control mifd, the multiple provisioning domain daemon.\n\n"
		"Commands:\n"
		"  pvd list             list the provisioning domains (PvDs) mifd knows\n"
		"  pvd show ID          everything about one PvD (ID or handle)\n"
		"  pvd add ID --interface IF [--dns A]... [--domain D]... [--route P[,via=GW]]...\n"
		"          [--prefix P]... [--mtu N]   define a PvD, e.g. for a VPN (root only)\n"
		"  pvd set ID [options] change a PvD added with pvd add (root only)\n"
		"  pvd del ID           delete a PvD added with pvd add (root only)\n"
		"  pvd add ID --replace [options]  add, or make an existing one exactly this\n"
		"                       (what VPN and DHCP client hooks call)\n"
		"  resolvconf -a RECORD | -d RECORD  resolvconf(8)'s interface: nameserver and\n"
		"                       search lines on stdin become a PvD (root only)\n"
		"  monitor [--count N] [--events NAME,...]  print PvD events as they happen\n"
		"                       (Ctrl-C stops); --events also default-changed,\n"
		"                       policy-changed\n"
		"  status               daemon state, interfaces and counters\n"
		"  top [--interval SEC] [--frames N]  every network on one screen: state,\n"
		"                       default, source, DNS; redrawn on each event\n"
		"  log-level LEVEL      set mifd's log level (root only)\n"
		"  link dhcp4 on|off IFACE  run or stop the DHCPv4 client on IFACE (root only)\n"
		"  route get DEST [--pvd ID] [--from ADDR]  the PvD, table, next hop and source\n"
		"                       a packet to DEST would use, and why\n"
		"  policy explain [--exe PATH] [--uid N] [--cgroup PATH] --dst ADDR|NAME\n"
		"         [--proto tcp|udp] [--port N] [--dscp N]  which PvDs a flow may use, and why\n"
		"  policy show | reload     the policy files loaded, their errors; read them again\n"
		"  dns                  every PvD's DNS servers (state, RTT), domains and cache,\n"
		"                       and the stub resolver's counters\n"
		"  dns which NAME [--pvd ID]  whose servers would answer NAME, and why\n"
		"  dns flush [--pvd ID]  empty every PvD's DNS cache, or one (root only)\n"
		"  resolve NAME [--type T] [--pvd ID]  ask the stub resolver: the answer,\n"
		"                       the PvD and server that gave it, and why that PvD\n"
		"  run --pvd ID [--] COMMAND [ARGS...]  run a program with its connections\n"
		"                       and name lookups inside one PvD\n"
		"  run --pvd ID --cgroup [--] COMMAND [ARGS...]  the same without a preload:\n"
		"                       in a cgroup that mifd steers (root only; any binary)\n"
		"  pvd use ID           the same as shell export lines, for\n"
		"                       eval \"$(mifctl pvd use ID)\"\n"
		"  stats                per PvD: state, checks, DNS queries, hit ratio, servers\n"
		"                       up, RTT, loss; stub, RA, routing and control totals\n"
		"  metrics [--listen ADDR:PORT]  counters in the Prometheus text format; with\n"
		"                       --listen, served over HTTP on a loopback address\n"
		"  portal               the networks behind a captive portal, and where to\n"
		"                       log in\n"
		"  mobility             the mobile node's bindings: HoA, BID, CoA, PvD, state,\n"
		"                       RTT, loss, last heartbeat, and why the uplink is used\n"
		"  steer show           answer-based steering's sets and the steered cgroups\n"
		"  steer cgroup add CGROUP PVD | del CGROUP  sockets of a cgroup's programs\n"
		"                       use PVD, without a preload (root only)\n\n"
		"Options:\n"
		"  -s, --socket PATH    control socket (default $MIF_SOCKET or %s)\n"
		"  -j, --json           print JSON instead of tables\n"
		"  -t, --timeout SEC    how long to wait for mifd (default 12; mifd itself\n"
		"                       answers within 10, or the stub's timeout_ms + 5)\n"
		"  -h, --help           show this help\n"
		"  -V, --version        show the version\n",
		MIF_DEFAULT_SOCKET_PATH);
}

int ctl_connect(struct ctl *c)
{
	int r;

	if (c->conn)
		return 0;
	r = mif_ctl_open(c->socket, &c->conn);
	if (r < 0) {
		fprintf(stderr, "mifctl: cannot connect to mifd at %s: %s%s\n",
			paths_ctl_socket(c->socket, MIF_DEFAULT_SOCKET_PATH),
			strerror(-r), r == -ENOENT || r == -ECONNREFUSED ?
			" (is mifd running?)" : "");
	}
	return r;
}

json_t *ctl_call(struct ctl *c, const char *method, json_t *params, int *rc)
{
	char *res = NULL, *msg = NULL, *p = NULL;
	json_t *out;
	int r;

	*rc = CTL_FAIL;
	if (ctl_connect(c) < 0) {
		json_decref(params);
		return NULL;
	}
	if (params)
		p = json_dumps(params, JSON_COMPACT);
	json_decref(params);
	r = mif_ctl_call(c->conn, method, p, &res, &msg, c->timeout_ms);
	free(p);
	if (r < 0) {
		fprintf(stderr, "mifctl: %s: %s\n", method,
			msg ? msg : r == -EPROTO ? "mifd's answer is not valid protocol" :
			r == -ETIMEDOUT ? "mifd did not answer in time" : strerror(-r));
		free(msg);
		return NULL;
	}
	out = json_loads(res, JSON_DECODE_ANY, NULL);
	free(res);
	if (!out)
		fprintf(stderr, "mifctl: %s: unreadable reply\n", method);
	else
		*rc = CTL_OK;
	return out;
}

void ctl_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', stdout);
}

static int ctl_dispatch(struct ctl *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct ctl *, int, char **);
	} verbs[] = {
		{ "pvd", ctl_pvd }, { "monitor", ctl_monitor },
		{ "status", ctl_status }, { "log-level", ctl_log_level }, { "link", ctl_link },
		{ "route", ctl_route }, { "dns", ctl_dns }, { "resolve", ctl_resolve },
		{ "run", ctl_run }, { "portal", ctl_portal },
		{ "resolvconf", ctl_resolvconf }, { "metrics", ctl_metrics },
		{ "top", ctl_top }, { "stats", ctl_stats },
		{ "mobility", ctl_mobility }, { "policy", ctl_policy },
		{ "steer", ctl_steer },
	};

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[0], verbs[i].name) == 0)
			return verbs[i].fn(c, argc, argv);
	fprintf(stderr, "mifctl: unknown command \"%s\" (see mifctl --help)\n", argv[0]);
	return CTL_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* Longer than mifd's own reply deadline (CONTROL_REPLY_DEADLINE_MS,
	 * 10 s, which covers the stub's default 5 s per lookup): mifd
	 * answers, with the result or why there is none, before mifctl
	 * gives up; only a mifd that does not answer at all is timed out. */
	struct ctl c = { .timeout_ms = 12000 };
	long secs;
	char *end;
	int o, rc;

	/* "+": stop at the first non-option, so verbs take their own options. */
	while ((o = getopt_long(argc, argv, "+s:jt:hV", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			c.socket = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 't':
			errno = 0;
			secs = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || secs < 1 || secs > 3600) {
				fprintf(stderr, "mifctl: --timeout: \"%s\" is not 1..3600 seconds\n",
					optarg);
				return CTL_USAGE;
			}
			c.timeout_ms = (int)secs * 1000;
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_OK;
		case 'V':
			printf("mifctl %s\n", MIF_VERSION);
			return CTL_OK;
		default:
			ctl_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return CTL_USAGE;
	}
	rc = ctl_dispatch(&c, argc - optind, argv + optind);
	mif_ctl_close(c.conn);
	return rc;
}

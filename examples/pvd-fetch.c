/* SPDX-License-Identifier: MIT */
/*
 * pvd-fetch: an example of libmif's application API (include/mif/pvd.h).
 *
 *   pvd-fetch [OPTIONS] NAME     resolve NAME in every PvD that has DNS
 *                                servers and fetch from it through that PvD
 *   pvd-fetch [OPTIONS] --events print PvD events as they come
 *   pvd-fetch [OPTIONS] --list   list the PvDs only
 *
 * Two networks may give the same name the same (private) address, yet
 * each PvD's connection reaches that network's own server: the socket is
 * bound to the PvD and to a source address of the PvD.
 *
 * Output, one record per line:
 *   pvd ID handle H kind K interfaces IF,... addresses N dns N [default-v4]
 *       [default-v6] [captive-portal]
 *   resolve ID NAME N
 *   addr ID ADDR PORT from SRC            (SRC "-": no source in the PvD)
 *   fetch ID NAME PORT: LINE              (the first line the server sent)
 *   event KIND ID handle H [family F previous P]
 *   error WHERE ENAME: TEXT
 * Exit status: 0 all went well, 1 something failed, 2 bad arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mif/mif.h>
#include <mif/pvd.h>

#define PF_MAX_PVDS 64
#define PF_MAX_ADDRS 32

struct pf_opts {
	const char *socket, *pvd, *name, *hold;
	unsigned port;
	int timeout_ms, count;
	bool http, events, list, any, no_fetch;
};

static int pf_error(const char *where, int e, const char *text)
{
	const char *n = strerrorname_np(-e);

	printf("error %s %s: %s\n", where, n ? n : "E?", text && *text ? text : strerror(-e));
	fflush(stdout);
	return 1;
}

static int pf_usage(void)
{
	fprintf(stderr,
		"usage: pvd-fetch [--socket PATH] [--pvd ID | --any] [--port N] [--http]\n"
		"                 [--no-fetch] [--timeout SEC] [--hold FILE] NAME\n"
		"       pvd-fetch [--socket PATH] --events [--count N] [--timeout SEC]\n"
		"       pvd-fetch [--socket PATH] --list\n"
		"Resolves NAME in each PvD with DNS servers (or in the PvD given; --any: as\n"
		"mifd chooses), prints the addresses best first with their source, and\n"
		"connects to PORT (default 80) through that PvD, printing the first line\n"
		"the server sends (--http: sends \"GET / HTTP/1.0\" first).\n");
	return 2;
}

static const char *pf_ntop(const struct sockaddr_storage *ss, socklen_t len, char *b, size_t n)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (len == 0 || !inet_ntop(ss->ss_family, a, b, (socklen_t)n))
		snprintf(b, n, "-");
	return b;
}

static void pf_print_pvd(const struct mif_pvd_info *p)
{
	printf("pvd %s handle %llu kind %s interfaces ", p->id, (unsigned long long)p->handle,
	       p->kind);
	for (size_t i = 0; i < p->n_interfaces; i++)
		printf("%s%s", i ? "," : "", p->interfaces[i]);
	printf("%s addresses %zu dns %zu%s%s%s\n", p->n_interfaces ? "" : "-", p->n_addresses,
	       p->n_dns, p->default_v4 ? " default-v4" : "", p->default_v6 ? " default-v6" : "",
	       p->captive_portal ? " captive-portal" : "");
}

/* Read the first line the server sends (at most 5 s: SO_RCVTIMEO). */
static int pf_read_line(int fd, bool http, char *line, size_t cap)
{
	struct timeval tv = { .tv_sec = 5 };
	size_t n = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (http && send(fd, "GET / HTTP/1.0\r\n\r\n", 18, MSG_NOSIGNAL) != 18)
		return -errno;
	while (n + 1 < cap) {
		ssize_t r = recv(fd, line + n, 1, 0);

		if (r < 0)
			return -errno;
		if (r == 0 || line[n] == '\n')
			break;
		n++;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	line[n] = '\0';
	return 0;
}

/* Resolve and fetch in one PvD (pvd NULL: mifd's choice). */
static int pf_one(struct mif_ctl *c, const char *pvd, const struct pf_opts *o)
{
	struct mif_addr a[PF_MAX_ADDRS];
	const char *label = pvd ? pvd : "-";
	char err[512], b1[INET6_ADDRSTRLEN], b2[INET6_ADDRSTRLEN], line[512], where[300];
	size_t n = 0;
	int r, fd, fails = 0;

	snprintf(where, sizeof(where), "resolve %s", label);
	r = mif_resolve(c, pvd, o->name, (uint16_t)o->port, a, PF_MAX_ADDRS, &n, err, sizeof(err));
	if (r < 0)
		fails = pf_error(where, r, err);
	else
		printf("resolve %s %s %zu\n", label, o->name, n);
	for (size_t i = 0; r == 0 && i < n; i++)
		printf("addr %s %s %u from %s\n", label, pf_ntop(&a[i].addr, a[i].addr_len, b1,
		       sizeof(b1)), o->port, pf_ntop(&a[i].src, a[i].src_len, b2, sizeof(b2)));
	fflush(stdout);
	/* mif_connect() resolves again by itself: it is tried even when the
	 * resolution above failed, to show what it says. */
	if (o->no_fetch)
		return fails;
	snprintf(where, sizeof(where), "fetch %s", label);
	fd = mif_connect(c, pvd, o->name, (uint16_t)o->port, o->timeout_ms, err, sizeof(err));
	if (fd < 0)
		return pf_error(where, fd, err);
	r = pf_read_line(fd, o->http, line, sizeof(line));
	close(fd);
	if (r < 0)
		return pf_error(where, r, "reading the server's first line");
	printf("fetch %s %s %u: %s\n", label, o->name, o->port, line);
	fflush(stdout);
	return fails;
}

static int pf_fetch(struct mif_ctl *c, const struct pf_opts *o)
{
	struct mif_pvd_info p[PF_MAX_PVDS];
	char err[512];
	size_t n = 0;
	int fails = 0, r;

	if (o->any)
		return pf_one(c, NULL, o);
	if (o->pvd) {
		/* Each call on its own, to show what each says of this PvD. */
		r = mif_pvd_get(c, o->pvd, &p[0], err, sizeof(err));
		if (r < 0)
			fails = pf_error("pvd", r, err);
		else
			pf_print_pvd(&p[0]);
		return o->name ? pf_one(c, o->pvd, o) | fails : fails;
	}
	r = mif_pvd_list(c, p, PF_MAX_PVDS, &n, err, sizeof(err));
	if (r < 0)
		return pf_error("list", r, err);
	for (size_t i = 0; i < n && i < PF_MAX_PVDS; i++)
		pf_print_pvd(&p[i]);
	fflush(stdout);
	for (size_t i = 0; o->name && i < n && i < PF_MAX_PVDS; i++)
		if (p[i].n_dns)
			fails += pf_one(c, p[i].id, o);
	return fails ? 1 : 0;
}

static int pf_events(struct mif_ctl *c, const struct pf_opts *o)
{
	static const char *const kind[] = { "?", "pvd-added", "pvd-changed", "pvd-removed",
					    "default-changed", "policy-changed" };
	long long end = time(NULL) + o->timeout_ms / 1000;
	char err[512];
	int r = mif_event_subscribe(c, err, sizeof(err));

	if (r < 0)
		return pf_error("subscribe", r, err);
	printf("subscribed\n");
	fflush(stdout);
	for (int seen = 0; o->count <= 0 || seen < o->count; seen++) {
		struct mif_event ev;

		r = mif_event_next(c, &ev, (int)((end - time(NULL)) * 1000));
		if (r < 0)
			return pf_error("events", r, r == -ECONNRESET ? "mifd went away" : NULL);
		printf("event %s %s handle %llu", kind[ev.kind], ev.pvd.id[0] ? ev.pvd.id : "-",
		       (unsigned long long)ev.pvd.handle);
		if (ev.kind == MIF_EVENT_DEFAULT_CHANGED)
			printf(" family %s previous %llu", ev.family == AF_INET ? "ipv4" : "ipv6",
			       (unsigned long long)ev.previous);
		printf("\n");
		fflush(stdout);
	}
	return 0;
}

/* --hold FILE: connected, now wait (at most 60 s) for FILE to exist. */
static void pf_hold(const char *file)
{
	struct stat st;

	printf("connected\n");
	fflush(stdout);
	for (int i = 0; i < 600 && stat(file, &st) < 0; i++)
		usleep(100000);
}

static int pf_args(int argc, char **argv, struct pf_opts *o)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' }, { "pvd", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' }, { "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' }, { "hold", required_argument, NULL, 'H' },
		{ "http", no_argument, NULL, 'h' }, { "events", no_argument, NULL, 'e' },
		{ "list", no_argument, NULL, 'l' }, { "any", no_argument, NULL, 'a' },
		{ "no-fetch", no_argument, NULL, 'n' }, { NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	*o = (struct pf_opts){ .port = 80, .timeout_ms = 10000 };
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's': o->socket = optarg; break;
		case 'p': o->pvd = optarg; break;
		case 'H': o->hold = optarg; break;
		case 'h': o->http = true; break;
		case 'e': o->events = true; break;
		case 'l': o->list = true; break;
		case 'a': o->any = true; break;
		case 'n': o->no_fetch = true; break;
		case 'P':
			o->port = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || o->port == 0 || o->port > 65535)
				return -1;
			break;
		case 't':
			o->timeout_ms = (int)strtol(optarg, &end, 10) * 1000;
			if (*end || o->timeout_ms <= 0 || o->timeout_ms > 3600000)
				return -1;
			break;
		case 'c':
			o->count = (int)strtol(optarg, &end, 10);
			if (*end || o->count <= 0)
				return -1;
			break;
		default: return -1;
		}
	}
	o->name = optind < argc ? argv[optind++] : NULL;
	if (optind < argc || (o->pvd && o->any) || (!o->events && !o->list && !o->name))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct pf_opts o;
	struct mif_ctl *c = NULL;
	int r;

	if (pf_args(argc, argv, &o) < 0)
		return pf_usage();
	r = mif_ctl_open(o.socket, &c);
	if (r < 0)
		return pf_error("mifd", r, r == -ENOENT || r == -ECONNREFUSED ?
				"cannot reach mifd (is it running?)" : NULL);
	if (o.hold)
		pf_hold(o.hold);
	if (o.events)
		r = pf_events(c, &o);
	else
		r = pf_fetch(c, &o);
	mif_ctl_close(c);
	return r;
}

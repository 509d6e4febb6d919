/* SPDX-License-Identifier: MIT */
/*
 * mifctl top [--interval SEC] [--frames N]
 * A compact picture of every network that fits the terminal: per PvD its
 * connectivity state, whether it is the default (4/6), where it came from,
 * its interfaces, DNS servers up and their best RTT, cache hit ratio; the
 * stub's totals and the last events below. It redraws as soon as an event
 * arrives on its subscription (pvd-added, -changed, -removed,
 * default-changed), and every --interval seconds (default 5) for the
 * counters. On a terminal it clears the screen and colours the states;
 * elsewhere (a pipe, a file) it prints each frame after the last, without
 * colour. --frames N stops after N frames.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"

#define TOP_EVENTS 5
/* Every column but the id's, with their separators, and one spare so that
 * a full line never wraps. */
#define TOP_FIXED (2 + 1 + 1 + 11 + 1 + 9 + 1 + 12 + 1 + 20 + 1)

struct top {
	bool tty;
	int width;
	char events[TOP_EVENTS][160];    /* the last events, newest last */
	size_t n_events;
};

/* ANSI colour of a connectivity state (tty only). */
static const char *top_colour(const char *state)
{
	if (!strcmp(state, "valid"))
		return "\033[32m";
	if (!strcmp(state, "failed") || !strcmp(state, "no-internet"))
		return "\033[31m";
	if (!strcmp(state, "unknown"))
		return "\033[2m";
	return "\033[33m";                /* validating, partial, portal */
}

/* The DNS entry of PvD id in dns.list: servers up/total, best RTT, hit %. */
static void top_dns(json_t *dns, const char *id, char *buf, size_t len)
{
	struct ctl_dns_sum d;
	double hit;

	if (ctl_dns_summary(dns, id, &d) < 0) {
		snprintf(buf, len, "-");
		return;
	}
	hit = d.hits + d.misses > 0 ? 100 * d.hits / (d.hits + d.misses) : 0;
	if (d.best_rtt_ms >= 0)
		snprintf(buf, len, "%zu/%zu %5.1fms %3.0f%%", d.up, d.servers, d.best_rtt_ms, hit);
	else
		snprintf(buf, len, "%zu/%zu    -    %3.0f%%", d.up, d.servers, hit);
}

static bool top_is_default(json_t *st, const char *fam, const char *id)
{
	json_t *d = json_object_get(json_object_get(json_object_get(st, "routing"), "default_pvd"),
				    fam);

	return json_is_string(d) && !strcmp(json_string_value(d), id);
}

/* One line per PvD, the id column taking what the others leave. */
static void top_pvd(struct top *t, json_t *p, json_t *st, json_t *dns)
{
	const char *id = ctl_str(p, "id"), *state = ctl_str(p, "connectivity_state");
	char ifs[64], d[40], def[3] = "--";
	int idw = t->width - TOP_FIXED < 12 ? 12 : t->width - TOP_FIXED;

	ctl_join(json_object_get(p, "interfaces"), NULL, ifs, sizeof(ifs));
	top_dns(dns, id, d, sizeof(d));
	if (top_is_default(st, "ipv4", id))
		def[0] = '4';
	if (top_is_default(st, "ipv6", id))
		def[1] = '6';
	printf("%-2s %-*.*s %s%-11.11s%s %-9.9s %-12.12s %-20.20s\n", def, idw, idw, id,
	       t->tty ? top_colour(state) : "", state, t->tty ? "\033[0m" : "",
	       ctl_str(p, "source"), ifs, d);
}

static int top_frame(struct ctl *c, struct top *t)
{
	int rc;
	json_t *st = ctl_call(c, "status", NULL, &rc), *dns = st ? ctl_call(c, "dns.list", NULL, &rc) :
			NULL, *pl = dns ? ctl_call(c, "pvd.list", NULL, &rc) : NULL, *p, *stub;
	size_t i;
	char when[16];
	time_t now = time(NULL);

	if (!pl) {
		json_decref(st);
		json_decref(dns);
		return rc;
	}
	stub = json_object_get(dns, "stub");
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (t->tty)
		printf("\033[H\033[2J");
	printf("mifd %s  up %llds  %s  %zu PvDs  DNS %lld queries, %lld hits\n",
	       ctl_str(st, "version"), (long long)json_integer_value(json_object_get(st, "uptime")),
	       when, json_array_size(json_object_get(pl, "pvds")),
	       (long long)json_integer_value(json_object_get(stub, "queries")),
	       (long long)json_integer_value(json_object_get(stub, "hits")));
	printf("%s%-2s %-*s %-11s %-9s %-12s %-20s%s\n", t->tty ? "\033[1m" : "", "D",
	       t->width - TOP_FIXED < 12 ? 12 : t->width - TOP_FIXED, "PVD", "STATE", "SOURCE", "INTERFACES",
	       "DNS UP  RTT   HIT", t->tty ? "\033[0m" : "");
	json_array_foreach(json_object_get(pl, "pvds"), i, p)
		top_pvd(t, p, st, dns);
	if (t->n_events)
		printf("events:\n");
	for (i = 0; i < t->n_events; i++)
		printf("  %.*s\n", t->width > 2 ? t->width - 2 : 78, t->events[i]);
	if (!t->tty)
		printf("\n");
	fflush(stdout);
	json_decref(st);
	json_decref(dns);
	json_decref(pl);
	return CTL_OK;
}

/* Keep one event line for the bottom of the frame. */
static void top_event(struct top *t, const char *line)
{
	json_t *ev = json_loads(line, 0, NULL);
	char when[16];
	time_t now = time(NULL);

	if (t->n_events == TOP_EVENTS) {
		memmove(t->events[0], t->events[1], sizeof(t->events[0]) * (TOP_EVENTS - 1));
		t->n_events--;
	}
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	snprintf(t->events[t->n_events++], sizeof(t->events[0]), "%s %s %s", when,
		 ctl_str(ev, "event"), ctl_str(json_object_get(ev, "pvd"), "id"));
	json_decref(ev);
}

static int top_args(int argc, char **argv, long *interval, long *frames)
{
	for (int i = 1; i < argc; i += 2) {
		long *dst = !strcmp(argv[i], "--interval") ? interval :
			    !strcmp(argv[i], "--frames") ? frames : NULL;
		char *end;

		if (!dst || i + 1 >= argc)
			return -1;
		*dst = strtol(argv[i + 1], &end, 10);
		if (*end || *dst <= 0 || *dst > 86400)
			return -1;
	}
	return 0;
}

int ctl_top(struct ctl *c, int argc, char **argv)
{
	struct top t = { .tty = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), .width = 80 };
	long interval = 5, frames = -1, shown = 0;
	struct winsize ws;
	json_t *res;
	int rc;

	if (top_args(argc, argv, &interval, &frames) < 0) {
		fprintf(stderr, "mifctl: usage: mifctl top [--interval SEC] [--frames N]\n");
		return CTL_USAGE;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		t.width = ws.ws_col;
	else if (getenv("COLUMNS") && atoi(getenv("COLUMNS")) >= 40)
		t.width = atoi(getenv("COLUMNS"));
	res = ctl_call(c, "subscribe", NULL, &rc);
	if (!res)
		return rc;
	json_decref(res);
	while (frames < 0 || shown < frames) {
		char *line = NULL;
		int r;

		if ((rc = top_frame(c, &t)) != CTL_OK)
			return rc;
		if (++shown == frames)
			break;
		/* Until an event or the interval; then take every event queued. */
		r = mif_ctl_next_event(c->conn, &line, (int)interval * 1000);
		while (r == 0) {
			top_event(&t, line);
			free(line);
			r = mif_ctl_next_event(c->conn, &line, 50);
		}
		if (r != -ETIMEDOUT) {
			fprintf(stderr, "mifctl: top: %s\n", r == -ECONNRESET ?
				"mifd closed the connection" : strerror(-r));
			return CTL_FAIL;
		}
	}
	return CTL_OK;
}

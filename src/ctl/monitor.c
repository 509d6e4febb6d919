/* SPDX-License-Identifier: MIT */
/* mifctl monitor [--count N] [--events NAME,...]: print events as they
 * happen (the PvD events by default; default-changed and policy-changed on
 * request). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"

/* The event's colour on a terminal (NO_COLOR turns it off). */
static const char *ctl_monitor_colour(const char *event)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (!tty)
		return "";
	if (!strcmp(event, "pvd-added"))
		return "\033[32m";
	if (!strcmp(event, "pvd-removed"))
		return "\033[31m";
	if (!strcmp(event, "default-changed"))
		return "\033[36m";
	return "\033[33m";
}

static void ctl_monitor_print(struct ctl *c, const char *line)
{
	json_t *ev = json_loads(line, 0, NULL), *p = json_object_get(ev, "pvd");
	char when[16], ifs[128], pfx[256];
	time_t now = time(NULL);

	if (c->json || !ev) {
		printf("%s\n", line);
	} else {
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		ctl_join(json_object_get(p, "interfaces"), NULL, ifs, sizeof(ifs));
		ctl_join(json_object_get(p, "prefixes"), "prefix", pfx, sizeof(pfx));
		const char *col = ctl_monitor_colour(ctl_str(ev, "event"));

		printf("%s %s%-12s%s %s", when, col, ctl_str(ev, "event"), *col ? "\033[0m" : "",
		       ctl_str(p, "id"));
		if (!strcmp(ctl_str(ev, "event"), "policy-changed")) {
			ctl_join(json_object_get(p, "order"), "id", ifs, sizeof(ifs));
			ctl_join(json_object_get(p, "previous"), "id", pfx, sizeof(pfx));
			printf("order for any flow: %s (was %s)", *ifs ? ifs : "none",
			       *pfx ? pfx : "none");
		} else if (strcmp(ctl_str(ev, "event"), "pvd-removed") != 0) {
			printf(" on %s, prefixes %s", ifs, pfx);
		}
		printf("\n");
	}
	fflush(stdout);
	json_decref(ev);
}

int ctl_monitor(struct ctl *c, int argc, char **argv)
{
	long count = -1, seen = 0;
	int rc, r;
	json_t *res, *params = NULL;

	for (int i = 1; i < argc; i += 2) {
		char *end;

		if (i + 1 < argc && !strcmp(argv[i], "--count")) {
			count = strtol(argv[i + 1], &end, 10);
			if (*end || count <= 0) {
				fprintf(stderr, "mifctl: monitor: --count needs a positive number\n");
				json_decref(params);
				return CTL_USAGE;
			}
		} else if (i + 1 < argc && !strcmp(argv[i], "--events") && !params) {
			json_t *list = json_array();
			char *dup = strdup(argv[i + 1]), *save = NULL;

			for (char *t = dup ? strtok_r(dup, ",", &save) : NULL; t;
			     t = strtok_r(NULL, ",", &save))
				json_array_append_new(list, json_string(t));
			free(dup);
			params = json_pack("{s:o}", "events", list);
		} else {
			fprintf(stderr, "mifctl: usage: mifctl monitor [--count N] "
				"[--events NAME,...]\n");
			json_decref(params);
			return CTL_USAGE;
		}
	}
	/* mifd says which names it knows (an unknown one: a clear error). */
	res = ctl_call(c, "subscribe", params, &rc);
	if (!res)
		return rc;
	json_decref(res);
	if (!c->json)
		fprintf(stderr, "Watching PvD events; Ctrl-C to stop.\n");
	while (count < 0 || seen < count) {
		char *line;

		r = mif_ctl_next_event(c->conn, &line, -1);
		if (r < 0) {
			fprintf(stderr, "mifctl: monitor: %s\n", r == -ECONNRESET ?
				"mifd closed the connection" : strerror(-r));
			return CTL_FAIL;
		}
		ctl_monitor_print(c, line);
		free(line);
		seen++;
	}
	return CTL_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * bench/event-stamp: subscribe to mifd's PvD events through libmif and print
 * one line per event: "<CLOCK_MONOTONIC seconds> <event> <pvd id>
 * <connectivity state or ->", flushed
 * at once. With mif-ra-send --print-time (same clock) it gives the delay
 * from an RA leaving the router to the PvD being visible on the socket.
 * Usage: event-stamp SOCKET COUNT
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mif/mif.h"

int main(int argc, char **argv)
{
	struct mif_ctl *c;
	long n;
	int r;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: event-stamp SOCKET COUNT\n");
		return 2;
	}
	r = mif_ctl_open(argv[1], &c);
	if (r == 0)
		r = mif_ctl_call(c, "subscribe", NULL, NULL, NULL, 5000);
	if (r < 0) {
		fprintf(stderr, "event-stamp: %s\n", strerror(-r));
		return 1;
	}
	printf("subscribed\n");
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		struct timespec ts;
		const char *state;
		char *ev;
		json_t *j;

		r = mif_ctl_next_event(c, &ev, 60000);
		if (r < 0) {
			fprintf(stderr, "event-stamp: %s\n", strerror(-r));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		j = json_loads(ev, 0, NULL);
		state = json_string_value(json_object_get(json_object_get(j, "pvd"),
							  "connectivity_state"));
		printf("%ld.%09ld %s %s %s\n", (long)ts.tv_sec, ts.tv_nsec,
		       json_string_value(json_object_get(j, "event")),
		       json_string_value(json_object_get(json_object_get(j, "pvd"), "id")),
		       state ? state : "-");
		fflush(stdout);
		json_decref(j);
		free(ev);
	}
	mif_ctl_close(c);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Router Solicitations (RFC 4861 section 6.3.7), decided in the engine and
 * sent by the kernel side (MSG_RS_SEND). A managed interface that comes up,
 * or that is up when mifd starts, is solicited so that a restarted mifd
 * learns its networks within about a second instead of waiting up to
 * MaxRtrAdvInterval (600 s with radvd's defaults) for the next periodic RA.
 */
#ifndef MIF_DAEMON_RA_ENGINE_RS_H
#define MIF_DAEMON_RA_ENGINE_RS_H

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>

/* RFC 4861 section 10, host constants. */
#define RS_MAX_DELAY_MS 1000     /* MAX_RTR_SOLICITATION_DELAY */
#define RS_INTERVAL_MS 4000      /* RTR_SOLICITATION_INTERVAL */
#define RS_MAX 3                 /* MAX_RTR_SOLICITATIONS */
#define RS_MAX_LINKS 64

struct engine_rs_link {
	int ifindex;             /* 0: free slot */
	uint8_t sent;
	bool done;               /* answered, or RS_MAX sent: quiet until it goes down */
	uint64_t due_ns;
};

struct engine_rs {
	struct engine_rs_link links[RS_MAX_LINKS];
	struct event *timer;
	uint64_t sent, answered;
};

struct engine;

int engine_rs_init(struct engine *e);
void engine_rs_free(struct engine *e);
/* After the view of ifindex changed: start soliciting a managed interface
 * that is up and was not, forget one that is down or gone. */
void engine_rs_link(struct engine *e, int ifindex);
/* An accepted RA on ifindex: a non-zero router lifetime ends the
 * solicitation there (section 6.3.7, "MUST desist"). */
void engine_rs_ra(struct engine *e, int ifindex, uint16_t router_lifetime);

#endif

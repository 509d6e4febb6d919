/* SPDX-License-Identifier: MIT */
/* Engine internals shared by engine*.c. */
#ifndef MIF_DAEMON_ENGINE_PRIV_H
#define MIF_DAEMON_ENGINE_PRIV_H

#include <sys/queue.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/chan.h"
#include "daemon/engine.h"
#include "daemon/msg.h"
#include "daemon/pvd_spec.h"

#define ENGINE_MAX_SPECS 64

/* A PvD defined by a file in pvd.d or by the API. */
struct engine_spec {
	struct pvd_spec spec;
	enum pvd_source origin;      /* PVD_SRC_STATIC or PVD_SRC_API */
	char file[512];              /* static: where it was defined */
	bool active;                 /* instantiated (its interface exists) */
};

/* An address mifd formed by SLAAC for a prefix nested in a PvD option. */
struct slaac_addr {
	LIST_ENTRY(slaac_addr) e;
	int ifindex;
	struct in6_addr addr;
	uint64_t valid_until;        /* monotonic ns, PVD_NEVER if infinite */
	uint64_t pref_until;
	bool onlink;
	bool dadfailed;               /* DAD failed: never programmed again on this link */
};

struct engine {
	struct event_base *base;
	struct chan *ch;
	struct event *timer;
	struct pvd_store store;
	struct view view;
	LIST_HEAD(, slaac_addr) slaac;
	struct engine_counters ctr;
	struct log_ratelimit drop_rl;
	engine_event_cb cb;
	void *cb_ctx;
	uint64_t started_ns;
	char pvd_dir[256];
	struct engine_spec specs[ENGINE_MAX_SPECS];
	size_t n_specs;
	json_t *static_errors;       /* [{"file", "error"}] from the last load */
};

/* engine_slaac.c */
void engine_slaac_prefix(struct engine *e, int ifindex, const struct ra_prefix *p, uint64_t now);
void engine_slaac_forget(struct engine *e, int ifindex, const struct nl_addr *gone);
bool engine_slaac_owns(void *ctx, int ifindex, const uint8_t addr[16]);
void engine_slaac_release(struct engine *e, int ifindex);
void engine_slaac_addr_flags(struct engine *e, const struct nl_addr *a);

/* engine.c */
int engine_send(struct engine *e, uint32_t type, const void *data, size_t len);
/* Recompute every PvD: expire, remove empty ones, emit events, re-arm timer. */
void engine_sync(struct engine *e);

/* engine_static.c */
void engine_static_load(struct engine *e);
void engine_static_link(struct engine *e, int ifindex, const char *ifname, bool up);

/* engine_ra.c */
void engine_on_ra(struct engine *e, const struct ipc_msg *m);

#endif

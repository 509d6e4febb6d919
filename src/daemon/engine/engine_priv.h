/* SPDX-License-Identifier: MIT */
/* Engine internals shared by engine*.c. */
#ifndef MIF_DAEMON_ENGINE_PRIV_H
#define MIF_DAEMON_ENGINE_PRIV_H

#include <sys/queue.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/core/chan.h"
#include "daemon/engine/engine.h"
#include "daemon/connectivity/engine_conn.h"
#include "daemon/dhcp/engine_dhcp4.h"
#include "daemon/routing/engine_route.h"
#include "daemon/routing/engine_steer.h"
#include "daemon/core/limits.h"
#include "daemon/core/msg.h"
#include "daemon/pvd/pvd_spec.h"
#include "daemon/ra/engine_rs.h"
#include "daemon/mobility/engine_mob.h"
#include "daemon/policy/engine_policy.h"

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
	uint8_t prefix[8];           /* the /64 it was formed in */
	uint64_t valid_until;        /* monotonic ns, PVD_NEVER if infinite */
	uint64_t pref_until;
	bool onlink;
	bool dadfailed;               /* DAD failed: never programmed again on this link */
};

struct engine_dhcp6;
struct engine_addrlabel;

/* A record of the lease store, from the parent or kept since (engine_lease.c). */
#define ENGINE_MAX_LEASES 64
struct engine_lease {
	LIST_ENTRY(engine_lease) e;
	char key[64];
	size_t len;
	uint8_t data[];              /* len bytes */
};

/* The channel to the network-facing process (engine_net.c). */
#define ENGINE_NET_ROUTE_SLOTS 64
struct engine_net {
	struct chan *ch;             /* NULL while no such process is attached */
	int fd;
	struct chan_text call;       /* a MSG_CTL_CALL arriving in pieces */
	uint8_t *buf;                /* the view being built */
	size_t len, cap;
	uint64_t gen, last_hash;
	bool sent_once;              /* last_hash is what the process holds */
	struct {
		uint32_t ours, theirs;
	} route[ENGINE_NET_ROUTE_SLOTS];  /* route.get tokens in flight */
	uint64_t views, calls, bad, lost, attached, refused;
	uint64_t views_coalesced;    /* views not sent: a newer one replaced them */
	struct event *pub_ev;        /* the next view, once the queue drained */
	bool over;                   /* its channel is past the high-water mark */
	uint32_t call_uid;           /* of the call being received (SO_PEERCRED) */
};

void engine_pressure_update(struct engine *e);

struct engine {
	struct ra ra_rx;             /* the RA being parsed (~10 KiB: off the stack) */
	struct engine_rs rs;         /* Router Solicitations (ra/engine_rs.c) */
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
	char dhcp4_ifaces[CORE_MAX_IFACES][16];   /* names with DHCPv4 on */
	size_t n_dhcp4_ifaces;
	bool dhcp4_release;          /* RELEASE at a clean stop (dhcp4_release = yes) */
	struct engine_dhcp4 *dhcp4[VIEW_MAX_LINKS];
	size_t n_dhcp4;
	struct engine_dhcp6 *dhcp6[VIEW_MAX_LINKS];
	size_t n_dhcp6;
	struct engine_route rt;
	engine_route_reply_cb rt_reply;
	void *rt_reply_ctx;
	engine_sync_fn sync_cb;
	void *sync_ctx;
	struct engine_net net;
	struct engine_conn conn;     /* connectivity checks (connectivity/) */
	uint64_t digest_seed;        /* of PvD digests (pvd_digest.h), random per run */
	uint64_t bind_hash;          /* of the bind table last sent */
	bool bind_sent;
	char resolv_sent[1024];      /* the search line last sent */
	bool resolv_known;
	bool static_files_done;      /* the parent sent every static PvD file */
	bool static_loaded;
	json_t *static_texts;        /* [{"name", "text"}] until loaded */
	struct chan_text static_text;  /* a MSG_PVD_FILE arriving in pieces */
	struct msg_proc_info parent;   /* pid 0 until the parent says */
	struct msg_bind_stats binds;   /* the bind socket's (MSG_BIND_STATS) */
	LIST_HEAD(, engine_lease) leases;   /* at most ENGINE_MAX_LEASES */
	size_t n_leases;
	uint8_t secret[32];          /* RFC 7217 section 5 (MSG_SECRET) */
	bool has_secret;
	int privacy;                 /* enum slaac_privacy (address_privacy =) */
	char pd_down[CORE_MAX_IFACES][16];   /* DHCPv6-PD downstream interfaces */
	size_t n_pd_down;
	struct chan_stats kchan;     /* the kernel side's channel (MSG_CHAN_STATS) */
	bool kchan_over;             /* the channel to the kernel side is past its high-water mark */
	struct engine_mob mob;       /* the mobile node's care-of paths (mobility/) */
	struct engine_policy *policy;  /* policy/engine_policy.c; NULL until first used */
	struct engine_addrlabel *alabel;   /* routing/engine_addrlabel.c; NULL until used */
	struct engine_steer *steer;  /* routing/engine_steer.c; NULL until used */
};

/* engine_slaac.c */
void engine_slaac_prefix(struct engine *e, int ifindex, const struct ra_prefix *p,
			 const char *network_id, uint64_t now);
void engine_slaac_forget(struct engine *e, int ifindex, const struct nl_addr *gone);
bool engine_slaac_owns(void *ctx, int ifindex, const uint8_t addr[16]);
void engine_slaac_release(struct engine *e, int ifindex);
void engine_slaac_addr_flags(struct engine *e, const struct nl_addr *a);

/* engine.c */
/* Hand an event to the subscriber callback; takes the reference to pvd. */
void engine_emit(struct engine *e, enum engine_event ev, json_t *pvd);
int engine_send(struct engine *e, uint32_t type, const void *data, size_t len);
/* Recompute every PvD: expire, remove empty ones, emit events, re-arm timer. */
void engine_sync(struct engine *e);
/* The same after a change confined to the PvDs marked dirty. */
void engine_sync_dirty(struct engine *e);

/* engine_static.c */
void engine_static_load(struct engine *e);
void engine_static_msg(struct engine *e, const struct ipc_msg *m);
/* A JSON string of s; where s is not UTF-8, of a copy with '?' for each
 * byte outside printable ASCII (engine_text.c). NULL only without memory. */
json_t *engine_json_text(const char *s);
/* A file of a directory the parent read (MSG_PVD_FILE, MSG_POLICY_FILE):
 * {"name", "text"}, or {"name", "error"} when it could not be read
 * (error, -errno from the parent) or is not UTF-8 text. */
json_t *engine_file_entry(const char *name, const char *text, size_t len, int error);
void engine_static_end(struct engine *e, const struct ipc_msg *m);
void engine_static_link(struct engine *e, int ifindex, const char *ifname, bool up);

/* engine_dhcp4.c */
struct engine_dhcp4 *engine_dhcp4_new(struct engine *e, int ifindex, const char *ifname,
				      const uint8_t mac[6]);
void engine_dhcp4_free(struct engine_dhcp4 *c, bool release);
void engine_dhcp4_rx(struct engine *e, struct engine_dhcp4 *c, const uint8_t *data, size_t len);
void engine_dhcp4_arp(struct engine *e, struct engine_dhcp4 *c, const struct msg_arp *r);
json_t *engine_dhcp4_json(const struct engine_dhcp4 *c, bool timers);

/* engine_dhcp.c */
void engine_dhcp4_attach(struct engine *e, struct engine_dhcp4 *c);
void engine_dhcp_link(struct engine *e, int ifindex);
void engine_dhcp_after_ra(struct engine *e, int ifindex);
void engine_dhcp_msg(struct engine *e, const struct ipc_msg *m);
void engine_dhcp_stop_all(struct engine *e, bool release);
json_t *engine_dhcp_pvd_json(void *ctx, const struct pvd *p, bool timers);
/* The same, fed into a PvD's structural digest (pvd_digest.h). */
void engine_dhcp_pvd_digest(void *ctx, const struct pvd *p, struct hash2 *h);
json_t *engine_dhcp_status_json(struct engine *e);

/* engine_lease.c: the lease store (dhcp/lease_store.h) */
void engine_lease_msg(struct engine *e, const struct ipc_msg *m);
/* The record of key read at start or kept since, or NULL. */
const uint8_t *engine_lease_get(struct engine *e, const char *key, size_t *ret_len);
/* Keep key's record on disk (len 0: remove it). */
int engine_lease_put(struct engine *e, const char *key, const void *data, size_t len);
void engine_lease_free(struct engine *e);

/* engine_dhcp6.c */
struct engine_dhcp6;
void engine_dhcp6_rx(struct engine *e, int ifindex, const struct in6_addr *from,
		     const uint8_t *data, size_t len);
void engine_dhcp6_attach(struct engine *e, struct engine_dhcp6 *c);
void engine_dhcp6_after_ra(struct engine *e, int ifindex);
void engine_dhcp6_stop_all(struct engine *e);
void engine_dhcp6_pvd_json(struct engine *e, const struct pvd *p, bool timers, json_t *o);
void engine_dhcp6_pvd_digest(struct engine *e, const struct pvd *p, struct hash2 *h);
json_t *engine_dhcp6_status_json(struct engine *e);
void engine_dhcp6_addr(struct engine *e, const struct nl_addr *a, bool gone);
bool engine_dhcp6_owns(struct engine *e, int ifindex, const uint8_t addr[16]);

/* engine_route.c, engine_route_get.c */
void engine_route_sync(struct engine *e);
void engine_route_start(struct engine *e);
void engine_route_stop(struct engine *e);
void engine_route_free(struct engine *e);
void engine_route_lookup_result(struct engine *e, const struct ipc_msg *m);
/* Free route.get's deadline timer (engine_free: nobody is left to answer). */
void engine_route_get_free(struct engine *e);
json_t *engine_route_status_json(struct engine *e);

/* dns/engine_dns.c */
void engine_dns_resolv_publish(struct engine *e);

/* bind/engine_bind.c */
void engine_bind_publish(struct engine *e);

/* engine_net.c: the network-facing process's channel */
void engine_net_publish(struct engine *e);
void engine_net_detach(struct engine *e);
void engine_net_free(struct engine *e);
/* Answer a forwarded request (token 0: nobody waits); steals result. */
void engine_net_result(struct engine *e, uint32_t token, int err, json_t *result,
		       const char *msg);
/* Remember which caller's token a route.get lookup answers. */
int engine_net_route_token(struct engine *e, uint32_t ours, uint32_t theirs);
json_t *engine_net_status_json(const struct engine *e);

/* control/engine_ctl.c: the control requests the engine answers */
void engine_ctl_call(struct engine *e, uint32_t token, unsigned method, uid_t uid,
		     json_t *params);

/* engine_ra.c */
void engine_on_ra(struct engine *e, const struct ipc_msg *m);

#endif

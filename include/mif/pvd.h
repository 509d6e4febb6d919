/* SPDX-License-Identifier: MIT */
/**
 * @file pvd.h
 * @brief libmif for applications: which networks (PvDs) exist, names
 *        resolved inside one, sockets connected through one.
 *
 * A PvD (provisioning domain, RFC 7556) is one network's configuration:
 * its addresses, routers, DNS servers and policies. mifd keeps each apart;
 * these calls let an application pick one, the way Android's multinetwork
 * API does, without privileges.
 *
 * Handles are opaque 64-bit values. mifd never gives the same handle to
 * two PvDs, not even across restarts: a PvD that leaves and comes back
 * gets a new one, so a stale handle fails (-ENOENT) instead of naming
 * another network.
 *
 * Every function returns 0 (or a count, or a descriptor) or a negative
 * errno, fills err (may be NULL) with a sentence on failure, never logs,
 * never aborts, and is safe to call from several threads with separate
 * struct mif_ctl connections.
 */
#ifndef MIF_PVD_H
#define MIF_PVD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <mif/export.h>
#include <mif/mif.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A PvD's handle: opaque, never reused. 0 is never a handle. */
typedef uint64_t mif_pvd_handle;

#define MIF_PVD_ID_MAX 256
#define MIF_PVD_MAX_IFACES 8

/** What mifd knows of one PvD (a summary; pvd.get has everything). */
struct mif_pvd_info {
	mif_pvd_handle handle;
	char id[MIF_PVD_ID_MAX];             /**< FQDN, or "fe80::1%eth0", or a name */
	char kind[16];                       /**< "explicit", "implicit", "static", "api" */
	char interfaces[MIF_PVD_MAX_IFACES][16];
	size_t n_interfaces;
	size_t n_addresses;                  /**< the host's addresses in this PvD */
	size_t n_dns;                        /**< its DNS servers */
	/** The routing default for that family: read from mifd's status
	 *  (.routing.default, text starting with the id), by mif_pvd_list()
	 *  and mif_pvd_get() only; events carry DEFAULT_CHANGED instead. */
	bool default_v4, default_v6;
	bool captive_portal;                 /**< it announced a captive portal URI */
};

/**
 * List the PvDs.
 * @param out  receives up to cap entries
 * @param n    receives how many PvDs exist (may exceed cap)
 * @return 0, or -ECONNREFUSED/-ENOENT (mifd not running), -EPROTO, ...
 */
MIF_EXPORT int mif_pvd_list(struct mif_ctl *c, struct mif_pvd_info *out, size_t cap, size_t *n,
			    char *err, size_t errlen);

/** One PvD by id or by handle in decimal; -ENOENT if it does not exist. */
MIF_EXPORT int mif_pvd_get(struct mif_ctl *c, const char *pvd, struct mif_pvd_info *out,
			   char *err, size_t errlen);

/**
 * The PvD the calling process's cgroup is steered to (`mifctl steer cgroup`,
 * a policy file's cgroup rule, `mifctl run --cgroup`): the longest steered
 * cgroup path that is the process's own (/proc/self/cgroup) or above it.
 * @param id   receives the PvD's id
 * @return 0; -ENOENT if the cgroup is not steered (or there is no cgroup v2
 *         line); -ENAMETOOLONG; the errors of a call to mifd
 */
MIF_EXPORT int mif_cgroup_pvd(struct mif_ctl *c, char *id, size_t len, char *err, size_t errlen);

/** One resolved address, with the source address to use for it. */
struct mif_addr {
	struct sockaddr_storage addr;        /**< AF_INET or AF_INET6, with the port */
	socklen_t addr_len;
	struct sockaddr_storage src;         /**< the PvD's address to send from */
	socklen_t src_len;                   /**< 0: no usable source (unusable) */
	mif_pvd_handle pvd;                  /**< the PvD that answered, and owns src */
};

/**
 * Resolve name inside one PvD: through mifd's stub, with that PvD's servers
 * and cache only (A and AAAA), then sorted by RFC 6724 destination address
 * selection using that PvD's own addresses and its own policy table
 * (RFC 7078 option from DHCPv6, else the RFC 6724 default table), each
 * with the source address rule 1-8 picked among that PvD's addresses.
 * @param pvd   id or handle in decimal; NULL lets mifd choose as for any
 *              query (doc/resolver.md), and sorting then uses the PvD
 *              that answered (when AAAA and A come from two PvDs, each
 *              family is sorted with its own PvD, AAAA's PvD first; see
 *              mif_addr.pvd)
 * @param port  put into every address (host order)
 * @param out   receives up to cap addresses, best first
 * @param n     receives how many were written (at most 32 per family are
 *              kept; addresses without a source in the PvD come last)
 * @return 0; -ENOENT (no such PvD, or it has gone); -ENODATA (the name
 *         has no address: NXDOMAIN or no A/AAAA); -EHOSTUNREACH or
 *         -ETIMEDOUT (its servers failed); -ECONNRESET (mifd went away:
 *         open a new connection); -EPROTO (an answer that is not the
 *         protocol); -EOPNOTSUPP (mifd's stub resolver is off); mifd not
 *         running is -ECONNREFUSED or -ENOENT from mif_ctl_open()
 */
MIF_EXPORT int mif_resolve(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
			   struct mif_addr *out, size_t cap, size_t *n, char *err, size_t errlen);

/**
 * Resolve name and connect a TCP socket through a PvD: every socket is
 * bound to its PvD (mif_bind_pvd()) and to the chosen source address;
 * addresses are tried in RFC 6724 order with Happy Eyeballs timing (RFC
 * 8305: AAAA and A asked at once, families interleaved, a new attempt
 * every 250 ms while earlier ones are still pending, the first to connect
 * wins, the others are closed).
 * @param pvd         id or handle in decimal: that PvD only. NULL: the
 *                    PvDs mifd would ask for the name, raced in its order
 *                    (see mif_connect_ex())
 * @param timeout_ms  for the whole call (resolution and connection); 0 or
 *                    less: 30 s
 * @return a connected, blocking TCP socket; or -ENOENT, -ENODATA,
 *         -ETIMEDOUT, -ECONNREFUSED (every address refused), -ENETUNREACH...
 */
MIF_EXPORT int mif_connect(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
			   int timeout_ms, char *err, size_t errlen);

/** At most this many PvDs are raced by one mif_connect_ex(). */
#define MIF_CONNECT_MAX_PVDS 8

/** How mif_connect_ex() races. Zeroed: mifd's order, 250 ms, 30 s. */
struct mif_connect_opts {
	/** PvDs (ids or handles in decimal) in the order to try them; NULL
	 *  or n_pvds 0: mifd's order for the name (dns.which: the default
	 *  PvD first, then the others that answer such names; past the
	 *  first, only PvDs with a route to the destination) */
	const char *const *pvds;
	size_t n_pvds;
	/** RFC 8305 Connection Attempt Delay, between two attempts within a
	 *  PvD and between the start of one PvD and the next; 0: 250 ms;
	 *  kept within 10 ms .. 2 s (RFC 8305 sections 5 and 8) */
	int attempt_delay_ms;
	int timeout_ms;                      /**< the whole call; 0 or less: 30 s */
};

/**
 * mif_connect() across networks (RFC 8305 applied to PvDs): the first
 * PvD's attempts start when its answers are in (AAAA and A asked
 * together; A's alone after a 50 ms wait for AAAA's, RFC 8305 section 3);
 * the next PvD's turn comes one attempt delay after that (at
 * once if every PvD before it has failed): its resolution, over a control
 * connection of its own, then its attempts; and so on. A name is asked of
 * a network only when its turn comes. The first socket to connect wins;
 * every other attempt is closed.
 * @param ret_pvd  receives the winning PvD's handle (may be NULL)
 * @return as mif_connect(); when no PvD resolved the name, the first
 *         PvD's resolution error
 */
MIF_EXPORT int mif_connect_ex(struct mif_ctl *c, const char *name, uint16_t port,
			      const struct mif_connect_opts *opts, mif_pvd_handle *ret_pvd,
			      char *err, size_t errlen);

/** An event from mifd, decoded (see mif_event_next()). */
enum mif_event_kind {
	MIF_EVENT_PVD_ADDED = 1,
	MIF_EVENT_PVD_CHANGED,
	MIF_EVENT_PVD_REMOVED,
	MIF_EVENT_DEFAULT_CHANGED,           /**< the routing default PvD changed */
	MIF_EVENT_POLICY_CHANGED,            /**< what the policy decides changed: the
	                                          order for any flow, or the PvD of a
	                                          destination or cgroup it enforces */
};

struct mif_event {
	enum mif_event_kind kind;
	struct mif_pvd_info pvd;             /**< removed, POLICY_CHANGED (the first PvD
	                                          for any flow): only handle and id */
	int family;                          /**< DEFAULT_CHANGED: AF_INET or AF_INET6 */
	mif_pvd_handle previous;             /**< DEFAULT_CHANGED: the one before (0: none);
	                                          POLICY_CHANGED: the first for any flow before */
};

/**
 * Subscribe c to events. Poll mif_ctl_fd(c) for readability (it fits any
 * event loop) and call mif_event_next(c, ev, 0) until -ETIMEDOUT.
 */
MIF_EXPORT int mif_event_subscribe(struct mif_ctl *c, char *err, size_t errlen);
/**
 * Subscribe c to the kinds of events in the mask (1u << MIF_EVENT_...),
 * MIF_EVENT_POLICY_CHANGED included; mif_event_subscribe() asks for the
 * four kinds before it. -EINVAL for an empty mask or an unknown bit.
 */
MIF_EXPORT int mif_event_subscribe_kinds(struct mif_ctl *c, unsigned kinds, char *err,
					 size_t errlen);
/** The next event: 0, -ETIMEDOUT (none within timeout_ms), -ECONNRESET... */
MIF_EXPORT int mif_event_next(struct mif_ctl *c, struct mif_event *ev, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif

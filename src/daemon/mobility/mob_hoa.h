/* SPDX-License-Identifier: MIT */
/*
 * Several home addresses (issue 16 item 1; draft-ietf-monami6-mipv6-
 * analysis sections 5, 6.1.5, 6.3.1-6.3.3): which care-of address binds to
 * which home address, which interface carries each home address, and
 * home addresses used as care-of addresses of others without loops. Pure:
 * the caller says what it has, this says what to register and why.
 *
 * The rule (doc/mobility.md "Several home addresses"), for each home
 * address h and each candidate care-of address c, first match wins:
 *
 *  1. c is h itself: refused (a binding to itself).
 *  2. c's network is h's home link (c inside h's home prefix): h is at
 *     home on c's interface; that interface carries h natively and no
 *     binding is made through it (6.3.3: "the corresponding HoA must be
 *     used on this interface").
 *  3. c is another home address h2 (nesting, 6.3.1): allowed only when h
 *     names h2 in its via list; refused when h2 reaches h back through
 *     its own nested bindings (a loop, RFC 6275 9.5.1 / analysis 6.3.1),
 *     or when h2 is itself nested (depth at most 2).
 *  4. c is not an address of the interface it would be sent through: the
 *     routers of that interface's network drop it (BCP 38, 6.1.5):
 *     refused. A care-of address is only ever used through the interface
 *     whose network gave it; the outer packet's source is then one the
 *     access network accepts, and the inner source (h) is only seen by
 *     h's own home agent, whose home network accepts it.
 *  5. h's via list, when given, does not name c's interface: refused.
 *  6. Otherwise bound, with c's preference (BID-PRI) from the caller.
 *  Before 1: c offered as a home interface (c->home) that is h itself on
 *  an interface holding it is bound too: simultaneous home and foreign
 *  attachment, a BID with the H flag (RFC 5648 5.6, analysis 6.2.2).
 *
 * A home address then is carried by: its home interface when at home;
 * else the tunnel device (through the uplink its bindings choose); a
 * nested one through the tunnel of the home address it is bound to.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_HOA_H
#define MIF_DAEMON_MOBILITY_MOB_HOA_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOB_HOA_MAX 8
#define MOB_HOA_MAX_VIA 8
#define MOB_HOA_COA_MAX 16

struct mob_hoa {
	char name[32];
	uint8_t addr[16];
	uint8_t plen;                    /* home prefix length */
	/* Interface names, or names of other home addresses (nesting);
	 * none: every interface, no nesting. */
	char via[MOB_HOA_MAX_VIA][32];
	size_t n_via;
};

struct mob_coa {
	uint8_t family;                  /* 4 or 6 */
	uint8_t addr[16];
	char ifname[IFNAMSIZ];
	bool on_if;                      /* the address is one of ifname's own */
	bool home;                       /* offered as the home interface: the
					  * home address itself, registered with
					  * the H flag (RFC 5648 5.6) */
	uint8_t pri;
};

enum mob_pair_verdict {
	MOB_PAIR_BOUND = 0,
	MOB_PAIR_NESTED,                 /* bound, c is another home address */
	MOB_PAIR_AT_HOME,                /* not bound: h is native on c's interface */
	MOB_PAIR_REFUSED,
};

struct mob_pair {
	size_t hoa;                      /* index into the home addresses */
	size_t coa;                      /* index into the candidates, or
					  * MOB_HOA_COA_MAX + j for home address j */
	enum mob_pair_verdict verdict;
	char why[160];
};

/*
 * Every (home address, candidate) pair and every (home address, home
 * address named in its via list) pair, with its verdict and reason, into
 * out (cap entries). -ELOOP when the via lists form a cycle, with err
 * naming it ("loop: a -> b -> a"); -EINVAL for a via entry that names
 * neither a candidate's interface nor another home address is not an
 * error (an interface may come later). ret_n untouched on failure.
 */
int mob_hoa_plan(const struct mob_hoa *h, size_t nh, const struct mob_coa *c, size_t nc,
		 struct mob_pair *out, size_t cap, size_t *ret_n, char *err, size_t errlen);

/* Only the loop check of the via lists: 0, or -ELOOP with err set. */
int mob_hoa_check_loops(const struct mob_hoa *h, size_t nh, char *err, size_t errlen);

/* The interface that carries home address i under plan p: its home
 * interface when a pair says at home, else NULL (the tunnel). */
const char *mob_hoa_carrier(const struct mob_pair *p, size_t n, size_t i,
			    const struct mob_coa *c);

#endif

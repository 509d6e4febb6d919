/* SPDX-License-Identifier: MIT */
/*
 * The sysctls of managed links (parent process, kern side): what mifd sets
 * and why (below), and what it puts back. Each value mifd changes is kept
 * with the one it found (struct kern_sysctl_link), also in the state
 * directory's "sysctl" store, one record per link named after it
 * (lease_store.h: written atomically; a store of its own, apart from the
 * leases the engine reads), so a mifd restarted after a crash or kill -9
 * still knows the values from before the first start. A clean stop
 * (kern_sysctl_restore) writes each one back where the knob still holds
 * mifd's value (one changed since by someone else is theirs and stays),
 * then drops the record; a link gone by then keeps its record for the
 * next mifd that sees it. Not put back: ipv6 stable_secret (it cannot be unset; with
 * addr_gen_mode back it is not used) and the IPv6 MTU reset
 * (kern_sysctl_mtu6 undoes an RA's, there is nothing to restore).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/dhcp/lease_store.h"
#include "daemon/kern/kern_priv.h"
#include "daemon/ra/slaac.h"
#include "netlink/netlink.h"

/* The store's directory, or NULL without a state directory. */
static const char *kern_sysctl_dir(struct kern *k)
{
	if (!k->cfg.state_dir || !k->cfg.state_dir[0])
		return NULL;
	if (!k->sysctl_dir[0] &&
	    (size_t)snprintf(k->sysctl_dir, sizeof(k->sysctl_dir), "%s/sysctl",
			     k->cfg.state_dir) >= sizeof(k->sysctl_dir))
		k->sysctl_dir[0] = '\0';
	return k->sysctl_dir[0] ? k->sysctl_dir : NULL;
}

/* The record's payload: one line "FAMILY KNOB OLD SET" per value. */
static size_t kern_sysctl_format(const struct kern_sysctl_link *s, char *out, size_t cap)
{
	size_t off = 0;

	for (size_t i = 0; i < s->n; i++) {
		int n = snprintf(out + off, cap - off, "%s %s %s %s\n", s->v[i].family,
				 s->v[i].knob, s->v[i].old, s->v[i].set);

		if (n < 0 || (size_t)n >= cap - off)
			break;
		off += (size_t)n;
	}
	return off;
}

int kern_sysctl_parse(struct kern_sysctl_link *s, const char *text, size_t len)
{
	char line[160];
	size_t off = 0;

	s->n = 0;
	while (off < len && s->n < KERN_SYSCTL_KNOBS) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = (nl ? (size_t)(nl - text) : len) - off;
		struct kern_sysctl_val v;
		char extra;

		if (l < sizeof(line)) {
			memcpy(line, text + off, l);
			line[l] = '\0';
			memset(&v, 0, sizeof(v));
			if (sscanf(line, "%4s %31s %47s %47s %c", v.family, v.knob, v.old, v.set,
				   &extra) == 4 &&
			    (strcmp(v.family, "ipv4") == 0 || strcmp(v.family, "ipv6") == 0))
				s->v[s->n++] = v;
		}
		off += l + 1;
	}
	return (int)s->n;
}

/* Keep s in the state directory (a failure is logged: the values are
 * still restored at a clean stop, only not after a crash). */
static void kern_sysctl_keep(struct kern *k, const struct kern_sysctl_link *s)
{
	const char *dir = kern_sysctl_dir(k);
	char text[LEASE_PAYLOAD_MAX];
	size_t len;
	int r;

	/* A name the store cannot take as a file name: in memory only. */
	if (!dir || !lease_key_ok(s->ifname))
		return;
	len = kern_sysctl_format(s, text, sizeof(text));
	r = len ? lease_store_save(dir, s->ifname, text, len) : lease_store_remove(dir, s->ifname);
	if (r < 0)
		log_warn("cannot keep the former sysctls of %s in %s: %s", s->ifname, dir,
			 strerror(-r));
}

/* The values kept for ifname: found, else new (with what a crashed mifd
 * kept in the state directory). NULL when the table is full. */
static struct kern_sysctl_link *kern_sysctl_entry(struct kern *k, const char *ifname)
{
	const char *dir = kern_sysctl_dir(k);
	char text[LEASE_PAYLOAD_MAX];
	struct kern_sysctl_link *s;
	size_t len = 0;
	int r;

	for (size_t i = 0; i < k->n_sysctl_saved; i++)
		if (strcmp(k->sysctl_saved[i].ifname, ifname) == 0)
			return &k->sysctl_saved[i];
	if (k->n_sysctl_saved >= KERN_SYSCTL_LINKS)
		return NULL;
	s = &k->sysctl_saved[k->n_sysctl_saved++];
	memset(s, 0, sizeof(*s));
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	if (!dir || !lease_key_ok(ifname))
		return s;
	r = lease_store_load(dir, ifname, text, sizeof(text), &len);
	if (r == 0 && kern_sysctl_parse(s, text, len) > 0)
		log_info("sysctls of %s from before mifd (kept by a mifd that did not stop "
			 "cleanly): %zu", ifname, s->n);
	else if (r != -ENOENT)
		/* Corrupt or unreadable: the values found now are taken as
		 * the originals (mifd's own, if a crashed one set them). */
		log_warn("the former sysctls of %s in %s are unusable (%s): not put back",
			 ifname, dir, r < 0 ? strerror(-r) : "no value");
	return s;
}

static struct kern_sysctl_val *kern_sysctl_find(struct kern_sysctl_link *s, const char *family,
						const char *knob)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].family, family) == 0 && strcmp(s->v[i].knob, knob) == 0)
			return &s->v[i];
	return NULL;
}

/* Keep in s (may be NULL) that family/knob was cur before mifd made it
 * value: the first value found stays, mifd's is updated. */
static void kern_sysctl_note(struct kern_sysctl_link *s, const char *family, const char *knob,
			     const char *cur, const char *value)
{
	struct kern_sysctl_val *v = s ? kern_sysctl_find(s, family, knob) : NULL;

	if (!s || strlen(value) >= sizeof(v->set) || strlen(cur) >= sizeof(v->old))
		return;
	if (!v && s->n < KERN_SYSCTL_KNOBS) {
		v = &s->v[s->n++];
		snprintf(v->family, sizeof(v->family), "%s", family);
		snprintf(v->knob, sizeof(v->knob), "%s", knob);
		snprintf(v->old, sizeof(v->old), "%s", cur);
		s->dirty = true;
	}
	if (v && strcmp(v->set, value) != 0) {
		snprintf(v->set, sizeof(v->set), "%s", value);
		s->dirty = true;
	}
}

/* The kernel prints stable_secret in full ("cca3:...:0e14", RFC 4291
 * 2.2 form 1) where mifd wrote inet_ntop's compressed form (RFC 5952):
 * two texts of one address are the same value. */
bool kern_sysctl_same(const char *a, const char *b)
{
	struct in6_addr x, y;

	if (strcmp(a, b) == 0)
		return true;
	return inet_pton(AF_INET6, a, &x) == 1 && inet_pton(AF_INET6, b, &y) == 1 &&
	       memcmp(&x, &y, sizeof(x)) == 0;
}

/*
 * Set family/knob of ifname to value, keeping in s (may be NULL: not
 * kept) the value found the first time, unless it was value already. A
 * knob that cannot be read (stable_secret while unset) is set, not kept.
 */
static void kern_sysctl_set(struct kern_sysctl_link *s, const char *ifname,
			    const char *family, const char *knob, const char *value)
{
	char cur[48];
	bool have = sysctl_get_link(family, ifname, knob, cur, sizeof(cur)) == 0;
	int r;

	if (have && kern_sysctl_same(cur, value))
		return;
	r = sysctl_set_link(family, ifname, knob, value);
	if (r < 0)
		log_warn("cannot set %s/%s of %s: %s", family, knob, ifname, strerror(-r));
	else if (have)
		kern_sysctl_note(s, family, knob, cur, value);
}

void kern_sysctl_restore(struct kern *k)
{
	for (size_t i = 0; i < k->n_sysctl_saved; i++) {
		struct kern_sysctl_link *s = &k->sysctl_saved[i];
		unsigned back = 0, theirs = 0;

		if (!if_nametoindex(s->ifname))
			continue;       /* gone: nothing to put back (the record stays) */
		for (size_t j = s->n; j-- > 0;) {
			struct kern_sysctl_val *v = &s->v[j];
			char cur[48];

			if (sysctl_get_link(v->family, s->ifname, v->knob, cur, sizeof(cur)) < 0)
				continue;
			if (!kern_sysctl_same(cur, v->set)) {
				theirs++;
				log_info("%s/%s of %s is %s, not mifd's %s: left as it is", v->family,
					 v->knob, s->ifname, cur, v->set);
			} else if (sysctl_set_link(v->family, s->ifname, v->knob, v->old) == 0) {
				back++;
			}
		}
		if (back || theirs)
			log_info("sysctls of %s: %u put back as mifd found them, %u changed by "
				 "others left", s->ifname, back, theirs);
		s->n = 0;
		kern_sysctl_keep(k, s);         /* no values: the record goes */
	}
}

/*
 * The kernel's own SLAAC on a managed interface follows mifd's policy
 * (issue 20): RFC 7217 stable identifiers (addr_gen_mode 2 with a
 * stable_secret derived from mifd's secret), and RFC 8981 temporary
 * addresses (use_tempaddr 2: made and preferred as sources; lifetimes of
 * section 3.8: valid 2 days, preferred 1 day) only with "temporary".
 * stable_secret goes first: writing it sets addr_gen_mode already without
 * regenerating the link-local address, which a later change of
 * addr_gen_mode alone would do (the link-local follows at the next up).
 */
static void kern_sysctl_privacy(struct kern *k, struct kern_sysctl_link *s,
				const struct nl_link *l)
{
	char secret[INET6_ADDRSTRLEN], mode[8];
	bool temp = k->cfg.privacy == SLAAC_TEMPORARY;
	const char *const knobs[][2] = {
		{ "stable_secret", secret },
		{ "addr_gen_mode", "2" },
		{ "use_tempaddr", temp ? "2" : "0" },
		{ "temp_valid_lft", "172800" },
		{ "temp_prefered_lft", "86400" },
	};

	if (k->cfg.privacy == SLAAC_EUI64)
		return;
	/* Writing stable_secret moves addr_gen_mode too: what it was comes
	 * first, to be put back. */
	if (sysctl_get_link("ipv6", l->name, "addr_gen_mode", mode, sizeof(mode)) == 0 &&
	    strcmp(mode, "2") != 0)
		kern_sysctl_note(s, "ipv6", "addr_gen_mode", mode, "2");
	inet_ntop(AF_INET6, k->cfg.stable_secret, secret, sizeof(secret));
	for (size_t i = 0; i < (temp ? 5u : 3u); i++) {
		kern_sysctl_set(s, l->name, "ipv6", knobs[i][0], knobs[i][1]);
	}
}

/*
 * Per managed interface, when per-PvD routing is on: loose reverse-path
 * filtering (replies to a PvD's source arrive on that PvD's interface,
 * which a strict check against the main table would drop), and routes
 * through a link without carrier ignored at once (the kernel keeps them
 * otherwise). The kernel does not take an RA's MTU for the whole link
 * (accept_ra_mtu): mifd applies each PvD's MTU on its own routes, so two
 * PvDs on one link may differ (issue 20).
 *
 * And routing or not: the kernel forms a SLAAC address for an RA's prefix
 * only while the link holds fewer than max_addresses addresses of any
 * origin (default 16; net/ipv6/addrconf.c, addrconf_prefix_rcv_add_addr),
 * and those mifd forms for prefixes nested in PvD options count too. With
 * 16 of them on a link, an implicit PvD's prefix (whose address is the
 * kernel's to form) got none, so nothing could leave from that PvD and its
 * DNS failed for good (issue 17: a soak, after a link flap under churn).
 * KERN_MAX_ADDRESSES keeps the kernel's 16 beside an address and an RFC 8981
 * temporary one for each of the 256 PvDs mifd can route: still a bound
 * against a router that announces prefixes without end.
 */
#define KERN_MAX_ADDRESSES "528"

/*
 * An RA that came before mifd took the link (radvd already sending, or mifd
 * restarted) may have lowered the whole link's IPv6 MTU (RFC 4861 6.3.4,
 * while accept_ra_mtu was still 1), and turning accept_ra_mtu off does not
 * put it back. Set it back to the device's MTU: each PvD's MTU is on its
 * own routes. Only a lower value is raised, never one above the device's.
 */
static void kern_sysctl_mtu6(const struct nl_link *l)
{
	char val[16];
	uint32_t mtu6;
	int r;

	if (l->mtu < 1280 || sysctl_get_link_u32("ipv6", l->name, "mtu", &mtu6) < 0 ||
	    mtu6 >= l->mtu)
		return;
	snprintf(val, sizeof(val), "%" PRIu32, l->mtu);
	r = sysctl_set_link("ipv6", l->name, "mtu", val);
	if (r < 0)
		log_warn("cannot set the IPv6 MTU of %s back to %" PRIu32 ": %s", l->name, l->mtu,
			 strerror(-r));
	else
		log_info("IPv6 MTU of %s was %" PRIu32 " (an RA's, taken before mifd), now the "
			 "link's %" PRIu32 "; PvD MTUs go on routes", l->name, mtu6, l->mtu);
}

void kern_sysctl_link(struct kern *k, const struct nl_link *l)
{
	static const char *const knobs[][3] = {
		{ "ipv4", "rp_filter", "2" },
		{ "ipv4", "ignore_routes_with_linkdown", "1" },
		{ "ipv6", "ignore_routes_with_linkdown", "1" },
		{ "ipv6", "accept_ra_mtu", "0" },
	};
	struct kern_sysctl_link *s;

	if (!l->name[0])
		return;
	for (size_t i = 0; i < k->n_sysctl_done; i++)
		if (k->sysctl_done[i] == l->ifindex)
			return;
	if (k->n_sysctl_done < sizeof(k->sysctl_done) / sizeof(k->sysctl_done[0]))
		k->sysctl_done[k->n_sysctl_done++] = l->ifindex;
	s = kern_sysctl_entry(k, l->name);
	if (s)
		s->dirty = false;
	kern_sysctl_privacy(k, s, l);
	kern_sysctl_set(s, l->name, "ipv6", "max_addresses", KERN_MAX_ADDRESSES);
	for (size_t i = 0; k->cfg.routing && i < sizeof(knobs) / sizeof(knobs[0]); i++)
		kern_sysctl_set(s, l->name, knobs[i][0], knobs[i][1], knobs[i][2]);
	if (k->cfg.routing)
		kern_sysctl_mtu6(l);
	if (s && s->dirty)
		kern_sysctl_keep(k, s);
}


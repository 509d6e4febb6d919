/* SPDX-License-Identifier: MIT */
/*
 * RFC 7078 address selection tables for programs that do not ask
 * (doc/policy.md, "RFC 7078 in the kernel"): each network's table, from
 * the DHCPv6 client of its interface, becomes kernel address labels
 * (ip addrlabel) scoped to that interface, never merged across PvDs.
 *
 * Linux keeps one label table per network namespace whose entries may
 * carry an ifindex; the label of a source address is looked up with its
 * interface, that of a destination with the interface it leaves by
 * (net/ipv6/addrlabel.c, addrconf.c: RFC 6724 source rule 6, after rule 5
 * "prefer the outgoing interface"). The longest prefix wins, and at equal
 * length an entry of the interface wins over a node-wide one. So that
 * the network's table is the whole table on its interface, each row of
 * the RFC 6724 default table that the network's table lacks is shadowed
 * on the interface with the label the network's table gives its prefix.
 * Precedence (destination ordering) and the P flag have no kernel
 * counterpart: libmif and nss-mif apply them (lib/source.c).
 *
 * Only what the kernel acknowledged counts as applied (MSG_RT_ACK).
 *
 * Which rows are mifd's (issue 17, restart after kill -9): the rows scoped
 * to an interface mifd manages. mifd writes only such rows, so those it
 * does not track when the kernel's label dump arrives at start were left
 * by an earlier run that had no clean stop; they are taken over and then
 * kept, replaced or removed like any row of this run. Node-wide rows (the
 * kernel's RFC 6724 defaults, an administrator's) and rows on interfaces
 * mifd does not manage are never touched. The kernel sends no event when
 * labels change, so only a dump (at start, after a lost event) finds them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "daemon/dhcp/engine_dhcp6.h"
#include "common/ipc.h"
#include "daemon/engine/engine_priv.h"
#include "daemon/routing/engine_addrlabel.h"
#include "proto/addrsel.h"

#define EA_MAX 512
#define EA_NO_LABEL 0xfffffffeu      /* a prefix the network's table has no row for */

enum ea_state { EA_PENDING, EA_APPLIED, EA_FAILED, EA_DELETING };

struct ea_row {
	struct nl_addrlabel l;
	uint8_t state;
	uint8_t earlier;         /* left by an earlier run, found in the dump */
	int err;
};

struct engine_addrlabel {
	struct ea_row rows[EA_MAX];
	size_t n;
	uint64_t adds, dels, refused;
	uint64_t found, removed;   /* rows of an earlier run; their acknowledged deletions */
};

static struct engine_addrlabel *ea_get(struct engine *e)
{
	if (!e->alabel)
		e->alabel = calloc(1, sizeof(*e->alabel));
	return e->alabel;
}

void engine_addrlabel_free(struct engine *e)
{
	free(e->alabel);
	e->alabel = NULL;
}

static bool ea_same_key(const struct nl_addrlabel *a, const struct nl_addrlabel *b)
{
	return a->plen == b->plen && a->ifindex == b->ifindex &&
	       IN6_ARE_ADDR_EQUAL(&a->prefix, &b->prefix);
}

/* The network's table of c, or false when it sent none. */
static bool ea_table(const struct engine_dhcp6 *c, struct addrsel_table *t)
{
	const struct dhcp6_msg *m = c->reply;

	if (!c->has_data || !m || !m->has_policy || !m->n_policy)
		return false;
	addrsel_table_init(t);
	for (size_t i = 0; i < m->n_policy && i < DHCP6_MAX_POLICY; i++)
		if (addrsel_table_add(t, &m->policy[i].prefix, m->policy[i].plen,
				      m->policy[i].precedence, m->policy[i].label) < 0)
			return false;
	return true;
}

static size_t ea_push(struct nl_addrlabel *want, size_t n, const struct nl_addrlabel *l)
{
	for (size_t i = 0; i < n; i++)
		if (ea_same_key(&want[i], l))
			return n;
	if (n < EA_MAX)
		want[n++] = *l;
	return n;
}

/* What the kernel should hold: every interface's table, and its shadows
 * of the default rows. */
static size_t ea_wanted(struct engine *e, struct nl_addrlabel *want)
{
	static struct addrsel_table t, def;
	size_t n = 0;

	addrsel_table_default(&def);
	for (size_t i = 0; i < e->n_dhcp6; i++) {
		const struct engine_dhcp6 *c = e->dhcp6[i];

		if (!c || c->ifindex <= 0 || !ea_table(c, &t))
			continue;
		for (size_t r = 0; r < t.n; r++)
			n = ea_push(want, n, &(struct nl_addrlabel){ .prefix = t.rows[r].prefix,
				    .plen = t.rows[r].plen, .ifindex = (uint32_t)c->ifindex,
				    .label = t.rows[r].label });
		for (size_t r = 0; r < def.n; r++) {
			uint32_t lbl = addrsel_label(&t, &def.rows[r].prefix);

			n = ea_push(want, n, &(struct nl_addrlabel){ .prefix = def.rows[r].prefix,
				    .plen = def.rows[r].plen, .ifindex = (uint32_t)c->ifindex,
				    .label = lbl == ADDRSEL_LABEL_NONE ? EA_NO_LABEL : lbl });
		}
	}
	return n;
}

static void ea_send(struct engine *e, struct engine_addrlabel *a, struct ea_row *r, bool add)
{
	if (engine_send(e, add ? MSG_RT_LABEL_ADD : MSG_RT_LABEL_DEL, &r->l, sizeof(r->l)) < 0) {
		r->state = EA_FAILED;
		r->err = -EIO;
		return;
	}
	r->state = add ? EA_PENDING : EA_DELETING;
	if (add)
		a->adds++;
	else
		a->dels++;
}

void engine_addrlabel_sync(struct engine *e)
{
	static struct nl_addrlabel want[EA_MAX];
	struct engine_addrlabel *a = ea_get(e);
	size_t n;

	if (!a)
		return;
	n = ea_wanted(e, want);
	/* Gone or changed first: a row whose key is still wanted is
	 * replaced by its add (NLM_F_REPLACE), never deleted. */
	for (size_t i = 0; i < a->n;) {
		struct ea_row *r = &a->rows[i];
		bool keep = false;

		for (size_t k = 0; k < n && !keep; k++)
			keep = ea_same_key(&r->l, &want[k]);
		if (!keep && r->state == EA_FAILED) {
			a->rows[i] = a->rows[--a->n];      /* nothing in the kernel */
			continue;
		}
		if (!keep && r->state != EA_DELETING)
			ea_send(e, a, r, false);
		i++;
	}
	for (size_t k = 0; k < n; k++) {
		struct ea_row *r = NULL;

		for (size_t i = 0; i < a->n && !r; i++)
			if (ea_same_key(&a->rows[i].l, &want[k]) && a->rows[i].state != EA_DELETING)
				r = &a->rows[i];
		if (r && r->l.label == want[k].label)
			continue;
		if (!r) {
			if (a->n == EA_MAX)
				break;
			r = &a->rows[a->n++];
		}
		r->l = want[k];
		r->err = 0;
		r->earlier = 0;
		ea_send(e, a, r, true);
	}
}

void engine_addrlabel_ack(struct engine *e, bool add, const struct nl_addrlabel *l, int error)
{
	struct engine_addrlabel *a = e->alabel;

	for (size_t i = 0; a && i < a->n; i++) {
		struct ea_row *r = &a->rows[i];

		if (!ea_same_key(&r->l, l))
			continue;
		if (!add && r->state == EA_DELETING) {
			if (r->earlier && !error)
				a->removed++;
			a->rows[i] = a->rows[--a->n];
			return;
		}
		if (add && r->state == EA_PENDING && r->l.label == l->label) {
			r->state = error ? EA_FAILED : EA_APPLIED;
			r->err = error;
			if (error) {
				char p[ADDR_PREFIX_STRLEN];

				addr_prefix_format(&l->prefix, l->plen, p, sizeof(p));
				log_warn("addrlabel: the kernel refused %s label %u on ifindex %u: %s",
					 p, l->label, l->ifindex, strerror(-error));
				a->refused++;
			}
			return;
		}
	}
}

/* A row of the kernel's label dump (MSG_LABEL): take over a row of ours
 * this run does not know (see the top of this file); the sync that
 * follows the dump (MSG_SYNC_DONE) removes it unless it is wanted. */
void engine_addrlabel_kernel(struct engine *e, const struct ipc_msg *m)
{
	struct engine_addrlabel *a = ea_get(e);
	const struct view_link *vl;
	struct nl_addrlabel l;
	struct ea_row *r;

	if (ipc_expect(m, sizeof(l)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	memcpy(&l, m->data, sizeof(l));
	vl = l.ifindex && l.ifindex <= INT32_MAX ? view_link(&e->view, (int)l.ifindex) : NULL;
	if (!a || !vl || !vl->managed || a->n == EA_MAX)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (ea_same_key(&a->rows[i].l, &l))
			return;
	r = &a->rows[a->n++];
	memset(r, 0, sizeof(*r));
	r->l = l;
	r->state = EA_APPLIED;
	r->earlier = 1;
	a->found++;
}

void engine_addrlabel_stop(struct engine *e)
{
	struct engine_addrlabel *a = e->alabel;

	for (size_t i = 0; a && i < a->n; i++)
		if (a->rows[i].state == EA_APPLIED || a->rows[i].state == EA_PENDING)
			ea_send(e, a, &a->rows[i], false);
}

json_t *engine_addrlabel_json(struct engine *e, int ifindex)
{
	static const char *const names[] = { "pending", "applied", "refused", "deleting" };
	struct engine_addrlabel *a = e->alabel;
	json_t *rows = json_array();
	size_t applied = 0, total = 0;
	char p[ADDR_PREFIX_STRLEN];

	for (size_t i = 0; a && i < a->n; i++) {
		const struct ea_row *r = &a->rows[i];

		if (r->l.ifindex != (uint32_t)ifindex)
			continue;
		total++;
		applied += r->state == EA_APPLIED;
		addr_prefix_format(&r->l.prefix, r->l.plen, p, sizeof(p));
		json_array_append_new(rows, json_pack("{s:s,s:I,s:s}", "prefix", p, "label",
						      (json_int_t)r->l.label, "state",
						      names[r->state]));
	}
	return json_pack("{s:I,s:I,s:o}", "applied", (json_int_t)applied, "rows_total",
			 (json_int_t)total, "rows", rows);
}

/* {"earlier_found", "earlier_removed"}: rows an earlier run left, and how
 * many of them the kernel acknowledged as deleted. */
json_t *engine_addrlabel_totals_json(struct engine *e)
{
	const struct engine_addrlabel *a = e->alabel;

	return json_pack("{s:I,s:I}", "earlier_found", (json_int_t)(a ? a->found : 0),
			 "earlier_removed", (json_int_t)(a ? a->removed : 0));
}

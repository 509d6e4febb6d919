/* SPDX-License-Identifier: MIT */
/*
 * mifd's nftables table (kern_nft.h, doc/steering.md): its rules, made
 * again when the bind table or the cgroup list changes, the answer
 * addresses added to the PvDs' sets, and the table's life (installed at
 * start replacing what a killed mifd left, removed at a clean stop).
 */
#include "daemon/kern/kern_nft_priv.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/magic.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "common/hash.h"
#include "common/log.h"
#include "daemon/routing/route_plan.h"

/* ---- the route chain ---- */

/* Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup, or on a
 * hybrid (v1 and v2) system /sys/fs/cgroup/unified; NULL if neither. */
static const char *nft_cgroup_root(void)
{
	static const char *const roots[] = { KERN_NFT_CGROUP_ROOT, KERN_NFT_CGROUP_ROOT "/unified" };
	struct statfs sf;

	for (size_t i = 0; i < 2; i++)
		if (statfs(roots[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

/* Its path's inode (what socket cgroupv2 compares) and depth below the
 * hierarchy's root (level 1 is a child of the root). */
static int nft_cgroup_id(const char *path, uint64_t *ret_id, uint32_t *ret_level)
{
	char full[sizeof(KERN_NFT_CGROUP_ROOT) + 16 + MSG_STEER_PATH_MAX + 1];
	const char *root = nft_cgroup_root();
	uint32_t level = 0;
	const char *c = path;
	struct stat st;

	if (!*path || *path == '/' || strstr(path, ".."))
		return -EINVAL;
	if (!root)
		return -EOPNOTSUPP;
	while (c) {
		level++;
		c = strchr(c, '/');
		c = c ? c + 1 : NULL;
	}
	snprintf(full, sizeof(full), "%s/%s", root, path);
	if (stat(full, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*ret_id = (uint64_t)st.st_ino;
	*ret_level = level;
	return 0;
}

uint32_t kern_nft_mark_of(const struct bind_table *t, uint64_t handle)
{
	for (size_t i = 0; t && t->routing && i < t->n; i++)
		if (t->v[i].handle == handle)
			return t->v[i].mark;
	return 0;
}

/* The fixed head: a socket bound to a PvD, or a flow already steered,
 * keeps its choice. */
static bool nft_rules_head(struct kern_nft *n)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	uint32_t zero = 0;

	if (!r)
		return false;
	kern_nft_x_meta(r, NFT_META_MARK, false);
	kern_nft_x_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
	kern_nft_x_verdict(r, NFT_RETURN);
	if (!kern_nft_rule_send(n, r, "route") || !(r = nftnl_rule_alloc()))
		return false;
	kern_nft_x_ct(r, NFT_CT_MARK, false);
	kern_nft_x_and(r, ROUTE_MARK_FLAG);
	kern_nft_x_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
	kern_nft_x_ct(r, NFT_CT_MARK, false);
	kern_nft_x_meta(r, NFT_META_MARK, true);
	kern_nft_x_verdict(r, NFT_RETURN);
	if (!kern_nft_rule_send(n, r, "route") || !(r = nftnl_rule_alloc()))
		return false;
	/* A flow that began unsteered stays so: moving it would change its
	 * path and source in the middle. */
	kern_nft_x_ct(r, NFT_CT_STATE, false);
	kern_nft_x_and(r, NF_CT_STATE_BIT(IP_CT_NEW));
	kern_nft_x_cmp(r, NFT_CMP_EQ, &zero, sizeof(zero));
	kern_nft_x_verdict(r, NFT_RETURN);
	return kern_nft_rule_send(n, r, "route");
}

/* One rule per cgroup whose path resolves and whose PvD has a mark. */
static bool nft_rules_cgroups(struct kern_nft *n, const struct bind_table *t)
{
	for (uint32_t i = 0; i < n->cg.n && i < MSG_STEER_CGROUPS_MAX; i++) {
		uint32_t mark = kern_nft_mark_of(t, n->cg.e[i].handle), level = 0;
		uint64_t id = 0;
		struct nftnl_rule *r;
		struct nftnl_expr *e;
		int err = nft_cgroup_id(n->cg.e[i].path, &id, &level);

		n->st.cg_error[i] = err ? err : mark ? 0 : -ENETUNREACH;
		n->st.cg_id[i] = id;
		if (n->st.cg_error[i])
			continue;
		if (!(r = nftnl_rule_alloc()))
			return false;
		if (!(e = nftnl_expr_alloc("socket"))) {
			nftnl_rule_free(r);     /* libnftnl takes no NULL here */
			return false;
		}
		nftnl_expr_set_u32(e, NFTNL_EXPR_SOCKET_KEY, NFT_SOCKET_CGROUPV2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_SOCKET_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_SOCKET_LEVEL, level);
		kern_nft_x_add(r, e);
		kern_nft_x_cmp(r, NFT_CMP_EQ, &id, sizeof(id));
		kern_nft_x_steer(r, mark);
		if (!kern_nft_rule_send(n, r, "route"))
			return false;
	}
	return true;
}

/* The answer sets: first the addresses two PvDs returned, then each PvD's. */
static bool nft_rules_answers(struct kern_nft *n, const struct bind_table *t)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	char name[32];

	for (int f = 0; f < 2; f++) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		if (!r)
			return false;
		kern_nft_set_name(name, sizeof(name), fams[f], 0);
		kern_nft_x_daddr(r, fams[f]);
		kern_nft_x_lookup(r, name);
		kern_nft_x_verdict(r, NFT_RETURN);
		if (!kern_nft_rule_send(n, r, "route"))
			return false;
	}
	for (size_t i = 0; i < n->n_sets; i++) {
		uint32_t mark = kern_nft_mark_of(t, n->sets[i]);

		for (int f = 0; f < 2 && mark; f++) {
			struct nftnl_rule *r = nftnl_rule_alloc();

			if (!r)
				return false;
			kern_nft_set_name(name, sizeof(name), fams[f], n->sets[i]);
			kern_nft_x_daddr(r, fams[f]);
			kern_nft_x_lookup(r, name);
			kern_nft_x_steer(r, mark);
			if (!kern_nft_rule_send(n, r, "route"))
				return false;
		}
	}
	return true;
}

static bool nft_has_set(const struct kern_nft *n, uint64_t h)
{
	for (size_t i = 0; i < n->n_sets; i++)
		if (n->sets[i] == h)
			return true;
	return false;
}

static void nft_stats(struct kern_nft *n, struct chan *ch, uint32_t token)
{
	n->st.token = token;
	n->st.seq = 0;
	n->st.ready = n->ready;
	n->st.sets = (uint32_t)n->n_sets;
	if (ch)
		chan_send(ch, MSG_STEER_STATS, &n->st, sizeof(n->st));
}

static void nft_fail(struct kern_nft *n, int err, const char *what)
{
	n->st.error = err;
	snprintf(n->st.last_error, sizeof(n->st.last_error), "%s: %s", what, strerror(-err));
	log_warn("steering: %s", n->st.last_error);
}

/*
 * One transaction: the route chain flushed and written again, sets made
 * for PvDs that now have a mark, removed (with their elements) for PvDs
 * that left. Skipped when nothing it depends on changed.
 */
static void nft_resync(struct kern_nft *n, const struct bind_table *t, struct chan *ch,
		       uint32_t token, bool force)
{
	uint64_t keep[NFT_MAX_SETS], old[NFT_MAX_SETS], h = HASH_SEED;
	size_t n_keep = 0, n_old = n->n_sets;
	uint32_t snat = 0, sel = 0;
	bool ok;
	char name[32];
	int r;

	for (size_t i = 0; t && t->routing && i < t->n; i++)
		if (t->v[i].mark)
			h = hash_bytes(h, &t->v[i], sizeof(t->v[i]));
	h = hash_bytes(h, &n->cg, sizeof(n->cg));
	h = hash_bytes(h, &n->sel, sizeof(n->sel));
	if (!n->ready || (!force && n->synced && h == n->sync_hash)) {
		nft_stats(n, ch, token);
		return;
	}
	kern_nft_begin(n);
	ok = kern_nft_flush(n, "route") && kern_nft_flush(n, "nat");
	for (size_t i = 0; ok && n->answers && t && t->routing && i < t->n; i++) {
		if (!t->v[i].mark || n_keep == NFT_MAX_SETS)
			continue;
		keep[n_keep++] = t->v[i].handle;
		for (int f = 0; f < 2 && ok; f++) {
			kern_nft_set_name(name, sizeof(name), f ? AF_INET6 : AF_INET, t->v[i].handle);
			ok = kern_nft_set(n, name, f ? AF_INET6 : AF_INET, false);
		}
	}
	/* The rules refer to the new list of sets. */
	memcpy(old, n->sets, n_old * sizeof(old[0]));
	memcpy(n->sets, keep, n_keep * sizeof(keep[0]));
	n->n_sets = n_keep;
	ok = ok && nft_rules_head(n) && nft_rules_cgroups(n, t) &&
	     kern_nft_rules_sel(n, t, &sel) && (!n->answers || nft_rules_answers(n, t)) && kern_nft_rules_snat(n, t, &snat);
	r = kern_nft_commit(n, ok);
	n->st.syncs++;
	if (r < 0) {
		n->st.sync_failed++;
		memcpy(n->sets, old, n_old * sizeof(old[0]));
		n->n_sets = n_old;
		nft_fail(n, r, "the route chain was refused");
		nft_stats(n, ch, token);
		return;
	}
	/* The sets of PvDs that left, once no rule refers to them. */
	for (size_t i = 0; i < n_old; i++) {
		if (nft_has_set(n, old[i]))
			continue;
		kern_nft_begin(n);
		kern_nft_set_name(name, sizeof(name), AF_INET, old[i]);
		ok = kern_nft_set(n, name, AF_INET, true);
		kern_nft_set_name(name, sizeof(name), AF_INET6, old[i]);
		ok = ok && kern_nft_set(n, name, AF_INET6, true);
		if ((r = kern_nft_commit(n, ok)) < 0)
			nft_fail(n, r, "a PvD's answer sets could not be removed");
	}
	n->st.snat = snat;           /* acknowledged: in force */
	n->st.sel_rules = sel;
	n->sync_hash = h;
	n->synced = true;
	n->st.error = 0;
	nft_stats(n, ch, token);
}

void kern_nft_sync(struct kern_nft *n, const struct bind_table *t, struct chan *ch)
{
	if (n)
		nft_resync(n, t, ch, 0, false);
}

/* MSG_STEER_ADD: the entries of each set in one NEWSETELEM, one batch. */
static void nft_add(struct kern_nft *n, const struct msg_steer_batch *b)
{
	bool done[MSG_STEER_BATCH] = { false }, ok = true;
	uint32_t count = b->n, sent = 0;
	char name[32];
	int r;

	kern_nft_begin(n);
	for (uint32_t i = 0; i < count && ok; i++) {
		const struct msg_steer_addr *a = &b->e[i];
		struct nftnl_set *s;

		if (done[i])
			continue;
		if (a->handle && !nft_has_set(n, a->handle)) {
			n->st.no_set++;     /* the PvD left, or has no table */
			done[i] = true;
			continue;
		}
		if (!(s = nftnl_set_alloc()))
			break;
		kern_nft_set_name(name, sizeof(name), a->family, a->handle);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, KERN_NFT_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, name);
		for (uint32_t j = i; j < count; j++) {
			const struct msg_steer_addr *o = &b->e[j];
			struct nftnl_set_elem *e;

			if (done[j] || o->handle != a->handle || o->family != a->family ||
			    !(e = nftnl_set_elem_alloc()))
				continue;
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, o->addr,
					   o->family == AF_INET ? 4 : 16);
			/* In milliseconds; at least one second. */
			nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
					       (uint64_t)(o->ttl ? o->ttl : 1) * 1000u);
			nftnl_set_elem_add(s, e);
			done[j] = true;
			sent++;
		}
		nftnl_set_elems_nlmsg_build_payload(kern_nft_hdr(n, NFT_MSG_NEWSETELEM, NLM_F_CREATE),
						    s);
		nftnl_set_free(s);
		ok = kern_nft_next(n);
	}
	if (!sent) {
		mnl_nlmsg_batch_stop(n->b);
		return;
	}
	r = kern_nft_commit(n, ok);
	n->st.batches++;
	if (r < 0) {
		n->st.batch_failed++;
		n->st.add_failed += sent;
		nft_fail(n, r, "answer addresses were refused");
	} else {
		n->st.added += sent;
	}
}

void kern_nft_msg(struct kern_nft *n, const struct bind_table *t, const struct ipc_msg *m,
		  struct chan *ch)
{
	if (m->hdr.type == MSG_STEER_ADD) {
		struct msg_steer_batch b;

		if (ipc_expect(m, sizeof(b)) < 0)
			return;
		memcpy(&b, m->data, sizeof(b));
		if (b.n > MSG_STEER_BATCH)
			return;
		for (uint32_t i = 0; i < b.n; i++)
			if (b.e[i].family != AF_INET && b.e[i].family != AF_INET6)
				return;
		if (n && n->ready && n->answers)
			nft_add(n, &b);
		if (n) {
			/* Its answer: the stub's held answers wait for it. */
			n->st.token = 0;
			n->st.seq = b.seq;
			n->st.ready = n->ready;
			n->st.sets = (uint32_t)n->n_sets;
			chan_send(ch, MSG_STEER_STATS, &n->st, sizeof(n->st));
		}
		return;
	}
	if (m->hdr.type == MSG_STEER_SELS) {
		struct msg_steer_sels s;

		if (ipc_expect(m, sizeof(s)) < 0)
			return;
		memcpy(&s, m->data, sizeof(s));
		if (s.n > MSG_STEER_SELS_MAX)
			return;
		for (uint32_t i = 0; i < s.n; i++)
			if (s.e[i].dscp < -1 || s.e[i].dscp > 63 || s.e[i].port_lo > s.e[i].port_hi ||
			    (s.e[i].proto && s.e[i].proto != IPPROTO_TCP &&
			     s.e[i].proto != IPPROTO_UDP))
				return;
		if (n) {
			n->sel = s;
			nft_resync(n, t, ch, 0, false);
		}
		return;
	}
	if (m->hdr.type == MSG_STEER_CGROUPS) {
		struct msg_steer_cgroups c;
		struct msg_steer_stats st = { 0 };

		if (ipc_expect(m, sizeof(c)) < 0)
			return;
		memcpy(&c, m->data, sizeof(c));
		if (c.n > MSG_STEER_CGROUPS_MAX)
			return;
		for (uint32_t i = 0; i < c.n; i++)
			if (!memchr(c.e[i].path, '\0', sizeof(c.e[i].path)))
				return;
		if (!n) {
			/* No table: every entry fails, and the engine hears why. */
			st.token = c.token;
			st.error = -EOPNOTSUPP;
			for (uint32_t i = 0; i < c.n; i++)
				st.cg_error[i] = -EOPNOTSUPP;
			snprintf(st.last_error, sizeof(st.last_error), "nftables is not available");
			chan_send(ch, MSG_STEER_STATS, &st, sizeof(st));
			return;
		}
		n->cg = c;
		memset(n->st.cg_error, 0, sizeof(n->st.cg_error));
		memset(n->st.cg_id, 0, sizeof(n->st.cg_id));
		/* Forced: a cgroup made again under the same path has a new inode. */
		nft_resync(n, t, ch, c.token, true);
	}
}

/* Install the table, replacing one a killed mifd left: "add" makes sure
 * one exists, "delete" removes it with everything in it, all in one
 * transaction with the new contents. */
static int nft_install(struct kern_nft *n)
{
	uint32_t snat = 0;
	bool ok;

	kern_nft_begin(n);
	ok = kern_nft_table_msg(n, NFT_MSG_NEWTABLE, NLM_F_CREATE) &&
	     kern_nft_table_msg(n, NFT_MSG_DELTABLE, 0) &&
	     kern_nft_table_msg(n, NFT_MSG_NEWTABLE, NLM_F_CREATE) &&
	     kern_nft_chain(n, "route", "route", NF_INET_LOCAL_OUT, -150) &&
	     kern_nft_chain(n, "nat", "nat", NF_INET_POST_ROUTING, 100) &&
	     kern_nft_set(n, "c4", AF_INET, false) && kern_nft_set(n, "c6", AF_INET6, false) &&
	     kern_nft_rules_snat(n, NULL, &snat);
	return kern_nft_commit(n, ok);
}

struct kern_nft *kern_nft_new(bool answers, int *err, char *msg, size_t msglen)
{
	struct kern_nft *n = calloc(1, sizeof(*n));
	int r = -ENOMEM, big = 4 << 20;

	/* Zeroed: libnftnl leaves the alignment padding of some attributes
	 * unwritten, and those bytes go to the kernel with the batch
	 * (valgrind saw them in the first batch of a 2-hour soak). */
	if (!n || !(n->buf = calloc(1, NFT_BATCH_LIMIT * 2)))
		goto fail;
	n->answers = answers;
	n->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!n->nl || mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		snprintf(msg, msglen, "no netfilter netlink socket: %s", strerror(-r));
		goto fail;
	}
	/* Room for a whole batch and its answers (CAP_NET_ADMIN: FORCE). */
	setsockopt(mnl_socket_get_fd(n->nl), SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(mnl_socket_get_fd(n->nl), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	n->portid = mnl_socket_get_portid(n->nl);
	n->seq = (uint32_t)time(NULL);
	if ((r = nft_install(n)) < 0) {
		snprintf(msg, msglen, "the table inet %s was refused: %s", KERN_NFT_TABLE,
			 strerror(-r));
		goto fail;
	}
	n->ready = true;
	return n;
fail:
	kern_nft_free(n);
	*err = r;
	return NULL;
}

void kern_nft_free(struct kern_nft *n)
{
	if (!n)
		return;
	if (n->nl && n->ready) {
		int r;

		kern_nft_begin(n);
		r = kern_nft_commit(n, kern_nft_table_msg(n, NFT_MSG_DELTABLE, 0));
		if (r < 0)
			log_warn("steering: cannot remove the table inet %s: %s", KERN_NFT_TABLE,
				 strerror(-r));
	}
	if (n->nl)
		mnl_socket_close(n->nl);
	free(n->buf);
	free(n);
}

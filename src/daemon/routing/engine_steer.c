/* SPDX-License-Identifier: MIT */
/*
 * Steering, the engine's part (routing/engine_steer.h, doc/steering.md).
 *
 * Answer addresses: a table of the addresses PvDs' servers returned, each
 * with its PvD and until when. An address one PvD returned goes to that
 * PvD's set for the answer's TTL; one that a second PvD returns while the
 * first's is still valid goes to the "two PvDs" set, which the route chain
 * looks up first: nobody steers it (the kernel's routes decide, as
 * without mifd). A refresh is passed on only when the set's element would
 * expire before half of the new TTL has run, so a busy name costs one
 * update per half-TTL, not one per answer.
 *
 * Cgroups: the list is the engine's; the parent resolves and installs it
 * and says, entry by entry, what the kernel took (MSG_STEER_STATS).
 */
#include "daemon/routing/engine_steer.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/hash.h"
#include "daemon/engine/engine_priv.h"
#include "proto/ctlmsg.h"

#define STEER_SLOTS 16384            /* addresses remembered (a power of two) */
#define STEER_PROBE 32               /* slots looked at for one address */
#define STEER_GRACE_S 2              /* past the TTL: the connect after a late answer */
#define STEER_CTL_DEADLINE_S 3       /* for the parent's word on a cgroup change */

struct steer_slot {
	uint8_t family;
	bool both;                   /* returned by two PvDs: in the "two PvDs" set */
	uint8_t addr[16];
	uint64_t handle;
	uint64_t until;              /* monotonic seconds; 0: free */
};

struct engine_steer {
	bool answers;
	struct steer_slot *slots;
	struct msg_steer_batch out;
	struct engine_steer_cg cg[MSG_STEER_CGROUPS_MAX];
	char cg_id[MSG_STEER_CGROUPS_MAX][PVD_ID_MAX];   /* each entry's PvD, by id */
	size_t n_cg;
	/* From the policy (engine_steer_set_policy_cgroups): sent after the
	 * entries above, a path those name is theirs; pcg_at[j] is entry j's
	 * place in the list sent, SIZE_MAX when it was left out. */
	struct engine_steer_cg pcg[MSG_STEER_CGROUPS_MAX];
	size_t n_pcg, pcg_at[MSG_STEER_CGROUPS_MAX], pcg_left_out, pcg_invalid;
	uint32_t cg_token;           /* of the list last sent */
	struct msg_steer_stats kst;  /* the parent's last word */
	bool kst_known;
	struct {                     /* a steer.set waiting for the parent */
		bool active;
		uint32_t ctl, cg_token;
		size_t idx;          /* the entry added, or SIZE_MAX (a removal) */
		struct event *deadline;
	} wait;
	uint64_t notes, addrs, sent, refreshed, same, both, full, no_pvd, net_skipped,
		 chan_skipped;
};

static struct engine_steer *es_get(struct engine *e)
{
	if (!e->steer && (e->steer = calloc(1, sizeof(*e->steer))))
		e->steer->answers = true;
	return e->steer;
}

int engine_steer_set_answers(struct engine *e, bool on)
{
	struct engine_steer *s = es_get(e);

	if (!s)
		return -ENOMEM;
	s->answers = on;
	return 0;
}

static uint64_t es_now(void)
{
	return log_now_ns() / 1000000000ull;
}

/* The slot holding addr (valid or not), else a free or expired one, else
 * NULL (every slot of the probe window holds a valid other address). */
static struct steer_slot *es_slot(struct engine_steer *s, int family, const uint8_t *addr,
				  uint64_t now, bool *found)
{
	size_t len = family == AF_INET ? 4 : 16;
	uint64_t h = hash_bytes(HASH_SEED ^ (uint64_t)family, addr, len);
	struct steer_slot *spare = NULL;

	*found = false;
	for (size_t i = 0; i < STEER_PROBE; i++) {
		struct steer_slot *sl = &s->slots[(h + i) & (STEER_SLOTS - 1)];

		if (sl->until && sl->family == family && !memcmp(sl->addr, addr, len)) {
			*found = sl->until > now;
			return sl;
		}
		if (!spare && sl->until <= now)
			spare = sl;
	}
	return spare;
}

static void es_out(struct engine_steer *s, uint64_t handle, uint8_t family, const uint8_t *addr,
		   uint64_t secs)
{
	struct msg_steer_addr *a = &s->out.e[s->out.n++];

	memset(a, 0, sizeof(*a));
	a->handle = handle;
	a->family = family;
	a->ttl = (uint32_t)secs;
	memcpy(a->addr, addr, family == AF_INET ? 4 : 16);
}

/* One address a PvD's server returned: what, if anything, the sets need. */
static void es_one(struct engine *e, struct engine_steer *s, const struct msg_steer_addr *a,
		   uint64_t now)
{
	uint64_t until = now + a->ttl + STEER_GRACE_S;
	struct steer_slot *sl;
	bool found;

	s->addrs++;
	if (!pvd_find_handle(&e->store, a->handle)) {
		s->no_pvd++;         /* the PvD left since */
		return;
	}
	if (!(sl = es_slot(s, a->family, a->addr, now, &found))) {
		s->full++;
		return;
	}
	/* Steered to a PvD that has left (its sets went with it): forgotten. */
	if (found && !sl->both && sl->handle != a->handle &&
	    !pvd_find_handle(&e->store, sl->handle))
		found = false;
	if (found && (sl->both || sl->handle != a->handle)) {
		/* RFC 7556 gives no way to tell which network is meant: the
		 * address stays unsteered while either answer is valid. */
		bool first = !sl->both;

		/* Into the "two PvDs" set for the longer of the two lives; later
		 * answers only when they outlive it. */
		if (first)
			s->both++;
		sl->both = true;
		if (!first && until <= sl->until)
			return;
		if (until > sl->until)
			sl->until = until;
		es_out(s, 0, a->family, a->addr, sl->until - now);
		return;
	}
	if (found && sl->until >= now + (until - now) / 2) {
		s->same++;           /* still valid for half the new TTL */
		return;
	}
	if (found)
		s->refreshed++;
	memset(sl, 0, sizeof(*sl));
	sl->family = a->family;
	memcpy(sl->addr, a->addr, a->family == AF_INET ? 4 : 16);
	sl->handle = a->handle;
	sl->until = until;
	es_out(s, a->handle, a->family, a->addr, until - now);
}

/* Tell the stub its held answers can go (MSG_STEER_DONE). */
static void es_done(struct engine *e, uint32_t seq, int err)
{
	struct msg_steer_done d = { .seq = seq, .error = err };

	if (e->net.ch)
		chan_send(e->net.ch, MSG_STEER_DONE, &d, sizeof(d));
}

void engine_steer_note(struct engine *e, const struct ipc_msg *m)
{
	struct engine_steer *s = es_get(e);
	const struct msg_steer_batch *b = (const void *)m->data;
	uint64_t now = es_now();

	if (ipc_expect(m, sizeof(*b)) < 0 || b->n > MSG_STEER_BATCH) {
		e->net.bad++;
		return;
	}
	/* No table in the kernel: nothing to wait for. */
	if (!s || !s->answers || (s->kst_known && !s->kst.ready) || (!s->slots &&
				  !(s->slots = calloc(STEER_SLOTS, sizeof(*s->slots))))) {
		es_done(e, b->seq, -EOPNOTSUPP);
		return;
	}
	s->notes++;
	s->net_skipped = b->skipped;
	s->out.n = 0;
	for (uint32_t i = 0; i < b->n; i++)
		if (b->e[i].family == AF_INET || b->e[i].family == AF_INET6)
			es_one(e, s, &b->e[i], now);
	if (!s->out.n) {
		es_done(e, b->seq, 0);   /* every address already in its set */
		return;
	}
	/* The parent never stops reading us; past the high-water mark the
	 * channel is for routes and addresses first. */
	s->out.seq = b->seq;
	if (engine_queued(e) > CHAN_LOW_WATER || engine_send(e, MSG_STEER_ADD, &s->out,
							      sizeof(s->out)) < 0) {
		s->chan_skipped += s->out.n;
		es_done(e, b->seq, -ENOBUFS);
		return;
	}
	s->sent += s->out.n;
}

static int es_send_cgroups(struct engine *e, struct engine_steer *s)
{
	struct msg_steer_cgroups *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	s->cg_token = s->cg_token + 1 ? s->cg_token + 1 : 1;
	c->token = s->cg_token;
	c->n = (uint32_t)s->n_cg;
	for (size_t i = 0; i < s->n_cg; i++) {
		c->e[i].handle = s->cg[i].handle;
		memcpy(c->e[i].path, s->cg[i].path, sizeof(c->e[i].path));
	}
	s->pcg_left_out = 0;
	for (size_t j = 0; j < s->n_pcg; j++) {
		bool taken = false;

		for (size_t i = 0; i < s->n_cg && !taken; i++)
			taken = !strcmp(s->cg[i].path, s->pcg[j].path);
		s->pcg_at[j] = SIZE_MAX;
		if (taken || c->n == MSG_STEER_CGROUPS_MAX) {
			s->pcg_left_out++;
			continue;
		}
		s->pcg_at[j] = c->n;
		c->e[c->n].handle = s->pcg[j].handle;
		memcpy(c->e[c->n].path, s->pcg[j].path, sizeof(c->e[0].path));
		c->n++;
	}
	r = engine_send(e, MSG_STEER_CGROUPS, c, sizeof(*c));
	free(c);
	return r;
}

/* A path below /sys/fs/cgroup: relative, no "." or ".." component, no
 * empty one. */
static bool es_path_ok(const char *p)
{
	size_t len = strlen(p);

	if (!len || len >= MSG_STEER_PATH_MAX || p[0] == '/' || p[len - 1] == '/' ||
	    strstr(p, "//"))
		return false;
	for (const char *c = p; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
		if (!strncmp(c, "./", 2) || !strcmp(c, ".") || !strncmp(c, "../", 3) ||
		    !strcmp(c, ".."))
			return false;
	return true;
}

int engine_steer_set_cgroups(struct engine *e, const struct engine_steer_cg *list, size_t n)
{
	struct engine_steer *s = es_get(e);
	char ids[MSG_STEER_CGROUPS_MAX][PVD_ID_MAX];

	if (!s)
		return -ENOMEM;
	if (n > MSG_STEER_CGROUPS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!memchr(list[i].path, '\0', sizeof(list[i].path)) || !es_path_ok(list[i].path))
			return -EINVAL;
	/* Kept by id too: a PvD that leaves and comes back (a new handle)
	 * gets its cgroups again (engine_steer_pvds_changed). An entry whose
	 * PvD is away keeps the id it had. */
	for (size_t i = 0; i < n; i++) {
		const struct pvd *p = pvd_find_handle(&e->store, list[i].handle);

		ids[i][0] = '\0';
		if (p)
			snprintf(ids[i], sizeof(ids[i]), "%s", p->id);
		for (size_t j = 0; !p && j < s->n_cg; j++)
			if (!strcmp(s->cg[j].path, list[i].path))
				memcpy(ids[i], s->cg_id[j], sizeof(ids[i]));
	}
	memmove(s->cg, list, n * sizeof(*list));
	memcpy(s->cg_id, ids, n * sizeof(ids[0]));
	s->n_cg = n;
	return es_send_cgroups(e, s);
}

int engine_steer_set_policy_cgroups(struct engine *e, const struct engine_steer_cg *list,
				    size_t n)
{
	struct engine_steer *s = es_get(e);
	struct engine_steer_cg ok[MSG_STEER_CGROUPS_MAX];
	size_t k = 0;

	if (!s)
		return -ENOMEM;
	/* A path that cannot name a cgroup is left out (counted, shown). */
	s->pcg_invalid = 0;
	for (size_t i = 0; i < n && k < MSG_STEER_CGROUPS_MAX; i++) {
		if (!memchr(list[i].path, '\0', sizeof(list[i].path)) || !es_path_ok(list[i].path)) {
			s->pcg_invalid++;
			continue;
		}
		ok[k++] = list[i];
	}
	/* Decided again at every routing sync: send only a change. */
	if (k == s->n_pcg && !memcmp(s->pcg, ok, k * sizeof(*ok)))
		return 0;
	memcpy(s->pcg, ok, k * sizeof(*ok));
	s->n_pcg = k;
	return es_send_cgroups(e, s);
}

void engine_steer_pvds_changed(struct engine *e)
{
	struct engine_steer *s = e->steer;
	bool changed = false;

	for (size_t i = 0; s && i < s->n_cg; i++) {
		const struct pvd *p = s->cg_id[i][0] ? pvd_find(&e->store, s->cg_id[i]) : NULL;
		uint64_t h = p ? p->handle : 0;

		if (h != s->cg[i].handle) {
			s->cg[i].handle = h;
			changed = true;
		}
	}
	if (changed)
		es_send_cgroups(e, s);
}

static void es_wait_end(struct engine_steer *s)
{
	s->wait.active = false;
	if (s->wait.deadline)
		event_del(s->wait.deadline);
}

static void es_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	struct engine_steer *s = e->steer;

	(void)fd;
	(void)what;
	if (!s || !s->wait.active)
		return;
	es_wait_end(s);
	engine_net_result(e, s->wait.ctl, -ETIMEDOUT, NULL,
			  "the privileged process did not answer in time");
}

void engine_steer_stats(struct engine *e, const struct ipc_msg *m)
{
	struct engine_steer *s = es_get(e);
	struct msg_steer_stats st;
	char msg[400];
	int err;

	if (ipc_expect(m, sizeof(st)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	memcpy(&st, m->data, sizeof(st));
	st.last_error[sizeof(st.last_error) - 1] = '\0';
	if (!s)
		return;
	s->kst = st;
	s->kst_known = true;
	if (st.seq)
		es_done(e, st.seq, st.error);
	if (!s->wait.active || !st.token || st.token != s->wait.cg_token)
		return;
	es_wait_end(s);
	err = s->wait.idx < s->n_cg ? st.cg_error[s->wait.idx] : 0;
	if (!err && s->wait.idx == SIZE_MAX && st.error && st.error != -ENETUNREACH)
		err = st.error;
	if (!err) {
		engine_net_result(e, s->wait.ctl, 0, engine_steer_json(e), NULL);
		return;
	}
	snprintf(msg, sizeof(msg), "cgroup %s: %s%s", s->wait.idx < s->n_cg ?
		 s->cg[s->wait.idx].path : "list", strerror(-err), err == -ENOENT ?
		 " (it must exist before it is steered)" : "");
	/* Not kept: the list goes back to what it was. */
	if (s->wait.idx < s->n_cg) {
		memmove(&s->cg[s->wait.idx], &s->cg[s->wait.idx + 1],
			(s->n_cg - s->wait.idx - 1) * sizeof(s->cg[0]));
		memmove(s->cg_id[s->wait.idx], s->cg_id[s->wait.idx + 1],
			(s->n_cg - s->wait.idx - 1) * sizeof(s->cg_id[0]));
		s->n_cg--;
		es_send_cgroups(e, s);
	}
	engine_net_result(e, s->wait.ctl, err, NULL, msg);
}

/* steer.set {"op": "add"|"del", "cgroup": PATH, "pvd": ID}: answered once
 * the parent said whether the kernel took it. */
/* Answer a request and leave the function. */
#define ES_REPLY(...) do { engine_net_result(__VA_ARGS__); return; } while (0)

static void es_ctl_set(struct engine *e, struct engine_steer *s, uint32_t token, json_t *params)
{
	const char *op = json_string_value(json_object_get(params, "op"));
	const char *path = json_string_value(json_object_get(params, "cgroup"));
	const char *id = json_string_value(json_object_get(params, "pvd"));
	struct engine_steer_cg list[MSG_STEER_CGROUPS_MAX];
	const struct pvd *p = id ? pvd_find(&e->store, id) : NULL;
	size_t n = s->n_cg, at = SIZE_MAX;
	bool add = op && !strcmp(op, "add");
	int r;

	if (!op || (!add && strcmp(op, "del")) || !path)
		ES_REPLY(e, token, -EINVAL, NULL,
					 "\"op\" (add or del) and \"cgroup\" are required");
	while (*path == '/')
		path++;
	/* Relative to the cgroup v2 root (kern_nft.c finds where it is). */
	if (!strncmp(path, "sys/fs/cgroup/unified/", 22))
		path += 22;
	else if (!strncmp(path, "sys/fs/cgroup/", 14))
		path += 14;
	if (!es_path_ok(path))
		ES_REPLY(e, token, -EINVAL, NULL, "cgroup: a path under "
					 "/sys/fs/cgroup, without \".\" or \"..\"");
	if (s->wait.active)
		ES_REPLY(e, token, -EBUSY, NULL, "another change is in progress");
	memcpy(list, s->cg, n * sizeof(list[0]));
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].path, path))
			at = i;
	if (add && !p)
		ES_REPLY(e, token, -ENOENT, NULL, "pvd: no such PvD");
	if (!add && at == SIZE_MAX)
		ES_REPLY(e, token, -ENOENT, NULL, "that cgroup is not steered");
	if (add && at == SIZE_MAX && n == MSG_STEER_CGROUPS_MAX)
		ES_REPLY(e, token, -ENOSPC, NULL, "too many steered cgroups");
	if (add) {
		if (at == SIZE_MAX)
			at = n++;
		memset(&list[at], 0, sizeof(list[at]));
		snprintf(list[at].path, sizeof(list[at].path), "%s", path);
		list[at].handle = p->handle;
	} else {
		memmove(&list[at], &list[at + 1], (n - at - 1) * sizeof(list[0]));
		n--;
		at = SIZE_MAX;
	}
	if (!s->wait.deadline && !(s->wait.deadline = evtimer_new(e->base, es_deadline_cb, e)))
		ES_REPLY(e, token, -ENOMEM, NULL, "out of memory");
	if ((r = engine_steer_set_cgroups(e, list, n)) < 0)
		ES_REPLY(e, token, r, NULL, "cannot tell the privileged process");
	s->wait.active = true;
	s->wait.ctl = token;
	s->wait.cg_token = s->cg_token;
	s->wait.idx = at;
	{
		struct timeval tv = { STEER_CTL_DEADLINE_S, 0 };

		evtimer_add(s->wait.deadline, &tv);
	}
}

void engine_steer_ctl(struct engine *e, uint32_t token, unsigned method, json_t *params)
{
	struct engine_steer *s = es_get(e);

	if (!s)
		ES_REPLY(e, token, -ENOMEM, NULL, "out of memory");
	if (method == CTL_STEER_SET)
		es_ctl_set(e, s, token, params);
	else
		engine_net_result(e, token, 0, engine_steer_json(e), NULL);
}

/* Valid addresses of each PvD (its set's elements, as the engine sent them). */
static json_t *es_sets_json(struct engine *e, struct engine_steer *s, size_t *both)
{
	json_t *a = json_array();
	const struct pvd *p;
	uint64_t now = es_now();

	*both = 0;
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		json_int_t n4 = 0, n6 = 0;

		for (size_t i = 0; s->slots && i < STEER_SLOTS; i++) {
			const struct steer_slot *sl = &s->slots[i];

			if (sl->until <= now || sl->both || sl->handle != p->handle)
				continue;
			*(sl->family == AF_INET ? &n4 : &n6) += 1;
		}
		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I}", "pvd", p->id, "handle",
			(json_int_t)p->handle, "ipv4", n4, "ipv6", n6));
	}
	for (size_t i = 0; s->slots && i < STEER_SLOTS; i++)
		*both += s->slots[i].until > now && s->slots[i].both;
	return a;
}

static json_t *es_cg_json(struct engine *e, struct engine_steer *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->n_cg; i++) {
		const struct pvd *p = pvd_find_handle(&e->store, s->cg[i].handle);
		int err = s->kst_known ? s->kst.cg_error[i] : 0;

		json_array_append_new(a, json_pack("{s:s,s:s?,s:I,s:I,s:s?}", "cgroup",
			s->cg[i].path, "pvd", p ? p->id : NULL, "handle",
			(json_int_t)s->cg[i].handle, "inode", (json_int_t)s->kst.cg_id[i],
			"error", err ? strerror(-err) : NULL));
	}
	return a;
}

static json_t *es_pcg_json(struct engine *e, struct engine_steer *s)
{
	json_t *a = json_array();

	for (size_t j = 0; j < s->n_pcg; j++) {
		const struct pvd *p = pvd_find_handle(&e->store, s->pcg[j].handle);
		size_t at = s->pcg_at[j];
		int err = s->kst_known && at != SIZE_MAX ? s->kst.cg_error[at] : 0;

		json_array_append_new(a, json_pack("{s:s,s:s?,s:I,s:s?,s:b}", "cgroup",
			s->pcg[j].path, "pvd", p ? p->id : NULL, "inode",
			(json_int_t)(at != SIZE_MAX ? s->kst.cg_id[at] : 0),
			"error", err ? strerror(-err) : NULL, "in_force", at != SIZE_MAX));
	}
	return a;
}

json_t *engine_steer_json(struct engine *e)
{
	struct engine_steer *s = es_get(e);
	const struct msg_steer_stats *k;
	json_t *o, *sets;
	size_t both;

	if (!s)
		return json_object();
	k = &s->kst;
	sets = es_sets_json(e, s, &both);
	o = json_pack("{s:b,s:b,s:s?,s:o,s:I,s:o}", "answers", s->answers, "ready",
		      s->kst_known && k->ready, "error", k->last_error[0] ? k->last_error : NULL,
		      "sets", sets, "two_pvds", (json_int_t)both, "cgroups", es_cg_json(e, s));
	json_object_set_new(o, "snat_sources", json_integer(s->kst_known ? (json_int_t)k->snat : 0));
	json_object_set_new(o, "policy_selectors", json_pack("{s:I,s:I}", "entries",
			    (json_int_t)(s->kst_known ? k->sel_entries : 0), "nft_rules",
			    (json_int_t)(s->kst_known ? k->sel_rules : 0)));
	json_object_set_new(o, "policy_cgroups", es_pcg_json(e, s));
	json_object_set_new(o, "policy_cgroups_left_out",
			    json_integer((json_int_t)(s->pcg_left_out + s->pcg_invalid)));
	json_object_set_new(o, "counters", json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"notes", (json_int_t)s->notes, "addresses", (json_int_t)s->addrs,
		"sent", (json_int_t)s->sent, "refreshed", (json_int_t)s->refreshed,
		"unchanged", (json_int_t)s->same, "two_pvds", (json_int_t)s->both,
		"table_full", (json_int_t)s->full, "pvd_gone", (json_int_t)s->no_pvd,
		"skipped_net", (json_int_t)s->net_skipped,
		"skipped_engine", (json_int_t)s->chan_skipped,
		"kernel_added", (json_int_t)k->added, "kernel_failed", (json_int_t)k->add_failed,
		"kernel_batches", (json_int_t)k->batches, "kernel_no_set", (json_int_t)k->no_set,
		"chain_syncs", (json_int_t)k->syncs, "chain_failed", (json_int_t)k->sync_failed));
	return o;
}

void engine_steer_free(struct engine *e)
{
	if (!e->steer)
		return;
	if (e->steer->wait.deadline)
		event_free(e->steer->wait.deadline);
	free(e->steer->slots);
	free(e->steer);
	e->steer = NULL;
}

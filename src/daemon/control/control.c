/* SPDX-License-Identifier: MIT */
#include "daemon/control/control.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/unixsock.h"
#include "daemon/core/caps.h"
#include "daemon/control/netview.h"
#include "daemon/dns/stub.h"
#include "proto/ctlmsg.h"

/* A reply in a client's queue: replies go out in the order of the
 * requests (doc/control-protocol.md), so an answer that comes early waits
 * for those before it. */
struct reply {
	TAILQ_ENTRY(reply) e;
	char *line;              /* NULL while its answer is awaited */
};

struct client {
	TAILQ_ENTRY(client) e;
	TAILQ_HEAD(, reply) replies;
	size_t queued;           /* bytes in replies */
	struct control *ctl;
	struct bufferevent *bev;
	uid_t uid;
	pid_t pid;
	bool subscribed;
	unsigned events;         /* 1 << enum engine_event, for subscribers */
	bool closing;            /* close once the output is flushed */
	bool eof;                /* the client is done sending: close once answered */
	bool paused;             /* not read until it reads its replies */
	unsigned pending;        /* its requests waiting for an answer */
};

/* What a request waiting for an answer does with it. */
enum control_wait {
	CW_PASS,                 /* the answer is the reply */
	CW_STATUS,               /* the engine's status, with this process's added */
	CW_DNS_LIST,             /* the engine's list, with the stub's state added */
	CW_DROP,                 /* nobody waits (log.set to the engine) */
};

struct control {
	struct event_base *base;
	struct netview *nv;
	struct stub *stub;           /* NULL when the stub resolver is off */
	json_t *(*mob_fn)(void *);   /* the mobile node's state, NULL when off */
	void *mob_ctx;
	struct event *pause;         /* re-enables the listener after EMFILE */
	struct evconnlistener *lst;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	TAILQ_HEAD(, client) clients;
	unsigned n_clients, n_subscribers;
	uint64_t requests, refused;
	uint64_t refused_clients;    /* connections over a limit, closed at once */
	uint64_t paused;             /* times a client was not read for its output */
	struct log_ratelimit refuse_rl;
	struct {                     /* answers to come: the engine's and the stub's */
		uint32_t token;
		bool from_stub;
		enum control_wait kind;
		struct client *cl;
		struct reply *reply;   /* its place in cl's queue */
		json_t *id;
		uint64_t deadline_ns;  /* monotonic: answered ETIMEDOUT then */
	} waiting[CONTROL_MAX_WAITING];
	uint32_t next_token;
	bool owns_path;              /* bound it here: unlink it when done */
	struct event *sweep;         /* answers what lapsed in waiting */
	unsigned deadline_ms;        /* CONTROL_REPLY_DEADLINE_MS or control_set_deadline */
	uint64_t lapsed;             /* answered ETIMEDOUT by the sweep */
	uint64_t late;               /* answers nobody waited for (lapsed, client gone) */
};

static void control_client_free(struct client *cl)
{
	struct control *c = cl->ctl;

	for (size_t i = 0; i < sizeof(c->waiting) / sizeof(c->waiting[0]); i++) {
		if (c->waiting[i].cl == cl) {
			json_decref(c->waiting[i].id);
			c->waiting[i].cl = NULL;
			c->waiting[i].token = 0;
		}
	}
	while (!TAILQ_EMPTY(&cl->replies)) {
		struct reply *rp = TAILQ_FIRST(&cl->replies);

		TAILQ_REMOVE(&cl->replies, rp, e);
		free(rp->line);
		free(rp);
	}
	TAILQ_REMOVE(&c->clients, cl, e);
	c->n_clients--;
	if (cl->subscribed)
		c->n_subscribers--;
	bufferevent_free(cl->bev);
	free(cl);
}

/* Write the replies at the head of the queue that have their answer. */
static void control_flush(struct client *cl)
{
	struct reply *rp;

	while ((rp = TAILQ_FIRST(&cl->replies)) && rp->line) {
		TAILQ_REMOVE(&cl->replies, rp, e);
		cl->queued -= strlen(rp->line);
		bufferevent_write(cl->bev, rp->line, strlen(rp->line));
		free(rp->line);
		free(rp);
	}
}

static void control_send(struct client *cl, char *line)
{
	struct reply *rp;

	if (!line)
		return;
	if (TAILQ_EMPTY(&cl->replies)) {
		bufferevent_write(cl->bev, line, strlen(line));
		free(line);
		return;
	}
	/* Behind an answer still to come; bounded like the output. */
	if (cl->queued + strlen(line) > CONTROL_MAX_OUTPUT || !(rp = calloc(1, sizeof(*rp)))) {
		free(line);
		cl->closing = true;
		return;
	}
	rp->line = line;
	cl->queued += strlen(line);
	TAILQ_INSERT_TAIL(&cl->replies, rp, e);
}

/* The answer for a waiting slot: into its place in the queue. */
static void control_fill(struct client *cl, struct reply *rp, char *line)
{
	if (!line)
		line = strdup("{\"ok\":false,\"error\":{\"code\":\"ENOMEM\",\"errno\":12}}\n");
	if (!line)
		return;
	rp->line = line;
	cl->queued += strlen(line);
	control_flush(cl);
}

/* One of cl's requests got its answer (or lapsed): a client that has shut
 * its sending side (`nc -q`) is closed after its last answer is written. */
static void control_release(struct control *c, size_t i)
{
	struct client *cl = c->waiting[i].cl;

	if (c->waiting[i].reply)         /* never answered: free its place */
		control_fill(cl, c->waiting[i].reply, ctlmsg_reply_error(c->waiting[i].id, EIO,
							       "no answer"));
	c->waiting[i].reply = NULL;
	json_decref(c->waiting[i].id);
	c->waiting[i].cl = NULL;
	c->waiting[i].token = 0;
	if (--cl->pending == 0 && cl->eof) {
		cl->closing = true;
		if (evbuffer_get_length(bufferevent_get_output(cl->bev)) == 0)
			control_client_free(cl);
	}
}

static void control_error(struct client *cl, json_t *id, int err, const char *msg)
{
	control_send(cl, ctlmsg_reply_error(id, err, msg));
}

/* The engine's status (its answer to CTL_STATUS) with this process's. */
static json_t *control_status(struct control *c, json_t *s)
{
	json_t *procs = json_object_get(s, "processes");

	json_object_set_new(s, "version", json_string(MIF_VERSION));
	json_object_set_new(s, "log_level", json_string(log_level_name(log_get_level())));
	if (!json_is_object(procs))
		json_object_set_new(s, "processes", procs = json_object());
	json_object_set_new(procs, "net", json_pack("{s:i,s:i,s:o,s:o}", "pid", (int)getpid(),
		"uid", (int)getuid(), "capabilities", caps_json(), "view",
		netview_status_json(c->nv)));
	json_object_set_new(s, "control", json_pack("{s:s,s:i,s:i,s:I,s:I,s:I,s:I,s:{s:i,s:I,s:I}}",
		"socket", c->path, "clients", c->n_clients, "subscribers", c->n_subscribers,
		"requests", (json_int_t)c->requests, "refused", (json_int_t)c->refused,
		"refused_connections", (json_int_t)c->refused_clients,
		"paused", (json_int_t)c->paused,
		"replies", "deadline_ms", c->deadline_ms, "lapsed", (json_int_t)c->lapsed,
		"late", (json_int_t)c->late));
	json_object_set_new(s, "dns", c->stub ? stub_status_json(c->stub) : json_null());
	return s;
}

static void control_log_set(struct client *cl, struct ctl_request *r)
{
	const char *lvl, *msg;
	int l;

	if (ctlmsg_param_string(r, "level", true, &lvl, &msg) < 0) {
		control_error(cl, r->id, EINVAL, "\"level\" is required");
		return;
	}
	l = log_level_parse(lvl);
	if (l < 0) {
		control_error(cl, r->id, EINVAL,
			      "unknown level: use error, warning, info or debug");
		return;
	}
	log_set_level((enum log_level)l);
	/* The engine sets its own and the privileged parent's; nobody waits. */
	netview_call(cl->ctl->nv, 0, CTL_LOG_SET, cl->uid, r->params,
		     (int)bufferevent_getfd(cl->bev));
	log_info("log level set to %s by uid %u", lvl, (unsigned)cl->uid);
	control_send(cl, ctlmsg_reply_ok(r->id, json_pack("{s:s}", "level", lvl)));
}

void control_set_stub(struct control *c, struct stub *s)
{
	c->stub = s;
}

void control_set_mobility(struct control *c, json_t *(*fn)(void *), void *ctx)
{
	c->mob_fn = fn;
	c->mob_ctx = ctx;
}

static void control_sweep_cb(evutil_socket_t fd, short what, void *arg);

/* Wake up at the earliest deadline in waiting, if anything waits. */
static void control_arm(struct control *c)
{
	uint64_t next = UINT64_MAX, now = log_now_ns(), d;
	struct timeval tv;

	if (!c->sweep && !(c->sweep = evtimer_new(c->base, control_sweep_cb, c))) {
		log_err("control: cannot create the reply timer; a lost answer keeps its slot");
		return;
	}
	for (size_t i = 0; i < sizeof(c->waiting) / sizeof(c->waiting[0]); i++)
		if (c->waiting[i].cl && c->waiting[i].deadline_ns < next)
			next = c->waiting[i].deadline_ns;
	if (next == UINT64_MAX) {
		evtimer_del(c->sweep);
		return;
	}
	d = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(d / 1000000000u);
	tv.tv_usec = (suseconds_t)(d % 1000000000u / 1000) + 1;
	evtimer_add(c->sweep, &tv);
}

/*
 * The engine and the stub each answer within their own deadlines; this
 * is the backstop for an answer lost between them and us. Without it a
 * lost answer keeps its slot for good and, 32 of them later, every
 * route.get and dns.resolve is refused with EBUSY.
 */
static void control_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control *c = arg;
	uint64_t now = log_now_ns();
	struct reply *rp;
	char msg[160];

	for (size_t i = 0; i < sizeof(c->waiting) / sizeof(c->waiting[0]); i++) {
		if (!c->waiting[i].cl || c->waiting[i].deadline_ns > now)
			continue;
		snprintf(msg, sizeof(msg), "no answer within %u ms; mifd gave up waiting "
			 "(try again)", c->deadline_ms);
		/* Filled, its place may be written and freed at once. */
		rp = c->waiting[i].reply;
		c->waiting[i].reply = NULL;
		control_fill(c->waiting[i].cl, rp, ctlmsg_reply_error(c->waiting[i].id, ETIMEDOUT,
								       msg));
		c->lapsed++;
		control_release(c, i);
	}
	control_arm(c);
}

void control_set_deadline(struct control *c, unsigned ms)
{
	c->deadline_ms = ms ? ms : CONTROL_REPLY_DEADLINE_MS;
}

/* A free slot for cl, or -1: the table is full, cl or its user has its
 * share, or (for the stub) dns.resolve has its share; -2 when it is the
 * user's share (control.h). */
static int control_slot(struct control *c, const struct client *cl, bool stub)
{
	size_t stubs = 0, users_stubs = 0, mine = 0, my_stubs = 0;
	int free_slot = -1;

	if (cl->pending >= CONTROL_MAX_PER_CLIENT)
		return -1;
	for (size_t i = 0; i < CONTROL_MAX_WAITING; i++) {
		const struct client *o = c->waiting[i].cl;

		if (!o) {
			free_slot = free_slot < 0 ? (int)i : free_slot;
			continue;
		}
		stubs += c->waiting[i].from_stub;
		users_stubs += c->waiting[i].from_stub && o->uid != 0;
		mine += o->uid == cl->uid;
		my_stubs += o->uid == cl->uid && c->waiting[i].from_stub;
	}
	if (stub && stubs >= CONTROL_MAX_STUB)
		return -1;
	if (cl->uid != 0 && (mine >= CONTROL_MAX_USER_WAITING ||
			     (stub && (my_stubs >= CONTROL_MAX_USER_STUB ||
				       users_stubs >= CONTROL_MAX_STUB - CONTROL_ROOT_STUB))))
		return -2;
	return free_slot;
}

static void control_wait(struct client *cl, int i, struct ctl_request *r, uint32_t token,
			 bool from_stub, enum control_wait kind, struct reply *rp)
{
	struct control *c = cl->ctl;

	TAILQ_INSERT_TAIL(&cl->replies, rp, e);
	c->waiting[i].reply = rp;
	c->waiting[i].token = token;
	c->waiting[i].from_stub = from_stub;
	c->waiting[i].kind = kind;
	c->waiting[i].cl = cl;
	c->waiting[i].id = json_incref(r->id);
	cl->pending++;
	c->waiting[i].deadline_ns = log_now_ns() + (uint64_t)c->deadline_ms * 1000000u;
	control_arm(c);
}

/* dns.resolve: the stub answers later, through control_route_reply. */
static void control_resolve(struct client *cl, struct ctl_request *r)
{
	struct control *c = cl->ctl;
	char err[800] = "";
	struct reply *rp;
	uint32_t token;
	int i = control_slot(c, cl, true), e;

	if (i < 0) {
		control_error(cl, r->id, EBUSY, i == -2 ? "too many lookups in progress for this "
			      "user" : "too many lookups in progress");
		return;
	}
	if (!c->stub) {
		control_error(cl, r->id, EOPNOTSUPP, "the DNS stub resolver is off");
		return;
	}
	if (!(rp = calloc(1, sizeof(*rp)))) {
		control_error(cl, r->id, ENOMEM, "out of memory");
		return;
	}
	e = stub_resolve(c->stub, r->params, &token, err, sizeof(err));
	if (e < 0) {
		free(rp);
		control_error(cl, r->id, e, err);
		return;
	}
	control_wait(cl, i, r, token, true, CW_PASS, rp);
}

/* A request the engine answers (engine_ctl.c): forwarded, answered
 * through control_engine_reply. */
static void control_call(struct client *cl, struct ctl_request *r, enum control_wait kind)
{
	struct control *c = cl->ctl;
	int i = control_slot(c, cl, false), e;
	struct reply *rp;
	uint32_t token;

	if (i < 0) {
		control_error(cl, r->id, EBUSY, i == -2 ? "too many requests in progress for this "
			      "user" : "too many requests in progress");
		return;
	}
	if (!(rp = calloc(1, sizeof(*rp)))) {
		control_error(cl, r->id, ENOMEM, "out of memory");
		return;
	}
	token = ++c->next_token ? c->next_token : ++c->next_token;
	/* A request that changes mifd takes the client's socket along: the
	 * engine checks the caller itself (SO_PEERCRED), so that this process,
	 * which parses what anyone sends, cannot speak for root. */
	e = netview_call(c->nv, token, r->method, cl->uid, r->params,
			 ctlmsg_method_writes(r->method) ? (int)bufferevent_getfd(cl->bev) : -1);
	if (e < 0) {
		free(rp);
		control_error(cl, r->id, e == -ENOBUFS ? EBUSY : EIO,
			      "the engine cannot take the request now (try again)");
		return;
	}
	control_wait(cl, i, r, token, false, kind, rp);
}

static json_t *control_finish(struct control *c, enum control_wait kind, json_t *result)
{
	json_t *p;
	size_t i;

	if (kind == CW_STATUS && json_is_object(result))
		return control_status(c, result);
	if (kind != CW_DNS_LIST || !json_is_array(result))
		return result;
	if (!c->stub)
		return json_pack("{s:o,s:n}", "pvds", result, "stub");
	json_array_foreach(result, i, p) {
		const char *id = json_string_value(json_object_get(p, "pvd"));

		if (id)
			stub_pvd_json(c->stub, netview_pvd_handle(c->nv, id), p);
	}
	return json_pack("{s:o,s:o}", "pvds", result, "stub", stub_status_json(c->stub));
}

static void control_answer(struct control *c, bool from_stub, uint32_t token, int err,
			   json_t *result, const char *msg)
{
	size_t i;

	for (i = 0; i < CONTROL_MAX_WAITING; i++) {
		if (c->waiting[i].cl && c->waiting[i].token == token &&
		    c->waiting[i].from_stub == from_stub) {
			struct client *cl = c->waiting[i].cl;
			struct reply *rp = c->waiting[i].reply;

			c->waiting[i].reply = NULL;
			control_fill(cl, rp, err < 0 ?
				ctlmsg_reply_error(c->waiting[i].id, -err, msg) :
				ctlmsg_reply_ok(c->waiting[i].id, control_finish(c, c->waiting[i].kind,
									json_incref(result))));
			control_release(c, i);
			break;
		}
	}
	/* It lapsed (its requester heard ETIMEDOUT) or its client left. */
	if (i == CONTROL_MAX_WAITING && token)
		c->late++;
	json_decref(result);
}

void control_route_reply(void *ctx, uint32_t token, int err, json_t *result, const char *msg)
{
	control_answer(ctx, true, token, err, result, msg);
}

static void control_engine_reply(void *ctx, uint32_t token, int err, json_t *result,
				 const char *msg)
{
	control_answer(ctx, false, token, err, result, msg);
}

/* subscribe {"events": [NAME...]?}: the PvD events by default (what
 * clients written before default-changed existed expect). */
static void control_subscribe(struct client *cl, struct ctl_request *r)
{
	json_t *want = json_object_get(r->params, "events"), *v, *list;
	unsigned mask = 0;
	size_t i;

	if (!want) {
		mask = 1u << ENGINE_PVD_ADDED | 1u << ENGINE_PVD_CHANGED | 1u << ENGINE_PVD_REMOVED;
	} else if (!json_is_array(want)) {
		control_error(cl, r->id, EINVAL, "events: a list of event names");
		return;
	} else {
		json_array_foreach(want, i, v) {
			int ev;

			for (ev = 0; ev <= ENGINE_EVENT_LAST; ev++)
				if (json_is_string(v) && !strcmp(json_string_value(v),
								 engine_event_name(ev)))
					break;
			if (ev > ENGINE_EVENT_LAST) {
				control_error(cl, r->id, EINVAL, "events: unknown event name");
				return;
			}
			mask |= 1u << ev;
		}
	}
	if (!cl->subscribed)
		cl->ctl->n_subscribers++;
	cl->subscribed = true;
	cl->events = mask;
	list = json_array();
	for (int ev = 0; ev <= ENGINE_EVENT_LAST; ev++)
		if (mask & 1u << ev)
			json_array_append_new(list, json_string(engine_event_name(ev)));
	control_send(cl, ctlmsg_reply_ok(r->id, json_pack("{s:o}", "events", list)));
}

static void control_dispatch(struct client *cl, struct ctl_request *r)
{
	struct control *c = cl->ctl;
	char err[320] = "";
	json_t *out;
	int e;

	switch (r->method) {
	case CTL_SUBSCRIBE:
		control_subscribe(cl, r);
		return;
	case CTL_LOG_SET:
		control_log_set(cl, r);
		return;
	case CTL_DNS_RESOLVE:
		control_resolve(cl, r);
		return;
	case CTL_DNS_FLUSH:
		if (!c->stub) {
			control_error(cl, r->id, EOPNOTSUPP, "the DNS stub resolver is off");
			return;
		}
		e = stub_flush(c->stub, r->params, &out, err, sizeof(err));
		if (e < 0) {
			control_error(cl, r->id, e, err);
			return;
		}
		control_send(cl, ctlmsg_reply_ok(r->id, out));
		return;
	case CTL_MOBILITY:
		if (!c->mob_fn) {
			control_error(cl, r->id, EOPNOTSUPP,
				      "the mobile-node role is off ([mobility] enabled = no)");
			return;
		}
		control_send(cl, ctlmsg_reply_ok(r->id, c->mob_fn(c->mob_ctx)));
		return;
	case CTL_STATUS:
		control_call(cl, r, CW_STATUS);
		return;
	case CTL_DNS_LIST:
		control_call(cl, r, CW_DNS_LIST);
		return;
	case CTL_PVD_LIST:
	case CTL_PVD_GET:
	case CTL_PVD_ADD:
	case CTL_PVD_SET:
	case CTL_PVD_DEL:
	case CTL_LINK_SET:
	case CTL_ROUTE_GET:
	case CTL_DNS_WHICH:
	case CTL_POLICY_EXPLAIN:
	case CTL_POLICY_SHOW:
	case CTL_POLICY_RELOAD:
	case CTL_STEER_SET:
	case CTL_STEER_SHOW:
		control_call(cl, r, CW_PASS);
		return;
	case CTL__METHOD_MAX:
		break;
	}
	control_error(cl, r->id, EOPNOTSUPP, "unknown method");
}

static void control_line(struct client *cl, const char *line, size_t len)
{
	struct control *c = cl->ctl;
	struct ctl_request r;
	const char *msg = NULL;
	json_t *id = NULL;
	int e;

	c->requests++;
	e = ctlmsg_parse_request(line, len, &r, &id, &msg);
	if (e < 0) {
		c->refused++;
		control_error(cl, id, e, msg);
		json_decref(id);
		return;
	}
	json_decref(id);
	if (ctlmsg_method_writes(r.method) && cl->uid != 0) {
		c->refused++;
		control_error(cl, r.id, EPERM, "permission denied: this request changes mifd "
			      "and needs root");
	} else {
		control_dispatch(cl, &r);
	}
	ctlmsg_request_free(&r);
}

/* Replies written or waiting their turn. */
static size_t control_output(const struct client *cl)
{
	return evbuffer_get_length(bufferevent_get_output(cl->bev)) + cl->queued;
}

/* All of uid's connections' output together. */
static size_t control_user_output(const struct control *c, uid_t uid)
{
	const struct client *o;
	size_t n = 0;

	TAILQ_FOREACH(o, &c->clients, e)
		if (o->uid == uid)
			n += control_output(o);
	return n;
}

/* Past the client's bound, or past its user's with some of its own
 * waiting (control.h): stop reading it. */
static bool control_output_full(const struct client *cl)
{
	size_t mine = control_output(cl);

	return mine > CONTROL_MAX_OUTPUT ||
	       (cl->uid != 0 && mine > 0 &&
		control_user_output(cl->ctl, cl->uid) > CONTROL_MAX_USER_OUTPUT);
}

static void control_read_cb(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n;
	char *line;
	int i;

	/* Bounded per wakeup; the rest waits for the next round. */
	for (i = 0; i < 64 && !cl->closing && !cl->paused; i++) {
		if (control_output_full(cl)) {
			/* Back-pressure: its requests stay in the kernel's
			 * buffer until it reads (control_write_cb). */
			cl->paused = true;
			cl->ctl->paused++;
			bufferevent_disable(bev, EV_READ);
			return;
		}
		line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
		if (!line)
			break;
		control_line(cl, line, n);
		free(line);
	}
	/* Too long: more than a line's worth with no end of line in it (the
	 * read watermark keeps the buffer near that size; pipelined requests
	 * beyond it wait in the kernel's buffer). */
	if (!cl->closing && evbuffer_get_length(in) > CTLMSG_MAX_LINE &&
	    evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF).pos < 0) {
		control_error(cl, NULL, EMSGSIZE, "request line too long; closing");
		cl->closing = true;
		evbuffer_drain(in, evbuffer_get_length(in));
	}
	if (i == 64 && !cl->closing && !cl->paused)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

/* All written: close, or read again a client paused for its output. */
static void control_write_cb(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;

	if (cl->closing) {
		control_client_free(cl);
		return;
	}
	if (cl->paused && !control_output_full(cl)) {
		cl->paused = false;
		bufferevent_enable(bev, EV_READ);
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
	}
}

static void control_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client *cl = arg;

	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) && cl->pending) {
		cl->eof = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	/* Answers written but not yet sent still go out. */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    evbuffer_get_length(bufferevent_get_output(bev))) {
		cl->closing = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		control_client_free(cl);
}

/* Room for one more connection of uid (control.h): root up to
 * CONTROL_MAX_CLIENTS, any other user up to CONTROL_MAX_PER_USER of its own
 * and never into the places kept for root. */
static bool control_admit(const struct control *c, uid_t uid)
{
	const struct client *cl;
	unsigned mine = 0;

	if (c->n_clients >= CONTROL_MAX_CLIENTS)
		return false;
	if (uid == 0)
		return true;
	if (c->n_clients >= CONTROL_MAX_CLIENTS - CONTROL_ROOT_RESERVED)
		return false;
	TAILQ_FOREACH(cl, &c->clients, e)
		mine += cl->uid == uid;
	return mine < CONTROL_MAX_PER_USER;
}

/* Say why before closing (one line with no id, as for a line too long),
 * without waiting: a client that does not read loses only the reason. */
static void control_refuse(evutil_socket_t fd, const char *why)
{
	char *line = ctlmsg_reply_error(NULL, EAGAIN, why);

	if (line)
		(void)!send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
	free(line);
	close(fd);
}

static void control_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
			      struct sockaddr *sa, int socklen, void *arg)
{
	struct control *c = arg;
	struct ucred cred = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	socklen_t len = sizeof(cred);
	struct client *cl;
	uint64_t left;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !control_admit(c, cred.uid) || !(cl = calloc(1, sizeof(*cl)))) {
		c->refused_clients++;
		if (log_ratelimit_ok(&c->refuse_rl, &left))
			log_warn("control: refusing a client of uid %d (%u connected; %llu "
				 "refusals not logged)", (int)cred.uid, c->n_clients,
				 (unsigned long long)left);
		control_refuse(fd, c->n_clients >= CONTROL_MAX_CLIENTS - CONTROL_ROOT_RESERVED ?
			       "too many connections to mifd; try again" :
			       "too many connections from this user to mifd");
		return;
	}
	cl->ctl = c;
	TAILQ_INIT(&cl->replies);
	cl->uid = cred.uid;
	cl->pid = cred.pid;
	cl->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!cl->bev) {
		close(fd);
		free(cl);
		return;
	}
	bufferevent_setcb(cl->bev, control_read_cb, control_write_cb, control_event_cb, cl);
	bufferevent_setwatermark(cl->bev, EV_READ, 0, CTLMSG_MAX_LINE + 2);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&c->clients, cl, e);
	c->n_clients++;
}

/* A subscriber past its bound, or holding a sixteenth of it while its
 * user is past theirs (control.h): dropped, as it is not reading. */
static bool control_subscriber_stuck(const struct control *c, const struct client *cl)
{
	size_t mine = evbuffer_get_length(bufferevent_get_output(cl->bev));

	return mine > CONTROL_MAX_OUTPUT ||
	       (cl->uid != 0 && mine > CONTROL_MAX_OUTPUT / 16 &&
		control_user_output(c, cl->uid) > CONTROL_MAX_USER_OUTPUT);
}

void control_broadcast(void *ctx, unsigned ev, json_t *pvd)
{
	struct control *c = ctx;
	struct client *cl, *next;
	char *line = NULL;

	if (ev > ENGINE_EVENT_LAST)
		return;

	for (cl = TAILQ_FIRST(&c->clients); cl; cl = next) {
		next = TAILQ_NEXT(cl, e);
		if (!cl->subscribed || cl->closing || !(cl->events & 1u << ev))
			continue;
		if (!line && !(line = ctlmsg_event(engine_event_name(ev), pvd)))
			return;
		if (control_subscriber_stuck(c, cl)) {
			log_warn("control: subscriber pid %d is not reading; dropping it",
				 (int)cl->pid);
			control_client_free(cl);
			continue;
		}
		bufferevent_write(cl->bev, line, strlen(line));
	}
	free(line);
}

/* Bind the socket path (its directory created); a stale socket from a
 * crashed mifd is replaced, a live one (another mifd answers) is an error. */
int control_bind(const char *path)
{
	char dir[108];

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST)
		return -errno;
	return unixsock_listen(path, SOCK_STREAM);
}

static void control_unpause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control *c = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(c->lst);
}

/* accept() failed (out of descriptors): a pending connection would wake
 * us again at once, so pause the listener for a second. */
static void control_listen_error_cb(struct evconnlistener *l, void *arg)
{
	struct control *c = arg;
	struct timeval one = { 1, 0 };

	log_warn("control: accept failed: %s; pausing for a second", strerror(errno));
	evconnlistener_disable(l);
	if (!c->pause)
		c->pause = evtimer_new(c->base, control_unpause_cb, c);
	if (c->pause)
		evtimer_add(c->pause, &one);
}

struct control *control_new(struct event_base *base, const char *path, struct netview *nv,
			    int *err)
{
	int fd = control_bind(path);
	struct control *c;

	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	c = control_new_fd(base, fd, path, nv, err);
	if (!c) {
		close(fd);
		unlink(path);
		return NULL;
	}
	c->owns_path = true;
	return c;
}

struct control *control_new_fd(struct event_base *base, int fd, const char *path,
			       struct netview *nv, int *err)
{
	struct control *c = calloc(1, sizeof(*c));

	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	c->base = base;
	c->nv = nv;
	c->deadline_ms = CONTROL_REPLY_DEADLINE_MS;
	c->refuse_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1);
	TAILQ_INIT(&c->clients);
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->lst = evconnlistener_new(base, control_accept_cb, c, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (!c->lst) {
		free(c);
		*err = -ENOMEM;
		return NULL;
	}
	evconnlistener_set_error_cb(c->lst, control_listen_error_cb);
	netview_set_result_cb(nv, control_engine_reply, c);
	netview_set_event_cb(nv, control_broadcast, c);
	return c;
}

void control_free(struct control *c)
{
	struct client *cl;

	if (!c)
		return;
	while ((cl = TAILQ_FIRST(&c->clients)))
		control_client_free(cl);
	evconnlistener_free(c->lst);
	if (c->pause)
		event_free(c->pause);
	if (c->sweep)
		event_free(c->sweep);
	if (c->owns_path)
		unlink(c->path);
	free(c);
}

/* SPDX-License-Identifier: MIT */
#include "proto/ctlmsg.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	bool writes;
} ctlmsg_methods[CTL__METHOD_MAX] = {
	[CTL_PVD_LIST] = { "pvd.list", false },
	[CTL_PVD_GET] = { "pvd.get", false },
	[CTL_STATUS] = { "status", false },
	[CTL_SUBSCRIBE] = { "subscribe", false },
	[CTL_LOG_SET] = { "log.set", true },
	[CTL_PVD_ADD] = { "pvd.add", true },
	[CTL_PVD_SET] = { "pvd.set", true },
	[CTL_PVD_DEL] = { "pvd.del", true },
	[CTL_LINK_SET] = { "link.set", true },
	[CTL_ROUTE_GET] = { "route.get", false },
	[CTL_DNS_WHICH] = { "dns.which", false },
	[CTL_DNS_LIST] = { "dns.list", false },
	[CTL_DNS_RESOLVE] = { "dns.resolve", false },
	[CTL_DNS_FLUSH] = { "dns.flush", true },
	[CTL_MOBILITY] = { "mobility", false },
	[CTL_POLICY_EXPLAIN] = { "policy.explain", false },
	[CTL_POLICY_SHOW] = { "policy.show", false },
	[CTL_POLICY_RELOAD] = { "policy.reload", true },
	[CTL_STEER_SET] = { "steer.set", true },
	[CTL_STEER_SHOW] = { "steer.show", false },
};

bool ctlmsg_method_writes(enum ctl_method m)
{
	return (unsigned)m < CTL__METHOD_MAX && ctlmsg_methods[m].writes;
}

const char *ctlmsg_method_name(enum ctl_method m)
{
	return (unsigned)m < CTL__METHOD_MAX ? ctlmsg_methods[m].name : "unknown";
}

/*
 * The parameters each method takes and their JSON types (issue 17: a
 * numeric "pvd" was read as no PvD at all, and dns.resolve went out
 * through the default network). A parameter of another type, or one the
 * method does not take, refuses the request with EINVAL; whether a
 * parameter is required, and what its value means, the method decides.
 * pvd.add and pvd.set take a PvD spec, which pvd_spec checks field by
 * field, unknown fields included.
 */
enum ctlmsg_kind {
	CTLMSG_STRING = 1,
	CTLMSG_INTEGER = 2,
	CTLMSG_BOOL = 4,
	CTLMSG_ARRAY = 8,
};

struct ctlmsg_param {
	const char *key;
	unsigned kinds;              /* enum ctlmsg_kind, or'ed */
	const char *msg;             /* when the type is wrong */
};

#define CTLMSG_MAX_PARAMS 7
#define CTLMSG_PVD_MSG "pvd: must be a string: a PvD id, or its handle as a decimal string"

static const struct ctlmsg_schema {
	bool spec;                   /* a PvD spec: checked by the method */
	const char *unknown;         /* for a parameter it does not take */
	struct ctlmsg_param p[CTLMSG_MAX_PARAMS];
} ctlmsg_schemas[CTL__METHOD_MAX] = {
	[CTL_PVD_LIST] = { .unknown = "pvd.list takes no parameters" },
	[CTL_PVD_GET] = { .unknown = "pvd.get takes \"id\" only",
		.p = { { "id", CTLMSG_STRING, "id: must be a string: a PvD id, or its handle "
						"as a decimal string" } } },
	[CTL_STATUS] = { .unknown = "status takes no parameters" },
	[CTL_SUBSCRIBE] = { .unknown = "subscribe takes \"events\" only",
		.p = { { "events", CTLMSG_ARRAY, "events: a list of event names" } } },
	[CTL_LOG_SET] = { .unknown = "log.set takes \"level\" only",
		.p = { { "level", CTLMSG_STRING, "level: must be a string" } } },
	[CTL_PVD_ADD] = { .spec = true },
	[CTL_PVD_SET] = { .spec = true },
	[CTL_PVD_DEL] = { .unknown = "pvd.del takes \"id\" only",
		.p = { { "id", CTLMSG_STRING, "id: must be a string" } } },
	[CTL_LINK_SET] = { .unknown = "link.set takes \"interface\" and \"dhcp4\" only",
		.p = { { "interface", CTLMSG_STRING, "interface: must be a string" },
		       { "dhcp4", CTLMSG_BOOL, "dhcp4: must be true or false" } } },
	[CTL_ROUTE_GET] = {
		.unknown = "route.get takes \"destination\", \"pvd\" and \"from\" only",
		.p = { { "destination", CTLMSG_STRING, "destination: must be a string: an address" },
		       { "pvd", CTLMSG_STRING, CTLMSG_PVD_MSG },
		       { "from", CTLMSG_STRING, "from: must be a string: an address" } } },
	[CTL_DNS_WHICH] = { .unknown = "dns.which takes \"name\" and \"pvd\" only",
		.p = { { "name", CTLMSG_STRING, "name: must be a string: a domain name" },
		       { "pvd", CTLMSG_STRING, CTLMSG_PVD_MSG } } },
	[CTL_DNS_LIST] = { .unknown = "dns.list takes no parameters" },
	[CTL_DNS_RESOLVE] = {
		.unknown = "dns.resolve takes \"name\", \"type\" and \"pvd\" only",
		.p = { { "name", CTLMSG_STRING, "name: must be a string: a domain name" },
		       { "type", CTLMSG_STRING | CTLMSG_INTEGER,
			 "type: must be a type name (\"AAAA\") or its number" },
		       { "pvd", CTLMSG_STRING, CTLMSG_PVD_MSG } } },
	[CTL_DNS_FLUSH] = { .unknown = "dns.flush takes \"pvd\" only",
		.p = { { "pvd", CTLMSG_STRING, CTLMSG_PVD_MSG } } },
	[CTL_MOBILITY] = { .unknown = "mobility takes no parameters" },
	[CTL_POLICY_EXPLAIN] = {
		.unknown = "policy.explain takes \"exe\", \"uid\", \"cgroup\", \"dst\", \"proto\", "
			   "\"port\" and \"dscp\" only",
		.p = { { "exe", CTLMSG_STRING, "exe: must be a string: a path" },
		       { "uid", CTLMSG_INTEGER, "uid: must be a number" },
		       { "cgroup", CTLMSG_STRING, "cgroup: must be a string: a path" },
		       { "dst", CTLMSG_STRING, "dst: must be a string: an address or a name" },
		       { "proto", CTLMSG_STRING, "proto: must be \"tcp\" or \"udp\"" },
		       { "port", CTLMSG_INTEGER, "port: must be a number" },
		       { "dscp", CTLMSG_INTEGER, "dscp: must be a number" } } },
	[CTL_POLICY_SHOW] = { .unknown = "policy.show takes no parameters" },
	[CTL_POLICY_RELOAD] = { .unknown = "policy.reload takes no parameters" },
	[CTL_STEER_SET] = { .unknown = "steer.set takes \"op\", \"cgroup\" and \"pvd\" only",
		.p = { { "op", CTLMSG_STRING, "op: must be \"add\" or \"del\"" },
		       { "cgroup", CTLMSG_STRING, "cgroup: must be a string: a path under "
						"/sys/fs/cgroup" },
		       { "pvd", CTLMSG_STRING, CTLMSG_PVD_MSG } } },
	[CTL_STEER_SHOW] = { .unknown = "steer.show takes no parameters" },
};

static unsigned ctlmsg_kind_of(const json_t *v)
{
	if (json_is_string(v))
		return CTLMSG_STRING;
	if (json_is_integer(v))
		return CTLMSG_INTEGER;
	if (json_is_boolean(v))
		return CTLMSG_BOOL;
	if (json_is_array(v))
		return CTLMSG_ARRAY;
	return 0;                    /* null, real, object: never a parameter */
}

/* Every parameter known to the method and of one of its types. */
static int ctlmsg_check_params(enum ctl_method m, json_t *params, const char **errmsg)
{
	const struct ctlmsg_schema *sc = &ctlmsg_schemas[m];
	const char *key;
	json_t *v;
	size_t i;

	if (sc->spec)
		return 0;
	json_object_foreach(params, key, v) {
		for (i = 0; i < CTLMSG_MAX_PARAMS && sc->p[i].key; i++)
			if (strcmp(sc->p[i].key, key) == 0)
				break;
		if (i == CTLMSG_MAX_PARAMS || !sc->p[i].key) {
			*errmsg = sc->unknown ? sc->unknown : "a parameter this method does not take";
			return -EINVAL;
		}
		if (!(ctlmsg_kind_of(v) & sc->p[i].kinds)) {
			*errmsg = sc->p[i].msg;
			return -EINVAL;
		}
	}
	return 0;
}

static int ctlmsg_lookup(const char *name)
{
	for (int i = 0; i < CTL__METHOD_MAX; i++)
		if (strcmp(ctlmsg_methods[i].name, name) == 0)
			return i;
	return -EOPNOTSUPP;
}

int ctlmsg_parse_request(const char *line, size_t len, struct ctl_request *out,
			 json_t **id_out, const char **errmsg)
{
	json_t *root, *method, *params, *id;
	int m;

	*id_out = NULL;
	if (len > CTLMSG_MAX_LINE) {
		*errmsg = "request too long";
		return -EMSGSIZE;
	}
	/* JSON_REJECT_DUPLICATES: one meaning per request, no smuggling. */
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		*errmsg = "request is not a JSON object";
		return -EINVAL;
	}
	id = json_object_get(root, "id");
	if (id)
		*id_out = json_incref(id);
	method = json_object_get(root, "method");
	params = json_object_get(root, "params");
	if (!json_is_string(method)) {
		*errmsg = "request has no \"method\" string";
		goto bad;
	}
	if (params && !json_is_object(params) && !json_is_null(params)) {
		*errmsg = "\"params\" must be an object";
		goto bad;
	}
	m = ctlmsg_lookup(json_string_value(method));
	if (m < 0) {
		*errmsg = "unknown method";
		json_decref(root);
		return m;
	}
	if (json_is_object(params) && ctlmsg_check_params((enum ctl_method)m, params, errmsg) < 0)
		goto bad;
	out->id = id ? json_incref(id) : json_null();
	out->method = (enum ctl_method)m;
	out->params = json_is_object(params) ? json_incref(params) : json_object();
	json_decref(root);
	return 0;
bad:
	json_decref(root);
	return -EINVAL;
}

void ctlmsg_request_free(struct ctl_request *r)
{
	json_decref(r->id);
	json_decref(r->params);
	r->id = r->params = NULL;
}

int ctlmsg_param_string(const struct ctl_request *r, const char *key, bool required,
			const char **out, const char **errmsg)
{
	json_t *v = json_object_get(r->params, key);

	if (!v && !required) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 1024) {
		*errmsg = "a required string parameter is missing or malformed";
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 0;
}

static char *ctlmsg_line(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	char *line = NULL;

	json_decref(o);
	if (!s)
		return NULL;
	size_t n = strlen(s);

	line = malloc(n + 2);
	if (line) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	free(s);
	return line;
}

char *ctlmsg_reply_ok(json_t *id, json_t *result)
{
	return ctlmsg_line(json_pack("{s:O?,s:b,s:o}", "id", id, "ok", 1,
				     "result", result ? result : json_null()));
}

static const struct {
	int err;
	const char *name;
} ctlmsg_errnos[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EMSGSIZE, "EMSGSIZE" }, { ENOMEM, "ENOMEM" },
	{ EEXIST, "EEXIST" }, { EBUSY, "EBUSY" }, { ENODEV, "ENODEV" }, { EAGAIN, "EAGAIN" },
	/* route.get and dns.resolve: a lapsed lookup, no route, no server. */
	{ ETIMEDOUT, "ETIMEDOUT" }, { ENETUNREACH, "ENETUNREACH" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { ENOSPC, "ENOSPC" }, { ENOBUFS, "ENOBUFS" },
	{ EIO, "EIO" }, { EACCES, "EACCES" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ ECONNRESET, "ECONNRESET" }, { ECANCELED, "ECANCELED" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ EADDRINUSE, "EADDRINUSE" }, { ENAMETOOLONG, "ENAMETOOLONG" }, { ERANGE, "ERANGE" },
	{ EPROTO, "EPROTO" }, { EBADMSG, "EBADMSG" }, { ENOTCONN, "ENOTCONN" },
	{ EALREADY, "EALREADY" }, { ESRCH, "ESRCH" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { ENOTDIR, "ENOTDIR" }, { EMFILE, "EMFILE" },
	{ ENFILE, "ENFILE" },
};

static const char *ctlmsg_errno_find(int err)
{
	for (size_t i = 0; i < sizeof(ctlmsg_errnos) / sizeof(ctlmsg_errnos[0]); i++)
		if (ctlmsg_errnos[i].err == err)
			return ctlmsg_errnos[i].name;
	return NULL;
}

const char *ctlmsg_errno_name(int err)
{
	if (err == INT_MIN)
		return "EIO";
	if (err < 0)
		err = -err;
	return ctlmsg_errno_find(err) ? ctlmsg_errno_find(err) : "EIO";
}

/* code and errno always agree (issue 17 saw "EIO" with errno 110): an
 * errno without a name here is sent as EIO, its text kept as the message
 * if the caller gave none. */
char *ctlmsg_reply_error(json_t *id, int err, const char *message)
{
	if (err == INT_MIN || err == 0)
		err = EIO;
	if (err < 0)
		err = -err;
	if (!ctlmsg_errno_find(err)) {
		if (!message)
			message = strerror(err);
		err = EIO;
	}
	return ctlmsg_line(json_pack("{s:O?,s:b,s:{s:s,s:i,s:s}}", "id", id, "ok", 0,
				     "error", "code", ctlmsg_errno_name(err), "errno", err,
				     "message", message ? message : strerror(err)));
}

char *ctlmsg_event(const char *name, json_t *pvd)
{
	return ctlmsg_line(json_pack("{s:s,s:O}", "event", name, "pvd", pvd));
}

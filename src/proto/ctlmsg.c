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
};

bool ctlmsg_method_writes(enum ctl_method m)
{
	return (unsigned)m < CTL__METHOD_MAX && ctlmsg_methods[m].writes;
}

const char *ctlmsg_method_name(enum ctl_method m)
{
	return (unsigned)m < CTL__METHOD_MAX ? ctlmsg_methods[m].name : "unknown";
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
};

const char *ctlmsg_errno_name(int err)
{
	if (err == INT_MIN)
		return "EIO";
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(ctlmsg_errnos) / sizeof(ctlmsg_errnos[0]); i++)
		if (ctlmsg_errnos[i].err == err)
			return ctlmsg_errnos[i].name;
	return "EIO";
}

char *ctlmsg_reply_error(json_t *id, int err, const char *message)
{
	if (err == INT_MIN || err == 0)
		err = EIO;
	if (err < 0)
		err = -err;
	return ctlmsg_line(json_pack("{s:O?,s:b,s:{s:s,s:i,s:s}}", "id", id, "ok", 0,
				     "error", "code", ctlmsg_errno_name(err), "errno", err,
				     "message", message ? message : strerror(err)));
}

char *ctlmsg_event(const char *name, json_t *pvd)
{
	return ctlmsg_line(json_pack("{s:s,s:O}", "event", name, "pvd", pvd));
}

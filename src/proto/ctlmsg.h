/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's messages (doc/control-protocol.md): one JSON
 * object per line. Requests: {"id": ANY, "method": STRING, "params": OBJECT}.
 * Replies: {"id": ANY, "ok": true, "result": ...} or
 *          {"id": ANY, "ok": false, "error": {"code": "EPERM", "errno": 1,
 *                                             "message": "..."}}.
 * Events:  {"event": "pvd-added", "pvd": {...}}.
 * Pure: parsing and building only, no sockets.
 */
#ifndef MIF_PROTO_CTLMSG_H
#define MIF_PROTO_CTLMSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define CTLMSG_MAX_LINE 65536    /* longest request line accepted */

enum ctl_method {
	CTL_PVD_LIST,
	CTL_PVD_GET,
	CTL_STATUS,
	CTL_SUBSCRIBE,
	CTL_LOG_SET,
	CTL_PVD_ADD,
	CTL_PVD_SET,
	CTL_PVD_DEL,
	CTL_LINK_SET,
	CTL_ROUTE_GET,
	CTL_DNS_WHICH,
	CTL_DNS_LIST,
	CTL_DNS_RESOLVE,
	CTL_DNS_FLUSH,
	CTL_MOBILITY,
	CTL_POLICY_EXPLAIN,
	CTL_POLICY_SHOW,
	CTL_POLICY_RELOAD,
	CTL_STEER_SET,
	CTL_STEER_SHOW,
	CTL__METHOD_MAX
};

struct ctl_request {
	json_t *id;                  /* owned; json null if absent */
	enum ctl_method method;
	json_t *params;              /* owned; an object (empty if absent) */
};

/* Methods that change mifd: only root may call them. */
bool ctlmsg_method_writes(enum ctl_method m);
const char *ctlmsg_method_name(enum ctl_method m);

/*
 * Parse one request line (without its newline). On error returns a negative
 * errno (-EINVAL bad JSON or shape, -EOPNOTSUPP unknown method, -EMSGSIZE
 * too long) with *errmsg set to a static explanation, and *id_out set to the
 * request's id if one could be read (else NULL) so the reply can carry it.
 */
int ctlmsg_parse_request(const char *line, size_t len, struct ctl_request *out,
			 json_t **id_out, const char **errmsg);
void ctlmsg_request_free(struct ctl_request *r);

/* Validated parameter getters: -EINVAL with *errmsg when wrong. */
int ctlmsg_param_string(const struct ctl_request *r, const char *key, bool required,
			const char **out, const char **errmsg);

/* Replies and events, as newline-terminated strings to free(). */
char *ctlmsg_reply_ok(json_t *id, json_t *result);          /* steals result */
char *ctlmsg_reply_error(json_t *id, int err, const char *message);
char *ctlmsg_event(const char *name, json_t *pvd);           /* borrows pvd */

/* Short symbolic name for an errno value ("EPERM"), or "EIO". */
const char *ctlmsg_errno_name(int err);

#endif

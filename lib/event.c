/* SPDX-License-Identifier: MIT */
/* libmif: PvD events, decoded (mif_event_subscribe(), mif_event_next();
 * doc/control-protocol.md, "Events"). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pvd_priv.h"

static const char *const mif_event_names[] = {
	[MIF_EVENT_PVD_ADDED] = "pvd-added",
	[MIF_EVENT_PVD_CHANGED] = "pvd-changed",
	[MIF_EVENT_PVD_REMOVED] = "pvd-removed",
	[MIF_EVENT_DEFAULT_CHANGED] = "default-changed",
	[MIF_EVENT_POLICY_CHANGED] = "policy-changed",
};

/* The kinds a program built before policy-changed existed knows: it gets
 * no other from mif_event_subscribe(). */
#define MIF_EVENT_KINDS_DEFAULT (1u << MIF_EVENT_PVD_ADDED | 1u << MIF_EVENT_PVD_CHANGED | \
				 1u << MIF_EVENT_PVD_REMOVED | 1u << MIF_EVENT_DEFAULT_CHANGED)

MIF_EXPORT int mif_event_subscribe(struct mif_ctl *c, char *err, size_t errlen)
{
	return mif_event_subscribe_kinds(c, MIF_EVENT_KINDS_DEFAULT, err, errlen);
}

MIF_EXPORT int mif_event_subscribe_kinds(struct mif_ctl *c, unsigned kinds, char *err,
					 size_t errlen)
{
	json_t *res = NULL, *ev;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!kinds || kinds & ~((2u << MIF_EVENT_POLICY_CHANGED) - 2u))
		return mif_priv_err(err, errlen, -EINVAL, "no kind of event, or an unknown one");
	ev = json_array();
	for (int k = MIF_EVENT_PVD_ADDED; k <= MIF_EVENT_POLICY_CHANGED; k++)
		if (kinds & 1u << k)
			json_array_append_new(ev, json_string(mif_event_names[k]));
	r = mif_priv_call(c, "subscribe", json_pack("{s:o}", "events", ev), &res,
			  MIF_PRIV_CALL_MS, err, errlen);
	if (r < 0)
		return r;
	r = json_is_array(json_object_get(res, "events")) ? 0 : -EPROTO;
	json_decref(res);
	if (r < 0)
		return mif_priv_err(err, errlen, r, "mifd's answer to subscribe is not valid "
				    "protocol");
	return 0;
}

/* {"family", "handle", "id"|null, "previous"} of default-changed. */
static int mif_event_default(json_t *p, struct mif_event *ev)
{
	const char *fam = json_string_value(json_object_get(p, "family"));
	json_t *h = json_object_get(p, "handle"), *prev = json_object_get(p, "previous");
	json_t *id = json_object_get(p, "id");
	const char *s = json_string_value(id);

	if (!fam || !json_is_integer(h) || json_integer_value(h) < 0 ||
	    (prev && (!json_is_integer(prev) || json_integer_value(prev) < 0)) ||
	    (id && !json_is_null(id) && (!s || strlen(s) >= sizeof(ev->pvd.id))))
		return -EPROTO;
	if (!strcmp(fam, "ipv4"))
		ev->family = AF_INET;
	else if (!strcmp(fam, "ipv6"))
		ev->family = AF_INET6;
	else
		return -EPROTO;
	ev->pvd.handle = (mif_pvd_handle)json_integer_value(h);
	ev->previous = prev ? (mif_pvd_handle)json_integer_value(prev) : 0;
	if (s)
		strcpy(ev->pvd.id, s);
	ev->pvd.default_v4 = ev->pvd.handle && ev->family == AF_INET;
	ev->pvd.default_v6 = ev->pvd.handle && ev->family == AF_INET6;
	return 0;
}

/* {"order": [{"handle", "id"}...], "previous": [...]} of policy-changed:
 * the first of each (the policy's choice for any flow, before and now). */
static int mif_event_policy(json_t *p, struct mif_event *ev)
{
	json_t *order = json_object_get(p, "order"), *prev = json_object_get(p, "previous");
	json_t *first = json_array_get(order, 0), *was = json_array_get(prev, 0);
	const char *id = json_string_value(json_object_get(first, "id"));
	json_t *h = json_object_get(first, "handle"), *ph = json_object_get(was, "handle");

	if (!json_is_array(order) || !json_is_array(prev) || (first && !json_is_integer(h)) ||
	    (was && !json_is_integer(ph)) || (id && strlen(id) >= sizeof(ev->pvd.id)))
		return -EPROTO;
	ev->pvd.handle = first ? (mif_pvd_handle)json_integer_value(h) : 0;
	ev->previous = was ? (mif_pvd_handle)json_integer_value(ph) : 0;
	if (id)
		strcpy(ev->pvd.id, id);
	return 0;
}

/* {"id", "handle", "explicit"} of pvd-removed: what mif_priv_pvd_info()
 * reads of it. */
static int mif_event_decode(json_t *o, struct mif_event *ev)
{
	const char *name = json_string_value(json_object_get(o, "event"));
	json_t *p = json_object_get(o, "pvd");
	int k;

	memset(ev, 0, sizeof(*ev));
	if (!name || !json_is_object(p))
		return -EPROTO;
	for (k = MIF_EVENT_PVD_ADDED; k <= MIF_EVENT_POLICY_CHANGED; k++)
		if (!strcmp(name, mif_event_names[k]))
			break;
	if (k > MIF_EVENT_POLICY_CHANGED)
		return -ENOMSG;                /* a newer mifd's event: skipped */
	ev->kind = (enum mif_event_kind)k;
	if (k == MIF_EVENT_DEFAULT_CHANGED)
		return mif_event_default(p, ev);
	if (k == MIF_EVENT_POLICY_CHANGED)
		return mif_event_policy(p, ev);
	return mif_priv_pvd_info(p, &ev->pvd);
}

MIF_EXPORT int mif_event_next(struct mif_ctl *c, struct mif_event *ev, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;

	if (!c || !ev)
		return -EINVAL;
	for (;;) {
		char *line = NULL;
		json_t *o;
		int r = mif_ctl_next_event(c, &line, mif_priv_left(deadline));

		if (r < 0)
			return r;
		o = json_loads(line, 0, NULL);
		free(line);
		r = o ? mif_event_decode(o, ev) : -EPROTO;
		json_decref(o);
		if (r != -ENOMSG)
			return r;
	}
}

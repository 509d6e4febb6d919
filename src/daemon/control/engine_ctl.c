/* SPDX-License-Identifier: MIT */
/*
 * The control requests that read or change the engine's state, answered
 * in the engine process. The control socket (control.c, in the
 * network-facing process) has already parsed the line and checked that a
 * request that changes mifd comes from root; it forwards the method and
 * its params (MSG_CTL_CALL) and relays the answer (MSG_CTL_RESULT).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cfgval.h"
#include "daemon/core/caps.h"
#include "daemon/engine/engine_priv.h"
#include "proto/ctlmsg.h"

static const char *ec_param(json_t *params, const char *key)
{
	return json_string_value(json_object_get(params, key));
}

/* pvd.add / pvd.set / pvd.del: the engine validates everything first and
 * names the bad field; nothing changes on error. */
static void ec_pvd_edit(struct engine *e, uint32_t token, enum ctl_method m, uid_t uid,
			json_t *params)
{
	const char *id = ec_param(params, "id");
	char err[320] = "";
	json_t *out;
	int r;

	if (m == CTL_PVD_DEL) {
		if (!id) {
			engine_net_result(e, token, -EINVAL, NULL, "\"id\" is required");
			return;
		}
		r = engine_pvd_del(e, id, err, sizeof(err));
		if (r == 0)
			log_info("PvD %s deleted by uid %u", id, (unsigned)uid);
		engine_net_result(e, token, r, r < 0 ? NULL : json_pack("{s:s}", "id", id), err);
		return;
	}
	r = m == CTL_PVD_ADD ? engine_pvd_add(e, params, err, sizeof(err)) :
			       engine_pvd_set(e, params, err, sizeof(err));
	if (r < 0) {
		engine_net_result(e, token, r, NULL, err);
		return;
	}
	id = ec_param(params, "id");
	log_info("PvD %s %s by uid %u", id, m == CTL_PVD_ADD ? "added" : "changed", (unsigned)uid);
	if (engine_pvd_get_json(e, id, &out) < 0)
		out = json_pack("{s:s}", "id", id);
	engine_net_result(e, token, 0, out, NULL);
}

/* link.set {"interface": NAME, "dhcp4": true|false} */
static void ec_link_set(struct engine *e, uint32_t token, uid_t uid, json_t *params)
{
	const char *ifname = ec_param(params, "interface");
	json_t *on = json_object_get(params, "dhcp4");

	if (!ifname) {
		engine_net_result(e, token, -EINVAL, NULL, "\"interface\" is required");
		return;
	}
	if (!cfg_ifname_ok(ifname)) {
		engine_net_result(e, token, -EINVAL, NULL, "\"interface\": not an interface name");
		return;
	}
	if (!json_is_boolean(on)) {
		engine_net_result(e, token, -EINVAL, NULL, "\"dhcp4\" must be true or false");
		return;
	}
	if (engine_dhcp4_set(e, ifname, json_is_true(on)) < 0) {
		engine_net_result(e, token, -ENOSPC, NULL, "too many DHCPv4 interfaces");
		return;
	}
	log_info("DHCPv4 %s on %s by uid %u", json_is_true(on) ? "on" : "off", ifname,
		 (unsigned)uid);
	engine_net_result(e, token, 0, json_pack("{s:s,s:O}", "interface", ifname, "dhcp4", on),
			  NULL);
}

static void ec_route_get(struct engine *e, uint32_t token, json_t *params)
{
	char err[800] = "";
	uint32_t ours;
	int r = engine_route_get(e, params, &ours, err, sizeof(err));

	if (r < 0) {
		engine_net_result(e, token, r, NULL, err);
		return;
	}
	/* Both tables have ROUTE_MAX_LOOKUPS-sized room and the engine
	 * answers every lookup within its deadline; this cannot fill up
	 * unless that breaks, and then the caller hears ETIMEDOUT. */
	if (engine_net_route_token(e, ours, token) < 0)
		log_warn("control: no room to remember route.get %u", token);
}

/* "net_admin net_raw" as ["net_admin", "net_raw"] */
static json_t *ec_caps(const char *text)
{
	json_t *a = json_array();
	char buf[sizeof(((struct msg_proc_info *)0)->caps)], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", text);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		json_array_append_new(a, json_string(w));
	return a;
}

/* The engine's status, with the parent's and the engine's own process
 * (control.c adds the network-facing one). "capabilities" are the
 * parent's: what mifd as a whole holds. */
static json_t *ec_status(struct engine *e)
{
	json_t *s = engine_status_json(e), *procs = json_object();

	json_object_set_new(procs, "parent", json_pack("{s:i,s:i,s:o}", "pid", e->parent.pid,
		"uid", (int)e->parent.uid, "capabilities", ec_caps(e->parent.caps)));
	json_object_set_new(procs, "engine", json_pack("{s:i,s:i,s:o,s:o}", "pid",
		(int)getpid(), "uid", (int)getuid(), "capabilities", caps_json(),
		"channel", engine_net_status_json(e)));
	json_object_set_new(s, "processes", procs);
	/* The bind socket's counters (the parent's, MSG_BIND_STATS). */
	json_object_set_new(s, "bind", json_pack("{s:I,s:I,s:I}",
		"requests", (json_int_t)e->binds.requests, "bound", (json_int_t)e->binds.bound,
		"refused", (json_int_t)e->binds.refused));
	json_object_set_new(s, "steering", engine_steer_json(e));
	json_object_set_new(s, "capabilities", ec_caps(e->parent.caps));
	json_object_set_new(s, "pid", json_integer(e->parent.pid));
	return s;
}

void engine_ctl_call(struct engine *e, uint32_t token, unsigned method, uid_t uid,
		     json_t *params)
{
	enum ctl_method m = (enum ctl_method)method;
	const char *id;
	char err[640] = "";
	json_t *out = NULL;
	int r;

	switch (m) {
	case CTL_PVD_LIST:
		engine_net_result(e, token, 0, json_pack("{s:o}", "pvds", engine_pvd_list_json(e)),
				  NULL);
		return;
	case CTL_PVD_GET:
		if (!(id = ec_param(params, "id"))) {
			engine_net_result(e, token, -EINVAL, NULL, "\"id\" is required");
			return;
		}
		r = engine_pvd_get_json(e, id, &out);
		engine_net_result(e, token, r, out, "no such PvD");
		return;
	case CTL_STATUS:
		engine_net_result(e, token, 0, ec_status(e), NULL);
		return;
	case CTL_LOG_SET: {
		int l = log_level_parse(ec_param(params, "level") ? ec_param(params, "level") : "");
		uint32_t lvl;

		if (l < 0) {
			engine_net_result(e, token, -EINVAL, NULL, "unknown level");
			return;
		}
		log_set_level((enum log_level)l);
		lvl = (uint32_t)l;
		engine_send(e, MSG_LOG_LEVEL, &lvl, sizeof(lvl));
		engine_net_result(e, token, 0, json_object(), NULL);
		return;
	}
	case CTL_PVD_ADD:
	case CTL_PVD_SET:
	case CTL_PVD_DEL:
		ec_pvd_edit(e, token, m, uid, params);
		return;
	case CTL_LINK_SET:
		ec_link_set(e, token, uid, params);
		return;
	case CTL_ROUTE_GET:
		ec_route_get(e, token, params);
		return;
	case CTL_DNS_WHICH:
		r = engine_dns_which(e, params, &out, err, sizeof(err));
		engine_net_result(e, token, r, out, err);
		return;
	case CTL_DNS_LIST:
		engine_net_result(e, token, 0, engine_dns_list(e), NULL);
		return;
	case CTL_POLICY_EXPLAIN:
	case CTL_POLICY_SHOW:
	case CTL_POLICY_RELOAD:
		engine_policy_ctl(e, token, m, params);
		return;
	case CTL_STEER_SET:
	case CTL_STEER_SHOW:
		engine_steer_ctl(e, token, m, params);
		return;
	default:
		break;
	}
	engine_net_result(e, token, -EOPNOTSUPP, NULL, "not a request for the engine");
}

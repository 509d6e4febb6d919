/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for what the engine sends across the process split:
 * the network-facing process's view (control/netview.c, MSG_VIEW_* and
 * the answers and events in pieces) and the parent's bind table
 * (bind/bind_table.c, MSG_BIND_*). The input is a sequence of messages,
 * each [type: 1 byte][length: 2 bytes][payload], the type picked from the
 * ones these two take. No crash, no out-of-bounds read; whatever arrives,
 * the view's accessors and the bind table's lookup stay consistent. */
#include <errno.h>
#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/bind/bind_table.h"
#include "daemon/control/netview.h"
#include "daemon/core/msg.h"
#include "daemon/dns/dns_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t fuzz_view_types[] = {
	MSG_VIEW_BEGIN, MSG_VIEW_PVD, MSG_VIEW_ITEM, MSG_VIEW_PLAN, MSG_VIEW_END,
	MSG_CTL_RESULT, MSG_CTL_EVENT, MSG_BIND_BEGIN, MSG_BIND_ENTRY, MSG_BIND_END,
};

static size_t fuzz_view_size(uint32_t type)
{
	switch (type) {
	case MSG_VIEW_BEGIN:
		return sizeof(struct msg_view_begin);
	case MSG_VIEW_PVD:
		return sizeof(struct msg_view_pvd);
	case MSG_VIEW_ITEM:
		return sizeof(struct msg_view_item);
	case MSG_VIEW_PLAN:
		return sizeof(struct dns_plan_pvd);
	case MSG_VIEW_END:
		return sizeof(struct msg_view_end);
	case MSG_BIND_BEGIN:
		return sizeof(struct msg_bind_begin);
	case MSG_BIND_ENTRY:
		return sizeof(struct bind_info);
	}
	return 0;
}

static void fuzz_view_result(void *ctx, uint32_t token, int err, json_t *result,
			     const char *msg)
{
	(void)ctx;
	(void)token;
	if (err < 0 && !msg)
		abort();                 /* an error always says why */
	json_decref(result);
}

static void fuzz_view_check(struct netview *nv, const struct bind_table *t)
{
	static struct dns_plan_pvd plan[MSG_VIEW_MAX_PLANS];
	const struct pvd *p;
	struct bind_info in;
	char err[320], search[1024];
	size_t n;

	if (netview_dns_plan(nv, plan, MSG_VIEW_MAX_PLANS, &n) < 0 || n > MSG_VIEW_MAX_PLANS)
		abort();
	for (size_t i = 0; i < n; i++)
		if (plan[i].n_servers > DNS_PLAN_MAX_SERVERS)
			abort();
	if (netview_dns_search(nv, search, sizeof(search)) >= sizeof(search))
		abort();
	TAILQ_FOREACH(p, &netview_store(nv)->pvds, e)
		if (netview_pvd_handle(nv, p->id) == 0 || !memchr(p->id, '\0', sizeof(p->id)))
			abort();
	for (size_t i = 0; i < t->n; i++)
		if (bind_table_lookup(t, t->v[i].id, &in, err, sizeof(err)) == -EINVAL &&
		    t->v[i].id[0])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	static struct ipc_msg m;
	struct bind_table t;
	struct netview *nv;
	int fds[2];

	if (!base) {
		log_set_level(LOG_LVL_ERR);
		base = event_base_new();
	}
	if (ipc_pair(fds) < 0)
		return 0;
	nv = netview_new(base, fds[1]);
	if (!nv) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	netview_set_result_cb(nv, fuzz_view_result, NULL);
	bind_table_init(&t);
	while (size >= 3) {
		size_t len = (size_t)data[1] << 8 | data[2];

		m.hdr.type = fuzz_view_types[data[0] % (sizeof(fuzz_view_types) / sizeof(uint32_t))];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > 4096)
			len = 4096;
		/* Type byte without its high bit: the payload is padded or cut
		 * to the exact size of the type's struct, so well-formed messages
		 * are within reach of a small input; with it, the length is raw. */
		memset(m.data, 0, 4096);
		memcpy(m.data, data, len);
		m.hdr.len = (uint32_t)len;
		if (!(data[-3] & 0x80) && fuzz_view_size(m.hdr.type))
			m.hdr.len = (uint32_t)fuzz_view_size(m.hdr.type);
		if (m.hdr.type >= MSG_BIND_BEGIN && m.hdr.type <= MSG_BIND_END)
			bind_table_msg(&t, &m);
		else
			netview_take(nv, &m);
		data += len;
		size -= len;
	}
	fuzz_view_check(nv, &t);
	bind_table_free(&t);
	netview_free(nv);
	close(fds[0]);
	close(fds[1]);
	return 0;
}

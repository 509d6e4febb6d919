/* SPDX-License-Identifier: MIT */
#include "daemon/bind/bind_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/core/msg.h"
#include "proto/dname.h"

void bind_table_init(struct bind_table *t)
{
	memset(t, 0, sizeof(*t));
}

void bind_table_free(struct bind_table *t)
{
	free(t->v);
	free(t->next);
	bind_table_init(t);
}

static int bt_fail(struct bind_table *t)
{
	t->building = false;
	t->malformed++;
	return -EBADMSG;
}

static int bt_begin(struct bind_table *t, const struct ipc_msg *m)
{
	const struct msg_bind_begin *b = (const void *)m->data;

	if (ipc_expect(m, sizeof(*b)) < 0 || b->n > BIND_TABLE_MAX ||
	    !memchr(b->error, '\0', sizeof(b->error)))
		return bt_fail(t);
	free(t->next);
	t->next = b->n ? calloc(b->n, sizeof(*t->next)) : NULL;
	if (b->n && !t->next)
		return bt_fail(t);
	t->want = b->n;
	t->n_next = 0;
	t->next_routing = b->routing != 0;
	snprintf(t->next_error, sizeof(t->next_error), "%s", b->error);
	t->building = true;
	return 0;
}

static int bt_entry(struct bind_table *t, const struct ipc_msg *m)
{
	const struct bind_info *in = (const void *)m->data;

	if (!t->building || ipc_expect(m, sizeof(*in)) < 0 || t->n_next == t->want ||
	    !memchr(in->id, '\0', sizeof(in->id)))
		return bt_fail(t);
	t->next[t->n_next++] = *in;
	return 0;
}

int bind_table_msg(struct bind_table *t, const struct ipc_msg *m)
{
	switch (m->hdr.type) {
	case MSG_BIND_BEGIN:
		return bt_begin(t, m);
	case MSG_BIND_ENTRY:
		return bt_entry(t, m);
	case MSG_BIND_END:
		if (!t->building || ipc_expect(m, 0) < 0 || t->n_next != t->want)
			return bt_fail(t);
		free(t->v);
		t->v = t->next;
		t->n = t->n_next;
		t->next = NULL;
		t->n_next = t->want = 0;
		t->routing = t->next_routing;
		snprintf(t->error, sizeof(t->error), "%s", t->next_error);
		t->building = false;
		t->tables++;
		return 0;
	}
	return bt_fail(t);
}

/* As pvd_find(): an explicit PvD's id is a name (compared as one), an
 * implicit one's is compared exactly, and a number is a handle. */
static const struct bind_info *bt_find(const struct bind_table *t, const char *id)
{
	char *end;
	unsigned long long h = strtoull(id, &end, 10);

	for (size_t i = 0; i < t->n; i++) {
		const struct bind_info *in = &t->v[i];

		if (in->explicit_ ? dname_equal(in->id, id) : strcmp(in->id, id) == 0)
			return in;
		if (*end == '\0' && in->handle == h)
			return in;
	}
	return NULL;
}

int bind_table_lookup(const struct bind_table *t, const char *id,
		      struct bind_info *out, char *err, size_t errlen)
{
	const struct bind_info *in;

	if (!id || !*id || strlen(id) >= PVD_ID_MAX)
		return snprintf(err, errlen, "pvd: a PvD id or handle is required"), -EINVAL;
	in = bt_find(t, id);
	if (!in)
		return snprintf(err, errlen, "no PvD \"%.200s\"", id), -ENOENT;
	if (!t->routing)
		return snprintf(err, errlen, "routing is off%s%.190s", t->error[0] ? ": " : "",
				t->error), -EOPNOTSUPP;
	if (!in->table)
		return snprintf(err, errlen, "PvD %.200s has no routing table (no routes, "
				"or out of tables)", in->id), -ENETUNREACH;
	*out = *in;
	return 0;
}

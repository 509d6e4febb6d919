/* SPDX-License-Identifier: MIT */
/* libmif: the PvDs mifd knows (include/mif/pvd.h), and the helpers the
 * other application calls share (pvd_priv.h). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "pvd_priv.h"

int mif_priv_err(char *err, size_t len, int e, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return e;
}

int mif_priv_unix_connect(int fd, const struct sockaddr_un *sun, long long deadline)
{
	int pause = 5, fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	while (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0) {
		long long left = deadline - clock_mono_ms();

		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (left <= 0)
			return -ETIMEDOUT;
		poll(NULL, 0, pause < left ? pause : (int)left);
		pause = pause < 50 ? pause * 2 : 100;
	}
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

void mif_priv_fd_msg(struct msghdr *m, struct iovec *iov, union mif_priv_fdbuf *cb, int fd)
{
	struct cmsghdr *h;

	memset(cb, 0, sizeof(*cb));
	*m = (struct msghdr){ .msg_iov = iov, .msg_iovlen = 1, .msg_control = cb->b,
			      .msg_controllen = sizeof(cb->b) };
	h = CMSG_FIRSTHDR(m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
}

int mif_priv_bind_reply(const char *buf, size_t n, bool truncated, char *err, size_t errlen)
{
	json_t *o = truncated ? NULL : json_loadb(buf, n, 0, NULL);
	json_t *ok = json_object_get(o, "ok");
	json_int_t en = json_integer_value(json_object_get(o, "errno"));
	const char *msg = json_string_value(json_object_get(o, "error"));
	int r;

	if (json_is_true(ok) && json_is_string(json_object_get(o, "pvd")))
		r = 0;
	else if (json_is_false(ok) && en > 0 && en <= 4095)
		r = mif_priv_err(err, errlen, -(int)en, "%s", msg ? msg : strerror((int)en));
	else
		r = mif_priv_err(err, errlen, -EPROTO, "mifd's bind reply is not valid protocol");
	json_decref(o);
	return r;
}

int mif_priv_left(long long deadline)
{
	long long left;

	if (deadline < 0)
		return -1;
	left = deadline - clock_mono_ms();
	return left < 0 ? 0 : left > 3600000 ? 3600000 : (int)left;
}

void mif_priv_handle_text(mif_pvd_handle h, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, h);
}

/* A sentence for a failed call that mifd did not explain. */
static int mif_pvd_call_err(int r, const char *method, int timeout_ms, char *err, size_t errlen)
{
	if (r == -ECONNRESET)
		return mif_priv_err(err, errlen, r, "mifd closed the connection (it stopped or "
				    "restarted: open a new one)");
	if (r == -ETIMEDOUT)
		return mif_priv_err(err, errlen, r, "mifd did not answer %s within %d ms", method,
				    timeout_ms);
	if (r == -EPROTO)
		return mif_priv_err(err, errlen, r, "mifd's answer to %s is not valid protocol",
				    method);
	return mif_priv_err(err, errlen, r, "%s: %s", method, strerror(-r));
}

int mif_priv_call_send(struct mif_ctl *c, const char *method, json_t *params, long long *id,
		       char *err, size_t errlen)
{
	char *p = NULL;
	int r;

	if (!c) {
		json_decref(params);
		return mif_priv_err(err, errlen, -EINVAL, "no connection to mifd");
	}
	if (params) {
		p = json_dumps(params, JSON_COMPACT);
		json_decref(params);
		if (!p)
			return mif_priv_err(err, errlen, -ENOMEM, "out of memory");
	}
	r = mif_priv_send(c, method, p, id);
	free(p);
	return r < 0 ? mif_pvd_call_err(r, method, 0, err, errlen) : 0;
}

int mif_priv_call_recv(struct mif_ctl *c, const char *method, long long id, long long deadline,
		       json_t **result, char *err, size_t errlen)
{
	char *res = NULL, *msg = NULL;
	int timeout_ms = deadline < 0 ? -1 : mif_priv_left(deadline);
	json_t *o;
	int r = mif_priv_recv(c, id, deadline, &res, &msg);

	if (r == -EAGAIN)
		return r;                  /* MIF_PRIV_NOWAIT: not yet */
	if (r < 0 && msg)
		mif_priv_err(err, errlen, r, "%s", msg);
	else if (r < 0)
		mif_pvd_call_err(r, method, timeout_ms, err, errlen);
	free(msg);
	if (r < 0)
		return r;
	o = json_loads(res, JSON_DECODE_ANY, NULL);
	free(res);
	if (!json_is_object(o)) {
		json_decref(o);
		return mif_pvd_call_err(-EPROTO, method, timeout_ms, err, errlen);
	}
	*result = o;
	return 0;
}

int mif_priv_call(struct mif_ctl *c, const char *method, json_t *params, json_t **result,
		  int timeout_ms, char *err, size_t errlen)
{
	long long id, deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
	int r = mif_priv_call_send(c, method, params, &id, err, errlen);

	return r < 0 ? r : mif_priv_call_recv(c, method, id, deadline, result, err, errlen);
}

/* Copy a string field into buf; absent is "", a wrong type or a string
 * that does not fit is -EPROTO. */
static int mif_pvd_str(json_t *v, char *buf, size_t len, bool required)
{
	const char *s = json_string_value(v);

	buf[0] = '\0';
	if (!v || json_is_null(v))
		return required ? -EPROTO : 0;
	if (!s || strlen(s) >= len)
		return -EPROTO;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* The length of an optional array field; -EPROTO if it is not one. */
static long mif_pvd_count(json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	return json_is_array(v) ? (long)json_array_size(v) : -EPROTO;
}

static int mif_pvd_kind(json_t *o, struct mif_pvd_info *out)
{
	json_t *ex = json_object_get(o, "explicit");
	const char *src = json_string_value(json_object_get(o, "source"));

	if (ex && !json_is_boolean(ex))
		return -EPROTO;
	if (json_is_true(ex))
		strcpy(out->kind, "explicit");
	else if (src && (!strcmp(src, "static") || !strcmp(src, "api")))
		strcpy(out->kind, src);
	else
		strcpy(out->kind, "implicit");
	return 0;
}

static int mif_pvd_ifaces(json_t *a, struct mif_pvd_info *out)
{
	json_t *v;
	size_t i;

	if (mif_pvd_count(a) < 0)
		return -EPROTO;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return -EPROTO;
		if (out->n_interfaces < MIF_PVD_MAX_IFACES &&
		    mif_pvd_str(v, out->interfaces[out->n_interfaces], sizeof(out->interfaces[0]),
				true) == 0)
			out->n_interfaces++;
	}
	return 0;
}

int mif_priv_pvd_info(json_t *o, struct mif_pvd_info *out)
{
	json_t *h = json_object_get(o, "handle"), *dns, *cp;
	long na, nd;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || !json_is_integer(h) || json_integer_value(h) <= 0)
		return -EPROTO;
	out->handle = (mif_pvd_handle)json_integer_value(h);
	if (mif_pvd_str(json_object_get(o, "id"), out->id, sizeof(out->id), true) < 0 ||
	    !out->id[0] || mif_pvd_kind(o, out) < 0 ||
	    mif_pvd_ifaces(json_object_get(o, "interfaces"), out) < 0)
		return -EPROTO;
	dns = json_object_get(o, "dns");
	if (dns && !json_is_null(dns) && !json_is_object(dns))
		return -EPROTO;
	na = mif_pvd_count(json_object_get(o, "addresses"));
	nd = mif_pvd_count(json_object_get(dns, "servers"));
	cp = json_object_get(o, "captive_portal");
	if (na < 0 || nd < 0 || (cp && !json_is_null(cp) && !json_is_string(cp)))
		return -EPROTO;
	out->n_addresses = (size_t)na;
	out->n_dns = (size_t)nd;
	out->captive_portal = json_is_string(cp) && *json_string_value(cp);
	return 0;
}

/* Does status's .routing.default.<fam> text ("ID: why" or "ID on IF:
 * why", see route_plan_default.c) name id? */
static bool mif_pvd_names(json_t *def, const char *fam, const char *id)
{
	const char *s = json_string_value(json_object_get(def, fam));
	size_t n = strlen(id);

	if (!s || strncmp(s, id, n) != 0)
		return false;
	return !strncmp(s + n, ": ", 2) || !strncmp(s + n, " on ", 4);
}

/*
 * Mark the routing defaults among list[0..n). mifd's status names them in
 * .routing.default.ipv4/.ipv6 as text starting with the PvD id followed
 * by ": " or " on "; absent or null when routing is off or no PvD has a
 * default route.
 */
static int mif_pvd_defaults(struct mif_ctl *c, struct mif_pvd_info *list, size_t n, char *err,
			    size_t errlen)
{
	json_t *st = NULL, *def;
	int r = mif_priv_call(c, "status", NULL, &st, MIF_PRIV_CALL_MS, err, errlen);

	if (r < 0)
		return r;
	def = json_object_get(json_object_get(st, "routing"), "default");
	for (size_t i = 0; json_is_object(def) && i < n; i++) {
		list[i].default_v4 = mif_pvd_names(def, "ipv4", list[i].id);
		list[i].default_v6 = mif_pvd_names(def, "ipv6", list[i].id);
	}
	json_decref(st);
	return 0;
}

MIF_EXPORT int mif_pvd_list(struct mif_ctl *c, struct mif_pvd_info *out, size_t cap, size_t *n,
			    char *err, size_t errlen)
{
	json_t *res = NULL, *a, *v;
	size_t i;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!n || (cap && !out))
		return mif_priv_err(err, errlen, -EINVAL, "no place for the list");
	*n = 0;
	r = mif_priv_call(c, "pvd.list", NULL, &res, MIF_PRIV_CALL_MS, err, errlen);
	if (r < 0)
		return r;
	a = json_object_get(res, "pvds");
	if (!json_is_array(a)) {
		json_decref(res);
		return mif_priv_err(err, errlen, -EPROTO, "mifd's PvD list has no \"pvds\" array");
	}
	json_array_foreach(a, i, v) {
		struct mif_pvd_info tmp;

		if (mif_priv_pvd_info(v, i < cap ? &out[i] : &tmp) < 0) {
			json_decref(res);
			return mif_priv_err(err, errlen, -EPROTO, "mifd's PvD list: entry %zu is "
					    "not a valid PvD", i);
		}
	}
	*n = json_array_size(a);
	json_decref(res);
	return mif_pvd_defaults(c, out, *n < cap ? *n : cap, err, errlen);
}

MIF_EXPORT int mif_pvd_get(struct mif_ctl *c, const char *pvd, struct mif_pvd_info *out,
			   char *err, size_t errlen)
{
	json_t *res = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!pvd || !*pvd || !out || !(res = json_pack("{s:s}", "id", pvd)))
		return mif_priv_err(err, errlen, -EINVAL, "no PvD given, or not valid UTF-8");
	r = mif_priv_call(c, "pvd.get", res, &res, MIF_PRIV_CALL_MS, err, errlen);
	if (r < 0)
		return r;
	r = mif_priv_pvd_info(res, out);
	json_decref(res);
	if (r < 0)
		return mif_priv_err(err, errlen, -EPROTO, "mifd's answer for PvD \"%s\" is not a "
				    "valid PvD", pvd);
	return mif_pvd_defaults(c, out, 1, err, errlen);
}

/* SPDX-License-Identifier: MIT */
#include "proto/nl_attr.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

/*
 * Walk the attributes within nlmsg_len itself. Not mnl_attr_parse(): it
 * bounds the walk by the aligned length, up to 3 bytes past an unaligned
 * message, and silently stops at an attribute that does not fit, so a
 * truncated attribute was ignored instead of refused.
 */
int nl_attr_collect(const struct nlmsghdr *nlh, size_t hdrlen, struct nl_tb *t, int max)
{
	const uint8_t *p = (const uint8_t *)nlh + NLMSG_SPACE(hdrlen);
	size_t left;

	memset(t, 0, sizeof(*t));
	t->max = max;
	if (nlh->nlmsg_len < NLMSG_SPACE(hdrlen))
		return -EBADMSG;
	left = nlh->nlmsg_len - NLMSG_SPACE(hdrlen);
	while (left > 0) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t step;
		int type;

		/* Stray bytes, or an attribute shorter than its header or
		 * running past the message. */
		if (left < sizeof(*a) || (size_t)a->nla_len < sizeof(*a) || a->nla_len > left)
			return -EBADMSG;
		type = mnl_attr_get_type(a);
		if (type <= t->max && type < 64)
			t->tb[type] = a;
		/* The last attribute's padding may be missing. */
		step = MNL_ALIGN((size_t)a->nla_len);
		if (step > left)
			step = left;
		p += step;
		left -= step;
	}
	return 0;
}

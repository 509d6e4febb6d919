/* SPDX-License-Identifier: MIT */
/* Netlink attributes collected by type, for the parsers of src/proto/
 * (rtnetlink in nl.c, sock_diag in sockdiag.c). */
#ifndef MIF_PROTO_NL_ATTR_H
#define MIF_PROTO_NL_ATTR_H

#include <linux/netlink.h>
#include <stddef.h>

/* Collect attributes by type into tb[], rejecting any that is malformed. */
struct nl_tb {
	const struct nlattr *tb[64];
	int max;
};

/* The attributes after a header of hdrlen bytes, within nlmsg_len itself.
 * 0, or -EBADMSG for a message shorter than its header or an attribute
 * that does not fit. */
int nl_attr_collect(const struct nlmsghdr *nlh, size_t hdrlen, struct nl_tb *t, int max);

#endif

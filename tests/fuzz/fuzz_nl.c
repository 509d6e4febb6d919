/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the rtnetlink parsers: walk the input as one recv()
 * buffer with nl_next() and hand every message to the parser for its type,
 * then to all three parsers regardless of type. No crash, no out-of-bounds
 * read, the walk always ends, and on success every invariant a consumer
 * relies on holds. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed link has a positive index and a terminated name. */
static int fuzz_nl_link_ok(const struct nl_link *l)
{
	return l->ifindex > 0 && memchr(l->name, '\0', sizeof(l->name)) != NULL &&
	       l->hwlen <= sizeof(l->hwaddr);
}

static int fuzz_nl_plen_ok(uint8_t family, uint8_t plen)
{
	return (family == AF_INET && plen <= 32) || (family == AF_INET6 && plen <= 128);
}

static void fuzz_nl_one(const struct nlmsghdr *nlh)
{
	struct nl_link l;
	struct nl_addr a;
	struct nl_route r;
	int rl = nl_parse_link(nlh, &l);
	int ra = nl_parse_addr(nlh, &a);
	int rr = nl_parse_route(nlh, &r);

	/* Each parser either succeeds with sane fields or says why not. */
	if (rl != 0 && rl != -EBADMSG && rl != -EPROTO)
		__builtin_trap();
	if (ra != 0 && ra != -EBADMSG && ra != -EPROTO)
		__builtin_trap();
	if (rr != 0 && rr != -EBADMSG && rr != -EPROTO)
		__builtin_trap();
	if (rl == 0 && !fuzz_nl_link_ok(&l))
		__builtin_trap();
	if (ra == 0 && (a.ifindex <= 0 || !fuzz_nl_plen_ok(a.family, a.plen)))
		__builtin_trap();
	if (rr == 0 && (!fuzz_nl_plen_ok(r.family, r.dst_len) ||
			!fuzz_nl_plen_ok(r.family, r.src_len)))
		__builtin_trap();
	/* At most one parser accepts a message: the types do not overlap. */
	if ((rl == 0) + (ra == 0) + (rr == 0) > 1)
		__builtin_trap();

	/* The parser for its type, as mifd's kernel side dispatches. */
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nl_parse_link(nlh, &l) != rl || ra != -EPROTO || rr != -EPROTO)
			__builtin_trap();
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nl_parse_addr(nlh, &a) != ra || rl != -EPROTO || rr != -EPROTO)
			__builtin_trap();
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (nl_parse_route(nlh, &r) != rr || rl != -EPROTO || ra != -EPROTO)
			__builtin_trap();
		break;
	default:
		if (rl != -EPROTO || ra != -EPROTO || rr != -EPROTO)
			__builtin_trap();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	uint8_t *buf;
	size_t off = 0, prev = 0, n = 0;

	/* An exact-size, suitably aligned copy: a read past the end is caught. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while ((nlh = nl_next(buf, size, &off)) != NULL) {
		/* Always forward, never past the end, never more messages than
		 * headers fit: the walk must end. */
		if (off <= prev || off > size || (const uint8_t *)nlh != buf + prev ||
		    ++n > size / sizeof(struct nlmsghdr))
			__builtin_trap();
		prev = off;
		fuzz_nl_one(nlh);
	}
	free(buf);
	return 0;
}

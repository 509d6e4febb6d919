/* SPDX-License-Identifier: MIT */
#include "common/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void addr_v4_mapped(struct in_addr a, struct in6_addr *ret_addr)
{
	memset(ret_addr, 0, sizeof(*ret_addr));
	ret_addr->s6_addr[10] = 0xff;
	ret_addr->s6_addr[11] = 0xff;
	memcpy(&ret_addr->s6_addr[12], &a, 4);
}

const char *addr_ntop(const struct in6_addr *a, char *buf, size_t len)
{
	if (IN6_IS_ADDR_V4MAPPED(a))
		inet_ntop(AF_INET, &a->s6_addr[12], buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, a, buf, (socklen_t)len);
	return buf;
}

bool addr_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	/* A length past the address would read past it: such a prefix is
	 * corrupt, and matching nothing is the safe answer. */
	if (plen > 128 || memcmp(a->s6_addr, prefix->s6_addr, full) != 0)
		return false;
	if (!rest)
		return true;
	return ((a->s6_addr[full] ^ prefix->s6_addr[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}

void addr_mask(struct in6_addr *a, unsigned plen)
{
	unsigned full = plen / 8;

	if (full >= 16)
		return;
	if (plen % 8)
		a->s6_addr[full++] &= (uint8_t)(0xff00 >> (plen % 8));
	memset(a->s6_addr + full, 0, 16 - full);
}

bool addr_prefix_clean(const struct in6_addr *a, unsigned plen)
{
	struct in6_addr m = *a;

	if (plen > 128)
		return false;
	addr_mask(&m, plen);
	return memcmp(&m, a, sizeof(m)) == 0;
}

int addr_parse(const char *s, struct in6_addr *ret_addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET6, s, &a6) == 1) {
		*ret_addr = a6;
		return AF_INET6;
	}
	if (inet_pton(AF_INET, s, &a4) == 1) {
		addr_v4_mapped(a4, ret_addr);
		return AF_INET;
	}
	return -EINVAL;
}

int addr_prefix_parse(const char *s, struct in6_addr *ret_addr, uint8_t *ret_plen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/'), *d;
	struct in6_addr a;
	unsigned l = 0;
	int fam;

	if (!slash || (size_t)(slash - s) >= sizeof(buf) || !slash[1])
		return -EINVAL;
	/* Digits only: strtoul() would also take " 8", "+8" and "-0". */
	for (d = slash + 1; *d; d++) {
		if (*d < '0' || *d > '9' || l > 128)
			return -EINVAL;
		l = l * 10 + (unsigned)(*d - '0');
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	fam = addr_parse(buf, &a);
	if (fam < 0 || l > (fam == AF_INET ? 32u : 128u))
		return -EINVAL;
	*ret_addr = a;
	*ret_plen = (uint8_t)(fam == AF_INET ? l + 96 : l);
	return fam;
}

int addr_prefix_format(const struct in6_addr *a, unsigned plen, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];
	int w;

	addr_ntop(a, s, sizeof(s));
	if (IN6_IS_ADDR_V4MAPPED(a) && plen >= 96)
		plen -= 96;
	w = snprintf(buf, len, "%s/%u", s, plen);
	return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

void addr_sockaddr(const struct in6_addr *a, uint16_t port, int ifindex,
		   struct sockaddr_storage *ss, unsigned *len)
{
	memset(ss, 0, sizeof(*ss));
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, &a->s6_addr[12], 4);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = *a;
		if (IN6_IS_ADDR_LINKLOCAL(a))
			s6->sin6_scope_id = (uint32_t)ifindex;
		*len = sizeof(*s6);
	}
}

bool addr_sockaddr_same(const struct sockaddr_storage *a, socklen_t a_len,
			const struct sockaddr_storage *b, socklen_t b_len)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return a_len >= sizeof(*x) && b_len >= sizeof(*y) && x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return a_len >= sizeof(*x) && b_len >= sizeof(*y) && x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 &&
		       (!IN6_IS_ADDR_LINKLOCAL(&x->sin6_addr) || x->sin6_scope_id == y->sin6_scope_id);
	}
	return false;
}

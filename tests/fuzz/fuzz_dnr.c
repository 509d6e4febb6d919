/* SPDX-License-Identifier: MIT */
/*
 * DNR options (RFC 9463) as a hostile router or DHCP server may send them:
 * the first octet picks the parser (RA, DHCPv6, DHCPv4, SvcParams), the
 * rest is the option. Never a crash; an error is -EBADMSG; a success has
 * a terminated, non-empty ADN (unless SvcParams alone), addresses within
 * the cap, and a terminated dohpath.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/dnr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fd_check(const struct dnr *d, bool adn)
{
	if (!memchr(d->adn, '\0', sizeof(d->adn)) || (adn && !d->adn[0]) ||
	    d->n_addrs > DNR_MAX_ADDRS || d->n_addrs > d->n_addrs_seen ||
	    !memchr(d->dohpath, '\0', sizeof(d->dohpath)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnr d[4];
	size_t n = 0;
	int r;

	if (size < 1)
		return 0;
	memset(d, 0, sizeof(d));
	switch (data[0] & 3) {
	case 0:
		r = dnr_parse_ra(data + 1, size - 1, &d[0]);
		n = r == 0;
		break;
	case 1:
		r = dnr_parse_dhcp6(data + 1, size - 1, &d[0]);
		n = r == 0;
		break;
	case 2:
		r = dnr_parse_dhcp4(data + 1, size - 1, d, 4, &n);
		break;
	default:
		r = dnr_parse_svcparams(data + 1, size - 1, &d[0]);
		if (r == 0)
			fd_check(&d[0], false);
		n = 0;
		break;
	}
	if (r < 0 && r != -EBADMSG)
		__builtin_trap();
	if (r < 0 && n)
		__builtin_trap();
	for (size_t i = 0; i < n && i < 4; i++)
		fd_check(&d[i], true);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * A DHCPv6 lease as mifd keeps it on disk (state_dir/dhcp6-IFNAME.lease),
 * so that a restart or a link change can Confirm or Rebind it (RFC 8415
 * 18.2.3, 18.2.5, 18.2.12) instead of soliciting a new one. Text, one
 * item per line, the first line a version and the last "end":
 *
 *   mif-dhcp6-lease 1
 *   duid 000300010200000000aa          client DUID (hex)
 *   server-id 0003000102...            server DUID (hex)
 *   server fe80::1                     where the Reply came from
 *   bound 1767225600                   wall clock (Unix seconds) of the Reply
 *   t1 100 / t2 160                    seconds after bound
 *   na 2001:db8::100 200 300           address, preferred, valid (seconds after bound)
 *   pd 2001:db8:1::/56 200 300         delegated prefix, preferred, valid
 *   key 00112233...ff 5                RFC 8415 20.4 reconfigure key, last replay counter
 *   end
 *
 * The file is written by the privileged parent, but the text is made and
 * read here, in the engine: anything not exactly this shape is refused
 * whole (a corrupt file is never half trusted). Pure: no I/O.
 */
#ifndef MIF_PROTO_LEASE6_H
#define MIF_PROTO_LEASE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dhcp6.h"

#define LEASE6_TEXT_MAX 3072

struct lease6 {
	uint8_t duid[DHCP6_MAX_DUID], server_id[DHCP6_MAX_DUID];
	size_t duid_len, server_id_len;
	struct in6_addr server;
	int64_t bound;               /* Unix seconds */
	uint32_t t1, t2;
	size_t n_na, n_pd;
	struct dhcp6_iaaddr na[DHCP6_MAX_IA_ADDRS], pd[DHCP6_MAX_IA_ADDRS];
	bool has_key;
	uint8_t key[DHCP6_RKAP_KEY_LEN];
	uint64_t replay;
};

/* The text of l into buf (NUL-terminated); its length, or -EMSGSIZE. */
int lease6_format(const struct lease6 *l, char *buf, size_t cap);
/* Parse text (len octets, no NUL needed). 0, or -EBADMSG with the
 * 1-based number of the offending line in *line (0: missing end). */
int lease6_parse(const char *text, size_t len, struct lease6 *out, int *line);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * resolv.conf for the stub (doc/resolver.md): "nameserver <the stub>" and
 * every PvD's domains as the search list. Written by the privileged parent
 * (the network-facing process may not write under /run/mif), from the
 * search line the engine sends when it changes (MSG_RESOLV_SEARCH).
 */
#ifndef MIF_DAEMON_RESOLV_CONF_H
#define MIF_DAEMON_RESOLV_CONF_H

#include "daemon/dns/stub.h"

struct resolv_conf {
	struct stub_config cfg;
	char written[1024];          /* what the file holds */
};

/* Make the file's directory, write it with no search list, and point
 * /etc/resolv.conf at it when configured to. Nothing when cfg has no
 * resolv_conf path or the stub is off. */
void resolv_conf_init(struct resolv_conf *rc, const struct stub_config *cfg);
/* Rewrite it (atomically) with this search line ("search a b\n" or ""). */
void resolv_conf_update(struct resolv_conf *rc, const char *search);

#endif

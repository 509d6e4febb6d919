/* SPDX-License-Identifier: MIT */
/* mifd's configuration: defaults, then the INI file, then the command line. */
#ifndef MIF_DAEMON_CONFIG_H
#define MIF_DAEMON_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "daemon/kern/kern.h"
#include "daemon/routing/route_plan.h"
#include "daemon/connectivity/conn.h"
#include "daemon/dns/stub.h"
#include "daemon/ra/slaac.h"
#include "daemon/mobility/mob_config.h"

#define MIFD_DEFAULT_CONFIG MIF_SYSCONFDIR "/mif/mifd.conf"

struct mifd_config {
	char socket[108];
	char ifaces[KERN_MAX_IFACES][IFNAMSIZ];
	size_t n_ifaces;
	enum log_level log_level;
	bool foreground;
	char pvd_dir[256];       /* static PvD files */
	char policy_dir[256];    /* policy files (policy/, doc/policy.md) */
	uint8_t policy_prec[3];  /* enum policy_actor, lowest precedence first */
	char state_dir[256];     /* leases and the address secret (dhcp/lease_store.h) */
	char dhcp4[KERN_MAX_IFACES][IFNAMSIZ];   /* interfaces running DHCPv4 */
	size_t n_dhcp4;
	bool dhcp4_release;      /* RELEASE the lease at a clean stop */
	enum slaac_privacy address_privacy;   /* stable (default), temporary, eui64 */
	char pd_down[KERN_MAX_IFACES][IFNAMSIZ];   /* DHCPv6-PD downstream interfaces */
	size_t n_pd_down;
	struct route_cfg routing;  /* section [routing] */
	struct stub_config dns;    /* section [dns] */
	struct conn_config conn;   /* section [connectivity] */
	struct mob_config mobility;   /* section [mobility] (doc/mobility.md) */
	bool steer_answers;        /* [steering] answers (doc/steering.md) */
};

void config_defaults(struct mifd_config *c);
/*
 * Set key of section ("mifd", "routing", "dns") from its text: the one
 * check for that key, used by the file (config_load) and by mifd's
 * options alike, so the two can never disagree. name is how the user
 * spelt it ("--socket", or NULL for the key itself as in the file) and
 * starts the message put in err. Returns 0; -EINVAL for a bad value;
 * -ENOENT for an unknown section or key. Lists (interfaces, dhcp4,
 * default_order) take names separated by spaces or commas; interfaces and
 * dhcp4 add to what is there.
 */
int config_set(struct mifd_config *c, const char *section, const char *key, const char *name,
	       const char *value, char *err, size_t errlen);
/*
 * Load an INI file (sections [mifd], [routing], [dns]; keys as config_set).
 * Returns 0, -errno if it cannot be opened or read (-ENOENT if missing,
 * -EISDIR for a directory), or -EINVAL with "PATH:LINE: message" in err
 * ("PATH: message" for what is about the whole file). A missing default
 * file is not an error for the caller.
 */
int config_load(struct mifd_config *c, const char *path, char *err, size_t errlen);

#endif

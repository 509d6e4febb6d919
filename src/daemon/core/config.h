/* SPDX-License-Identifier: MIT */
/* mifd's configuration: defaults, then the INI file, then the command line. */
#ifndef MIF_DAEMON_CONFIG_H
#define MIF_DAEMON_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "daemon/kern/kern.h"
#include "daemon/routing/route_plan.h"
#include "daemon/dns/stub.h"

#define MIFD_DEFAULT_CONFIG MIF_SYSCONFDIR "/mif/mifd.conf"

struct mifd_config {
	char socket[108];
	char ifaces[KERN_MAX_IFACES][IFNAMSIZ];
	size_t n_ifaces;
	enum log_level log_level;
	bool foreground;
	char pvd_dir[256];       /* static PvD files */
	char dhcp4[KERN_MAX_IFACES][IFNAMSIZ];   /* interfaces running DHCPv4 */
	size_t n_dhcp4;
	struct route_cfg routing;  /* section [routing] */
	struct stub_config dns;    /* section [dns] */
};

void config_defaults(struct mifd_config *c);
/* Add one interface name; -EINVAL if invalid, -E2BIG if too many. */
int config_add_iface(struct mifd_config *c, const char *name);
int config_add_dhcp4(struct mifd_config *c, const char *name);
/*
 * Load an INI file (section [mifd]: socket, interfaces, log_level, pvd_dir, dhcp4). Returns
 * 0, -ENOENT if missing, or -EINVAL with a message naming the line and key
 * in err. A missing default file is not an error for the caller.
 */
int config_load(struct mifd_config *c, const char *path, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
#include "daemon/core/caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int caps_drop(void)
{
	if (geteuid() != 0)
		return 0;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE, -1) < 0 ||
	    capng_updatev(CAPNG_ADD, CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			  CAP_SETUID, CAP_SETGID, CAP_SETPCAP, -1) < 0)
		return -EINVAL;
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		return -EPERM;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int caps_drop_thread(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (geteuid() != 0)
		return 0;
	capng_clear(CAPNG_SELECT_BOTH);
	return capng_apply(CAPNG_SELECT_BOTH) < 0 ? -EPERM : 0;
}

json_t *caps_json(void)
{
	json_t *a = json_array();

	capng_get_caps_process();
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (capng_have_capability(CAPNG_EFFECTIVE, cap)) {
			const char *n = capng_capability_to_name(cap);

			json_array_append_new(a, json_string(n ? n : "unknown"));
		}
	}
	return a;
}

/* SPDX-License-Identifier: MIT */
/*
 * The privileged parent reads the policy files (every *.conf of policy_dir,
 * in name order) the way it reads the static PvD files, and sends their
 * text to the engine, which opens no file: at start, when the engine asks
 * (`mifctl policy reload`, MSG_POLICY_RELOAD) and on SIGHUP.
 */
#include "daemon/policy/policy_files.h"

#include <string.h>

#include "daemon/core/msg.h"
#include "daemon/pvd/static_files.h"

int policy_files_send(struct chan *c, const char *dir, const uint8_t prec[3], uint32_t seq)
{
	struct msg_policy_files_end end;

	memset(&end, 0, sizeof(end));
	static_files_send_dir(c, dir, MSG_POLICY_FILE, &end.files);
	memcpy(end.prec, prec, 3);
	end.seq = seq;
	return chan_send(c, MSG_POLICY_FILES_END, &end, sizeof(end));
}

/* SPDX-License-Identifier: MIT */
/*
 * Limits the processes of mifd share. They live here, in core/, rather
 * than in kern/kern.h, so that the engine and the network-facing side do
 * not include a privileged header for a number (doc/architecture.md,
 * "Include rules"; scripts/layering.sh).
 */
#ifndef MIF_DAEMON_CORE_LIMITS_H
#define MIF_DAEMON_CORE_LIMITS_H

/* Interfaces the configuration may name: managed links, and links that
 * run DHCPv4 (config.h's lists, the engine's DHCPv4 list, kern_config). */
#define CORE_MAX_IFACES 64

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The flow bindings (RFC 6089, ha_flow.h) of one mobile node in its store
 * record (ha_store_rec.c, record version 2), pure: the table as a JSON
 * array and back. Runtime counters and the last BID's reason are not kept.
 */
#ifndef MIF_HA_STORE_FLOW_H
#define MIF_HA_STORE_FLOW_H

#include <jansson.h>
#include <stddef.h>

#include "ha/ha_flow.h"

/* t's flows (t may be NULL: none) as a new JSON array in *ret. -ENOMEM,
 * or -EINVAL for a flow the option codec cannot write. */
int ha_store_flows_encode(const struct ha_flows *t, json_t **ret);

/* A JSON array of at most HA_FLOW_MAX flows into e[0..*ret_n): -EINVAL
 * for anything but flows in strictly increasing FID-PRI order with
 * distinct FIDs, each a valid Flow Identification option with a traffic
 * selector and a BID Reference. *ret_n untouched on failure. */
int ha_store_flows_decode(json_t *a, struct ha_flow *e, size_t *ret_n);

#endif

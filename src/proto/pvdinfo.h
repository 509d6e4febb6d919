/* SPDX-License-Identifier: MIT */
/*
 * RFC 8801 section 4.3: the PvD Additional Information, a JSON object
 * fetched from https://<PvD ID>/.well-known/pvd. Pure: bytes in, a struct
 * out; the caller checks the identifier, the expiry against its clock and
 * the prefixes against the PvD's (section 4.4).
 */
#ifndef MIF_PROTO_PVDINFO_H
#define MIF_PROTO_PVDINFO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dname.h"
#include "proto/pvdpolicy.h"

#define PVDINFO_MAX_BODY 65536
#define PVDINFO_MAX_PREFIXES 16
#define PVDINFO_MAX_ZONES 8

struct pvdinfo {
	char identifier[DNAME_MAX_TEXT + 1];
	int64_t expires;                     /* seconds since the epoch, UTC */
	uint8_t n_prefixes;
	struct in6_addr prefixes[PVDINFO_MAX_PREFIXES];
	uint8_t plens[PVDINFO_MAX_PREFIXES];
	uint8_t n_zones;
	char zones[PVDINFO_MAX_ZONES][DNAME_MAX_TEXT + 1];
	bool no_internet;
	struct pvdpol policy;                /* "vendor-mif" (proto/pvdpolicy.h) */
};

enum pvdinfo_error {
	PVDINFO_OK = 0,
	PVDINFO_ERR_SIZE,        /* empty or over PVDINFO_MAX_BODY */
	PVDINFO_ERR_JSON,        /* not one JSON object (I-JSON: no duplicate keys) */
	PVDINFO_ERR_IDENTIFIER,  /* missing, or not a domain name */
	PVDINFO_ERR_EXPIRES,     /* missing, or not an RFC 3339 date-time */
	PVDINFO_ERR_PREFIXES,    /* missing, empty, too many, or not IPv6 prefixes */
	PVDINFO_ERR_ZONES,       /* dnsZones not an array of domain names */
	PVDINFO_ERR_NO_INTERNET, /* noInternet not a boolean */
};

const char *pvdinfo_error_name(enum pvdinfo_error e);

/* 0 with *out filled, or -EBADMSG with *why (out untouched). */
int pvdinfo_parse(const char *body, size_t len, struct pvdinfo *out, enum pvdinfo_error *why);

/* An RFC 3339 date-time ("2026-12-05T10:00:00Z", "...+01:00", fractions
 * allowed) as seconds since the epoch. 0 or -EINVAL. */
int pvdinfo_time(const char *s, int64_t *ret);

/* Does one of info's prefixes cover prefix/plen (section 4.4)? */
bool pvdinfo_covers(const struct pvdinfo *info, const struct in6_addr *prefix, uint8_t plen);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A small store of named records (DHCP leases, the RFC 7217 secret) kept
 * in mifd's state directory (default /var/lib/mif), one file per record,
 * "<key>.lease". The engine decides what a record says; only the
 * privileged parent reads and writes the files (the engine may not open
 * any, doc/architecture.md), and it hands the engine what it read as
 * MSG_LEASE at start and writes what the engine sends as MSG_LEASE_SAVE.
 *
 * File format, version 1 (all integers big-endian):
 *   "MIFLEASE" | u32 version | u8 key length | key | u32 payload length |
 *   payload | u32 CRC-32 (IEEE 802.3) of every byte before it
 * A file that is short, long, of another version, for another key or with
 * a wrong checksum is refused whole (-EBADMSG): never half trusted.
 *
 * lease_store.c (pure): the format. lease_store_fs.c (parent): the files,
 * written atomically (a temporary file, fsync, rename, fsync of the
 * directory), so a crash leaves the old record or the new, never a mix.
 */
#ifndef MIF_DAEMON_LEASE_STORE_H
#define MIF_DAEMON_LEASE_STORE_H

#include <stddef.h>
#include <stdint.h>

#define LEASE_STORE_DEFAULT_DIR "/var/lib/mif"
#define LEASE_VERSION 1
#define LEASE_KEY_MAX 63          /* [A-Za-z0-9._-], not starting with '.' */
#define LEASE_PAYLOAD_MAX 2048
#define LEASE_FILE_MAX (8 + 4 + 1 + LEASE_KEY_MAX + 4 + LEASE_PAYLOAD_MAX + 4)
#define LEASE_MAX_FILES 64        /* read at start, at most */

uint32_t lease_crc32(const void *data, size_t len);
/* A key usable as a file name: 1..LEASE_KEY_MAX of [A-Za-z0-9._-], no
 * leading '.'. */
int lease_key_ok(const char *key);
/* Encode into out (LEASE_FILE_MAX is enough); returns the length, or
 * -EINVAL (bad key, payload too long), -ENOSPC (out too small). */
int lease_encode(const char *key, const void *payload, size_t len, uint8_t *out, size_t outlen);
/* Decode a whole file's bytes; key NULL accepts any key. On success copies
 * the payload to out (outlen at least its length), sets *ret_len and
 * *ret_key (may be NULL: then not set; a buffer of LEASE_KEY_MAX + 1) and
 * returns 0; -EBADMSG for a malformed or corrupt file, -ENOSPC if out is
 * too small, -ENOENT if it is another key's record. */
int lease_decode(const uint8_t *in, size_t inlen, const char *key, void *out, size_t outlen,
		 size_t *ret_len, char *ret_key);

/* The files (parent only). Each returns 0 or a negative errno. */
int lease_store_save(const char *dir, const char *key, const void *payload, size_t len);
/* dir made (0700) when missing, its parent existing; -ENOTDIR when it is
 * something else. */
int lease_store_dir_ready(const char *dir);
int lease_store_remove(const char *dir, const char *key);
/* Is there a record of key? And how many "*.lease" files does dir hold
 * (0 if it cannot be read)? */
int lease_store_exists(const char *dir, const char *key);
size_t lease_store_count(const char *dir);
/* Read and check the record of key; -ENOENT if there is none, -EBADMSG if
 * the file is corrupt (the caller logs once and ignores it). */
int lease_store_load(const char *dir, const char *key, void *out, size_t outlen,
		     size_t *ret_len);
/* Call fn for each valid "*.lease" file of dir (at most LEASE_MAX_FILES),
 * and bad for each corrupt one (bad may be NULL). Returns how many were
 * valid, or a negative errno if dir cannot be read (-ENOENT: none yet). */
typedef void lease_store_fn(void *ctx, const char *key, const void *payload, size_t len);
typedef void lease_store_bad_fn(void *ctx, const char *file, int err);
int lease_store_each(const char *dir, lease_store_fn *fn, lease_store_bad_fn *bad, void *ctx);

#endif

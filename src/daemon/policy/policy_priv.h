/* SPDX-License-Identifier: MIT */
/* Shared by the policy module's pure files only. */
#ifndef MIF_DAEMON_POLICY_PRIV_H
#define MIF_DAEMON_POLICY_PRIV_H

#include "daemon/policy/policy.h"

/* policy_target.c */
bool policy_yes(const char *v, int8_t *out);
bool policy_u32(const char *v, uint32_t max, uint32_t *out);
/* 1 to max characters, none a space, control, '+' or ','. */
bool policy_name_ok(const char *v, size_t max);
/* "type:wifi+metered" into t (its strings from s's arena); *why on error. */
int policy_target_parse(struct policy_set *s, const char *text, struct policy_target *t,
			const char **why);

/* policy_set.c */
/* n zeroed bytes (aligned for any type), or a copy of str, from the set's
 * arena; NULL when out of memory. */
void *policy_alloc(struct policy_set *s, size_t n);
char *policy_strdup(struct policy_set *s, const char *str);
/* *list (n items of size) grown by k items: a new slot, the old one
 * left in the arena (a key given again). 0 or -ENOMEM. */
int policy_grow(struct policy_set *s, void **list, size_t n, size_t k, size_t size);
/* A domain name in lower case without its final dot. 0 or -EINVAL. */
int policy_name_norm(const char *in, char *out, size_t len);
/* Free what came after the first rules, nets and attrs (a bad file). */
void policy_set_truncate(struct policy_set *s, size_t rules, size_t nets, size_t attrs);
const struct policy_network *policy_net_find(const struct policy_set *s, const char *name);

/* policy_index.c: candidates for a flow, so a decision among 10,000 rules
 * checks only those that can match (bench/policy.sh). */
int policy_index_build(struct policy_set *s);
void policy_index_free(struct policy_index *ix);
/* Rule indexes that may match f, ascending, no duplicates; returns how
 * many (at most cap: more are cut, *cut set). */
size_t policy_index_candidates(const struct policy_set *s, const struct policy_flow *f,
			       uint32_t *out, size_t cap, bool *cut);
/* Room for every rule's index, the index's own (one decision at a time). */
uint32_t *policy_index_scratch(const struct policy_set *s);

#endif

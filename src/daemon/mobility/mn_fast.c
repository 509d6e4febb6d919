/* SPDX-License-Identifier: MIT */
/* A mobile node's entries in the tunnel's kernel fast path (mn_fast.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "daemon/mobility/mn_fast.h"

static bool mn_fast_path_ok(const struct mn_state *mn, const struct mn_fast_path *fp, size_t i)
{
	return fp[i].v6 && !mn->paths[i].home && fp[i].ifindex > 0;
}

static bool mn_fast_want_out(const struct mn_state *mn, const struct mn_fast_path *fp,
			     struct tunfast_out *o)
{
	size_t i;

	/* The agent must have offered it back: it decapsulates in its
	 * kernel (a TSO packet under one outer header) and takes checksum 0. */
	if (!mn->ha_fast || mn->uplink < 0 || mn->flows ||
	    !mn_fast_path_ok(mn, fp, (size_t)mn->uplink))
		return false;
	i = (size_t)mn->uplink;
	memset(o, 0, sizeof(*o));
	memcpy(o->src, mn->paths[i].coa, 16);
	memcpy(o->dst, fp[i].ha, 16);
	o->sport = htons(fp[i].local_port);
	o->dport = htons(fp[i].ha_port);
	o->ifindex = (uint32_t)fp[i].ifindex;
	return true;
}

static void mn_fast_sync_out(struct tunfast *f, const struct mn_state *mn,
			     const struct mn_fast_path *fp, bool off, struct mn_fast_home *s)
{
	struct tunfast_out want;
	bool on = !off && mn_fast_want_out(mn, fp, &want);
	int r;

	if (on == s->out_on && (!on || memcmp(&want, &s->out, sizeof(want)) == 0))
		return;
	r = tunfast_out_set(f, mn->hoa.s6_addr, on ? &want : NULL);
	if (r < 0 && r != -ENOENT)
		s->err = r;
	s->out_on = on && r == 0;
	if (s->out_on)
		s->out = want;
}

static size_t mn_fast_want_in(int tun_ifindex, const struct mn_state *mn,
			      const struct mn_fast_path *fp, struct tunfast_in_key *k,
			      struct tunfast_in *v)
{
	size_t n = 0;

	/* n-cast flows send a copy on two paths: the duplicate is dropped
	 * in user space (mh_dedup.h), so with flows the kernel takes none. */
	if (mn->flows || !mn->ha_fast)
		return 0;
	for (size_t i = 0; i < mn->n_paths; i++) {
		if (!mn_fast_path_ok(mn, fp, i))
			continue;
		memset(&k[n], 0, sizeof(k[n]));
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(k[n].src, fp[i].ha, 16);
		memcpy(k[n].dst, mn->paths[i].coa, 16);
		k[n].sport = htons(fp[i].ha_port);
		k[n].dport = htons(fp[i].local_port);
		memcpy(v[n].hoa6, &mn->hoa, 16);
		if (mn->has_hoa4 && mn->hoa4_acked)
			memcpy(v[n].hoa4, mn->hoa4, 4);
		v[n].tun_ifindex = (uint32_t)tun_ifindex;
		v[n++].check = TUNFAST_CHECK_DST;
	}
	return n;
}

static void mn_fast_sync_in(struct tunfast *f, int tun_ifindex, const struct mn_state *mn,
			    const struct mn_fast_path *fp, bool off, struct mn_fast_home *s)
{
	struct tunfast_in_key k[MH_MAX_BIDS];
	struct tunfast_in v[MH_MAX_BIDS];
	size_t n = off ? 0 : mn_fast_want_in(tun_ifindex, mn, fp, k, v), kept = 0;
	int r;

	for (size_t i = 0; i < s->n_in; i++) {
		bool want = false;

		for (size_t j = 0; j < n && !want; j++)
			want = !memcmp(&k[j], &s->in_k[i], sizeof(k[j])) &&
			       !memcmp(&v[j], &s->in_v[i], sizeof(v[j]));
		if (want) {
			s->in_k[kept] = s->in_k[i];
			s->in_v[kept++] = s->in_v[i];
		} else if ((r = tunfast_in_set(f, &s->in_k[i], NULL)) < 0 && r != -ENOENT) {
			s->err = r;
		}
	}
	s->n_in = kept;
	for (size_t j = 0; j < n && s->n_in < MH_MAX_BIDS; j++) {
		bool have = false;

		for (size_t i = 0; i < s->n_in && !have; i++)
			have = !memcmp(&k[j], &s->in_k[i], sizeof(k[j]));
		if (have)
			continue;
		if ((r = tunfast_in_set(f, &k[j], &v[j])) < 0) {
			s->err = r;
			continue;
		}
		s->in_k[s->n_in] = k[j];
		s->in_v[s->n_in++] = v[j];
	}
}

void mn_fast_sync(struct tunfast *f, int tun_ifindex, const struct mn_state *mn,
		  const struct mn_fast_path *paths, bool off, struct mn_fast_home *s)
{
	if (!f)
		return;
	mn_fast_sync_out(f, mn, paths, off, s);
	mn_fast_sync_in(f, tun_ifindex, mn, paths, off, s);
}

void mn_fast_counts(const struct tunfast *f, const struct mn_state *mn,
		    const struct mn_fast_home *s, uint64_t ret[4])
{
	struct tunfast_out o;
	struct tunfast_in in;

	memset(ret, 0, 4 * sizeof(ret[0]));
	if (!f)
		return;
	if (s->out_on && tunfast_out_get(f, mn->hoa.s6_addr, &o) == 0) {
		ret[0] = o.packets;
		ret[1] = o.bytes;
	}
	for (size_t i = 0; i < s->n_in; i++)
		if (tunfast_in_get(f, &s->in_k[i], &in) == 0) {
			ret[2] += in.packets;
			ret[3] += in.bytes;
		}
}

void mn_fast_path_counts(const struct tunfast *f, const struct mn_state *mn,
			 const struct mn_fast_home *s, size_t i, uint16_t local_port,
			 uint64_t *ret_tx, uint64_t *ret_rx)
{
	struct tunfast_out o;
	struct tunfast_in in;
	uint16_t port = htons(local_port);

	*ret_tx = *ret_rx = 0;
	if (!f || i >= mn->n_paths)
		return;
	if (s->out_on && !memcmp(s->out.src, mn->paths[i].coa, 16) && s->out.sport == port &&
	    tunfast_out_get(f, mn->hoa.s6_addr, &o) == 0)
		*ret_tx = o.packets;
	for (size_t k = 0; k < s->n_in; k++)
		if (!memcmp(s->in_k[k].dst, mn->paths[i].coa, 16) && s->in_k[k].dport == port &&
		    tunfast_in_get(f, &s->in_k[k], &in) == 0)
			*ret_rx += in.packets;
}

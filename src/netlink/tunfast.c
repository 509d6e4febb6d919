/* SPDX-License-Identifier: MIT */
/* The tunnel's kernel fast path, loading and maps (tunfast.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netlink/tunfast.h"

/* The object built from bpf/mhfast.bpf.c (meson: mhfast_obj.c). */
extern const unsigned char tunfast_obj[];
extern const unsigned long tunfast_obj_len;

/* tcx attach points (Linux 6.6 uapi; the build's headers may be older). */
#define TUNFAST_TCX_INGRESS 46
#define TUNFAST_TCX_EGRESS 47
#define TUNFAST_MAX_UPLINKS 32

struct tunfast {
	struct bpf_object *obj;
	int out_fd, in_fd, decap_fd;
	int egress_link;
	size_t n_up;
	struct {
		int ifindex;
		int link;
	} up[TUNFAST_MAX_UPLINKS];
};

/* libbpf's own messages: quiet (the caller reports the error code),
 * unless MIF_BPF_DEBUG is set in the environment. */
static int tunfast_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("MIF_BPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int tunfast_errno(int r)
{
	return r < 0 ? (errno ? -errno : r) : 0;
}

static int tunfast_attach(int prog_fd, int ifindex, int where)
{
	int fd = bpf_link_create(prog_fd, ifindex, (enum bpf_attach_type)where, NULL);

	return fd < 0 ? (errno ? -errno : fd) : fd;
}

static int tunfast_prog(struct bpf_object *o, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(o, name);

	return p ? bpf_program__fd(p) : -ENOENT;
}

/* Room for n entries in map name before the object is loaded. */
static int tunfast_size(struct bpf_object *o, const char *name, size_t n)
{
	struct bpf_map *m = bpf_object__find_map_by_name(o, name);

	if (!m)
		return -ENOENT;
	return bpf_map__set_max_entries(m, (uint32_t)(n ? n : 1));
}

int tunfast_open(enum tunfast_role role, int tun_ifindex, size_t hoas, size_t paths_per,
		 struct tunfast **ret)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "mhfast");
	struct tunfast *f;
	int r, enc;

	if (hoas > TUNFAST_MAX_ENTRIES || paths_per > TUNFAST_MAX_ENTRIES / (hoas ? hoas : 1))
		return -E2BIG;
	libbpf_set_print(tunfast_print);
	if (!(f = calloc(1, sizeof(*f))))
		return -ENOMEM;
	f->egress_link = -1;
	f->obj = bpf_object__open_mem(tunfast_obj, tunfast_obj_len, &opts);
	if (!f->obj) {
		r = errno ? -errno : -EINVAL;
		free(f);
		return r;
	}
	if ((r = tunfast_size(f->obj, "mhfast_out", hoas)) < 0 ||
	    (r = tunfast_size(f->obj, "mhfast_in", hoas * paths_per)) < 0 ||
	    (r = bpf_object__load(f->obj)) < 0)
		goto fail;
	f->out_fd = bpf_object__find_map_fd_by_name(f->obj, "mhfast_out");
	f->in_fd = bpf_object__find_map_fd_by_name(f->obj, "mhfast_in");
	f->decap_fd = tunfast_prog(f->obj, "mhfast_decap");
	enc = tunfast_prog(f->obj, role == TUNFAST_HA ? "mhfast_encap_dst" : "mhfast_encap_src");
	if (f->out_fd < 0 || f->in_fd < 0 || f->decap_fd < 0 || enc < 0) {
		r = -ENOENT;
		goto fail;
	}
	if ((r = tunfast_attach(enc, tun_ifindex, TUNFAST_TCX_EGRESS)) < 0)
		goto fail;
	f->egress_link = r;
	*ret = f;
	return 0;
fail:
	tunfast_close(f);
	return r;
}

int tunfast_uplink(struct tunfast *f, int ifindex)
{
	int r;

	if (!f->obj)
		return -EINVAL;
	for (size_t i = 0; i < f->n_up; i++)
		if (f->up[i].ifindex == ifindex)
			return 0;
	/* Full: forget the links of interfaces that are gone (a device
	 * plugged in again comes back under a new index). */
	for (size_t i = 0; f->n_up == TUNFAST_MAX_UPLINKS && i < f->n_up;) {
		char name[IF_NAMESIZE];

		if (if_indextoname((unsigned)f->up[i].ifindex, name)) {
			i++;
			continue;
		}
		close(f->up[i].link);
		f->up[i] = f->up[--f->n_up];
	}
	if (f->n_up == TUNFAST_MAX_UPLINKS)
		return -ENOSPC;
	if ((r = tunfast_attach(f->decap_fd, ifindex, TUNFAST_TCX_INGRESS)) < 0)
		return r;
	f->up[f->n_up].ifindex = ifindex;
	f->up[f->n_up++].link = r;
	return 0;
}

_Static_assert(offsetof(struct tunfast_out, bytes) == sizeof(struct tunfast_out) - 8 &&
	       offsetof(struct tunfast_out, packets) == sizeof(struct tunfast_out) - 16,
	       "tunfast_out: the counters last");
_Static_assert(offsetof(struct tunfast_in, bytes) == sizeof(struct tunfast_in) - 8 &&
	       offsetof(struct tunfast_in, packets) == sizeof(struct tunfast_in) - 16,
	       "tunfast_in: the counters last");

/* Set key's value v (vlen octets, ending in the two counters) keeping
 * the counters of the entry it replaces; v NULL deletes. */
static int tunfast_set(int fd, const void *key, const void *v, size_t vlen)
{
	uint8_t nv[sizeof(struct tunfast_in) > sizeof(struct tunfast_out) ?
		   sizeof(struct tunfast_in) : sizeof(struct tunfast_out)];
	uint8_t old[sizeof(nv)];
	size_t cnt = 2 * sizeof(__u64);

	if (!v)
		return tunfast_errno(bpf_map_delete_elem(fd, key));
	memcpy(nv, v, vlen);
	memset(nv + vlen - cnt, 0, cnt);
	if (bpf_map_lookup_elem(fd, key, old) == 0)
		memcpy(nv + vlen - cnt, old + vlen - cnt, cnt);
	return tunfast_errno(bpf_map_update_elem(fd, key, nv, BPF_ANY));
}

int tunfast_out_set(struct tunfast *f, const uint8_t key[16], const struct tunfast_out *o)
{
	return tunfast_set(f->out_fd, key, o, sizeof(*o));
}

int tunfast_in_set(struct tunfast *f, const struct tunfast_in_key *k, const struct tunfast_in *in)
{
	return tunfast_set(f->in_fd, k, in, sizeof(*in));
}

int tunfast_out_get(const struct tunfast *f, const uint8_t key[16], struct tunfast_out *ret)
{
	return tunfast_errno(bpf_map_lookup_elem(f->out_fd, key, ret));
}

int tunfast_in_get(const struct tunfast *f, const struct tunfast_in_key *k, struct tunfast_in *ret)
{
	return tunfast_errno(bpf_map_lookup_elem(f->in_fd, k, ret));
}

void tunfast_map_fds(const struct tunfast *f, int *ret_out_fd, int *ret_in_fd)
{
	*ret_out_fd = f->out_fd;
	*ret_in_fd = f->in_fd;
}

int tunfast_from_fds(int out_fd, int in_fd, struct tunfast **ret)
{
	struct tunfast *f;

	if (out_fd < 0 || in_fd < 0)
		return -EBADF;
	if (!(f = calloc(1, sizeof(*f))))
		return -ENOMEM;
	f->out_fd = out_fd;
	f->in_fd = in_fd;
	f->decap_fd = -1;
	f->egress_link = -1;
	*ret = f;
	return 0;
}

/* Delete every key of one map: each delete may reorder a hash map's
 * walk, so start from the first key again, at most max times. */
static void tunfast_clear_map(int fd, size_t key_len, size_t max)
{
	uint8_t key[sizeof(struct tunfast_in_key)];

	for (size_t i = 0; i < max && key_len <= sizeof(key); i++)
		if (bpf_map_get_next_key(fd, NULL, key) < 0 || bpf_map_delete_elem(fd, key) < 0)
			return;
}

void tunfast_clear(struct tunfast *f)
{
	tunfast_clear_map(f->out_fd, sizeof(struct tunfast_addr), TUNFAST_MAX_ENTRIES);
	tunfast_clear_map(f->in_fd, sizeof(struct tunfast_in_key), TUNFAST_MAX_ENTRIES);
}

int tunfast_sock_zero_csum_ok(int sock)
{
	int one = 1;

	return setsockopt(sock, IPPROTO_UDP, UDP_NO_CHECK6_RX, &one, sizeof(one)) < 0 ? -errno : 0;
}

void tunfast_close(struct tunfast *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_up; i++)
		close(f->up[i].link);
	if (f->egress_link >= 0)
		close(f->egress_link);
	if (f->obj) {
		bpf_object__close(f->obj);      /* the maps' descriptors with it */
	} else {
		close(f->out_fd);
		close(f->in_fd);
	}
	free(f);
}

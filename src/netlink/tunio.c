/* SPDX-License-Identifier: MIT */
/* The tunnel's data plane I/O with TUN and UDP offloads (tunio.h). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netlink/netlink.h"
#include "netlink/tunio.h"

#define TUNIO_GSO_SEGS 64       /* UDP_MAX_SEGMENTS of older kernels */
#define TUNIO_GSO_BYTES 65000   /* UDP length and IPv6 payload length are 16 bits */

int tunio_offload_enable(int tun_fd, unsigned *ret_offloads)
{
	unsigned want = TUN_OFF_CSUM | TUN_OFF_TSO | TUN_OFF_USO;
	int r = tun_set_offload(tun_fd, want);

	/* USO is Linux 6.2+: without it TCP still gets the whole benefit. */
	if (r == -EINVAL) {
		want &= ~(unsigned)TUN_OFF_USO;
		r = tun_set_offload(tun_fd, want);
	}
	if (r == 0)
		*ret_offloads = want;
	return r;
}

int tunio_udp_gro(int sock)
{
	int on = 1;

	return setsockopt(sock, IPPROTO_UDP, UDP_GRO, &on, sizeof(on)) < 0 ? -errno : 0;
}

size_t tunio_gro_size(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		int v;

		if (c->cmsg_level != IPPROTO_UDP || c->cmsg_type != UDP_GRO ||
		    c->cmsg_len < CMSG_LEN(sizeof(v)))
			continue;
		memcpy(&v, CMSG_DATA(c), sizeof(v));
		return v > 0 ? (size_t)v : 0;
	}
	return 0;
}

size_t tunio_gro_split(uint8_t *p, size_t len, size_t seg, struct vnet_pkt *pkts, size_t max)
{
	size_t n = 0;

	if (seg == 0 || seg > len)
		seg = len;
	for (size_t off = 0; off < len && n < max; off += seg)
		pkts[n++] = (struct vnet_pkt){ p + off, len - off < seg ? len - off : seg };
	return n;
}

/* How many of segs[i..n) go in one UDP GSO datagram train. */
static size_t tunio_run(const struct vnet_seg *segs, size_t i, size_t n)
{
	size_t size = segs[i].hdr_len + segs[i].data_len, total = size, k = i + 1;

	while (k < n && k - i < TUNIO_GSO_SEGS) {
		size_t s = segs[k].hdr_len + segs[k].data_len;

		if (s > size || total + s > TUNIO_GSO_BYTES)
			break;
		total += s;
		k++;
		if (s < size)
			break;  /* only the last of a train may be shorter */
	}
	return k - i;
}

int tunio_send(int sock, void *dst, socklen_t dst_len, struct vnet_seg *segs,
	       size_t n, bool gso, size_t *ret_sent)
{
	struct iovec iov[2 * VNET_MAX_SEGS];
	struct mmsghdr mm[VNET_MAX_SEGS];
	size_t runlen[VNET_MAX_SEGS];
	struct {
		_Alignas(struct cmsghdr) char buf[CMSG_SPACE(sizeof(uint16_t))];
	} cm[VNET_MAX_SEGS];
	size_t nm = 0, ni = 0, sent = 0;
	int r;

	if (n > VNET_MAX_SEGS)
		return -E2BIG;
	for (size_t i = 0; i < n; i += runlen[nm++]) {
		struct msghdr *m = &mm[nm].msg_hdr;
		size_t run = gso ? tunio_run(segs, i, n) : 1;

		runlen[nm] = run;
		*m = (struct msghdr){ .msg_name = dst, .msg_namelen = dst_len,
				      .msg_iov = &iov[ni] };
		for (size_t k = i; k < i + run; k++) {
			if (segs[k].hdr_len)
				iov[ni++] = (struct iovec){ segs[k].hdr, segs[k].hdr_len };
			iov[ni++] = (struct iovec){ segs[k].data, segs[k].data_len };
		}
		m->msg_iovlen = (size_t)(&iov[ni] - m->msg_iov);
		if (run > 1) {
			struct cmsghdr *c;
			uint16_t size = (uint16_t)(segs[i].hdr_len + segs[i].data_len);

			memset(&cm[nm], 0, sizeof(cm[nm]));
			m->msg_control = cm[nm].buf;
			m->msg_controllen = sizeof(cm[nm].buf);
			c = CMSG_FIRSTHDR(m);
			c->cmsg_level = IPPROTO_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(size));
			memcpy(CMSG_DATA(c), &size, sizeof(size));
		}
	}
	for (size_t done = 0; done < nm;) {
		r = sendmmsg(sock, &mm[done], (unsigned)(nm - done), MSG_DONTWAIT);
		if (r <= 0) {
			*ret_sent = sent;
			return r < 0 ? -errno : -EAGAIN;
		}
		for (int k = 0; k < r; k++)
			sent += runlen[done + (size_t)k];
		done += (size_t)r;
	}
	*ret_sent = sent;
	return 0;
}

size_t tunio_write_plain(int tun_fd, struct vnet_pkt *pkts, size_t n)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++) {
		(void)vnet_csum_complete(pkts[i].p, pkts[i].len);
		if (write(tun_fd, pkts[i].p, pkts[i].len) == (ssize_t)pkts[i].len)
			ok++;
	}
	return ok;
}

size_t tunio_write_trains(int tun_fd, const struct vnet_pkt *pkts, struct vnet_train *t,
			  size_t nt)
{
	struct iovec iov[1 + VNET_MAX_SEGS];
	size_t ok = 0;

	for (size_t i = 0; i < nt; i++) {
		const struct vnet_pkt *p = &pkts[t[i].first];
		size_t ni = 0, want = VNET_HDR_LEN + p[0].len;

		iov[ni++] = (struct iovec){ t[i].vhdr, VNET_HDR_LEN };
		iov[ni++] = (struct iovec){ p[0].p, p[0].len };
		for (size_t k = 1; k < t[i].n; k++) {
			iov[ni++] = (struct iovec){ p[k].p + t[i].hdr_len, p[k].len - t[i].hdr_len };
			want += p[k].len - t[i].hdr_len;
		}
		if (writev(tun_fd, iov, (int)ni) == (ssize_t)want)
			ok++;
	}
	return ok;
}

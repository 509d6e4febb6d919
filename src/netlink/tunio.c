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

int tunio_rx_recv(struct tunio_rx *r, int fd, size_t len)
{
	size_t cap = r->cap > TUNIO_RX_MAX ? TUNIO_RX_MAX : r->cap;
	int n;

	if (r->slot >= cap || len > TUNIO_BUF)
		return -EINVAL;
	for (size_t i = r->slot; i < cap; i++) {
		r->iov[i] = (struct iovec){ r->buf[i], len };
		r->mm[i].msg_hdr = (struct msghdr){ .msg_name = &r->from[i],
			.msg_namelen = sizeof(r->from[i]), .msg_iov = &r->iov[i], .msg_iovlen = 1,
			.msg_control = r->cm[i].b, .msg_controllen = sizeof(r->cm[i].b) };
	}
	n = recvmmsg(fd, r->mm + r->slot, (unsigned)(cap - r->slot), MSG_DONTWAIT, NULL);
	if (n < 0)
		return -errno;
	return n ? n : -EAGAIN;
}

bool tunio_rx_again(struct tunio_rx *r, size_t n, bool open, bool *ret_drained)
{
	size_t cap = r->cap > TUNIO_RX_MAX ? TUNIO_RX_MAX : r->cap;
	bool drained = r->slot + n < cap;

	*ret_drained = drained;
	if (drained && open) {
		r->slot += n;
		return true;
	}
	r->slot = 0;
	return false;
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

/* m's control messages in buf (zeroed here): UDP_SEGMENT of gso_size
 * when not 0, IPV6_PKTINFO with src when not NULL. */
static void tunio_send_cmsgs(struct msghdr *m, char *buf, size_t gso_size,
			     const struct in6_addr *src)
{
	size_t len = (gso_size ? CMSG_SPACE(sizeof(uint16_t)) : 0) +
		     (src ? CMSG_SPACE(sizeof(struct in6_pktinfo)) : 0);
	struct cmsghdr *c;

	if (len == 0)
		return;
	memset(buf, 0, len);
	m->msg_control = buf;
	m->msg_controllen = len;
	c = CMSG_FIRSTHDR(m);
	if (gso_size) {
		uint16_t size = (uint16_t)gso_size;

		c->cmsg_level = IPPROTO_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(size));
		memcpy(CMSG_DATA(c), &size, sizeof(size));
		c = CMSG_NXTHDR(m, c);
	}
	if (src && c)
		tunio_cmsg_pktinfo(c, src, 0);
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

void tunio_cmsg_pktinfo(struct cmsghdr *c, const struct in6_addr *src, int ifindex)
{
	struct in6_pktinfo pi;

	memset(&pi, 0, sizeof(pi));
	if (src)
		pi.ipi6_addr = *src;
	pi.ipi6_ifindex = (unsigned)ifindex;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

int tunio_msg_local(struct msghdr *m, struct in6_addr *ret)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ret = pi.ipi6_addr;
			return 0;
		}
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(ret, 0, sizeof(*ret));
			ret->s6_addr[10] = ret->s6_addr[11] = 0xff;
			memcpy(&ret->s6_addr[12], &pi.ipi_addr, 4);
			return 0;
		}
	}
	return -ENOENT;
}

int tunio_send(int sock, void *dst, socklen_t dst_len, struct vnet_seg *segs,
	       size_t n, bool gso, size_t *ret_sent)
{
	return tunio_send_from(sock, dst, dst_len, NULL, segs, n, gso, ret_sent);
}

int tunio_send_from(int sock, void *dst, socklen_t dst_len, const struct in6_addr *src,
		    struct vnet_seg *segs, size_t n, bool gso, size_t *ret_sent)
{
	struct iovec iov[2 * VNET_MAX_SEGS];
	struct mmsghdr mm[VNET_MAX_SEGS];
	size_t runlen[VNET_MAX_SEGS];
	struct {
		_Alignas(struct cmsghdr) char buf[CMSG_SPACE(sizeof(uint16_t)) +
						  CMSG_SPACE(sizeof(struct in6_pktinfo))];
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
		tunio_send_cmsgs(m, cm[nm].buf, run > 1 ? segs[i].hdr_len + segs[i].data_len : 0,
				 src);
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

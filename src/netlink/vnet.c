/* SPDX-License-Identifier: MIT */
/* TUN offloads: virtio-net header, split and coalesce (vnet.h). Pure. */
#include <errno.h>
#include <string.h>

#include "netlink/vnet.h"
#include "proto/ipudp.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80
#define VNET_MAX_LEN 65535

/* Where the IP and transport headers of one packet end. */
struct vnet_l4 {
	unsigned ver;           /* 4 or 6 */
	size_t iphl, hl;        /* IP header; IP + transport header */
	uint8_t proto;
};

static uint16_t vnet_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void vnet_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t vnet_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void vnet_put32(uint8_t *p, uint32_t v)
{
	vnet_put16(p, (uint16_t)(v >> 16));
	vnet_put16(p + 2, (uint16_t)v);
}

/* IPv4 (no fragment) or IPv6 (no extension header) carrying TCP or UDP
 * whose headers fit in len; 0 or -EBADMSG / -EPROTONOSUPPORT. */
static int vnet_parse_l4(const uint8_t *p, size_t len, struct vnet_l4 *l)
{
	size_t l4hl;

	if (len < 20)
		return -EBADMSG;
	l->ver = p[0] >> 4;
	if (l->ver == 4) {
		l->iphl = (size_t)(p[0] & 0x0f) * 4;
		if (l->iphl < 20 || l->iphl > len || (vnet_get16(p + 6) & 0x3fff))
			return -EBADMSG;        /* a fragment (MF or offset) */
		l->proto = p[9];
	} else if (l->ver == 6) {
		if (len < 40)
			return -EBADMSG;
		l->iphl = 40;
		l->proto = p[6];
	} else {
		return -EBADMSG;
	}
	if (l->proto == 6) {
		if (len < l->iphl + 20)
			return -EBADMSG;
		l4hl = (size_t)(p[l->iphl + 12] >> 4) * 4;
		if (l4hl < 20)
			return -EBADMSG;
	} else if (l->proto == 17) {
		l4hl = 8;
	} else {
		return -EPROTONOSUPPORT;
	}
	l->hl = l->iphl + l4hl;
	return l->hl <= len ? 0 : -EBADMSG;
}

/* The pseudo header (RFC 793 3.1, RFC 768, RFC 8200 8.1), not folded. */
static uint32_t vnet_pseudo(const uint8_t *ip, const struct vnet_l4 *l, size_t l4len)
{
	uint32_t acc = l->ver == 4 ? ipudp_sum(ip + 12, 8, 0) : ipudp_sum(ip + 8, 32, 0);

	return acc + l->proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
}

int vnet_hdr_parse(const uint8_t *p, size_t len, struct vnet_hdr *ret)
{
	if (len < VNET_HDR_LEN)
		return -EBADMSG;
	/* Legacy virtio-net: the host's byte order (TUN's default). */
	ret->flags = p[0];
	ret->gso_type = p[1];
	memcpy(&ret->hdr_len, p + 2, 2);
	memcpy(&ret->gso_size, p + 4, 2);
	memcpy(&ret->csum_start, p + 6, 2);
	memcpy(&ret->csum_offset, p + 8, 2);
	return 0;
}

void vnet_hdr_build(const struct vnet_hdr *h, uint8_t out[VNET_HDR_LEN])
{
	out[0] = h->flags;
	out[1] = h->gso_type;
	memcpy(out + 2, &h->hdr_len, 2);
	memcpy(out + 4, &h->gso_size, 2);
	memcpy(out + 6, &h->csum_start, 2);
	memcpy(out + 8, &h->csum_offset, 2);
}

/* The pseudo-header sum of a TCP packet, folded: what a partial checksum
 * holds (virtio 5.1.6.2) and what mif's tunnel carries in place of the
 * full sum (vnet.h). */
static uint16_t vnet_tcp_partial(const uint8_t *p, const struct vnet_l4 *l, size_t len)
{
	return ipudp_sum(NULL, 0, vnet_pseudo(p, l, len - l->iphl));
}

/* A TCP packet whose partial checksum sits where vh says and whose field
 * holds it: left partial for the tunnel's far end (vnet.h). */
static bool vnet_single_partial(const struct vnet_hdr *h, const uint8_t *pkt, size_t len)
{
	struct vnet_l4 l;

	return vnet_parse_l4(pkt, len, &l) == 0 && l.proto == 6 && h->csum_start == l.iphl &&
	       h->csum_offset == 16 && vnet_get16(pkt + l.iphl + 16) == vnet_tcp_partial(pkt, &l, len);
}

/* One packet as it is, a partial UDP checksum completed (the kernel left
 * the pseudo-header sum in the field: virtio 5.1.6.2); a partial TCP one
 * travels as it is. */
static int vnet_single(const struct vnet_hdr *h, uint8_t *pkt, size_t len, struct vnet_seg *s)
{
	if ((h->flags & VNET_F_NEEDS_CSUM) && !vnet_single_partial(h, pkt, len)) {
		size_t at = (size_t)h->csum_start + h->csum_offset;
		uint16_t c;

		if (h->csum_start > len || at + 2 > len)
			return -EBADMSG;
		c = (uint16_t)~ipudp_sum(pkt + h->csum_start, len - h->csum_start, 0);
		vnet_put16(pkt + at, c ? c : 0xffff);
	}
	s->hdr_len = 0;
	s->data = pkt;
	s->data_len = len;
	return 0;
}

/* Headers of segment i of a split: lengths, id, sequence, flags, sums. */
static void vnet_seg_fix(struct vnet_seg *s, const struct vnet_l4 *l, size_t i, size_t last,
			 size_t off)
{
	uint8_t *ip = s->hdr, *l4 = s->hdr + l->iphl;
	size_t l4len = l->hl - l->iphl + s->data_len;
	uint32_t acc;

	if (l->ver == 4) {
		vnet_put16(ip + 2, (uint16_t)(l->hl + s->data_len));
		vnet_put16(ip + 4, (uint16_t)(vnet_get16(ip + 4) + i));
		vnet_put16(ip + 10, 0);
		vnet_put16(ip + 10, (uint16_t)~ipudp_sum(ip, l->iphl, 0));
	} else {
		vnet_put16(ip + 4, (uint16_t)l4len);
	}
	if (l->proto == 6) {
		vnet_put32(l4 + 4, vnet_get32(l4 + 4) + (uint32_t)off);
		if (i != last)
			l4[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (i != 0)
			l4[13] &= (uint8_t)~TCP_CWR;
		vnet_put16(l4 + 16, 0);
	} else {
		vnet_put16(l4 + 4, (uint16_t)l4len);
		vnet_put16(l4 + 6, 0);
	}
	acc = vnet_pseudo(ip, l, l4len);
	if (l->proto == 6) {
		/* Partial: the receiving end completes it or lets its kernel
		 * (vnet.h), so no one sums the payload in user space. */
		vnet_put16(l4 + 16, ipudp_sum(NULL, 0, acc));
		return;
	}
	acc = ipudp_sum(l4, l->hl - l->iphl, acc);
	acc = (uint16_t)~ipudp_sum(s->data, s->data_len, acc);
	vnet_put16(l4 + 6, (uint16_t)(acc ? acc : 0xffff));   /* RFC 768: zero means none */
}

int vnet_split(const struct vnet_hdr *h, uint8_t *pkt, size_t len, struct vnet_seg *segs,
	       size_t max, size_t *ret_n)
{
	uint8_t gso = h->gso_type & (uint8_t)~VNET_GSO_ECN;
	struct vnet_l4 l;
	size_t payload, n;
	int r;

	if (max == 0)
		return -E2BIG;
	if (len > VNET_MAX_LEN)
		return -EBADMSG;
	if (gso == VNET_GSO_NONE) {
		r = vnet_single(h, pkt, len, &segs[0]);
		if (r == 0)
			*ret_n = 1;
		return r;
	}
	if (gso == VNET_GSO_UDP)
		return -EPROTONOSUPPORT;
	if (gso != VNET_GSO_TCPV4 && gso != VNET_GSO_TCPV6 && gso != VNET_GSO_UDP_L4)
		return -EBADMSG;
	if ((r = vnet_parse_l4(pkt, len, &l)) < 0)
		return r;
	if ((gso == VNET_GSO_TCPV4 && (l.ver != 4 || l.proto != 6)) ||
	    (gso == VNET_GSO_TCPV6 && (l.ver != 6 || l.proto != 6)) ||
	    (gso == VNET_GSO_UDP_L4 && l.proto != 17) || h->gso_size == 0 ||
	    l.hl > VNET_SEG_HDR_MAX)
		return -EBADMSG;
	payload = len - l.hl;
	n = payload ? (payload + h->gso_size - 1) / h->gso_size : 1;
	if (n > max)
		return -E2BIG;
	for (size_t i = 0, off = 0; i < n; i++, off += h->gso_size) {
		struct vnet_seg *s = &segs[i];

		memcpy(s->hdr, pkt, l.hl);
		s->hdr_len = (uint16_t)l.hl;
		s->data = pkt + l.hl + off;
		s->data_len = payload - off < h->gso_size ? payload - off : h->gso_size;
		vnet_seg_fix(s, &l, i, n - 1, off);
	}
	*ret_n = n;
	return 0;
}

bool vnet_l4_csum_ok(const uint8_t *p, size_t len)
{
	struct vnet_l4 l;

	if (vnet_parse_l4(p, len, &l) < 0)
		return false;
	if (l.proto == 17 && l.ver == 4 && vnet_get16(p + l.iphl + 6) == 0)
		return true;    /* IPv4 UDP without checksum (RFC 768) */
	return ipudp_sum(p + l.iphl, len - l.iphl, vnet_pseudo(p, &l, len - l.iphl)) == 0xffff;
}

bool vnet_csum_partial(const uint8_t *p, size_t len)
{
	struct vnet_l4 l;

	return vnet_parse_l4(p, len, &l) == 0 && l.proto == 6 &&
	       vnet_get16(p + l.iphl + 16) == vnet_tcp_partial(p, &l, len);
}

bool vnet_csum_complete(uint8_t *p, size_t len)
{
	struct vnet_l4 l;
	uint16_t c;

	if (vnet_parse_l4(p, len, &l) < 0 || l.proto != 6 ||
	    vnet_get16(p + l.iphl + 16) != vnet_tcp_partial(p, &l, len))
		return false;
	/* The field holds the pseudo-header sum: summing from the TCP header
	 * on includes it (virtio 5.1.6.2). */
	c = (uint16_t)~ipudp_sum(p + l.iphl, len - l.iphl, 0);
	vnet_put16(p + l.iphl + 16, c);
	return true;
}

/* Whether a TCP packet may join or start a train on its checksum: a
 * partial one (vnet.h) or a valid full one. */
static bool vnet_csum_usable(const uint8_t *p, size_t len, const struct vnet_l4 *l)
{
	return vnet_get16(p + l->iphl + 16) == vnet_tcp_partial(p, l, len) ||
	       vnet_l4_csum_ok(p, len);
}

/* A TCP segment that may join a train: whole (IP length = len), ACK or
 * ACK|PSH only, with payload. */
static bool vnet_tcp_ok(const uint8_t *p, size_t len, struct vnet_l4 *l)
{
	uint8_t fl;

	if (vnet_parse_l4(p, len, l) < 0 || l->proto != 6 || len == l->hl)
		return false;
	if (l->ver == 4 ? vnet_get16(p + 2) != len : (size_t)vnet_get16(p + 4) + 40 != len)
		return false;
	fl = p[l->iphl + 13];
	return fl == TCP_ACK || fl == (TCP_ACK | TCP_PSH);
}

/* q may follow head as segment k of its train (RFC 9293's fields that a
 * receiver's GRO also requires equal: addresses, ports, ack, window,
 * options; IPv4 ids consecutive unless DF). */
static bool vnet_same_flow(const uint8_t *h, const uint8_t *q, const struct vnet_l4 *l,
			   size_t k)
{
	const uint8_t *ht = h + l->iphl, *qt = q + l->iphl;

	if (l->ver == 6) {
		if (memcmp(h, q, 4) != 0 || h[7] != q[7] || memcmp(h + 8, q + 8, 32) != 0)
			return false;
	} else {
		if (h[1] != q[1] || h[8] != q[8] || (h[6] & 0x40) != (q[6] & 0x40) ||
		    memcmp(h + 12, q + 12, l->iphl - 12) != 0)
			return false;
		if (!(h[6] & 0x40) && vnet_get16(q + 4) != (uint16_t)(vnet_get16(h + 4) + k))
			return false;
	}
	return memcmp(ht, qt, 4) == 0 && memcmp(ht + 8, qt + 8, 5) == 0 &&
	       memcmp(ht + 14, qt + 14, 2) == 0 &&
	       memcmp(ht + 20, qt + 20, l->hl - l->iphl - 20) == 0;
}

/* The head of a train of n segments carrying total octets of payload:
 * lengths, PSH of the last, the pseudo-header sum for the kernel. */
static void vnet_train_head(struct vnet_train *t, uint8_t *p, const struct vnet_l4 *l,
			    size_t total, size_t gso, bool psh)
{
	size_t l4len = l->hl - l->iphl + total;
	struct vnet_hdr vh = { VNET_F_NEEDS_CSUM, l->ver == 4 ? VNET_GSO_TCPV4 : VNET_GSO_TCPV6,
			       (uint16_t)l->hl, (uint16_t)gso, (uint16_t)l->iphl, 16 };

	if (l->ver == 4) {
		vnet_put16(p + 2, (uint16_t)(l->hl + total));
		vnet_put16(p + 10, 0);
		vnet_put16(p + 10, (uint16_t)~ipudp_sum(p, l->iphl, 0));
	} else {
		vnet_put16(p + 4, (uint16_t)l4len);
	}
	if (psh)
		p[l->iphl + 13] |= TCP_PSH;
	vnet_put16(p + l->iphl + 16, ipudp_sum(NULL, 0, vnet_pseudo(p, l, l4len)));
	t->hdr_len = l->hl;
	vnet_hdr_build(&vh, t->vhdr);
}

/* Extend the train that starts at pkts[i] (a valid, PSH-less segment);
 * returns the index after it. */
static size_t vnet_extend(struct vnet_pkt *pkts, size_t i, size_t n, struct vnet_train *t,
			  const struct vnet_l4 *l)
{
	uint8_t *h = pkts[i].p;
	size_t gso = pkts[i].len - l->hl, total = gso, j = i + 1;
	uint32_t next = vnet_get32(h + l->iphl + 4) + (uint32_t)gso;
	bool psh = false;

	while (j < n && t->n < VNET_MAX_SEGS) {
		const uint8_t *q = pkts[j].p;
		size_t pay = pkts[j].len - l->hl;
		struct vnet_l4 ql;

		if (!vnet_tcp_ok(q, pkts[j].len, &ql) || ql.ver != l->ver || ql.hl != l->hl ||
		    pay > gso || l->hl + total + pay > VNET_MAX_LEN ||
		    vnet_get32(q + l->iphl + 4) != next || !vnet_same_flow(h, q, l, t->n) ||
		    !vnet_csum_usable(q, pkts[j].len, &ql))
			break;
		t->n++;
		total += pay;
		next += (uint32_t)pay;
		j++;
		psh = q[l->iphl + 13] & TCP_PSH;
		if (psh || pay < gso)
			break;
	}
	if (t->n > 1)
		vnet_train_head(t, h, l, total, gso, psh);
	return j;
}

void vnet_segs_complete(struct vnet_seg *segs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vnet_seg *s = &segs[i];
		struct vnet_l4 l;
		uint32_t acc;

		if (!s->hdr_len) {
			(void)vnet_csum_complete(s->data, s->data_len);
			continue;
		}
		if (vnet_parse_l4(s->hdr, s->hdr_len, &l) < 0 || l.proto != 6)
			continue;
		/* The field holds the pseudo-header sum; the TCP header is a
		 * multiple of 4 octets, so the payload's sum continues it. */
		acc = ipudp_sum(s->hdr + l.iphl, l.hl - l.iphl, 0);
		vnet_put16(s->hdr + l.iphl + 16, (uint16_t)~ipudp_sum(s->data, s->data_len, acc));
	}
}

bool vnet_train_open(const uint8_t *p, size_t len)
{
	struct vnet_l4 l;

	return vnet_tcp_ok(p, len, &l) && !(p[l.iphl + 13] & TCP_PSH);
}

/* A train of one: as it is, or with a partial TCP checksum (vnet.h) for
 * the kernel to complete (NEEDS_CSUM, no GSO). */
static void vnet_lone(struct vnet_train *t, const uint8_t *p, size_t len)
{
	struct vnet_l4 l;

	if (vnet_parse_l4(p, len, &l) == 0 && l.proto == 6 &&
	    vnet_get16(p + l.iphl + 16) == vnet_tcp_partial(p, &l, len)) {
		struct vnet_hdr vh = { VNET_F_NEEDS_CSUM, VNET_GSO_NONE, 0, 0,
				       (uint16_t)l.iphl, 16 };

		vnet_hdr_build(&vh, t->vhdr);
	}
}

size_t vnet_coalesce(struct vnet_pkt *pkts, size_t n, struct vnet_train *out, size_t max)
{
	size_t nt = 0, i = 0;

	while (i < n && nt < max) {
		struct vnet_train *t = &out[nt++];
		struct vnet_l4 l;

		memset(t, 0, sizeof(*t));
		t->first = i;
		t->n = 1;
		if (!vnet_tcp_ok(pkts[i].p, pkts[i].len, &l) ||
		    (pkts[i].p[l.iphl + 13] & TCP_PSH) ||
		    !vnet_csum_usable(pkts[i].p, pkts[i].len, &l)) {
			vnet_lone(t, pkts[i].p, pkts[i].len);
			i++;
			continue;
		}
		i = vnet_extend(pkts, i, n, t, &l);
		if (t->n == 1)
			vnet_lone(t, pkts[t->first].p, pkts[t->first].len);
	}
	return nt;
}

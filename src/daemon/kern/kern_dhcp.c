/* SPDX-License-Identifier: MIT */
/*
 * DHCP sockets and ARP probing on the kernel side. The engine runs the
 * DHCPv4 and DHCPv6 state machines and parses every packet; this file only
 * moves bytes: one UDP socket per interface and family (client port 68 or
 * 546, SO_BINDTODEVICE), and RFC 5227 probes and announcements on an
 * AF_PACKET socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/filter.h>

#include "common/addr.h"
#include "common/log.h"
#include "proto/ipudp.h"
#include "daemon/kern/kern_priv.h"

struct kern_dsock {
	struct kern *k;
	int ifindex;
	uint8_t family;
	int fd;                      /* UDP: sends (and, for DHCPv6, receives) */
	struct event *ev;
	int pfd;                     /* DHCPv4: packet socket that receives */
	struct event *pev;
};

struct kern_arp {
	struct kern *k;
	int ifindex;
	struct in_addr addr;
	uint8_t mac[6];
	int fd;
	int sent;                    /* probes, then announcements */
	bool announcing;             /* probed, no conflict: announcing (2.3) */
	struct event *ev, *timer;
};

static struct kern_dsock *kern_dsock_find(struct kern *k, int ifindex, uint8_t family)
{
	for (size_t i = 0; i < KERN_MAX_DSOCKS; i++)
		if (k->dsocks[i] && k->dsocks[i]->ifindex == ifindex &&
		    k->dsocks[i]->family == family)
			return k->dsocks[i];
	return NULL;
}

/* DHCPv4 replies come through the packet socket; what the UDP socket gets
 * too (once rp_filter lets it) would be a duplicate: drop it. */
static void kern_dsock_drain(int fd)
{
	uint8_t b[64];

	for (int i = 0; i < 32 && recv(fd, b, sizeof(b), MSG_DONTWAIT) >= 0; i++)
		;
}

static bool kern_dsock_csum_skip(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		return aux.tp_status & (TP_STATUS_CSUMNOTREADY | TP_STATUS_CSUM_VALID);
	}
	return false;
}

static void kern_dsock_prx(evutil_socket_t fd, short what, void *arg)
{
	struct kern_dsock *d = arg;
	uint8_t pkt[MSG_DHCP_MAX_PAYLOAD + 64];
	uint8_t buf[sizeof(struct msg_dhcp) + MSG_DHCP_MAX_PAYLOAD];
	struct msg_dhcp *h = (struct msg_dhcp *)buf;

	for (int i = 0; i < 32; i++) {
		union {
			struct cmsghdr h;
			uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} cbuf;
		struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = &cbuf, .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		const uint8_t *payload;
		struct in_addr src;
		uint16_t sport;
		size_t plen;
		int r;

		if (n < 0)
			return;
		/* Offloaded (veth, virtio) packets carry no UDP checksum yet. */
		r = kern_dsock_csum_skip(&mh) ?
			ipudp4_parse_nocsum(pkt, (size_t)n, 68, &src, &sport, &payload, &plen) :
			ipudp4_parse(pkt, (size_t)n, 68, &src, &sport, &payload, &plen);
		if (r < 0 || sport != 67 || plen > MSG_DHCP_MAX_PAYLOAD)
			continue;
		memset(h, 0, sizeof(*h));
		h->ifindex = d->ifindex;
		h->family = AF_INET;
		addr_v4_mapped(src, &h->peer);
		memcpy(buf + sizeof(*h), payload, plen);
		chan_send(d->k->ch, MSG_DHCP_RX, buf, sizeof(*h) + plen);
	}
}

/* Only UDP to port 68 and whole datagrams reach user space. */
static int kern_dsock_packet(int ifindex)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),                 /* protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),                 /* fragment offset */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),                /* X = header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),                 /* UDP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 68, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IP));

	if (fd < 0)
		return -errno;
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static void kern_dsock_rx(evutil_socket_t fd, short what, void *arg)
{
	struct kern_dsock *d = arg;
	uint8_t buf[sizeof(struct msg_dhcp) + MSG_DHCP_MAX_PAYLOAD];
	struct msg_dhcp *h = (struct msg_dhcp *)buf;

	if (d->family == AF_INET) {
		kern_dsock_drain(fd);
		return;
	}
	for (int i = 0; i < 32; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		ssize_t n = recvfrom(fd, buf + sizeof(*h), MSG_DHCP_MAX_PAYLOAD, MSG_DONTWAIT,
				     (struct sockaddr *)&ss, &sl);

		if (n < 0)
			return;
		memset(h, 0, sizeof(*h));
		h->ifindex = d->ifindex;
		h->family = d->family;
		if (ss.ss_family == AF_INET)
			addr_v4_mapped(((struct sockaddr_in *)&ss)->sin_addr, &h->peer);
		else
			h->peer = ((struct sockaddr_in6 *)&ss)->sin6_addr;
		chan_send(d->k->ch, MSG_DHCP_RX, buf, sizeof(*h) + (size_t)n);
	}
}

static int kern_dsock_socket(int ifindex, uint8_t family)
{
	char ifname[IF_NAMESIZE];
	int on = 1, fd, r = 0;

	if (!if_indextoname((unsigned)ifindex, ifname))
		return -ENODEV;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		r = -errno;
	if (r == 0 && family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(68) };

		if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			r = -errno;
	} else if (r == 0) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(546) };

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
		    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
			r = -errno;
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static int kern_dsock_open(struct kern *k, int ifindex, uint8_t family)
{
	struct kern_dsock *d;
	size_t slot;

	if (kern_dsock_find(k, ifindex, family))
		return 0;
	for (slot = 0; slot < KERN_MAX_DSOCKS && k->dsocks[slot]; slot++)
		;
	if (slot == KERN_MAX_DSOCKS)
		return -ENOSPC;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->k = k;
	d->ifindex = ifindex;
	d->family = family;
	d->fd = kern_dsock_socket(ifindex, family);
	if (d->fd < 0) {
		int r = d->fd;

		free(d);
		return r;
	}
	d->pfd = -1;
	if (family == AF_INET) {
		d->pfd = kern_dsock_packet(ifindex);
		if (d->pfd < 0) {
			int r = d->pfd;

			close(d->fd);
			free(d);
			return r;
		}
		d->pev = event_new(k->base, d->pfd, EV_READ | EV_PERSIST, kern_dsock_prx, d);
		event_add(d->pev, NULL);
	}
	d->ev = event_new(k->base, d->fd, EV_READ | EV_PERSIST, kern_dsock_rx, d);
	event_add(d->ev, NULL);
	k->dsocks[slot] = d;
	return 0;
}

static void kern_dsock_close(struct kern *k, int ifindex, uint8_t family)
{
	for (size_t i = 0; i < KERN_MAX_DSOCKS; i++) {
		struct kern_dsock *d = k->dsocks[i];

		if (d && (ifindex == 0 || (d->ifindex == ifindex && d->family == family))) {
			event_free(d->ev);
			close(d->fd);
			if (d->pev)
				event_free(d->pev);
			if (d->pfd >= 0)
				close(d->pfd);
			free(d);
			k->dsocks[i] = NULL;
		}
	}
}

static void kern_dsock_send(struct kern *k, const struct msg_dhcp *h, const uint8_t *data,
			    size_t len)
{
	struct kern_dsock *d = kern_dsock_find(k, h->ifindex, h->family);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(67) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(547) };
	ssize_t n;

	if (!d) {
		log_warn("DHCP send on interface %d without a socket", h->ifindex);
		return;
	}
	if (h->family == AF_INET) {
		memcpy(&sin.sin_addr, &h->peer.s6_addr[12], 4);
		n = sendto(d->fd, data, len, 0, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		sin6.sin6_addr = h->peer;
		sin6.sin6_scope_id = (uint32_t)h->ifindex;
		n = sendto(d->fd, data, len, 0, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	if (n < 0)
		log_warn("DHCP send on interface %d failed: %s", h->ifindex, strerror(errno));
}

/* ---- RFC 5227 probing ----
 * Two probes 200 ms apart, then 500 ms of listening: shorter than the
 * RFC's PROBE_NUM 3 / PROBE_MAX 2 s / ANNOUNCE_WAIT 2 s, to keep a new
 * lease from waiting seconds; still catches a host that answers. Then,
 * with no conflict, the announcements of section 2.3 (a MUST):
 * ANNOUNCE_NUM (2) of them, ANNOUNCE_INTERVAL (2 s) apart, the first as
 * the engine hears the address is free. */
#define KERN_ARP_PROBES 2
#define KERN_ARP_ANNOUNCES 2         /* ANNOUNCE_NUM */
#define KERN_ARP_ANNOUNCE_S 2        /* ANNOUNCE_INTERVAL */

struct kern_arp_pkt {
	struct arphdr h;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

static void kern_arp_free(struct kern_arp *a)
{
	for (size_t i = 0; i < KERN_MAX_ARPS; i++)
		if (a->k->arps[i] == a)
			a->k->arps[i] = NULL;
	event_free(a->ev);
	event_free(a->timer);
	close(a->fd);
	free(a);
}

/* RFC 5227 2.1.1 and 2.3: an ARP Request for the address from our
 * hardware address; a probe's sender IP is 0.0.0.0, an announcement's is
 * the address itself. The target hardware address is zero. */
static void kern_arp_send(struct kern_arp *a)
{
	struct kern_arp_pkt p = {
		.h = { .ar_hrd = htons(ARPHRD_ETHER), .ar_pro = htons(ETH_P_IP), .ar_hln = 6,
		       .ar_pln = 4, .ar_op = htons(ARPOP_REQUEST) },
	};
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = a->ifindex, .sll_halen = 6 };

	memcpy(p.sha, a->mac, 6);
	memcpy(p.tpa, &a->addr, 4);
	if (a->announcing)
		memcpy(p.spa, &a->addr, 4);
	memset(ll.sll_addr, 0xff, 6);
	if (sendto(a->fd, &p, sizeof(p), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		log_warn("ARP %s failed: %s", a->announcing ? "announcement" : "probe",
			 strerror(errno));
	a->sent++;
}

/* One announcement now, the next ANNOUNCE_INTERVAL later; then done. */
static void kern_arp_announce(struct kern_arp *a)
{
	struct timeval tv = { KERN_ARP_ANNOUNCE_S, 0 };

	kern_arp_send(a);
	if (a->sent < KERN_ARP_ANNOUNCES)
		evtimer_add(a->timer, &tv);
	else
		kern_arp_free(a);
}

/* The probe's outcome to the engine; a free address is then announced
 * (nothing more is listened to: defending it, section 2.4, is not done). */
static void kern_arp_done(struct kern_arp *a, bool conflict, const uint8_t *hw)
{
	struct msg_arp m = { .ifindex = a->ifindex, .addr = a->addr, .conflict = conflict };

	if (hw)
		memcpy(m.hw, hw, 6);
	chan_send(a->k->ch, MSG_ARP_RESULT, &m, sizeof(m));
	if (conflict) {
		kern_arp_free(a);
		return;
	}
	event_del(a->ev);
	a->announcing = true;
	a->sent = 0;
	kern_arp_announce(a);
}

static void kern_arp_timer(evutil_socket_t fd, short what, void *arg)
{
	struct kern_arp *a = arg;
	struct timeval tv = { 0, 200000 };

	if (a->announcing) {
		kern_arp_announce(a);
		return;
	}
	if (a->sent < KERN_ARP_PROBES) {
		kern_arp_send(a);
		if (a->sent == KERN_ARP_PROBES)
			tv.tv_usec = 500000;
		evtimer_add(a->timer, &tv);
		return;
	}
	kern_arp_done(a, false, NULL);
}

/* Someone else uses the address: an ARP with it as sender, or a probe for
 * it from another host (RFC 5227 section 2.1.1). */
static void kern_arp_rx(evutil_socket_t fd, short what, void *arg)
{
	struct kern_arp *a = arg;
	struct kern_arp_pkt p;

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(fd, &p, sizeof(p), MSG_DONTWAIT);

		if (n < 0)
			return;
		if ((size_t)n < sizeof(p) || ntohs(p.h.ar_pro) != ETH_P_IP || p.h.ar_hln != 6 ||
		    p.h.ar_pln != 4 || memcmp(p.sha, a->mac, 6) == 0)
			continue;
		if (memcmp(p.spa, &a->addr, 4) == 0 ||
		    (ntohs(p.h.ar_op) == ARPOP_REQUEST && memcmp(p.tpa, &a->addr, 4) == 0 &&
		     p.spa[0] == 0 && p.spa[1] == 0 && p.spa[2] == 0 && p.spa[3] == 0)) {
			kern_arp_done(a, true, p.sha);
			return;
		}
	}
}

static int kern_arp_mac(int fd, int ifindex, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };

	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name) ||
	    ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static void kern_arp_probe(struct kern *k, const struct msg_arp *m)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = m->ifindex };
	struct kern_arp *a;
	struct timeval now = { 0, 0 };
	size_t slot;

	for (slot = 0; slot < KERN_MAX_ARPS && k->arps[slot]; slot++)
		;
	/* Allocate only once a slot is free (and test a on its own: gcc 12's
	 * -fanalyzer lost the NULL check in "!a || slot == ..."). */
	if (slot == KERN_MAX_ARPS || !(a = calloc(1, sizeof(*a)))) {
		chan_send(k->ch, MSG_ARP_RESULT, m, sizeof(*m));   /* no probe: no conflict */
		return;
	}
	a->k = k;
	a->ifindex = m->ifindex;
	a->addr = m->addr;
	a->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (a->fd < 0 || bind(a->fd, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
	    kern_arp_mac(a->fd, m->ifindex, a->mac) < 0) {
		log_warn("cannot probe for address conflicts: %s", strerror(errno));
		if (a->fd >= 0)
			close(a->fd);
		free(a);
		chan_send(k->ch, MSG_ARP_RESULT, m, sizeof(*m));
		return;
	}
	a->ev = event_new(k->base, a->fd, EV_READ | EV_PERSIST, kern_arp_rx, a);
	a->timer = evtimer_new(k->base, kern_arp_timer, a);
	event_add(a->ev, NULL);
	evtimer_add(a->timer, &now);
	k->arps[slot] = a;
}

/* Engine requests for DHCP and ARP (exact sizes; the peer is not trusted). */
void kern_dhcp_on_engine(struct kern *k, const struct ipc_msg *m)
{
	const struct msg_dhcp *h = (const struct msg_dhcp *)m->data;
	int r;

	if (m->hdr.type == MSG_ARP_PROBE) {
		if (ipc_expect(m, sizeof(struct msg_arp)) == 0)
			kern_arp_probe(k, (const struct msg_arp *)m->data);
		return;
	}
	if (m->hdr.len < sizeof(*h) || (h->family != AF_INET && h->family != AF_INET6)) {
		log_err("kernel side: malformed DHCP request from the engine");
		return;
	}
	switch (m->hdr.type) {
	case MSG_DHCP_OPEN:
		r = kern_dsock_open(k, h->ifindex, h->family);
		if (r < 0)
			log_err("cannot open the DHCP%s socket on interface %d: %s",
				h->family == AF_INET ? "v4" : "v6", h->ifindex, strerror(-r));
		break;
	case MSG_DHCP_CLOSE:
		kern_dsock_close(k, h->ifindex, h->family);
		break;
	case MSG_DHCP_SEND:
		kern_dsock_send(k, h, m->data + sizeof(*h), m->hdr.len - sizeof(*h));
		break;
	}
}

void kern_dhcp_close_all(struct kern *k)
{
	kern_dsock_close(k, 0, 0);
	for (size_t i = 0; i < KERN_MAX_ARPS; i++)
		if (k->arps[i])
			kern_arp_free(k->arps[i]);
}

/* SPDX-License-Identifier: MIT */
/*
 * mif-ha-load: many mobile nodes against one mif-had (issue 16 item 4,
 * bench/ha-scale.sh). Each simulated node is the real mobile-node logic
 * (src/daemon/mobility/mn.c: signed, time-stamped Binding Updates with a
 * BID option per RFC 5648 and RFC 4285, heartbeats, BA and heartbeat
 * checks) with its own home address, SPI, key (derived from the master
 * key as mif-had's [mn-range] derives it, ha_keys.h) and care-of address.
 * All care-of addresses are served by one UDP socket: the namespace routes
 * their prefix to itself (`ip -6 route add local PREFIX dev lo`), and each
 * datagram leaves from its node's address (IPV6_PKTINFO, IPV6_FREEBIND).
 *
 *   mif-ha-load --ha ADDR --ha-in ADDR --hoa-first A --count N --spi-first S
 *               --master-key-file F --coa-first A [--port P] [--window W]
 *               [--hb-interval-ms MS] [--data-dst A --data-port P
 *               --data-seconds S] [--hold-seconds S] [--ha-pid PID
 *               --ha-status SOCKET]
 *   mif-ha-load --blast --hoa-first A --count N --data-port P
 *               --data-seconds S [--ha-pid PID --ha-status SOCKET]
 *
 * Phases: register every node (a window of BUs in flight, retransmitted
 * after 1 s; the time until the last BA), send uplink data from every
 * node in turn (inner IPv6/UDP from the home address, through the tunnel)
 * for --data-seconds, then answer heartbeats and count downlink data for
 * --hold-seconds. --blast (on the correspondent's side) sends UDP to every
 * home address in turn: the downlink. With --ha-pid and --ha-status each
 * data phase also reads the home agent's CPU time (/proc/PID/schedstat,
 * ns) and packet counters before and after: CPU ns per forwarded packet,
 * also net of the agent's CPU with no data (measured for 2 s after the
 * registrations: heartbeats; --idle-ns-per-ms gives it to --blast).
 * One JSON object on stdout at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/keyfile.h"
#include "daemon/mobility/mn.h"
#include "ha/ha_keys.h"

#define LD_BATCH 64
#define LD_PKT 2048

struct ld {
	int fd;
	struct sockaddr_in6 ha;
	struct in6_addr ha_in, hoa0, coa0, dst;
	uint16_t port, dport;
	uint32_t n, spi0, window;
	unsigned hb_ms, data_s, hold_s, size;
	uint8_t master[64];
	size_t mlen;
	struct mn_state *mn;
	int ha_pid;
	const char *ha_status;
	double idle_ns_per_ms;          /* the agent's CPU with no data (signalling) */
	uint64_t bu_sent, ba_ok, hb_answered, hb_sent, data_rx, bad, send_err;
	uint32_t hb_cursor;
	long long hb_round_ms;
};

static volatile sig_atomic_t ld_stop;

static void ld_on_sig(int s)
{
	(void)s;
	ld_stop = 1;
}

static void ld_addr_add(const struct in6_addr *a, uint32_t i, struct in6_addr *ret)
{
	unsigned carry = 0;

	*ret = *a;
	for (int k = 15; k >= 0; k--) {
		unsigned v = ret->s6_addr[k] + (i & 0xff) + carry;

		ret->s6_addr[k] = (uint8_t)v;
		carry = v >> 8;
		i >>= 8;
	}
}

/* Node i from the difference of an address to the first one, or -1. */
static long ld_index(const struct ld *l, const uint8_t *a, const struct in6_addr *first)
{
	uint64_t d = 0;

	if (memcmp(a, first->s6_addr, 8) != 0)
		return -1;
	for (int k = 8; k < 16; k++)
		d = d << 8 | a[k];
	for (int k = 8; k < 16; k++)
		d -= (uint64_t)first->s6_addr[k] << (8 * (15 - k));
	return d < l->n ? (long)d : -1;
}

/* Send from node i's care-of address (its own source, IPV6_PKTINFO). */
static int ld_send(struct ld *l, uint32_t i, uint8_t *p, size_t len)
{
	struct {
		_Alignas(struct cmsghdr) char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm;
	struct iovec iov = { p, len };
	struct msghdr mh = { .msg_name = &l->ha, .msg_namelen = sizeof(l->ha), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo pi = { 0 };

	memset(&cm, 0, sizeof(cm));
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(&pi.ipi6_addr, l->mn[i].paths[0].coa, 16);
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(l->fd, &mh, MSG_DONTWAIT) != (ssize_t)len) {
		l->send_err++;
		return -errno;
	}
	return 0;
}

static int ld_bu(struct ld *l, uint32_t i)
{
	uint8_t pkt[512];
	size_t len;

	if (mn_build_bu(&l->mn[i], clock_ntp_now(), clock_mono_ms(), pkt, sizeof(pkt), &len) < 0)
		return -EINVAL;
	l->bu_sent++;
	return ld_send(l, i, pkt, len);
}

/* Everything waiting on the socket: BAs, heartbeats, downlink data. */
static void ld_drain(struct ld *l)
{
	static uint8_t buf[LD_BATCH][LD_PKT];
	struct mmsghdr mm[LD_BATCH];
	struct iovec iov[LD_BATCH];

	for (int round = 0; round < 64; round++) {
		uint64_t ntp = clock_ntp_now();
		long long now = clock_mono_ms();
		int n;

		for (int k = 0; k < LD_BATCH; k++) {
			iov[k] = (struct iovec){ buf[k], LD_PKT };
			mm[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1 };
		}
		n = recvmmsg(l->fd, mm, LD_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int k = 0; k < n; k++) {
			const uint8_t *p = buf[k];
			size_t len = mm[k].msg_len, olen = 0;
			uint8_t out[512];
			long i = len >= 40 ? ld_index(l, p + 24, &l->hoa0) : -1;
			bool was;
			enum mn_action a;

			if (i < 0) {
				l->bad++;
				continue;
			}
			was = l->mn[i].registered_ms != 0;
			a = mn_input(&l->mn[i], 0, p, len, ntp, now, out, sizeof(out), &olen);
			if (a == MN_DATA)
				l->data_rx++;
			else if (a == MN_REPLY && ld_send(l, (uint32_t)i, out, olen) == 0)
				l->hb_answered++;
			else if (a == MN_REREGISTER || a == MN_SWITCH)
				(void)ld_bu(l, (uint32_t)i);
			if (!was && l->mn[i].registered_ms)
				l->ba_ok++;
		}
		if (n < LD_BATCH)
			return;
	}
}

/* Heartbeats of the registered nodes, each once per interval, spread. */
static void ld_heartbeats(struct ld *l, long long now)
{
	uint8_t pkt[512];
	size_t len;
	long long due;

	if (!l->hb_ms)
		return;
	if (l->hb_cursor >= l->n && now - l->hb_round_ms >= l->hb_ms) {
		l->hb_cursor = 0;
		l->hb_round_ms = now;
	}
	due = (now - l->hb_round_ms) * (long long)l->n / l->hb_ms + 1;
	for (; l->hb_cursor < l->n && l->hb_cursor < due; l->hb_cursor++) {
		uint32_t i = l->hb_cursor;

		if (mn_hb_wanted(&l->mn[i], 0) &&
		    mn_build_hb(&l->mn[i], 0, clock_ntp_now(), now, pkt, sizeof(pkt), &len) == 0 &&
		    ld_send(l, i, pkt, len) == 0)
			l->hb_sent++;
	}
}

/* Wait up to ms for input, then take it and send heartbeats due. */
static void ld_poll(struct ld *l, int ms)
{
	struct pollfd p = { l->fd, POLLIN, 0 };

	if (poll(&p, 1, ms) > 0)
		ld_drain(l);
	ld_heartbeats(l, clock_mono_ms());
}

/* Register every node; returns the time it took (ms), or -1. */
static long long ld_register(struct ld *l)
{
	long long t0 = clock_mono_ms(), deadline = t0 + 60000 + (long long)l->n / 10;
	uint32_t next = 0;

	l->hb_round_ms = t0;
	while (!ld_stop && l->ba_ok < l->n) {
		long long now = clock_mono_ms();

		/* New BUs while fewer than window are unanswered. */
		while (next < l->n && l->bu_sent - l->ba_ok < l->window)
			(void)ld_bu(l, next++);
		ld_poll(l, 5);
		/* Retransmissions (mn_bu_due: 1.5 s, doubling). */
		if (next == l->n)
			for (uint32_t i = 0; i < l->n; i++)
				if (!l->mn[i].registered_ms && mn_bu_due(&l->mn[i], now))
					(void)ld_bu(l, i);
		if (now > deadline)
			return -1;
	}
	return clock_mono_ms() - t0;
}

/* The home agent's CPU time (ns) and one of its packet counters. */
struct ld_ha {
	long long cpu_ns, pkts, wall_ms;
	bool ok;
};

static long long ld_ha_counter(const char *sock, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char buf[1 << 16];
	size_t got = 0;
	json_t *j, *v;
	long long r = -1;
	ssize_t k;
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, sock, strlen(sock));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (got < sizeof(buf) - 1 && (k = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)k;
	close(fd);
	buf[got] = '\0';
	j = json_loads(buf, 0, NULL);
	v = json_object_get(json_object_get(j, "counters"), name);
	if (json_is_integer(v))
		r = json_integer_value(v);
	json_decref(j);
	return r;
}

static struct ld_ha ld_ha_read(const struct ld *l, const char *counter)
{
	struct ld_ha r = { .wall_ms = clock_mono_ms() };
	char path[64];
	FILE *f;

	if (!l->ha_pid || !l->ha_status)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", l->ha_pid);
	f = fopen(path, "re");
	if (!f)
		return r;
	r.ok = fscanf(f, "%lld", &r.cpu_ns) == 1;
	fclose(f);
	r.pkts = ld_ha_counter(l->ha_status, counter);
	r.ok = r.ok && r.pkts >= 0;
	return r;
}

/* Packets, CPU per packet, and the same net of the CPU the agent spends
 * with no data at all (heartbeats and their signatures: a cost per
 * binding and per second, not per packet). */
static json_t *ld_ha_delta(const struct ld *l, const struct ld_ha *a, const struct ld_ha *b)
{
	long long pk = b->pkts - a->pkts, ms = b->wall_ms - a->wall_ms;
	double cpu = (double)(b->cpu_ns - a->cpu_ns);

	if (!a->ok || !b->ok || pk <= 0 || ms <= 0)
		return json_null();
	return json_pack("{s:I, s:I, s:f, s:f, s:f, s:f}", "ha_packets", (json_int_t)pk,
			 "ha_cpu_ns", (json_int_t)(b->cpu_ns - a->cpu_ns),
			 "ha_pps", (double)pk * 1000.0 / (double)ms,
			 "ha_ns_per_packet", cpu / (double)pk,
			 "ha_ns_per_packet_net", (cpu - l->idle_ns_per_ms * (double)ms) / (double)pk,
			 "ha_cpu_share", cpu / 1e6 / (double)ms);
}

/* An inner IPv6/UDP packet from src to dst:port with size octets of data
 * (zeros), its UDP checksum right. */
static size_t ld_inner(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst,
		       uint16_t port, unsigned size)
{
	size_t len = 0;

	memset(p + 48, 0, size);
	return mhtun_build_udp6(src->s6_addr, dst->s6_addr, 40000, port, p + 48, size, p,
				48 + (size_t)size, &len) == 0 ? len : 0;
}

/* Uplink data from every node in turn, batches of LD_BATCH with one
 * sendmmsg, for data_s seconds. Returns the packets sent. */
static uint64_t ld_uplink(struct ld *l)
{
	static uint8_t pkt[LD_BATCH][LD_PKT];
	static struct {
		_Alignas(struct cmsghdr) char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm[LD_BATCH];
	struct mmsghdr mm[LD_BATCH];
	struct iovec iov[LD_BATCH];
	long long end = clock_mono_ms() + (long long)l->data_s * 1000;
	uint64_t sent = 0;
	uint32_t i = 0;

	while (!ld_stop && clock_mono_ms() < end) {
		int n;

		for (int k = 0; k < LD_BATCH; k++, i = (i + 1) % l->n) {
			struct cmsghdr *c;
			struct in6_pktinfo pi = { 0 };

			iov[k] = (struct iovec){ pkt[k], ld_inner(pkt[k], &l->mn[i].hoa, &l->dst,
								  l->dport, l->size) };
			mm[k].msg_hdr = (struct msghdr){ .msg_name = &l->ha,
				.msg_namelen = sizeof(l->ha), .msg_iov = &iov[k], .msg_iovlen = 1,
				.msg_control = cm[k].b, .msg_controllen = sizeof(cm[k].b) };
			c = CMSG_FIRSTHDR(&mm[k].msg_hdr);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(&pi.ipi6_addr, l->mn[i].paths[0].coa, 16);
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
		n = sendmmsg(l->fd, mm, LD_BATCH, 0);
		if (n > 0)
			sent += (uint64_t)n;
		/* Heartbeats go on meanwhile (a cheap poll every batch). */
		ld_poll(l, 0);
	}
	return sent;
}

/* --blast: UDP to every home address in turn from this namespace. */
static int ld_blast(struct ld *l)
{
	static uint8_t data[LD_PKT];
	struct sockaddr_in6 to[LD_BATCH];
	struct mmsghdr mm[LD_BATCH];
	struct iovec iov[LD_BATCH];
	struct ld_ha a, b;
	long long end;
	uint64_t sent = 0;
	uint32_t i = 0;
	json_t *o;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 1;
	a = ld_ha_read(l, "udp_tx");
	end = clock_mono_ms() + (long long)l->data_s * 1000;
	while (!ld_stop && clock_mono_ms() < end) {
		int n;

		for (int k = 0; k < LD_BATCH; k++, i = (i + 1) % l->n) {
			to[k] = (struct sockaddr_in6){ .sin6_family = AF_INET6,
						       .sin6_port = htons(l->dport) };
			ld_addr_add(&l->hoa0, i, &to[k].sin6_addr);
			iov[k] = (struct iovec){ data, l->size };
			mm[k].msg_hdr = (struct msghdr){ .msg_name = &to[k],
				.msg_namelen = sizeof(to[k]), .msg_iov = &iov[k], .msg_iovlen = 1 };
		}
		n = sendmmsg(fd, mm, LD_BATCH, 0);
		if (n > 0)
			sent += (uint64_t)n;
	}
	b = ld_ha_read(l, "udp_tx");
	o = json_pack("{s:s, s:I, s:I, s:o}", "phase", "downlink", "nodes", (json_int_t)l->n,
		      "sent", (json_int_t)sent, "ha", ld_ha_delta(l, &a, &b));
	json_dumpf(o, stdout, JSON_COMPACT);
	printf("\n");
	json_decref(o);
	close(fd);
	return 0;
}

static int ld_socket(struct ld *l)
{
	struct sockaddr_in6 b = { .sin6_family = AF_INET6, .sin6_port = htons(l->port) };
	int one = 1, sz = 16 << 20;

	l->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd < 0)
		return -errno;
	/* Sources from the whole care-of prefix (a local route). */
	(void)setsockopt(l->fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	(void)setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(l->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	if (bind(l->fd, (struct sockaddr *)&b, sizeof(b)) < 0)
		return -errno;
	return 0;
}

static int ld_setup(struct ld *l)
{
	l->mn = calloc(l->n, sizeof(*l->mn));
	if (!l->mn)
		return -ENOMEM;
	for (uint32_t i = 0; i < l->n; i++) {
		struct mn_state *m = &l->mn[i];
		struct in6_addr coa;

		ld_addr_add(&l->hoa0, i, &m->hoa);
		m->ha = l->ha_in;
		m->spi = l->spi0 + i;
		if (ha_key_derive(l->master, l->mlen, &m->hoa, m->spi, m->key) < 0)
			return -EIO;
		m->key_len = HA_KEY_DERIVED_LEN;
		m->hb_misses = 3;
		m->replay_window_s = 7;
		m->lifetime = 0xffff;   /* 72 h: no refresh during a run */
		m->uplink = -1;
		m->n_paths = 1;
		m->paths[0].bid = 1;
		m->paths[0].coa_family = 6;
		ld_addr_add(&l->coa0, i, &coa);
		memcpy(m->paths[0].coa, &coa, 16);
		m->paths[0].link_up = true;
		m->paths[0].live.alive = true;
		(void)mn_pick(m);
	}
	return ld_socket(l);
}

static int ld_run(struct ld *l)
{
	struct ld_ha a, b;
	long long reg;
	uint64_t sent = 0;
	json_t *o, *up = json_null();

	reg = ld_register(l);
	fprintf(stderr, "mif-ha-load: %u nodes registered in %lld ms\n", l->n, reg);
	/* The agent's CPU with no data, signalling only (2 s). */
	ld_poll(l, 200);
	a = ld_ha_read(l, "tun_tx");
	for (long long end = clock_mono_ms() + 2000; !ld_stop && clock_mono_ms() < end;)
		ld_poll(l, 10);
	b = ld_ha_read(l, "tun_tx");
	if (a.ok && b.ok && b.wall_ms > a.wall_ms)
		l->idle_ns_per_ms = (double)(b.cpu_ns - a.cpu_ns) / (double)(b.wall_ms - a.wall_ms);
	fprintf(stderr, "mif-ha-load: idle_ns_per_ms %.0f\n", l->idle_ns_per_ms);
	if (reg >= 0 && l->data_s && !IN6_IS_ADDR_UNSPECIFIED(&l->dst)) {
		a = ld_ha_read(l, "tun_tx");
		sent = ld_uplink(l);
		b = ld_ha_read(l, "tun_tx");
		up = ld_ha_delta(l, &a, &b);
	}
	fprintf(stderr, "mif-ha-load: uplink done, holding %u s\n", l->hold_s);
	for (long long end = clock_mono_ms() + (long long)l->hold_s * 1000;
	     !ld_stop && clock_mono_ms() < end;)
		ld_poll(l, 10);
	o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		      "phase", "mobile-nodes", "nodes", (json_int_t)l->n,
		      "register_ms", (json_int_t)reg, "bu_sent", (json_int_t)l->bu_sent,
		      "registered", (json_int_t)l->ba_ok, "uplink_sent", (json_int_t)sent,
		      "downlink_rx", (json_int_t)l->data_rx,
		      "hb_sent", (json_int_t)l->hb_sent, "hb_answered", (json_int_t)l->hb_answered,
		      "bad", (json_int_t)l->bad, "send_errors", (json_int_t)l->send_err,
		      "uplink", up);
	json_object_set_new(o, "idle_ha_cpu_share", json_real(l->idle_ns_per_ms / 1e6));
	json_dumpf(o, stdout, JSON_COMPACT);
	printf("\n");
	json_decref(o);
	return reg >= 0 ? 0 : 1;
}

static int ld_addr(const char *s, struct in6_addr *a)
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "ha", 1, NULL, 'a' }, { "ha-in", 1, NULL, 'i' }, { "port", 1, NULL, 'p' },
		{ "hoa-first", 1, NULL, 'H' }, { "count", 1, NULL, 'n' },
		{ "spi-first", 1, NULL, 'S' }, { "master-key-file", 1, NULL, 'k' },
		{ "coa-first", 1, NULL, 'c' }, { "window", 1, NULL, 'w' },
		{ "hb-interval-ms", 1, NULL, 'b' }, { "data-dst", 1, NULL, 'd' },
		{ "data-port", 1, NULL, 'P' }, { "data-seconds", 1, NULL, 't' },
		{ "data-size", 1, NULL, 'z' }, { "hold-seconds", 1, NULL, 'h' },
		{ "ha-pid", 1, NULL, 'x' }, { "ha-status", 1, NULL, 's' },
		{ "blast", 0, NULL, 'B' }, { "idle-ns-per-ms", 1, NULL, 'I' }, { 0, 0, 0, 0 },
	};
	static struct ld l = { .port = 4191, .dport = 9, .window = 256, .hb_ms = 30000,
			       .size = 64 };
	bool blast = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'a':
			l.ha.sin6_family = AF_INET6;
			if (ld_addr(optarg, &l.ha.sin6_addr) < 0)
				return 2;
			break;
		case 'i': if (ld_addr(optarg, &l.ha_in) < 0) return 2; break;
		case 'p': l.port = (uint16_t)atoi(optarg); break;
		case 'H': if (ld_addr(optarg, &l.hoa0) < 0) return 2; break;
		case 'n': l.n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'S': l.spi0 = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'k':
			if (keyfile_read(optarg, l.master, sizeof(l.master), &l.mlen) < 0) {
				fprintf(stderr, "mif-ha-load: %s: not a root-only key file\n", optarg);
				return 2;
			}
			break;
		case 'c': if (ld_addr(optarg, &l.coa0) < 0) return 2; break;
		case 'w': l.window = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'b': l.hb_ms = (unsigned)atoi(optarg); break;
		case 'd': if (ld_addr(optarg, &l.dst) < 0) return 2; break;
		case 'P': l.dport = (uint16_t)atoi(optarg); break;
		case 't': l.data_s = (unsigned)atoi(optarg); break;
		case 'z': l.size = (unsigned)atoi(optarg); break;
		case 'h': l.hold_s = (unsigned)atoi(optarg); break;
		case 'x': l.ha_pid = atoi(optarg); break;
		case 's': l.ha_status = optarg; break;
		case 'B': blast = true; break;
		case 'I': l.idle_ns_per_ms = atof(optarg); break;
		default: return 2;
		}
	}
	if (l.n == 0 || l.size > 1200 || (!blast && (!l.mlen || !l.spi0 || !l.window))) {
		fprintf(stderr, "mif-ha-load: see the usage at the top of mif-ha-load.c\n");
		return 2;
	}
	signal(SIGTERM, ld_on_sig);
	signal(SIGINT, ld_on_sig);
	if (blast)
		return ld_blast(&l);
	l.ha.sin6_port = htons(l.port);
	if ((r = ld_setup(&l)) < 0) {
		fprintf(stderr, "mif-ha-load: %s\n", strerror(-r));
		return 1;
	}
	return ld_run(&l);
}

/* SPDX-License-Identifier: MIT */
/*
 * The stub's UDP side and the query path it shares with TCP. Datagrams
 * are read and answered in batches (recvmmsg/sendmmsg): under load one
 * wake-up reads up to STUB_BATCH queries and one call sends every cache
 * answer, so a hit costs well under one system call. Nothing is
 * allocated on the hit path.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/dns/stub_priv.h"
#include "daemon/routing/route_plan.h"

/* Room for the one control message asked for: the mark (SO_RCVMARK). */
struct stub_udp_ctl {
	_Alignas(struct cmsghdr) uint8_t b[CMSG_SPACE(sizeof(uint32_t))];
};

struct stub_udp_bufs {
	struct mmsghdr in[STUB_BATCH], out[STUB_BATCH];
	struct iovec iin[STUB_BATCH], iout[STUB_BATCH];
	struct sockaddr_storage from[STUB_BATCH];
	struct stub_udp_ctl ctl[STUB_BATCH];
	uint8_t rx[STUB_BATCH][STUB_UDP_MAX];
	uint8_t tx[STUB_BATCH][STUB_UDP_MAX];
};

/* A reply built here: with an OPT RR when the query had one (RFC 6891
 * section 7), version 0, our payload size and the query's DO bit. rcode
 * may be extended (BADVERS) only then. */
static int su_error(const uint8_t *msg, size_t len, uint16_t rcode, const struct dns_opt *o,
		    uint8_t *out, size_t cap)
{
	int n = o ? dns_build_error_opt(out, cap, msg, len, rcode, STUB_EDNS_SIZE, o->do_bit) :
		    dns_build_error(out, cap, msg, len, (uint8_t)rcode);

	/* RA: the stub is a recursive forwarder (stub_tx_finish), for the
	 * one opcode it implements. */
	if (n > 0 && rcode != DNS_RCODE_NOTIMP)
		dns_hdr_set_ra(out, true);
	return n;
}

/* Is q's name resolver.arpa or under it? The last 15 octets first
 * (cheap, and nearly always no), then whether they start a label. */
static bool su_resolver_arpa(const struct dns_question *q)
{
	static const uint8_t sfx[] = "\x08resolver\x04" "arpa";   /* and the root's 0 */
	size_t off = 0, at;

	if (q->wire_len < sizeof(sfx))
		return false;
	at = q->wire_len - sizeof(sfx);
	if (memcmp(q->wire + at, sfx, sizeof(sfx)))
		return false;
	while (off < at && q->wire[off])
		off += 1u + q->wire[off];
	return off == at;
}

/* The full choice for q, with its text name filled in (it always fits:
 * DNS_NAME_TEXT_MAX holds the text of any wire name). */
static int su_choose(struct stub *s, struct dns_question *q, uint64_t asked,
		     struct dns_choice *c)
{
	if (dns_name_text(q->wire, q->wire_len, q->name, sizeof(q->name)) < 0 ||
	    stub_choose(s, q->name, asked, false, c) < 0) {
		s->ctr.servfail++;
		return -ENOENT;
	}
	return 0;
}

/*
 * The second half of stub_handle_query(): from p's cache, or forwarded.
 * The cache keeps answers to plain queries: one fetched without DNSSEC
 * records must not go to a client asking for them (DO), and one fetched
 * with checking disabled (CD) not to a client relying on the upstream's
 * validation. Those are forwarded every time.
 */
static int su_answer(struct stub *s, struct stub_pvd *p, struct dns_question *q,
		     struct dns_choice *c, const uint8_t *msg, size_t len, bool tcp,
		     const struct dns_opt *o, size_t limit, uint8_t *out, size_t cap,
		     struct stub_tx **txp)
{
	bool dob = o && o->do_bit;
	int r = -ENOENT;

	if (!dob && !dns_hdr_cd(msg))
		r = stub_cache_answer(s, p, q, msg, len, o != NULL, limit, out, cap);
	if (r > 0) {
		s->ctr.hits++;
		return r;
	}
	if (r == -ENOSPC && !tcp) {
		/* Cached, but larger than any UDP reply: TC, ask over TCP. */
		s->ctr.hits++;
		r = su_error(msg, len, DNS_RCODE_NOERROR, o, out, cap);
		if (r > 0)
			dns_hdr_set_tc(out, true);
		return r;
	}
	/* A query goes upstream as the client wrote it (EDNS0 options and
	 * all): refuse what no honest stub client sends, rather than send
	 * fragments upstream. */
	if (len > STUB_QUERY_MAX) {
		s->ctr.malformed++;
		return su_error(msg, len, DNS_RCODE_FORMERR, o, out, cap);
	}
	/* A miss: the whole choice (fallbacks too) and the name as text. */
	if (!c->n && su_choose(s, q, 0, c) < 0)
		return su_error(msg, len, DNS_RCODE_SERVFAIL, o, out, cap);
	s->ctr.misses++;
	*txp = stub_tx_join(s, tcp ? STUB_CL_TCP : STUB_CL_UDP, q, msg, len, c);
	if (!*txp)
		*txp = stub_tx_start(s, tcp ? STUB_CL_TCP : STUB_CL_UDP, q, msg, len, c);
	if (!*txp) {
		s->ctr.servfail++;
		return su_error(msg, len, DNS_RCODE_SERVFAIL, o, out, cap);
	}
	(*txp)->client_udp = (uint16_t)(limit > 65535 ? 65535 : limit);
	(*txp)->no_cache = dob || dns_hdr_cd(msg);
	(*txp)->client_opt = o != NULL;
	(*txp)->client_do = dob;
	return 0;
}

/*
 * One query from a client: > 0 is a reply to send now (written to out),
 * 0 means it was forwarded (*txp is set: the caller records where the
 * answer goes) and < 0 that it is dropped without a word.
 */
int stub_handle_query(struct stub *s, const uint8_t *msg, size_t len, bool tcp, uint8_t *out,
		      size_t cap, struct stub_tx **txp)
{
	return stub_handle_query_for(s, 0, msg, len, tcp, out, cap, txp);
}

int stub_handle_query_for(struct stub *s, uint64_t asked, const uint8_t *msg, size_t len,
			  bool tcp, uint8_t *out, size_t cap, struct stub_tx **txp)
{
	struct dns_question q;
	struct dns_choice c;
	struct dns_opt ob, *o = NULL;
	struct stub_pvd *p;
	uint64_t h;
	uint16_t udp;
	size_t limit;
	int r;

	*txp = NULL;
	s->ctr.queries++;
	if (len < DNS_HEADER_LEN || dns_hdr_qr(msg)) {
		/* Too short to answer, or a response: never answer those
		 * (two forwarders pointed at each other would loop). */
		s->ctr.malformed++;
		return -EBADMSG;
	}
	r = dns_parse_question_wire(msg, len, &q, NULL);
	if (r < 0) {
		s->ctr.malformed++;
		return su_error(msg, len, DNS_RCODE_FORMERR, NULL, out, cap);
	}
	if (dns_hdr_arcount(msg)) {
		r = dns_get_opt(msg, len, &ob);
		if (r == -EBADMSG || r == -E2BIG) {
			s->ctr.malformed++;
			return su_error(msg, len, DNS_RCODE_FORMERR, NULL, out, cap);
		}
		o = r == 0 ? &ob : NULL;
	}
	/* RFC 6891 section 6.1.3: only version 0 is implemented; a higher
	 * one gets BADVERS, never an answer (cached or forwarded). */
	if (o && o->version > 0) {
		s->ctr.badvers++;
		return su_error(msg, len, DNS_RCODE_BADVERS, o, out, cap);
	}
	if (dns_hdr_opcode(msg) != DNS_OPCODE_QUERY) {
		s->ctr.notimp++;
		return su_error(msg, len, DNS_RCODE_NOTIMP, o, out, cap);
	}
	/* Zone transfers and other classes are not a stub's business. */
	if (q.qclass != DNS_CLASS_IN || q.qtype == 251 || q.qtype == 252) {
		s->ctr.refused++;
		return su_error(msg, len, DNS_RCODE_REFUSED, o, out, cap);
	}
	/* RFC 9462 sections 6.1 and 6.4: a forwarder does not forward
	 * resolver.arpa (its upstream's designation would not be ours: the
	 * client reached 127.0.0.153, not that server); a locally served
	 * zone without data, so NODATA. The stub designates no resolver. */
	if (su_resolver_arpa(&q)) {
		s->ctr.resolver_arpa++;
		return su_error(msg, len, DNS_RCODE_NOERROR, o, out, cap);
	}
	udp = o ? o->udp_size : DNS_UDP_MIN;
	limit = tcp ? cap : (udp < cap ? udp : cap);
	c.n = 0;
	if (asked == STUB_ASKED_NONE) {
		/* Bound to a PvD that cannot answer: never another network's. */
		s->ctr.servfail++;
		return su_error(msg, len, DNS_RCODE_SERVFAIL, o, out, cap);
	}
	h = asked ? 0 : stub_pick(s, &q);
	if (!h) {
		if (su_choose(s, &q, asked, &c) < 0)
			return su_error(msg, len, DNS_RCODE_SERVFAIL, o, out, cap);
		h = c.pvd[0];
	}
	if (!(p = stub_pvd_by_handle(s, h))) {
		s->ctr.servfail++;
		return su_error(msg, len, DNS_RCODE_SERVFAIL, o, out, cap);
	}
	p->queries++;
	return su_answer(s, p, &q, &c, msg, len, tcp, o, limit, out, cap, txp);
}

void stub_send_udp(struct stub *s, const struct sockaddr_storage *to, socklen_t tolen,
		   const uint8_t *msg, size_t len)
{
	if (sendto(s->udp_fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)to, tolen) < 0)
		log_debug("dns: cannot answer a client: %s", strerror(errno));
}

/*
 * The PvD a datagram's sender is bound to, from the routing mark its
 * socket carried (SO_RCVMARK): a program run with `mifctl run` or bound
 * with mif_bind_pvd() has its resolver socket marked M(T)
 * (route_plan.h), and its query is answered by that PvD only, as its
 * packets are routed by that PvD only. A mark with ROUTE_MARK_FLAG that
 * is no PvD's with servers (a PvD gone, or without DNS) gets SERVFAIL:
 * the base+250 rule never lets such a socket use another network either.
 * 0 (the stub's own choice) for unmarked senders, or when routing is off
 * (no PvD has a mark: the bit is then not mifd's).
 */
static uint64_t su_asked(struct stub *s, struct msghdr *h)
{
	const struct stub_pvd *p;
	uint32_t mark = 0;
	bool any = false;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_MARK &&
		    c->cmsg_len == CMSG_LEN(sizeof(mark)))
			memcpy(&mark, CMSG_DATA(c), sizeof(mark));
	if (!(mark & ROUTE_MARK_FLAG))
		return 0;
	LIST_FOREACH(p, &s->pvds, e) {
		if (!p->plan.mark)
			continue;
		any = true;
		if (p->plan.mark == (mark & ROUTE_MARK_MASK))
			break;
	}
	if (!any)
		return 0;
	s->ctr.marked++;
	if (p)
		return p->plan.handle;
	s->ctr.mark_unknown++;
	return STUB_ASKED_NONE;
}

/* Answer one batch; the number of datagrams read (0 when none). */
static int su_batch(struct stub *s, struct stub_udp_bufs *b)
{
	int n, k = 0, off = 0;

	for (int i = 0; i < STUB_BATCH; i++) {
		b->in[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
		b->in[i].msg_hdr.msg_controllen = sizeof(b->ctl[i]);
		b->in[i].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(s->udp_fd, b->in, STUB_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	s->ctr.udp += (uint64_t)n;
	s->batch_now = stub_now_ns() / 1000000000ull;
	for (int i = 0; i < n; i++) {
		struct stub_tx *tx;
		int r;

		if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC) {
			s->ctr.malformed++;
			continue;
		}
		r = stub_handle_query_for(s, su_asked(s, &b->in[i].msg_hdr), b->rx[i],
					  b->in[i].msg_len, false, b->tx[k], STUB_UDP_MAX, &tx);
		if (r > 0) {
			b->out[k].msg_hdr.msg_name = &b->from[i];
			b->out[k].msg_hdr.msg_namelen = b->in[i].msg_hdr.msg_namelen;
			b->iout[k].iov_len = (size_t)r;
			k++;
		} else if (tx) {
			memcpy(&tx->peer, &b->from[i], sizeof(tx->peer));
			tx->peer_len = b->in[i].msg_hdr.msg_namelen;
		}
	}
	while (off < k) {
		int m = sendmmsg(s->udp_fd, b->out + off, (unsigned)(k - off), MSG_DONTWAIT);

		if (m <= 0) {
			log_debug("dns: cannot answer %d client(s): %s", k - off, strerror(errno));
			break;
		}
		off += m;
	}
	s->batch_now = 0;
	return n;
}

static void su_read_cb(evutil_socket_t fd, short what, void *arg)
{
	/* Read again while the last read found queries: under load more
	 * arrive while a batch is answered, and one more recvmmsg() is
	 * cheaper than going back to sleep in epoll_wait() and being woken.
	 * At light load that costs one empty read per wake-up, when CPU is
	 * not scarce. (Reading again only after 4 or more queries was tried;
	 * bench/dns.sh could not tell the two apart through its noise.)
	 * Bounded, so one busy socket cannot starve the rest of mifd. */
	for (int round = 0; round < 8 && su_batch(arg, ((struct stub *)arg)->ub) > 0; round++)
		;
	(void)fd;
	(void)what;
}

static int su_bind(int fd, const struct sockaddr_storage *ss)
{
	int one = 1;
	socklen_t l = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
		sizeof(struct sockaddr_in6);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, l) < 0)
		return -errno;
	return 0;
}

/*
 * The listening UDP socket's receive buffer (issue 17, row 14): the
 * default (rmem_default, about 208 KiB) holds some 400 queries' worth of
 * skbs, and the kernel drops datagrams past it whenever the network-facing
 * process is kept off the CPU for a moment. The parent, which opens the
 * socket, holds CAP_NET_ADMIN and may exceed rmem_max (SO_RCVBUFFORCE);
 * elsewhere (tests) the plain option gives what rmem_max allows. Not
 * fatal: a smaller buffer only drops sooner.
 */
static void su_rcvbuf(int fd)
{
	int sz = STUB_UDP_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

int stub_bind_listen(const struct sockaddr_storage *ss, int type)
{
	int fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	if (type == SOCK_DGRAM) {
		int one = 1;

		su_rcvbuf(fd);
		/* Not fatal before Linux 5.19: queries are then chosen for
		 * by name only (stub_status_json() says "marks": false). */
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVMARK, &one, sizeof(one));
	}
	r = su_bind(fd, ss);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int stub_udp_open(struct stub *s, int fd)
{
	struct stub_udp_bufs *b;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (int i = 0; i < STUB_BATCH; i++) {
		b->iin[i] = (struct iovec){ b->rx[i], STUB_UDP_MAX };
		b->in[i].msg_hdr.msg_iov = &b->iin[i];
		b->in[i].msg_hdr.msg_iovlen = 1;
		b->in[i].msg_hdr.msg_name = &b->from[i];
		b->in[i].msg_hdr.msg_control = &b->ctl[i];
		b->iout[i] = (struct iovec){ b->tx[i], 0 };
		b->out[i].msg_hdr.msg_iov = &b->iout[i];
		b->out[i].msg_hdr.msg_iovlen = 1;
	}
	s->udp_fd = fd >= 0 ? fd : stub_bind_listen(&s->cfg.listen, SOCK_DGRAM);
	if (s->udp_fd < 0) {
		free(b);
		return s->udp_fd;
	}
	s->udp_ev = event_new(s->base, s->udp_fd, EV_READ | EV_PERSIST, su_read_cb, s);
	if (!s->udp_ev || event_add(s->udp_ev, NULL) < 0) {
		free(b);
		return -ENOMEM;
	}
	s->ub = b;
	return 0;
}

void stub_udp_close(struct stub *s)
{
	if (s->udp_ev)
		event_free(s->udp_ev);
	s->udp_ev = NULL;
	if (s->udp_fd >= 0)
		close(s->udp_fd);
	s->udp_fd = -1;
	free(s->ub);
	s->ub = NULL;
}

int stub_listen_fds(const struct stub_config *cfg, int fds[2])
{
	fds[0] = stub_bind_listen(&cfg->listen, SOCK_DGRAM);
	if (fds[0] < 0)
		return fds[0];
	fds[1] = stub_bind_listen(&cfg->listen, SOCK_STREAM);
	if (fds[1] < 0) {
		int r = fds[1];

		close(fds[0]);
		fds[0] = -1;
		return r;
	}
	return 0;
}

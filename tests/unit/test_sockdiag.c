/* SPDX-License-Identifier: MIT */
/*
 * sock_diag messages (src/proto/sockdiag.c): the request mifd sends, the
 * answers it parses (built here as the kernel lays them out: inet_diag_msg,
 * then INET_DIAG_INFO with tcp_info of some length), and malformed ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/sockdiag.h"

/* An answer for one socket, with tcp_info cut to info_len (0: none). */
static size_t ts_answer(uint8_t *buf, uint8_t family, uint8_t state, const char *src,
			uint8_t retransmits, size_t info_len)
{
	struct nlmsghdr h = { .nlmsg_type = SOCK_DIAG_BY_FAMILY };
	struct inet_diag_msg m;
	struct tcp_info ti;
	struct nlattr a;
	size_t off = NLMSG_HDRLEN;

	memset(buf, 0, 1024);
	memset(&m, 0, sizeof(m));
	m.idiag_family = family;
	m.idiag_state = state;
	m.id.idiag_sport = htons(40000);
	m.id.idiag_dport = htons(443);
	m.id.idiag_if = 3;
	m.idiag_uid = 1000;
	assert_int_equal(inet_pton(family, src, m.id.idiag_src), 1);
	memcpy(buf + off, &m, sizeof(m));
	off += NLMSG_ALIGN(sizeof(m));
	if (info_len) {
		memset(&ti, 0, sizeof(ti));
		ti.tcpi_retransmits = retransmits;
		ti.tcpi_unacked = 7;
		ti.tcpi_total_retrans = 9;
		ti.tcpi_rtt = 23456;
		ti.tcpi_segs_out = 321;
		a.nla_type = INET_DIAG_INFO;
		a.nla_len = (uint16_t)(NLA_HDRLEN + info_len);
		memcpy(buf + off, &a, sizeof(a));
		memcpy(buf + off + NLA_HDRLEN, &ti, info_len < sizeof(ti) ? info_len : sizeof(ti));
		off += NLA_ALIGN(a.nla_len);
	}
	h.nlmsg_len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	return off;
}

static void test_request(void **state)
{
	uint8_t buf[256];
	struct nlmsghdr h;
	struct inet_diag_req_v2 r;
	int n;

	(void)state;
	n = sockdiag_build_request(buf, sizeof(buf), AF_INET6, 1u << 1 | 1u << 2, 77);
	assert_int_equal(n, NLMSG_LENGTH(sizeof(r)));
	memcpy(&h, buf, sizeof(h));
	memcpy(&r, buf + NLMSG_HDRLEN, sizeof(r));
	assert_int_equal(h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(h.nlmsg_seq, 77);
	assert_int_equal(r.sdiag_family, AF_INET6);
	assert_int_equal(r.sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(r.idiag_ext, 1u << (INET_DIAG_INFO - 1));
	assert_int_equal(r.idiag_states, 6);
	assert_int_equal(sockdiag_build_request(buf, 10, AF_INET6, 2, 1), -ENOBUFS);
}

/* One socket by its addresses: no dump, every state, no cookie. */
static void test_lookup(void **state)
{
	uint8_t buf[256];
	struct nlmsghdr h;
	struct inet_diag_req_v2 r;
	struct in6_addr a, b;
	uint8_t v4[4] = { 127, 0, 0, 153 };
	int n;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.1", &a), 1);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.153", &b), 1);
	n = sockdiag_build_lookup(buf, sizeof(buf), AF_INET, &a, 40001, &b, 53, 9);
	assert_int_equal(n, NLMSG_LENGTH(sizeof(r)));
	memcpy(&h, buf, sizeof(h));
	memcpy(&r, buf + NLMSG_HDRLEN, sizeof(r));
	assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(h.nlmsg_seq, 9);
	assert_int_equal(r.sdiag_family, AF_INET);
	assert_int_equal(r.sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(r.idiag_states, ~0u);
	assert_int_equal(ntohs(r.id.idiag_sport), 40001);
	assert_int_equal(ntohs(r.id.idiag_dport), 53);
	assert_memory_equal(r.id.idiag_dst, v4, 4);
	assert_int_equal(r.id.idiag_dst[1], 0);
	assert_int_equal(r.id.idiag_cookie[0], INET_DIAG_NOCOOKIE);
	assert_int_equal(r.id.idiag_cookie[1], INET_DIAG_NOCOOKIE);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &a), 1);
	n = sockdiag_build_lookup(buf, sizeof(buf), AF_INET6, &a, 1, &a, 53, 1);
	memcpy(&r, buf + NLMSG_HDRLEN, sizeof(r));
	assert_memory_equal(r.id.idiag_src, &a, 16);
	assert_int_equal(sockdiag_build_lookup(buf, 10, AF_INET6, &a, 1, &a, 53, 1), -ENOBUFS);
}

static void test_parse(void **state)
{
	uint8_t buf[1024];
	struct sockdiag_tcp t;
	char s[INET6_ADDRSTRLEN];

	(void)state;
	ts_answer(buf, AF_INET6, 1, "2001:db8:1::5", 2, sizeof(struct tcp_info));
	assert_int_equal(sockdiag_parse((struct nlmsghdr *)buf, &t), 1);
	assert_int_equal(t.family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &t.src, s, sizeof(s)), "2001:db8:1::5");
	assert_int_equal(t.sport, 40000);
	assert_int_equal(t.dport, 443);
	assert_int_equal(t.ifindex, 3);
	assert_int_equal(t.uid, 1000);
	assert_true(t.has_info);
	assert_int_equal(t.retransmits, 2);
	assert_int_equal(t.unacked, 7);
	assert_int_equal(t.total_retrans, 9);
	assert_int_equal(t.rtt_us, 23456);
	assert_true(t.has_segs);
	assert_int_equal(t.segs_out, 321);
	assert_true(sockdiag_stalled(&t));
	/* IPv4 comes v4-mapped; no retransmission: not stalled. */
	ts_answer(buf, AF_INET, 1, "192.168.1.20", 0, sizeof(struct tcp_info));
	assert_int_equal(sockdiag_parse((struct nlmsghdr *)buf, &t), 1);
	assert_true(IN6_IS_ADDR_V4MAPPED(&t.src));
	assert_false(sockdiag_stalled(&t));
	/* An older kernel's shorter tcp_info still carries the counters; one
	 * too short to hold them says nothing (never "stalled"). */
	ts_answer(buf, AF_INET6, 2, "2001:db8::1", 1,
		  offsetof(struct tcp_info, tcpi_total_retrans) + 4);
	assert_int_equal(sockdiag_parse((struct nlmsghdr *)buf, &t), 1);
	assert_true(sockdiag_stalled(&t));
	assert_false(t.has_segs);      /* tcpi_segs_out lies past that end */
	assert_int_equal(t.segs_out, 0);
	ts_answer(buf, AF_INET6, 2, "2001:db8::1", 1, 8);
	assert_int_equal(sockdiag_parse((struct nlmsghdr *)buf, &t), 1);
	assert_false(t.has_info);
	assert_false(sockdiag_stalled(&t));
	ts_answer(buf, AF_INET6, 1, "2001:db8::1", 1, 0);
	assert_int_equal(sockdiag_parse((struct nlmsghdr *)buf, &t), 1);
	assert_false(sockdiag_stalled(&t));
}

static void test_bad(void **state)
{
	uint8_t buf[1024];
	struct sockdiag_tcp t;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr e;
	size_t n;

	(void)state;
	/* Truncated before the diag header. */
	n = ts_answer(buf, AF_INET6, 1, "2001:db8::1", 1, sizeof(struct tcp_info));
	h->nlmsg_len = NLMSG_HDRLEN + 8;
	memset(&t, 0xaa, sizeof(t));
	assert_int_equal(sockdiag_parse(h, &t), -EBADMSG);
	assert_int_equal(t.family, 0xaa);          /* untouched */
	/* An attribute running past the message. */
	h->nlmsg_len = (uint32_t)n - 4;
	assert_int_equal(sockdiag_parse(h, &t), -EBADMSG);
	/* A family we did not ask about. */
	ts_answer(buf, AF_INET6, 1, "2001:db8::1", 1, 0);
	buf[NLMSG_HDRLEN] = AF_UNIX;
	assert_int_equal(sockdiag_parse(h, &t), -EBADMSG);
	/* The end of the dump, and the kernel's error. */
	h->nlmsg_type = NLMSG_DONE;
	assert_int_equal(sockdiag_parse(h, &t), 0);
	memset(&e, 0, sizeof(e));
	e.error = -EPERM;
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(e));
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(h, &t), -EPERM);
	e.error = 5;                                 /* not an errno */
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(h, &t), -EBADMSG);
	h->nlmsg_type = 16 /* RTM_NEWLINK */;
	assert_int_equal(sockdiag_parse(h, &t), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

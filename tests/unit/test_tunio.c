/* SPDX-License-Identifier: MIT */
/* The tunnel's UDP side of src/netlink/tunio.c over loopback sockets (no
 * root, no TUN device): UDP GSO trains sent from a given source address,
 * IPv6 and IPv4 on a dual-stack socket, and the receiver's view of the
 * address each datagram was sent to (what mif-had answers from). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink/tunio.h"

/* A dual-stack UDP socket on [::]:0 asking for packet info; its port. */
static int rx_socket(uint16_t *ret_port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), on = 1, off = 0;

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*ret_port = ntohs(sa.sin6_port);
	return fd;
}

/* One datagram: its length, where it came from and the address it was
 * sent to (tunio_msg_local). */
static ssize_t rx_one(int fd, uint8_t *buf, size_t cap, struct sockaddr_in6 *from,
		      struct in6_addr *local, int *local_rc)
{
	struct {
		_Alignas(struct cmsghdr) char b[TUNIO_CMSG_SPACE];
	} cm;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	assert_int_equal(poll(&p, 1, 2000), 1);
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	*local_rc = tunio_msg_local(&m, local);
	return n;
}

/* Three segments of 100, 100 and 40 octets, each with a 4-octet header. */
static void segs_fill(struct vnet_seg *s, uint8_t *data)
{
	static const size_t len[3] = { 100, 100, 40 };

	for (size_t i = 0; i < 3; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].hdr_len = 4;
		memset(s[i].hdr, 0xa0 + (int)i, 4);
		s[i].data = data + i * 100;
		s[i].data_len = len[i] - 4;
		memset(s[i].data, (int)i, s[i].data_len);
	}
}

static void send_and_check(const char *dst_text, bool gso)
{
	uint8_t data[300], buf[2048];
	struct vnet_seg s[3];
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 }, from;
	struct in6_addr local;
	uint16_t port;
	size_t sent = 0;
	int rx = rx_socket(&port), tx, rc, off = 0;

	assert_int_equal(inet_pton(AF_INET6, dst_text, &to.sin6_addr), 1);
	to.sin6_port = htons(port);
	tx = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_true(tx >= 0);
	assert_int_equal(setsockopt(tx, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)), 0);
	segs_fill(s, data);
	/* From the destination's own address (loopback): accepted, and the
	 * receiver sees where each datagram went. */
	rc = tunio_send_from(tx, &to, sizeof(to), &to.sin6_addr, s, 3, gso, &sent);
	if (gso && rc == -EIO) {
		/* No UDP GSO on this loopback: one by one (as the callers do). */
		rc = tunio_send_from(tx, &to, sizeof(to), &to.sin6_addr, s, 3, false, &sent);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(sent, 3);
	for (size_t i = 0; i < 3; i++) {
		ssize_t n = rx_one(rx, buf, sizeof(buf), &from, &local, &rc);

		assert_int_equal(n, i < 2 ? 100 : 40);
		assert_int_equal(buf[0], 0xa0 + i);
		assert_int_equal(buf[4], i);
		assert_int_equal(rc, 0);
		assert_memory_equal(&local, &to.sin6_addr, 16);
		assert_memory_equal(&from.sin6_addr, &to.sin6_addr, 16);
	}
	close(tx);
	close(rx);
}

static void test_send_from_v6(void **state)
{
	(void)state;
	send_and_check("::1", true);
	send_and_check("::1", false);
}

/* IPv4 on the dual-stack socket: IPV6_PKTINFO with a v4-mapped source
 * (the kernel takes it for IPv4, ip_cmsg_send), IP_PKTINFO back. */
static void test_send_from_v4_mapped(void **state)
{
	(void)state;
	send_and_check("::ffff:127.0.0.1", true);
	send_and_check("::ffff:127.0.0.1", false);
}

/* A source this host does not have is refused, not silently replaced. */
static void test_send_from_foreign(void **state)
{
	uint8_t data[300];
	struct vnet_seg s[3];
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT,
				   .sin6_port = htons(9) };
	struct in6_addr other;
	size_t sent = 99;
	int tx = socket(AF_INET6, SOCK_DGRAM, 0);

	(void)state;
	assert_true(tx >= 0);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::77", &other), 1);
	segs_fill(s, data);
	assert_int_equal(tunio_send_from(tx, &to, sizeof(to), &other, s, 3, false, &sent), -EINVAL);
	assert_int_equal(sent, 0);
	close(tx);
}

/* No packet info asked for: -ENOENT, the out-parameter untouched. */
static void test_msg_local_none(void **state)
{
	struct msghdr m = { 0 };
	struct in6_addr a;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(tunio_msg_local(&m, &a), -ENOENT);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(a.s6_addr[i], 0x5a);
}

/* The receive batch and its second look: three datagrams into slots of
 * two; a full receive is written at once; a receive that empties the
 * socket looks again only while the last packet may go on, keeping the
 * messages it holds; nothing queued is -EAGAIN; a length over TUNIO_BUF
 * is refused. */
static void test_rx_again(void **state)
{
	static struct tunio_rx rx = { .cap = 2 };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	uint16_t port;
	int fd = rx_socket(&port), tx = socket(AF_INET6, SOCK_DGRAM, 0);
	bool drained = true;

	(void)state;
	assert_true(tx >= 0);
	to.sin6_port = htons(port);
	for (uint8_t k = 1; k <= 3; k++)
		assert_int_equal(sendto(tx, &k, 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF + 1), -EINVAL);
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF), 2);
	assert_int_equal(rx.buf[0][0], 1);
	assert_int_equal(rx.buf[1][0], 2);
	assert_false(tunio_rx_again(&rx, 2, true, &drained));   /* full: write */
	assert_false(drained);
	assert_int_equal(rx.slot, 0);
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF), 1);
	drained = false;
	assert_true(tunio_rx_again(&rx, 1, true, &drained));    /* emptied, open */
	assert_true(drained);
	assert_int_equal(rx.slot, 1);
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF), -EAGAIN);
	assert_int_equal(rx.buf[0][0], 3);                      /* kept */
	assert_int_equal(rx.slot, 1);
	/* The next datagram goes to the free slot, after the one held. */
	assert_int_equal(sendto(tx, "\x04", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF), 1);
	assert_int_equal(rx.buf[1][0], 4);
	assert_false(tunio_rx_again(&rx, 1, true, &drained));   /* slots full */
	assert_false(drained);
	assert_int_equal(sendto(tx, "\x05", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF), 1);
	assert_false(tunio_rx_again(&rx, 1, false, &drained));  /* nothing to join */
	assert_true(drained);
	assert_int_equal(rx.slot, 0);
	rx.slot = 2;                                            /* no free slot */
	assert_int_equal(tunio_rx_recv(&rx, fd, TUNIO_BUF), -EINVAL);
	rx.slot = 0;
	close(tx);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_from_v6),
		cmocka_unit_test(test_send_from_v4_mapped),
		cmocka_unit_test(test_send_from_foreign),
		cmocka_unit_test(test_msg_local_none),
		cmocka_unit_test(test_rx_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Unit tests for common/ipc.c: framing over a SOCK_SEQPACKET pair, and a
 * hostile peer's forged datagrams refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc.h"

static struct ipc_msg g_msg;

static int test_setup(void **state)
{
	int *fds = malloc(2 * sizeof(int));

	if (!fds || ipc_pair(fds) < 0) {
		free(fds);
		return -1;
	}
	*state = fds;
	return 0;
}

static int test_teardown(void **state)
{
	int *fds = *state;

	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(fds);
	return 0;
}

static void test_pair_flags(void **state)
{
	int *fds = *state;
	int type;
	socklen_t len = sizeof(type);

	for (int i = 0; i < 2; i++) {
		assert_true(fcntl(fds[i], F_GETFL) & O_NONBLOCK);
		assert_true(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
		assert_int_equal(getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type, &len), 0);
		assert_int_equal(type, SOCK_SEQPACKET);
	}
}

static void test_round_trip(void **state)
{
	int *fds = *state;
	static uint8_t big[IPC_MAX_PAYLOAD];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);

	/* Empty payload (data may be NULL). */
	assert_int_equal(ipc_send(fds[0], 17, NULL, 0), 0);
	memset(&g_msg, 0xee, sizeof(g_msg));
	assert_int_equal(ipc_recv(fds[1], &g_msg), 1);
	assert_int_equal(g_msg.hdr.type, 17);
	assert_int_equal(g_msg.hdr.len, 0);
	assert_int_equal(ipc_expect(&g_msg, 0), 0);
	assert_int_equal(ipc_expect(&g_msg, 1), -EBADMSG);

	/* One byte. */
	assert_int_equal(ipc_send(fds[0], 2, "\x5a", 1), 0);
	assert_int_equal(ipc_recv(fds[1], &g_msg), 1);
	assert_int_equal(g_msg.hdr.type, 2);
	assert_int_equal(g_msg.hdr.len, 1);
	assert_int_equal(g_msg.data[0], 0x5a);
	assert_int_equal(ipc_expect(&g_msg, 1), 0);
	assert_int_equal(ipc_expect(&g_msg, 0), -EBADMSG);
	assert_int_equal(ipc_expect(&g_msg, 2), -EBADMSG);

	/* The largest payload, both ways. */
	assert_int_equal(ipc_send(fds[0], 0xfffffffeu, big, sizeof(big)), 0);
	memset(&g_msg, 0, sizeof(g_msg));
	assert_int_equal(ipc_recv(fds[1], &g_msg), 1);
	assert_int_equal(g_msg.hdr.type, 0xfffffffeu);
	assert_int_equal(g_msg.hdr.len, IPC_MAX_PAYLOAD);
	assert_memory_equal(g_msg.data, big, sizeof(big));
	assert_int_equal(ipc_expect(&g_msg, IPC_MAX_PAYLOAD), 0);
	assert_int_equal(ipc_send(fds[1], 9, big, 100), 0);
	assert_int_equal(ipc_recv(fds[0], &g_msg), 1);
	assert_int_equal(g_msg.hdr.type, 9);
	assert_int_equal(g_msg.hdr.len, 100);
	assert_memory_equal(g_msg.data, big, 100);

	/* Nothing left. */
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EAGAIN);
	assert_int_equal(ipc_recv(fds[0], &g_msg), -EAGAIN);
}

static void test_order_and_boundaries(void **state)
{
	int *fds = *state;

	/* Messages keep their boundaries and their order. */
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(ipc_send(fds[0], 100 + i, "abcdefgh", i), 0);
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(ipc_recv(fds[1], &g_msg), 1);
		assert_int_equal(g_msg.hdr.type, 100 + i);
		assert_int_equal(g_msg.hdr.len, i);
		assert_memory_equal(g_msg.data, "abcdefgh", i);
	}
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EAGAIN);
}

static void test_too_big(void **state)
{
	int *fds = *state;
	static uint8_t big[IPC_MAX_PAYLOAD + 1];

	assert_int_equal(ipc_send(fds[0], 1, big, sizeof(big)), -EMSGSIZE);
	assert_int_equal(ipc_send(fds[0], 1, big, SIZE_MAX), -EMSGSIZE);
	/* Nothing was sent. */
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EAGAIN);
}

static void test_eof(void **state)
{
	int *fds = *state;

	/* A queued message is still read before the end. */
	assert_int_equal(ipc_send(fds[0], 3, "xy", 2), 0);
	close(fds[0]);
	fds[0] = -1;
	assert_int_equal(ipc_recv(fds[1], &g_msg), 1);
	assert_int_equal(g_msg.hdr.type, 3);
	assert_int_equal(ipc_recv(fds[1], &g_msg), 0);
	assert_int_equal(ipc_recv(fds[1], &g_msg), 0);
	/* Sending to a closed peer: an error, not SIGPIPE (whose default
	 * action would end this test). */
	signal(SIGPIPE, SIG_DFL);
	assert_int_equal(ipc_send(fds[1], 1, "a", 1), -EPIPE);
}

static void test_bad_fd(void **state)
{
	(void)state;
	assert_int_equal(ipc_send(-1, 1, "a", 1), -EBADF);
	assert_int_equal(ipc_recv(-1, &g_msg), -EBADF);
}

/* A datagram written with plain send(), bypassing ipc_send(). */
static void test_forge(int fd, const void *data, size_t len)
{
	assert_int_equal(send(fd, data, len, 0), (ssize_t)len);
}

static void test_forged(void **state)
{
	int *fds = *state;
	uint8_t raw[64] = { 0 };     /* every byte sent is defined (valgrind) */
	struct ipc_hdr h;
	uint8_t *huge;
	size_t hugelen = sizeof(struct ipc_msg) + 1;

	/* Header says 10 bytes of payload, datagram carries 4. */
	h.type = 1;
	h.len = 10;
	memcpy(raw, &h, sizeof(h));
	memset(raw + sizeof(h), 0x11, 4);
	test_forge(fds[0], raw, sizeof(h) + 4);
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);

	/* Header says 0, datagram carries 8 more bytes. */
	h.len = 0;
	memcpy(raw, &h, sizeof(h));
	test_forge(fds[0], raw, sizeof(h) + 8);
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);

	/* A length that would wrap. */
	h.len = UINT32_MAX;
	memcpy(raw, &h, sizeof(h));
	test_forge(fds[0], raw, sizeof(h));
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);

	/* A descriptor that comes with a malformed message is closed, not
	 * left open in the receiver (a peer could fill its table). */
	{
		struct iovec iov = { .iov_base = raw, .iov_len = sizeof(h) + 4 };
		union {
			struct cmsghdr c;
			char b[CMSG_SPACE(sizeof(int))];
		} cb;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
				     .msg_controllen = sizeof(cb.b) };
		struct cmsghdr *c;
		int pass = dup(0), probe;

		assert_true(pass >= 0);
		h.len = 10;
		memcpy(raw, &h, sizeof(h));
		memset(&cb, 0, sizeof(cb));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass, sizeof(int));
		assert_int_equal(sendmsg(fds[0], &mh, 0), (ssize_t)iov.iov_len);
		close(pass);
		assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);
		assert_int_equal(g_msg.fd, -1);
		/* The lowest free descriptor is the one it arrived as. */
		probe = dup(0);
		assert_int_equal(probe, pass);
		close(probe);
	}

	/* Shorter than the header: 1 and 7 bytes. */
	test_forge(fds[0], raw, 1);
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);
	test_forge(fds[0], raw, sizeof(h) - 1);
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);

	/* Larger than any message: truncated, refused, even though what fits
	 * looks consistent (the header claims exactly the payload received). */
	huge = calloc(1, hugelen);
	assert_non_null(huge);
	h.len = IPC_MAX_PAYLOAD;
	memcpy(huge, &h, sizeof(h));
	test_forge(fds[0], huge, hugelen);
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EBADMSG);
	free(huge);

	/* A well-formed forged one is accepted, and nothing was left over. */
	h.type = 77;
	h.len = 3;
	memcpy(raw, &h, sizeof(h));
	memcpy(raw + sizeof(h), "abc", 3);
	test_forge(fds[0], raw, sizeof(h) + 3);
	assert_int_equal(ipc_recv(fds[1], &g_msg), 1);
	assert_int_equal(g_msg.hdr.type, 77);
	assert_int_equal(g_msg.hdr.len, 3);
	assert_memory_equal(g_msg.data, "abc", 3);
	assert_int_equal(ipc_recv(fds[1], &g_msg), -EAGAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pair_flags, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_order_and_boundaries, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_too_big, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_eof, test_setup, test_teardown),
		cmocka_unit_test(test_bad_fd),
		cmocka_unit_test_setup_teardown(test_forged, test_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

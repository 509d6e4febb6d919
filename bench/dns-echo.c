/* SPDX-License-Identifier: MIT */
/*
 * bench/dns-echo: the ceiling for bench/dns.sh. A UDP "DNS server" that
 * answers every query with its own header and question, QR set, no records
 * (NOERROR, no answer). It does the least work any server could: one
 * recvmmsg(2) takes up to BATCH queries, one sendmmsg(2) sends their
 * answers. Anything that is not a query with one question is dropped.
 * Usage: dns-echo ADDR [PORT]   (default port 53; runs until killed)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define BUFSZ 1232

/* Length of the header and the one question of a query of LEN octets,
 * or 0 if it is not a plain query with one uncompressed question. */
static size_t question_end(const unsigned char *p, size_t len)
{
	size_t off = 12;

	if (len < 12 || (p[2] & 0x80) || (p[2] & 0x78) || p[4] != 0 || p[5] != 1)
		return 0;
	while (off < len && p[off] != 0) {
		if (p[off] > 63)
			return 0;
		off += 1 + (size_t)p[off];
	}
	off += 1 + 4;    /* root label, QTYPE, QCLASS */
	return off <= len ? off : 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[BATCH][BUFSZ];
	struct sockaddr_storage ss, peer[BATCH];
	struct mmsghdr in[BATCH], out[BATCH];
	struct iovec iov[BATCH], oiov[BATCH];
	socklen_t sl;
	int fd, i, n, k, one = 1;
	long port = argc > 2 ? strtol(argv[2], NULL, 10) : 53;

	memset(&ss, 0, sizeof(ss));
	if (argc < 2 || port <= 0 || port > 65535) {
		fprintf(stderr, "usage: dns-echo ADDR [PORT]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[1], &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "dns-echo: bad address %s\n", argv[1]);
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		perror("dns-echo: socket/bind");
		return 1;
	}
	printf("dns-echo: listening on %s port %ld\n", argv[1], port);
	fflush(stdout);
	for (;;) {
		for (i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ .iov_base = buf[i], .iov_len = BUFSZ };
			in[i].msg_hdr = (struct msghdr){ .msg_name = &peer[i],
				.msg_namelen = sizeof(peer[i]), .msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("dns-echo: recvmmsg");
			return 1;
		}
		for (i = 0, k = 0; i < n; i++) {
			size_t len = question_end(buf[i], in[i].msg_len);

			if (len == 0 || (in[i].msg_hdr.msg_flags & MSG_TRUNC))
				continue;
			buf[i][2] |= 0x80;                 /* QR; opcode 0, RD kept */
			buf[i][3] = 0x80;                  /* RA, rcode NOERROR */
			memset(buf[i] + 6, 0, 6);          /* no answer, authority, additional */
			oiov[k] = (struct iovec){ .iov_base = buf[i], .iov_len = len };
			out[k].msg_hdr = (struct msghdr){ .msg_name = &peer[i],
				.msg_namelen = in[i].msg_hdr.msg_namelen, .msg_iov = &oiov[k],
				.msg_iovlen = 1 };
			k++;
		}
		for (i = 0; i < k;) {
			int s = sendmmsg(fd, out + i, (unsigned)(k - i), 0);

			if (s < 0 && errno == EINTR)
				continue;
			if (s <= 0)
				break;    /* a full socket buffer drops the rest, as UDP may */
			i += s;
		}
	}
}

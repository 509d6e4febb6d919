/* SPDX-License-Identifier: MIT */
/*
 * tcpget ADDR PORT: connect over TCP (IPv4 or IPv6, a literal address),
 * print what the server sends until it closes. Built statically by the
 * world tests at run time (tests/world/cgroup.sh, cg_tcpget): a program
 * no preload reaches, for cgroup steering (doc/steering.md). Not built by
 * meson: a sanitized build cannot link statically.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	struct timeval tv = { 3, 0 };
	socklen_t len;
	char buf[256];
	ssize_t n;
	int fd;

	if (argc != 3)
		return 2;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[1], &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)atoi(argv[2]));
		len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)atoi(argv[2]));
		len = sizeof(*v6);
	} else {
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return perror("connect"), 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}

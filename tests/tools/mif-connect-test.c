/* SPDX-License-Identifier: MIT */
/*
 * mif-connect-test: connect through libmif's mif_connect_ex() (PvDs raced,
 * RFC 8305 across networks) and print who answered, for the test worlds
 * (tests/world/test-connect-race.sh). Not installed.
 *
 *   mif-connect-test [--socket PATH] [--pvd ID]... [--delay MS]
 *                    [--timeout MS] NAME PORT
 *
 * --pvd (up to 8, in order) races those PvDs; none: mifd's order. On
 * success it prints "connected pvd HANDLE ms T: LINE", T the call's
 * duration in milliseconds and LINE the first line the server sent
 * (mif-whoami's "NAME PEER"); on failure "error ENAME: text ms T".
 *
 * Exit status: 0 connected, 1 failure, 2 bad arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mif/mif.h>
#include <mif/pvd.h>

#define CT_LINE 512

static long ct_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int ct_usage(void)
{
	fprintf(stderr, "usage: mif-connect-test [--socket PATH] [--pvd ID]... [--delay MS] "
		"[--timeout MS] NAME PORT\n");
	return 2;
}

/* The first line fd sends (at most CT_LINE - 1 bytes, without "\n"). */
static void ct_read_line(int fd, char *buf)
{
	size_t n = 0;

	while (n < CT_LINE - 1) {
		ssize_t k = read(fd, buf + n, 1);

		if (k <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "pvd", required_argument, NULL, 'p' },
		{ "delay", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 } };
	const char *sock = NULL, *pvds[MIF_CONNECT_MAX_PVDS];
	struct mif_connect_opts o = { .pvds = pvds, .timeout_ms = 10000 };
	char err[512], line[CT_LINE];
	mif_pvd_handle h = 0;
	struct mif_ctl *c;
	struct timespec t0;
	int ch, fd, r;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			sock = optarg;
		else if (ch == 'p' && o.n_pvds < MIF_CONNECT_MAX_PVDS)
			pvds[o.n_pvds++] = optarg;
		else if (ch == 'd')
			o.attempt_delay_ms = atoi(optarg);
		else if (ch == 't')
			o.timeout_ms = atoi(optarg);
		else
			return ct_usage();
	}
	if (argc - optind != 2)
		return ct_usage();
	r = mif_ctl_open(sock, &c);
	if (r < 0) {
		printf("error %s: cannot reach mifd\n", strerrorname_np(-r));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = mif_connect_ex(c, argv[optind], (uint16_t)atoi(argv[optind + 1]), &o, &h, err,
			    sizeof(err));
	if (fd < 0) {
		const char *n = strerrorname_np(-fd);

		printf("error %s: %s ms %ld\n", n ? n : "E?", err, ct_ms(&t0));
		mif_ctl_close(c);
		return 1;
	}
	printf("connected pvd %llu ms %ld: ", (unsigned long long)h, ct_ms(&t0));
	ct_read_line(fd, line);
	printf("%s\n", line);
	close(fd);
	mif_ctl_close(c);
	return 0;
}

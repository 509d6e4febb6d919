/* SPDX-License-Identifier: MIT */
/*
 * libmif-preload.so: run an unmodified, dynamically linked program inside
 * one PvD (mifctl run --pvd ID -- COMMAND, doc/run.md). It is loaded with
 * LD_PRELOAD and reads MIF_RUN_PVD (the PvD's handle, so that a PvD that
 * leaves and comes back is not silently reused) and MIF_SOCKET once, when
 * it is loaded: a program that clears its environment stays in the PvD.
 *
 *   - socket(): every IPv4 and IPv6 socket is bound to the PvD with
 *     mif_bind_pvd() before the program sees it. If that fails the call
 *     fails: never a socket that would leave by another network.
 *   - connect(): binds a socket that socket() did not see, or that is
 *     marked for another PvD; lets IPv6 stream sockets reach loopback
 *     (mifd binds them to an interface).
 *   - getaddrinfo(): names are resolved by mifd inside the PvD only
 *     (mif_resolve(): its servers, its cache, RFC 6724 order with its
 *     addresses). Numeric hosts, "localhost" and /etc/hosts names are
 *     answered locally. freeaddrinfo() frees our lists and passes the
 *     others on. gethostbyname() and friends: the same lookup.
 *
 * Global state: the environment read at load, the real functions looked
 * up once, the PvD's routing mark once seen (and gethostbyname()'s
 * per-thread answer). libmif's own AF_UNIX sockets pass through socket()
 * untouched, so nothing recurses.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/dlsym.h"
#include "mif/mif.h"
#include "mif/pvd.h"

#define MIF_PRE_PUBLIC __attribute__((visibility("default")))
/* Addresses asked of mifd, and read from /etc/hosts, per name. */
#define MIF_PRE_MAX_ADDRS 64
/* Socket types per address: stream, datagram and, without a service, raw. */
#define MIF_PRE_MAX_KINDS 3
/* Marks our addrinfo nodes (xor'ed with the node's address). */
#define MIF_PRE_MAGIC 0x6d69662d70726531ULL

typedef int (*mif_pre_socket_fn)(int, int, int);
typedef int (*mif_pre_gai_fn)(const char *, const char *, const struct addrinfo *,
			      struct addrinfo **);
typedef void (*mif_pre_fai_fn)(struct addrinfo *);
typedef int (*mif_pre_connect_fn)(int, const struct sockaddr *, socklen_t);

static pthread_once_t mif_pre_once = PTHREAD_ONCE_INIT;
static mif_pre_socket_fn mif_pre_real_socket;
static mif_pre_gai_fn mif_pre_real_gai;
static mif_pre_fai_fn mif_pre_real_fai;
static mif_pre_connect_fn mif_pre_real_connect;

/* One of our addrinfo nodes: the address lives in the same block. The
 * magic sits between them, where a node of the real getaddrinfo() has its
 * address, so a foreign node is never taken for ours. */
struct mif_pre_node {
	struct addrinfo ai;
	uint64_t magic;
	struct sockaddr_storage ss;
};

/* A socket type to return for every address, with its port. */
struct mif_pre_kind {
	int socktype, protocol;
	uint16_t port;
};

static void mif_pre_init(void)
{
	MIF_DLSYM(mif_pre_real_socket, RTLD_NEXT, "socket");
	MIF_DLSYM(mif_pre_real_gai, RTLD_NEXT, "getaddrinfo");
	MIF_DLSYM(mif_pre_real_fai, RTLD_NEXT, "freeaddrinfo");
	MIF_DLSYM(mif_pre_real_connect, RTLD_NEXT, "connect");
}

/* MIF_RUN_PVD and MIF_SOCKET as they were at load: a program that clears
 * or rewrites its environment (clearenv(), a daemon's sanitising) must not
 * turn into one whose sockets use the default network. */
static char mif_pre_env_pvd[MIF_PVD_ID_MAX];
static char mif_pre_env_sock[PATH_MAX];
/* The PvD's routing mark, from the first socket mifd bound (0: not yet). */
static unsigned mif_pre_mark;

/* Copy a variable; one too long for us keeps a value that cannot work
 * ("0" is never a handle, a path of PATH_MAX - 1 never fits a socket
 * address), so that it fails rather than naming something else. */
static void mif_pre_env_copy(const char *name, char *buf, size_t len, const char *too_long)
{
	const char *v = getenv(name);

	if (!v)
		return;
	if (strlen(v) < len) {
		memcpy(buf, v, strlen(v) + 1);
		return;
	}
	if (too_long) {
		snprintf(buf, len, "%s", too_long);
		return;
	}
	memset(buf, 'x', len - 1);
	buf[0] = '/';
	buf[len - 1] = '\0';
}

__attribute__((constructor)) static void mif_pre_load(void)
{
	mif_pre_env_copy("MIF_RUN_PVD", mif_pre_env_pvd, sizeof(mif_pre_env_pvd), "0");
	mif_pre_env_copy("MIF_SOCKET", mif_pre_env_sock, sizeof(mif_pre_env_sock), NULL);
}

/* The PvD to use, or NULL when the program runs outside mifctl run. */
static const char *mif_pre_pvd(void)
{
	return mif_pre_env_pvd[0] ? mif_pre_env_pvd : NULL;
}

/* mifd's control socket, as given at load (libmif would read the
 * environment again). */
static const char *mif_pre_sock(void)
{
	return mif_pre_env_sock[0] ? mif_pre_env_sock : MIF_DEFAULT_SOCKET_PATH;
}

/* ---- socket() ---- */

/* Resource shortages keep their errno (the program knows what to do with
 * them); anything else means "this PvD cannot carry it". */
static int mif_pre_bind_errno(int r)
{
	switch (-r) {
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case ENOBUFS:
		return -r;
	default:
		return ENETUNREACH;
	}
}

/* Bind fd to pvd; 0, or -1 with errno set and a word on stderr. The mark
 * mifd set is remembered: connect() compares sockets with it. */
static int mif_pre_bind(int fd, const char *pvd)
{
	char err[256];
	int r = mif_bind_pvd(mif_pre_sock(), fd, pvd, err, sizeof(err));
	unsigned mark = 0;
	socklen_t l = sizeof(mark);

	if (r == 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &l) == 0 && mark)
			__atomic_store_n(&mif_pre_mark, mark, __ATOMIC_RELAXED);
		return 0;
	}
	fprintf(stderr, "mif: a socket could not be bound to PvD %s: %s\n", pvd, err);
	errno = mif_pre_bind_errno(r);
	return -1;
}

MIF_PRE_PUBLIC int socket(int domain, int type, int protocol)
{
	const char *pvd;
	int fd, e;

	pthread_once(&mif_pre_once, mif_pre_init);
	if (!mif_pre_real_socket) {
		errno = ENOSYS;
		return -1;
	}
	fd = mif_pre_real_socket(domain, type, protocol);
	/* Raw and SCTP sockets too: whatever can leave by IP is bound. */
	if (fd < 0 || (domain != AF_INET && domain != AF_INET6) || !(pvd = mif_pre_pvd()))
		return fd;
	if (mif_pre_bind(fd, pvd) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* ---- connect(): loopback, and sockets socket() never saw ---- */

/* A loopback destination: 127/8, ::1, ::ffff:127/104. */
static int mif_pre_is_loopback(const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

	if (sa->sa_family == AF_INET && len >= sizeof(*s4))
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6 || len < sizeof(*s6))
		return 0;
	return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
	       (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && s6->sin6_addr.s6_addr[12] == 127);
}

/* An int socket option (name and level), read before and set after. */
static const struct { int level, name; } mif_pre_opts[] = {
	{ SOL_SOCKET, SO_REUSEADDR }, { SOL_SOCKET, SO_REUSEPORT }, { SOL_SOCKET, SO_KEEPALIVE },
	{ SOL_SOCKET, SO_RCVBUF }, { SOL_SOCKET, SO_SNDBUF }, { SOL_SOCKET, SO_OOBINLINE },
	{ SOL_SOCKET, SO_PRIORITY }, { IPPROTO_IPV6, IPV6_V6ONLY }, { IPPROTO_IPV6, IPV6_TCLASS },
	{ IPPROTO_TCP, TCP_NODELAY }, { IPPROTO_TCP, TCP_KEEPIDLE }, { IPPROTO_TCP, TCP_KEEPINTVL },
	{ IPPROTO_TCP, TCP_KEEPCNT }, { IPPROTO_TCP, TCP_USER_TIMEOUT },
	{ IPPROTO_TCP, TCP_FASTOPEN_CONNECT },
};

/* Copy the options a program commonly sets before connect(). */
static void mif_pre_copy_opts(int from, int to)
{
	struct linger lg;
	struct timeval tv;
	socklen_t l;
	int v;

	for (size_t i = 0; i < sizeof(mif_pre_opts) / sizeof(mif_pre_opts[0]); i++) {
		l = sizeof(v);
		if (getsockopt(from, mif_pre_opts[i].level, mif_pre_opts[i].name, &v, &l) < 0)
			continue;
		/* The kernel doubles buffer sizes on set and reports them doubled. */
		if (mif_pre_opts[i].level == SOL_SOCKET &&
		    (mif_pre_opts[i].name == SO_RCVBUF || mif_pre_opts[i].name == SO_SNDBUF))
			v /= 2;
		setsockopt(to, mif_pre_opts[i].level, mif_pre_opts[i].name, &v, sizeof(v));
	}
	l = sizeof(lg);
	if (getsockopt(from, SOL_SOCKET, SO_LINGER, &lg, &l) == 0)
		setsockopt(to, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	l = sizeof(tv);
	if (getsockopt(from, SOL_SOCKET, SO_RCVTIMEO, &tv, &l) == 0)
		setsockopt(to, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	l = sizeof(tv);
	if (getsockopt(from, SOL_SOCKET, SO_SNDTIMEO, &tv, &l) == 0)
		setsockopt(to, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Has the program bound fd to a local address or port? */
static int mif_pre_locally_bound(int fd)
{
	struct sockaddr_in6 s6;
	socklen_t l = sizeof(s6);

	if (getsockname(fd, (struct sockaddr *)&s6, &l) < 0 || s6.sin6_family != AF_INET6)
		return 1;
	return s6.sin6_port != 0 || !IN6_IS_ADDR_UNSPECIFIED(&s6.sin6_addr);
}

/*
 * mifd binds an IPv6 socket to the PvD's interface, and a socket bound to
 * eth0 cannot reach ::1 (the local route is on lo). Loopback traffic never
 * leaves the host, so an unbound stream socket in the same descriptor does
 * no harm; connect() below binds it again if it is ever pointed elsewhere.
 * Datagram sockets are left as they are (they could send anywhere later).
 */
static void mif_pre_unbind_for_loopback(int fd)
{
	int type = 0, proto = 0, dev = 0, fl, fdfl, nfd;
	socklen_t l = sizeof(dev);

	if (getsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &dev, &l) < 0 || dev == 0)
		return;
	l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0 || type != SOCK_STREAM)
		return;
	l = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) < 0 || mif_pre_locally_bound(fd))
		return;
	if ((fl = fcntl(fd, F_GETFL)) < 0 || (fdfl = fcntl(fd, F_GETFD)) < 0)
		return;
	nfd = mif_pre_real_socket(AF_INET6, SOCK_STREAM | (fl & O_NONBLOCK ? SOCK_NONBLOCK : 0),
				  proto);
	if (nfd < 0)
		return;
	mif_pre_copy_opts(fd, nfd);
	dup3(nfd, fd, fdfl & FD_CLOEXEC ? O_CLOEXEC : 0);
	close(nfd);
}

/* Not bound to this PvD: unmarked (made some other way: accept(), an
 * inherited one), or marked for another PvD (inherited from a program run
 * in another one). Until a bind has shown this PvD's mark, any marked
 * socket is bound again: that costs a request, never a wrong network. */
static int mif_pre_foreign(int fd)
{
	int dom = 0;
	unsigned mark = 0, ours = __atomic_load_n(&mif_pre_mark, __ATOMIC_RELAXED);
	socklen_t l = sizeof(dom);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0 ||
	    (dom != AF_INET && dom != AF_INET6))
		return 0;
	l = sizeof(mark);
	return getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &l) == 0 && (mark == 0 || mark != ours);
}

/* glibc declares connect() with a transparent union (__CONST_SOCKADDR_ARG)
 * under _GNU_SOURCE, which this file needs for RTLD_NEXT; the definition
 * has POSIX's type, which is ABI-identical but not "compatible" to
 * -Wpedantic. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
MIF_PRE_PUBLIC int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	const char *pvd = mif_pre_pvd();

	pthread_once(&mif_pre_once, mif_pre_init);
	if (!mif_pre_real_connect) {
		errno = ENOSYS;
		return -1;
	}
	if (pvd && sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
		if (mif_pre_is_loopback(sa, len)) {
			if (sa->sa_family == AF_INET6)
				mif_pre_unbind_for_loopback(fd);
		} else if (mif_pre_foreign(fd) && mif_pre_bind(fd, pvd) < 0) {
			return -1;
		}
	}
	return mif_pre_real_connect(fd, sa, len);
}
#pragma GCC diagnostic pop

/* ---- names that never go to a PvD ---- */

/* "localhost" and names under it (RFC 6761 section 6.3). */
static int mif_pre_is_localhost(const char *node)
{
	size_t n = strlen(node), l = strlen("localhost");

	if (n && node[n - 1] == '.')
		n--;
	if (n < l || strncasecmp(node + n - l, "localhost", l) != 0)
		return 0;
	return n == l || node[n - l - 1] == '.';
}

/* An address written as text: the real getaddrinfo() sends no query. */
static int mif_pre_is_numeric(const char *node)
{
	struct in6_addr a6;
	struct in_addr a4;
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(node, '%');

	if (inet_aton(node, &a4))
		return 1;
	if (!pct)
		return inet_pton(AF_INET6, node, &a6) == 1;
	if ((size_t)(pct - node) >= sizeof(buf))
		return 0;
	memcpy(buf, node, (size_t)(pct - node));
	buf[pct - node] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

/* Fill one address of a /etc/hosts line; 0 if it is not one. */
static int mif_pre_hosts_addr(const char *txt, struct mif_addr *a)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->addr;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, txt, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		a->addr_len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, txt, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		a->addr_len = sizeof(*s6);
	} else {
		return 0;
	}
	a->src_len = 1;  /* local configuration: never dropped as unusable */
	return 1;
}

/* Does a hosts line (text after the address) list name? */
static int mif_pre_hosts_names(char *rest, const char *name, size_t len)
{
	char *save = NULL;

	for (char *t = strtok_r(rest, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
		if (strlen(t) == len && strncasecmp(t, name, len) == 0)
			return 1;
	return 0;
}

/* The addresses /etc/hosts gives name, in file order (local configuration
 * wins over any network, as with "hosts: files dns"). */
static size_t mif_pre_hosts(const char *name, struct mif_addr *out, size_t cap)
{
	FILE *f = fopen("/etc/hosts", "re");
	size_t len = strlen(name), n = 0, sz = 0;
	char *line = NULL, *save = NULL, *addr, *hash;

	if (len && name[len - 1] == '.')
		len--;
	if (!f || len == 0) {
		if (f)
			fclose(f);
		return 0;
	}
	while (n < cap && getline(&line, &sz, f) > 0) {
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		addr = strtok_r(line, " \t\r\n", &save);
		if (addr && mif_pre_hosts_addr(addr, &out[n]) &&
		    mif_pre_hosts_names(save, name, len))
			n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* ---- the service and hints ---- */

/* service as a number, or -1. "" is 0, as glibc's strtoul() reads it. */
static int mif_pre_numeric_port(const char *service)
{
	char *end;
	long v;

	if (!*service)
		return 0;
	errno = 0;
	v = strtol(service, &end, 10);
	if (!*end && !isspace((unsigned char)*service) && v >= 0 && v <= 65535 && !errno)
		return (int)v;
	return -1;
}

/* The port of service for protocol ("tcp", "udp"); -1 if it has none. */
static int mif_pre_port(const char *service, int flags, const char *proto)
{
	struct servent se, *res = NULL;
	char buf[1024];
	int v;

	if (!service)
		return 0;
	if ((v = mif_pre_numeric_port(service)) >= 0)
		return v;
	if ((flags & AI_NUMERICSERV) || !proto)
		return -1;
	if (getservbyname_r(service, proto, &se, buf, sizeof(buf), &res) != 0 || !res)
		return -1;
	return ntohs((uint16_t)res->s_port);
}

/* Add kind (socktype, protocol) if the service exists for it. */
static void mif_pre_kind_add(struct mif_pre_kind *k, size_t *n, int socktype, int protocol,
			     const char *service, int flags)
{
	const char *proto = protocol == IPPROTO_TCP ? "tcp" : protocol == IPPROTO_UDP ? "udp" : NULL;
	int port = mif_pre_port(service, flags, proto);

	if (port < 0 || *n >= MIF_PRE_MAX_KINDS)
		return;
	k[*n].socktype = socktype;
	k[*n].protocol = protocol;
	k[*n].port = (uint16_t)port;
	(*n)++;
}

/* Which socket types to return, as the real getaddrinfo() would: stream
 * and datagram (and raw when there is no service) unless the hints pick
 * one. Returns 0 or an EAI_ code. */
static int mif_pre_kinds(const char *service, const struct addrinfo *h, struct mif_pre_kind *k,
			 size_t *n)
{
	int st = h->ai_socktype, pr = h->ai_protocol;

	*n = 0;
	/* glibc: a name where AI_NUMERICSERV wants a number is no name. */
	if (service && (h->ai_flags & AI_NUMERICSERV) && mif_pre_numeric_port(service) < 0)
		return EAI_NONAME;
	if (st == SOCK_RAW) {
		if (service)
			return EAI_SERVICE;
		mif_pre_kind_add(k, n, SOCK_RAW, pr, NULL, 0);
		return 0;
	}
	if (st != 0 && st != SOCK_STREAM && st != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if (pr != 0 && pr != IPPROTO_TCP && pr != IPPROTO_UDP)
		return EAI_SOCKTYPE;
	if ((st == SOCK_STREAM && pr == IPPROTO_UDP) || (st == SOCK_DGRAM && pr == IPPROTO_TCP))
		return EAI_SOCKTYPE;
	if ((st == 0 || st == SOCK_STREAM) && pr != IPPROTO_UDP)
		mif_pre_kind_add(k, n, SOCK_STREAM, IPPROTO_TCP, service, h->ai_flags);
	if ((st == 0 || st == SOCK_DGRAM) && pr != IPPROTO_TCP)
		mif_pre_kind_add(k, n, SOCK_DGRAM, IPPROTO_UDP, service, h->ai_flags);
	if (st == 0 && pr == 0 && !service)
		mif_pre_kind_add(k, n, SOCK_RAW, 0, NULL, 0);
	return *n ? 0 : EAI_SERVICE;
}

/* ---- building the list ---- */

static int mif_pre_is_ours(const struct addrinfo *ai)
{
	const struct mif_pre_node *nd = (const struct mif_pre_node *)ai;

	/* Compare the pointer first: only then is the magic inside the node. */
	return ai->ai_addr == (const struct sockaddr *)&nd->ss &&
	       nd->magic == (MIF_PRE_MAGIC ^ (uint64_t)(uintptr_t)nd);
}

static void mif_pre_free(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai->ai_canonname);
		free(ai);
		ai = next;
	}
}

/* Copy a (IPv4 as ::ffff:a.b.c.d when map) with port into a new node. */
static struct addrinfo *mif_pre_node_new(const struct mif_addr *a, int map,
					 const struct mif_pre_kind *k)
{
	struct mif_pre_node *nd = calloc(1, sizeof(*nd));
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&nd->ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->addr;

	if (!nd)
		return NULL;
	nd->magic = MIF_PRE_MAGIC ^ (uint64_t)(uintptr_t)nd;
	nd->ai.ai_addr = (struct sockaddr *)&nd->ss;
	if (map) {
		s6->sin6_family = AF_INET6;
		addr_v4_mapped(s4->sin_addr, &s6->sin6_addr);
		nd->ai.ai_addrlen = sizeof(*s6);
	} else {
		memcpy(&nd->ss, &a->addr, a->addr_len);
		nd->ai.ai_addrlen = a->addr_len;
	}
	nd->ai.ai_family = nd->ss.ss_family;
	if (nd->ss.ss_family == AF_INET6)
		s6->sin6_port = htons(k->port);
	else
		((struct sockaddr_in *)&nd->ss)->sin_port = htons(k->port);
	nd->ai.ai_socktype = k->socktype;
	nd->ai.ai_protocol = k->protocol;
	return &nd->ai;
}

/* May address a be returned for hints h? *map: as a v4-mapped IPv6 one. */
static int mif_pre_wanted(const struct mif_addr *a, const struct addrinfo *h, int have6,
			  int *map)
{
	int fam = a->addr.ss_family, v4m = (h->ai_flags & AI_V4MAPPED) != 0;

	*map = 0;
	if (h->ai_family == AF_UNSPEC || h->ai_family == fam)
		return 1;
	if (h->ai_family == AF_INET6 && fam == AF_INET && v4m &&
	    (!have6 || (h->ai_flags & AI_ALL)))
		return *map = 1;
	return 0;
}

/* The list for addrs (best first), every kind per address. 0 or EAI_. */
static int mif_pre_build(const char *node, const struct mif_addr *addrs, size_t n,
			 const struct addrinfo *h, const struct mif_pre_kind *k, size_t nk,
			 struct addrinfo **res)
{
	struct addrinfo *head = NULL, **tail = &head;
	int have6 = 0, usable = 0, map;

	for (size_t i = 0; i < n; i++) {
		have6 |= addrs[i].addr.ss_family == AF_INET6;
		usable |= addrs[i].src_len > 0 && mif_pre_wanted(&addrs[i], h, 1, &map);
	}
	for (size_t i = 0; i < n; i++) {
		/* AI_ADDRCONFIG: leave out what the PvD has no source for,
		 * unless that is everything (the error then comes at connect). */
		if (((h->ai_flags & AI_ADDRCONFIG) && usable && !addrs[i].src_len) ||
		    !mif_pre_wanted(&addrs[i], h, have6, &map))
			continue;
		for (size_t j = 0; j < nk; j++) {
			if (!(*tail = mif_pre_node_new(&addrs[i], map, &k[j]))) {
				mif_pre_free(head);
				return EAI_MEMORY;
			}
			tail = &(*tail)->ai_next;
		}
	}
	if (!head)
		return h->ai_family == AF_UNSPEC ? EAI_NONAME : EAI_ADDRFAMILY;
	if ((h->ai_flags & AI_CANONNAME) && !(head->ai_canonname = strdup(node))) {
		mif_pre_free(head);
		return EAI_MEMORY;
	}
	*res = head;
	return 0;
}

/* ---- resolving in the PvD ---- */

/* mif_resolve()'s errors as getaddrinfo() codes. Only a name that does not
 * exist is EAI_NONAME; servers that failed may work later (EAI_AGAIN); a
 * PvD that has gone never comes back under this handle (EAI_FAIL). */
static int mif_pre_eai(int r, const char *pvd, const char *node, const char *err)
{
	switch (-r) {
	case ENODATA:
		return EAI_NONAME;
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case EAGAIN:
		return EAI_AGAIN;
	case ENOMEM:
		return EAI_MEMORY;
	default:
		fprintf(stderr, "mif: cannot resolve %s in PvD %s: %s\n", node, pvd,
			err && *err ? err : strerror(-r));
		return EAI_FAIL;
	}
}

/* A link-local answer means nothing without its link: when the PvD has
 * one interface, that is the link (as "fe80::1%eth0" would say). */
static void mif_pre_scope(struct mif_ctl *c, const char *pvd, struct mif_addr *a, size_t n)
{
	struct mif_pvd_info info;
	unsigned idx = 0;
	int ll = 0;

	for (size_t i = 0; i < n; i++)
		ll |= a[i].addr.ss_family == AF_INET6 &&
		      IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)&a[i].addr)->sin6_addr);
	if (!ll || mif_pvd_get(c, pvd, &info, NULL, 0) < 0 || info.n_interfaces != 1 ||
	    !(idx = if_nametoindex(info.interfaces[0])))
		return;
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a[i].addr;

		if (s6->sin6_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) &&
		    !s6->sin6_scope_id)
			s6->sin6_scope_id = idx;
	}
}

/* Ask mifd for node inside pvd; *n addresses, best first. 0 or EAI_. */
static int mif_pre_resolve(const char *pvd, const char *node, struct mif_addr *out, size_t cap,
			   size_t *n)
{
	struct mif_ctl *c = NULL;
	char err[256] = "";
	int r;

	*n = 0;
	r = mif_ctl_open(mif_pre_sock(), &c);
	if (r == 0)
		r = mif_resolve(c, pvd, node, 0, out, cap, n, err, sizeof(err));
	if (r == 0)
		mif_pre_scope(c, pvd, out, *n);
	mif_ctl_close(c);
	if (r == 0 && *n == 0)
		r = -ENODATA;
	return r < 0 ? mif_pre_eai(r, pvd, node, err) : 0;
}

/*
 * RFC 6761 section 6.3: localhost names are the loopback addresses and are
 * never sent to a resolver (one would take them to a network: the C
 * library's to the system resolver, on the default network). After what
 * /etc/hosts says, a family it gives none of gets ::1 or 127.0.0.1.
 */
static size_t mif_pre_localhost(struct mif_addr *out, size_t n, size_t cap)
{
	int have6 = 0, have4 = 0;

	for (size_t i = 0; i < n; i++) {
		have6 |= out[i].addr.ss_family == AF_INET6;
		have4 |= out[i].addr.ss_family == AF_INET;
	}
	if (!have6 && n < cap && mif_pre_hosts_addr("::1", &out[n]))
		n++;
	if (!have4 && n < cap && mif_pre_hosts_addr("127.0.0.1", &out[n]))
		n++;
	return n;
}

/* node's addresses, best first, from /etc/hosts (and for localhost names
 * the loopback addresses) or else the PvD: 0 and *out (free()), or an
 * EAI_ code. */
static int mif_pre_lookup(const char *pvd, const char *node, struct mif_addr **out, size_t *n)
{
	struct mif_addr *addrs = calloc(MIF_PRE_MAX_ADDRS, sizeof(*addrs));
	int e;

	if (!addrs)
		return EAI_MEMORY;
	*n = mif_pre_hosts(node, addrs, MIF_PRE_MAX_ADDRS);
	if (mif_pre_is_localhost(node))
		*n = mif_pre_localhost(addrs, *n, MIF_PRE_MAX_ADDRS);
	e = *n ? 0 : mif_pre_resolve(pvd, node, addrs, MIF_PRE_MAX_ADDRS, n);
	if (e)
		free(addrs);
	else
		*out = addrs;
	return e;
}

/* Checks the real getaddrinfo() would make before any lookup. */
static int mif_pre_check_hints(const struct addrinfo *h)
{
	int known = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL |
		    AI_ADDRCONFIG | AI_NUMERICSERV | AI_IDN | AI_CANONIDN;

	if (h->ai_flags & ~known)
		return EAI_BADFLAGS;
	if (h->ai_family != AF_UNSPEC && h->ai_family != AF_INET && h->ai_family != AF_INET6)
		return EAI_FAMILY;
	return 0;
}

/* node is a name for the PvD (not an address, not local). */
static int mif_pre_gai_pvd(const char *pvd, const char *node, const char *service,
			   const struct addrinfo *h, struct addrinfo **res)
{
	struct mif_addr *addrs;
	struct mif_pre_kind k[MIF_PRE_MAX_KINDS];
	size_t n, nk;
	int e;

	/* glibc: the service "*" is no service. */
	if (service && !strcmp(service, "*"))
		service = NULL;
	if ((e = mif_pre_check_hints(h)) || (e = mif_pre_kinds(service, h, k, &nk)))
		return e;
	if ((e = mif_pre_lookup(pvd, node, &addrs, &n)))
		return e;
	e = mif_pre_build(node, addrs, n, h, k, nk, res);
	free(addrs);
	return e;
}

MIF_PRE_PUBLIC int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			       struct addrinfo **res)
{
	/* glibc's meaning of hints == NULL. */
	const struct addrinfo none = { .ai_family = AF_UNSPEC,
				       .ai_flags = AI_V4MAPPED | AI_ADDRCONFIG };
	const char *pvd = mif_pre_pvd();

	pthread_once(&mif_pre_once, mif_pre_init);
	if (!mif_pre_real_gai) {
		errno = ENOSYS;
		return EAI_SYSTEM;
	}
	if (!res)
		return EAI_FAIL;
	/* No name to look up: addresses, the passive or loopback address
	 * ("*" is glibc's null host). The real function sends no query for
	 * those. Localhost names are ours (mif_pre_localhost()). */
	if (!pvd || !node || !strcmp(node, "*") || (hints && (hints->ai_flags & AI_NUMERICHOST)) ||
	    mif_pre_is_numeric(node))
		return mif_pre_real_gai(node, service, hints, res);
	/* The real function would look "" up (a query for the root). */
	if (!*node)
		return EAI_NONAME;
	return mif_pre_gai_pvd(pvd, node, service, hints ? hints : &none, res);
}

MIF_PRE_PUBLIC void freeaddrinfo(struct addrinfo *ai)
{
	pthread_once(&mif_pre_once, mif_pre_init);
	if (!ai)
		return;
	if (mif_pre_is_ours(ai))
		mif_pre_free(ai);
	else if (mif_pre_real_fai)
		mif_pre_real_fai(ai);
}

/* ---- gethostbyname() and friends (programs older than getaddrinfo) ---- */

typedef int (*mif_pre_ghbn2r_fn)(const char *, int, struct hostent *, char *, size_t,
				 struct hostent **, int *);

/* Room for gethostbyname()'s answer, per thread (the API returns a
 * pointer the caller does not free, as glibc's does). */
#define MIF_PRE_HOSTENT_BUF 4096

/* h_errno for an EAI_ code of mif_pre_lookup(). */
static int mif_pre_herr(int eai)
{
	return eai == EAI_NONAME ? HOST_NOT_FOUND : eai == EAI_AGAIN ? TRY_AGAIN : NO_RECOVERY;
}

/* Lay out name and the addresses of family af into buf as a hostent:
 * the name, then the pointers (aliases: none; addresses), then the
 * addresses. Returns 0, ERANGE (buf too small) or ENOENT (none of af). */
static int mif_pre_hostent_fill(const char *name, int af, const struct mif_addr *a, size_t n,
				struct hostent *he, char *buf, size_t len)
{
	size_t alen = af == AF_INET ? 4 : 16, k = 0, nl = strlen(name) + 1, off;
	char **ptrs, *p;

	for (size_t i = 0; i < n; i++)
		k += a[i].addr.ss_family == af;
	if (k == 0)
		return ENOENT;
	/* The pointers start at the first aligned byte after the name, however
	 * buf is aligned: ERANGE for a misaligned buf would make a caller that
	 * doubles its buffer on ERANGE loop forever. */
	off = nl + (size_t)(-(uintptr_t)(buf + nl) & (sizeof(char *) - 1));
	if (len < off + (k + 2) * sizeof(char *) + k * alen)
		return ERANGE;
	memcpy(buf, name, nl);
	ptrs = (char **)(void *)(buf + off);
	p = buf + off + (k + 2) * sizeof(char *);
	*he = (struct hostent){ .h_name = buf, .h_aliases = ptrs, .h_addrtype = af,
				.h_length = (int)alen, .h_addr_list = ptrs + 1 };
	ptrs[0] = NULL;
	k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a[i].addr;
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a[i].addr;

		if (a[i].addr.ss_family != af)
			continue;
		memcpy(p, af == AF_INET ? (const void *)&s4->sin_addr : (const void *)&s6->sin6_addr,
		       alen);
		ptrs[1 + k++] = p;
		p += alen;
	}
	ptrs[1 + k] = NULL;
	return 0;
}

/* The PvD's answer as a hostent: 0, or an errno with *herr set. */
static int mif_pre_hostent(const char *pvd, const char *name, int af, struct hostent *ret,
			   char *buf, size_t len, int *herr)
{
	struct mif_addr *addrs;
	size_t n;
	int e;

	if (af != AF_INET && af != AF_INET6) {
		*herr = NO_RECOVERY;
		return EAFNOSUPPORT;
	}
	if ((e = mif_pre_lookup(pvd, name, &addrs, &n))) {
		*herr = mif_pre_herr(e);
		return e == EAI_MEMORY ? ENOMEM : ENOENT;
	}
	e = mif_pre_hostent_fill(name, af, addrs, n, ret, buf, len);
	free(addrs);
	*herr = e == ERANGE ? NETDB_INTERNAL : e ? NO_DATA : 0;
	return e;
}

/* The public functions call these, never each other: a call between them
 * would go through the symbol table and could reach the C library's. */
static int mif_pre_ghbn2_r(const char *name, int af, struct hostent *ret, char *buf,
			   size_t len, struct hostent **result, int *herr)
{
	const char *pvd = mif_pre_pvd();
	mif_pre_ghbn2r_fn real;
	int e;

	*result = NULL;
	if (!pvd || !name || mif_pre_is_numeric(name)) {
		MIF_DLSYM(real, RTLD_NEXT, "gethostbyname2_r");
		return real ? real(name, af, ret, buf, len, result, herr) : ENOSYS;
	}
	if (!*name) {                  /* the real one would ask a server */
		*herr = HOST_NOT_FOUND;
		return 0;
	}
	e = mif_pre_hostent(pvd, name, af, ret, buf, len, herr);
	if (e == 0)
		*result = ret;
	/* Like glibc: not found is a null result with h_errno, not an error. */
	return e == ENOENT ? 0 : e;
}

static struct hostent *mif_pre_ghbn2(const char *name, int af)
{
	static __thread struct hostent he;
	static __thread char buf[MIF_PRE_HOSTENT_BUF] __attribute__((aligned(sizeof(char *))));
	struct hostent *res = NULL;
	int herr = 0, e = mif_pre_ghbn2_r(name, af, &he, buf, sizeof(buf), &res, &herr);

	if (e || !res)
		h_errno = herr ? herr : NO_RECOVERY;
	return e ? NULL : res;
}

MIF_PRE_PUBLIC int gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf,
				    size_t len, struct hostent **result, int *herr)
{
	return mif_pre_ghbn2_r(name, af, ret, buf, len, result, herr);
}

MIF_PRE_PUBLIC int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t len,
				   struct hostent **result, int *herr)
{
	return mif_pre_ghbn2_r(name, AF_INET, ret, buf, len, result, herr);
}

MIF_PRE_PUBLIC struct hostent *gethostbyname2(const char *name, int af)
{
	return mif_pre_ghbn2(name, af);
}

MIF_PRE_PUBLIC struct hostent *gethostbyname(const char *name)
{
	return mif_pre_ghbn2(name, AF_INET);
}

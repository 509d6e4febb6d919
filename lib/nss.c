/* SPDX-License-Identifier: MIT */
/*
 * nss-mif: the "mif" source of glibc's hosts database (nsswitch.conf
 * "hosts: files mif [!UNAVAIL=return] dns"), so that getaddrinfo() and
 * gethostbyname*() in unmodified, dynamically linked programs resolve
 * through mifd, as nss-resolve does for systemd-resolved.
 *
 * A name goes to mif_resolve() (lib/resolve.c): mifd's stub with the
 * servers of one PvD, answers sorted by RFC 6724 with that PvD's own
 * addresses and policy table. The PvD is the one the process is bound to
 * by MIF_RUN_PVD (mifctl run, mifctl pvd use), else the PvD its cgroup is
 * steered to (mif_cgroup_pvd(): mifctl steer, a policy file's cgroup rule,
 * mifctl run --cgroup); without either mifd chooses as
 * for any query (doc/resolver.md) and each family is sorted with the PvD
 * that answered. MIF_SOCKET names mifd's socket. Both are read with
 * secure_getenv(): a setuid program ignores them.
 *
 * glibc's getaddrinfo() sorts what a module returns again by RFC 6724
 * with its own table (/etc/gai.conf); its sort is stable, so the order
 * given here stands where glibc's rules tie. gethostbyname*() keep it.
 *
 * When mifd does not run the module says UNAVAIL, so the next source
 * (dns) answers unless nsswitch.conf says [!UNAVAIL=return].
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mif/pvd.h>

#define NSS_MIF_EXPORT __attribute__((visibility("default")))
#define NSS_MIF_MAX 32

enum nss_status _nss_mif_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
					  char *buf, size_t buflen, int *errnop, int *h_errnop,
					  int32_t *ttlp) NSS_MIF_EXPORT;
enum nss_status _nss_mif_gethostbyname3_r(const char *name, int af, struct hostent *ret,
					  char *buf, size_t buflen, int *errnop, int *h_errnop,
					  int32_t *ttlp, char **canonp) NSS_MIF_EXPORT;
enum nss_status _nss_mif_gethostbyname2_r(const char *name, int af, struct hostent *ret,
					  char *buf, size_t buflen, int *errnop,
					  int *h_errnop) NSS_MIF_EXPORT;
enum nss_status _nss_mif_gethostbyname_r(const char *name, struct hostent *ret, char *buf,
					 size_t buflen, int *errnop, int *h_errnop) NSS_MIF_EXPORT;

/* The addresses of name, best first (af AF_UNSPEC: both families), or the
 * NSS status and errnos of the failure. */
static enum nss_status nss_mif_lookup(const char *name, int af, struct mif_addr *out, size_t *n,
				      int *errnop, int *h_errnop)
{
	const char *pvd = secure_getenv("MIF_RUN_PVD"), *sock = secure_getenv("MIF_SOCKET");
	struct mif_ctl *c = NULL;
	size_t got = 0, k = 0;
	int r;

	char cg_pvd[MIF_PVD_ID_MAX];

	if (pvd && !*pvd)
		pvd = NULL;
	/* Never NULL: libmif would read MIF_SOCKET with getenv(). */
	r = mif_ctl_open(sock && *sock ? sock : MIF_DEFAULT_SOCKET_PATH, &c);
	/* Not bound by the environment: the PvD its cgroup is steered to, if
	 * any (its packets go there: doc/steering.md). */
	if (r == 0 && !pvd && mif_cgroup_pvd(c, cg_pvd, sizeof(cg_pvd), NULL, 0) == 0)
		pvd = cg_pvd;
	if (r == 0)
		r = mif_resolve(c, pvd, name, 0, out, NSS_MIF_MAX, &got, NULL, 0);
	mif_ctl_close(c);
	for (size_t i = 0; r == 0 && i < got; i++)
		if (af == AF_UNSPEC || out[i].addr.ss_family == af)
			out[k++] = out[i];
	if (r == 0 && k == 0)
		r = -ENODATA;
	switch (r) {
	case 0:
		*n = k;
		return NSS_STATUS_SUCCESS;
	case -ENODATA:
		/* NXDOMAIN, or no address of the family asked for. */
		*errnop = ENOENT;
		*h_errnop = HOST_NOT_FOUND;
		return NSS_STATUS_NOTFOUND;
	case -ENOENT:
		/* mifd is not running (no socket), or the PvD bound to has
		 * gone: either way this source cannot answer. */
	case -ECONNREFUSED:
	case -EOPNOTSUPP:
		*errnop = -r;
		*h_errnop = NO_RECOVERY;
		return NSS_STATUS_UNAVAIL;
	default:
		/* Its servers failed or timed out: worth another try later. */
		*errnop = -r;
		*h_errnop = TRY_AGAIN;
		return NSS_STATUS_UNAVAIL;
	}
}

static const void *nss_mif_bytes(const struct mif_addr *a, size_t *len)
{
	if (a->addr.ss_family == AF_INET6) {
		*len = 16;
		return &((const struct sockaddr_in6 *)&a->addr)->sin6_addr;
	}
	*len = 4;
	return &((const struct sockaddr_in *)&a->addr)->sin_addr;
}

/* Carve n bytes aligned for pointers out of the caller's buffer. */
static void *nss_mif_take(char **p, size_t *left, size_t n)
{
	uintptr_t pad = (sizeof(void *) - ((uintptr_t)*p % sizeof(void *))) % sizeof(void *);
	char *r;

	if (*left < pad + n)
		return NULL;
	r = *p + pad;
	*p += pad + n;
	*left -= pad + n;
	return r;
}

static enum nss_status nss_mif_erange(int *errnop, int *h_errnop)
{
	*errnop = ERANGE;
	*h_errnop = NETDB_INTERNAL;
	return NSS_STATUS_TRYAGAIN;
}

enum nss_status _nss_mif_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
					  char *buf, size_t buflen, int *errnop, int *h_errnop,
					  int32_t *ttlp)
{
	struct mif_addr a[NSS_MIF_MAX];
	struct gaih_addrtuple *first = NULL, *prev = NULL;
	size_t n = 0, len, left = buflen;
	char *p = buf, *nm;
	enum nss_status s = nss_mif_lookup(name, AF_UNSPEC, a, &n, errnop, h_errnop);

	if (s != NSS_STATUS_SUCCESS)
		return s;
	nm = nss_mif_take(&p, &left, strlen(name) + 1);
	if (!nm)
		return nss_mif_erange(errnop, h_errnop);
	memcpy(nm, name, strlen(name) + 1);
	for (size_t i = 0; i < n; i++) {
		struct gaih_addrtuple *t = nss_mif_take(&p, &left, sizeof(*t));
		const void *b = nss_mif_bytes(&a[i], &len);

		if (!t)
			return nss_mif_erange(errnop, h_errnop);
		memset(t, 0, sizeof(*t));
		t->name = i == 0 ? nm : NULL;
		t->family = a[i].addr.ss_family;
		memcpy(t->addr, b, len);
		if (t->family == AF_INET6)
			t->scopeid = ((struct sockaddr_in6 *)&a[i].addr)->sin6_scope_id;
		if (prev)
			prev->next = t;
		else
			first = t;
		prev = t;
	}
	/* glibc may hand in a first tuple of its own to fill (nss-resolve
	 * does the same). */
	if (*pat)
		**pat = *first;
	else
		*pat = first;
	if (ttlp)
		*ttlp = 0;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_mif_gethostbyname3_r(const char *name, int af, struct hostent *ret,
					  char *buf, size_t buflen, int *errnop, int *h_errnop,
					  int32_t *ttlp, char **canonp)
{
	struct mif_addr a[NSS_MIF_MAX];
	size_t n = 0, len = af == AF_INET6 ? 16 : 4, left = buflen;
	char *p = buf, *nm, **addrs, **aliases;
	enum nss_status s;

	if (af != AF_INET && af != AF_INET6) {
		*errnop = EAFNOSUPPORT;
		*h_errnop = NO_RECOVERY;
		return NSS_STATUS_UNAVAIL;
	}
	s = nss_mif_lookup(name, af, a, &n, errnop, h_errnop);
	if (s != NSS_STATUS_SUCCESS)
		return s;
	nm = nss_mif_take(&p, &left, strlen(name) + 1);
	aliases = nss_mif_take(&p, &left, sizeof(char *));
	addrs = nss_mif_take(&p, &left, (n + 1) * sizeof(char *));
	if (!nm || !aliases || !addrs)
		return nss_mif_erange(errnop, h_errnop);
	memcpy(nm, name, strlen(name) + 1);
	aliases[0] = NULL;
	for (size_t i = 0; i < n; i++) {
		const void *b = nss_mif_bytes(&a[i], &len);

		addrs[i] = nss_mif_take(&p, &left, len);
		if (!addrs[i])
			return nss_mif_erange(errnop, h_errnop);
		memcpy(addrs[i], b, len);
	}
	addrs[n] = NULL;
	ret->h_name = nm;
	ret->h_aliases = aliases;
	ret->h_addrtype = af;
	ret->h_length = (int)len;
	ret->h_addr_list = addrs;
	if (ttlp)
		*ttlp = 0;
	if (canonp)
		*canonp = nm;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_mif_gethostbyname2_r(const char *name, int af, struct hostent *ret,
					  char *buf, size_t buflen, int *errnop, int *h_errnop)
{
	return _nss_mif_gethostbyname3_r(name, af, ret, buf, buflen, errnop, h_errnop, NULL,
					 NULL);
}

enum nss_status _nss_mif_gethostbyname_r(const char *name, struct hostent *ret, char *buf,
					 size_t buflen, int *errnop, int *h_errnop)
{
	return _nss_mif_gethostbyname3_r(name, AF_INET, ret, buf, buflen, errnop, h_errnop, NULL,
					 NULL);
}

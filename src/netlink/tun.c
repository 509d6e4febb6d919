/* SPDX-License-Identifier: MIT */
/* TUN devices with virtio-net header offloads (netlink.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink/netlink.h"

/* Linux 6.2's UDP segmentation offload bits (linux/if_tun.h), for older
 * headers than the kernel: the kernel refuses them if it lacks them. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

int tun_open(const char *name, unsigned flags, int *ret_fd, char ret_name[16])
{
	struct ifreq ifr;
	int fd, r;

	if (!name || strlen(name) >= IFNAMSIZ || (flags & ~(unsigned)TUN_VNET_HDR))
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	/* IFF_NO_PI: packets start with the IP header (or the virtio-net
	 * header), the family is read from the IP version nibble. */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (flags & TUN_VNET_HDR)
		ifr.ifr_flags |= IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/* A persistent device keeps the offloads an earlier reader asked
	 * for: without a virtio-net header a super-packet could not be told
	 * from a packet, so none. */
	if (!(flags & TUN_VNET_HDR))
		(void)ioctl(fd, TUNSETOFFLOAD, 0ul);
	*ret_fd = fd;
	memcpy(ret_name, ifr.ifr_name, IFNAMSIZ);
	ret_name[IFNAMSIZ - 1] = '\0';
	return 0;
}

int tun_set_offload(int fd, unsigned offloads)
{
	unsigned long f = 0;

	if (offloads & ~(unsigned)(TUN_OFF_CSUM | TUN_OFF_TSO | TUN_OFF_USO))
		return -EINVAL;
	/* Every GSO type needs partial checksums (tun_set_offload() in the
	 * kernel refuses TSO without CSUM). */
	if (offloads & (TUN_OFF_TSO | TUN_OFF_USO))
		offloads |= TUN_OFF_CSUM;
	if (offloads & TUN_OFF_CSUM)
		f |= TUN_F_CSUM;
	if (offloads & TUN_OFF_TSO)
		f |= TUN_F_TSO4 | TUN_F_TSO6;
	if (offloads & TUN_OFF_USO)
		f |= TUN_F_USO4 | TUN_F_USO6;
	return ioctl(fd, TUNSETOFFLOAD, f) < 0 ? -errno : 0;
}

int tun_vnet_hdr_size(int fd, int *ret_size)
{
	int sz;

	if (ioctl(fd, TUNGETVNETHDRSZ, &sz) < 0)
		return -errno;
	*ret_size = sz;
	return 0;
}

int tun_set_up(const char *name, unsigned mtu)
{
	struct ifreq ifr;
	int fd, r = 0;

	if (!name || !*name || strlen(name) >= IFNAMSIZ || mtu < 1280 || mtu > 65535)
		return -EINVAL;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
		r = -errno;
	if (!r && ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!r && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

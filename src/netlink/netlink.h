/* SPDX-License-Identifier: MIT */
/*
 * The kernel-facing library shared by mifd's privileged side and the coming
 * home agent daemon: rtnetlink sockets, per-interface sysctls and TUN
 * devices. It depends on src/common/ and src/proto/ only, never on
 * src/daemon/ (scripts/layering.sh checks), and owns no event loop: callers
 * poll the descriptors themselves. Every function returns 0 or a negative
 * errno and leaves its ret_ out-parameters untouched on failure.
 */
#ifndef MIF_NETLINK_NETLINK_H
#define MIF_NETLINK_NETLINK_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An rtnetlink socket bound to the multicast groups (0: none), non-blocking
 * and close-on-exec, with a receive buffer of rcvbuf octets where the
 * kernel allows (SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF otherwise). */
int netlink_open(unsigned groups, int rcvbuf, struct mnl_socket **ret_sock);

/* /proc/sys/net/<family>/conf/<ifname>/<knob> = value. family is "ipv4" or
 * "ipv6". -EINVAL for a name that is not a valid interface name (empty,
 * over IFNAMSIZ - 1, '/', or "." / ".."), so no path can leave the conf
 * directory. */
int sysctl_set_link(const char *family, const char *ifname, const char *knob,
		    const char *value);
/* The same knob's text, its trailing newline cut, into buf (len octets,
 * at least 2): -ENOSPC if it does not fit, -errno from the read (EIO for
 * ipv6's stable_secret while none is set). buf untouched on failure. */
int sysctl_get_link(const char *family, const char *ifname, const char *knob, char *buf,
		    size_t len);
/* The same knob read as an unsigned decimal; -EBADMSG if it is not one.
 * ret_value is untouched on failure. */
int sysctl_get_link_u32(const char *family, const char *ifname, const char *knob,
			uint32_t *ret_value);

/* TUN devices (Documentation/networking/tuntap.rst). */
enum tun_flags {
	TUN_VNET_HDR = 1u << 0,  /* each packet carries a struct virtio_net_hdr */
};

/* Offloads the reader accepts (TUNSETOFFLOAD): with them the kernel may hand
 * over a TCP/UDP super-packet of up to 64 KiB with one virtio-net header
 * instead of MTU-sized packets (as wireguard-go's TUN does). */
enum tun_offload {
	TUN_OFF_CSUM = 1u << 0,  /* partial checksums (needed by every GSO type) */
	TUN_OFF_TSO = 1u << 1,   /* TCP over IPv4 and IPv6 */
	TUN_OFF_USO = 1u << 2,   /* UDP segmentation (Linux 6.2+) */
};

/* Create (or attach to) the TUN device name ("" lets the kernel choose,
 * e.g. tun0), without packet information. ret_name gets the name the kernel
 * used (IFNAMSIZ octets). Needs CAP_NET_ADMIN. */
int tun_open(const char *name, unsigned flags, int *ret_fd, char ret_name[16]);
/* Ask for offloads; -EINVAL if the kernel does not know one of them. */
int tun_set_offload(int fd, unsigned offloads);
/* The virtio-net header size this device uses (TUNGETVNETHDRSZ). */
int tun_vnet_hdr_size(int fd, int *ret_size);
/* Set the device's MTU and bring it up (SIOCSIFMTU, SIOCSIFFLAGS). */
int tun_set_up(const char *name, unsigned mtu);

/* Send one request (NLM_F_REQUEST and NLM_F_ACK added) on a socket of its
 * own and wait up to timeout_ms for the kernel's answer: 0 only once the
 * kernel acknowledged it, else its error (or -ETIMEDOUT). */
int netlink_request(struct nlmsghdr *nlh, unsigned timeout_ms);

/* Add (or with add false remove) the route dst/plen dev oif in table
 * (RT_TABLE_MAIN is 254) and wait for the kernel's acknowledgement: 0 only
 * once the kernel accepted it. For the home agent's home prefix. */
int netlink_route_dev(bool add, uint8_t family, const uint8_t *dst, uint8_t plen,
		      int oif, uint32_t table);

#endif

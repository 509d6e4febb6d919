/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/nl.c: rtnetlink messages built by hand with libmnl,
 * parsed back field by field; malformed messages refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <net/if_arp.h>
#include <linux/if_link.h>
#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/nl.h"

#ifndef IFA_FLAGS
#define IFA_FLAGS 8
#endif

/* IF_OPER_UP from <linux/if.h>, which clashes with <net/if.h>. */
#define TEST_OPER_UP 6

/* Aligned scratch buffers for the messages under test. */
static union {
	uint8_t b[8192];
	struct nlmsghdr align_;
} g_msg, g_buf;

static void test_in6(const char *s, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static void test_in4(const char *s, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static struct nlmsghdr *test_hdr(uint16_t type)
{
	struct nlmsghdr *nlh;

	memset(g_msg.b, 0, sizeof(g_msg.b));
	nlh = mnl_nlmsg_put_header(g_msg.b);
	nlh->nlmsg_type = type;
	return nlh;
}

/* ---- links ---- */

static struct nlmsghdr *test_link_msg(uint16_t type, int ifindex, struct ifinfomsg **out)
{
	struct nlmsghdr *nlh = test_hdr(type);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = ARPHRD_ETHER;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST;
	if (out)
		*out = ifi;
	return nlh;
}

static void test_link_full(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	struct nlmsghdr *nlh = test_link_msg(RTM_NEWLINK, 7, NULL);
	struct nl_link l;

	(void)state;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, TEST_OPER_UP);
	memset(&l, 0xa5, sizeof(l));
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.ifindex, 7);
	assert_string_equal(l.name, "eth0");
	assert_int_equal(l.flags, IFF_UP | IFF_RUNNING | IFF_MULTICAST);
	assert_int_equal(l.type, ARPHRD_ETHER);
	assert_int_equal(l.mtu, 1500);
	assert_int_equal(l.operstate, TEST_OPER_UP);
	assert_int_equal(l.hwlen, 6);
	assert_memory_equal(l.hwaddr, mac, 6);
	/* The rest of hwaddr and name is cleared, not left from before. */
	for (size_t i = 6; i < sizeof(l.hwaddr); i++)
		assert_int_equal(l.hwaddr[i], 0);
	for (size_t i = 4; i < sizeof(l.name); i++)
		assert_int_equal(l.name[i], 0);

	/* The same payload as RTM_DELLINK. */
	nlh->nlmsg_type = RTM_DELLINK;
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.ifindex, 7);
	assert_string_equal(l.name, "eth0");
}

static void test_link_minimal(void **state)
{
	struct nlmsghdr *nlh = test_link_msg(RTM_NEWLINK, 3, NULL);
	struct nl_link l;

	(void)state;
	memset(&l, 0xa5, sizeof(l));
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.ifindex, 3);
	assert_string_equal(l.name, "");
	assert_int_equal(l.mtu, 0);
	assert_int_equal(l.operstate, 0);
	assert_int_equal(l.hwlen, 0);
}

static void test_link_name_limits(void **state)
{
	struct nlmsghdr *nlh;
	struct nl_link l;

	(void)state;
	/* 15 characters and the NUL: the longest name. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "abcdefghijklmno");
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_string_equal(l.name, "abcdefghijklmno");

	/* 15 characters, not terminated: still fits with our NUL. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_IFNAME, 15, "abcdefghijklmno");
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_string_equal(l.name, "abcdefghijklmno");

	/* 16 characters (terminated or not): too long. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "abcdefghijklmnop");
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_IFNAME, 16, "abcdefghijklmnop");
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_IFNAME, 40, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);

	/* Empty: only the NUL, or no payload at all. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "");
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_IFNAME, 0, NULL);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
}

static void test_link_bad_sizes(void **state)
{
	static const uint8_t b33[33] = { 1 };
	static const uint8_t b32[32] = { 1, 2, 3 };
	struct nlmsghdr *nlh;
	struct nl_link l;

	(void)state;
	/* 3-byte MTU, 8-byte MTU. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_MTU, 3, "\x01\x02\x03");
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_u64(nlh, IFLA_MTU, 1500);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	/* 4-byte operstate. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_u32(nlh, IFLA_OPERSTATE, TEST_OPER_UP);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	/* Hardware address: 32 bytes fit, 33 do not. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(b32), b32);
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.hwlen, 32);
	assert_memory_equal(l.hwaddr, b32, 32);
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(b33), b33);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
}

static void test_link_bad(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;
	struct nl_link l;

	(void)state;
	/* Shorter than struct ifinfomsg. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg) - 4);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh->nlmsg_len = NLMSG_HDRLEN;
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);

	/* ifindex 0 or negative. */
	nlh = test_link_msg(RTM_NEWLINK, 0, NULL);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh = test_link_msg(RTM_NEWLINK, -4, NULL);
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);

	/* Not a link message. */
	nlh = test_link_msg(RTM_NEWADDR, 2, NULL);
	assert_int_equal(nl_parse_link(nlh, &l), -EPROTO);
	nlh->nlmsg_type = RTM_NEWROUTE;
	assert_int_equal(nl_parse_link(nlh, &l), -EPROTO);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(nl_parse_link(nlh, &l), -EPROTO);

	/* An attribute whose length runs past the message. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	a->nla_len = 12;
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	/* An attribute shorter than its own header. */
	a->nla_len = 2;
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	/* Stray bytes after the last attribute, too few for a header. */
	a->nla_len = 8;
	nlh->nlmsg_len += 3;
	assert_int_equal(nl_parse_link(nlh, &l), -EBADMSG);
	nlh->nlmsg_len -= 3;
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.mtu, 1500);

	/* The last attribute unaligned and its padding absent: accepted. */
	nlh = test_link_msg(RTM_NEWLINK, 2, NULL);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1280);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, TEST_OPER_UP);
	nlh->nlmsg_len -= 3;
	assert_int_equal(nl_parse_link(nlh, &l), 0);
	assert_int_equal(l.mtu, 1280);
	assert_int_equal(l.operstate, TEST_OPER_UP);
}

/* ---- addresses ---- */

static struct nlmsghdr *test_addr_msg(uint16_t type, uint8_t family, uint8_t plen,
				      uint8_t flags, int ifindex)
{
	struct nlmsghdr *nlh = test_hdr(type);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_flags = flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	return nlh;
}

static void test_addr_v6(void **state)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = 600, .ifa_valid = 3600 };
	uint8_t a6[16];
	struct nlmsghdr *nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, IFA_F_TENTATIVE, 5);
	struct nl_addr a;

	(void)state;
	test_in6("2001:db8:1::5eff:fe10:2030", a6);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_int_equal(a.ifindex, 5);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.plen, 64);
	assert_int_equal(a.scope, RT_SCOPE_UNIVERSE);
	/* No IFA_FLAGS: the 8-bit ifa_flags. */
	assert_int_equal(a.flags, IFA_F_TENTATIVE);
	assert_memory_equal(a.addr, a6, 16);
	assert_int_equal(a.valid, 3600);
	assert_int_equal(a.preferred, 600);

	nlh->nlmsg_type = RTM_DELADDR;
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_int_equal(a.ifindex, 5);
}

static void test_addr_flags_override(void **state)
{
	uint8_t a6[16];
	struct nlmsghdr *nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64,
					     IFA_F_TENTATIVE | IFA_F_PERMANENT, 5);
	struct nl_addr a;

	(void)state;
	test_in6("2001:db8::1", a6);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE);
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	/* IFA_FLAGS replaces ifa_flags entirely. */
	assert_int_equal(a.flags, IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE);
	/* No IFA_CACHEINFO: forever. */
	assert_int_equal(a.valid, NL_LIFETIME_INFINITY);
	assert_int_equal(a.preferred, NL_LIFETIME_INFINITY);

	/* 2-byte IFA_FLAGS. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	mnl_attr_put_u16(nlh, IFA_FLAGS, 1);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
}

static void test_addr_local_preferred(void **state)
{
	uint8_t local[4], peer[4];
	struct nlmsghdr *nlh;
	struct nl_addr a;

	(void)state;
	test_in4("192.0.2.1", local);
	test_in4("192.0.2.254", peer);
	/* Point-to-point: IFA_ADDRESS (peer) before IFA_LOCAL, LOCAL wins. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 32, 0, 9);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, peer);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local);
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.plen, 32);
	assert_int_equal(a.ifindex, 9);
	assert_memory_equal(a.addr, local, 4);
	for (size_t i = 4; i < 16; i++)
		assert_int_equal(a.addr[i], 0);

	/* And the other order. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 24, 0, 9);
	mnl_attr_put(nlh, IFA_LOCAL, 4, local);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, peer);
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_int_equal(a.plen, 24);
	assert_memory_equal(a.addr, local, 4);

	/* Only IFA_ADDRESS. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 24, 0, 9);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, peer);
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_memory_equal(a.addr, peer, 4);
}

static void test_addr_bad(void **state)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = 1, .ifa_valid = 2 };
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t five[5] = { 192, 0, 2, 1, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *at;
	struct nl_addr a;

	(void)state;
	/* No address at all. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	/* A 5-byte IPv4 address, a 4-byte IPv6 address, a 16-byte IPv4 one. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 24, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 5, five);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, five);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 24, 0, 5);
	mnl_attr_put(nlh, IFA_LOCAL, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	/* A short IFA_CACHEINFO. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci) - 4, &ci);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	/* Prefix lengths past the address size. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 33, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, five);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 129, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 128, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_int_equal(a.plen, 128);
	/* ifindex 0. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 0);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	/* Unknown family. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_UNSPEC, 0, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), -EPROTO);
	nlh = test_addr_msg(RTM_NEWADDR, AF_PACKET, 0, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), -EPROTO);
	/* Wrong message type. */
	nlh = test_addr_msg(RTM_NEWLINK, AF_INET6, 64, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	assert_int_equal(nl_parse_addr(nlh, &a), -EPROTO);
	nlh->nlmsg_type = RTM_GETADDR;
	assert_int_equal(nl_parse_addr(nlh, &a), -EPROTO);
	/* Shorter than struct ifaddrmsg. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg) - 1);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	/* The address attribute runs past the message. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	at = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	at->nla_len = 24;
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	/* ... or the message ends inside it. */
	at->nla_len = 20;
	nlh->nlmsg_len -= 4;
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	nlh->nlmsg_len += 4;
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	/* An unaligned message whose last attribute runs into the padding
	 * after nlmsg_len: libmnl's walk went by the aligned length and read
	 * the address from past the message. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET, 24, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, five);
	assert_int_equal(nlh->nlmsg_len, 32);
	for (uint32_t cut = 1; cut <= 3; cut++) {
		nlh->nlmsg_len = 32 - cut;
		assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
	}
	nlh->nlmsg_len = 32;
	assert_int_equal(nl_parse_addr(nlh, &a), 0);
	assert_memory_equal(a.addr, five, 4);

	/* A trailing attribute that runs past the end after a good address. */
	nlh = test_addr_msg(RTM_NEWADDR, AF_INET6, 64, 0, 5);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, a6);
	at = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	at->nla_len = (uint16_t)(at->nla_len + 4);
	assert_int_equal(nl_parse_addr(nlh, &a), -EBADMSG);
}

/* ---- routes ---- */

static struct nlmsghdr *test_route_msg(uint16_t type, uint8_t family, uint8_t dst_len,
				       uint8_t src_len)
{
	struct nlmsghdr *nlh = test_hdr(type);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_src_len = src_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_RA;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	return nlh;
}

static void test_route_v6(void **state)
{
	struct rta_cacheinfo ci = { .rta_expires = 180000 };
	uint8_t dst[16], gw[16], src[16];
	struct nlmsghdr *nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 48, 0);
	struct nl_route r;

	(void)state;
	test_in6("2001:db8:77::", dst);
	test_in6("fe80::1", gw);
	test_in6("2001:db8:1::9", src);
	mnl_attr_put_u32(nlh, RTA_TABLE, 1000);
	mnl_attr_put(nlh, RTA_DST, 16, dst);
	mnl_attr_put(nlh, RTA_GATEWAY, 16, gw);
	mnl_attr_put(nlh, RTA_SRC, 16, src);
	mnl_attr_put_u32(nlh, RTA_OIF, 4);
	mnl_attr_put_u8(nlh, RTA_PREF, ICMPV6_ROUTER_PREF_HIGH);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 1024);
	mnl_attr_put(nlh, RTA_CACHEINFO, sizeof(ci), &ci);
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(nl_parse_route(nlh, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.dst_len, 48);
	assert_int_equal(r.src_len, 0);
	assert_int_equal(r.protocol, RTPROT_RA);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.scope, RT_SCOPE_UNIVERSE);
	/* RTA_TABLE overrides the 8-bit rtm_table. */
	assert_int_equal(r.table, 1000);
	assert_memory_equal(r.dst, dst, 16);
	assert_memory_equal(r.src, src, 16);
	assert_true(r.has_gateway);
	assert_memory_equal(r.gateway, gw, 16);
	assert_int_equal(r.oif, 4);
	assert_int_equal(r.pref, ICMPV6_ROUTER_PREF_HIGH);
	assert_int_equal(r.priority, 1024);
	assert_int_equal(r.expires, 1800);

	nlh->nlmsg_type = RTM_DELROUTE;
	assert_int_equal(nl_parse_route(nlh, &r), 0);
	assert_int_equal(r.table, 1000);
}

static void test_route_v4_minimal(void **state)
{
	uint8_t dst[4];
	struct nlmsghdr *nlh = test_route_msg(RTM_NEWROUTE, AF_INET, 24, 0);
	struct nl_route r;

	(void)state;
	test_in4("198.51.100.0", dst);
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_table = RT_TABLE_LOCAL;
	mnl_attr_put(nlh, RTA_DST, 4, dst);
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(nl_parse_route(nlh, &r), 0);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.dst_len, 24);
	/* No RTA_TABLE: rtm_table. */
	assert_int_equal(r.table, RT_TABLE_LOCAL);
	assert_memory_equal(r.dst, dst, 4);
	for (size_t i = 4; i < 16; i++)
		assert_int_equal(r.dst[i], 0);
	assert_false(r.has_gateway);
	assert_int_equal(r.oif, 0);
	assert_int_equal(r.priority, 0);
	assert_int_equal(r.pref, 0);
	assert_int_equal(r.expires, 0);

	/* A default route: no RTA_DST, dst_len 0. */
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	assert_int_equal(nl_parse_route(nlh, &r), 0);
	assert_int_equal(r.dst_len, 0);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(r.dst[i], 0);
}

static void test_route_bad(void **state)
{
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t a4[5] = { 10, 0, 0, 0, 0 };
	struct nlmsghdr *nlh;
	struct nlattr *at;
	struct nl_route r;

	(void)state;
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET, 33, 0);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET, 32, 33);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 129, 0);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 129);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 128, 128);
	assert_int_equal(nl_parse_route(nlh, &r), 0);

	/* Wrong sizes: 5-byte IPv4 dst, 4-byte IPv6 gateway, 3-byte table,
	 * 2-byte oif and priority, 4-byte pref, short cacheinfo. */
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET, 8, 0);
	mnl_attr_put(nlh, RTA_DST, 5, a4);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put(nlh, RTA_GATEWAY, 4, a6);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put(nlh, RTA_SRC, 15, a6);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put(nlh, RTA_TABLE, 3, a6);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put_u16(nlh, RTA_OIF, 3);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put_u16(nlh, RTA_PRIORITY, 3);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put_u32(nlh, RTA_PREF, 1);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put(nlh, RTA_CACHEINFO, 8, a6);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);

	/* Unknown family, wrong type, too short. */
	nlh = test_route_msg(RTM_NEWROUTE, AF_UNSPEC, 0, 0);
	assert_int_equal(nl_parse_route(nlh, &r), -EPROTO);
	nlh = test_route_msg(RTM_NEWROUTE, 128, 0, 0);
	assert_int_equal(nl_parse_route(nlh, &r), -EPROTO);
	nlh = test_route_msg(RTM_NEWADDR, AF_INET6, 0, 0);
	assert_int_equal(nl_parse_route(nlh, &r), -EPROTO);
	nlh = test_route_msg(RTM_GETROUTE, AF_INET6, 0, 0);
	assert_int_equal(nl_parse_route(nlh, &r), -EPROTO);
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg) - 4);
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);

	/* An attribute running past the message. */
	nlh = test_route_msg(RTM_NEWROUTE, AF_INET6, 0, 0);
	mnl_attr_put_u32(nlh, RTA_OIF, 4);
	at = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, RTA_GATEWAY, 16, a6);
	at->nla_len = 200;
	assert_int_equal(nl_parse_route(nlh, &r), -EBADMSG);
	at->nla_len = 20;
	assert_int_equal(nl_parse_route(nlh, &r), 0);
	assert_true(r.has_gateway);
	assert_int_equal(r.oif, 4);
}

/* ---- nl_next ---- */

/* Append a message of total length len (header included) at *off in
 * g_buf, advancing by the aligned length. */
static struct nlmsghdr *test_put(size_t *off, uint32_t len, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(g_buf.b + *off);

	memset(nlh, 0, NLMSG_ALIGN(len));
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	*off += NLMSG_ALIGN(len);
	return nlh;
}

/* Walk at most 64 messages; the count of messages returned. */
static size_t test_walk(size_t len, uint32_t *seqs, size_t *end)
{
	size_t off = 0, n = 0;
	const struct nlmsghdr *nlh;

	for (size_t prev = 0; n < 64 && (nlh = nl_next(g_buf.b, len, &off)) != NULL; prev = off) {
		/* Each message starts where the last one's aligned length ended,
		 * and the offset never passes the buffer. */
		assert_ptr_equal(nlh, g_buf.b + prev);
		assert_true(off > prev);
		assert_true(off <= len);
		if (seqs)
			seqs[n] = nlh->nlmsg_seq;
		n++;
	}
	assert_true(n < 64);
	if (end)
		*end = off;
	return n;
}

static void test_next_several(void **state)
{
	size_t off = 0, end;
	uint32_t seqs[64];

	(void)state;
	memset(g_buf.b, 0, sizeof(g_buf.b));
	test_put(&off, 16, NLMSG_NOOP, 1);
	test_put(&off, 40, RTM_NEWLINK, 2);
	test_put(&off, 21, RTM_NEWADDR, 3);      /* unaligned: padded to 24 */
	test_put(&off, 100, RTM_NEWROUTE, 4);
	assert_int_equal(off, 16 + 40 + 24 + 100);
	assert_int_equal(test_walk(off, seqs, &end), 4);
	assert_int_equal(seqs[0], 1);
	assert_int_equal(seqs[1], 2);
	assert_int_equal(seqs[2], 3);
	assert_int_equal(seqs[3], 4);
	assert_int_equal(end, off);

	/* The last message unaligned, with no padding in the buffer. */
	off = 0;
	test_put(&off, 16, NLMSG_NOOP, 1);
	test_put(&off, 21, RTM_NEWADDR, 2);
	assert_int_equal(test_walk(16 + 21, seqs, &end), 2);
	assert_int_equal(seqs[1], 2);
	assert_int_equal(end, 16 + 21);

	/* Empty buffer, or fewer bytes than a header. */
	off = 0;
	assert_null(nl_next(g_buf.b, 0, &off));
	assert_null(nl_next(g_buf.b, 15, &off));
	assert_int_equal(off, 0);
	/* An offset past the end. */
	off = 100;
	assert_null(nl_next(g_buf.b, 50, &off));
}

static void test_next_truncated(void **state)
{
	size_t off = 0, end;
	uint32_t seqs[64];
	struct nlmsghdr *last;

	(void)state;
	memset(g_buf.b, 0, sizeof(g_buf.b));
	test_put(&off, 32, RTM_NEWLINK, 1);
	test_put(&off, 32, RTM_NEWLINK, 2);
	last = test_put(&off, 64, RTM_NEWLINK, 3);
	/* The buffer ends 8 bytes into the last message's payload. */
	assert_int_equal(test_walk(32 + 32 + 24, seqs, &end), 2);
	assert_int_equal(end, 64);
	/* Ends inside the last message's header. */
	assert_int_equal(test_walk(32 + 32 + 10, seqs, &end), 2);
	assert_int_equal(end, 64);

	/* nlmsg_len past the buffer. */
	last->nlmsg_len = 65;
	assert_int_equal(test_walk(32 + 32 + 64, seqs, &end), 2);
	last->nlmsg_len = UINT32_MAX;
	assert_int_equal(test_walk(32 + 32 + 64, seqs, &end), 2);
	/* nlmsg_len smaller than a header (0 would never advance). */
	for (uint32_t l = 0; l < 16; l++) {
		last->nlmsg_len = l;
		assert_int_equal(test_walk(32 + 32 + 64, seqs, &end), 2);
		assert_int_equal(end, 64);
	}
	last->nlmsg_len = 16;
	assert_int_equal(test_walk(32 + 32 + 64, seqs, &end), 3);
	assert_int_equal(seqs[2], 3);
}

/* ---- builders ---- */

static void test_build_dump(void **state)
{
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;

	(void)state;
	memset(g_buf.b, 0xee, sizeof(g_buf.b));
	nlh = nl_build_dump(g_buf.b, sizeof(g_buf.b), RTM_GETADDR, AF_INET6, 77);
	assert_ptr_equal(nlh, g_buf.b);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g))));
	assert_int_equal(nlh->nlmsg_type, RTM_GETADDR);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_seq, 77);
	assert_int_equal(nlh->nlmsg_pid, 0);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->rtgen_family, AF_INET6);
	/* The padding is zeroed, not left over. */
	assert_int_equal(((uint8_t *)g)[1], 0);
	assert_int_equal(((uint8_t *)g)[3], 0);

	nlh = nl_build_dump(g_buf.b, sizeof(g_buf.b), RTM_GETLINK, AF_UNSPEC, 1);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
	assert_int_equal(((struct rtgenmsg *)mnl_nlmsg_get_payload(nlh))->rtgen_family, AF_UNSPEC);

	/* Exactly big enough, and one byte short. */
	assert_non_null(nl_build_dump(g_buf.b, NLMSG_LENGTH(4), RTM_GETROUTE, AF_INET6, 2));
	assert_null(nl_build_dump(g_buf.b, NLMSG_LENGTH(4) - 1, RTM_GETROUTE, AF_INET6, 2));
	assert_null(nl_build_dump(g_buf.b, 0, RTM_GETROUTE, AF_INET6, 2));

	/* It walks as one message. */
	nlh = nl_build_dump(g_buf.b, sizeof(g_buf.b), RTM_GETROUTE, AF_INET, 9);
	{
		size_t off = 0;

		assert_ptr_equal(nl_next(g_buf.b, nlh->nlmsg_len, &off), nlh);
		assert_int_equal(off, nlh->nlmsg_len);
		assert_null(nl_next(g_buf.b, nlh->nlmsg_len, &off));
	}
}

static void test_build_addr_add(void **state)
{
	struct nl_addr in = { .ifindex = 12, .family = AF_INET6, .plen = 64,
			      .flags = IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR,
			      .valid = 7200, .preferred = 1800 };
	struct nl_addr out;
	struct nlmsghdr *nlh;
	const struct ifaddrmsg *ifa;
	size_t off = 0;

	(void)state;
	test_in6("2001:db8:1::5eff:fe10:2030", in.addr);
	memset(g_buf.b, 0xee, sizeof(g_buf.b));
	nlh = nl_build_addr(g_buf.b, sizeof(g_buf.b), true, &in, 4242);
	assert_ptr_equal(nlh, g_buf.b);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(nlh->nlmsg_seq, 4242);
	assert_int_equal(nlh->nlmsg_len % 4, 0);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	assert_int_equal(ifa->ifa_index, 12);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	assert_ptr_equal(nl_next(g_buf.b, nlh->nlmsg_len, &off), nlh);

	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(nl_parse_addr(nlh, &out), 0);
	assert_int_equal(out.ifindex, 12);
	assert_int_equal(out.family, AF_INET6);
	assert_int_equal(out.plen, 64);
	assert_int_equal(out.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(out.flags, IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR);
	assert_memory_equal(out.addr, in.addr, 16);
	assert_int_equal(out.valid, 7200);
	assert_int_equal(out.preferred, 1800);

	/* Infinite lifetimes survive the round trip. */
	in.valid = in.preferred = NL_LIFETIME_INFINITY;
	nlh = nl_build_addr(g_buf.b, sizeof(g_buf.b), true, &in, 1);
	assert_int_equal(nl_parse_addr(nlh, &out), 0);
	assert_int_equal(out.valid, NL_LIFETIME_INFINITY);
	assert_int_equal(out.preferred, NL_LIFETIME_INFINITY);
}

static void test_build_addr_del(void **state)
{
	struct nl_addr in = { .ifindex = 3, .family = AF_INET, .plen = 24,
			      .flags = IFA_F_PERMANENT, .valid = 10, .preferred = 5 };
	struct nl_addr out;
	struct nlmsghdr *nlh;

	(void)state;
	test_in4("192.0.2.7", in.addr);
	nlh = nl_build_addr(g_buf.b, sizeof(g_buf.b), false, &in, 5);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_DELADDR);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 5);
	assert_int_equal(nl_parse_addr(nlh, &out), 0);
	assert_int_equal(out.ifindex, 3);
	assert_int_equal(out.family, AF_INET);
	assert_int_equal(out.plen, 24);
	assert_memory_equal(out.addr, in.addr, 4);
	/* A delete carries neither flags nor lifetimes. */
	assert_int_equal(out.flags, 0);
	assert_int_equal(out.valid, NL_LIFETIME_INFINITY);
	assert_int_equal(out.preferred, NL_LIFETIME_INFINITY);
	/* IPv4: 16 + 8 + 2 * 8 bytes. */
	assert_int_equal(nlh->nlmsg_len, 40);
}

static void test_build_addr_bad(void **state)
{
	struct nl_addr in = { .ifindex = 3, .family = AF_INET6, .plen = 64 };

	(void)state;
	assert_null(nl_build_addr(g_buf.b, 64, true, &in, 1));
	assert_null(nl_build_addr(g_buf.b, 255, true, &in, 1));
	assert_non_null(nl_build_addr(g_buf.b, 256, true, &in, 1));
	in.plen = 129;
	assert_null(nl_build_addr(g_buf.b, sizeof(g_buf.b), true, &in, 1));
	in.family = AF_INET;
	in.plen = 33;
	assert_null(nl_build_addr(g_buf.b, sizeof(g_buf.b), true, &in, 1));
	in.plen = 32;
	assert_non_null(nl_build_addr(g_buf.b, sizeof(g_buf.b), true, &in, 1));
	in.family = AF_UNSPEC;
	in.plen = 0;
	assert_null(nl_build_addr(g_buf.b, sizeof(g_buf.b), true, &in, 1));
	in.family = AF_PACKET;
	assert_null(nl_build_addr(g_buf.b, sizeof(g_buf.b), false, &in, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_full),
		cmocka_unit_test(test_link_minimal),
		cmocka_unit_test(test_link_name_limits),
		cmocka_unit_test(test_link_bad_sizes),
		cmocka_unit_test(test_link_bad),
		cmocka_unit_test(test_addr_v6),
		cmocka_unit_test(test_addr_flags_override),
		cmocka_unit_test(test_addr_local_preferred),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_route_v6),
		cmocka_unit_test(test_route_v4_minimal),
		cmocka_unit_test(test_route_bad),
		cmocka_unit_test(test_next_several),
		cmocka_unit_test(test_next_truncated),
		cmocka_unit_test(test_build_dump),
		cmocka_unit_test(test_build_addr_add),
		cmocka_unit_test(test_build_addr_del),
		cmocka_unit_test(test_build_addr_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

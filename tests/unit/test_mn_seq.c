/* SPDX-License-Identifier: MIT */
/* mn.c: a BA with status 135 whose sequence number equals the one just
 * sent (the agent accepted that number from an earlier run of the mobile
 * node) makes it go on from there and register again (RFC 6275 9.5.1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "common/clock.h"
#include "daemon/mobility/mn.h"

static const uint8_t key[32] = "0123456789abcdef0123456789abcde";

/* A BA from the agent, signed, in the tunnel: into out. */
static size_t ba(const struct mn_state *mn, uint8_t status, uint16_t seq, uint8_t *out, size_t cap)
{
	struct mh_msg m;
	uint8_t mh[256];
	size_t len, off, plen;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BA;
	m.status = status;
	m.seq = seq;
	m.lifetime = 150;
	m.has_ts = true;
	m.ts = clock_ntp_now();
	m.has_auth = true;
	m.spi = mn->spi;
	assert_int_equal(mh_build(&m, mh, sizeof(mh), &len, &off), 0);
	assert_int_equal(mhtun_sign(key, sizeof(key), mn->ha.s6_addr, mn->hoa.s6_addr, mh, off), 0);
	assert_int_equal(mhtun_build_signal(mn->ha.s6_addr, mn->hoa.s6_addr, mh, len, out, cap,
					    &plen), 0);
	return plen;
}

static void test_135_same_seq(void **state)
{
	static struct mn_state mn;
	uint8_t pkt[512], out[512];
	size_t len, olen = 0;

	(void)state;
	memset(&mn, 0, sizeof(mn));
	inet_pton(AF_INET6, "2001:db8:100::20", &mn.hoa);
	inet_pton(AF_INET6, "2001:db8:100::1", &mn.ha);
	mn.spi = 257;
	memcpy(mn.key, key, sizeof(key));
	mn.key_len = sizeof(key);
	mn.replay_window_s = 7;
	mn.lifetime = 150;
	mn.uplink = -1;
	mn.n_paths = 1;
	mn.paths[0].bid = 1;
	mn.paths[0].coa_family = 6;
	mn.paths[0].link_up = true;
	mn.bu_seq = 1;                          /* the next BU is 2 */
	assert_int_equal(mn_build_bu(&mn, clock_ntp_now(), 1000, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(mn.bu_seq, 2);
	len = ba(&mn, MH_ST_SEQ_OUT_OF_WINDOW, 2, pkt, sizeof(pkt));
	assert_int_equal(mn_input(&mn, 0, pkt, len, clock_ntp_now(), 1010, out, sizeof(out), &olen),
			 MN_REREGISTER);
	assert_false(mn.bu_pending);
	assert_int_equal(mn_build_bu(&mn, clock_ntp_now(), 1020, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(mn.bu_seq, 3);
	len = ba(&mn, MH_ST_ACCEPTED, 3, pkt, sizeof(pkt));
	assert_int_equal(mn_input(&mn, 0, pkt, len, clock_ntp_now(), 1030, out, sizeof(out), &olen),
			 MN_NONE);
	assert_true(mn.registered_ms != 0);
	/* A stale 135 with no BU pending changes nothing. */
	len = ba(&mn, MH_ST_SEQ_OUT_OF_WINDOW, 3, pkt, sizeof(pkt));
	assert_int_equal(mn_input(&mn, 0, pkt, len, clock_ntp_now(), 1040, out, sizeof(out), &olen),
			 MN_NONE);
	assert_int_equal(mn.bu_seq, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_135_same_seq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

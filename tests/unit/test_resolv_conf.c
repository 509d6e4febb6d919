/* SPDX-License-Identifier: MIT */
/*
 * resolv.conf as the privileged parent writes it (dns/resolv_conf.c): the
 * search line comes from the engine, which parses what networks send, so
 * only domain names get through: never a second line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/dns/resolv_conf.h"

static char dir[64], path[128], text[2048];

static const char *rc_read(void)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void test_search_line_only_names(void **state)
{
	struct stub_config cfg;
	struct resolv_conf rc;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mif-resolv-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.enabled = true;
	cfg.listen.ss_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.153", &((struct sockaddr_in *)&cfg.listen)->sin_addr);
	snprintf(cfg.resolv_conf, sizeof(cfg.resolv_conf), "%s", path);
	resolv_conf_init(&rc, &cfg);
	assert_non_null(strstr(rc_read(), "nameserver 127.0.0.153\n"));
	assert_null(strstr(text, "search"));

	resolv_conf_update(&rc, "search corp.example home-1.example\n");
	assert_non_null(strstr(rc_read(), "\nsearch corp.example home-1.example\n"));

	/* A subverted engine tries to add a server of its own. */
	resolv_conf_update(&rc, "search x.example\nnameserver 203.0.113.66\n");
	assert_non_null(strstr(rc_read(), "\nsearch x.example\n"));
	assert_null(strstr(text, "203.0.113.66"));
	/* Bad names are left out, good ones kept; no line at all is fine. */
	resolv_conf_update(&rc, "search ok.example bad;name \xc3\xa9t\xc3\xa9.example\n");
	assert_non_null(strstr(rc_read(), "\nsearch ok.example\n"));
	resolv_conf_update(&rc, "options ndots:15\n");
	assert_null(strstr(rc_read(), "ndots:15"));
	assert_null(strstr(text, "search"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_line_only_names),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The policy files, their errors, and the decision (src/daemon/policy/). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/addr.h"
#include "daemon/policy/policy.h"

static char err[POLICY_ERR_MAX];

static void load(struct policy_set *s, const char *name, const char *text)
{
	int r = policy_set_add_text(s, name, text, err, sizeof(err));

	if (r < 0)
		fail_msg("%s", err);
}

/* A bad text: its error, and nothing of it kept. */
static const char *bad(const char *text)
{
	struct policy_set s;
	size_t n;

	policy_set_init(&s);
	load(&s, "ok.conf", "[policy]\nactor = user\n[rule a]\nprefer = type:wifi\n");
	n = s.n_rules;
	assert_int_equal(policy_set_add_text(&s, "bad.conf", text, err, sizeof(err)), -EINVAL);
	assert_int_equal(s.n_rules, n);
	assert_int_equal(s.n_files, 1);
	policy_set_free(&s);
	return err;
}

static void test_parse(void **state)
{
	struct policy_set s;
	const struct policy_rule *r;
	struct in6_addr a;

	(void)state;
	policy_set_init(&s);
	load(&s, "u.conf",
	     "[policy]\nactor = user\n"
	     "[rule web]\nexe = /usr/bin/firefox\nuid = 1000\ncgroup = /user.slice/app.scope/\n"
	     "dst = 10.0.0.0/8, 2001:db8::/32\ndomain = Corp.Example.\nproto = tcp\n"
	     "port = 8000-8100\ndscp = 46\nprefer = type:wifi+unmetered pvd:home\n"
	     "avoid = metered\nprohibit = cost<=5+bandwidth>=1000+rtt<=100+loss<=2\n"
	     "require = net:office\n"
	     "[network office]\nmember = pvd:corp type:vpn+trusted\n");
	assert_int_equal(s.n_rules, 1);
	r = &s.rules[0];
	assert_string_equal(r->name, "web");
	assert_int_equal(r->line, 3);
	assert_int_equal(r->actor, POLICY_USER);
	assert_string_equal(r->exe, "/usr/bin/firefox");
	assert_string_equal(r->cgroup, "/user.slice/app.scope");
	assert_true(r->has_uid);
	assert_int_equal(r->uid, 1000);
	assert_int_equal(r->n_dst, 2);
	assert_int_equal(r->dst[0].plen, 104);
	addr_parse("10.0.0.0", &a);
	assert_memory_equal(&r->dst[0].a, &a, 16);
	assert_string_equal(r->domain[0], "corp.example");
	assert_int_equal(r->proto, 6);
	assert_int_equal(r->port_lo, 8000);
	assert_int_equal(r->port_hi, 8100);
	assert_int_equal(r->dscp, 46);
	assert_int_equal(r->specificity, 7);
	assert_int_equal(r->n_t[POLICY_PREFERRED], 2);
	assert_int_equal(r->t[POLICY_PREFERRED][0].type, POLICY_WIFI);
	assert_int_equal(r->t[POLICY_PREFERRED][0].metered, 0);
	assert_string_equal(r->t[POLICY_PREFERRED][1].pvd, "home");
	assert_int_equal(r->t[POLICY_AVOIDED][0].metered, 1);
	assert_int_equal(r->t[POLICY_PROHIBITED][0].max_cost, 5);
	assert_int_equal(r->t[POLICY_PROHIBITED][0].min_bw_kbps, 1000);
	assert_int_equal(r->t[POLICY_PROHIBITED][0].max_rtt_ms, 100);
	assert_int_equal(r->t[POLICY_PROHIBITED][0].max_loss_pm, 20);
	assert_string_equal(r->t[POLICY_REQUIRED][0].network, "office");
	assert_int_equal(s.n_nets, 1);
	assert_int_equal(s.nets[0].n_member, 2);
	assert_int_equal(s.nets[0].member[1].trusted, 1);
	assert_int_equal(policy_set_finish(&s, err, sizeof(err)), 0);
	assert_true(s.builtin);          /* no system file: the default joins */
	assert_int_equal(s.n_files, 2);
	assert_string_equal(s.files[1].name, "(built-in)");
	policy_set_free(&s);
}

static void test_errors(void **state)
{
	(void)state;
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\nprefer = type:wifi\nfoo = 1\n"),
			    "bad.conf:5: unknown key \"foo\" in a [rule] section");
	assert_string_equal(bad("[policy]\nactor = user\n\n[rule a]\ndst = 10.0.0.1/8\n"
				"prefer = type:wifi\n"),
			    "bad.conf:5: dst: \"10.0.0.1/8\" has bits set past its length");
	/* A rule without a preference is reported at its header. */
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\nexe = /bin/x\n[rule b]\n"
				"prefer = type:vpn\n"),
			    "bad.conf:3: rule \"a\" has no require, prefer, avoid or prohibit");
	assert_string_equal(bad("[rule a]\nprefer = type:wifi\n"),
			    "bad.conf:1: the file must start with [policy] and its actor");
	assert_string_equal(bad("# nothing\n"), "bad.conf:1: no [policy] section with an actor");
	assert_string_equal(bad("[policy]\nactor = admin\n"),
			    "bad.conf:2: actor: once, one of system, operator, user (\"admin\")");
	assert_string_equal(bad("[policy]\nactor = user\n[pvd x]\nmetered = yes\n"),
			    "bad.conf:3: [pvd] sections state facts: only system and operator files");
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\nprefer = type:lte\n"),
			    "bad.conf:4: \"type:lte\": type: is one of wired, wifi, cellular, vpn");
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\nprefer = loss<=101\n"),
			    "bad.conf:4: \"loss<=101\": loss<= takes a percentage from 0 to 100");
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\n[rule b]\nprefer = type:vpn\n"),
			    "bad.conf:3: an empty section");
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\nport = 0\nprefer = type:vpn\n"),
			    "bad.conf:4: port: \"0\" is not a port (1-65535) or a range LO-HI");
	assert_string_equal(bad("[policy]\nactor = user\n[rule a]\nprefer = net:x+type:vpn\n"),
			    "bad.conf:4: \"net:x+type:vpn\": net:NAME stands alone");
	assert_string_equal(bad("[policy]\nactor = user\nthis is not ini\n"),
			    "bad.conf:3: syntax error");
	/* A header without ']' is told, not the key after it in [policy]. */
	assert_string_equal(bad("[policy]\nactor = user\n[rule a\nprefer = type:vpn\n"),
			    "bad.conf:3: syntax error");
	{
		char text[512] = "[policy]\nactor = user\n[rule a]\nexe = /";

		memset(text + strlen(text), 'x', 300);
		strcat(text, "\nprefer = type:vpn\n");
		assert_string_equal(bad(text), "bad.conf: line 4 is longer than 199 characters");
	}
}

/* A rule naming an undefined network fails the whole set. */
static void test_finish_errors(void **state)
{
	struct policy_set s;

	(void)state;
	policy_set_init(&s);
	load(&s, "u.conf", "[policy]\nactor = user\n[rule a]\nrequire = net:nowhere\n");
	assert_int_equal(policy_set_finish(&s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "u.conf:3: rule \"a\": no destination network \"nowhere\" in any file");
	policy_set_free(&s);
}

/* The shipped file is the built-in text. */
static void test_default_file(void **state)
{
	char buf[8192];
	FILE *f = fopen(MIF_SOURCE_ROOT "/dist/policy.d/00-system-default.conf", "r");
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, policy_default_text);
}

/* Wi-Fi, metered cellular and a trusted VPN, as the engine would see them. */
static size_t world(const struct policy_set *s, struct policy_pvd *p)
{
	static const char *const ids[] = { "wifi", "cell", "vpn", "eth" };
	static const char *const ifs[] = { "wlan0", "wwan0", "tun0", "eth0" };

	for (int i = 0; i < 3; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].id = ids[i];
		p[i].ifname = ifs[i];
		policy_pvd_attrs(s, p[i].id, p[i].ifname, &p[i]);
	}
	p[2].trusted = true;
	return 3;
}

static const char *first(const struct policy_pvd *p, const struct policy_result *r)
{
	return r->n ? p[r->order[0]].id : "(none)";
}

static void finish(struct policy_set *s)
{
	if (policy_set_finish(s, err, sizeof(err)) < 0)
		fail_msg("%s", err);
}

static void test_default_order(void **state)
{
	struct policy_set s;
	struct policy_pvd p[4];
	struct policy_result r;
	struct policy_flow any = { .dscp = -1 };
	size_t n;

	(void)state;
	policy_set_init(&s);
	finish(&s);
	n = world(&s, p);
	assert_int_equal(p[0].type, POLICY_WIFI);
	assert_int_equal(p[1].type, POLICY_CELLULAR);
	assert_true(p[1].metered);
	assert_int_equal(p[2].type, POLICY_VPN);
	policy_decide(&s, &any, p, n, &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(p[r.order[0]].id, "wifi");
	assert_string_equal(p[r.order[1]].id, "cell");
	assert_string_equal(p[r.order[2]].id, "vpn");
	assert_int_equal(r.rank[2], 2);
	assert_int_equal(r.n_matched, 1);
	assert_int_equal(r.decided_by, 0);
	assert_int_equal(r.role[0], POLICY_ROLE_WON);
	assert_int_equal(r.n_conflicts, 0);
	/* A wired PvD (eth0: no section names it) comes first. */
	memset(&p[3], 0, sizeof(p[3]));
	p[3].id = "eth";
	p[3].ifname = "eth0";
	policy_pvd_attrs(&s, "eth", "eth0", &p[3]);
	p[3].type = p[3].type ? p[3].type : POLICY_WIRED;
	policy_decide(&s, &any, p, 4, &r);
	assert_string_equal(first(p, &r), "eth");
	policy_set_free(&s);
}

static void test_user_beats_system(void **state)
{
	struct policy_set s;
	struct policy_pvd p[3];
	struct policy_result r;
	struct policy_flow f = { .exe = "/usr/bin/bulk", .dscp = -1 }, g = { .dscp = -1 };
	size_t n;

	(void)state;
	policy_set_init(&s);
	load(&s, "50-user.conf", "[policy]\nactor = user\n[rule bulk]\nexe = /usr/bin/bulk\n"
	     "prefer = type:cellular\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &f, p, n, &r);
	assert_string_equal(first(p, &r), "cell");
	assert_int_equal(r.n_matched, 2);
	assert_int_equal(r.decided_by, 0);                 /* the user's rule */
	assert_int_equal(r.n_conflicts, 1);                /* the system preferred wifi */
	assert_int_equal(r.conflicts[0].why, POLICY_WHY_PRECEDENCE);
	assert_int_equal(r.conflicts[0].loser, 1);
	assert_int_equal(r.conflicts[0].winner, 0);
	assert_string_equal(p[r.conflicts[0].pvd].id, "wifi");
	/* Another program: the system's order. */
	g.exe = "/usr/bin/other";
	policy_decide(&s, &g, p, n, &r);
	assert_string_equal(first(p, &r), "wifi");
	/* Precedence turned round: the system's word wins. */
	s.prec[0] = POLICY_USER;
	s.prec[1] = POLICY_OPERATOR;
	s.prec[2] = POLICY_SYSTEM;
	policy_decide(&s, &f, p, n, &r);
	assert_string_equal(first(p, &r), "wifi");
	assert_int_equal(r.conflicts[0].loser, 0);
	policy_set_free(&s);
}

/* An operator's prohibition against a user's preference: the constraint
 * holds, and the conflict is reported, never merged. */
static void test_hard_beats_soft(void **state)
{
	struct policy_set s;
	struct policy_pvd p[3];
	struct policy_result r;
	struct policy_flow f = { .has_uid = true, .uid = 1000, .dscp = -1 };
	size_t n;

	(void)state;
	policy_set_init(&s);
	load(&s, "20-operator.conf", "[policy]\nactor = operator\n[rule no-roaming]\n"
	     "prohibit = type:cellular\n");
	load(&s, "50-user.conf", "[policy]\nactor = user\n[rule mine]\nuid = 1000\n"
	     "prefer = type:cellular type:vpn\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &f, p, n, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(first(p, &r), "vpn");          /* the user's second choice */
	assert_int_equal(r.removed_by[1], 0);
	/* The user's rule still ordered what was left: it decided. */
	assert_int_equal(r.role[0], POLICY_ROLE_WON);
	/* And the OS default's Wi-Fi first lost to the user's order. */
	assert_int_equal(r.n_conflicts, 2);
	assert_int_equal(r.conflicts[1].why, POLICY_WHY_PRECEDENCE);
	assert_string_equal(p[r.conflicts[1].pvd].id, "wifi");
	assert_int_equal(r.conflicts[0].why, POLICY_WHY_HARD_VS_SOFT);
	assert_int_equal(r.conflicts[0].loser, 1);
	assert_int_equal(r.conflicts[0].winner, 0);
	assert_string_equal(p[r.conflicts[0].pvd].id, "cell");
	policy_set_free(&s);
}

/* Two constraints that cannot both hold: the higher actor's stands. */
static void test_hard_vs_hard(void **state)
{
	struct policy_set s;
	struct policy_pvd p[3];
	struct policy_result r;
	struct policy_flow f = { .exe = "/usr/bin/mms", .dscp = -1 };
	size_t n;

	(void)state;
	policy_set_init(&s);
	load(&s, "20-operator.conf", "[policy]\nactor = operator\n[rule mms]\n"
	     "exe = /usr/bin/mms\nrequire = type:cellular\n");
	load(&s, "50-user.conf", "[policy]\nactor = user\n[rule nocell]\nprohibit = metered\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &f, p, n, &r);
	assert_int_equal(r.n, 2);                          /* the user's rule applied */
	assert_int_equal(r.n_conflicts, 1);
	assert_int_equal(r.conflicts[0].why, POLICY_WHY_HARD_VS_HARD);
	assert_int_equal(r.conflicts[0].loser, 0);
	assert_int_equal(r.conflicts[0].winner, 1);
	/* The operator above the user: MMS on cellular only. */
	s.prec[1] = POLICY_USER;
	s.prec[2] = POLICY_OPERATOR;
	policy_decide(&s, &f, p, n, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(first(p, &r), "cell");
	assert_int_equal(r.conflicts[0].loser, 1);
	/* A required network that is absent: the flow goes nowhere. */
	n = 1;
	p[0] = p[2];
	policy_decide(&s, &f, p, n, &r);
	assert_int_equal(r.n, 0);
	policy_set_free(&s);
}

/* A trust constraint comes before every other constraint. */
static void test_trust_first(void **state)
{
	struct policy_set s;
	struct policy_pvd p[3];
	struct policy_result r;
	struct policy_flow f = { .name = "db.corp.example", .dscp = -1 };
	size_t n;

	(void)state;
	policy_set_init(&s);
	load(&s, "10-sys.conf", "[policy]\nactor = system\n[rule corp]\ndomain = corp.example\n"
	     "require = trusted\n");
	load(&s, "50-user.conf", "[policy]\nactor = user\n[rule novpn]\nprohibit = pvd:vpn\n");
	finish(&s);
	assert_false(s.builtin);
	n = world(&s, p);
	assert_int_equal(p[0].type, POLICY_TYPE_ANY);      /* no [interface] in this set */
	policy_decide(&s, &f, p, n, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(first(p, &r), "vpn");
	assert_int_equal(r.n_conflicts, 1);
	assert_int_equal(r.conflicts[0].why, POLICY_WHY_HARD_VS_HARD);
	assert_int_equal(r.conflicts[0].loser, 1);
	policy_set_free(&s);
}

static bool matches(const char *sel, const struct policy_flow *f)
{
	struct policy_set s;
	struct policy_pvd p[1] = { { .id = "a", .ifname = "" } };
	struct policy_result r;
	struct policy_flow g;
	char text[512];
	bool m;

	snprintf(text, sizeof(text), "[policy]\nactor = user\n[rule r]\n%s\nprefer = pvd:a\n", sel);
	policy_set_init(&s);
	load(&s, "m.conf", text);
	load(&s, "s.conf", "[policy]\nactor = system\n[rule x]\nprefer = pvd:b\n");
	finish(&s);
	policy_decide(&s, f, p, 1, &r);
	m = r.n_matched == 2;
	/* policy_rule_matches takes the name as policy_decide made it. */
	g = *f;
	g.name = "www.corp.example";
	assert_int_equal(policy_rule_matches(&s.rules[0], &g), m);
	policy_set_free(&s);
	return m;
}

/* The network's metered hint (DHCPv4 option 43): a PvD whose network says
 * so is metered whatever its interface class says, and a user's "avoid =
 * metered" then ranks it after the other network; a [pvd ID] fact from a
 * local file wins over the hint; the hint is the PvD's own, never
 * another's. */
static void test_metered_hint(void **state)
{
	struct policy_set s;
	struct policy_pvd p[3];
	struct policy_result r;
	struct policy_flow f = { .exe = "/usr/bin/bulk", .dscp = -1 };
	size_t n;

	(void)state;
	policy_set_init(&s);
	load(&s, "50-user.conf", "[policy]\nactor = user\n[rule bulk]\nexe = /usr/bin/bulk\n"
	     "avoid = metered\n");
	load(&s, "20-wifi.conf", "[policy]\nactor = operator\n[interface wl*]\nmetered = no\n");
	finish(&s);
	n = world(&s, p);
	/* Without a hint: Wi-Fi unmetered, the metered cellular avoided. */
	assert_false(p[0].metered);
	policy_decide(&s, &f, p, n, &r);
	assert_string_equal(first(p, &r), "wifi");
	/* The Wi-Fi network says it is metered: over the [interface] "no". */
	memset(&p[0], 0, sizeof(p[0]));
	p[0].id = "wifi";
	p[0].ifname = "wlan0";
	p[0].metered_hint = true;
	policy_pvd_attrs(&s, "wifi", "wlan0", &p[0]);
	assert_true(p[0].metered);
	assert_int_equal(p[0].type, POLICY_WIFI);
	assert_false(p[2].metered);                        /* the VPN: not another's hint */
	policy_decide(&s, &f, p, n, &r);
	assert_string_equal(first(p, &r), "vpn");         /* the only unmetered one */
	assert_true(p[r.order[1]].metered && p[r.order[2]].metered);
	policy_set_free(&s);
	/* A [pvd ID] fact names this PvD: it wins over the network's hint. */
	policy_set_init(&s);
	load(&s, "20-op.conf", "[policy]\nactor = operator\n[pvd wifi]\nmetered = no\n");
	finish(&s);
	memset(&p[0], 0, sizeof(p[0]));
	p[0].metered_hint = true;
	policy_pvd_attrs(&s, "wifi", "wlan0", &p[0]);
	assert_false(p[0].metered);
	memset(&p[0], 0, sizeof(p[0]));
	p[0].metered_hint = true;
	policy_pvd_attrs(&s, "other", "eth0", &p[0]);
	assert_true(p[0].metered);                         /* no section: the hint */
	policy_set_free(&s);
}

static void test_selectors(void **state)
{
	struct policy_flow f = { .exe = "/usr/bin/app", .cgroup = "/user.slice/u/app.scope",
				 .has_uid = true, .uid = 7, .name = "WWW.Corp.Example.",
				 .proto = 6, .port = 443, .dscp = 10 };

	(void)state;
	addr_parse("10.1.2.3", &f.dst);
	f.has_dst = true;
	assert_true(matches("exe = /usr/bin/app", &f));
	assert_false(matches("exe = /usr/bin/ap", &f));
	assert_true(matches("cgroup = /user.slice", &f));
	assert_true(matches("cgroup = /user.slice/u/app.scope", &f));
	assert_false(matches("cgroup = /user.sl", &f));
	assert_true(matches("cgroup = /", &f));
	assert_true(matches("uid = 7", &f));
	assert_false(matches("uid = 8", &f));
	assert_true(matches("domain = corp.example", &f));
	assert_true(matches("domain = www.corp.example", &f));
	assert_false(matches("domain = orp.example", &f));
	assert_true(matches("dst = 10.0.0.0/8", &f));
	assert_true(matches("dst = 10.1.2.3", &f));
	assert_false(matches("dst = 10.1.2.4", &f));
	assert_true(matches("dst = 192.0.2.0/24\ndomain = corp.example", &f));   /* either */
	assert_true(matches("proto = tcp\nport = 443", &f));
	assert_false(matches("proto = udp", &f));
	assert_true(matches("port = 400-500", &f));
	assert_false(matches("port = 444", &f));
	assert_true(matches("dscp = 10", &f));
	assert_false(matches("dscp = 46", &f));
	assert_false(matches("uid = 7\nexe = /bin/other", &f));                  /* all fields */
	f.has_uid = false;
	assert_false(matches("uid = 7", &f));                                    /* unknown */
}

static void test_targets(void **state)
{
	struct policy_set s;
	struct policy_pvd p = { .id = "Corp", .ifname = "tun0", .type = POLICY_VPN,
				.trusted = true, .cost = 3, .bw_kbps = 5000 };
	struct policy_target *t;

	(void)state;
	policy_set_init(&s);
	load(&s, "o.conf", "[policy]\nactor = operator\n[pvd corp]\ncost = 1\nbandwidth = 900\n"
	     "[interface tun*]\ncost = 7\ntype = vpn\nmetered = yes\n"
	     "[network office]\nmember = pvd:corp\n"
	     "[rule t]\nprefer = net:office cost<=2 bandwidth>=1000 rtt<=50 loss<=1 "
	     "type:vpn+trusted+unmetered\n");
	finish(&s);
	policy_pvd_attrs(&s, "corp", "tun0", &p);
	assert_int_equal(p.cost, 1);                       /* [pvd] before [interface] */
	assert_int_equal(p.bw_kbps, 900);
	assert_true(p.metered);
	t = s.rules[0].t[POLICY_PREFERRED];
	assert_true(policy_target_matches(&s, &t[0], &p));
	assert_true(policy_target_matches(&s, &t[1], &p));
	assert_false(policy_target_matches(&s, &t[2], &p));
	assert_false(policy_target_matches(&s, &t[3], &p));  /* quality unknown */
	p.quality_known = true;
	p.rtt_ms = 20;
	p.loss_pm = 15;
	assert_true(policy_target_matches(&s, &t[3], &p));
	assert_false(policy_target_matches(&s, &t[4], &p));  /* 1.5 % > 1 % */
	assert_false(policy_target_matches(&s, &t[5], &p));  /* metered */
	policy_set_free(&s);
}

/* Many rules: only the candidates the index gives are checked, and the
 * answer is the one a full scan gives. */
static void test_index_many(void **state)
{
	struct policy_set s;
	struct policy_pvd p[3];
	struct policy_result r;
	char *text = malloc(1 << 20), exe[64];
	size_t off = 0, n;

	(void)state;
	off += (size_t)sprintf(text, "[policy]\nactor = user\n");
	for (int i = 0; i < 3000; i++)
		off += (size_t)sprintf(text + off, "[rule r%d]\n%s = %s%d%s\nprefer = type:%s\n", i,
				       i % 3 == 0 ? "exe" : i % 3 == 1 ? "domain" : "dst",
				       i % 3 == 0 ? "/usr/bin/app" : i % 3 == 1 ? "d" : "10.0.",
				       i / 3 % 250, i % 3 == 0 ? "" : i % 3 == 1 ? ".example" : ".0/24",
				       i % 2 ? "vpn" : "cellular");
	policy_set_init(&s);
	load(&s, "big.conf", text);
	finish(&s);
	n = world(&s, p);
	for (int i = 0; i < 250; i += 37) {
		struct policy_flow f = { .exe = exe, .dscp = -1, .has_dst = true };
		size_t full = 0;
		char name[32], a[32];

		snprintf(exe, sizeof(exe), "/usr/bin/app%d", i);
		snprintf(name, sizeof(name), "x.d%d.example", i);
		snprintf(a, sizeof(a), "10.0.%d.9", i);
		f.name = name;
		addr_parse(a, &f.dst);
		for (size_t k = 0; k < s.n_rules; k++)
			full += policy_rule_matches(&s.rules[k], &f);
		policy_decide(&s, &f, p, n, &r);
		assert_int_equal(r.n_matched_total, full);
		assert_true(full >= 3 * 4);                /* 12 user rules + the default */
	}
	free(text);
	policy_set_free(&s);
}

static void test_precedence_parse(void **state)
{
	uint8_t p[POLICY_N_ACTORS] = { 9, 9, 9 };

	(void)state;
	assert_int_equal(policy_prec_parse("user, system operator", p), 0);
	assert_int_equal(p[0], POLICY_USER);
	assert_int_equal(p[1], POLICY_SYSTEM);
	assert_int_equal(p[2], POLICY_OPERATOR);
	assert_int_equal(policy_prec_parse("system < operator < user", p), 0);
	assert_int_equal(p[2], POLICY_USER);
	assert_int_equal(policy_prec_parse("system operator", p), -EINVAL);
	assert_int_equal(policy_prec_parse("system user user", p), -EINVAL);
	assert_int_equal(policy_prec_parse("system operator user admin", p), -EINVAL);
	assert_int_equal(p[2], POLICY_USER);          /* untouched on failure */
}

/* What the kernel enforces, by selector (policy_kernel.c). */
static enum policy_kernel kernel_of(const char *sel, char *text, size_t len)
{
	struct policy_set s;
	char buf[512];
	enum policy_kernel k;

	policy_set_init(&s);
	snprintf(buf, sizeof(buf), "[policy]\nactor = user\n[rule r]\n%s\nprefer = type:wifi\n",
		 sel);
	load(&s, "k.conf", buf);
	assert_int_equal(s.n_rules, 1);
	k = policy_rule_kernel(&s.rules[0]);
	policy_kernel_text(&s.rules[0], text, len);
	policy_set_free(&s);
	return k;
}

static void test_kernel(void **state)
{
	char t[320];

	(void)state;
	assert_int_equal(kernel_of("", t, sizeof(t)), POLICY_K_ANY);
	assert_int_equal(kernel_of("dst = 10.0.0.0/8", t, sizeof(t)), POLICY_K_DST);
	assert_int_equal(kernel_of("dst = 10.0.0.0/8\ndomain = corp.example", t, sizeof(t)),
			 POLICY_K_DST);
	assert_non_null(strstr(t, "domains are not seen"));
	assert_int_equal(kernel_of("cgroup = /a", t, sizeof(t)), POLICY_K_CGROUP);
	assert_int_equal(kernel_of("uid = 1000", t, sizeof(t)), POLICY_K_SEL);
	assert_string_equal(t, "nftables: meta skuid 1000 sets the decided PvD's mark, source "
			    "SNATed to the PvD's address; every program not bound to a PvD");
	assert_int_equal(kernel_of("proto = udp\nport = 5000-5010\ndscp = 46\nuid = 7", t,
				   sizeof(t)), POLICY_K_SEL);
	assert_non_null(strstr(t, "meta skuid 7 meta l4proto udp th dport 5000-5010 ip/ip6 dscp 46"));
	assert_int_equal(kernel_of("port = 443", t, sizeof(t)), POLICY_K_SEL);
	assert_int_equal(kernel_of("exe = /bin/x\nuid = 3", t, sizeof(t)), POLICY_K_NONE_EXE);
	assert_int_equal(kernel_of("domain = corp.example", t, sizeof(t)), POLICY_K_NONE_DOMAIN);
	assert_int_equal(kernel_of("dst = 10.0.0.0/8\nuid = 3", t, sizeof(t)), POLICY_K_NONE_MIX);
	assert_non_null(strstr(t, "no kernel rule is made for dst with other selectors"));
	assert_int_equal(kernel_of("cgroup = /a\nport = 80", t, sizeof(t)), POLICY_K_NONE_MIX);
	assert_int_equal(kernel_of("domain = a.example\ndscp = 1", t, sizeof(t)),
			 POLICY_K_NONE_MIX);
}

/* A network's word about itself (engine_policy_net.c's texts, rules
 * marked scoped): its avoid lowers it at the operator's level, two
 * networks' avoids both count (neither shadows the other), the user's
 * word still wins; its prefer only breaks ties no local rule decided. */
static void net_load(struct policy_set *s, const char *id, const char *rules)
{
	char name[64], text[512];
	size_t before = s->n_rules;

	snprintf(name, sizeof(name), "pvd-info:%s", id);
	snprintf(text, sizeof(text), "[policy]\nactor = operator\n%s", rules);
	load(s, name, text);
	for (size_t i = before; i < s->n_rules; i++)
		s->rules[i].scoped = true;
}

static void test_network_scoped(void **state)
{
	struct policy_set s;
	struct policy_pvd p[4];
	struct policy_result r;
	struct policy_flow any = { .dscp = -1 }, web = { .dscp = -1, .exe = "/usr/bin/web" };
	size_t n;

	(void)state;
	/* The Wi-Fi network is overloaded and says so: the OS default's
	 * Wi-Fi-first gives way (operator over system). */
	policy_set_init(&s);
	net_load(&s, "wifi", "[rule overloaded]\navoid = pvd:wifi\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &any, p, n, &r);
	assert_string_equal(first(p, &r), "cell");
	assert_string_equal(p[r.order[1]].id, "vpn");
	assert_string_equal(p[r.order[2]].id, "wifi");     /* after every PvD not avoided */
	assert_int_equal(r.decided_by, 1);                 /* cell over vpn: the system's */
	/* The OS default wanted Wi-Fi: a conflict, reported, the network's
	 * word (operator) over the system's. */
	assert_int_equal(r.n_conflicts, 1);
	assert_int_equal(r.conflicts[0].why, POLICY_WHY_PRECEDENCE);
	assert_int_equal(r.conflicts[0].loser, 1);
	assert_int_equal(r.conflicts[0].winner, 0);
	/* Two PvDs only: the network's avoid decides. */
	policy_decide(&s, &any, p, 2, &r);
	assert_string_equal(first(p, &r), "cell");
	assert_int_equal(r.decided_by, 0);
	assert_true(s.rules[r.decided_by].scoped);
	policy_set_free(&s);
	/* Both overloaded: both avoided, the VPN first; the avoids of two
	 * networks do not shadow each other. */
	policy_set_init(&s);
	net_load(&s, "wifi", "[rule overloaded]\navoid = pvd:wifi\n");
	net_load(&s, "cell", "[rule overloaded]\navoid = pvd:cell\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &any, p, n, &r);
	assert_string_equal(first(p, &r), "vpn");
	assert_string_equal(p[r.order[1]].id, "wifi");     /* the system's order below */
	policy_set_free(&s);
	/* The user prefers Wi-Fi for the web program: the user wins. */
	policy_set_init(&s);
	load(&s, "50-user.conf", "[policy]\nactor = user\n[rule web]\nexe = /usr/bin/web\n"
	     "prefer = type:wifi\n");
	net_load(&s, "wifi", "[rule overloaded]\navoid = pvd:wifi\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &web, p, n, &r);
	assert_string_equal(first(p, &r), "wifi");
	assert_false(s.rules[r.decided_by].scoped);
	policy_decide(&s, &any, p, n, &r);
	assert_string_equal(first(p, &r), "cell");
	/* A local operator rule that names the PvD is not overridden. */
	policy_set_free(&s);
	policy_set_init(&s);
	load(&s, "20-op.conf", "[policy]\nactor = operator\n[rule mine]\nprefer = pvd:wifi\n");
	net_load(&s, "wifi", "[rule overloaded]\navoid = pvd:wifi\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &any, p, n, &r);
	assert_string_equal(first(p, &r), "wifi");
	policy_set_free(&s);
	/* prefer: the cellular network prefers itself; the system ranks
	 * Wi-Fi first and the VPN is trusted: neither is outranked. */
	policy_set_init(&s);
	net_load(&s, "cell", "[rule grab]\nprefer = pvd:cell\n");
	finish(&s);
	n = world(&s, p);
	policy_decide(&s, &any, p, n, &r);
	assert_string_equal(first(p, &r), "wifi");
	assert_string_equal(p[r.order[1]].id, "cell");
	assert_string_equal(p[r.order[2]].id, "vpn");
	/* Two cellular networks the local rules cannot tell apart: the one
	 * that prefers itself breaks the tie. */
	memset(&p[3], 0, sizeof(p[3]));
	p[3].id = "cell2";
	p[3].ifname = "wwan1";
	policy_pvd_attrs(&s, "cell2", "wwan1", &p[3]);
	p[0].type = POLICY_CELLULAR;                       /* no Wi-Fi now */
	{
		struct policy_pvd q[2] = { p[3], p[1] };   /* cell2 older: first by age */

		policy_decide(&s, &any, q, 2, &r);
		assert_string_equal(first(q, &r), "cell");
		assert_true(s.rules[r.decided_by].scoped);
		assert_int_equal(r.rank[1], 1);
	}
	policy_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_finish_errors),
		cmocka_unit_test(test_default_file),
		cmocka_unit_test(test_default_order),
		cmocka_unit_test(test_user_beats_system),
		cmocka_unit_test(test_hard_beats_soft),
		cmocka_unit_test(test_hard_vs_hard),
		cmocka_unit_test(test_trust_first),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_metered_hint),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_index_many),
		cmocka_unit_test(test_precedence_parse),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_network_scoped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

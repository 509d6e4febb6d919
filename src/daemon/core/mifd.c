/* SPDX-License-Identifier: MIT */
/*
 * mifd: learns provisioning domains and serves them on a control socket.
 * main() reads the options and configuration and hands over to the
 * privileged parent (parent.c), which starts the engine and the
 * network-facing process (child.c).
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/core/config.h"
#include "daemon/core/parent.h"
#include "daemon/dns/stub.h"

static void mifd_usage(FILE *f)
{
	fprintf(f,
		"Usage: mifd [OPTIONS]\n"
		"Learn the provisioning domains (PvDs) of every attached network.\n\n"
		"  -s, --socket PATH       control socket (default %s)\n"
		"  -i, --interface NAME    manage NAME (or NAME,NAME...); repeatable\n"
		"                          (default: every non-loopback interface)\n"
		"  -4, --dhcp4 NAME        run the DHCPv4 client on NAME (or a list);\n"
		"                          repeatable\n"
		"      --dhcp6-pd-downstream NAME  number NAME (or a list) from the prefix\n"
		"                          delegated by DHCPv6; repeatable\n"
		"  -R, --no-routing        do not install per-PvD routes and rules\n"
		"  -D, --dns-listen ADDR[:PORT]  the stub resolver's address (default %s:%d)\n"
		"  -N, --no-dns            do not run the stub resolver\n"
		"  -r, --resolv-conf PATH  where to write the stub's resolv.conf (default\n"
		"                          /run/mif/resolv.conf; \"\" for nowhere)\n"
		"  -C, --no-connectivity   do not check each PvD's connectivity\n"
		"  -c, --config FILE       configuration file (default %s)\n"
		"  -f, --foreground        stay in the foreground, log to stderr\n"
		"  -l, --log-level LEVEL   error, warning, info (default) or debug\n"
		"  -S, --state-dir DIR     leases and the address secret (default /var/lib/mif)\n"
		"  -h, --help              show this help\n"
		"  -V, --version           show the version\n",
		MIF_DEFAULT_SOCKET, STUB_DEFAULT_ADDR, STUB_DEFAULT_PORT, MIFD_DEFAULT_CONFIG);
}

/* The options that set a configuration key: through config_set(), the
 * same check as the file's, with the option's name in the message. Those
 * with a fixed value take no argument. */
static const struct mifd_key {
	int opt;
	const char *section, *key, *name, *value;
} mifd_keys[] = {
	{ 's', "mifd", "socket", "--socket", NULL },
	{ 'i', "mifd", "interfaces", "--interface", NULL },
	{ '4', "mifd", "dhcp4", "--dhcp4", NULL },
	{ 1002, "mifd", "dhcp6_pd_downstream", "--dhcp6-pd-downstream", NULL },
	{ 'l', "mifd", "log_level", "--log-level", NULL },
	{ 'S', "mifd", "state_dir", "--state-dir", NULL },
	{ 'R', "routing", "enabled", "--no-routing", "no" },
	{ 'D', "dns", "listen", "--dns-listen", NULL },
	{ 'N', "dns", "enabled", "--no-dns", "no" },
	{ 'r', "dns", "resolv_conf", "--resolv-conf", NULL },
	{ 'C', "connectivity", "enabled", "--no-connectivity", "no" },
};

static const struct mifd_key *mifd_key_of(int opt)
{
	for (size_t i = 0; i < sizeof(mifd_keys) / sizeof(mifd_keys[0]); i++)
		if (mifd_keys[i].opt == opt)
			return &mifd_keys[i];
	return NULL;
}

/* Two passes: the config file first (its path may be on the command line),
 * then every other option, so the command line wins. */
static int mifd_args(int argc, char **argv, struct mifd_config *cfg)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "interface", required_argument, NULL, 'i' },
		{ "dhcp4", required_argument, NULL, '4' },
		{ "dhcp6-pd-downstream", required_argument, NULL, 1002 },
		{ "no-routing", no_argument, NULL, 'R' },
		{ "dns-listen", required_argument, NULL, 'D' },
		{ "no-dns", no_argument, NULL, 'N' },
		{ "resolv-conf", required_argument, NULL, 'r' },
		{ "no-connectivity", no_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = NULL;
	char err[512];
	int o, r;

	while ((o = getopt_long(argc, argv, "s:i:4:RD:Nr:Cc:fl:S:hV", opts, NULL)) != -1) {
		if (o == 'c')
			conf = optarg;
		else if (o == 'h')
			return mifd_usage(stdout), 1;
		else if (o == 'V')
			return printf("mifd %s\n", MIF_VERSION), 1;
		else if (o == '?')
			return mifd_usage(stderr), -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "mifd: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	r = config_load(cfg, conf ? conf : MIFD_DEFAULT_CONFIG, err, sizeof(err));
	if (r == -EINVAL) {
		fprintf(stderr, "mifd: %s\n", err);
		return r;
	}
	/* Only a missing default file means the defaults. */
	if (r < 0 && (conf || r == -EISDIR)) {
		fprintf(stderr, "mifd: cannot read %s: %s\n", conf, strerror(-r));
		return r;
	}
	optind = 1;
	while ((o = getopt_long(argc, argv, "s:i:4:RD:Nr:Cc:fl:S:hV", opts, NULL)) != -1) {
		const struct mifd_key *k = mifd_key_of(o);

		if (o == 'f')
			cfg->foreground = true;
		else if (k && config_set(cfg, k->section, k->key, k->name,
					 k->value ? k->value : optarg, err, sizeof(err)) < 0) {
			fprintf(stderr, "mifd: %s\n", err);
			return -EINVAL;
		}
	}
	return 0;
}

static int mifd_daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mifd_config cfg;
	int r;

	config_defaults(&cfg);
	r = mifd_args(argc, argv, &cfg);
	if (r != 0)
		return r > 0 ? 0 : 2;
	log_init("mifd", cfg.log_level, cfg.foreground);
	signal(SIGPIPE, SIG_IGN);
	if (!cfg.foreground && mifd_daemonize() < 0)
		return 1;
	return parent_run(&cfg);
}

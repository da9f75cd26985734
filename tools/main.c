// SPDX-License-Identifier: GPL-2.0
/*
 * flowsess: configure and inspect the flowsess flow-session table.
 *
 *   flowsess [-j] show
 *   flowsess set KNOB VALUE [KNOB VALUE ...]
 *   flowsess [-j] stats
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "tool.h"

static bool json_output;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: flowsess [-j] COMMAND\n"
		"\n"
		"Commands:\n"
		"  show                    the configuration of this network namespace\n"
		"  set KNOB VALUE ...      change knobs (rst-invalidate-session on, ...)\n"
		"  stats                   the counters of this network namespace\n"
		"\n"
		"Options:\n"
		"  -j, --json  print JSON\n"
		"  -h, --help  show this help\n");
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == FLOWSESS_A_STATS &&
		    fs_stats_parse(attr, data) < 0)
			return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* A read command: no arguments, one request, the reply parsed by @cb. */
static int fetch(int argc, const char *what, uint8_t cmd, fs_reply_cb cb,
		 void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct fs_genl g;
	int err;

	if (argc > 1) {
		fprintf(stderr, "flowsess: %s takes no arguments\n", what);
		return EXIT_USAGE;
	}
	if (fs_genl_open_or_explain(&g))
		return EXIT_FAILURE;
	err = fs_genl_talk(&g, fs_genl_msg(&g, buf, cmd, 0), cb, data);
	if (err)
		fs_genl_explain(&g, what, err);
	fs_genl_close(&g);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_stats(int argc, char **argv)
{
	struct fs_stats st = {};
	int ret;

	(void)argv;
	ret = fetch(argc, "stats", FLOWSESS_CMD_GET_STATS, stats_cb, &st);
	if (ret == EXIT_SUCCESS)
		fs_stats_print(stdout, &st, json_output);
	return ret;
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == FLOWSESS_A_CONFIG &&
		    fs_config_parse(attr, data) < 0)
			return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int cmd_show(int argc, char **argv)
{
	struct fs_config cfg = {};
	int ret;

	(void)argv;
	ret = fetch(argc, "show", FLOWSESS_CMD_GET_CONFIG, config_cb, &cfg);
	if (ret == EXIT_SUCCESS)
		fs_config_print(stdout, &cfg, json_output);
	return ret;
}

static int cmd_set(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct fs_config cfg;
	struct fs_genl g;
	int err;

	if (fs_config_parse_args(argc - 1, argv + 1, &cfg, stderr))
		return EXIT_USAGE;
	if (fs_genl_open_or_explain(&g))
		return EXIT_FAILURE;
	nlh = fs_genl_msg(&g, buf, FLOWSESS_CMD_SET_CONFIG, 0);
	fs_config_put(nlh, &cfg);
	err = fs_genl_talk(&g, nlh, NULL, NULL);
	if (err)
		fs_genl_explain(&g, "set", err);
	fs_genl_close(&g);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "show", cmd_show },
	{ "set", cmd_set },
	{ "stats", cmd_stats },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	unsigned int i;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (!argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(argc, argv);
	fprintf(stderr, "flowsess: unknown command \"%s\" (try: flowsess --help)\n",
		argv[0]);
	return EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * flowsess: configure and inspect the flowsess flow-session table.
 *
 *   flowsess [-j|-p] [-n NETNS] show
 *   flowsess set KNOB VALUE [KNOB VALUE ...]
 *   flowsess [-j] stats [-o text|json|prometheus]
 *   flowsess [-j] sessions [FILTER ...] [summary]
 *   flowsess [-j] clear all | FILTER ... [nopickup]
 *   flowsess [-j] [-t] monitor [FILTER ...] [rcvbuf BYTES]
 *   flowsess save [FILE]
 *   flowsess load FILE
 *   flowsess sync run peer ADDR ... | status | master | backup | resync
 */
#define _GNU_SOURCE	/* setns() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "tool.h"

static bool json_output;
static bool timestamps;		/* -t: monitor stamps each event */
static const char *netns_name;	/* -n: the namespace, for labels */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: flowsess [-j|-p] [-n NETNS] COMMAND\n"
		"\n"
		"Commands (each acts on this network namespace):\n"
		"  show                         the configuration\n"
		"  set KNOB VALUE ...           change knobs (rst-invalidate-session on, ...)\n"
		"  stats [-o json|prometheus]   the counters\n"
		"  sessions [FILTER] [summary]  list the sessions (id N: one), or count them\n"
		"  clear all|FILTER [nopickup]  invalidate sessions; their flows are picked up\n"
		"  monitor [FILTER] [rcvbuf N]  print sessions as they come and go\n"
		"  save [FILE]                  write the configuration (default: stdout)\n"
		"  load FILE                    apply a saved configuration, all or nothing\n"
		"  sync run|status|master|backup|resync  sync with another router\n"
		"\n"
		"FILTER: family inet|inet6, proto P, src PREFIX, dst PREFIX,\n"
		"        sport N, dport N, state S (see flowsess(8))\n"
		"\n"
		"Options:\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   print JSON, indented\n"
		"  -n, --netns NETNS\n"
		"                 act on the named network namespace (as ip -n)\n"
		"  -t, --timestamp\n"
		"                 monitor: the time of each event\n"
		"  -h, --help     show this help\n"
		"  -V, --version  print the version\n");
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

/* stats [-o text|json|prometheus] */
static int cmd_stats(int argc, char **argv)
{
	struct fs_stats st = {};
	bool prometheus = false;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "-o") && !strcmp(argv[2], "prometheus")) {
		prometheus = true;
	} else if (argc == 3 && !strcmp(argv[1], "-o") && !strcmp(argv[2], "json")) {
		json_output = true;
	} else if (argc == 3 && !strcmp(argv[1], "-o") && !strcmp(argv[2], "text")) {
		json_output = false;
	} else if (argc != 1) {
		fprintf(stderr, "flowsess: stats takes -o text, json or prometheus at most\n");
		return EXIT_USAGE;
	}
	ret = fetch(1, "stats", FLOWSESS_CMD_GET_STATS, stats_cb, &st);
	if (ret == EXIT_SUCCESS && prometheus)
		fs_stats_print_prometheus(stdout, &st, netns_name);
	else if (ret == EXIT_SUCCESS)
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

/* Send the knobs of @cfg in one SET_CONFIG; on error, nlh for the caller. */
static int set_config(const struct fs_config *cfg, struct fs_genl *g, char *buf,
		      struct nlmsghdr **nlhp)
{
	struct nlmsghdr *nlh = fs_genl_msg(g, buf, FLOWSESS_CMD_SET_CONFIG, 0);

	fs_config_put(nlh, cfg);
	*nlhp = nlh;
	return fs_genl_talk(g, nlh, NULL, NULL);
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
	err = set_config(&cfg, &g, buf, &nlh);
	/* Out of its range (not of another kind): the knob, as typed, the range. */
	if (err && (!g.extack_range || !g.extack_offset || err != -ERANGE ||
		    !strstr(g.extack, "out of range") ||
		    fs_config_explain_range(stderr, "set",
					    fs_config_attr_at(nlh, g.extack_offset),
					    argc - 1, argv + 1, g.extack_min, g.extack_max)))
		fs_genl_explain(&g, "set", err);
	fs_genl_close(&g);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The configuration, as `show` prints it, to FILE (atomically) or stdout. */
static int cmd_save(int argc, char **argv)
{
	struct fs_config cfg = {};
	char tmp[4096];
	FILE *out;
	int ret;

	if (argc > 2) {
		fprintf(stderr, "flowsess: save takes one FILE at most\n");
		return EXIT_USAGE;
	}
	ret = fetch(1, "save", FLOWSESS_CMD_GET_CONFIG, config_cb, &cfg);
	if (ret != EXIT_SUCCESS)
		return ret;
	if (argc < 2 || !strcmp(argv[1], "-")) {
		fs_config_save(stdout, &cfg);
		return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]) >= (int)sizeof(tmp)) {
		fprintf(stderr, "flowsess: save: %s: name too long\n", argv[1]);
		return EXIT_FAILURE;
	}
	out = fopen(tmp, "w");
	if (!out) {
		fprintf(stderr, "flowsess: save: %s: %s\n", tmp, strerror(errno));
		return EXIT_FAILURE;
	}
	fs_config_save(out, &cfg);
	if (fclose(out) || rename(tmp, argv[1])) {
		fprintf(stderr, "flowsess: save: %s: %s\n", argv[1], strerror(errno));
		unlink(tmp);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/*
 * Apply FILE (- for stdin) in one request: the kernel takes every knob or
 * none. A knob the kernel refuses is reported with its line.
 */
static int cmd_load(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[4200];
	struct fs_config_file file;
	struct nlmsghdr *nlh;
	struct fs_genl g;
	int err, attr;
	FILE *in;

	if (argc != 2) {
		fprintf(stderr, "flowsess: load wants a FILE (- for standard input)\n");
		return EXIT_USAGE;
	}
	in = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!in) {
		fprintf(stderr, "flowsess: load: %s: %s\n", argv[1], strerror(errno));
		return EXIT_FAILURE;
	}
	err = fs_config_load(in, in == stdin ? "<stdin>" : argv[1], &file, stderr);
	if (in != stdin)
		fclose(in);
	if (err)
		return EXIT_USAGE;
	/* Comments only: nothing to change, nothing to send. */
	for (attr = 1; attr < __FLOWSESS_CFG_MAX && !file.cfg.present[attr]; attr++)
		;
	if (attr == __FLOWSESS_CFG_MAX)
		return EXIT_SUCCESS;
	if (fs_genl_open_or_explain(&g))
		return EXIT_FAILURE;
	err = set_config(&file.cfg, &g, buf, &nlh);
	if (err) {
		attr = g.extack_offset ? fs_config_attr_at(nlh, g.extack_offset) : -1;
		if (attr > 0 && attr < __FLOWSESS_CFG_MAX && file.line[attr])
			snprintf(what, sizeof(what), "load: %s:%u", argv[1], file.line[attr]);
		else
			snprintf(what, sizeof(what), "load: %s", argv[1]);
		fs_genl_explain(&g, what, err);
		fprintf(stderr, "flowsess: load: nothing was changed\n");
	}
	fs_genl_close(&g);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * A listing holds back the first sessions of a dump, so that it can take
 * the dump again if a resize of the hash overtakes it; past that many it
 * prints them as they come, and a table of millions is never held whole.
 */
#define LISTING_HELD_MAX	65536

struct session_listing {
	struct fs_session *held;
	size_t n_held;
	size_t printed;
	bool streaming;			/* printing as they come: no retry */
	struct fs_summary *sum;		/* counting them instead */
};

static void listing_print(struct session_listing *l, const struct fs_session *s)
{
	if (!l->printed) {
		if (json_output)
			putchar('[');
		else
			fs_session_header(stdout);
	} else if (json_output) {
		putchar(',');
	}
	fs_session_print(stdout, s, json_output);
	l->printed++;
}

static void listing_flush(struct session_listing *l)
{
	size_t i;

	for (i = 0; i < l->n_held; i++)
		listing_print(l, &l->held[i]);
	l->n_held = 0;
}

static void listing_end(struct session_listing *l)
{
	listing_flush(l);
	if (!l->printed && !json_output)
		fs_session_header(stdout);
	if (json_output)
		puts(l->printed ? "]" : "[]");
}

static int listing_add(struct session_listing *l, const struct fs_session *s)
{
	if (l->sum) {
		fs_summary_add(l->sum, s);
		return 0;
	}
	if (l->streaming) {
		listing_print(l, s);
		return 0;
	}
	if (!l->held) {
		l->held = malloc(LISTING_HELD_MAX * sizeof(*l->held));
		if (!l->held)
			return -1;
	}
	l->held[l->n_held++] = *s;
	if (l->n_held == LISTING_HELD_MAX) {
		l->streaming = true;
		listing_flush(l);
	}
	return 0;
}

static int session_cb(const struct nlmsghdr *nlh, void *data)
{
	struct session_listing *l = data;
	struct fs_session s;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != FLOWSESS_A_SESSION)
			continue;
		if (fs_session_parse(attr, &s) < 0) {
			errno = EBADMSG;
			return MNL_CB_ERROR;
		}
		if (listing_add(l, &s))
			return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* How often, and how patiently, an interrupted dump is taken again. */
#define DUMP_ATTEMPTS		10
#define DUMP_BACKOFF_US		20000

/*
 * Dump the sessions @f selects into @l. A dump the kernel flags as
 * interrupted (the hash resized itself during the dump) is thrown away and
 * taken again, a little later each time: resizes come in bursts, as the
 * table fills or empties. One that was being printed already cannot be:
 * it ends, and says so.
 */
static int dump_sessions(const struct fs_filter *f, struct session_listing *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct fs_genl g;
	int attempt, err = -EINTR;

	for (attempt = 0; attempt < DUMP_ATTEMPTS && err == -EINTR; attempt++) {
		if (attempt) {
			fprintf(stderr, "flowsess: sessions: the table changed during the dump, dumping again\n");
			usleep(DUMP_BACKOFF_US * attempt);
		}
		if (fs_genl_open_or_explain(&g))
			return EXIT_FAILURE;
		l->n_held = 0;
		if (l->sum)
			memset(l->sum, 0, sizeof(*l->sum));
		nlh = fs_genl_msg(&g, buf, FLOWSESS_CMD_GET_SESSIONS, NLM_F_DUMP);
		fs_filter_put(nlh, f);
		err = fs_genl_talk(&g, nlh, session_cb, l);
		if (err && err != -EINTR)
			fs_genl_explain(&g, "sessions", err);
		fs_genl_close(&g);
		if (err == -EINTR && l->streaming) {
			fprintf(stderr, "flowsess: sessions: the table was resized during the dump: sessions may be missing or listed twice; list them again\n");
			return EXIT_FAILURE;
		}
	}
	if (err == -EINTR)
		fprintf(stderr, "flowsess: sessions: the table kept changing; try again\n");
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * The whole table's summary, from the module's gauges: no dump. A module
 * older than the tool (an upgrade not yet loaded) has none: 1.
 */
static int summary_from_stats(struct fs_summary *sum)
{
	struct fs_stats st = {};
	int ret = fetch(1, "sessions", FLOWSESS_CMD_GET_STATS, stats_cb, &st);

	if (ret != EXIT_SUCCESS)
		return -1;
	return fs_summary_from_stats(sum, &st) ? 1 : 0;
}

static int cmd_sessions(int argc, char **argv)
{
	struct session_listing l = {};
	static const struct fs_filter all;
	bool summary = false;
	struct fs_filter f;
	int ret;

	if (fs_filter_parse_args(argc - 1, argv + 1, &f, &summary, stderr))
		return EXIT_USAGE;
	if (summary) {
		l.sum = calloc(1, sizeof(*l.sum));
		if (!l.sum) {
			fprintf(stderr, "flowsess: out of memory\n");
			return EXIT_FAILURE;
		}
		ret = memcmp(&f, &all, sizeof(f)) ? 1 : summary_from_stats(l.sum);
		if (ret > 0)
			ret = dump_sessions(&f, &l);
		else if (ret < 0)
			ret = EXIT_FAILURE;
		if (ret == EXIT_SUCCESS)
			fs_summary_print(stdout, l.sum, json_output);
		free(l.sum);
		return ret;
	}
	ret = dump_sessions(&f, &l);
	if (ret == EXIT_SUCCESS || l.streaming)
		listing_end(&l);
	free(l.held);
	return ret;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == FLOWSESS_A_COUNT &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			*(uint32_t *)data = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static int cmd_clear(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t count = 0;
	struct fs_filter f;
	bool pickup = true;
	struct fs_genl g;
	int err;

	/*
	 * A clear opens the pickup period, so that the flows it cuts are
	 * picked up again; "nopickup" (last) cuts them, as on an SRX.
	 */
	if (argc >= 2 && !strcmp(argv[argc - 1], "nopickup")) {
		pickup = false;
		argc--;
	}
	/* Every flow's next packet would need a new session: say so. */
	if (argc == 2 && !strcmp(argv[1], "all")) {
		argc = 1;
	} else if (argc < 2) {
		fprintf(stderr, "flowsess: clear: say which sessions: all, or a filter\n");
		return EXIT_USAGE;
	}
	if (fs_filter_parse_args(argc - 1, argv + 1, &f, NULL, stderr))
		return EXIT_USAGE;
	if (fs_genl_open_or_explain(&g))
		return EXIT_FAILURE;
	nlh = fs_genl_msg(&g, buf, FLOWSESS_CMD_CLEAR_SESSIONS, 0);
	fs_filter_put(nlh, &f);
	if (!pickup)
		mnl_attr_put(nlh, FLOWSESS_A_NO_PICKUP, 0, NULL);
	err = fs_genl_talk(&g, nlh, count_cb, &count);
	if (err)
		fs_genl_explain(&g, "clear", err);
	else if (json_output)
		printf("{\"cleared\":%u}\n", count);
	else
		printf("cleared %u session%s\n", count, count == 1 ? "" : "s");
	fs_genl_close(&g);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* One event, with the time it was read at (-t) if asked. */
static void event_print(uint8_t cmd, const struct fs_session *s)
{
	char stamp[64], *line = NULL;
	struct timespec ts;
	size_t len = 0;
	struct tm tm;
	FILE *f;

	if (!timestamps) {
		fs_event_print(stdout, cmd, s, json_output);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	len = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + len, sizeof(stamp) - len, ".%06ld", ts.tv_nsec / 1000);
	f = open_memstream(&line, &len);
	if (!f)
		return;
	fs_event_print(f, cmd, s, json_output);
	fclose(f);
	if (json_output && line[0] == '{')
		printf("{\"timestamp\":\"%s\",%s", stamp, line + 1);
	else
		printf("[%s] %s", stamp, line);
	free(line);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct fs_filter *f = data;
	struct fs_session s;
	struct nlattr *attr;

	if (genl->cmd != FLOWSESS_CMD_SESSION_NEW && genl->cmd != FLOWSESS_CMD_SESSION_DEL)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*genl)) {
		if (mnl_attr_get_type(attr) == FLOWSESS_A_SESSION &&
		    fs_session_parse(attr, &s) == 0 && fs_filter_match(f, &s))
			event_print(genl->cmd, &s);
	}
	return MNL_CB_OK;
}

/*
 * monitor [FILTER ...] [rcvbuf BYTES]: until interrupted; a reader too
 * slow for the kernel is told it lost events, and how to see the table.
 */
static int cmd_monitor(int argc, char **argv)
{
	unsigned long rcvbuf = 0;
	char buf[32768], *end = NULL;
	struct fs_filter f;
	struct fs_genl g;
	int err, fd, i, nf = 0;
	ssize_t n;

	/* rcvbuf BYTES anywhere; the rest are filters. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "rcvbuf")) {
			argv[1 + nf++] = argv[i];
			continue;
		}
		errno = 0;
		rcvbuf = i + 1 < argc ? strtoul(argv[i + 1], &end, 10) : 0;
		if (errno || !rcvbuf || *end || rcvbuf > INT_MAX) {
			fprintf(stderr, "flowsess: monitor: rcvbuf wants a number of bytes\n");
			return EXIT_USAGE;
		}
		i++;
	}
	if (fs_filter_parse_args(nf, argv + 1, &f, NULL, stderr))
		return EXIT_USAGE;
	/* The kernel says so for a dump; here nobody else would. */
	if (!fs_filter_families_agree(&f)) {
		fprintf(stderr, "flowsess: monitor: address family mismatch\n");
		return EXIT_USAGE;
	}
	if (fs_genl_open_or_explain(&g))
		return EXIT_FAILURE;
	fd = mnl_socket_get_fd(g.nl);
	/* FORCE (CAP_NET_ADMIN) goes past net.core.rmem_max; else up to it. */
	if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ rcvbuf },
				 sizeof(int)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ rcvbuf }, sizeof(int))) {
		fprintf(stderr, "flowsess: monitor: rcvbuf: %s\n", strerror(errno));
		fs_genl_close(&g);
		return EXIT_FAILURE;
	}
	err = fs_genl_join_events(&g);
	if (err) {
		fs_genl_explain(&g, "monitor", err);
		fs_genl_close(&g);
		return EXIT_FAILURE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		n = mnl_socket_recvfrom(g.nl, buf, sizeof(buf));
		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "flowsess: monitor: events were lost: the reader was too slow "
				"(a larger rcvbuf helps); flowsess sessions shows the table as it is\n");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (mnl_cb_run(buf, n, 0, 0, event_cb, &f) < 0)
			break;
	}
	fprintf(stderr, "flowsess: monitor: %s\n", strerror(errno));
	fs_genl_close(&g);
	return EXIT_FAILURE;
}

/* sync run ... | status | master | backup | resync: sync.c */
static int cmd_sync(int argc, char **argv)
{
	return fs_cmd_sync(argc, argv, netns_name, json_output);
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "show", cmd_show },
	{ "set", cmd_set },
	{ "stats", cmd_stats },
	{ "sessions", cmd_sessions },
	{ "clear", cmd_clear },
	{ "monitor", cmd_monitor },
	{ "sync", cmd_sync },
	{ "save", cmd_save },
	{ "load", cmd_load },
};

/* Enter the network namespace @name, as ip -n does (/run/netns/NAME). */
static int enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		fprintf(stderr, "flowsess: -n wants a namespace's name, as ip netns lists it\n");
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "flowsess: -n %s: %s\n", name, strerror(errno));
		return EXIT_FAILURE;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "flowsess: -n %s: %s\n", name, strerror(errno));
		close(fd);
		return EXIT_FAILURE;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "netns", required_argument, NULL, 'n' },
		{ "timestamp", no_argument, NULL, 't' },
		{ }
	};
	const char *netns = NULL;
	bool pretty = false;
	unsigned int i;
	int c, err;

	while ((c = getopt_long(argc, argv, "+jphVn:t", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = true;
			pretty = true;
			break;
		case 'n':
			netns = optarg;
			netns_name = optarg;
			break;
		case 't':
			timestamps = true;
			break;
		case 'V':
			printf("flowsess %s\n", FLOWSESS_VERSION);
			return EXIT_SUCCESS;
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
	if (netns) {
		err = enter_netns(netns);
		if (err)
			return err;
	}
	/* The glibc manual: stdout is a variable, and may be set. */
	if (pretty && !(stdout = fs_json_pretty(stdout))) {
		fprintf(stderr, "flowsess: out of memory\n");
		return EXIT_FAILURE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(argc, argv);
	fprintf(stderr, "flowsess: unknown command \"%s\" (try: flowsess --help)\n",
		argv[0]);
	return EXIT_USAGE;
}

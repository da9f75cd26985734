// SPDX-License-Identifier: GPL-2.0
/* Host tests of counter parsing and printing. Prints TAP. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tap.h"


static struct nlmsghdr *stats_msg(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, FLOWSESS_A_STATS);
	mnl_attr_put_u64(nlh, FLOWSESS_STAT_PACKETS_IPV4, 42);
	mnl_attr_put_u64(nlh, FLOWSESS_STAT_PACKETS_IPV6, 7);
	mnl_attr_put_u64(nlh, 999, 1);	/* from a newer module */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static const char *prometheus(const struct fs_stats *st, const char *netns)
{
	static char out[4096];
	FILE *f = fmemopen(out, sizeof(out), "w");

	fs_stats_print_prometheus(f, st, netns);
	fclose(f);
	return out;
}

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = stats_msg(buf);
	struct nlattr *nest = mnl_nlmsg_get_payload(nlh);
	struct fs_stats st;
	char bad[MNL_SOCKET_BUFFER_SIZE];
	bool described;
	const char *out;
	unsigned int i;
	FILE *man;

	printf("1..11\n");
	check(fs_stats_parse(nest, &st) == 0, "parse a stats nest");
	check(st.val[FLOWSESS_STAT_PACKETS_IPV4] == 42 &&
	      st.val[FLOWSESS_STAT_PACKETS_IPV6] == 7, "parse values");
	check(!strcmp(CAPTURE(fs_stats_print, &st, false),
		      "packets_ipv4                 42\n"
		      "packets_ipv6                 7\n"),
	      "text output, unknown counter skipped");
	check(!strcmp(CAPTURE(fs_stats_print, &st, true),
		      "{\"packets_ipv4\":42,\"packets_ipv6\":7}\n"), "JSON output");
	out = prometheus(&st, NULL);
	check(!strcmp(out, "# HELP flowsess_packets_ipv4_total IPv4 packets the hooks saw.\n"
			   "# TYPE flowsess_packets_ipv4_total counter\n"
			   "flowsess_packets_ipv4_total 42\n"
			   "# HELP flowsess_packets_ipv6_total IPv6 packets the hooks saw.\n"
			   "# TYPE flowsess_packets_ipv6_total counter\n"
			   "flowsess_packets_ipv6_total 7\n"), "Prometheus: counters end in _total");
	st.present[FLOWSESS_STAT_SESSIONS_ACTIVE] = true;
	st.val[FLOWSESS_STAT_SESSIONS_ACTIVE] = 3;
	out = prometheus(&st, "router");
	check(strstr(out, "# TYPE flowsess_sessions_active gauge\n"
			  "flowsess_sessions_active{netns=\"router\"} 3\n") &&
	      strstr(out, "flowsess_packets_ipv4_total{netns=\"router\"} 42\n"),
	      "... gauges do not; -n labels every sample");
	out = prometheus(&st, "a\"b\\c\nd");
	check(strstr(out, "flowsess_sessions_active{netns=\"a\\\"b\\\\c\\nd\"} 3\n") != NULL,
	      "... a label's quote, backslash and newline escaped");
	for (i = 1, described = true; i < __FLOWSESS_STAT_MAX; i++)
		if (i != FLOWSESS_STAT_PAD && (!fs_stat_name(i) || !fs_stat_help(i)))
			described = false;
	check(described, "every counter has a name and a description");
	man = fopen("flowsess.8", "r");
	if (man) {
		static char text[65536];
		size_t n = fread(text, 1, sizeof(text) - 1, man);

		text[n] = 0;
		fclose(man);
		for (i = 1, described = true; i < __FLOWSESS_STAT_MAX; i++) {
			if (i != FLOWSESS_STAT_PAD && !strstr(text, fs_stat_name(i))) {
				printf("# %s is not in flowsess.8\n", fs_stat_name(i));
				described = false;
			}
		}
	}
	check(man && described, "the man page names every counter");

	nlh = mnl_nlmsg_put_header(bad);
	nest = mnl_attr_nest_start(nlh, FLOWSESS_A_STATS);
	mnl_attr_put_u32(nlh, FLOWSESS_STAT_PACKETS_IPV4, 1);
	mnl_attr_nest_end(nlh, nest);
	check(fs_stats_parse(nest, &st) < 0, "reject a counter of the wrong size");
	check(fs_stat_name(__FLOWSESS_STAT_MAX) == NULL, "no name past the last counter");

	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

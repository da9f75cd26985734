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

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = stats_msg(buf);
	struct nlattr *nest = mnl_nlmsg_get_payload(nlh);
	struct fs_stats st;
	char bad[MNL_SOCKET_BUFFER_SIZE];

	printf("1..6\n");
	check(fs_stats_parse(nest, &st) == 0, "parse a stats nest");
	check(st.val[FLOWSESS_STAT_PACKETS_IPV4] == 42 &&
	      st.val[FLOWSESS_STAT_PACKETS_IPV6] == 7, "parse values");
	check(!strcmp(CAPTURE(fs_stats_print, &st, false),
		      "packets_ipv4                 42\n"
		      "packets_ipv6                 7\n"),
	      "text output, unknown counter skipped");
	check(!strcmp(CAPTURE(fs_stats_print, &st, true),
		      "{\"packets_ipv4\":42,\"packets_ipv6\":7}\n"), "JSON output");

	nlh = mnl_nlmsg_put_header(bad);
	nest = mnl_attr_nest_start(nlh, FLOWSESS_A_STATS);
	mnl_attr_put_u32(nlh, FLOWSESS_STAT_PACKETS_IPV4, 1);
	mnl_attr_nest_end(nlh, nest);
	check(fs_stats_parse(nest, &st) < 0, "reject a counter of the wrong size");
	check(fs_stat_name(__FLOWSESS_STAT_MAX) == NULL, "no name past the last counter");

	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing the module's counters. */
#include <inttypes.h>
#include <string.h>

#include "tool.h"

static const char *const stat_names[__FLOWSESS_STAT_MAX] = {
	[FLOWSESS_STAT_PACKETS_IPV4] = "packets_ipv4",
	[FLOWSESS_STAT_PACKETS_IPV6] = "packets_ipv6",
	[FLOWSESS_STAT_SESSIONS_ACTIVE] = "sessions_active",
	[FLOWSESS_STAT_SESSIONS_CREATED] = "sessions_created",
	[FLOWSESS_STAT_INVALIDATED_IDLE] = "invalidated_idle",
	[FLOWSESS_STAT_INVALIDATED_RST] = "invalidated_rst",
	[FLOWSESS_STAT_INVALIDATED_RST_TIMER] = "invalidated_rst_timer",
	[FLOWSESS_STAT_INVALIDATED_CLOSE] = "invalidated_close",
	[FLOWSESS_STAT_INVALIDATED_FLUSH] = "invalidated_flush",
	[FLOWSESS_STAT_INVALIDATED_REOPEN] = "invalidated_reopen",
	[FLOWSESS_STAT_DROP_NO_SESSION] = "drop_no_session",
	[FLOWSESS_STAT_DROP_BAD_HEADER] = "drop_bad_header",
	[FLOWSESS_STAT_DROP_TABLE_FULL] = "drop_table_full",
	[FLOWSESS_STAT_DROP_NOMEM] = "drop_nomem",
	[FLOWSESS_STAT_DROP_TCP_STATE] = "drop_tcp_state",
	[FLOWSESS_STAT_FRAGMENTS] = "fragments",
	[FLOWSESS_STAT_UNTRACKED] = "untracked",
	[FLOWSESS_STAT_RST_TIMER_LIVE_KILLS] = "rst_timer_live_kills",
};

const char *fs_stat_name(unsigned int stat)
{
	return stat < __FLOWSESS_STAT_MAX ? stat_names[stat] : NULL;
}

/* Counters this tool does not know (a newer module) are skipped. */
int fs_stats_parse(const struct nlattr *nest, struct fs_stats *st)
{
	const struct nlattr *attr;

	memset(st, 0, sizeof(*st));
	mnl_attr_for_each_nested(attr, nest) {
		unsigned int type = mnl_attr_get_type(attr);

		if (!fs_stat_name(type))
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -1;
		st->val[type] = mnl_attr_get_u64(attr);
		st->present[type] = true;
	}
	return 0;
}

void fs_stats_print(FILE *out, const struct fs_stats *st, bool json)
{
	const char *sep = "";
	unsigned int i;

	if (json)
		fputc('{', out);
	for (i = 0; i < __FLOWSESS_STAT_MAX; i++) {
		if (!st->present[i])
			continue;
		if (json)
			fprintf(out, "%s\"%s\":%" PRIu64, sep, stat_names[i], st->val[i]);
		else
			fprintf(out, "%-28s %" PRIu64 "\n", stat_names[i], st->val[i]);
		sep = ",";
	}
	if (json)
		fputs("}\n", out);
}

// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing the module's counters. */
#include <inttypes.h>
#include <string.h>

#include "tool.h"

static const char *const stat_names[__FLOWSESS_STAT_MAX] = FLOWSESS_STAT_NAMES;

/* What each counter counts, for -o prometheus's HELP; the gauges marked. */
static const struct {
	const char *help;
	bool gauge;
} stat_info[__FLOWSESS_STAT_MAX] = {
	[FLOWSESS_STAT_PACKETS_IPV4] = { "IPv4 packets the hooks saw" },
	[FLOWSESS_STAT_PACKETS_IPV6] = { "IPv6 packets the hooks saw" },
	[FLOWSESS_STAT_SESSIONS_ACTIVE] = { "Sessions in the table", true },
	[FLOWSESS_STAT_SESSIONS_CREATED] = { "Sessions created" },
	[FLOWSESS_STAT_INVALIDATED_IDLE] = { "Sessions ended by their idle timeout" },
	[FLOWSESS_STAT_INVALIDATED_RST] = { "Sessions ended by a RST (rst-invalidate-session)" },
	[FLOWSESS_STAT_INVALIDATED_RST_TIMER] = { "Sessions ended by the RST grace delay" },
	[FLOWSESS_STAT_INVALIDATED_CLOSE] = { "Sessions ended after their close" },
	[FLOWSESS_STAT_INVALIDATED_FLUSH] = { "Sessions cleared, or gone with their namespace" },
	[FLOWSESS_STAT_INVALIDATED_REOPEN] = { "Sessions replaced by a new connection's SYN" },
	[FLOWSESS_STAT_DROP_NO_SESSION] = { "Packets dropped: no session, and may not make one" },
	[FLOWSESS_STAT_DROP_BAD_HEADER] = { "Packets dropped: a malformed header" },
	[FLOWSESS_STAT_DROP_TABLE_FULL] = { "Packets dropped: the table full" },
	[FLOWSESS_STAT_DROP_NOMEM] = { "Packets dropped: no memory for a session" },
	[FLOWSESS_STAT_DROP_TCP_STATE] = { "TCP segments dropped: invalid in their state" },
	[FLOWSESS_STAT_DROP_FRAGMENT] = { "Fragments dropped: refused by reassembly" },
	[FLOWSESS_STAT_UNTRACKED] = { "Packets passed without a session" },
	[FLOWSESS_STAT_RST_TIMER_LIVE_KILLS] = { "Connections in use ended by the RST grace delay" },
	[FLOWSESS_STAT_INVALIDATED_FIN] = { "Sessions ended by a FIN (fin-invalidate-session)" },
	[FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT] = { "Sessions aged out early, the table under pressure" },
	[FLOWSESS_STAT_EVICTED_UNESTABLISHED] = { "Unestablished sessions evicted for new ones" },
	[FLOWSESS_STAT_EVICTED_EARLY_AGEOUT] = { "Idle sessions evicted for new ones" },
	[FLOWSESS_STAT_DROP_TCP_WINDOW] = { "TCP segments dropped: out of the window" },
	[FLOWSESS_STAT_DROP_RST_SEQUENCE] = { "RSTs dropped: not the sequence expected" },
	[FLOWSESS_STAT_DROP_STRICT_SYN] = { "TCP segments dropped: data before the handshake" },
	[FLOWSESS_STAT_SYN_REOPENS] = { "Sessions reopened by a SYN (syn-reopen)" },
	[FLOWSESS_STAT_SESSIONS_MIDSTREAM] = { "Sessions picked up in mid-stream" },
	[FLOWSESS_STAT_EVENTS_LOST] = { "Session events lost before netlink" },
	[FLOWSESS_STAT_ICMP_RELATED] = { "ICMP errors passed, related to a live session" },
	[FLOWSESS_STAT_DROP_ICMP_UNRELATED] = { "ICMP errors dropped, related to no live session" },
	[FLOWSESS_STAT_PICKUP_REMAINING_MS] = { "Milliseconds left of the pickup period", true },
	[FLOWSESS_STAT_SESSIONS_UNESTABLISHED] = { "Sessions not established", true },
	[FLOWSESS_STAT_MAX_SESSIONS] = { "The most sessions the table may hold", true },
	[FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT] = { "TCP sessions in syn-sent", true },
	[FLOWSESS_STAT_SESSIONS_TCP_SYN_RECV] = { "TCP sessions in syn-recv", true },
	[FLOWSESS_STAT_SESSIONS_TCP_ESTABLISHED] = { "TCP sessions in established", true },
	[FLOWSESS_STAT_SESSIONS_TCP_FIN_WAIT] = { "TCP sessions in fin-wait", true },
	[FLOWSESS_STAT_SESSIONS_TCP_CLOSE_WAIT] = { "TCP sessions in close-wait", true },
	[FLOWSESS_STAT_SESSIONS_TCP_LAST_ACK] = { "TCP sessions in last-ack", true },
	[FLOWSESS_STAT_SESSIONS_TCP_TIME_WAIT] = { "TCP sessions in time-wait", true },
	[FLOWSESS_STAT_SESSIONS_TCP_CLOSE] = { "TCP sessions in close (a RST's grace)", true },
	[FLOWSESS_STAT_SESSIONS_UDP] = { "UDP sessions", true },
	[FLOWSESS_STAT_SESSIONS_UDPLITE] = { "UDP-Lite sessions", true },
	[FLOWSESS_STAT_SESSIONS_ICMP] = { "ICMP echo sessions", true },
	[FLOWSESS_STAT_SESSIONS_ICMPV6] = { "ICMPv6 echo sessions", true },
	[FLOWSESS_STAT_SESSIONS_OTHER] = { "Sessions of other protocols", true },
	[FLOWSESS_STAT_SESSIONS_IMPORTED] = { "Sessions created or updated by an import (state sync)" },
	[FLOWSESS_STAT_INVALIDATED_SYNC] = { "Sessions ended by an import of their end (state sync)" },
};

const char *fs_stat_name(unsigned int stat)
{
	return stat < __FLOWSESS_STAT_MAX ? stat_names[stat] : NULL;
}

const char *fs_stat_help(unsigned int stat)
{
	return stat < __FLOWSESS_STAT_MAX ? stat_info[stat].help : NULL;
}

/* A label's value, escaped as the exposition format wants. */
static void print_label_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

/*
 * The Prometheus text exposition format, for node_exporter's textfile
 * collector: counters end in _total, gauges do not; with @netns, each
 * sample is labelled with the namespace.
 */
void fs_stats_print_prometheus(FILE *out, const struct fs_stats *st, const char *netns)
{
	unsigned int i;
	char name[96];

	for (i = 0; i < __FLOWSESS_STAT_MAX; i++) {
		if (!st->present[i] || !stat_names[i])
			continue;
		snprintf(name, sizeof(name), "flowsess_%s%s", stat_names[i],
			 stat_info[i].gauge ? "" : "_total");
		fprintf(out, "# HELP %s %s.\n# TYPE %s %s\n", name,
			stat_info[i].help ? stat_info[i].help : stat_names[i], name,
			stat_info[i].gauge ? "gauge" : "counter");
		if (netns) {
			fprintf(out, "%s{netns=\"", name);
			print_label_value(out, netns);
			fprintf(out, "\"} %" PRIu64 "\n", st->val[i]);
		} else
			fprintf(out, "%s %" PRIu64 "\n", name, st->val[i]);
	}
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

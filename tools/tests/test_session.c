// SPDX-License-Identifier: GPL-2.0
/* Host tests of session filters, session parsing and output. Prints TAP. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tap.h"

static char err[2048];

static int parse(const char *line, struct fs_filter *f, bool *summary)
{
	char copy[256], *argv[16];
	int argc = split_words(line, copy, argv);
	FILE *e = fmemopen(err, sizeof(err), "w");
	int ret = fs_filter_parse_args(argc, argv, f, summary, e);

	fclose(e);
	return ret;
}

/* A FLOWSESS_A_SESSION nest as the kernel builds it, parsed back. */
static int kernel_session(struct fs_session *s, int family, uint8_t proto,
			  const char *src, uint16_t sport, const char *dst,
			  uint16_t dport, uint8_t state, uint8_t reason)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int alen = family == AF_INET ? 4 : 16;
	uint8_t a[16];
	struct nlattr *nest = mnl_attr_nest_start(nlh, FLOWSESS_A_SESSION);

	mnl_attr_put_u8(nlh, FLOWSESS_SA_FAMILY, family);
	mnl_attr_put_u8(nlh, FLOWSESS_SA_PROTO, proto);
	inet_pton(family, src, a);
	mnl_attr_put(nlh, FLOWSESS_SA_SRC, alen, a);
	inet_pton(family, dst, a);
	mnl_attr_put(nlh, FLOWSESS_SA_DST, alen, a);
	mnl_attr_put_u16(nlh, FLOWSESS_SA_SPORT, htons(sport));
	mnl_attr_put_u16(nlh, FLOWSESS_SA_DPORT, htons(dport));
	mnl_attr_put_u8(nlh, FLOWSESS_SA_STATE, state);
	if (reason) {
		mnl_attr_put_u8(nlh, FLOWSESS_SA_REASON, reason);
		mnl_attr_put(nlh, FLOWSESS_SA_LIVE_KILL, 0, NULL);
	} else {
		mnl_attr_put_u32(nlh, FLOWSESS_SA_EXPIRES_MS, 1799500);
	}
	mnl_attr_put_u8(nlh, 200, 1);	/* from a newer module */
	mnl_attr_nest_end(nlh, nest);
	return fs_session_parse(nest, s);
}

static void print_row(FILE *f, const struct fs_session *s, bool json)
{
	fs_session_print(f, s, json);
}

static void print_header(FILE *f, const void *unused, bool json)
{
	(void)unused;
	(void)json;
	fs_session_header(f);
}

static void print_del(FILE *f, const struct fs_session *s, bool json)
{
	fs_event_print(f, FLOWSESS_CMD_SESSION_DEL, s, json);
}

static void print_summary(FILE *f, const struct fs_summary *sum, bool json)
{
	fs_summary_print(f, sum, json);
}

/* The nested filter attribute @type of @nlh, or NULL. */
static const struct nlattr *filter_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *nest = mnl_nlmsg_get_payload(nlh), *a;

	if (nlh->nlmsg_len <= MNL_NLMSG_HDRLEN)
		return NULL;
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

int main(void)
{
	static struct fs_summary sum;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *a;
	struct nlmsghdr *nlh;
	bool summary = false;
	struct fs_session s;
	struct fs_filter f;
	struct fs_session json_s;
	struct fs_stats st = {};
	const char *out;
	char *row;

	printf("1..37\n");
	check(!parse("", &f, NULL) && !f.family && !f.has_proto && !f.src.set,
	      "no filter");
	check(!parse("proto tcp dport 22 state established", &f, NULL) &&
	      f.has_proto && f.proto == IPPROTO_TCP && f.has_dport && f.dport == 22 &&
	      f.has_state && f.state == FLOWSESS_TCP_ESTABLISHED && !f.has_sport,
	      "proto, dport, state");
	check(!parse("src 10.0.1.0/24 dst fd00:2::/64", &f, NULL) &&
	      f.src.family == AF_INET && f.src.prefixlen == 24 &&
	      f.dst.family == AF_INET6 && f.dst.prefixlen == 64,
	      "prefixes of both families (the kernel rejects the mix)");
	check(!parse("src 10.0.1.2 proto 47 family inet6", &f, NULL) &&
	      f.src.prefixlen == 32 && f.proto == 47 && f.family == AF_INET6,
	      "a host address, a protocol number, a family");
	check(!parse("summary proto udp", &f, &summary) && summary,
	      "summary with sessions");
	check(parse("summary", &f, NULL) == -1 && strstr(err, "unknown filter \"summary\""),
	      "no summary for clear");
	check(parse("proto", &f, NULL) == -1 && strstr(err, "\"proto\" wants a value"),
	      "a filter without its value");
	check(parse("portal 22", &f, NULL) == -1 && strstr(err, "unknown filter \"portal\"") &&
	      strstr(err, "sport PORT") && strstr(err, "replied yes | no"),
	      "an unknown filter lists the filters");
	check(parse("src 10.0.0.0/33", &f, NULL) == -1 &&
	      parse("dst fd00::/129", &f, NULL) == -1 &&
	      parse("src 10.0.0.300", &f, NULL) == -1 &&
	      parse("sport 65536", &f, NULL) == -1 &&
	      parse("proto 256", &f, NULL) == -1 &&
	      parse("state open", &f, NULL) == -1 &&
	      parse("family ipv4", &f, NULL) == -1 && strstr(err, "bad family"),
	      "bad values are usage errors");

	nlh = mnl_nlmsg_put_header(buf);
	parse("", &f, NULL);
	fs_filter_put(nlh, &f);
	check(nlh->nlmsg_len == MNL_NLMSG_HDRLEN, "no filter, no attribute");
	nlh = mnl_nlmsg_put_header(buf);
	parse("src 10.0.1.0/24 sport 443 proto udp", &f, NULL);
	fs_filter_put(nlh, &f);
	a = filter_attr(nlh, FLOWSESS_FILTER_SRC);
	check(a && mnl_attr_get_payload_len(a) == 4 &&
	      !memcmp(mnl_attr_get_payload(a), "\x0a\x00\x01\x00", 4) &&
	      mnl_attr_get_u8(filter_attr(nlh, FLOWSESS_FILTER_SRC_PREFIXLEN)) == 24 &&
	      ntohs(mnl_attr_get_u16(filter_attr(nlh, FLOWSESS_FILTER_SPORT))) == 443 &&
	      mnl_attr_get_u8(filter_attr(nlh, FLOWSESS_FILTER_PROTO)) == IPPROTO_UDP &&
	      !filter_attr(nlh, FLOWSESS_FILTER_DPORT),
	      "filter attributes on the wire");

	check(!kernel_session(&s, AF_INET, IPPROTO_TCP, "10.0.1.2", 40000, "10.0.2.2",
			      8080, FLOWSESS_TCP_ESTABLISHED, 0) &&
	      s.sport == 40000 && s.dport == 8080 && s.has_expires &&
	      s.expires_ms == 1799500, "a session parsed, unknown attribute skipped");
	out = CAPTURE(print_row, &s, false);
	check(!strcmp(out, "-          tcp     10.0.1.2:40000           10.0.2.2:8080            "
		      "-        -        established  no           -      -   1799s -             -\n"),
	      "a table row, from a module without the detail");
	json_s = s;
	s.has_detail = s.has_acct = s.replied = true;
	s.id = 4000000000U;
	s.iif = 1;		/* lo, in any namespace */
	s.age_s = 3725;
	s.idle_ms = 1500;
	s.packets[0] = 3;
	s.packets[1] = 2;
	s.bytes[0] = 180;
	s.bytes[1] = 120;
	out = CAPTURE(print_row, &s, false);
	check(!strcmp(out, "4000000000 tcp     10.0.1.2:40000           10.0.2.2:8080            "
		      "lo       -        established  yes      3725s   1.5s   1799s 3/2           180/120\n"),
	      "a table row: id, interfaces, replied, age, idle, packets and bytes each way");
	row = strdup(out);
	s.oif = 65;	/* the same slot of the names remembered as lo's; no such one */
	out = CAPTURE(print_row, &s, false);
	check(strstr(out, " lo       65       established "), "two interfaces the same slot remembers");
	s.oif = 0;
	out = CAPTURE(print_header, NULL, false);
	check(!strncmp(out, "ID         PROTO   SOURCE", 25) &&
	      strstr(out, " IN ") - out == strstr(row, " lo ") - row &&
	      strstr(out, " REPLIED ") - out == strstr(row, " yes ") - row &&
	      strstr(out, " BYTES") - out == strstr(row, " 180/120") - row,
	      "the header, over its columns");
	free(row);
	s = json_s;
	out = CAPTURE(print_row, &s, true);
	check(!strcmp(out, "{\"family\":\"inet\",\"proto\":\"tcp\",\"proto_num\":6,"
		      "\"src\":\"10.0.1.2\",\"sport\":40000,\"dst\":\"10.0.2.2\",\"dport\":8080,"
		      "\"state\":\"established\",\"replied\":false,\"imported\":false,\"expires_ms\":1799500}"),
	      "JSON, with the protocol's number beside its name");

	kernel_session(&s, AF_INET6, IPPROTO_UDP, "fd00:1::2", 5353, "fd00:2::2", 53, 0, 0);
	out = CAPTURE(print_row, &s, false);
	check(strstr(out, "[fd00:1::2]:5353") && strstr(out, " - "), "IPv6 and UDP");
	kernel_session(&s, AF_INET, IPPROTO_ICMP, "10.0.1.2", 77, "10.0.2.2", 77, 0, 0);
	s.expires_ms = 1234;
	out = CAPTURE(print_row, &s, false);
	check(strstr(out, "icmp    10.0.1.2   ") && strstr(out, "id=77") &&
	      strstr(out, " 1.2s"), "ICMP shows the echo id; short expiry to 0.1 s");
	kernel_session(&s, AF_INET, IPPROTO_GRE, "10.0.1.2", 0, "10.0.2.2", 0, 0, 0);
	out = CAPTURE(print_row, &s, false);
	check(strstr(out, "gre     10.0.1.2   ") && strstr(out, " 10.0.2.2   ") &&
	      !strstr(out, ":0"), "a protocol without ports prints no :0");

	kernel_session(&s, AF_INET, IPPROTO_TCP, "10.0.1.2", 40000, "10.0.2.2", 8080,
		       FLOWSESS_TCP_CLOSE, FLOWSESS_REASON_RST_TIMER);
	out = CAPTURE(print_del, &s, false);
	check(!strcmp(out, "invalidated tcp     10.0.1.2:40000 -> 10.0.2.2:8080 close "
		      "reason rst-timer live-kill\n"), "an invalidation event");
	out = CAPTURE(print_del, &s, true);
	check(strstr(out, "{\"event\":\"invalidated\",") &&
	      strstr(out, "\"reason\":\"rst-timer\",\"live_kill\":true}\n"),
	      "an event as a JSON line");

	fs_summary_add(&sum, &s);
	kernel_session(&s, AF_INET, IPPROTO_UDP, "10.0.1.2", 1, "10.0.2.2", 2, 0, 0);
	fs_summary_add(&sum, &s);
	fs_summary_add(&sum, &s);
	out = CAPTURE(print_summary, &sum, false);
	check(strstr(out, "tcp     close        1\n") && strstr(out, "udp     -            2\n") &&
	      strstr(out, "total                3\n"), "summary");
	out = CAPTURE(print_summary, &sum, true);
	check(!strcmp(out, "{\"total\":3,\"groups\":[{\"proto\":\"tcp\",\"state\":\"close\","
		      "\"sessions\":1},{\"proto\":\"udp\",\"state\":\"none\",\"sessions\":2}]}\n"),
	      "summary as JSON");
	/* -p: indented as written, strings untouched. */
	{
		static char pretty_out[512];
		FILE *mem = fmemopen(pretty_out, sizeof(pretty_out), "w");
		FILE *p = fs_json_pretty(mem);

		fputs("[{\"a\":1,\"s\":\"x,{\\\"]\",\"e\":{},\"l\":[]},{}]\n", p);
		fputs("# text, as: it is {\n{}\n", p);
		fclose(p);
		fclose(mem);
		check(!strcmp(pretty_out, "[\n    {\n        \"a\": 1,\n        \"s\": \"x,{\\\"]\",\n"
			      "        \"e\": {},\n        \"l\": []\n    },\n    {}\n]\n"
			      "# text, as: it is {\n{}\n"),
		      "pretty JSON; a line of text as it is");
	}

	/* The whole table's summary, from the module's gauges. */
	st.present[FLOWSESS_STAT_SESSIONS_OTHER] = true;
	st.val[FLOWSESS_STAT_SESSIONS_TCP_ESTABLISHED] = 5;
	st.val[FLOWSESS_STAT_SESSIONS_TCP_CLOSE] = 1;
	st.val[FLOWSESS_STAT_SESSIONS_ICMPV6] = 2;
	st.val[FLOWSESS_STAT_SESSIONS_OTHER] = 4;
	check(!fs_summary_from_stats(&sum, &st), "a summary from the gauges");
	out = CAPTURE(print_summary, &sum, false);
	check(!strcmp(out, "PROTO   STATE        SESSIONS\ntcp     established  5\n"
		      "tcp     close        1\nicmpv6  -            2\nother   -            4\n"
		      "total                12\n"), "... by protocol and TCP state, other protocols together");
	st.present[FLOWSESS_STAT_SESSIONS_OTHER] = false;
	check(fs_summary_from_stats(&sum, &st) == -1, "... not from a module without them");

	/* The filters of either direction, the id and replied, on the wire. */
	nlh = mnl_nlmsg_put_header(buf);
	check(!parse("addr 10.0.2.0/24 port 8080 id 7 replied no", &f, NULL), "new filters parse");
	fs_filter_put(nlh, &f);
	a = filter_attr(nlh, FLOWSESS_FILTER_ADDR);
	check(a && mnl_attr_get_payload_len(a) == 4 &&
	      mnl_attr_get_u8(filter_attr(nlh, FLOWSESS_FILTER_ADDR_PREFIXLEN)) == 24 &&
	      ntohs(mnl_attr_get_u16(filter_attr(nlh, FLOWSESS_FILTER_PORT))) == 8080 &&
	      mnl_attr_get_u32(filter_attr(nlh, FLOWSESS_FILTER_ID)) == 7 &&
	      mnl_attr_get_u8(filter_attr(nlh, FLOWSESS_FILTER_REPLIED)) == 0 &&
	      !filter_attr(nlh, FLOWSESS_FILTER_IIF), "... and go on the wire");
	check(parse("iif no-such-interface0", &f, NULL) == -1 &&
	      strstr(err, "bad iif \"no-such-interface0\"") &&
	      parse("replied maybe", &f, NULL) == -1, "an interface not there, a bad yes/no");

	/* monitor's filters, matched here as the kernel matches a dump's. */
	kernel_session(&s, AF_INET, IPPROTO_TCP, "10.0.1.2", 40000, "10.0.2.2", 8080,
		       FLOWSESS_TCP_ESTABLISHED, 0);
	check(!parse("src 10.0.1.0/24 dport 8080 proto tcp state established", &f, NULL) &&
	      fs_filter_match(&f, &s) && !parse("", &f, NULL) && fs_filter_match(&f, &s),
	      "a session matches its filters, and the empty one");
	check(!parse("src 10.0.0.0/24", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("src 10.0.1.3", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("dst 10.0.2.0/23", &f, NULL) && fs_filter_match(&f, &s) &&
	      !parse("sport 40001", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("proto udp", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("state close", &f, NULL) && !fs_filter_match(&f, &s),
	      "... and not those it does not");
	check(!parse("port 40000", &f, NULL) && fs_filter_match(&f, &s) &&
	      !parse("port 8080", &f, NULL) && fs_filter_match(&f, &s) &&
	      !parse("port 22", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("addr 10.0.2.2", &f, NULL) && fs_filter_match(&f, &s) &&
	      !parse("addr 10.0.3.0/24", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("replied no", &f, NULL) && fs_filter_match(&f, &s) &&
	      !parse("replied yes", &f, NULL) && !fs_filter_match(&f, &s),
	      "either direction's port and address; replied");
	s.has_detail = true;
	s.id = 77;
	s.iif = 3;
	s.oif = 4;
	f = (struct fs_filter){ .has_id = true, .id = 77 };
	check(fs_filter_match(&f, &s) && (f.id = 78, !fs_filter_match(&f, &s)) &&
	      (f = (struct fs_filter){ .iif = 3, .oif = 4 }, fs_filter_match(&f, &s)) &&
	      (f.oif = 3, !fs_filter_match(&f, &s)) &&
	      (s.has_detail = false, f.oif = 4, !fs_filter_match(&f, &s)),
	      "id and interfaces; a session without them matches no such filter");
	check(!parse("src 10.0.0.0/8 addr fd00::1", &f, NULL) && !fs_filter_families_agree(&f) &&
	      !parse("family inet6 dst 10.0.0.1", &f, NULL) && !fs_filter_families_agree(&f) &&
	      !parse("family inet src 10.0.0.0/8 addr 10.1.1.1", &f, NULL) &&
	      fs_filter_families_agree(&f), "monitor's own family check");
	check(!parse("family inet6", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("src fd00::/8", &f, NULL) && !fs_filter_match(&f, &s) &&
	      !parse("src 0.0.0.0/0", &f, NULL) && fs_filter_match(&f, &s),
	      "... nor another family's; a /0 matches its own family");
	return tests_failed ? 1 : 0;
}

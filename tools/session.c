// SPDX-License-Identifier: GPL-2.0
/* Sessions: filter arguments, parsing, and the table, summary and event output. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tool.h"

static const char *const state_names[__FLOWSESS_TCP_MAX] = {
	[FLOWSESS_TCP_NONE] = "none",
	[FLOWSESS_TCP_SYN_SENT] = "syn-sent",
	[FLOWSESS_TCP_SYN_RECV] = "syn-recv",
	[FLOWSESS_TCP_ESTABLISHED] = "established",
	[FLOWSESS_TCP_FIN_WAIT] = "fin-wait",
	[FLOWSESS_TCP_CLOSE_WAIT] = "close-wait",
	[FLOWSESS_TCP_LAST_ACK] = "last-ack",
	[FLOWSESS_TCP_TIME_WAIT] = "time-wait",
	[FLOWSESS_TCP_CLOSE] = "close",
};

static const char *const reason_names[__FLOWSESS_REASON_MAX] = {
	[FLOWSESS_REASON_NONE] = "none",
	[FLOWSESS_REASON_IDLE] = "idle",
	[FLOWSESS_REASON_RST] = "rst",
	[FLOWSESS_REASON_RST_TIMER] = "rst-timer",
	[FLOWSESS_REASON_CLOSE] = "close",
	[FLOWSESS_REASON_FLUSH] = "clear",
	[FLOWSESS_REASON_REOPEN] = "reopen",
	[FLOWSESS_REASON_FIN] = "fin",
	[FLOWSESS_REASON_EARLY_AGEOUT] = "early-ageout",
	[FLOWSESS_REASON_EVICT] = "evicted",
	[FLOWSESS_REASON_SYNC] = "sync",
};

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE },
	{ "gre", IPPROTO_GRE },
	{ "esp", IPPROTO_ESP },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *fs_state_name(unsigned int state)
{
	return state < __FLOWSESS_TCP_MAX ? state_names[state] : "?";
}

const char *fs_reason_name(unsigned int reason)
{
	return reason < __FLOWSESS_REASON_MAX ? reason_names[reason] : "?";
}

/* Into @buf: the protocol's name, or its number. */
static const char *proto_name(uint8_t proto, char buf[8])
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	snprintf(buf, 8, "%u", proto);
	return buf;
}

static int parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

static int parse_proto(const char *s, uint8_t *proto)
{
	unsigned long n;
	size_t i;

	for (i = 0; i < ARRAY_LEN(protos); i++) {
		if (!strcmp(s, protos[i].name)) {
			*proto = protos[i].proto;
			return 0;
		}
	}
	if (parse_number(s, 255, &n))
		return -1;
	*proto = n;
	return 0;
}

static int parse_state(const char *s, uint8_t *state)
{
	unsigned int i;

	for (i = 0; i < __FLOWSESS_TCP_MAX; i++) {
		if (!strcmp(s, state_names[i])) {
			*state = i;
			return 0;
		}
	}
	return -1;
}

/* "ADDR" or "ADDR/LEN", IPv4 or IPv6. */
static int parse_prefix(const char *s, struct fs_prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen;

	if (len >= sizeof(addr))
		return -1;
	memcpy(addr, s, len);
	addr[len] = 0;
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = AF_INET6;
	else
		return -1;
	p->prefixlen = p->family == AF_INET ? 32 : 128;
	if (slash) {
		if (parse_number(slash + 1, p->prefixlen, &plen))
			return -1;
		p->prefixlen = plen;
	}
	p->set = true;
	return 0;
}

static void filter_help(FILE *err)
{
	fprintf(err,
		"filters:\n"
		"  family inet | inet6\n"
		"  proto tcp | udp | icmp | icmpv6 | NUMBER\n"
		"  src PREFIX          dst PREFIX       (10.0.1.0/24, fd00::/64, 10.0.1.2)\n"
		"  sport PORT          dport PORT       (the ICMP echo id for ICMP)\n"
		"  addr PREFIX         port PORT        (in either direction)\n"
		"  iif NAME            oif NAME         (the first packet's interfaces)\n"
		"  id ID               replied yes | no\n"
		"  state none | syn-sent | syn-recv | established | fin-wait |\n"
		"        close-wait | last-ack | time-wait | close\n");
}

static bool is_filter_word(const char *s)
{
	static const char *const words[] = {
		"family", "proto", "src", "dst", "sport", "dport", "state",
		"addr", "port", "iif", "oif", "id", "replied",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(words); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

/*
 * Filter words into @f: "proto tcp dport 22 ...". @summary, when not NULL,
 * also accepts the word "summary". Returns 0, or -1 after a usage message
 * on @err. Family conflicts are left to the kernel, which explains them.
 */
int fs_filter_parse_args(int argc, char **argv, struct fs_filter *f,
			 bool *summary, FILE *err)
{
	const char *key, *val;
	unsigned long n;
	int i, bad;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < argc; i++) {
		key = argv[i];
		if (summary && !strcmp(key, "summary")) {
			*summary = true;
			continue;
		}
		if (!is_filter_word(key)) {
			fprintf(err, "flowsess: unknown filter \"%s\"\n", key);
			filter_help(err);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(err, "flowsess: \"%s\" wants a value\n", key);
			filter_help(err);
			return -1;
		}
		val = argv[++i];
		bad = 0;
		if (!strcmp(key, "family")) {
			if (!strcmp(val, "inet"))
				f->family = AF_INET;
			else if (!strcmp(val, "inet6"))
				f->family = AF_INET6;
			else
				bad = 1;
		} else if (!strcmp(key, "proto")) {
			bad = parse_proto(val, &f->proto);
			f->has_proto = true;
		} else if (!strcmp(key, "src")) {
			bad = parse_prefix(val, &f->src);
		} else if (!strcmp(key, "dst")) {
			bad = parse_prefix(val, &f->dst);
		} else if (!strcmp(key, "addr")) {
			bad = parse_prefix(val, &f->addr);
		} else if (!strcmp(key, "port")) {
			bad = parse_number(val, 65535, &n);
			f->port = n;
			f->has_port = true;
		} else if (!strcmp(key, "id")) {
			bad = parse_number(val, UINT32_MAX, &n);
			f->id = n;
			f->has_id = true;
		} else if (!strcmp(key, "iif") || !strcmp(key, "oif")) {
			/* In the namespace the tool acts on (-n). */
			n = if_nametoindex(val);
			bad = !n;
			*(key[0] == 'i' ? &f->iif : &f->oif) = n;
		} else if (!strcmp(key, "replied")) {
			bad = strcmp(val, "yes") && strcmp(val, "no");
			f->replied = !strcmp(val, "yes");
			f->has_replied = true;
		} else if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
			bad = parse_number(val, 65535, &n);
			if (key[0] == 's') {
				f->sport = n;
				f->has_sport = true;
			} else {
				f->dport = n;
				f->has_dport = true;
			}
		} else {
			bad = parse_state(val, &f->state);
			f->has_state = true;
		}
		if (bad) {
			fprintf(err, "flowsess: bad %s \"%s\"\n", key, val);
			filter_help(err);
			return -1;
		}
	}
	return 0;
}

static void put_prefix(struct nlmsghdr *nlh, const struct fs_prefix *p,
		       uint16_t addr_attr, uint16_t plen_attr)
{
	if (!p->set)
		return;
	mnl_attr_put(nlh, addr_attr, p->family == AF_INET ? 4 : 16, p->addr);
	mnl_attr_put_u8(nlh, plen_attr, p->prefixlen);
}

/* FLOWSESS_A_FILTER, if @f selects anything less than every session. */
static bool prefix_match(const struct fs_prefix *p, const struct fs_session *s,
			 const uint8_t *addr)
{
	unsigned int bits = p->prefixlen, i;

	if (!p->set)
		return true;
	if (p->family != s->family)
		return false;
	for (i = 0; bits; i++, bits -= bits > 8 ? 8 : bits) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((addr[i] ^ p->addr[i]) & mask)
			return false;
	}
	return true;
}

/* The family and the prefixes of @f name one family, or none. */
bool fs_filter_families_agree(const struct fs_filter *f)
{
	const struct fs_prefix *p[] = { &f->src, &f->dst, &f->addr };
	uint8_t family = f->family;
	size_t i;

	for (i = 0; i < ARRAY_LEN(p); i++) {
		if (!p[i]->set)
			continue;
		if (family && family != p[i]->family)
			return false;
		family = p[i]->family;
	}
	return true;
}

/* Does @s match @f, as the kernel's filter would (monitor filters here)? */
bool fs_filter_match(const struct fs_filter *f, const struct fs_session *s)
{
	return (!f->family || f->family == s->family) &&
	       (!f->has_proto || f->proto == s->proto) &&
	       (!f->has_sport || f->sport == s->sport) &&
	       (!f->has_dport || f->dport == s->dport) &&
	       (!f->has_port || f->port == s->sport || f->port == s->dport) &&
	       (!f->has_state || f->state == s->state) &&
	       (!f->has_id || (s->has_detail && f->id == s->id)) &&
	       (!f->iif || (s->has_detail && f->iif == s->iif)) &&
	       (!f->oif || (s->has_detail && f->oif == s->oif)) &&
	       (!f->has_replied || f->replied == s->replied) &&
	       prefix_match(&f->src, s, s->src) && prefix_match(&f->dst, s, s->dst) &&
	       (prefix_match(&f->addr, s, s->src) || prefix_match(&f->addr, s, s->dst));
}

void fs_filter_put(struct nlmsghdr *nlh, const struct fs_filter *f)
{
	struct nlattr *nest;

	if (!f->family && !f->has_proto && !f->src.set && !f->dst.set &&
	    !f->has_sport && !f->has_dport && !f->has_state && !f->addr.set &&
	    !f->has_port && !f->has_id && !f->iif && !f->oif && !f->has_replied)
		return;
	nest = mnl_attr_nest_start(nlh, FLOWSESS_A_FILTER);
	if (f->family)
		mnl_attr_put_u8(nlh, FLOWSESS_FILTER_FAMILY, f->family);
	if (f->has_proto)
		mnl_attr_put_u8(nlh, FLOWSESS_FILTER_PROTO, f->proto);
	put_prefix(nlh, &f->src, FLOWSESS_FILTER_SRC, FLOWSESS_FILTER_SRC_PREFIXLEN);
	put_prefix(nlh, &f->dst, FLOWSESS_FILTER_DST, FLOWSESS_FILTER_DST_PREFIXLEN);
	if (f->has_sport)
		mnl_attr_put_u16(nlh, FLOWSESS_FILTER_SPORT, htons(f->sport));
	if (f->has_dport)
		mnl_attr_put_u16(nlh, FLOWSESS_FILTER_DPORT, htons(f->dport));
	if (f->has_state)
		mnl_attr_put_u8(nlh, FLOWSESS_FILTER_STATE, f->state);
	put_prefix(nlh, &f->addr, FLOWSESS_FILTER_ADDR, FLOWSESS_FILTER_ADDR_PREFIXLEN);
	if (f->has_port)
		mnl_attr_put_u16(nlh, FLOWSESS_FILTER_PORT, htons(f->port));
	if (f->has_id)
		mnl_attr_put_u32(nlh, FLOWSESS_FILTER_ID, f->id);
	if (f->iif)
		mnl_attr_put_u32(nlh, FLOWSESS_FILTER_IIF, f->iif);
	if (f->oif)
		mnl_attr_put_u32(nlh, FLOWSESS_FILTER_OIF, f->oif);
	if (f->has_replied)
		mnl_attr_put_u8(nlh, FLOWSESS_FILTER_REPLIED, f->replied);
	mnl_attr_nest_end(nlh, nest);
}

/* A u32 of the session's detail. */
static int parse_detail(const struct nlattr *a, struct fs_session *s)
{
	uint32_t v;

	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -1;
	v = mnl_attr_get_u32(a);
	switch (mnl_attr_get_type(a)) {
	case FLOWSESS_SA_ID: s->id = v; break;
	case FLOWSESS_SA_IIF: s->iif = v; break;
	case FLOWSESS_SA_OIF: s->oif = v; break;
	case FLOWSESS_SA_AGE_S: s->age_s = v; break;
	default: s->idle_ms = v; break;
	}
	s->has_detail = true;
	return 0;
}

/* A u64 counter of accounting. */
static int parse_acct(const struct nlattr *a, struct fs_session *s)
{
	uint16_t type = mnl_attr_get_type(a);
	int reply = type == FLOWSESS_SA_PACKETS_REPLY || type == FLOWSESS_SA_BYTES_REPLY;

	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return -1;
	if (type == FLOWSESS_SA_PACKETS_ORIG || type == FLOWSESS_SA_PACKETS_REPLY)
		s->packets[reply] = mnl_attr_get_u64(a);
	else
		s->bytes[reply] = mnl_attr_get_u64(a);
	s->has_acct = true;
	return 0;
}

/* FLOWSESS_A_SESSION into @s; unknown attributes (a newer module) are skipped. */
int fs_session_parse(const struct nlattr *nest, struct fs_session *s)
{
	const struct nlattr *a;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each_nested(a, nest) {
		uint16_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case FLOWSESS_SA_FAMILY:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -1;
			s->family = mnl_attr_get_u8(a);
			break;
		case FLOWSESS_SA_PROTO:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -1;
			s->proto = mnl_attr_get_u8(a);
			break;
		case FLOWSESS_SA_SRC:
		case FLOWSESS_SA_DST:
			if (len != 4 && len != 16)
				return -1;
			memcpy(mnl_attr_get_type(a) == FLOWSESS_SA_SRC ? s->src : s->dst,
			       mnl_attr_get_payload(a), len);
			break;
		case FLOWSESS_SA_SPORT:
		case FLOWSESS_SA_DPORT:
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -1;
			if (mnl_attr_get_type(a) == FLOWSESS_SA_SPORT)
				s->sport = ntohs(mnl_attr_get_u16(a));
			else
				s->dport = ntohs(mnl_attr_get_u16(a));
			break;
		case FLOWSESS_SA_STATE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -1;
			s->state = mnl_attr_get_u8(a);
			break;
		case FLOWSESS_SA_EXPIRES_MS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -1;
			s->expires_ms = mnl_attr_get_u32(a);
			s->has_expires = true;
			break;
		case FLOWSESS_SA_REASON:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -1;
			s->reason = mnl_attr_get_u8(a);
			break;
		case FLOWSESS_SA_LIVE_KILL:
			s->live_kill = true;
			break;
		case FLOWSESS_SA_REPLIED:
			s->replied = true;
			break;
		case FLOWSESS_SA_IMPORTED:
			s->imported = true;
			break;
		case FLOWSESS_SA_ID:
		case FLOWSESS_SA_IIF:
		case FLOWSESS_SA_OIF:
		case FLOWSESS_SA_AGE_S:
		case FLOWSESS_SA_IDLE_MS:
			if (parse_detail(a, s))
				return -1;
			break;
		case FLOWSESS_SA_PACKETS_ORIG:
		case FLOWSESS_SA_BYTES_ORIG:
		case FLOWSESS_SA_PACKETS_REPLY:
		case FLOWSESS_SA_BYTES_REPLY:
			if (parse_acct(a, s))
				return -1;
			break;
		}
	}
	return s->family == AF_INET || s->family == AF_INET6 ? 0 : -1;
}

static bool is_icmp(const struct fs_session *s)
{
	return s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6;
}

/* The protocols whose sessions have ports (kmod/hooks.c). */
static bool has_ports(const struct fs_session *s)
{
	return s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP ||
	       s->proto == IPPROTO_UDPLITE;
}

/*
 * "10.0.1.2:80", "[fd00::2]:80"; "10.0.1.2" for ICMP (the echo id is in
 * the state column) and for protocols without ports.
 */
static const char *endpoint(const struct fs_session *s, const uint8_t *addr,
			    uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(s->family, addr, a, sizeof(a));
	if (!has_ports(s))
		snprintf(buf, len, "%s", a);
	else if (s->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

static const char *duration(uint64_t ms, char buf[24])
{
	if (ms < 10000)
		snprintf(buf, 24, "%u.%us", (unsigned int)ms / 1000,
			 (unsigned int)ms % 1000 / 100);
	else
		snprintf(buf, 24, "%" PRIu64 "s", ms / 1000);
	return buf;
}

/*
 * An interface's name into @buf, "-" for none, its number if it is gone.
 * Names are remembered: a dump of millions of sessions asks about a few
 * interfaces.
 */
static const char *ifname(uint32_t ifindex, char buf[IF_NAMESIZE])
{
	static struct {
		uint32_t ifindex;
		char name[IF_NAMESIZE];
	} cache[64];
	typeof(cache[0]) *c = &cache[ifindex % 64];

	if (!ifindex)
		return "-";
	if (c->ifindex != ifindex) {
		if (!if_indextoname(ifindex, c->name))
			snprintf(c->name, sizeof(c->name), "%u", ifindex);
		c->ifindex = ifindex;
	}
	memcpy(buf, c->name, IF_NAMESIZE);
	return buf;
}

#define SESSION_ROW "%-10s %-7s %-24s %-24s %-8s %-8s %-12s %-7s %6s %6s %7s %-13s %s\n"

void fs_session_header(FILE *out)
{
	fprintf(out, SESSION_ROW, "ID", "PROTO", "SOURCE", "DESTINATION", "IN", "OUT",
		"STATE", "REPLIED", "AGE", "IDLE", "EXPIRES", "PACKETS", "BYTES");
}

/* The state column: the TCP state, "id=N" for an ICMP echo, else "-". */
static const char *state_column(const struct fs_session *s, char buf[24])
{
	if (s->proto == IPPROTO_TCP)
		return fs_state_name(s->state);
	if (is_icmp(s)) {
		snprintf(buf, 24, "id=%u", s->sport);
		return buf;
	}
	return "-";
}

static void session_json(FILE *out, const struct fs_session *s)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pb[8];

	inet_ntop(s->family, s->src, src, sizeof(src));
	inet_ntop(s->family, s->dst, dst, sizeof(dst));
	fprintf(out, "\"family\":\"%s\",\"proto\":\"%s\",\"proto_num\":%u,\"src\":\"%s\","
		"\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,\"state\":\"%s\"",
		s->family == AF_INET ? "inet" : "inet6", proto_name(s->proto, pb),
		s->proto, src, s->sport, dst, s->dport, fs_state_name(s->state));
	fprintf(out, ",\"replied\":%s", s->replied ? "true" : "false");
	fprintf(out, ",\"imported\":%s", s->imported ? "true" : "false");
	if (s->has_expires)
		fprintf(out, ",\"expires_ms\":%u", s->expires_ms);
	if (s->has_detail) {
		char in[IF_NAMESIZE], out_[IF_NAMESIZE];

		fprintf(out, ",\"id\":%u,\"iif\":%u,\"oif\":%u,\"age_s\":%u,\"idle_ms\":%u",
			s->id, s->iif, s->oif, s->age_s, s->idle_ms);
		/* Names, in the namespace the tool acts on (-n); "-" for none. */
		fprintf(out, ",\"iif_name\":\"%s\",\"oif_name\":\"%s\"",
			ifname(s->iif, in), ifname(s->oif, out_));
	}
	if (s->has_acct)
		fprintf(out, ",\"packets_orig\":%" PRIu64 ",\"bytes_orig\":%" PRIu64
			",\"packets_reply\":%" PRIu64 ",\"bytes_reply\":%" PRIu64,
			s->packets[0], s->bytes[0], s->packets[1], s->bytes[1]);
}

/*
 * One session: a table row, or a JSON object. Packets and bytes are the
 * original direction's, then the reply's; "-" without accounting.
 */
void fs_session_print(FILE *out, const struct fs_session *s, bool json)
{
	char src[64], dst[64], pb[8], sb[24], id[16], age[24], idle[24], exp[24];
	char pkts[48] = "-", bytes[48] = "-", in[IF_NAMESIZE], out_[IF_NAMESIZE];

	if (json) {
		fputc('{', out);
		session_json(out, s);
		fputc('}', out);
		return;
	}
	snprintf(id, sizeof(id), "%u", s->id);
	if (s->has_acct) {
		snprintf(pkts, sizeof(pkts), "%" PRIu64 "/%" PRIu64, s->packets[0], s->packets[1]);
		snprintf(bytes, sizeof(bytes), "%" PRIu64 "/%" PRIu64, s->bytes[0], s->bytes[1]);
	}
	fprintf(out, SESSION_ROW, s->has_detail ? id : "-", proto_name(s->proto, pb),
		endpoint(s, s->src, s->sport, src, sizeof(src)),
		endpoint(s, s->dst, s->dport, dst, sizeof(dst)),
		s->has_detail ? ifname(s->iif, in) : "-", s->has_detail ? ifname(s->oif, out_) : "-",
		state_column(s, sb), s->replied ? "yes" : "no",
		/* The kernel counts the age in whole seconds: no tenths. */
		s->has_detail ? (snprintf(age, sizeof(age), "%us", s->age_s), age) : "-",
		s->has_detail ? duration(s->idle_ms, idle) : "-",
		s->has_expires ? duration(s->expires_ms, exp) : "-", pkts, bytes);
}

/* One event: "new tcp 10.0.1.2:4000 -> 10.0.2.2:80 syn-sent". */
void fs_event_print(FILE *out, uint8_t cmd, const struct fs_session *s, bool json)
{
	const char *what = cmd == FLOWSESS_CMD_SESSION_NEW ? "new" : "invalidated";
	char src[64], dst[64], pb[8], sb[24];

	if (json) {
		fprintf(out, "{\"event\":\"%s\",", what);
		session_json(out, s);
		if (cmd == FLOWSESS_CMD_SESSION_DEL)
			fprintf(out, ",\"reason\":\"%s\",\"live_kill\":%s",
				fs_reason_name(s->reason), s->live_kill ? "true" : "false");
		fputs("}\n", out);
		return;
	}
	fprintf(out, "%-11s %-7s %s -> %s %s", what, proto_name(s->proto, pb),
		endpoint(s, s->src, s->sport, src, sizeof(src)),
		endpoint(s, s->dst, s->dport, dst, sizeof(dst)), state_column(s, sb));
	if (cmd == FLOWSESS_CMD_SESSION_DEL)
		fprintf(out, " reason %s%s", fs_reason_name(s->reason),
			s->live_kill ? " live-kill" : "");
	fputc('\n', out);
}

void fs_summary_add(struct fs_summary *sum, const struct fs_session *s)
{
	sum->count[s->proto][s->state < __FLOWSESS_TCP_MAX ? s->state : 0]++;
	sum->total++;
}

/*
 * The summary of the whole table, from the module's gauges: sessions by
 * protocol, TCP's by state; "other" protocols together, as protocol 255.
 * 0 if the module has no such gauges (an older one).
 */
int fs_summary_from_stats(struct fs_summary *sum, const struct fs_stats *st)
{
	static const struct {
		unsigned int stat;
		uint8_t proto;
	} gauges[] = {
		{ FLOWSESS_STAT_SESSIONS_UDP, IPPROTO_UDP },
		{ FLOWSESS_STAT_SESSIONS_UDPLITE, IPPROTO_UDPLITE },
		{ FLOWSESS_STAT_SESSIONS_ICMP, IPPROTO_ICMP },
		{ FLOWSESS_STAT_SESSIONS_ICMPV6, IPPROTO_ICMPV6 },
		{ FLOWSESS_STAT_SESSIONS_OTHER, FS_SUMMARY_OTHER },
	};
	unsigned int i, st_;

	memset(sum, 0, sizeof(*sum));
	if (!st->present[FLOWSESS_STAT_SESSIONS_OTHER])
		return -1;
	for (st_ = FLOWSESS_TCP_SYN_SENT; st_ < __FLOWSESS_TCP_MAX; st_++)
		sum->count[IPPROTO_TCP][st_] =
			st->val[FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT + st_ - FLOWSESS_TCP_SYN_SENT];
	for (i = 0; i < ARRAY_LEN(gauges); i++)
		sum->count[gauges[i].proto][0] = st->val[gauges[i].stat];
	for (i = 0; i < 256; i++)
		for (st_ = 0; st_ < __FLOWSESS_TCP_MAX; st_++)
			sum->total += sum->count[i][st_];
	return 0;
}

/* Sessions per protocol and state, then the total. */
void fs_summary_print(FILE *out, const struct fs_summary *sum, bool json)
{
	const char *sep = "", *proto;
	unsigned int p, st;
	char pb[8];

	if (json)
		fprintf(out, "{\"total\":%" PRIu64 ",\"groups\":[", sum->total);
	else
		fprintf(out, "%-7s %-12s %s\n", "PROTO", "STATE", "SESSIONS");
	for (p = 0; p < 256; p++) {
		for (st = 0; st < __FLOWSESS_TCP_MAX; st++) {
			uint64_t n = sum->count[p][st];

			if (!n)
				continue;
			proto = p == FS_SUMMARY_OTHER ? "other" : proto_name(p, pb);
			if (json)
				fprintf(out, "%s{\"proto\":\"%s\",\"state\":\"%s\",\"sessions\":%" PRIu64 "}",
					sep, proto, state_names[st], n);
			else
				fprintf(out, "%-7s %-12s %" PRIu64 "\n", proto,
					p == IPPROTO_TCP ? state_names[st] : "-", n);
			sep = ",";
		}
	}
	if (json)
		fputs("]}\n", out);
	else
		fprintf(out, "%-20s %" PRIu64 "\n", "total", sum->total);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-made generic-netlink requests to the flowsess family, malformed on
 * purpose, without libmnl's help.
 *
 *   nlraw CASE     send one request; print "errno=NAME extack=TEXT"
 *   nlraw -f N CASE
 *                  the same, with the N-th kernel allocation of the request
 *                  failing (debug kernel: /proc/thread-self/fail-nth);
 *                  adds " fault=used|unused"
 *   nlraw list     the cases
 *   nlraw fuzz N SEED
 *                  N random requests: random commands, flags, attribute
 *                  types, lengths, values and nesting, some truncated or
 *                  corrupted; print how many got which answer
 *
 *   nlraw -p FILE CASE
 *                  the same, a dump paused after its first batch: creates
 *                  FILE.paused, waits for FILE.go, then reads on; adds
 *                  " intr=N", the messages flagged NLM_F_DUMP_INTR
 *
 * errno=0 means the kernel accepted the request (and a dump's messages
 * are counted: "errno=0 messages=N").
 */
#define _GNU_SOURCE	/* strerrorname_np() */
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "common.h"
#include "../../kmod/uapi/flowsess.h"

struct msg {
	char buf[4096] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
};

static void put_raw(struct msg *m, const void *data, size_t len)
{
	memcpy(m->buf + m->nlh->nlmsg_len, data, len);
	m->nlh->nlmsg_len += NLMSG_ALIGN(len);
}

static struct nlattr *put_attr(struct msg *m, unsigned short type,
			       const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nlh->nlmsg_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len += NLA_ALIGN(a->nla_len);
	return a;
}

static void put_u8(struct msg *m, unsigned short type, unsigned char v)
{
	put_attr(m, type, &v, 1);
}

static void put_u16(struct msg *m, unsigned short type, unsigned short v)
{
	put_attr(m, type, &v, 2);
}

static void put_u32(struct msg *m, unsigned short type, unsigned int v)
{
	put_attr(m, type, &v, 4);
}

static struct nlattr *nest_start(struct msg *m, unsigned short type)
{
	return put_attr(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, struct nlattr *nest)
{
	nest->nla_len = m->buf + m->nlh->nlmsg_len - (char *)nest;
}

static void msg_init(struct msg *m, unsigned short type, unsigned char cmd,
		     unsigned short flags)
{
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_len = NLMSG_HDRLEN;
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nlh->nlmsg_seq = 1;
	put_raw(m, &g, sizeof(g));
}

static const char *pause_file;

/* The first batch of a dump is in: tell the test, wait for its go. */
static void dump_pause(void)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.paused", pause_file);
	f = fopen(path, "w");
	if (!f)
		die("pause file");
	fclose(f);
	snprintf(path, sizeof(path), "%s.go", pause_file);
	while (access(path, F_OK))
		usleep(10000);
	pause_file = NULL;
}

struct result {
	int error;
	int messages;
	int intr;
	char extack[256];
	unsigned short family;
};

/* The extack message among the TLVs from @a to the end of @nlh. */
static void extack_parse(struct nlmsghdr *nlh, struct nlattr *a, struct result *r)
{
	int rem = (char *)nlh + nlh->nlmsg_len - (char *)a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem) {
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(r->extack, sizeof(r->extack), "%s", (char *)a + NLA_HDRLEN);
		rem -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
}

/* CTRL_ATTR_FAMILY_ID of a controller reply. */
static void family_parse(struct nlmsghdr *nlh, struct result *r)
{
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	int rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&r->family, (char *)a + NLA_HDRLEN, 2);
		rem -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
}

/* -f N: the fault to inject into the request, or -1. */
static int fail_nth = -1;

/*
 * Read replies until the ACK, the error, or the end of a dump (whose
 * NLMSG_DONE carries the error of a dump that failed).
 */
static void talk(int fd, struct msg *m, struct result *r)
{
	static char buf[65536] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (send(fd, m->buf, m->nlh->nlmsg_len, 0) < 0) {
		/* Only an injected fault may fail the request itself. */
		if (fail_nth < 0)
			die("send");
		r->error = errno;
		return;
	}
	for (;;) {
		/*
		 * A request is answered within send(): under an injected
		 * fault, no answer (EAGAIN) or a lost one (ENOBUFS) is told,
		 * not waited for.
		 */
		n = recv(fd, buf, sizeof(buf), fail_nth < 0 ? 0 : MSG_DONTWAIT);
		if (n < 0) {
			if (fail_nth < 0)
				die("recv");
			r->error = errno;
			return;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int *err = NLMSG_DATA(nlh);

				r->error = *err < 0 ? -*err : 0;
				extack_parse(nlh, (struct nlattr *)(err + 1), r);
				return;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				r->error = -e->error;
				extack_parse(nlh, (struct nlattr *)((char *)e + sizeof(*e) +
					     (nlh->nlmsg_flags & NLM_F_CAPPED ? 0 :
					      e->msg.nlmsg_len - NLMSG_HDRLEN)), r);
				return;
			}
			r->messages++;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				r->intr++;
			if (nlh->nlmsg_type == GENL_ID_CTRL)
				family_parse(nlh, r);
		}
		if (pause_file && r->messages)
			dump_pause();
	}
}

static const char *const cases[] = {
	"top_unknown", "top_unsupported", "no_genlhdr", "bad_cmd", "truncated_attr",
	"cfg_missing", "cfg_empty", "cfg_unknown", "cfg_short", "cfg_range",
	"cfg_not_nested", "cfg_partial",
	"filter_addr5", "filter_addr17", "filter_plen33", "filter_plen_only",
	"filter_family", "filter_family_u32", "filter_mix", "filter_family_conflict", "filter_state",
	"filter_port_u32", "clear_bad", "dump_valid", "dump_all", "get_stats", "get_config",
	"set_config",
	"import_none", "import_family", "import_addr_len", "import_no_ports",
	"import_echo_ports", "import_ports_gre", "import_tcp_no_state",
	"import_udp_state", "import_udp_peer", "import_scale", "import_flags",
	"import_reason", "import_expires0", "import_maxwin", "import_established",
	"import_reverse", "import_valid", "import_reason0", "import_end_none", "import_end",
	"import_if_copy",
};

/*
 * A session to import: TCP 10.0.1.2:40000 -> 10.0.2.2:80, established,
 * an hour left, each side's sequence tracking; @name's mistake in it. An
 * end (import_end*, import_reason0) has a reason instead of its time left.
 */
static void put_import(struct msg *m, const char *name)
{
	unsigned char src[4] = { 10, 0, 1, 2 }, dst[4] = { 10, 0, 2, 2 };
	int tcp = strcmp(name, "import_udp_state") && strcmp(name, "import_udp_peer") &&
		  strcmp(name, "import_echo_ports") && strcmp(name, "import_ports_gre");
	struct nlattr *nest, *peer;
	int dir;

	nest = nest_start(m, FLOWSESS_A_SESSION);
	put_u8(m, FLOWSESS_SA_FAMILY, strcmp(name, "import_family") ? AF_INET : 7);
	put_u8(m, FLOWSESS_SA_PROTO, tcp ? IPPROTO_TCP :
	       !strcmp(name, "import_echo_ports") ? IPPROTO_ICMP :
	       !strcmp(name, "import_ports_gre") ? IPPROTO_GRE : IPPROTO_UDP);
	if (!strcmp(name, "import_reverse")) {
		put_attr(m, FLOWSESS_SA_SRC, dst, 4);
		put_attr(m, FLOWSESS_SA_DST, src, 4);
	} else {
		put_attr(m, FLOWSESS_SA_SRC, src, !strcmp(name, "import_addr_len") ? 16 : 4);
		put_attr(m, FLOWSESS_SA_DST, dst, 4);
	}
	if (strcmp(name, "import_no_ports")) {
		put_u16(m, FLOWSESS_SA_SPORT, htons(!strcmp(name, "import_reverse") ? 80 : 40000));
		put_u16(m, FLOWSESS_SA_DPORT, htons(!strcmp(name, "import_reverse") ? 40000 : 80));
	}
	if (strcmp(name, "import_tcp_no_state"))
		put_u8(m, FLOWSESS_SA_STATE, !strcmp(name, "import_established") ?
		       FLOWSESS_TCP_FIN_WAIT : tcp || !strcmp(name, "import_udp_state") ?
		       FLOWSESS_TCP_ESTABLISHED : FLOWSESS_TCP_NONE);
	if (strncmp(name, "import_end", 10) && strcmp(name, "import_reason0"))
		put_u32(m, FLOWSESS_SA_EXPIRES_MS, strcmp(name, "import_expires0") ? 3600000 : 0);
	put_attr(m, FLOWSESS_SA_REPLIED, NULL, 0);
	put_attr(m, FLOWSESS_SA_ESTABLISHED, NULL, 0);
	if (!strcmp(name, "import_reason") || !strncmp(name, "import_end", 10))
		put_u8(m, FLOWSESS_SA_REASON, FLOWSESS_REASON_RST);
	if (!strcmp(name, "import_reason0"))
		put_u8(m, FLOWSESS_SA_REASON, FLOWSESS_REASON_NONE);
	if (!strcmp(name, "import_if_copy"))
		put_attr(m, FLOWSESS_SA_IF_COPY, NULL, 0);
	if (!tcp && strcmp(name, "import_udp_peer"))
		goto out;
	for (dir = 0; dir < 2; dir++) {
		peer = nest_start(m, dir ? FLOWSESS_SA_TCP_REPLY : FLOWSESS_SA_TCP_ORIG);
		put_u32(m, FLOWSESS_TCP_PEER_END, 1000 + dir);
		put_u32(m, FLOWSESS_TCP_PEER_MAXEND, 70000);
		put_u32(m, FLOWSESS_TCP_PEER_MAXWIN, strcmp(name, "import_maxwin") ? 65535 :
			(65535U << 14) + 1);
		put_u8(m, FLOWSESS_TCP_PEER_SCALE, !strcmp(name, "import_scale") ? 15 : 7);
		put_u8(m, FLOWSESS_TCP_PEER_FLAGS, !strcmp(name, "import_flags") ? 0x80 :
		       FLOWSESS_TCP_PEER_F_WSCALE);
		nest_end(m, peer);
	}
out:
	nest_end(m, nest);
}

/* The request of case @name, for the family @fam. */
static int build(struct msg *m, const char *name, unsigned short fam)
{
	unsigned char v4[4] = { 10, 0, 1, 0 }, v6[16] = { 0xfd };
	struct nlattr *nest;

#define IS(s) (!strcmp(name, s))
	if (IS("get_stats") || IS("get_config")) {
		msg_init(m, fam, IS("get_stats") ? FLOWSESS_CMD_GET_STATS :
			 FLOWSESS_CMD_GET_CONFIG, 0);
		return 0;
	}
	if (IS("no_genlhdr")) {
		msg_init(m, fam, FLOWSESS_CMD_GET_STATS, 0);
		m->nlh->nlmsg_len = NLMSG_HDRLEN;
		return 0;
	}
	if (IS("bad_cmd")) {
		msg_init(m, fam, 99, 0);
		return 0;
	}
	if (IS("top_unsupported")) {
		msg_init(m, fam, FLOWSESS_CMD_GET_STATS, 0);
		put_u32(m, FLOWSESS_A_COUNT, 1);
		return 0;
	}
	if (!strncmp(name, "import_", 7)) {
		msg_init(m, fam, FLOWSESS_CMD_IMPORT_SESSION, 0);
		if (!IS("import_none"))
			put_import(m, name);
		return 0;
	}
	if (IS("dump_all")) {
		msg_init(m, fam, FLOWSESS_CMD_GET_SESSIONS, NLM_F_DUMP);
		return 0;
	}
	if (!strncmp(name, "filter_", 7) || IS("dump_valid")) {
		msg_init(m, fam, FLOWSESS_CMD_GET_SESSIONS, NLM_F_DUMP);
		nest = nest_start(m, FLOWSESS_A_FILTER);
		if (IS("filter_addr5"))
			put_attr(m, FLOWSESS_FILTER_SRC, v6, 5);
		else if (IS("filter_addr17"))
			put_attr(m, FLOWSESS_FILTER_SRC, v6, 17);
		else if (IS("filter_plen33")) {
			put_attr(m, FLOWSESS_FILTER_SRC, v4, 4);
			put_u8(m, FLOWSESS_FILTER_SRC_PREFIXLEN, 33);
		} else if (IS("filter_plen_only"))
			put_u8(m, FLOWSESS_FILTER_DST_PREFIXLEN, 24);
		else if (IS("filter_family"))
			put_u8(m, FLOWSESS_FILTER_FAMILY, 7);
		else if (IS("filter_family_u32"))	/* 6.1 warned on this policy */
			put_u32(m, FLOWSESS_FILTER_FAMILY, AF_INET);
		else if (IS("filter_mix")) {
			put_attr(m, FLOWSESS_FILTER_SRC, v4, 4);
			put_attr(m, FLOWSESS_FILTER_DST, v6, 16);
		} else if (IS("filter_family_conflict")) {
			put_u8(m, FLOWSESS_FILTER_FAMILY, AF_INET6);
			put_attr(m, FLOWSESS_FILTER_SRC, v4, 4);
		} else if (IS("filter_state"))
			put_u8(m, FLOWSESS_FILTER_STATE, 99);
		else if (IS("filter_port_u32"))
			put_u32(m, FLOWSESS_FILTER_SPORT, htonl(80));
		else if (IS("dump_valid")) {
			put_attr(m, FLOWSESS_FILTER_SRC, v4, 4);
			put_u8(m, FLOWSESS_FILTER_SRC_PREFIXLEN, 8);
			put_u16(m, FLOWSESS_FILTER_DPORT, htons(1234));
		} else
			return -1;
		nest_end(m, nest);
		return 0;
	}
	if (IS("clear_bad")) {
		msg_init(m, fam, FLOWSESS_CMD_CLEAR_SESSIONS, 0);
		nest = nest_start(m, FLOWSESS_A_FILTER);
		put_attr(m, FLOWSESS_FILTER_DST, v4, 3);
		nest_end(m, nest);
		return 0;
	}

	msg_init(m, fam, FLOWSESS_CMD_SET_CONFIG, 0);
	if (IS("top_unknown")) {
		put_u32(m, 60, 1);
	} else if (IS("truncated_attr")) {
		nest = put_attr(m, FLOWSESS_A_CONFIG, v6, 8);
		nest->nla_len = 64;	/* claims more than the message holds */
	} else if (IS("cfg_missing")) {
		;
	} else if (IS("cfg_not_nested")) {
		put_attr(m, FLOWSESS_A_CONFIG, v4, 2);
	} else {
		nest = nest_start(m, FLOWSESS_A_CONFIG);
		if (IS("cfg_unknown"))
			put_u32(m, 60, 1);
		else if (IS("cfg_short"))
			put_u16(m, FLOWSESS_CFG_RST_GRACE_MS, 100);
		else if (IS("cfg_range"))
			put_u8(m, FLOWSESS_CFG_RST_INVALIDATE_SESSION, 2);
		else if (IS("cfg_partial")) {
			put_u8(m, FLOWSESS_CFG_RST_INVALIDATE_SESSION, 1);
			put_u32(m, FLOWSESS_CFG_RST_GRACE_MS, FLOWSESS_RST_GRACE_MS_MAX + 1);
		} else if (IS("set_config")) {
			put_u8(m, FLOWSESS_CFG_RST_INVALIDATE_SESSION, 0);
		} else if (!IS("cfg_empty"))
			return -1;
		nest_end(m, nest);
	}
	return 0;
#undef IS
}

static unsigned int rnd_state;

static unsigned int rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* A value a policy may care about: a bound, or anything. */
static unsigned long long fuzz_value(void)
{
	static const unsigned long long edges[] = {
		0, 1, 2, 10, 32, 33, 128, 129, 255, 256, 600000, 600001,
		604800000, 604800001, 16777216, 16777217, 0xffffffffULL, ~0ULL,
	};

	if (rnd() % 2)
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
	return (unsigned long long)rnd() << 32 | rnd();
}

static void fuzz_attrs(struct msg *m, int depth);

/*
 * A session to import, mostly well formed, each field often odd: so that
 * imports get past the first checks and create sessions of every shape.
 */
static void fuzz_session(struct msg *m)
{
	static const unsigned char protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
		IPPROTO_ICMPV6, IPPROTO_UDPLITE, IPPROTO_GRE };
	unsigned char addr[17];
	struct nlattr *nest, *peer;
	int family = rnd() % 8 ? (rnd() % 2 ? AF_INET : AF_INET6) : rnd() % 256;
	int alen = rnd() % 8 ? (family == AF_INET ? 4 : 16) : rnd() % 17;
	unsigned short port = rnd() % 4 ? rnd() : 0;
	size_t j;
	int dir;

	nest = nest_start(m, FLOWSESS_A_SESSION);
	if (rnd() % 16)
		put_u8(m, FLOWSESS_SA_FAMILY, family);
	put_u8(m, FLOWSESS_SA_PROTO, rnd() % 8 ? protos[rnd() % sizeof(protos)] : rnd());
	for (j = 0; j < sizeof(addr); j++)
		addr[j] = rnd() % 4 ? 10 : rnd();
	put_attr(m, FLOWSESS_SA_SRC, addr, alen);
	put_attr(m, FLOWSESS_SA_DST, addr + 1, alen);
	if (rnd() % 8)
		put_u16(m, FLOWSESS_SA_SPORT, port);
	if (rnd() % 8)
		put_u16(m, FLOWSESS_SA_DPORT, rnd() % 2 ? port : rnd());
	if (rnd() % 4)
		put_u8(m, FLOWSESS_SA_STATE, rnd() % 11);
	if (rnd() % 16)
		put_u32(m, FLOWSESS_SA_EXPIRES_MS, fuzz_value());
	for (j = FLOWSESS_SA_REPLIED; j <= FLOWSESS_SA_TRAFFIC_AFTER_RST; j++)
		if (rnd() % 2)
			put_attr(m, j, NULL, 0);
	for (dir = 0; dir < 2; dir++) {
		if (rnd() % 3 == 0)
			continue;
		peer = nest_start(m, dir ? FLOWSESS_SA_TCP_REPLY : FLOWSESS_SA_TCP_ORIG);
		for (j = FLOWSESS_TCP_PEER_END; j <= FLOWSESS_TCP_PEER_MAXWIN; j++)
			if (rnd() % 8)
				put_u32(m, j, fuzz_value());
		put_u8(m, FLOWSESS_TCP_PEER_SCALE, rnd() % 4 ? rnd() % 15 : rnd());
		put_u8(m, FLOWSESS_TCP_PEER_FLAGS, rnd() % 4 ? rnd() % 4 : rnd());
		if (rnd() % 8 == 0)
			fuzz_attrs(m, 1);
		nest_end(m, peer);
	}
	if (rnd() % 8 == 0)
		fuzz_attrs(m, 1);
	nest_end(m, nest);
}

/* Up to four random attributes, nested up to @depth more levels. */
static void fuzz_attrs(struct msg *m, int depth)
{
	unsigned char bytes[40];
	unsigned long long v;
	int i, n = rnd() % 5;
	unsigned short type;
	struct nlattr *nest;
	size_t j, len;

	for (i = 0; i < n && m->nlh->nlmsg_len < sizeof(m->buf) - 256; i++) {
		type = rnd() % 8 ? rnd() % 26 : rnd() % 0x4000;
		v = fuzz_value();
		/* At the top, mostly the nests the commands take. */
		if (depth == 3 && rnd() % 2) {
			nest = nest_start(m, rnd() % 2 ? FLOWSESS_A_CONFIG : FLOWSESS_A_FILTER);
			fuzz_attrs(m, 1);
			nest_end(m, nest);
			continue;
		}
		switch (rnd() % 7) {
		case 0: put_attr(m, type, &v, 1); break;
		case 1: put_attr(m, type, &v, 2); break;
		case 2: put_attr(m, type, &v, 4); break;
		case 3: put_attr(m, type, &v, 8); break;
		case 4:
			len = rnd() % sizeof(bytes);
			for (j = 0; j < len; j++)
				bytes[j] = rnd();
			put_attr(m, type, bytes, len);
			break;
		default:
			if (depth <= 0)
				break;
			nest = rnd() % 4 ? nest_start(m, type) : put_attr(m, type, NULL, 0);
			fuzz_attrs(m, depth - 1);
			nest_end(m, nest);
		}
	}
}

struct fuzz_tally {
	unsigned long sent, accepted, by_errno[256];
};

static void fuzz_one(int fd, unsigned short fam, struct fuzz_tally *t)
{
	static const unsigned char cmds[] = {
		FLOWSESS_CMD_GET_STATS, FLOWSESS_CMD_GET_CONFIG,
		FLOWSESS_CMD_SET_CONFIG, FLOWSESS_CMD_GET_SESSIONS,
		FLOWSESS_CMD_CLEAR_SESSIONS, FLOWSESS_CMD_IMPORT_SESSION,
	};
	unsigned char cmd = rnd() % 5 ? cmds[rnd() % sizeof(cmds)] : rnd() % 256;
	unsigned int len;
	struct result r;
	struct msg m;

	/* Mostly a dump when the command is one, and the other way round. */
	msg_init(&m, fam, cmd, (cmd == FLOWSESS_CMD_GET_SESSIONS) == !!(rnd() % 8) ?
		 NLM_F_DUMP : 0);
	((struct genlmsghdr *)NLMSG_DATA(m.nlh))->version = rnd() % 3;
	if (cmd == FLOWSESS_CMD_IMPORT_SESSION && rnd() % 4)
		fuzz_session(&m);
	else
		fuzz_attrs(&m, 3);
	len = m.nlh->nlmsg_len;
	switch (rnd() % 20) {
	case 0:		/* cut inside the attributes */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN)
			m.nlh->nlmsg_len -= 1 + rnd() % (len - NLMSG_HDRLEN - GENL_HDRLEN);
		break;
	case 1:		/* no room for the generic-netlink header */
		m.nlh->nlmsg_len = NLMSG_HDRLEN + rnd() % GENL_HDRLEN;
		break;
	case 2:		/* one corrupted byte after the headers */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN)
			m.buf[NLMSG_HDRLEN + GENL_HDRLEN +
			      rnd() % (len - NLMSG_HDRLEN - GENL_HDRLEN)] = rnd();
		break;
	}
	t->sent++;
	talk(fd, &m, &r);
	if (!r.error)
		t->accepted++;
	else
		t->by_errno[r.error & 0xff]++;
}

static int fuzz(int fd, unsigned short fam, unsigned long n, unsigned int seed)
{
	struct fuzz_tally t = {};
	unsigned int e;

	rnd_state = seed ? seed : 1;
	while (t.sent < n)
		fuzz_one(fd, fam, &t);
	printf("sent=%lu accepted=%lu", t.sent, t.accepted);
	for (e = 0; e < 256; e++)
		if (t.by_errno[e])
			printf(" %s=%lu", strerrorname_np(e), t.by_errno[e]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	const char *paused = NULL;
	struct result r;
	struct msg m;
	int fd, one = 1;
	size_t i;

	if (argc == 4 && !strcmp(argv[1], "-f")) {
		fail_nth = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	} else if (argc == 4 && !strcmp(argv[1], "-p")) {
		paused = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 && !(argc == 4 && !strcmp(argv[1], "fuzz"))) {
		fprintf(stderr, "usage: nlraw [-f N | -p FILE] CASE | list | fuzz N SEED\n");
		return 2;
	}
	if (!strcmp(argv[1], "list")) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			puts(cases[i]);
		return 0;
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink");
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, FLOWSESS_GENL_NAME, sizeof(FLOWSESS_GENL_NAME));
	talk(fd, &m, &r);
	if (!r.family) {
		fprintf(stderr, "nlraw: no flowsess family\n");
		return 1;
	}
	if (argc == 4)
		return fuzz(fd, r.family, strtoul(argv[2], NULL, 10),
			    strtoul(argv[3], NULL, 10));
	if (build(&m, argv[1], r.family)) {
		fprintf(stderr, "nlraw: no case \"%s\"\n", argv[1]);
		return 2;
	}
	if (fail_nth >= 0) {
		int fault = fail_nth_arm(fail_nth);

		talk(fd, &m, &r);
		printf("errno=%s fault=%s\n", r.error ? strerrorname_np(r.error) : "0",
		       fail_nth_used(fault) ? "used" : "unused");
		return 0;
	}
	pause_file = paused;
	talk(fd, &m, &r);
	printf("errno=%s", r.error ? strerrorname_np(r.error) : "0");
	if (!r.error && r.messages)
		printf(" messages=%d", r.messages);
	if (paused)
		printf(" intr=%d", r.intr);
	printf(" extack=%s\n", r.extack);
	return 0;
}

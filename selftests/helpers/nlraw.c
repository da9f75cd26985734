// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-made generic-netlink requests to the flowsess family, malformed on
 * purpose, without libmnl's help.
 *
 *   nlraw CASE     send one request; print "errno=NAME extack=TEXT"
 *   nlraw list     the cases
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

struct result {
	int error;
	int messages;
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
	if (send(fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		die("send");
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv");
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
			if (nlh->nlmsg_type == GENL_ID_CTRL)
				family_parse(nlh, r);
		}
	}
}

static const char *const cases[] = {
	"top_unknown", "top_unsupported", "no_genlhdr", "bad_cmd", "truncated_attr",
	"cfg_missing", "cfg_empty", "cfg_unknown", "cfg_short", "cfg_range",
	"cfg_not_nested", "cfg_partial",
	"filter_addr5", "filter_addr17", "filter_plen33", "filter_plen_only",
	"filter_family", "filter_mix", "filter_family_conflict", "filter_state",
	"filter_port_u32", "clear_bad", "dump_valid",
};

/* The request of case @name, for the family @fam. */
static int build(struct msg *m, const char *name, unsigned short fam)
{
	unsigned char v4[4] = { 10, 0, 1, 0 }, v6[16] = { 0xfd };
	struct nlattr *nest;

#define IS(s) (!strcmp(name, s))
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
		} else if (!IS("cfg_empty"))
			return -1;
		nest_end(m, nest);
	}
	return 0;
#undef IS
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct result r;
	struct msg m;
	int fd, one = 1;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: nlraw CASE | list\n");
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
	if (build(&m, argv[1], r.family)) {
		fprintf(stderr, "nlraw: no case \"%s\"\n", argv[1]);
		return 2;
	}
	talk(fd, &m, &r);
	printf("errno=%s", r.error ? strerrorname_np(r.error) : "0");
	if (!r.error && r.messages)
		printf(" messages=%d", r.messages);
	printf(" extack=%s\n", r.extack);
	return 0;
}

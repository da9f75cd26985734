// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's half of state sync, driven by hand: what a sync daemon does
 * with the flowsess family.
 *
 *   sessync copy FROM TO
 *          dump every session of network namespace FROM (a name under
 *          /run/netns) and import each into TO as the dump exported it,
 *          as a daemon's full resynchronisation would; print
 *          "dumped=N imported=N failed=N", and each failure's errno and
 *          extack
 *   sessync watch NS SECONDS
 *          listen to NS's sync group for SECONDS; print "new=N update=N
 *          del=N tcp=N": the messages of each kind, and how many carried
 *          both directions' sequence tracking
 */
#define _GNU_SOURCE	/* setns(), strerrorname_np() */
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sched.h>

#include "common.h"
#include "../../kmod/uapi/flowsess.h"

static char buf[1 << 16] __attribute__((aligned(4)));

static void enter(const char *ns)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
}

static struct nlattr *attr_next(struct nlattr *a)
{
	return (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
}

#define for_each_attr(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (char *)(a) + NLA_HDRLEN <= (char *)(start) + (len) &&	\
	     a->nla_len >= NLA_HDRLEN &&					\
	     (char *)(a) + a->nla_len <= (char *)(start) + (len);		\
	     a = attr_next(a))

/* A request: a genetlink header, then @len bytes of attributes. */
static void request(int fd, unsigned short type, unsigned char cmd, unsigned short flags,
		    const void *attrs, size_t len)
{
	static char req[8192] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	if (NLMSG_HDRLEN + GENL_HDRLEN + len > sizeof(req))
		die("request too big");
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq++;
	g->cmd = cmd;
	g->version = 1;
	g->reserved = 0;
	memcpy((char *)g + GENL_HDRLEN, attrs, len);
	if (send(fd, req, nlh->nlmsg_len, 0) < 0)
		die("send");
}

/*
 * Read the answer to the last request: each message to @cb, until the ACK
 * or the end of the dump. Returns the error (a positive errno) or 0, its
 * extack text in @extack.
 */
static int answer(int fd, void (*cb)(struct nlmsghdr *nlh, void *arg), void *arg,
		  char extack[256])
{
	struct nlmsghdr *nlh;
	struct nlattr *a;
	ssize_t n;
	int err;

	extack[0] = 0;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv");
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type != NLMSG_DONE && nlh->nlmsg_type != NLMSG_ERROR) {
				cb(nlh, arg);
				continue;
			}
			err = -*(int *)NLMSG_DATA(nlh);
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				a = (struct nlattr *)((char *)e + sizeof(*e) +
					(nlh->nlmsg_flags & NLM_F_CAPPED ? 0 :
					 e->msg.nlmsg_len - NLMSG_HDRLEN));
			} else {
				a = (struct nlattr *)((int *)NLMSG_DATA(nlh) + 1);
			}
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
				struct nlattr *t;

				for_each_attr(t, a, (char *)nlh + nlh->nlmsg_len - (char *)a)
					if (t->nla_type == NLMSGERR_ATTR_MSG)
						snprintf(extack, 256, "%s", (char *)t + NLA_HDRLEN);
			}
			return err;
		}
	}
}

struct family {
	unsigned short id;
	unsigned int sync_group;
};

static void family_cb(struct nlmsghdr *nlh, void *arg)
{
	struct family *f = arg;
	char *start = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	struct nlattr *a, *g, *ga;

	for_each_attr(a, start, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&f->id, (char *)a + NLA_HDRLEN, 2);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		for_each_attr(g, (char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN) {
			unsigned int id = 0;
			int sync = 0;

			for_each_attr(ga, (char *)g + NLA_HDRLEN, g->nla_len - NLA_HDRLEN) {
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					memcpy(&id, (char *)ga + NLA_HDRLEN, 4);
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					sync = !strcmp((char *)ga + NLA_HDRLEN, FLOWSESS_MCGRP_SYNC);
			}
			if (sync)
				f->sync_group = id;
		}
	}
}

/* A generic-netlink socket in the current namespace, and the family. */
static int open_family(struct family *f)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char name_attr[NLA_HDRLEN + 16] __attribute__((aligned(4))) = { 0 };
	struct nlattr *a = (struct nlattr *)name_attr;
	char extack[256];
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink");
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(FLOWSESS_GENL_NAME);
	memcpy(name_attr + NLA_HDRLEN, FLOWSESS_GENL_NAME, sizeof(FLOWSESS_GENL_NAME));
	memset(f, 0, sizeof(*f));
	request(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, name_attr, NLA_ALIGN(a->nla_len));
	if (answer(fd, family_cb, f, extack) || !f->id) {
		fprintf(stderr, "sessync: no flowsess family\n");
		exit(1);
	}
	return fd;
}

/* The sessions of a dump, each FLOWSESS_A_SESSION as it came. */
struct dumped {
	char *data;
	size_t len, cap;
	unsigned int n;
};

static void dump_cb(struct nlmsghdr *nlh, void *arg)
{
	struct dumped *d = arg;
	char *start = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	struct nlattr *a;

	for_each_attr(a, start, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN) {
		if ((a->nla_type & NLA_TYPE_MASK) != FLOWSESS_A_SESSION)
			continue;
		while (d->len + NLA_ALIGN(a->nla_len) > d->cap) {
			d->cap = d->cap ? 2 * d->cap : 1 << 20;
			d->data = realloc(d->data, d->cap);
			if (!d->data)
				die("realloc");
		}
		memcpy(d->data + d->len, a, a->nla_len);
		d->len += NLA_ALIGN(a->nla_len);
		d->n++;
	}
}

static void ignore_cb(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
}

static int copy(const char *from, const char *to)
{
	struct dumped d = { 0 };
	unsigned int imported = 0, failed = 0;
	struct family ff, tf;
	char extack[256];
	int from_fd, to_fd, err;
	struct nlattr *a;

	enter(from);
	from_fd = open_family(&ff);
	enter(to);
	to_fd = open_family(&tf);
	request(from_fd, ff.id, FLOWSESS_CMD_GET_SESSIONS, NLM_F_DUMP, NULL, 0);
	err = answer(from_fd, dump_cb, &d, extack);
	if (err) {
		printf("dump: errno=%s extack=%s\n", strerrorname_np(err), extack);
		return 1;
	}
	for_each_attr(a, d.data, d.len) {
		request(to_fd, tf.id, FLOWSESS_CMD_IMPORT_SESSION, 0, a, NLA_ALIGN(a->nla_len));
		err = answer(to_fd, ignore_cb, NULL, extack);
		if (!err) {
			imported++;
			continue;
		}
		failed++;
		printf("import: errno=%s extack=%s\n", strerrorname_np(err), extack);
	}
	printf("dumped=%u imported=%u failed=%u\n", d.n, imported, failed);
	return 0;
}

struct heard {
	unsigned int new, update, del, tcp;
};

static void heard_one(struct nlmsghdr *nlh, struct heard *h)
{
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	char *start = (char *)g + GENL_HDRLEN;
	struct nlattr *a, *sa;
	int peers = 0;

	if (g->cmd == FLOWSESS_CMD_SESSION_NEW)
		h->new++;
	else if (g->cmd == FLOWSESS_CMD_SESSION_UPDATE)
		h->update++;
	else if (g->cmd == FLOWSESS_CMD_SESSION_DEL)
		h->del++;
	for_each_attr(a, start, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)
		if ((a->nla_type & NLA_TYPE_MASK) == FLOWSESS_A_SESSION)
			for_each_attr(sa, (char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN)
				peers += (sa->nla_type & NLA_TYPE_MASK) == FLOWSESS_SA_TCP_ORIG ||
					 (sa->nla_type & NLA_TYPE_MASK) == FLOWSESS_SA_TCP_REPLY;
	h->tcp += peers == 2;
}

static int watch(const char *ns, int seconds)
{
	struct timespec end, now;
	struct heard h = { 0 };
	struct family f;
	struct nlmsghdr *nlh;
	struct pollfd p;
	ssize_t n;
	int fd;

	enter(ns);
	fd = open_family(&f);
	if (!f.sync_group || setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					&f.sync_group, sizeof(f.sync_group)))
		die("the sync group");
	/* Ready: the test may start its traffic. */
	printf("listening\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv");
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n))
			heard_one(nlh, &h);
	}
	printf("new=%u update=%u del=%u tcp=%u\n", h.new, h.update, h.del, h.tcp);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "copy"))
		return copy(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "watch"))
		return watch(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: sessync copy FROM TO | watch NS SECONDS\n");
	return 2;
}

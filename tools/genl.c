// SPDX-License-Identifier: GPL-2.0
/* Talking to the flowsess generic-netlink family with libmnl. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "tool.h"

/*
 * mnl_cb_run2() hands every callback the same data pointer: the control
 * callbacks need the socket state, the reply callback the caller's data.
 */
struct fs_reply_ctx {
	struct fs_genl *g;
	fs_reply_cb cb;
	void *data;
};

/* A dump that lost consistency says so on a message: fail with EINTR. */
static int dump_intr(const struct nlmsghdr *nlh)
{
	if (!(nlh->nlmsg_flags & NLM_F_DUMP_INTR))
		return 0;
	errno = EINTR;
	return 1;
}

static int fs_reply_dispatch(const struct nlmsghdr *nlh, void *data)
{
	struct fs_reply_ctx *ctx = data;

	if (dump_intr(nlh))
		return MNL_CB_ERROR;
	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/* The range of the attribute an error blames, from its policy. */
static void policy_parse(const struct nlattr *nest, struct fs_genl *g)
{
	const struct nlattr *attr;
	bool min = false, max = false;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			continue;
		if (mnl_attr_get_type(attr) == NL_POLICY_TYPE_ATTR_MIN_VALUE_U) {
			g->extack_min = mnl_attr_get_u64(attr);
			min = true;
		} else if (mnl_attr_get_type(attr) == NL_POLICY_TYPE_ATTR_MAX_VALUE_U) {
			g->extack_max = mnl_attr_get_u64(attr);
			max = true;
		}
	}
	g->extack_range = min && max;
}

/* The kernel's message for an error, from the TLVs at @off, if any. */
static void extack_parse(const struct nlmsghdr *nlh, unsigned int off,
			 struct fs_genl *g)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(g->extack, sizeof(g->extack), "%s",
				 mnl_attr_get_str(attr));
		else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS &&
			 mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			g->extack_offset = mnl_attr_get_u32(attr);
		else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_POLICY)
			policy_parse(attr, g);
	}
}

/* The end of a dump, which carries the error of a dump that failed. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fs_genl *g = ((struct fs_reply_ctx *)data)->g;
	int err;

	if (dump_intr(nlh))
		return MNL_CB_ERROR;
	g->answered = true;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(err)))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	errno = -err;
	extack_parse(nlh, sizeof(err), g);
	return MNL_CB_ERROR;
}

/* CTRL_ATTR_MCAST_GROUPS: the ids of the "events" and "sync" groups. */
static void mcast_groups_parse(const struct nlattr *groups, struct fs_genl *g)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, groups) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, FLOWSESS_MCGRP_EVENTS))
			g->events_group = id;
		else if (name && !strcmp(name, FLOWSESS_MCGRP_SYNC))
			g->sync_group = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fs_genl *g = data;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			g->family_id = mnl_attr_get_u16(attr);
		else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS)
			mcast_groups_parse(attr, g);
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *genl_msg(struct fs_genl *g, char *buf, uint16_t type,
				 uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++g->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *fs_genl_msg(struct fs_genl *g, char *buf, uint8_t cmd,
			     uint16_t flags)
{
	return genl_msg(g, buf, g->family_id, cmd, FLOWSESS_GENL_VERSION, flags);
}

/* NLMSG_ERROR: the error code, and the kernel's extack message if any. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct fs_genl *g = ((struct fs_reply_ctx *)data)->g;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	g->answered = true;	/* an ACK, or the error: the request's last word */
	if (!err->error)
		return MNL_CB_STOP;
	errno = -err->error;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	extack_parse(nlh, off, g);
	return MNL_CB_ERROR;
}

int fs_genl_talk(struct fs_genl *g, struct nlmsghdr *nlh, fs_reply_cb cb,
		 void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	char buf[32768];
	unsigned int seq = nlh->nlmsg_seq;
	struct fs_reply_ctx ctx = { .g = g, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	g->extack[0] = 0;
	g->answered = false;
	g->extack_offset = 0;
	g->extack_range = false;
	if (!g->nl)
		return -ENOTCONN;	/* closed, and could not be opened again */
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(g->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(buf, n, seq, g->portid, fs_reply_dispatch, &ctx,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

int fs_genl_open(struct fs_genl *g)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1;

	memset(g, 0, sizeof(*g));
	g->seq = time(NULL);
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl)
		return -errno;
	/* Ask for the kernel's extended ACK text on errors. */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	g->portid = mnl_socket_get_portid(g->nl);

	nlh = genl_msg(g, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLOWSESS_GENL_NAME);
	if (fs_genl_talk(g, nlh, family_cb, g) < 0)
		goto err;
	if (!g->family_id) {
		errno = ENOENT;
		goto err;
	}
	return 0;
err:
	{
		int err = -errno;

		mnl_socket_close(g->nl);
		g->nl = NULL;
		return err;
	}
}

static int join_group(struct fs_genl *g, uint32_t group)
{
	if (!group)
		return -ENOENT;
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

/* Receive the namespace's session events on this socket. */
int fs_genl_join_events(struct fs_genl *g)
{
	return join_group(g, g->events_group);
}

/* ... or its state sync messages (-ENOENT: a module without them). */
int fs_genl_join_sync(struct fs_genl *g)
{
	return join_group(g, g->sync_group);
}

void fs_genl_close(struct fs_genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	g->nl = NULL;
}

/* Open the family, or say plainly why not. */
int fs_genl_open_or_explain(struct fs_genl *g)
{
	int err = fs_genl_open(g);

	if (err == -ENOENT)
		fprintf(stderr, "flowsess: the flowsess kernel module is not loaded (as root: modprobe flowsess)\n");
	else if (err)
		fprintf(stderr, "flowsess: netlink: %s\n", strerror(-err));
	return err;
}

/* Report a failed request with the kernel's own words when it gave some. */
void fs_genl_explain(const struct fs_genl *g, const char *what, int err)
{
	if (err == -EPERM)
		fprintf(stderr, "flowsess: %s: %s (needs CAP_NET_ADMIN)\n", what,
			strerror(-err));
	else if (g->extack[0])
		fprintf(stderr, "flowsess: %s: %s: %s\n", what, strerror(-err),
			g->extack);
	else
		fprintf(stderr, "flowsess: %s: %s\n", what, strerror(-err));
}

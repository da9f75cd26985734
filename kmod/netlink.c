// SPDX-License-Identifier: GPL-2.0
/*
 * The flowsess generic-netlink family. Requests act on the network namespace
 * of the requesting socket (netnsok); the wire format is uapi/flowsess.h.
 */
#include <net/genetlink.h>

#include "internal.h"

static struct genl_family flowsess_genl_family;

static int flowsess_put_stats(struct sk_buff *skb, const struct flowsess_net *fn)
{
	u64 sum[__FLOWSESS_STAT_MAX];
	struct nlattr *nest;
	int i;

	flowsess_stats_read(fn, sum);
	nest = nla_nest_start(skb, FLOWSESS_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = FLOWSESS_STAT_PAD + 1; i < __FLOWSESS_STAT_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, sum[i], FLOWSESS_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int flowsess_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct flowsess_net *fn = flowsess_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &flowsess_genl_family, 0,
				FLOWSESS_CMD_GET_STATS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = flowsess_put_stats(msg, fn);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_small_ops flowsess_genl_ops[] = {
	{
		.cmd	= FLOWSESS_CMD_GET_STATS,
		.doit	= flowsess_nl_get_stats,
	},
};

static struct genl_family flowsess_genl_family __ro_after_init = {
	.name		= FLOWSESS_GENL_NAME,
	.version	= FLOWSESS_GENL_VERSION,
	.maxattr	= FLOWSESS_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= flowsess_genl_ops,
	.n_small_ops	= ARRAY_SIZE(flowsess_genl_ops),
};

int __init flowsess_genl_init(void)
{
	return genl_register_family(&flowsess_genl_family);
}

void flowsess_genl_exit(void)
{
	genl_unregister_family(&flowsess_genl_family);
}

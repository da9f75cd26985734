// SPDX-License-Identifier: GPL-2.0
/*
 * The flowsess generic-netlink family. Requests act on the network namespace
 * of the requesting socket (netnsok); the wire format is uapi/flowsess.h.
 * Operations run under genl_mutex (no parallel_ops), so configuration
 * writers are serialised; the packet path reads the knobs with READ_ONCE().
 */
#include <net/genetlink.h>

#include "internal.h"

static struct genl_family flowsess_genl_family;

/* Not const: 6.1's nla_policy points at a mutable range. */
static struct netlink_range_validation flowsess_grace_range = {
	.min = 0, .max = FLOWSESS_RST_GRACE_MS_MAX,
};

static struct netlink_range_validation flowsess_timeout_range = {
	.min = 1, .max = FLOWSESS_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation flowsess_max_sessions_range = {
	.min = 1, .max = FLOWSESS_MAX_SESSIONS_MAX,
};

static const struct nla_policy flowsess_config_policy[FLOWSESS_CFG_MAX + 1] = {
	[FLOWSESS_CFG_RST_INVALIDATE_SESSION] = NLA_POLICY_MAX(NLA_U8, 1),
	[FLOWSESS_CFG_RST_GRACE_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_grace_range),
	[FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_timeout_range),
	[FLOWSESS_CFG_TCP_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_timeout_range),
	[FLOWSESS_CFG_UDP_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_timeout_range),
	[FLOWSESS_CFG_ICMP_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_timeout_range),
	[FLOWSESS_CFG_OTHER_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_timeout_range),
	[FLOWSESS_CFG_MAX_SESSIONS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowsess_max_sessions_range),
};

static const struct nla_policy flowsess_set_config_policy[FLOWSESS_A_MAX + 1] = {
	[FLOWSESS_A_CONFIG] = NLA_POLICY_NESTED(flowsess_config_policy),
};

static int flowsess_put_stats(struct sk_buff *skb, struct flowsess_net *fn)
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

static int flowsess_put_config(struct sk_buff *skb, struct flowsess_net *fn)
{
	const struct flowsess_config *cfg = &fn->cfg;
	struct nlattr *nest;

	nest = nla_nest_start(skb, FLOWSESS_A_CONFIG);
	if (!nest ||
	    nla_put_u8(skb, FLOWSESS_CFG_RST_INVALIDATE_SESSION,
		       READ_ONCE(cfg->rst_invalidate_session)) ||
	    nla_put_u32(skb, FLOWSESS_CFG_RST_GRACE_MS, READ_ONCE(cfg->rst_grace_ms)) ||
	    nla_put_u32(skb, FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS,
			READ_ONCE(cfg->tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT])) ||
	    nla_put_u32(skb, FLOWSESS_CFG_TCP_TIMEOUT_MS,
			READ_ONCE(cfg->tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED])) ||
	    nla_put_u32(skb, FLOWSESS_CFG_UDP_TIMEOUT_MS, READ_ONCE(cfg->udp_timeout_ms)) ||
	    nla_put_u32(skb, FLOWSESS_CFG_ICMP_TIMEOUT_MS, READ_ONCE(cfg->icmp_timeout_ms)) ||
	    nla_put_u32(skb, FLOWSESS_CFG_OTHER_TIMEOUT_MS, READ_ONCE(cfg->other_timeout_ms)) ||
	    nla_put_u32(skb, FLOWSESS_CFG_MAX_SESSIONS, READ_ONCE(fn->table.max_sessions))) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A reply to @info carrying what @put writes. */
static int flowsess_nl_reply(struct genl_info *info,
			     int (*put)(struct sk_buff *skb, struct flowsess_net *fn))
{
	struct flowsess_net *fn = flowsess_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &flowsess_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = put(msg, fn);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int flowsess_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	return flowsess_nl_reply(info, flowsess_put_stats);
}

static int flowsess_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return flowsess_nl_reply(info, flowsess_put_config);
}

/* The policy has checked every type and range: nothing below can fail. */
static int flowsess_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct flowsess_net *fn = flowsess_pernet(genl_info_net(info));
	struct nlattr *tb[FLOWSESS_CFG_MAX + 1];
	struct flowsess_config *cfg = &fn->cfg;
	struct nlattr *a;
	int err, i, n = 0;

	if (!info->attrs[FLOWSESS_A_CONFIG]) {
		NL_SET_ERR_MSG(info->extack, "FLOWSESS_A_CONFIG is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FLOWSESS_CFG_MAX, info->attrs[FLOWSESS_A_CONFIG],
			       flowsess_config_policy, info->extack);
	if (err)
		return err;
	for (i = 1; i <= FLOWSESS_CFG_MAX; i++)
		n += !!tb[i];
	if (!n) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[FLOWSESS_A_CONFIG],
				    "no knob to set");
		return -EINVAL;
	}

	a = tb[FLOWSESS_CFG_RST_INVALIDATE_SESSION];
	if (a)
		WRITE_ONCE(cfg->rst_invalidate_session, nla_get_u8(a));
	a = tb[FLOWSESS_CFG_RST_GRACE_MS];
	if (a)
		WRITE_ONCE(cfg->rst_grace_ms, nla_get_u32(a));
	a = tb[FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS];
	if (a) {
		WRITE_ONCE(cfg->tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT], nla_get_u32(a));
		WRITE_ONCE(cfg->tcp_timeout_ms[FLOWSESS_TCP_SYN_RECV], nla_get_u32(a));
	}
	a = tb[FLOWSESS_CFG_TCP_TIMEOUT_MS];
	if (a)
		WRITE_ONCE(cfg->tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED], nla_get_u32(a));
	a = tb[FLOWSESS_CFG_UDP_TIMEOUT_MS];
	if (a)
		WRITE_ONCE(cfg->udp_timeout_ms, nla_get_u32(a));
	a = tb[FLOWSESS_CFG_ICMP_TIMEOUT_MS];
	if (a)
		WRITE_ONCE(cfg->icmp_timeout_ms, nla_get_u32(a));
	a = tb[FLOWSESS_CFG_OTHER_TIMEOUT_MS];
	if (a)
		WRITE_ONCE(cfg->other_timeout_ms, nla_get_u32(a));
	a = tb[FLOWSESS_CFG_MAX_SESSIONS];
	if (a)
		WRITE_ONCE(fn->table.max_sessions, nla_get_u32(a));
	return 0;
}

static const struct genl_ops flowsess_genl_ops[] = {
	{
		.cmd	= FLOWSESS_CMD_GET_STATS,
		.doit	= flowsess_nl_get_stats,
	},
	{
		.cmd	= FLOWSESS_CMD_GET_CONFIG,
		.doit	= flowsess_nl_get_config,
	},
	{
		.cmd	= FLOWSESS_CMD_SET_CONFIG,
		.doit	= flowsess_nl_set_config,
		.policy	= flowsess_set_config_policy,
		.maxattr = FLOWSESS_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family flowsess_genl_family __ro_after_init = {
	.name		= FLOWSESS_GENL_NAME,
	.version	= FLOWSESS_GENL_VERSION,
	.maxattr	= FLOWSESS_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= flowsess_genl_ops,
	.n_ops		= ARRAY_SIZE(flowsess_genl_ops),
};

int __init flowsess_genl_init(void)
{
	return genl_register_family(&flowsess_genl_family);
}

void flowsess_genl_exit(void)
{
	genl_unregister_family(&flowsess_genl_family);
}

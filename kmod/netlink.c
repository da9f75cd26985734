// SPDX-License-Identifier: GPL-2.0
/*
 * The flowsess generic-netlink family. Requests act on the network namespace
 * of the requesting socket (netnsok); the wire format is uapi/flowsess.h.
 * Operations run under genl_mutex (no parallel_ops), so configuration
 * writers are serialised; the packet path reads the knobs with READ_ONCE().
 *
 * Events: netlink is a listener of the core's session events (events.c),
 * registered only while the family is: its multicast group id is released,
 * and may be reused, when it is unregistered. Messages are built in the
 * namespace's event work, never on the packet path or in the collector.
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "internal.h"

static struct genl_family flowsess_genl_family;

enum flowsess_mcgrp_id {
	FLOWSESS_MCGRP_EVENTS_ID,
	FLOWSESS_MCGRP_SYNC_ID,
};

static const struct genl_multicast_group flowsess_mcgrps[] = {
	[FLOWSESS_MCGRP_EVENTS_ID] = {
		.name	= FLOWSESS_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
	[FLOWSESS_MCGRP_SYNC_ID] = {
		.name	= FLOWSESS_MCGRP_SYNC,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* Not const: 6.1's nla_policy points at a mutable range. */
static struct netlink_range_validation flowsess_grace_range = {
	.min = 0, .max = FLOWSESS_RST_GRACE_MS_MAX,
};

static struct netlink_range_validation flowsess_timeout_range = {
	.min = 1, .max = FLOWSESS_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation flowsess_initial_timeout_range = {
	.min = FLOWSESS_TCP_INITIAL_TIMEOUT_MS_MIN,
	.max = FLOWSESS_TCP_INITIAL_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation flowsess_time_wait_timeout_range = {
	.min = FLOWSESS_TIME_WAIT_TIMEOUT_MS_MIN,
	.max = FLOWSESS_TIME_WAIT_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation flowsess_early_ageout_range = {
	.min = FLOWSESS_EARLY_AGEOUT_MS_MIN, .max = FLOWSESS_EARLY_AGEOUT_MS_MAX,
};

static struct netlink_range_validation flowsess_max_sessions_range = {
	.min = 1, .max = FLOWSESS_MAX_SESSIONS_MAX,
};

static struct netlink_range_validation flowsess_pickup_period_range = {
	.min = 0, .max = FLOWSESS_PICKUP_PERIOD_MS_MAX,
};

#define FLOWSESS_POLICY_BOOL		NLA_POLICY_MAX(NLA_U8, 1)
#define FLOWSESS_POLICY_U32(range)	NLA_POLICY_FULL_RANGE(NLA_U32, range)

static const struct nla_policy flowsess_config_policy[FLOWSESS_CFG_MAX + 1] = {
	[FLOWSESS_CFG_RST_INVALIDATE_SESSION]	= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_RST_GRACE_MS]		= FLOWSESS_POLICY_U32(&flowsess_grace_range),
	[FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS] =
		FLOWSESS_POLICY_U32(&flowsess_initial_timeout_range),
	[FLOWSESS_CFG_TCP_TIMEOUT_MS]		= FLOWSESS_POLICY_U32(&flowsess_timeout_range),
	[FLOWSESS_CFG_UDP_TIMEOUT_MS]		= FLOWSESS_POLICY_U32(&flowsess_timeout_range),
	[FLOWSESS_CFG_ICMP_TIMEOUT_MS]		= FLOWSESS_POLICY_U32(&flowsess_timeout_range),
	[FLOWSESS_CFG_OTHER_TIMEOUT_MS]		= FLOWSESS_POLICY_U32(&flowsess_timeout_range),
	[FLOWSESS_CFG_MAX_SESSIONS] =
		FLOWSESS_POLICY_U32(&flowsess_max_sessions_range),
	[FLOWSESS_CFG_NO_SYN_CHECK]		= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_STRICT_SYN_CHECK]		= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_NO_SEQUENCE_CHECK]	= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_RST_SEQUENCE_CHECK]	= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_FIN_INVALIDATE_SESSION]	= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_TIME_WAIT_STATE] =
		NLA_POLICY_MAX(NLA_U8, __FLOWSESS_TIME_WAIT_MAX - 1),
	[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] =
		FLOWSESS_POLICY_U32(&flowsess_time_wait_timeout_range),
	[FLOWSESS_CFG_SYN_REOPEN]		= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_EARLY_AGEOUT_MS] =
		FLOWSESS_POLICY_U32(&flowsess_early_ageout_range),
	[FLOWSESS_CFG_HIGH_WATERMARK]		= NLA_POLICY_MAX(NLA_U8, 100),
	[FLOWSESS_CFG_LOW_WATERMARK]		= NLA_POLICY_MAX(NLA_U8, 100),
	[FLOWSESS_CFG_ACCOUNTING]		= FLOWSESS_POLICY_BOOL,
	[FLOWSESS_CFG_PICKUP_PERIOD_MS] =
		FLOWSESS_POLICY_U32(&flowsess_pickup_period_range),
};

/*
 * Where each knob lives in struct flowsess_config: a u8 (or bool) when the
 * policy says NLA_U8, else a u32. tcp-initial-timeout is the timeout of
 * both handshake states.
 */
#define CFG_AT(field)	offsetof(struct flowsess_config, field)

static const struct flowsess_knob {
	u16 offset;
	u16 also;			/* a second copy, or 0 */
} flowsess_knobs[FLOWSESS_CFG_MAX + 1] = {
	[FLOWSESS_CFG_RST_INVALIDATE_SESSION]	= { CFG_AT(rst_invalidate_session) },
	[FLOWSESS_CFG_RST_GRACE_MS]		= { CFG_AT(timeouts.rst_grace_ms) },
	[FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS]	= {
		CFG_AT(timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT]),
		CFG_AT(timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_RECV]),
	},
	[FLOWSESS_CFG_TCP_TIMEOUT_MS] = {
		CFG_AT(timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED]),
	},
	[FLOWSESS_CFG_UDP_TIMEOUT_MS]		= { CFG_AT(timeouts.udp_timeout_ms) },
	[FLOWSESS_CFG_ICMP_TIMEOUT_MS]		= { CFG_AT(timeouts.icmp_timeout_ms) },
	[FLOWSESS_CFG_OTHER_TIMEOUT_MS]		= { CFG_AT(timeouts.other_timeout_ms) },
	[FLOWSESS_CFG_MAX_SESSIONS]		= { CFG_AT(max_sessions) },
	[FLOWSESS_CFG_NO_SYN_CHECK]		= { CFG_AT(no_syn_check) },
	[FLOWSESS_CFG_STRICT_SYN_CHECK]		= { CFG_AT(strict_syn_check) },
	[FLOWSESS_CFG_NO_SEQUENCE_CHECK]	= { CFG_AT(no_sequence_check) },
	[FLOWSESS_CFG_RST_SEQUENCE_CHECK]	= { CFG_AT(rst_sequence_check) },
	[FLOWSESS_CFG_FIN_INVALIDATE_SESSION]	= { CFG_AT(fin_invalidate_session) },
	[FLOWSESS_CFG_TIME_WAIT_STATE]		= { CFG_AT(timeouts.time_wait_state) },
	[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS]	= { CFG_AT(timeouts.time_wait_timeout_ms) },
	[FLOWSESS_CFG_SYN_REOPEN]		= { CFG_AT(syn_reopen) },
	[FLOWSESS_CFG_EARLY_AGEOUT_MS]		= { CFG_AT(early_ageout_ms) },
	[FLOWSESS_CFG_HIGH_WATERMARK]		= { CFG_AT(high_watermark) },
	[FLOWSESS_CFG_LOW_WATERMARK]		= { CFG_AT(low_watermark) },
	[FLOWSESS_CFG_ACCOUNTING]		= { CFG_AT(accounting) },
	[FLOWSESS_CFG_PICKUP_PERIOD_MS]		= { CFG_AT(pickup_period_ms) },
};

static bool flowsess_knob_is_u8(int attr)
{
	return flowsess_config_policy[attr].type == NLA_U8;
}

static u32 flowsess_knob_get(const struct flowsess_config *cfg, int attr)
{
	const void *p = (const void *)cfg + flowsess_knobs[attr].offset;

	return flowsess_knob_is_u8(attr) ? READ_ONCE(*(const u8 *)p) :
					   READ_ONCE(*(const u32 *)p);
}

/*
 * Write a knob: the timeouts into @timeouts, which the caller then sets
 * all at once (flowsess_config_set_timeouts()), the others into @cfg.
 */
static void flowsess_knob_set(struct flowsess_config *cfg,
			      struct flowsess_timeouts *timeouts, int attr, u32 val)
{
	const struct flowsess_knob *k = &flowsess_knobs[attr];
	void *base = cfg;
	void *p;

	if (k->offset >= CFG_AT(timeouts) &&
	    k->offset < CFG_AT(timeouts) + sizeof(*timeouts))
		base = (void *)timeouts - CFG_AT(timeouts);
	p = base + k->offset;
	BUILD_BUG_ON(sizeof(bool) != sizeof(u8));
	if (flowsess_knob_is_u8(attr)) {
		WRITE_ONCE(*(u8 *)p, val);
		return;
	}
	WRITE_ONCE(*(u32 *)p, val);
	if (k->also)
		WRITE_ONCE(*(u32 *)(base + k->also), val);
}

static const struct nla_policy flowsess_set_config_policy[FLOWSESS_A_MAX + 1] = {
	[FLOWSESS_A_CONFIG] = NLA_POLICY_NESTED(flowsess_config_policy),
};

static int flowsess_nl_validate_addr(const struct nlattr *attr,
				     struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == sizeof(struct in_addr) ||
	    nla_len(attr) == sizeof(struct in6_addr))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "an address is 4 or 16 bytes");
	return -EINVAL;
}

/*
 * The policy checks each attribute; flowsess_nl_parse_filter() checks how
 * they go together. No validation function on an integer attribute: 6.1
 * warns when it writes such a policy into an extack (nla_get_range_unsigned),
 * so the family's exact values are checked when parsing.
 */
static const struct nla_policy flowsess_filter_policy[FLOWSESS_FILTER_MAX + 1] = {
	[FLOWSESS_FILTER_FAMILY]	= NLA_POLICY_RANGE(NLA_U8, AF_INET, AF_INET6),
	[FLOWSESS_FILTER_PROTO]		= { .type = NLA_U8 },
	[FLOWSESS_FILTER_SRC] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, flowsess_nl_validate_addr),
	[FLOWSESS_FILTER_SRC_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[FLOWSESS_FILTER_DST] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, flowsess_nl_validate_addr),
	[FLOWSESS_FILTER_DST_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[FLOWSESS_FILTER_SPORT]		= { .type = NLA_BE16 },
	[FLOWSESS_FILTER_DPORT]		= { .type = NLA_BE16 },
	[FLOWSESS_FILTER_STATE]	= NLA_POLICY_MAX(NLA_U8, __FLOWSESS_TCP_MAX - 1),
	[FLOWSESS_FILTER_ID]		= { .type = NLA_U32 },
	[FLOWSESS_FILTER_ADDR] =
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, flowsess_nl_validate_addr),
	[FLOWSESS_FILTER_ADDR_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[FLOWSESS_FILTER_PORT]		= { .type = NLA_BE16 },
	[FLOWSESS_FILTER_IIF]		= { .type = NLA_U32 },
	[FLOWSESS_FILTER_OIF]		= { .type = NLA_U32 },
	[FLOWSESS_FILTER_REPLIED]	= NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy flowsess_filter_request_policy[FLOWSESS_A_MAX + 1] = {
	[FLOWSESS_A_FILTER] = NLA_POLICY_NESTED(flowsess_filter_policy),
};

static const struct nla_policy flowsess_clear_policy[FLOWSESS_A_MAX + 1] = {
	[FLOWSESS_A_FILTER] = NLA_POLICY_NESTED(flowsess_filter_policy),
	[FLOWSESS_A_NO_PICKUP] = { .type = NLA_FLAG },
};

/* The largest window TCP can advertise: 65535 << 14 (RFC 7323). */
static struct netlink_range_validation flowsess_tcp_window_range = {
	.min = 0, .max = 65535U << TCP_MAX_WSCALE,
};

static const struct nla_policy flowsess_tcp_peer_policy[FLOWSESS_TCP_PEER_MAX + 1] = {
	[FLOWSESS_TCP_PEER_END]		= { .type = NLA_U32 },
	[FLOWSESS_TCP_PEER_MAXEND]	= { .type = NLA_U32 },
	[FLOWSESS_TCP_PEER_MAXWIN]	= FLOWSESS_POLICY_U32(&flowsess_tcp_window_range),
	[FLOWSESS_TCP_PEER_SCALE]	= NLA_POLICY_MAX(NLA_U8, TCP_MAX_WSCALE),
	[FLOWSESS_TCP_PEER_FLAGS] =
		NLA_POLICY_MASK(NLA_U8, FLOWSESS_TCP_PEER_F_WSCALE | FLOWSESS_TCP_PEER_F_LOOSE),
};

/*
 * A session to import: what a dump or a sync event exports, so that a sync
 * daemon can pass it on as it came. What only describes the session here
 * (its id, interfaces, age, counters, whether it was imported) is taken and
 * ignored. A session with a reason is one that ended: its end is imported
 * (with FLOWSESS_SA_IF_COPY, the end of a copy only).
 */
static const struct nla_policy flowsess_import_policy[FLOWSESS_SA_MAX + 1] = {
	[FLOWSESS_SA_FAMILY]		= { .type = NLA_U8 },
	[FLOWSESS_SA_PROTO]		= { .type = NLA_U8 },
	[FLOWSESS_SA_SRC]		= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[FLOWSESS_SA_DST]		= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[FLOWSESS_SA_SPORT]		= { .type = NLA_BE16 },
	[FLOWSESS_SA_DPORT]		= { .type = NLA_BE16 },
	[FLOWSESS_SA_STATE]		= NLA_POLICY_MAX(NLA_U8, __FLOWSESS_TCP_MAX - 1),
	[FLOWSESS_SA_EXPIRES_MS]	= NLA_POLICY_MIN(NLA_U32, 1),
	[FLOWSESS_SA_REASON]		= NLA_POLICY_RANGE(NLA_U8, FLOWSESS_REASON_IDLE,
							   __FLOWSESS_REASON_MAX - 1),
	[FLOWSESS_SA_LIVE_KILL]		= { .type = NLA_FLAG },
	[FLOWSESS_SA_ID]		= { .type = NLA_U32 },
	[FLOWSESS_SA_IIF]		= { .type = NLA_U32 },
	[FLOWSESS_SA_OIF]		= { .type = NLA_U32 },
	[FLOWSESS_SA_AGE_S]		= { .type = NLA_U32 },
	[FLOWSESS_SA_IDLE_MS]		= { .type = NLA_U32 },
	[FLOWSESS_SA_PAD]		= { .type = NLA_BINARY },
	[FLOWSESS_SA_PACKETS_ORIG]	= { .type = NLA_U64 },
	[FLOWSESS_SA_BYTES_ORIG]	= { .type = NLA_U64 },
	[FLOWSESS_SA_PACKETS_REPLY]	= { .type = NLA_U64 },
	[FLOWSESS_SA_BYTES_REPLY]	= { .type = NLA_U64 },
	[FLOWSESS_SA_REPLIED]		= { .type = NLA_FLAG },
	[FLOWSESS_SA_ESTABLISHED]	= { .type = NLA_FLAG },
	[FLOWSESS_SA_TRAFFIC_AFTER_RST]	= { .type = NLA_FLAG },
	[FLOWSESS_SA_TCP_ORIG]		= NLA_POLICY_NESTED(flowsess_tcp_peer_policy),
	[FLOWSESS_SA_TCP_REPLY]		= NLA_POLICY_NESTED(flowsess_tcp_peer_policy),
	[FLOWSESS_SA_IMPORTED]		= { .type = NLA_FLAG },
	[FLOWSESS_SA_IF_COPY]		= { .type = NLA_FLAG },
};

static const struct nla_policy flowsess_import_request_policy[FLOWSESS_A_MAX + 1] = {
	[FLOWSESS_A_SESSION] = NLA_POLICY_NESTED(flowsess_import_policy),
};

/* Requests that take no attribute: any attribute is an error. */
static const struct nla_policy flowsess_empty_policy[FLOWSESS_A_MAX + 1] = {};

static int flowsess_put_stats(struct sk_buff *skb, const void *data)
{
	const struct flowsess_net *fn = data;
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

static int flowsess_put_config(struct sk_buff *skb, const void *data)
{
	const struct flowsess_net *fn = data;
	struct nlattr *nest;
	int attr, err = 0;

	nest = nla_nest_start(skb, FLOWSESS_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (attr = FLOWSESS_CFG_UNSPEC + 1; attr <= FLOWSESS_CFG_MAX && !err; attr++) {
		u32 val = flowsess_knob_get(&fn->cfg, attr);

		err = flowsess_knob_is_u8(attr) ? nla_put_u8(skb, attr, val) :
						  nla_put_u32(skb, attr, val);
	}
	if (err) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int flowsess_put_count(struct sk_buff *skb, const void *data)
{
	const unsigned int *count = data;

	return nla_put_u32(skb, FLOWSESS_A_COUNT, *count) ? -EMSGSIZE : 0;
}

/* The original tuple; addresses are 4 or 16 bytes by family. */
static int flowsess_put_tuple(struct sk_buff *skb, const struct flowsess_tuple *t)
{
	int alen = t->l3num == NFPROTO_IPV4 ? sizeof(struct in_addr) :
					      sizeof(struct in6_addr);

	if (nla_put_u8(skb, FLOWSESS_SA_FAMILY, t->l3num) ||
	    nla_put_u8(skb, FLOWSESS_SA_PROTO, t->protonum) ||
	    nla_put(skb, FLOWSESS_SA_SRC, alen, &t->src) ||
	    nla_put(skb, FLOWSESS_SA_DST, alen, &t->dst) ||
	    nla_put_be16(skb, FLOWSESS_SA_SPORT, t->sport) ||
	    nla_put_be16(skb, FLOWSESS_SA_DPORT, t->dport))
		return -EMSGSIZE;
	return 0;
}

/* Who a session is, where it came and went, how old, and what it carried. */
static int flowsess_put_detail(struct sk_buff *skb,
			       const struct flowsess_session_info *info)
{
	int dir;

	if (nla_put_u32(skb, FLOWSESS_SA_ID, info->id) ||
	    nla_put_u32(skb, FLOWSESS_SA_IIF, info->iif) ||
	    nla_put_u32(skb, FLOWSESS_SA_OIF, info->oif) ||
	    nla_put_u32(skb, FLOWSESS_SA_AGE_S, info->age_s) ||
	    nla_put_u32(skb, FLOWSESS_SA_IDLE_MS, info->idle_ms))
		return -EMSGSIZE;
	if (!info->has_acct)
		return 0;
	for (dir = FLOWSESS_DIR_ORIGINAL; dir < FLOWSESS_DIR_MAX; dir++) {
		if (nla_put_u64_64bit(skb, dir ? FLOWSESS_SA_PACKETS_REPLY :
						 FLOWSESS_SA_PACKETS_ORIG,
				      info->packets[dir], FLOWSESS_SA_PAD) ||
		    nla_put_u64_64bit(skb, dir ? FLOWSESS_SA_BYTES_REPLY :
						 FLOWSESS_SA_BYTES_ORIG,
				      info->bytes[dir], FLOWSESS_SA_PAD))
			return -EMSGSIZE;
	}
	return 0;
}

static int flowsess_put_tcp_peer(struct sk_buff *skb, int attr,
				 const struct flowsess_tcp_peer *p)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest || nla_put_u32(skb, FLOWSESS_TCP_PEER_END, p->end) ||
	    nla_put_u32(skb, FLOWSESS_TCP_PEER_MAXEND, p->maxend) ||
	    nla_put_u32(skb, FLOWSESS_TCP_PEER_MAXWIN, p->maxwin) ||
	    nla_put_u8(skb, FLOWSESS_TCP_PEER_SCALE, p->scale) ||
	    nla_put_u8(skb, FLOWSESS_TCP_PEER_FLAGS, p->flags))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* What a copy of the session on another router needs (IMPORT_SESSION). */
static int flowsess_put_sync(struct sk_buff *skb,
			     const struct flowsess_session_info *info)
{
	if (!info->has_sync)
		return 0;
	if ((info->established && nla_put_flag(skb, FLOWSESS_SA_ESTABLISHED)) ||
	    (info->traffic_after_rst && nla_put_flag(skb, FLOWSESS_SA_TRAFFIC_AFTER_RST)))
		return -EMSGSIZE;
	if (info->tuple.protonum != IPPROTO_TCP)
		return 0;
	return flowsess_put_tcp_peer(skb, FLOWSESS_SA_TCP_ORIG,
				     &info->peer[FLOWSESS_DIR_ORIGINAL]) ?:
	       flowsess_put_tcp_peer(skb, FLOWSESS_SA_TCP_REPLY,
				     &info->peer[FLOWSESS_DIR_REPLY]);
}

/*
 * FLOWSESS_A_SESSION: a live session (@reason NONE), or one just
 * invalidated.
 */
static int flowsess_put_session(struct sk_buff *skb,
				const struct flowsess_session_info *info,
				enum flowsess_reason reason, bool live_kill)
{
	struct nlattr *nest = nla_nest_start(skb, FLOWSESS_A_SESSION);

	if (!nest)
		return -EMSGSIZE;
	if (flowsess_put_tuple(skb, &info->tuple) ||
	    nla_put_u8(skb, FLOWSESS_SA_STATE, info->tcp_state) ||
	    (info->replied && nla_put_flag(skb, FLOWSESS_SA_REPLIED)) ||
	    (info->imported && nla_put_flag(skb, FLOWSESS_SA_IMPORTED)) ||
	    flowsess_put_detail(skb, info) || flowsess_put_sync(skb, info))
		goto err;
	if (reason == FLOWSESS_REASON_NONE) {
		if (nla_put_u32(skb, FLOWSESS_SA_EXPIRES_MS, info->expires_ms))
			goto err;
	} else if (nla_put_u8(skb, FLOWSESS_SA_REASON, reason) ||
		   (live_kill && nla_put_flag(skb, FLOWSESS_SA_LIVE_KILL))) {
		goto err;
	}
	nla_nest_end(skb, nest);
	return 0;

err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static size_t flowsess_session_msg_size(void)
{
	return nla_total_size(0) +			/* FLOWSESS_A_SESSION */
	       2 * nla_total_size(sizeof(u8)) +		/* family, proto */
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       2 * nla_total_size(sizeof(__be16)) +
	       nla_total_size(sizeof(u8)) +		/* state */
	       nla_total_size(sizeof(u32)) +		/* expires */
	       nla_total_size(sizeof(u8)) +		/* reason */
	       3 * nla_total_size(0) +			/* live kill, replied, imported */
	       5 * nla_total_size(sizeof(u32)) +	/* id .. idle */
	       4 * nla_total_size_64bit(sizeof(u64)) +	/* accounting */
	       2 * nla_total_size(0) +			/* established, traffic */
	       2 * (nla_total_size(0) +			/* TCP_ORIG, TCP_REPLY */
		    3 * nla_total_size(sizeof(u32)) +
		    2 * nla_total_size(sizeof(u8)));
}

/* A reply to @info carrying what @put writes from @data. */
static int flowsess_nl_reply(struct genl_info *info,
			     int (*put)(struct sk_buff *skb, const void *data),
			     const void *data)
{
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
	err = put(msg, data);
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
	return flowsess_nl_reply(info, flowsess_put_stats,
				 flowsess_pernet(genl_info_net(info)));
}

static int flowsess_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return flowsess_nl_reply(info, flowsess_put_config,
				 flowsess_pernet(genl_info_net(info)));
}

/* A knob's value after the request: the new one, or the current one. */
static u32 flowsess_knob_after(const struct flowsess_config *cfg,
			       struct nlattr **tb, int attr)
{
	if (!tb[attr])
		return flowsess_knob_get(cfg, attr);
	return flowsess_knob_is_u8(attr) ? nla_get_u8(tb[attr]) :
					   nla_get_u32(tb[attr]);
}

/*
 * The policy has checked each knob; here, how they go together, on the
 * configuration the request would leave. Blames the attribute given.
 */
static int flowsess_config_check(const struct net *net,
				 const struct flowsess_config *cfg,
				 struct nlattr **tb, struct netlink_ext_ack *extack)
{
	if (tb[FLOWSESS_CFG_MAX_SESSIONS] && !net_eq(net, &init_net) &&
	    nla_get_u32(tb[FLOWSESS_CFG_MAX_SESSIONS]) > flowsess_netns_max_sessions()) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_CFG_MAX_SESSIONS],
				    "max-sessions is above what the initial namespace allows others (module parameter netns_max_sessions)");
		return -ERANGE;
	}
	if (flowsess_knob_after(cfg, tb, FLOWSESS_CFG_NO_SYN_CHECK) &&
	    flowsess_knob_after(cfg, tb, FLOWSESS_CFG_STRICT_SYN_CHECK)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_CFG_STRICT_SYN_CHECK] ?:
				    tb[FLOWSESS_CFG_NO_SYN_CHECK],
				    "no-syn-check and strict-syn-check exclude each other");
		return -EINVAL;
	}
	if (flowsess_knob_after(cfg, tb, FLOWSESS_CFG_LOW_WATERMARK) >
	    flowsess_knob_after(cfg, tb, FLOWSESS_CFG_HIGH_WATERMARK)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_CFG_LOW_WATERMARK] ?:
				    tb[FLOWSESS_CFG_HIGH_WATERMARK],
				    "low-watermark is above high-watermark");
		return -EINVAL;
	}
	return 0;
}

/* All or nothing: every check comes before the first write. */
static int flowsess_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct flowsess_net *fn = flowsess_pernet(genl_info_net(info));
	struct nlattr *tb[FLOWSESS_CFG_MAX + 1];
	struct flowsess_config *cfg = &fn->cfg;
	struct flowsess_timeouts timeouts = cfg->timeouts;
	int err, attr, n = 0;

	if (!info->attrs[FLOWSESS_A_CONFIG]) {
		NL_SET_ERR_MSG(info->extack, "FLOWSESS_A_CONFIG is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FLOWSESS_CFG_MAX, info->attrs[FLOWSESS_A_CONFIG],
			       flowsess_config_policy, info->extack);
	if (err)
		return err;
	for (attr = 1; attr <= FLOWSESS_CFG_MAX; attr++)
		n += !!tb[attr];
	if (!n) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[FLOWSESS_A_CONFIG],
				    "no knob to set");
		return -EINVAL;
	}
	err = flowsess_config_check(genl_info_net(info), cfg, tb, info->extack);
	if (err)
		return err;
	if (tb[FLOWSESS_CFG_PICKUP_PERIOD_MS])
		flowsess_pickup_period_changing(fn);
	for (attr = 1; attr <= FLOWSESS_CFG_MAX; attr++) {
		if (tb[attr])
			flowsess_knob_set(cfg, &timeouts, attr,
					  flowsess_knob_after(cfg, tb, attr));
	}
	flowsess_config_set_timeouts(fn, &timeouts);
	return 0;
}

/* A prefix: the address, masked, and its mask. */
static int flowsess_nl_parse_prefix(const struct nlattr *addr,
				    const struct nlattr *plen,
				    struct flowsess_filter *f,
				    union nf_inet_addr *want,
				    union nf_inet_addr *mask,
				    struct netlink_ext_ack *extack)
{
	unsigned int i, len, bits;
	u8 l3num;

	if (!addr) {
		if (!plen)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, plen, "a prefix length needs an address");
		return -EINVAL;
	}
	len = nla_len(addr);
	l3num = len == sizeof(struct in_addr) ? NFPROTO_IPV4 : NFPROTO_IPV6;
	if (f->l3num && f->l3num != l3num) {
		NL_SET_ERR_MSG_ATTR(extack, addr, "address family mismatch");
		return -EINVAL;
	}
	f->l3num = l3num;
	bits = plen ? nla_get_u8(plen) : len * BITS_PER_BYTE;
	if (bits > len * BITS_PER_BYTE) {
		NL_SET_ERR_MSG_ATTR(extack, plen, "prefix length longer than the address");
		return -EINVAL;
	}
	memset(want, 0, sizeof(*want));
	memcpy(want, nla_data(addr), len);
	for (i = 0; i < ARRAY_SIZE(mask->ip6); i++, bits -= min(bits, 32U)) {
		u32 word = bits >= 32 ? ~0U : bits ? ~0U << (32 - bits) : 0;

		mask->ip6[i] = htonl(word);
		want->ip6[i] &= mask->ip6[i];
	}
	return 0;
}

/* FLOWSESS_A_FILTER (optional) into @f, which the caller zeroed. */
static int flowsess_nl_parse_filter(const struct nlattr *nest,
				    struct flowsess_filter *f,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWSESS_FILTER_MAX + 1];
	struct nlattr *a;
	int err;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, FLOWSESS_FILTER_MAX, nest,
			       flowsess_filter_policy, extack);
	if (err)
		return err;

	/* NFPROTO_IPV4 and NFPROTO_IPV6 are AF_INET and AF_INET6. */
	a = tb[FLOWSESS_FILTER_FAMILY];
	if (a) {
		if (nla_get_u8(a) != AF_INET && nla_get_u8(a) != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, a, "family is AF_INET or AF_INET6");
			return -EINVAL;
		}
		f->l3num = nla_get_u8(a);
	}
	err = flowsess_nl_parse_prefix(tb[FLOWSESS_FILTER_SRC],
				       tb[FLOWSESS_FILTER_SRC_PREFIXLEN], f,
				       &f->src, &f->src_mask, extack) ?:
	      flowsess_nl_parse_prefix(tb[FLOWSESS_FILTER_DST],
				       tb[FLOWSESS_FILTER_DST_PREFIXLEN], f,
				       &f->dst, &f->dst_mask, extack) ?:
	      flowsess_nl_parse_prefix(tb[FLOWSESS_FILTER_ADDR],
				       tb[FLOWSESS_FILTER_ADDR_PREFIXLEN], f,
				       &f->addr, &f->addr_mask, extack);
	if (err)
		return err;

	a = tb[FLOWSESS_FILTER_PROTO];
	f->has_proto = !!a;
	if (a)
		f->protonum = nla_get_u8(a);
	a = tb[FLOWSESS_FILTER_SPORT];
	f->has_sport = !!a;
	if (a)
		f->sport = nla_get_be16(a);
	a = tb[FLOWSESS_FILTER_DPORT];
	f->has_dport = !!a;
	if (a)
		f->dport = nla_get_be16(a);
	a = tb[FLOWSESS_FILTER_STATE];
	f->has_state = !!a;
	if (a)
		f->tcp_state = nla_get_u8(a);
	a = tb[FLOWSESS_FILTER_PORT];
	f->has_port = !!a;
	if (a)
		f->port = nla_get_be16(a);
	a = tb[FLOWSESS_FILTER_ID];
	f->has_id = !!a;
	if (a)
		f->id = nla_get_u32(a);
	if (tb[FLOWSESS_FILTER_IIF])
		f->iif = nla_get_u32(tb[FLOWSESS_FILTER_IIF]);
	if (tb[FLOWSESS_FILTER_OIF])
		f->oif = nla_get_u32(tb[FLOWSESS_FILTER_OIF]);
	a = tb[FLOWSESS_FILTER_REPLIED];
	f->has_replied = !!a;
	if (a)
		f->replied = nla_get_u8(a);
	return 0;
}

/* A session dump's state, over netlink_callback::ctx. */
struct flowsess_dump {
	struct flowsess_filter *filter;
	struct flowsess_walk walk;
};

struct flowsess_dump_batch {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct flowsess_net *fn;
	ktime_t now;
};

/*
 * NLM_F_DUMP_INTR: once the table was resized under the dump, every
 * message from then on is flagged, and the NLMSG_DONE too (the standard
 * way: cb->seq then differs from the 1 it started with).
 */
static void flowsess_dump_check(struct netlink_callback *cb)
{
	struct flowsess_dump *d = (void *)cb->ctx;

	cb->seq = d->walk.resized ? 2 : 1;
}

/*
 * Under RCU (session.c, rule 1): no sleeping, nothing but the skb. An
 * expired session is not listed: like a lookup, the dump kills it.
 */
static int flowsess_dump_emit(struct flowsess_session *s, void *arg)
{
	struct flowsess_dump_batch *batch = arg;
	struct netlink_callback *cb = batch->cb;
	struct flowsess_dump *d = (void *)cb->ctx;
	struct flowsess_session_info info;
	void *hdr;

	if (!flowsess_filter_match(d->filter, s))
		return 0;
	if (flowsess_session_expired(&batch->fn->cfg, s, batch->now)) {
		flowsess_session_expire(&batch->fn->table, s, batch->now);
		return 0;
	}
	/* Dead meanwhile: not listed, as if it had gone a moment sooner. */
	if (!flowsess_session_export(&batch->fn->cfg, s, &info))
		return 0;
	flowsess_dump_check(cb);
	hdr = genlmsg_put(batch->skb, NETLINK_CB(cb->skb).portid,
			  cb->nlh->nlmsg_seq, &flowsess_genl_family,
			  NLM_F_MULTI | (d->walk.resized ? NLM_F_DUMP_INTR : 0),
			  FLOWSESS_CMD_GET_SESSIONS);
	if (!hdr)
		return -EMSGSIZE;
	if (flowsess_put_session(batch->skb, &info, FLOWSESS_REASON_NONE, false)) {
		genlmsg_cancel(batch->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(batch->skb, hdr);
	return 0;
}

/*
 * The filter is parsed at the first batch, not in a .start callback: in
 * 6.1 only dumpit calls have an extack, and errors about how attributes go
 * together deserve one. The error then ends the dump in its NLMSG_DONE.
 */
static int flowsess_dump_init(struct netlink_callback *cb,
			      struct flowsess_dump *d)
{
	int err;

	d->filter = kzalloc(sizeof(*d->filter), GFP_KERNEL);
	if (!d->filter)
		return -ENOMEM;
	/* A resize before the first message must flag the dump too. */
	cb->seq = 1;
	cb->prev_seq = 1;
	err = flowsess_nl_parse_filter(flowsess_dumpit_attrs(cb)[FLOWSESS_A_FILTER],
				       d->filter, cb->extack);
	if (err) {
		kfree(d->filter);
		d->filter = NULL;
	}
	return err;
}

static int flowsess_nl_dump_done(struct netlink_callback *cb)
{
	struct flowsess_dump *d = (void *)cb->ctx;

	kfree(d->filter);
	return 0;
}

/*
 * One batch of a session dump. A bucket goes whole into one batch: if it
 * does not fit after other buckets, it is taken back and opens the next
 * batch (a bucket holds a few sessions: the hash keeps chains short). The
 * walk resumes at a bucket, so a dump lists each session once, unless the
 * table was resized meanwhile: then the dump is flagged NLM_F_DUMP_INTR.
 */
static int flowsess_nl_dump_sessions(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct flowsess_net *fn = flowsess_pernet(sock_net(skb->sk));
	struct flowsess_dump_batch batch = { .skb = skb, .cb = cb, .fn = fn };
	struct flowsess_dump *d = (void *)cb->ctx;
	struct flowsess_table *t = &fn->table;
	int err;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	if (!d->filter) {
		err = flowsess_dump_init(cb, d);
		if (err)
			return err;
	}
	for (;;) {
		unsigned char *mark = skb_tail_pointer(skb);
		unsigned int before = skb->len;

		batch.now = ktime_get_coarse();
		rcu_read_lock();
		err = flowsess_table_walk_bucket(t, &d->walk, flowsess_dump_emit,
						 &batch);
		rcu_read_unlock();
		flowsess_dump_check(cb);
		if (err) {
			if (!before)
				return err;	/* a bucket too big for a message */
			nlmsg_trim(skb, mark);
			return skb->len;
		}
		if (++d->walk.bucket >= d->walk.size)
			return skb->len;
		cond_resched();
	}
}

static int flowsess_nl_clear_sessions(struct sk_buff *skb, struct genl_info *info)
{
	struct flowsess_net *fn = flowsess_pernet(genl_info_net(info));
	bool pickup = !nla_get_flag(info->attrs[FLOWSESS_A_NO_PICKUP]);
	struct flowsess_filter filter = {};
	unsigned int count;
	ktime_t before;
	int err;

	err = flowsess_nl_parse_filter(info->attrs[FLOWSESS_A_FILTER], &filter,
				       info->extack);
	if (err)
		return err;
	/*
	 * Before the clear: a connection it cuts is picked up at its next
	 * segment. nopickup cuts them, and so ends a period already open.
	 */
	before = pickup ? flowsess_pickup_open(fn) : flowsess_pickup_close(fn);
	count = flowsess_table_clear(&fn->table, &filter);
	/* Nothing cleared, nothing to pick up: the period is as it was. */
	if (!count && pickup)
		flowsess_pickup_restore(fn, before);
	return flowsess_nl_reply(info, flowsess_put_count, &count);
}

/* @tb's TCP_ORIG or TCP_REPLY into @p; zero if absent. */
static int flowsess_nl_parse_tcp_peer(const struct nlattr *nest,
				      struct flowsess_tcp_peer *p,
				      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWSESS_TCP_PEER_MAX + 1];
	int err;

	memset(p, 0, sizeof(*p));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, FLOWSESS_TCP_PEER_MAX, nest,
			       flowsess_tcp_peer_policy, extack);
	if (err)
		return err;
	if (tb[FLOWSESS_TCP_PEER_END])
		p->end = nla_get_u32(tb[FLOWSESS_TCP_PEER_END]);
	if (tb[FLOWSESS_TCP_PEER_MAXEND])
		p->maxend = nla_get_u32(tb[FLOWSESS_TCP_PEER_MAXEND]);
	if (tb[FLOWSESS_TCP_PEER_MAXWIN])
		p->maxwin = nla_get_u32(tb[FLOWSESS_TCP_PEER_MAXWIN]);
	if (tb[FLOWSESS_TCP_PEER_SCALE])
		p->scale = nla_get_u8(tb[FLOWSESS_TCP_PEER_SCALE]);
	if (tb[FLOWSESS_TCP_PEER_FLAGS])
		p->flags = nla_get_u8(tb[FLOWSESS_TCP_PEER_FLAGS]);
	return 0;
}

/* Does @proto have ports on the packet path (hooks.c)? ICMP's are its echo id. */
static bool flowsess_nl_has_ports(u8 family, u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return true;
	case IPPROTO_ICMP:
		return family == AF_INET;
	case IPPROTO_ICMPV6:
		return family == AF_INET6;
	}
	return false;
}

/*
 * The session of an IMPORT_SESSION request into @imp: only a session the
 * packet path could have made, whole. Blames the attribute at fault.
 */
static int flowsess_nl_parse_import(const struct nlattr *nest,
				    struct flowsess_session_import *imp,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWSESS_SA_MAX + 1];
	struct flowsess_tuple *t = &imp->tuple;
	bool is_tcp, has_state;
	int err, alen, a;
	u8 family;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "FLOWSESS_A_SESSION is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FLOWSESS_SA_MAX, nest, flowsess_import_policy, extack);
	if (err)
		return err;
	if (tb[FLOWSESS_SA_REASON] && tb[FLOWSESS_SA_EXPIRES_MS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_EXPIRES_MS],
				    "a session that ended (reason) has no expiry");
		return -EINVAL;
	}
	for (a = FLOWSESS_SA_FAMILY; a <= FLOWSESS_SA_EXPIRES_MS; a++) {
		if (!tb[a] && a != FLOWSESS_SA_SPORT && a != FLOWSESS_SA_DPORT &&
		    a != FLOWSESS_SA_STATE &&
		    !(a == FLOWSESS_SA_EXPIRES_MS && tb[FLOWSESS_SA_REASON])) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "a session needs its family, protocol, addresses and expiry or reason");
			return -EINVAL;
		}
	}
	memset(imp, 0, sizeof(*imp));
	family = nla_get_u8(tb[FLOWSESS_SA_FAMILY]);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_FAMILY],
				    "family is AF_INET or AF_INET6");
		return -EINVAL;
	}
	alen = family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
	for (a = FLOWSESS_SA_SRC; a <= FLOWSESS_SA_DST; a++) {
		if (nla_len(tb[a]) != alen) {
			NL_SET_ERR_MSG_ATTR(extack, tb[a],
					    "address length does not match the family");
			return -EINVAL;
		}
	}
	/* NFPROTO_IPV4 and NFPROTO_IPV6 are AF_INET and AF_INET6. */
	t->l3num = family;
	t->protonum = nla_get_u8(tb[FLOWSESS_SA_PROTO]);
	nla_memcpy(&t->src, tb[FLOWSESS_SA_SRC], alen);
	nla_memcpy(&t->dst, tb[FLOWSESS_SA_DST], alen);
	if (flowsess_nl_has_ports(family, t->protonum)) {
		if (!tb[FLOWSESS_SA_SPORT] || !tb[FLOWSESS_SA_DPORT]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "this protocol's session needs its ports");
			return -EINVAL;
		}
		t->sport = nla_get_be16(tb[FLOWSESS_SA_SPORT]);
		t->dport = nla_get_be16(tb[FLOWSESS_SA_DPORT]);
		if (t->protonum != IPPROTO_TCP && t->protonum != IPPROTO_UDP &&
		    t->protonum != IPPROTO_UDPLITE && t->sport != t->dport) {
			NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_DPORT],
					    "an echo session has its identifier in both ports");
			return -EINVAL;
		}
	} else if ((tb[FLOWSESS_SA_SPORT] && nla_get_be16(tb[FLOWSESS_SA_SPORT])) ||
		   (tb[FLOWSESS_SA_DPORT] && nla_get_be16(tb[FLOWSESS_SA_DPORT]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_SPORT] ?: tb[FLOWSESS_SA_DPORT],
				    "this protocol's session has no ports");
		return -EINVAL;
	}
	/* An end names its session by the tuple; the rest is as it ended. */
	imp->end = tb[FLOWSESS_SA_REASON];
	imp->end_copy_only = nla_get_flag(tb[FLOWSESS_SA_IF_COPY]);
	if (imp->end)
		return 0;
	if (imp->end_copy_only) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_IF_COPY],
				    "only an end (reason) is of a copy only");
		return -EINVAL;
	}

	imp->tcp_state = tb[FLOWSESS_SA_STATE] ? nla_get_u8(tb[FLOWSESS_SA_STATE]) :
						FLOWSESS_TCP_NONE;
	is_tcp = t->protonum == IPPROTO_TCP;
	has_state = imp->tcp_state != FLOWSESS_TCP_NONE;
	if (is_tcp != has_state) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_STATE] ?: nest,
				    "a TCP session needs a TCP state, and only a TCP session has one");
		return -EINVAL;
	}
	if (!is_tcp &&
	    (tb[FLOWSESS_SA_TCP_ORIG] || tb[FLOWSESS_SA_TCP_REPLY] ||
	     tb[FLOWSESS_SA_TRAFFIC_AFTER_RST])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_TCP_ORIG] ?: tb[FLOWSESS_SA_TCP_REPLY] ?:
				    tb[FLOWSESS_SA_TRAFFIC_AFTER_RST],
				    "only a TCP session has sequence tracking");
		return -EINVAL;
	}
	err = flowsess_nl_parse_tcp_peer(tb[FLOWSESS_SA_TCP_ORIG],
					 &imp->peer[FLOWSESS_DIR_ORIGINAL], extack) ?:
	      flowsess_nl_parse_tcp_peer(tb[FLOWSESS_SA_TCP_REPLY],
					 &imp->peer[FLOWSESS_DIR_REPLY], extack);
	if (err)
		return err;
	imp->expires_ms = nla_get_u32(tb[FLOWSESS_SA_EXPIRES_MS]);
	imp->replied = nla_get_flag(tb[FLOWSESS_SA_REPLIED]);
	imp->established = nla_get_flag(tb[FLOWSESS_SA_ESTABLISHED]);
	imp->traffic_after_rst = nla_get_flag(tb[FLOWSESS_SA_TRAFFIC_AFTER_RST]);
	/*
	 * Kept together as the packet path keeps them (hooks.c), whatever a
	 * dump read of them one after the other: an established session was
	 * replied to, and any but TCP is established by its reply.
	 */
	imp->replied |= imp->established;
	if (!is_tcp)
		imp->established = imp->replied;
	/* As the packet path leaves them (tcp.c): only ESTABLISHED counts, */
	if (is_tcp && imp->established && imp->tcp_state != FLOWSESS_TCP_ESTABLISHED) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_ESTABLISHED],
				    "only an ESTABLISHED TCP session counts as established");
		return -EINVAL;
	}
	/* and only a RST's grace (CLOSE) has traffic after the RST. */
	if (imp->traffic_after_rst && imp->tcp_state != FLOWSESS_TCP_CLOSE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWSESS_SA_TRAFFIC_AFTER_RST],
				    "only a session in CLOSE has traffic after its RST");
		return -EINVAL;
	}
	return 0;
}

static int flowsess_nl_import_session(struct sk_buff *skb, struct genl_info *info)
{
	struct flowsess_net *fn = flowsess_pernet(genl_info_net(info));
	struct flowsess_session_import imp;
	int err;

	err = flowsess_nl_parse_import(info->attrs[FLOWSESS_A_SESSION], &imp, info->extack);
	if (err)
		return err;
	err = flowsess_session_import(&fn->table, &imp);
	switch (err) {
	case -EEXIST:
		NL_SET_ERR_MSG(info->extack, "a session has this tuple the other way round");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG(info->extack, "the table is full (max-sessions)");
		break;
	case -EAGAIN:
		NL_SET_ERR_MSG(info->extack, "packets made and ended the session meanwhile");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG(info->extack, "no live session has this original tuple");
		break;
	}
	return err;
}

/*
 * The core's listener (events.c): tell the namespace's "events" group that
 * a session was created (SESSION_NEW) or ended (SESSION_DEL, with its
 * reason); and its "sync" group that, and every TCP state change and
 * sequence progress (SESSION_UPDATE), for a copy of the table on another
 * router. A reader too slow for the messages loses them (ENOBUFS), and is
 * told.
 */
static bool flowsess_nl_group_wants(const struct flowsess_net *fn,
				    enum flowsess_event type, unsigned int group)
{
	if (group == FLOWSESS_MCGRP_EVENTS_ID &&
	    type != FLOWSESS_EVENT_NEW && type != FLOWSESS_EVENT_DEL)
		return false;
	return genl_has_listeners(&flowsess_genl_family, fn->net, group);
}

static bool flowsess_nl_wants(const struct flowsess_net *fn,
			      enum flowsess_event type)
{
	/* KUnit's tables belong to no namespace: nobody to tell. */
	return fn->net &&
	       (flowsess_nl_group_wants(fn, type, FLOWSESS_MCGRP_EVENTS_ID) ||
		flowsess_nl_group_wants(fn, type, FLOWSESS_MCGRP_SYNC_ID));
}

static void flowsess_nl_event_to(struct flowsess_net *fn,
				 const struct flowsess_event_msg *ev,
				 unsigned int group)
{
	struct sk_buff *msg;
	u8 cmd;
	void *hdr;

	if (!flowsess_nl_group_wants(fn, ev->type, group))
		return;
	switch (ev->type) {
	case FLOWSESS_EVENT_NEW:
		cmd = FLOWSESS_CMD_SESSION_NEW;
		break;
	case FLOWSESS_EVENT_DEL:
		cmd = FLOWSESS_CMD_SESSION_DEL;
		break;
	default:
		cmd = FLOWSESS_CMD_SESSION_UPDATE;
	}
	msg = genlmsg_new(flowsess_session_msg_size(), GFP_KERNEL);
	if (!msg)
		goto lost;
	hdr = genlmsg_put(msg, 0, 0, &flowsess_genl_family, 0, cmd);
	if (!hdr || flowsess_put_session(msg, &ev->info, ev->reason, ev->live_kill)) {
		nlmsg_free(msg);
		goto lost;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&flowsess_genl_family, fn->net, msg, 0, group,
				GFP_KERNEL);
	return;

lost:
	flowsess_stat_inc(fn, FLOWSESS_STAT_EVENTS_LOST);
}

static void flowsess_nl_event(struct flowsess_net *fn,
			      const struct flowsess_event_msg *ev)
{
	if (!fn->net)
		return;
	flowsess_nl_event_to(fn, ev, FLOWSESS_MCGRP_EVENTS_ID);
	flowsess_nl_event_to(fn, ev, FLOWSESS_MCGRP_SYNC_ID);
}

static struct flowsess_listener flowsess_nl_listener = {
	.wants = flowsess_nl_wants,
	.event = flowsess_nl_event,
};

static const struct genl_ops flowsess_genl_ops[] = {
	{
		.cmd	= FLOWSESS_CMD_GET_STATS,
		.doit	= flowsess_nl_get_stats,
		.policy	= flowsess_empty_policy,
		.maxattr = FLOWSESS_A_MAX,
	},
	{
		.cmd	= FLOWSESS_CMD_GET_CONFIG,
		.doit	= flowsess_nl_get_config,
		.policy	= flowsess_empty_policy,
		.maxattr = FLOWSESS_A_MAX,
	},
	{
		.cmd	= FLOWSESS_CMD_SET_CONFIG,
		.doit	= flowsess_nl_set_config,
		.policy	= flowsess_set_config_policy,
		.maxattr = FLOWSESS_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= FLOWSESS_CMD_GET_SESSIONS,
		.dumpit	= flowsess_nl_dump_sessions,
		.done	= flowsess_nl_dump_done,
		.policy	= flowsess_filter_request_policy,
		.maxattr = FLOWSESS_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= FLOWSESS_CMD_CLEAR_SESSIONS,
		.doit	= flowsess_nl_clear_sessions,
		.policy	= flowsess_clear_policy,
		.maxattr = FLOWSESS_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= FLOWSESS_CMD_IMPORT_SESSION,
		.doit	= flowsess_nl_import_session,
		.policy	= flowsess_import_request_policy,
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
	.mcgrps		= flowsess_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(flowsess_mcgrps),
};

int __init flowsess_genl_init(void)
{
	int err = genl_register_family(&flowsess_genl_family);

	if (!err)
		flowsess_listener_register(&flowsess_nl_listener);
	return err;
}

/* No event may be on its way when the group id is released. */
void flowsess_genl_exit(void)
{
	flowsess_listener_unregister(&flowsess_nl_listener);
	genl_unregister_family(&flowsess_genl_family);
}

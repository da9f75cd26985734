// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks on IPv4 and IPv6 FORWARD, registered per
 * network namespace. Hooks run in softirq context under rcu_read_lock().
 *
 * Only forwarded traffic is tracked: flowsess guards what a router passes
 * between its interfaces, not the router's own sockets (LOCAL_IN/LOCAL_OUT).
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>

#include "flowsess.h"

/* After conntrack and mangle, before the filter table. */
#define FLOWSESS_HOOK_PRIORITY	(NF_IP_PRI_FILTER - 10)

static unsigned int flowsess_hook_ipv4(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	flowsess_stat_inc(flowsess_pernet(state->net), FLOWSESS_STAT_PACKETS_IPV4);
	return NF_ACCEPT;
}

static unsigned int flowsess_hook_ipv6(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	flowsess_stat_inc(flowsess_pernet(state->net), FLOWSESS_STAT_PACKETS_IPV6);
	return NF_ACCEPT;
}

static const struct nf_hook_ops flowsess_hook_ops[] = {
	{
		.hook		= flowsess_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= FLOWSESS_HOOK_PRIORITY,
	},
	{
		.hook		= flowsess_hook_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= FLOWSESS_HOOK_PRIORITY,
	},
};

int flowsess_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, flowsess_hook_ops,
				     ARRAY_SIZE(flowsess_hook_ops));
}

void flowsess_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, flowsess_hook_ops,
				ARRAY_SIZE(flowsess_hook_ops));
}

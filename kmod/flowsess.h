/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowsess: an SRX-style flow-session table for Linux routers.
 * Internal declarations shared by the files of the module.
 */
#ifndef _FLOWSESS_H
#define _FLOWSESS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/flowsess.h"

struct flowsess_pcpu_stats {
	u64_stats_t cnt[__FLOWSESS_STAT_MAX];
	struct u64_stats_sync syncp;
};

/* Per network namespace state, owned by the pernet operations in main.c. */
struct flowsess_net {
	struct net *net;
	struct flowsess_pcpu_stats __percpu *stats;
};

extern unsigned int flowsess_net_id;

static inline struct flowsess_net *flowsess_pernet(const struct net *net)
{
	return net_generic(net, flowsess_net_id);
}

/* stats.c */
int flowsess_stats_init(struct flowsess_net *fn);
void flowsess_stats_free(struct flowsess_net *fn);
void flowsess_stats_read(const struct flowsess_net *fn,
			 u64 sum[__FLOWSESS_STAT_MAX]);

/* Any context: the update runs on this CPU with preemption off. */
static inline void flowsess_stat_add(struct flowsess_net *fn,
				     enum flowsess_stat stat, u64 n)
{
	struct flowsess_pcpu_stats *s = get_cpu_ptr(fn->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->cnt[stat], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(fn->stats);
}

static inline void flowsess_stat_inc(struct flowsess_net *fn,
				     enum flowsess_stat stat)
{
	flowsess_stat_add(fn, stat, 1);
}

/* hooks.c */
int flowsess_hooks_register(struct net *net);
void flowsess_hooks_unregister(struct net *net);

/* netlink.c */
int flowsess_genl_init(void);
void flowsess_genl_exit(void);

#endif /* _FLOWSESS_H */

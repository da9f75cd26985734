/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowsess: an SRX-style flow-session table for Linux routers.
 * A namespace's state, and what the module's parts offer each other: each
 * concern's declarations are in its own header, included here.
 */
#ifndef _FLOWSESS_INTERNAL_H
#define _FLOWSESS_INTERNAL_H

#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/seqlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/flowsess.h"
#include "events.h"
#include "session.h"
#include "stats.h"
#include "table.h"
#include "tcp.h"

/*
 * The knobs that make a session's deadline (session.c, rule 6), changed
 * together by flowsess_config_set_timeouts(). Compared whole: no padding.
 */
struct flowsess_timeouts {
	u8 time_wait_state;		/* enum flowsess_time_wait */
	u8 zero[3];			/* no padding */
	u32 rst_grace_ms;
	u32 time_wait_timeout_ms;
	u32 tcp_timeout_ms[__FLOWSESS_TCP_MAX];
	u32 udp_timeout_ms;
	u32 icmp_timeout_ms;
	u32 other_timeout_ms;
};

/*
 * The knobs of one namespace (uapi: enum flowsess_config_attr). Written
 * under genl_mutex with WRITE_ONCE(), read with READ_ONCE() anywhere. The
 * timeouts are written under ->timeouts_lock, with what they were before
 * and when they changed, for the deadline's readers (rule 6).
 */
struct flowsess_config {
	bool rst_invalidate_session;
	bool no_syn_check;
	bool strict_syn_check;
	bool no_sequence_check;
	bool rst_sequence_check;
	bool fin_invalidate_session;
	bool syn_reopen;
	bool accounting;		/* new sessions count packets, bytes */
	u8 high_watermark;		/* percent of max_sessions */
	u8 low_watermark;
	u32 early_ageout_ms;
	u32 max_sessions;
	u32 pickup_period_ms;		/* tcp.c: after load, after a clear */
	struct flowsess_timeouts timeouts;
	seqlock_t timeouts_lock;
	/* The last change, on both clocks of the deadlines; 0: never. */
	ktime_t timeouts_changed;
	ktime_t timeouts_changed_coarse;
	struct flowsess_timeouts timeouts_before;
};

/* Per network namespace state, owned by the pernet operations in main.c. */
struct flowsess_net {
	struct net *net;
	struct flowsess_pcpu_stats __percpu *stats;
	struct flowsess_pcpu_gauges __percpu *gauges;
	struct proc_dir_entry *proc_stat;	/* /proc/net/stat/flowsess */
	struct flowsess_config cfg;
	struct flowsess_table table;
	struct flowsess_event_queue events;
	/* tcp.c: when the pickup period opened, coarse clock; 0: closed */
	atomic64_t pickup_opened;
	/* Who pays for the sessions (main.c); a reference, or NULL. */
	struct mem_cgroup *memcg;
};

extern unsigned int flowsess_net_id;

static inline struct flowsess_net *flowsess_pernet(const struct net *net)
{
	return net_generic(net, flowsess_net_id);
}

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

/* A gauge of sessions by protocol and state, up or down (stats.h). */
static inline void flowsess_gauge_add(struct flowsess_net *fn,
				      enum flowsess_stat gauge, int n)
{
	this_cpu_add(fn->gauges->n[gauge - FLOWSESS_GAUGE_FIRST], n);
}

static inline struct flowsess_net *flowsess_table_net(struct flowsess_table *t)
{
	return container_of(t, struct flowsess_net, table);
}

/* main.c: the defaults for new namespaces, from the module parameters. */
void flowsess_config_defaults(struct flowsess_config *cfg);
u32 flowsess_max_sessions_allowed(const struct flowsess_net *fn);
u32 flowsess_netns_max_sessions(void);
u32 flowsess_event_queue_limit(void);
/* session.c: new timeouts for every session (rule 6). Sleeps. */
void flowsess_config_set_timeouts(struct flowsess_net *fn,
				  const struct flowsess_timeouts *next);

static inline ktime_t flowsess_ms(u32 ms)
{
	return ms_to_ktime(ms);
}

/* hooks.c */
int flowsess_hooks_register(struct net *net);
void flowsess_hooks_unregister(struct net *net);

/* netlink.c */
int flowsess_genl_init(void);
void flowsess_genl_exit(void);

/* sysfs.c */
int flowsess_sysfs_init(void);
void flowsess_sysfs_exit(void);

/* bench.c, in the FLOWSESS_BENCH build only */
#ifdef FLOWSESS_BENCH
void flowsess_bench_init(void);
void flowsess_bench_exit(void);
#else
static inline void flowsess_bench_init(void) {}
static inline void flowsess_bench_exit(void) {}
#endif

#endif /* _FLOWSESS_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters of a namespace (stats.c). flowsess_stat_inc() and
 * flowsess_stat_add() are in internal.h, with the namespace's state.
 */
#ifndef _FLOWSESS_STATS_H
#define _FLOWSESS_STATS_H

#include <linux/u64_stats_sync.h>

#include "uapi/flowsess.h"

struct flowsess_net;

struct flowsess_pcpu_stats {
	u64_stats_t cnt[__FLOWSESS_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * The gauges of sessions by protocol and TCP state (session.c, rule 8):
 * per-CPU counts that one CPU raises and another may lower, so that only
 * their sum means something (and may be caught below zero for a moment).
 */
#define FLOWSESS_GAUGE_FIRST	FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT
#define FLOWSESS_GAUGE_LAST	FLOWSESS_STAT_SESSIONS_OTHER
#define FLOWSESS_GAUGES		(FLOWSESS_GAUGE_LAST - FLOWSESS_GAUGE_FIRST + 1)

struct flowsess_pcpu_gauges {
	long n[FLOWSESS_GAUGES];
};

/* stats.c */
int flowsess_stats_init(struct flowsess_net *fn);
void flowsess_stats_free(struct flowsess_net *fn);
void flowsess_stats_read(const struct flowsess_net *fn,
			 u64 sum[__FLOWSESS_STAT_MAX]);
#ifdef CONFIG_PROC_FS
int flowsess_stats_proc_init(struct flowsess_net *fn);
void flowsess_stats_proc_exit(struct flowsess_net *fn);
#else
static inline int flowsess_stats_proc_init(struct flowsess_net *fn) { return 0; }
static inline void flowsess_stats_proc_exit(struct flowsess_net *fn) { }
#endif

#endif /* _FLOWSESS_STATS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters of one network namespace. Writers update their own CPU's
 * copy (flowsess_stat_add); readers sum all CPUs under the u64_stats seqcount,
 * so a reader never sees a torn 64-bit value on 32-bit machines.
 * The gauges of sessions by protocol and state are per-CPU counts of
 * their own (stats.h), raised and lowered; the other gauges
 * (FLOWSESS_STAT_SESSIONS_ACTIVE, _SESSIONS_UNESTABLISHED, _MAX_SESSIONS
 * and _PICKUP_REMAINING_MS) are read from the table, the knobs and the
 * pickup period.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "internal.h"

int flowsess_stats_init(struct flowsess_net *fn)
{
	int cpu;

	fn->stats = alloc_percpu(struct flowsess_pcpu_stats);
	fn->gauges = alloc_percpu(struct flowsess_pcpu_gauges);
	if (!fn->stats || !fn->gauges) {
		flowsess_stats_free(fn);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(fn->stats, cpu)->syncp);
	return 0;
}

void flowsess_stats_free(struct flowsess_net *fn)
{
	free_percpu(fn->stats);
	fn->stats = NULL;
	free_percpu(fn->gauges);
	fn->gauges = NULL;
}

/* One CPU's share of the counters. */
static void flowsess_stats_read_cpu(const struct flowsess_net *fn, int cpu,
				    u64 v[__FLOWSESS_STAT_MAX])
{
	const struct flowsess_pcpu_stats *s = per_cpu_ptr(fn->stats, cpu);
	unsigned int start;
	int i;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		for (i = 0; i < __FLOWSESS_STAT_MAX; i++)
			v[i] = u64_stats_read(&s->cnt[i]);
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

/* The gauges, into @v: summed over the CPUs, or read from the table. */
static void flowsess_stats_read_gauges(const struct flowsess_net *fn,
				       u64 v[__FLOWSESS_STAT_MAX])
{
	int cpu, i;

	for (i = 0; i < FLOWSESS_GAUGES; i++) {
		s64 sum = 0;

		for_each_possible_cpu(cpu)
			sum += READ_ONCE(per_cpu_ptr(fn->gauges, cpu)->n[i]);
		/* A reader between a raise on one CPU and a fall on another. */
		v[FLOWSESS_GAUGE_FIRST + i] = max_t(s64, sum, 0);
	}
	v[FLOWSESS_STAT_SESSIONS_ACTIVE] = atomic_read(&fn->table.count);
	v[FLOWSESS_STAT_SESSIONS_UNESTABLISHED] = atomic_read(&fn->table.unestablished);
	v[FLOWSESS_STAT_MAX_SESSIONS] = flowsess_max_sessions_allowed(fn);
	v[FLOWSESS_STAT_PICKUP_REMAINING_MS] =
		flowsess_pickup_remaining_ms(fn, ktime_get_coarse());
}

void flowsess_stats_read(const struct flowsess_net *fn,
			 u64 sum[__FLOWSESS_STAT_MAX])
{
	u64 v[__FLOWSESS_STAT_MAX];
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __FLOWSESS_STAT_MAX);
	for_each_possible_cpu(cpu) {
		flowsess_stats_read_cpu(fn, cpu, v);
		for (i = 0; i < __FLOWSESS_STAT_MAX; i++)
			sum[i] += v[i];
	}
	flowsess_stats_read_gauges(fn, sum);
}

#ifdef CONFIG_PROC_FS
static const char *const flowsess_stat_names[__FLOWSESS_STAT_MAX] = FLOWSESS_STAT_NAMES;

/*
 * /proc/net/stat/flowsess, as /proc/net/stat/nf_conntrack is for lnstat:
 * a line of names, then one line of hexadecimal values per possible CPU,
 * each CPU's share. lnstat shows the first column as it is (from the last
 * line: the sessions in the table, the same on every line) and the others
 * as rates, summed over the lines: so the others are the counters, not the
 * gauges; and lnstat reads 32 columns at most.
 */
static const enum flowsess_stat flowsess_proc_stats[] = {
	FLOWSESS_STAT_SESSIONS_ACTIVE,
	FLOWSESS_STAT_SESSIONS_CREATED,
	FLOWSESS_STAT_SESSIONS_MIDSTREAM,
	FLOWSESS_STAT_PACKETS_IPV4,
	FLOWSESS_STAT_PACKETS_IPV6,
	FLOWSESS_STAT_INVALIDATED_IDLE,
	FLOWSESS_STAT_INVALIDATED_RST,
	FLOWSESS_STAT_INVALIDATED_RST_TIMER,
	FLOWSESS_STAT_INVALIDATED_CLOSE,
	FLOWSESS_STAT_INVALIDATED_FIN,
	FLOWSESS_STAT_INVALIDATED_FLUSH,
	FLOWSESS_STAT_INVALIDATED_REOPEN,
	FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT,
	FLOWSESS_STAT_EVICTED_UNESTABLISHED,
	FLOWSESS_STAT_EVICTED_EARLY_AGEOUT,
	FLOWSESS_STAT_DROP_NO_SESSION,
	FLOWSESS_STAT_DROP_BAD_HEADER,
	FLOWSESS_STAT_DROP_TABLE_FULL,
	FLOWSESS_STAT_DROP_NOMEM,
	FLOWSESS_STAT_DROP_TCP_STATE,
	FLOWSESS_STAT_DROP_TCP_WINDOW,
	FLOWSESS_STAT_DROP_RST_SEQUENCE,
	FLOWSESS_STAT_DROP_STRICT_SYN,
	FLOWSESS_STAT_DROP_FRAGMENT,
	FLOWSESS_STAT_DROP_ICMP_UNRELATED,
	FLOWSESS_STAT_ICMP_RELATED,
	FLOWSESS_STAT_UNTRACKED,
	FLOWSESS_STAT_SYN_REOPENS,
	FLOWSESS_STAT_RST_TIMER_LIVE_KILLS,
	FLOWSESS_STAT_EVENTS_LOST,
	FLOWSESS_STAT_SESSIONS_IMPORTED,
	FLOWSESS_STAT_INVALIDATED_SYNC,
};

static int flowsess_proc_stat_show(struct seq_file *seq, void *v)
{
	const struct flowsess_net *fn = flowsess_pernet(seq_file_single_net(seq));
	u64 val[__FLOWSESS_STAT_MAX];
	unsigned int active = atomic_read(&fn->table.count), i;
	int cpu;

	BUILD_BUG_ON(ARRAY_SIZE(flowsess_proc_stats) > 32);
	seq_puts(seq, flowsess_stat_names[flowsess_proc_stats[0]]);
	for (i = 1; i < ARRAY_SIZE(flowsess_proc_stats); i++)
		seq_printf(seq, " %s", flowsess_stat_names[flowsess_proc_stats[i]]);
	seq_putc(seq, '\n');

	for_each_possible_cpu(cpu) {
		flowsess_stats_read_cpu(fn, cpu, val);
		seq_printf(seq, "%08x", active);
		for (i = 1; i < ARRAY_SIZE(flowsess_proc_stats); i++)
			seq_printf(seq, " %08llx", val[flowsess_proc_stats[i]]);
		seq_putc(seq, '\n');
	}
	return 0;
}

/* Its lifetime: created by the namespace's init, removed at teardown. */
int flowsess_stats_proc_init(struct flowsess_net *fn)
{
	fn->proc_stat = proc_create_net_single("flowsess", 0444, fn->net->proc_net_stat,
					       flowsess_proc_stat_show, NULL);
	return fn->proc_stat ? 0 : -ENOMEM;
}

void flowsess_stats_proc_exit(struct flowsess_net *fn)
{
	proc_remove(fn->proc_stat);
	fn->proc_stat = NULL;
}
#endif

#ifdef FLOWSESS_KUNIT
#include "tests/stats_test.c"
#endif

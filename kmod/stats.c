// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters of one network namespace. Writers update their own CPU's
 * copy (flowsess_stat_add); readers sum all CPUs under the u64_stats seqcount,
 * so a reader never sees a torn 64-bit value on 32-bit machines.
 * The gauges (FLOWSESS_STAT_SESSIONS_ACTIVE, _SESSIONS_UNESTABLISHED,
 * _MAX_SESSIONS and _PICKUP_REMAINING_MS) are read from the table, the
 * knobs and the pickup period instead.
 */
#include "internal.h"

int flowsess_stats_init(struct flowsess_net *fn)
{
	int cpu;

	fn->stats = alloc_percpu(struct flowsess_pcpu_stats);
	if (!fn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(fn->stats, cpu)->syncp);
	return 0;
}

void flowsess_stats_free(struct flowsess_net *fn)
{
	free_percpu(fn->stats);
	fn->stats = NULL;
}

void flowsess_stats_read(const struct flowsess_net *fn,
			 u64 sum[__FLOWSESS_STAT_MAX])
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __FLOWSESS_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct flowsess_pcpu_stats *s = per_cpu_ptr(fn->stats, cpu);
		u64 v[__FLOWSESS_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __FLOWSESS_STAT_MAX; i++)
				v[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (i = 0; i < __FLOWSESS_STAT_MAX; i++)
			sum[i] += v[i];
	}
	sum[FLOWSESS_STAT_SESSIONS_ACTIVE] = atomic_read(&fn->table.count);
	sum[FLOWSESS_STAT_SESSIONS_UNESTABLISHED] = atomic_read(&fn->table.unestablished);
	sum[FLOWSESS_STAT_MAX_SESSIONS] = flowsess_max_sessions_allowed(fn);
	sum[FLOWSESS_STAT_PICKUP_REMAINING_MS] =
		flowsess_pickup_remaining_ms(fn, ktime_get_coarse());
}

#ifdef FLOWSESS_KUNIT
#include "tests/stats_test.c"
#endif

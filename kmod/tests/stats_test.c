// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-CPU counters. Included at the end of stats.c in the test
 * build (FLOWSESS_KUNIT), so it sees the file's internals.
 */
#include <kunit/test.h>

/* A namespace's state, for its counters only: too big for the stack. */
static struct flowsess_net *flowsess_stats_test_net(struct kunit *test)
{
	struct flowsess_net *fn = kunit_kzalloc(test, sizeof(*fn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fn);
	KUNIT_ASSERT_EQ(test, flowsess_stats_init(fn), 0);
	return fn;
}

static void flowsess_test_stats_start_at_zero(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_stats_test_net(test);
	u64 sum[__FLOWSESS_STAT_MAX];
	int i;

	flowsess_stats_read(fn, sum);
	for (i = 0; i < __FLOWSESS_STAT_MAX; i++)
		KUNIT_EXPECT_EQ(test, sum[i], 0ULL);
	flowsess_stats_free(fn);
}

static void flowsess_test_stats_add(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_stats_test_net(test);
	u64 sum[__FLOWSESS_STAT_MAX];

	flowsess_stat_inc(fn, FLOWSESS_STAT_PACKETS_IPV4);
	flowsess_stat_add(fn, FLOWSESS_STAT_PACKETS_IPV6, 5);
	flowsess_stats_read(fn, sum);
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_PACKETS_IPV4], 1ULL);
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_PACKETS_IPV6], 5ULL);
	flowsess_stats_free(fn);
}

/* A reader sums every possible CPU, not only the ones online now. */
static void flowsess_test_stats_sum_all_cpus(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_stats_test_net(test);
	u64 sum[__FLOWSESS_STAT_MAX];
	u64 expected = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		u64_stats_add(&per_cpu_ptr(fn->stats, cpu)->cnt[FLOWSESS_STAT_PACKETS_IPV4],
			      cpu + 1);
		expected += cpu + 1;
	}
	flowsess_stats_read(fn, sum);
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_PACKETS_IPV4], expected);
	flowsess_stats_free(fn);
}

/*
 * A gauge of sessions is the sum of its CPUs' counts, one raised where a
 * session was created, another lowered where it ended; a reader between
 * the two may find it below zero, and reads 0.
 */
static void flowsess_test_stats_gauges(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_stats_test_net(test);
	int i = FLOWSESS_STAT_SESSIONS_UDP - FLOWSESS_GAUGE_FIRST;
	u64 sum[__FLOWSESS_STAT_MAX];
	int cpu, n = 0;

	for_each_possible_cpu(cpu) {
		per_cpu_ptr(fn->gauges, cpu)->n[i] = n ? -1 : 3;
		n++;
	}
	flowsess_stats_read(fn, sum);
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_SESSIONS_UDP], (u64)max(4 - n, 0));
	for_each_possible_cpu(cpu)
		per_cpu_ptr(fn->gauges, cpu)->n[i] = -1;
	flowsess_stats_read(fn, sum);
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_SESSIONS_UDP], 0ULL);
	flowsess_gauge_add(fn, FLOWSESS_STAT_SESSIONS_OTHER, 2);
	flowsess_stats_read(fn, sum);
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_SESSIONS_OTHER], 2ULL);
	flowsess_stats_free(fn);
}

static struct kunit_case flowsess_stats_cases[] = {
	KUNIT_CASE(flowsess_test_stats_start_at_zero),
	KUNIT_CASE(flowsess_test_stats_add),
	KUNIT_CASE(flowsess_test_stats_sum_all_cpus),
	KUNIT_CASE(flowsess_test_stats_gauges),
	{}
};

static struct kunit_suite flowsess_stats_suite = {
	.name = "flowsess_stats",
	.test_cases = flowsess_stats_cases,
};

kunit_test_suite(flowsess_stats_suite);

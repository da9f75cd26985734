// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: eviction and early ageout. Included at the end of aging.c in the
 * test build.
 */
#include <kunit/test.h>
#include <linux/delay.h>

#include "util.h"

#define HOUR ms_to_ktime(3600 * 1000)

/* A UDP session from port @sport, idle for @idle_ms, maybe established. */
static struct flowsess_session *udp(struct kunit *test, struct flowsess_net *fn,
				    u16 sport, bool est, unsigned int idle_ms)
{
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, sport, 53);
	s = flowsess_test_insert(test, fn, &t, HOUR);
	if (!s)
		return NULL;
	if (est)
		flowsess_session_set_established(s, true);
	WRITE_ONCE(s->last_seen, ktime_sub_ms(ktime_get_coarse(), idle_ms));
	return s;
}

static bool evict(struct flowsess_net *fn)
{
	bool evicted;

	rcu_read_lock();
	evicted = flowsess_evict_one(&fn->table, ktime_get_coarse());
	rcu_read_unlock();
	return evicted;
}

/* An unestablished session goes first, even before an idle established one. */
static void flowsess_test_evict_unestablished_first(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 3);
	struct flowsess_session *idle, *fresh, *est;
	unsigned int hand;

	idle = udp(test, fn, 1000, true, 60000);
	fresh = udp(test, fn, 1001, false, 0);
	est = udp(test, fn, 1002, true, 0);
	KUNIT_ASSERT_TRUE(test, idle && fresh && est);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);

	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fresh->dead));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(idle->dead));
	KUNIT_EXPECT_EQ(test, fresh->reason, FLOWSESS_REASON_EVICT);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_UNESTABLISHED), 1ULL);

	/* Then the one idle past early-ageout (20 s). */
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(idle->dead));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_EARLY_AGEOUT), 1ULL);

	/* Never an established session that is not idle that long. */
	KUNIT_EXPECT_FALSE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(est->dead));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);
	/* ... and the next attempts do not even search, for a while. */
	hand = READ_ONCE(fn->table.evict_hand);
	KUNIT_EXPECT_FALSE(test, evict(fn));
	KUNIT_EXPECT_EQ(test, READ_ONCE(fn->table.evict_hand), hand);
	KUNIT_EXPECT_TRUE(test, time_after(READ_ONCE(fn->table.evict_retry), jiffies));
	flowsess_test_net_destroy(fn);
}

/* Established sessions are candidates once idle for early-ageout. */
static void flowsess_test_evict_idle_only(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 8);
	struct flowsess_session *s[4];
	static const unsigned int idle_ms[] = { 30000, 90000, 60000, 1000 };
	int i;

	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = udp(test, fn, 2000 + i, true, idle_ms[i]);
		KUNIT_ASSERT_NOT_NULL(test, s[i]);
	}
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s[0]->dead) && READ_ONCE(s[1]->dead) &&
			  READ_ONCE(s[2]->dead));
	KUNIT_EXPECT_FALSE(test, evict(fn));	/* 1 s idle: not a candidate */
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s[3]->dead));
	fn->cfg.early_ageout_ms = 500;
	msleep(20);	/* past the backoff of the failed search */
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s[3]->dead));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_EARLY_AGEOUT), 4ULL);
	flowsess_test_net_destroy(fn);
}

/* In one bucket, the most idle of the best class goes. */
static void flowsess_test_evict_most_idle_in_bucket(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 8);
	struct flowsess_session *s[3];
	static const unsigned int idle_ms[] = { 30000, 90000, 60000 };
	int i;

	/* One bucket: every tuple lands in bucket 0 of a one-bucket table. */
	fn->table.mask = 0;
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = udp(test, fn, 2100 + i, true, idle_ms[i]);
		KUNIT_ASSERT_NOT_NULL(test, s[i]);
	}
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s[1]->dead));
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s[2]->dead));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s[0]->dead));
	flowsess_test_net_destroy(fn);
}

/* A full table: insertion fails until room is made. */
static void flowsess_test_full_then_evict(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 2);
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s;
	struct flowsess_tuple t;

	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 3000, true, 0));
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 3001, false, 0));
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 3002, 53);
	s = flowsess_session_alloc(&fn->table, &t, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->timeout = HOUR;
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, flowsess_session_insert(s, &existing), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, flowsess_evict_one(&fn->table, ktime_get_coarse()));
	KUNIT_EXPECT_EQ(test, flowsess_session_insert(s, &existing), 0);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	flowsess_test_net_destroy(fn);
}

/*
 * Early ageout: at the high watermark, idle sessions are aged out,
 * unestablished ones first, down to the low watermark.
 */
static void flowsess_test_early_ageout(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 10);
	struct flowsess_session *s[8];
	int i, dead_unest = 0, dead_est = 0;

	/* Even: established. 0-5 idle 30 s, 6-7 fresh. */
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = udp(test, fn, 4000 + i, !(i % 2), i < 6 ? 30000 : 0);
		KUNIT_ASSERT_NOT_NULL(test, s[i]);
	}
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fn->table.under_pressure));
	fn->cfg.high_watermark = 80;	/* 8 of 10 */
	fn->cfg.low_watermark = 40;	/* down to 4 */
	flowsess_aging_inserted(&fn->table);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fn->table.under_pressure));
	flush_delayed_work(&fn->table.aging_work);

	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 4);
	for (i = 0; i < 6; i++) {
		if (READ_ONCE(s[i]->dead) && i % 2)
			dead_unest++;
		else if (READ_ONCE(s[i]->dead))
			dead_est++;
	}
	KUNIT_EXPECT_EQ(test, dead_unest, 3);	/* all idle unestablished */
	KUNIT_EXPECT_EQ(test, dead_est, 1);	/* then one established */
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s[6]->dead) || READ_ONCE(s[7]->dead));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT),
			4ULL);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fn->table.under_pressure));
	flowsess_test_net_destroy(fn);
}

/* Below the high watermark nothing happens; teardown stops a pending pass. */
static void flowsess_test_early_ageout_idle_table(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 10);
	int i;

	fn->cfg.high_watermark = 50;
	fn->cfg.low_watermark = 0;
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 5000, true, 0));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fn->table.under_pressure));
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&fn->table.aging_work));
	/* Five sessions, none idle: under pressure, the work keeps looking. */
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 5001 + i, true, 0));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fn->table.under_pressure));
	flowsess_test_net_destroy(fn);	/* cancels it */
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&fn->table.aging_work));
}

static struct kunit_case flowsess_aging_cases[] = {
	KUNIT_CASE(flowsess_test_evict_unestablished_first),
	KUNIT_CASE(flowsess_test_evict_idle_only),
	KUNIT_CASE(flowsess_test_evict_most_idle_in_bucket),
	KUNIT_CASE(flowsess_test_full_then_evict),
	KUNIT_CASE(flowsess_test_early_ageout),
	KUNIT_CASE(flowsess_test_early_ageout_idle_table),
	{}
};

static struct kunit_suite flowsess_aging_suite = {
	.name = "flowsess_aging",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_aging_cases,
};

kunit_test_suite(flowsess_aging_suite);

#undef HOUR

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: eviction and early ageout. Included at the end of aging.c in the
 * test build. Sessions killed by the code under test may be freed after
 * the kill's grace period: they are looked for by tuple (alive()), or
 * looked at inside the RCU read-side section of the kill.
 */
#include <kunit/test.h>
#include <linux/delay.h>

#include "util.h"

#define HOUR_MS (3600 * 1000)

/* A namespace where nothing expires unless a test says so. */
static struct flowsess_net *aging_net(struct kunit *test, unsigned int max_sessions)
{
	struct flowsess_net *fn = flowsess_test_net(test, max_sessions);

	fn->cfg.timeouts.udp_timeout_ms = HOUR_MS;
	return fn;
}

static void udp_tuple(struct flowsess_tuple *t, u16 sport)
{
	flowsess_test_tuple4(t, IPPROTO_UDP, 1, 2, sport, 53);
}

/* A UDP session from port @sport, idle for @idle_ms, maybe established. */
static struct flowsess_session *udp(struct kunit *test, struct flowsess_net *fn,
				    u16 sport, bool est, unsigned int idle_ms)
{
	struct flowsess_session *s;
	struct flowsess_tuple t;

	udp_tuple(&t, sport);
	s = flowsess_test_insert(test, fn, &t);
	if (!s)
		return NULL;
	if (est)
		flowsess_test_set_established(fn, s, true);
	WRITE_ONCE(s->last_seen, ktime_sub_ms(ktime_get_coarse(), idle_ms));
	return s;
}

/* Is the session from port @sport still in the table? */
static bool alive(struct flowsess_net *fn, u16 sport)
{
	struct flowsess_tuple t;
	enum flowsess_dir dir;
	bool found;

	udp_tuple(&t, sport);
	rcu_read_lock();
	found = flowsess_table_lookup(&fn->table, &t, &dir);
	rcu_read_unlock();
	return found;
}

static bool evict(struct flowsess_net *fn)
{
	bool evicted;

	rcu_read_lock();
	evicted = flowsess_evict_one(&fn->table, ktime_get_coarse());
	rcu_read_unlock();
	return evicted;
}

/* A search found nothing: the next ones wait, and the wait ends. */
static bool backing_off(struct flowsess_net *fn)
{
	return time_before(jiffies, READ_ONCE(fn->table.evict_retry));
}

static void wait_backoff(struct kunit *test, struct flowsess_net *fn)
{
	unsigned long end = jiffies + msecs_to_jiffies(FLOWSESS_TEST_SLACK_MS);

	while (backing_off(fn) && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_FALSE(test, backing_off(fn));
}

/*
 * The first bucket holding @n sessions or more, with the first @n of them
 * in @out, in the order a search meets them; the table must hold still.
 * Returns the table size if there is none.
 */
static unsigned int crowded_bucket(struct flowsess_net *fn,
				   struct flowsess_session **out, unsigned int n)
{
	unsigned int bucket, size = flowsess_table_buckets(&fn->table);

	rcu_read_lock();
	for (bucket = 0; bucket < size; bucket++) {
		if (flowsess_test_bucket(fn, bucket, out, n) >= n)
			break;
	}
	rcu_read_unlock();
	return bucket;
}

/* An unestablished session goes first, even before an idle established one. */
static void flowsess_test_evict_unestablished_first(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, 3);
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1000, true, 60000));
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1001, false, 0));
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1002, true, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);

	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, 1001));
	KUNIT_EXPECT_TRUE(test, alive(fn, 1000));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_UNESTABLISHED), 1ULL);

	/* Then the one idle past early-ageout (20 s). */
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, 1000));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_EARLY_AGEOUT), 1ULL);

	/* Never an established session that is not idle that long. */
	before = jiffies;
	KUNIT_EXPECT_FALSE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, alive(fn, 1002));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);
	/* ... and the next attempts do not even search, for a while. */
	KUNIT_EXPECT_TRUE(test, time_after_eq(READ_ONCE(fn->table.evict_retry),
					      before + FLOWSESS_EVICT_BACKOFF));
	/* Evictions are counted as such, not as idle expiries. */
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 0ULL);
	flowsess_test_net_destroy(fn);
}

/* Established sessions are candidates once idle for early-ageout. */
static void flowsess_test_evict_idle_only(struct kunit *test)
{
	static const unsigned int idle_ms[] = { 30000, 90000, 60000, 1000 };
	struct flowsess_net *fn = aging_net(test, 8);
	int i;

	for (i = 0; i < ARRAY_SIZE(idle_ms); i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 2000 + i, true, idle_ms[i]));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, 2000) || alive(fn, 2001) || alive(fn, 2002));
	KUNIT_EXPECT_FALSE(test, evict(fn));	/* 1 s idle: not a candidate */
	KUNIT_EXPECT_TRUE(test, alive(fn, 2003));
	fn->cfg.early_ageout_ms = 500;
	wait_backoff(test, fn);
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, 2003));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_EARLY_AGEOUT), 4ULL);
	flowsess_test_net_destroy(fn);
}

/*
 * Sessions enough for some bucket to hold two or more (the hash is
 * random), all established and fresh: no candidate, until a test makes
 * some. The table is left holding still.
 */
#define CROWD_SESSIONS 200

static void fill_crowd(struct kunit *test, struct flowsess_net *fn)
{
	int i;

	for (i = 0; i < CROWD_SESSIONS; i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 10000 + i, true, 0));
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
}

/*
 * In the bucket where the search stops, the most idle of the best class
 * goes, wherever it is in the chain.
 */
static void flowsess_test_evict_most_idle_in_bucket(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, CROWD_SESSIONS);
	struct flowsess_session *pair[2];
	unsigned int bucket;
	u16 first, second;
	ktime_t now;

	fill_crowd(test, fn);
	bucket = crowded_bucket(fn, pair, 2);
	KUNIT_ASSERT_LT(test, bucket, flowsess_table_buckets(&fn->table));
	first = ntohs(pair[0]->tuple.sport);
	second = ntohs(pair[1]->tuple.sport);

	/* The second in the chain is the more idle. */
	now = ktime_get_coarse();
	WRITE_ONCE(pair[0]->last_seen, ktime_sub_ms(now, 30000));
	WRITE_ONCE(pair[1]->last_seen, ktime_sub_ms(now, 90000));
	WRITE_ONCE(fn->table.evict_hand, bucket);
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_TRUE(test, alive(fn, first));
	KUNIT_EXPECT_FALSE(test, alive(fn, second));
	/* The search stopped there: the hand is on the next bucket. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(fn->table.evict_hand),
			(bucket + 1) % flowsess_table_buckets(&fn->table));
	/* Then the other one, wherever the hand is. */
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, first));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), CROWD_SESSIONS - 2);
	flowsess_test_net_destroy(fn);
}

/*
 * An expired session, not collected yet, is taken before anything else:
 * its end is no eviction, but the expiry it already was (counted so). Here
 * it shares its bucket with an unestablished session, the best candidate
 * that is not expired.
 */
static void flowsess_test_evict_expired_first(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, CROWD_SESSIONS);
	struct flowsess_session *pair[2];
	unsigned int bucket;
	u16 expired, unest;

	flowsess_test_collector_hold(fn);
	fn->cfg.timeouts.udp_timeout_ms = 60000;
	fill_crowd(test, fn);
	bucket = crowded_bucket(fn, pair, 2);
	KUNIT_ASSERT_LT(test, bucket, flowsess_table_buckets(&fn->table));
	/* Whichever comes first in the chain: here the unestablished one. */
	unest = ntohs(pair[0]->tuple.sport);
	expired = ntohs(pair[1]->tuple.sport);
	flowsess_test_set_established(fn, pair[0], false);
	WRITE_ONCE(pair[1]->last_seen, ktime_sub_ms(ktime_get_coarse(), 61000));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);

	WRITE_ONCE(fn->table.evict_hand, bucket);
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, expired));
	KUNIT_EXPECT_TRUE(test, alive(fn, unest));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_UNESTABLISHED), 0ULL);

	/* Then the unestablished one, as an eviction. */
	WRITE_ONCE(fn->table.evict_hand, bucket);
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, unest));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_UNESTABLISHED), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	flowsess_test_net_destroy(fn);
}

/* A full table: no place until room is made; the new session takes it. */
static void flowsess_test_full_then_evict(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, 2);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 3000, true, 0));
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 3001, false, 0));
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_TRUE(test, evict(fn));
	KUNIT_EXPECT_FALSE(test, alive(fn, 3001));
	KUNIT_ASSERT_TRUE(test, flowsess_session_reserve(&fn->table));
	udp_tuple(&t, 3002);
	s = flowsess_session_alloc(&t, false, GFP_KERNEL);
	if (!s)
		flowsess_session_unreserve(&fn->table);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->last_seen = ktime_get_coarse();
	rcu_read_lock();
	err = flowsess_session_insert(&fn->table, s);
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	KUNIT_EXPECT_TRUE(test, alive(fn, 3002));
	flowsess_test_net_destroy(fn);
}

/*
 * A search of the whole table that finds nothing leaves the hand where it
 * started: every bucket was seen, the next one to look at is that one.
 */
static void flowsess_test_evict_hand_full_search(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, 3);
	unsigned int size, hand;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 3100 + i, true, 0));
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(&fn->table);
	for (hand = 0; hand < size; hand += size / 4 + 1) {
		wait_backoff(test, fn);
		WRITE_ONCE(fn->table.evict_hand, hand);
		KUNIT_EXPECT_FALSE(test, evict(fn));
		KUNIT_EXPECT_EQ(test, READ_ONCE(fn->table.evict_hand), hand);
	}
	flowsess_test_net_destroy(fn);
}

/* One unestablished session among more than a search looks at. */
#define UNREACHABLE_SESSIONS (FLOWSESS_EVICT_SCAN + 77)

struct flowsess_test_find {
	const struct flowsess_session *s;
	bool found;
};

static int flowsess_test_find_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_test_find *f = arg;

	f->found |= s == f->s;
	return 0;
}

/*
 * A search bounded by FLOWSESS_EVICT_SCAN, looking for an unestablished
 * session that is there but out of its reach, backs off like any other
 * fruitless search: a flood against such a table must not cost a search
 * of FLOWSESS_EVICT_SCAN sessions per packet. The search stops after the
 * bucket where it reached its bound, and the hand goes on from the next
 * one, skipping none: the next search, after the back-off, finds it.
 */
static void flowsess_test_evict_backoff_unreachable(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, UNREACHABLE_SESSIONS);
	unsigned int i, size, bucket, start, seen, stop;
	struct flowsess_test_find find = {};
	struct flowsess_session *unest;
	struct flowsess_walk w = {};
	unsigned long before;
	bool evicted;

	for (i = 0; i < UNREACHABLE_SESSIONS - 1; i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 20000 + i, true, 0));
	unest = udp(test, fn, 19999, false, 0);
	KUNIT_ASSERT_NOT_NULL(test, unest);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(&fn->table);

	/* Its bucket; a search that starts right after it meets it last. */
	find.s = unest;
	rcu_read_lock();
	for (bucket = 0; bucket < size; bucket++) {
		w.bucket = bucket;
		flowsess_table_walk_bucket(&fn->table, &w, flowsess_test_find_one, &find);
		if (find.found)
			break;
	}
	rcu_read_unlock();
	KUNIT_ASSERT_TRUE(test, find.found);
	start = (bucket + 1) % size;

	/* The bucket after the one where a search from there reaches its bound. */
	seen = 0;
	rcu_read_lock();
	for (i = 0, stop = start; i < size && seen < FLOWSESS_EVICT_SCAN;
	     i++, stop = (stop + 1) % size)
		seen += flowsess_test_bucket(fn, stop, NULL, 0);
	rcu_read_unlock();
	KUNIT_ASSERT_NE_MSG(test, stop, start, "the search would reach it");

	WRITE_ONCE(fn->table.evict_hand, start);
	before = jiffies;
	KUNIT_EXPECT_FALSE(test, evict(fn));
	KUNIT_EXPECT_EQ(test, READ_ONCE(fn->table.evict_hand), stop);
	KUNIT_EXPECT_TRUE(test, time_after_eq(READ_ONCE(fn->table.evict_retry),
					      before + FLOWSESS_EVICT_BACKOFF));
	/*
	 * No search while it backs off (a search now would find it). The
	 * back-off is short: if it ended before this check, there is nothing
	 * to check.
	 */
	evicted = evict(fn);
	if (backing_off(fn)) {
		KUNIT_EXPECT_FALSE(test, evicted);
		KUNIT_EXPECT_EQ(test, READ_ONCE(fn->table.evict_hand), stop);
		KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), UNREACHABLE_SESSIONS);
	}
	/* The next search, after the back-off, goes on from there: it finds it. */
	if (!evicted) {
		wait_backoff(test, fn);
		KUNIT_EXPECT_TRUE(test, evict(fn));
	}
	KUNIT_EXPECT_FALSE(test, alive(fn, 19999));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVICTED_UNESTABLISHED), 1ULL);
	flowsess_test_net_destroy(fn);
}

#undef UNREACHABLE_SESSIONS

/*
 * Early ageout: at the high watermark, idle sessions are aged out,
 * unestablished ones first, down to the low watermark.
 */
static void flowsess_test_early_ageout(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, 10);
	int i, dead_unest = 0, dead_est = 0;

	/* Even: established. 0-5 idle 30 s, 6-7 fresh. */
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 4000 + i, !(i % 2),
						i < 6 ? 30000 : 0));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fn->table.under_pressure));
	fn->cfg.high_watermark = 80;	/* 8 of 10 */
	fn->cfg.low_watermark = 40;	/* down to 4 */
	flowsess_aging_inserted(&fn->table);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fn->table.under_pressure));
	flush_delayed_work(&fn->table.aging_work);

	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 4);
	for (i = 0; i < 6; i++) {
		if (!alive(fn, 4000 + i) && i % 2)
			dead_unest++;
		else if (!alive(fn, 4000 + i))
			dead_est++;
	}
	KUNIT_EXPECT_EQ(test, dead_unest, 3);	/* all idle unestablished */
	KUNIT_EXPECT_EQ(test, dead_est, 1);	/* then one established */
	KUNIT_EXPECT_TRUE(test, alive(fn, 4006) && alive(fn, 4007));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT),
			4ULL);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(fn->table.under_pressure));
	flowsess_test_net_destroy(fn);
}

#define AGEOUT_UNESTABLISHED	1500
#define AGEOUT_ESTABLISHED	300

/*
 * Early ageout kills enough sessions for the hash to shrink from 8192
 * buckets to 1024, in the background, likely under it: it still takes
 * every idle unestablished session before an established one. A pass that
 * went on in the new table at the same bucket missed most of them.
 */
static void flowsess_test_early_ageout_across_resizes(struct kunit *test)
{
	const unsigned int total = AGEOUT_UNESTABLISHED + AGEOUT_ESTABLISHED;
	struct flowsess_net *fn = aging_net(test, 2000);
	unsigned int i, dead_unest = 0, dead_est = 0, size;

	for (i = 0; i < total; i++)
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 10000 + i,
						i >= AGEOUT_UNESTABLISHED, 30000));
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(&fn->table);
	KUNIT_ASSERT_EQ(test, size, 8192U);
	fn->cfg.high_watermark = 80;	/* 1600 of 2000 */
	fn->cfg.low_watermark = 15;	/* down to 300 */
	flowsess_aging_inserted(&fn->table);
	flush_delayed_work(&fn->table.aging_work);

	for (i = 0; i < total; i++) {
		if (alive(fn, 10000 + i))
			continue;
		if (i < AGEOUT_UNESTABLISHED)
			dead_unest++;
		else
			dead_est++;
	}
	KUNIT_EXPECT_EQ(test, dead_unest, AGEOUT_UNESTABLISHED);
	KUNIT_EXPECT_EQ(test, dead_est, 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), AGEOUT_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, flowsess_test_settle(fn));
	KUNIT_EXPECT_EQ(test, flowsess_table_buckets(&fn->table), 1024U);
	flowsess_test_net_destroy(fn);
}

/* Below the high watermark nothing happens; teardown stops a pending pass. */
static void flowsess_test_early_ageout_idle_table(struct kunit *test)
{
	struct flowsess_net *fn = aging_net(test, 10);
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
	KUNIT_CASE(flowsess_test_evict_expired_first),
	KUNIT_CASE(flowsess_test_full_then_evict),
	KUNIT_CASE(flowsess_test_evict_hand_full_search),
	KUNIT_CASE(flowsess_test_evict_backoff_unreachable),
	KUNIT_CASE(flowsess_test_early_ageout),
	KUNIT_CASE(flowsess_test_early_ageout_across_resizes),
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

#undef HOUR_MS
#undef CROWD_SESSIONS

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the expiry collector. Included at the end of collect.c in the
 * test build, so it can run the timer's function by hand and read its
 * plan. Tests that let the timer run wait for its work with a poll on the
 * session count and a generous timeout, never by sleeping and hoping; what
 * they check against the clock is a lower bound, exact, as an early kill
 * is a bug and a late one only a slow machine.
 */
#include <kunit/test.h>

#include "util.h"

/*
 * A deadline after the collector's first run, which comes a second after
 * the first insert into a small table: a collector that killed without
 * looking at deadlines would kill in that run, too early.
 */
#define AFTER_FIRST_RUN_MS	1500

/* The collector is neither queued nor running, and will not be. */
static bool collector_stopped(struct flowsess_table *t)
{
	return !test_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed) &&
	       !hrtimer_active(&t->collector);
}

static bool wait_collector_stopped(struct flowsess_table *t, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	while (!collector_stopped(t)) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

static struct flowsess_session *udp(struct kunit *test, struct flowsess_net *fn,
				    u16 sport)
{
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002, sport, 53);
	return flowsess_test_insert(test, fn, &t);
}

/* Idle sessions are collected without a packet, and not before their time. */
static void flowsess_test_collect_idle(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	ktime_t last = 0;
	int i;

	fn->cfg.timeouts.udp_timeout_ms = AFTER_FIRST_RUN_MS;
	for (i = 0; i < 3; i++) {
		last = ktime_get_coarse();	/* the last one's last_seen, or before */
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1000 + i));
	}
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, AFTER_FIRST_RUN_MS + 1000 +
							 FLOWSESS_TEST_SLACK_MS));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), last), AFTER_FIRST_RUN_MS);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 3ULL);
	flowsess_test_net_destroy(fn);
}

/* A shorter timeout applies to the sessions already there. */
static void flowsess_test_collect_knob_change(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_timeouts to;

	fn->cfg.timeouts.udp_timeout_ms = 3600 * 1000;
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1000));
	/* As netlink sets a knob. */
	to = fn->cfg.timeouts;
	to.udp_timeout_ms = 50;
	flowsess_config_set_timeouts(fn, &to);
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, 50 + 1000 +
							 FLOWSESS_TEST_SLACK_MS));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	flowsess_test_net_destroy(fn);
}

/* The RST grace deadline, on the precise clock, without a packet. */
static void collect_rst(struct kunit *test, bool traffic)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg rst, syn;
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t deadline;

	/* Long enough that the SYN below comes before it, however slow the VM. */
	fn->cfg.timeouts.rst_grace_ms = AFTER_FIRST_RUN_MS;
	flowsess_test_seg(&rst, "RA", 0, 1, 0, 0);	/* the answer to SYN 0 */
	flowsess_test_seg(&syn, "S", 1000, 0, 65535, 0);
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	rcu_read_lock();	/* the collector may free it from now on */
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, FLOWSESS_DIR_REPLY, &rst,
						 ktime_get_coarse()), FLOWSESS_TCP_PASS);
	deadline = s->rst_seen ? flowsess_session_deadline(&fn->cfg, s) : 0;
	if (traffic)
		KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, FLOWSESS_DIR_ORIGINAL, &syn,
							 ktime_get_coarse()), FLOWSESS_TCP_PASS);
	rcu_read_unlock();
	KUNIT_ASSERT_NE(test, deadline, 0);
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, AFTER_FIRST_RUN_MS + 1000 +
							 FLOWSESS_TEST_SLACK_MS));
	KUNIT_EXPECT_GE(test, ktime_compare(ktime_get(), deadline), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_RST_TIMER), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_RST_TIMER_LIVE_KILLS),
			traffic ? 1ULL : 0ULL);
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_collect_rst_quiet(struct kunit *test)
{
	collect_rst(test, false);
}

static void flowsess_test_collect_rst_live_kill(struct kunit *test)
{
	collect_rst(test, true);
}

/* Fewer expired sessions than this fit in one run's slice (see below). */
#define BUDGET_SESSIONS 380

/*
 * A mass expiry is spread over several runs: a run stops killing after the
 * bucket in which its budget ran out (a bucket is walked whole), asks to
 * run again FLOWSESS_COLLECT_BUSY later, and the next run goes on from the
 * next bucket. The runs are made by hand, with the timer held; the table
 * is small enough for one run to sweep all of it (BUDGET_SESSIONS
 * sessions, 760 entries, kept in the first table's 128 buckets), so that
 * only the budget stops the first run.
 */
static void flowsess_test_collect_budget(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, BUDGET_SESSIONS + 1);
	struct flowsess_table *t = &fn->table;
	unsigned int i, size, slice, bucket, expect = 0;
	struct flowsess_session *s;

	flowsess_test_collector_hold(fn);
	t->resize_held = true;
	fn->cfg.timeouts.udp_timeout_ms = 60000;
	for (i = 0; i < BUDGET_SESSIONS; i++) {
		s = udp(test, fn, 1000 + i);
		KUNIT_ASSERT_NOT_NULL(test, s);
		s->last_seen = ktime_sub_ms(s->last_seen, 3600 * 1000);
	}
	flowsess_collector_recheck(t);	/* their deadlines came closer */
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(t);
	flowsess_collect_plan(size, &slice);
	KUNIT_ASSERT_GE_MSG(test, slice, size, "%u buckets: one run no longer sweeps them", size);

	/* What the first run must kill: up to the end of the budget's bucket. */
	rcu_read_lock();
	for (bucket = 0; bucket < size && expect < FLOWSESS_COLLECT_BUDGET; bucket++)
		expect += flowsess_test_bucket(fn, bucket, NULL, 0);
	rcu_read_unlock();
	KUNIT_ASSERT_GE(test, expect, FLOWSESS_COLLECT_BUDGET);
	KUNIT_ASSERT_LT(test, expect, BUDGET_SESSIONS);

	hrtimer_set_expires(&t->collector, 0);
	KUNIT_EXPECT_EQ(test, flowsess_collector_fn(&t->collector), HRTIMER_RESTART);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), BUDGET_SESSIONS - expect);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE),
			(u64)expect);
	KUNIT_EXPECT_EQ(test, t->collect_walk.bucket, bucket);
	/* Its budget spent, it comes back soon, not after the sweep period. */
	KUNIT_EXPECT_LE(test, ktime_to_ns(ktime_sub(hrtimer_get_expires(&t->collector),
						    ktime_get())),
			(s64)FLOWSESS_COLLECT_BUSY);

	/* The second run takes the rest; the table is empty: it stops. */
	hrtimer_set_expires(&t->collector, 0);
	KUNIT_EXPECT_EQ(test, flowsess_collector_fn(&t->collector), HRTIMER_NORESTART);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE),
			(u64)BUDGET_SESSIONS);
	KUNIT_EXPECT_FALSE(test, test_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed));

	/* The next insert starts it again. */
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 999));
	KUNIT_EXPECT_TRUE(test, test_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed));
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&t->collector));
	flowsess_test_net_destroy(fn);
}

#undef BUDGET_SESSIONS

/*
 * Nothing due, nothing swept: with every deadline an hour away a run only
 * looks at ->collect_due, and comes back a second later to look again. A
 * session whose deadline came closer behind the collector's back (its
 * ->last_seen set back an hour) is not even seen, until the collector is
 * told (a knob's change tells it so): then the next run sweeps, and the
 * sweep leaves the next one due at the earliest deadline it left. A sweep
 * that met a resize leaves the next one due at once.
 */
static void flowsess_test_collect_sleeps_until_due(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_table *t = &fn->table;
	struct flowsess_session *kept, *s;
	ktime_t start;

	flowsess_test_collector_hold(fn);
	fn->cfg.timeouts.udp_timeout_ms = 3600 * 1000;
	kept = udp(test, fn, 1000);
	KUNIT_ASSERT_NOT_NULL(test, kept);
	s = udp(test, fn, 1001);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->last_seen = ktime_sub_ms(s->last_seen, 3600 * 1000);

	/* Forwarded from @start by whole intervals. */
	start = ktime_get();
	hrtimer_set_expires(&t->collector, start);
	KUNIT_EXPECT_EQ(test, flowsess_collector_fn(&t->collector), HRTIMER_RESTART);
	KUNIT_EXPECT_FALSE(test, t->collect_sweeping);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 2);
	KUNIT_EXPECT_GE(test, ktime_to_ns(ktime_sub(hrtimer_get_expires(&t->collector),
						    start)),
			(s64)FLOWSESS_COLLECT_LOOK);

	flowsess_collector_recheck(t);
	hrtimer_set_expires(&t->collector, 0);
	KUNIT_EXPECT_EQ(test, flowsess_collector_fn(&t->collector), HRTIMER_RESTART);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 1);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	KUNIT_EXPECT_FALSE(test, t->collect_sweeping);
	KUNIT_EXPECT_EQ(test, (s64)atomic64_read(&t->collect_due),
			ktime_to_ns(flowsess_session_deadline(&fn->cfg, kept)));

	/* A sweep that began in a table of another size: it was resized. */
	t->collect_sweeping = true;
	memset(&t->collect_walk, 0, sizeof(t->collect_walk));
	t->collect_walk.size = flowsess_table_buckets(t) * 2;
	t->collect_next = KTIME_MAX;
	hrtimer_set_expires(&t->collector, 0);
	KUNIT_EXPECT_EQ(test, flowsess_collector_fn(&t->collector), HRTIMER_RESTART);
	KUNIT_EXPECT_FALSE(test, t->collect_sweeping);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 1);
	KUNIT_EXPECT_LE(test, (s64)atomic64_read(&t->collect_due),
			ktime_to_ns(ktime_get_coarse()));
	flowsess_test_net_destroy(fn);
}

#define MASS_SESSIONS 2000

/* Many sessions expiring at once are all collected, by the timer alone. */
static void flowsess_test_collect_mass_expiry(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, MASS_SESSIONS);
	ktime_t last = 0;
	int i;

	fn->cfg.timeouts.udp_timeout_ms = AFTER_FIRST_RUN_MS;
	for (i = 0; i < MASS_SESSIONS; i++) {
		last = ktime_get_coarse();	/* the last one's last_seen, or before */
		KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 10000 + i));
	}
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, AFTER_FIRST_RUN_MS + 2000 +
							 FLOWSESS_TEST_SLACK_MS));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), last), AFTER_FIRST_RUN_MS);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE),
			(u64)MASS_SESSIONS);
	KUNIT_EXPECT_TRUE(test, wait_collector_stopped(&fn->table, 1000 +
						       FLOWSESS_TEST_SLACK_MS));
	flowsess_test_net_destroy(fn);
}

#undef MASS_SESSIONS

/*
 * No sessions, no runs: the collector stops in the run that finds the
 * table empty, whoever emptied it, and the next insert starts it again.
 */
static void flowsess_test_collect_stops_when_empty(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_table *t = &fn->table;

	KUNIT_EXPECT_TRUE(test, collector_stopped(t));
	fn->cfg.timeouts.udp_timeout_ms = 100;
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1000));
	KUNIT_EXPECT_FALSE(test, collector_stopped(t));

	/* It killed the last session itself. */
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, 500 + 1000 +
							 FLOWSESS_TEST_SLACK_MS));
	KUNIT_EXPECT_TRUE(test, wait_collector_stopped(t, FLOWSESS_TEST_SLACK_MS));

	/* Started again; the table emptied by a flush: the next run stops. */
	fn->cfg.timeouts.udp_timeout_ms = 3600 * 1000;
	KUNIT_ASSERT_NOT_NULL(test, udp(test, fn, 1001));
	KUNIT_EXPECT_FALSE(test, collector_stopped(t));
	KUNIT_EXPECT_EQ(test, flowsess_table_flush(t), 1U);
	KUNIT_EXPECT_TRUE(test, wait_collector_stopped(t, 1000 + FLOWSESS_TEST_SLACK_MS));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	flowsess_test_net_destroy(fn);
}

/*
 * The plan of a sweep, for every table size the hash may have: a
 * table of up to FLOWSESS_COLLECT_SWEEP_RATE buckets is swept every
 * second, a bigger one within FLOWSESS_COLLECT_PERIOD_MAX; never more than
 * FLOWSESS_COLLECT_RUNS_MAX runs a second, each over at least
 * FLOWSESS_COLLECT_BUCKETS_MIN buckets (or the whole table).
 */
static void flowsess_test_collect_plan(struct kunit *test)
{
	unsigned int size, slice, runs;
	u64 interval, sweep;

	for (size = 1; size <= 1U << 28; size <<= 1) {
		interval = flowsess_collect_plan(size, &slice);
		runs = DIV_ROUND_UP(size, slice);
		sweep = runs * interval;
		KUNIT_EXPECT_GE_MSG(test, interval,
				    (u64)NSEC_PER_SEC / FLOWSESS_COLLECT_RUNS_MAX,
				    "size %u", size);
		KUNIT_EXPECT_GE_MSG(test, slice,
				    min_t(unsigned int, size, FLOWSESS_COLLECT_BUCKETS_MIN),
				    "size %u", size);
		KUNIT_EXPECT_LE_MSG(test, sweep, (u64)FLOWSESS_COLLECT_PERIOD_MAX,
				    "size %u", size);
		if (size <= FLOWSESS_COLLECT_SWEEP_RATE)
			KUNIT_EXPECT_LE_MSG(test, sweep, (u64)FLOWSESS_COLLECT_PERIOD_MIN,
					    "size %u", size);
		else
			KUNIT_EXPECT_LE_MSG(test, sweep,
					    div_u64((u64)size * NSEC_PER_SEC,
						    FLOWSESS_COLLECT_SWEEP_RATE),
					    "size %u", size);
	}
}

static struct kunit_case flowsess_collect_cases[] = {
	KUNIT_CASE(flowsess_test_collect_idle),
	KUNIT_CASE(flowsess_test_collect_knob_change),
	KUNIT_CASE(flowsess_test_collect_rst_quiet),
	KUNIT_CASE(flowsess_test_collect_rst_live_kill),
	KUNIT_CASE(flowsess_test_collect_budget),
	KUNIT_CASE(flowsess_test_collect_sleeps_until_due),
	KUNIT_CASE(flowsess_test_collect_mass_expiry),
	KUNIT_CASE(flowsess_test_collect_stops_when_empty),
	KUNIT_CASE(flowsess_test_collect_plan),
	{}
};

static struct kunit_suite flowsess_collect_suite = {
	.name = "flowsess_collect",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_collect_cases,
};

kunit_test_suite(flowsess_collect_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: invalidation timers, with short delays. Included at the end of
 * timers.c in the test build. Tests wait for the timer's work to finish
 * with wait_var_event on the table's allocation count (the wait ends when
 * the callback freed the session), never by sleeping and hoping; deadlines
 * are checked from below exactly and from above with a wide margin.
 */
#include <kunit/test.h>
#include <linux/tcp.h>

#include "util.h"

#define SLACK_MS 2000	/* a generous upper margin for an emulated VM */

/* A session idle for its timeout is invalidated, not earlier. */
static void flowsess_test_timer_idle(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t start = ktime_get();

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 3, 4);
	s = flowsess_test_insert(test, fn, &t, ms_to_ktime(50));
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, 50 + SLACK_MS));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), start), 50);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	flowsess_test_net_destroy(fn);
}

/*
 * Use after the first deadline pushes the end back: the callback re-arms
 * for last_seen + timeout instead of invalidating.
 */
static void flowsess_test_timer_rearm(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t used;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 3, 4);
	s = flowsess_test_insert(test, fn, &t, ms_to_ktime(100));
	KUNIT_ASSERT_NOT_NULL(test, s);
	used = ktime_add_ms(ktime_get(), 150);	/* "used" in the future */
	WRITE_ONCE(s->last_seen, used);
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, 250 + SLACK_MS));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), used), 100);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	flowsess_test_net_destroy(fn);
}

/* rst_timer(): RST with the knob off, then maybe traffic after it. */
static void flowsess_test_rst_timer(struct kunit *test, bool traffic)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	struct flowsess_tcp_seg rst, syn;
	ktime_t start;

	fn->cfg.rst_grace_ms = 80;
	flowsess_test_seg(&rst, "RA", 0, 1, 0, 0);	/* the answer to SYN 0 */
	flowsess_test_seg(&syn, "S", 1000, 0, 65535, 0);
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(s, FLOWSESS_DIR_REPLY, &rst, start),
			FLOWSESS_TCP_PASS);
	if (traffic)
		KUNIT_EXPECT_EQ(test, flowsess_tcp_track(s, FLOWSESS_DIR_ORIGINAL, &syn,
							 ktime_get()), FLOWSESS_TCP_PASS);
	KUNIT_ASSERT_TRUE(test, flowsess_test_wait_empty(fn, 80 + SLACK_MS));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), start), 80);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_RST_TIMER), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_RST_TIMER_LIVE_KILLS),
			traffic ? 1ULL : 0ULL);
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_rst_timer_quiet(struct kunit *test)
{
	flowsess_test_rst_timer(test, false);
}

static void flowsess_test_rst_timer_live_kill(struct kunit *test)
{
	flowsess_test_rst_timer(test, true);
}

/* An invalidation re-arms a far timer to now: memory comes back at once. */
static void flowsess_test_invalidate_frees_promptly(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 3, 4);
	s = flowsess_test_insert(test, fn, &t, ms_to_ktime(3600 * 1000));
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(s, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, SLACK_MS));
	flowsess_test_net_destroy(fn);
}

/* A reference held elsewhere keeps the memory past the timer's end. */
static void flowsess_test_reference_outlives_timer(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 3, 4);
	s = flowsess_test_insert(test, fn, &t, ms_to_ktime(3600 * 1000));
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_TRUE(test, flowsess_session_get(s));
	flowsess_session_invalidate(s, FLOWSESS_REASON_FLUSH);
	KUNIT_EXPECT_FALSE(test, flowsess_test_wait_empty(fn, 100));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s->dead));
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&s->timer));
	flowsess_session_put(s);
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, SLACK_MS));
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_timer_cases[] = {
	KUNIT_CASE(flowsess_test_timer_idle),
	KUNIT_CASE(flowsess_test_timer_rearm),
	KUNIT_CASE(flowsess_test_rst_timer_quiet),
	KUNIT_CASE(flowsess_test_rst_timer_live_kill),
	KUNIT_CASE(flowsess_test_invalidate_frees_promptly),
	KUNIT_CASE(flowsess_test_reference_outlives_timer),
	{}
};

static struct kunit_suite flowsess_timer_suite = {
	.name = "flowsess_timers",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_timer_cases,
};

kunit_test_suite(flowsess_timer_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the event queue. Included at the end of events.c in the test
 * build. Events are produced where the packet path produces them (BHs
 * off) and must reach the listener later, in process context, in order,
 * and never more of them than the queue's limit: the rest are counted.
 */
#include <kunit/resource.h>
#include <linux/completion.h>
#include <linux/delay.h>

#include "util.h"

#define HEARD_MAX	16

/* What the test's listener heard; one test runs at a time. */
static struct {
	const struct flowsess_net *fn;
	struct flowsess_event_msg msg[HEARD_MAX];
	unsigned int n;
	bool in_work;		/* every event came from @fn's event work */
	bool hold;		/* the first event waits for @release */
	struct completion release;
} heard;

static bool events_test_wants(const struct flowsess_net *fn,
			      enum flowsess_event type)
{
	return fn == READ_ONCE(heard.fn);
}

static void events_test_event(struct flowsess_net *fn,
			      const struct flowsess_event_msg *msg)
{
	if (fn != READ_ONCE(heard.fn))
		return;
	might_sleep();		/* a splat on the debug kernel, if not */
	heard.in_work &= current_work() == &fn->events.work;
	if (heard.n < HEARD_MAX)
		heard.msg[heard.n] = *msg;
	if (heard.n++ == 0 && heard.hold)
		wait_for_completion(&heard.release);
}

static struct flowsess_listener events_test_listener = {
	.wants = events_test_wants,
	.event = events_test_event,
};

static void events_test_unlisten(struct kunit_resource *res)
{
	complete_all(&heard.release);
	flowsess_listener_unregister(&events_test_listener);
	WRITE_ONCE(heard.fn, NULL);
}

static void events_listen(struct kunit *test, struct flowsess_net *fn, bool hold)
{
	void *listening;

	memset(&heard, 0, sizeof(heard));
	heard.in_work = true;
	heard.hold = hold;
	init_completion(&heard.release);
	WRITE_ONCE(heard.fn, fn);
	flowsess_listener_register(&events_test_listener);
	listening = kunit_alloc_resource(test, NULL, events_test_unlisten,
					 GFP_KERNEL, &events_test_listener);
	if (!listening)
		events_test_unlisten(NULL);
	KUNIT_ASSERT_NOT_NULL(test, listening);
}

/* NEW, a state change, DEL: in that order, later, in process context. */
static void flowsess_test_events_in_order(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_collector_hold(fn);
	events_listen(test, fn, false);
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 1000, 80);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	local_bh_disable();
	spin_lock(&s->lock);
	flowsess_session_set_tcp_state(&fn->table, s, FLOWSESS_TCP_ESTABLISHED);
	flowsess_event(fn, s, FLOWSESS_EVENT_STATE, FLOWSESS_REASON_NONE, false);
	spin_unlock(&s->lock);
	flowsess_session_invalidate(&fn->table, s, FLOWSESS_REASON_RST);
	local_bh_enable();
	flowsess_events_flush(fn);

	KUNIT_ASSERT_EQ(test, heard.n, 3U);
	KUNIT_EXPECT_TRUE(test, heard.in_work);
	KUNIT_EXPECT_EQ(test, heard.msg[0].type, FLOWSESS_EVENT_NEW);
	KUNIT_EXPECT_EQ(test, heard.msg[1].type, FLOWSESS_EVENT_STATE);
	KUNIT_EXPECT_EQ(test, heard.msg[2].type, FLOWSESS_EVENT_DEL);
	/* Each is the session as it was when it happened. */
	KUNIT_EXPECT_EQ(test, heard.msg[0].info.tcp_state, FLOWSESS_TCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, heard.msg[1].info.tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, heard.msg[2].reason, FLOWSESS_REASON_RST);
	KUNIT_EXPECT_EQ(test, memcmp(&heard.msg[2].info.tuple, &t, sizeof(t)), 0);
	KUNIT_EXPECT_EQ(test, heard.msg[0].info.id, heard.msg[2].info.id);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVENTS_LOST), 0ULL);
	KUNIT_EXPECT_EQ(test, fn->events.pending, 0U);
	/* The event_queue_limit parameter's default: KUnit's kernel has no other. */
	KUNIT_EXPECT_EQ(test, fn->events.limit, FLOWSESS_EVENT_QUEUE_LIMIT);
	flowsess_test_net_destroy(fn);
}

/* A STATE event, as tcp.c reports one: under the session's lock. */
static void state_event(struct flowsess_net *fn, struct flowsess_session *s)
{
	spin_lock_bh(&s->lock);
	flowsess_event(fn, s, FLOWSESS_EVENT_STATE, FLOWSESS_REASON_NONE, false);
	spin_unlock_bh(&s->lock);
}

/* Wait until the listener has heard @n events; false after 5 s. */
static bool heard_n(unsigned int n)
{
	unsigned long end = jiffies + msecs_to_jiffies(FLOWSESS_TEST_SLACK_MS);

	while (READ_ONCE(heard.n) < n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

/*
 * The queue holds @limit events, counting the one a listener is busy
 * with; the rest are counted as lost. Then it delivers what it took.
 */
static void flowsess_test_events_limit(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	int i;

	flowsess_test_collector_hold(fn);
	fn->events.limit = 4;
	s = flowsess_test_udp(test, fn, 1000);
	KUNIT_ASSERT_NOT_NULL(test, s);
	events_listen(test, fn, true);
	/* The first is delivered, and holds the listener. */
	state_event(fn, s);
	KUNIT_ASSERT_TRUE(test, heard_n(1));
	for (i = 0; i < 6; i++)
		state_event(fn, s);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVENTS_LOST), 3ULL);
	KUNIT_EXPECT_EQ(test, fn->events.pending, 4U);
	complete_all(&heard.release);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, heard.n, 4U);
	KUNIT_EXPECT_EQ(test, fn->events.pending, 0U);
	/* Room again. */
	state_event(fn, s);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, heard.n, 5U);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVENTS_LOST), 3ULL);
	flowsess_test_net_destroy(fn);
}

/* Nobody wants them: nothing is queued, nothing is lost. */
static void flowsess_test_events_unwanted(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;

	flowsess_test_collector_hold(fn);
	s = flowsess_test_udp(test, fn, 1000);
	KUNIT_ASSERT_NOT_NULL(test, s);
	state_event(fn, s);
	KUNIT_EXPECT_EQ(test, fn->events.pending, 0U);
	KUNIT_EXPECT_FALSE(test, work_pending(&fn->events.work));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_EVENTS_LOST), 0ULL);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_events_cases[] = {
	KUNIT_CASE(flowsess_test_events_in_order),
	KUNIT_CASE(flowsess_test_events_limit),
	KUNIT_CASE(flowsess_test_events_unwanted),
	{}
};

static struct kunit_suite flowsess_events_suite = {
	.name = "flowsess_events",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_events_cases,
};

kunit_test_suite(flowsess_events_suite);

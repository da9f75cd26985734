// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a concurrency smoke test. Several kthreads create sessions from
 * either side of a small tuple space (so they collide and race for the
 * same pairs), look them up as the packet path does (killing the expired
 * ones, marking replies) and invalidate them, while sessions expire within
 * milliseconds and the collector runs; then the table must be consistent
 * and teardown must find everything in order. Lockdep, KASAN and
 * DEBUG_OBJECTS on the test kernel judge the rest. Run again against a
 * table smaller than the tuple space, the session count must never be seen
 * above max-sessions, by the workers nor by an observer that reads it
 * without a pause while they run.
 */
#include <linux/kthread.h>
#include <linux/random.h>

#include "util.h"

#define WORKERS	4
#define OPS	20000
#define TUPLES	256

struct flowsess_worker {
	struct flowsess_net *fn;
	struct completion done;
	unsigned int inserted, found, invalidated, full;
	int most;	/* the highest session count this worker saw */
};

/* What hooks.c does with a packet on @t that may create a session. */
static void flowsess_worker_create(struct flowsess_worker *w,
				   const struct flowsess_tuple *t, bool acct)
{
	struct flowsess_table *table = &w->fn->table;
	struct flowsess_session *s;
	int err;

	if (!flowsess_session_reserve(table)) {
		w->full++;
		return;
	}
	s = flowsess_session_alloc(t, acct, GFP_KERNEL);
	if (!s) {
		flowsess_session_unreserve(table);
		return;
	}
	s->last_seen = ktime_get_coarse();
	rcu_read_lock();	/* the packet path's context */
	err = flowsess_session_insert(table, s);
	rcu_read_unlock();
	if (!err)
		w->inserted++;
}

/* What hooks.c does with a packet on @t of a session that may exist. */
static void flowsess_worker_lookup(struct flowsess_worker *w,
				   const struct flowsess_tuple *t)
{
	struct flowsess_net *fn = w->fn;
	ktime_t now = ktime_get_coarse();
	struct flowsess_session *s;
	enum flowsess_dir dir;

	rcu_read_lock();
	s = flowsess_table_lookup(&fn->table, t, &dir);
	if (s && flowsess_session_expired(&fn->cfg, s, now) &&
	    flowsess_session_expire(&fn->table, s, now))
		s = NULL;
	if (s) {
		if (dir == FLOWSESS_DIR_REPLY && !READ_ONCE(s->established))
			flowsess_test_set_established(fn, s, true);
		WRITE_ONCE(s->last_seen, now);
		w->found++;
	}
	rcu_read_unlock();
}

static int flowsess_worker_fn(void *arg)
{
	struct flowsess_worker *w = arg;
	struct flowsess_session *s;
	struct flowsess_tuple t, r;
	enum flowsess_dir dir;
	unsigned int i;

	for (i = 0; i < OPS; i++) {
		u32 rnd = get_random_u32();

		flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, rnd % TUPLES, 53);
		if (rnd & BIT(8)) {	/* the other side's packet */
			flowsess_tuple_invert(&r, &t);
			t = r;
			t.dir = FLOWSESS_DIR_ORIGINAL;
		}
		switch ((rnd >> 16) % 3) {
		case 0:	/* with accounting or without: both kinds of sessions */
			flowsess_worker_create(w, &t, rnd & BIT(9));
			break;
		case 1:
			flowsess_worker_lookup(w, &t);
			break;
		case 2:
			rcu_read_lock();
			s = flowsess_table_lookup(&w->fn->table, &t, &dir);
			if (s && flowsess_session_invalidate(&w->fn->table, s,
							     FLOWSESS_REASON_FLUSH))
				w->invalidated++;
			rcu_read_unlock();
			break;
		}
		w->most = max(w->most, atomic_read(&w->fn->table.count));
		if (!(i % 256))
			cond_resched();
	}
	complete(&w->done);
	return 0;
}

struct flowsess_observer {
	struct flowsess_net *fn;
	struct completion done;
	bool stop;
	int most;
};

static int flowsess_observer_fn(void *arg)
{
	struct flowsess_observer *o = arg;
	unsigned int i;

	for (i = 0; !READ_ONCE(o->stop); i++) {
		o->most = max(o->most, atomic_read(&o->fn->table.count));
		if (!(i % 1024))
			cond_resched();
	}
	complete(&o->done);
	return 0;
}

/* Runs the workers on a table of @max_sessions; sums what they did in @sum. */
static struct flowsess_net *flowsess_test_workers(struct kunit *test,
						  unsigned int max_sessions,
						  struct flowsess_worker *sum)
{
	struct flowsess_net *fn = flowsess_test_net(test, max_sessions);
	struct flowsess_observer o = { .fn = fn };
	struct flowsess_worker w[WORKERS];
	unsigned int i, started;

	/* Sessions expire while the workers run: lookups and the collector kill. */
	fn->cfg.timeouts.udp_timeout_ms = 2;
	init_completion(&o.done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(flowsess_observer_fn, &o,
						    "flowsess-test/o")));
	for (started = 0; started < WORKERS; started++) {
		w[started] = (struct flowsess_worker){ .fn = fn };
		init_completion(&w[started].done);
		if (IS_ERR(kthread_run(flowsess_worker_fn, &w[started],
				       "flowsess-test/%u", started)))
			break;
	}
	/* The threads use this stack frame: wait for every one started. */
	*sum = (struct flowsess_worker){ .fn = fn };
	for (i = 0; i < started; i++) {
		wait_for_completion(&w[i].done);
		sum->inserted += w[i].inserted;
		sum->found += w[i].found;
		sum->invalidated += w[i].invalidated;
		sum->full += w[i].full;
		sum->most = max(sum->most, w[i].most);
	}
	WRITE_ONCE(o.stop, true);
	wait_for_completion(&o.done);
	sum->most = max(sum->most, o.most);
	KUNIT_ASSERT_EQ(test, started, WORKERS);
	return fn;
}

struct flowsess_test_check {
	struct flowsess_net *fn;
	unsigned int sessions, unestablished, misplaced;
};

/* Each live session is found by each of its tuples, in its direction. */
static int flowsess_test_check_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_test_check *c = arg;
	struct flowsess_tuple reply;
	enum flowsess_dir dir;

	c->sessions++;
	c->unestablished += !READ_ONCE(s->established);
	flowsess_tuple_invert(&reply, &s->tuple);
	if (flowsess_table_lookup(&c->fn->table, &s->tuple, &dir) != s ||
	    dir != FLOWSESS_DIR_ORIGINAL)
		c->misplaced++;
	if (flowsess_table_lookup(&c->fn->table, &reply, &dir) != s ||
	    dir != FLOWSESS_DIR_REPLY)
		c->misplaced++;
	return 0;
}

static void flowsess_test_concurrency(struct kunit *test)
{
	struct flowsess_worker done;
	struct flowsess_net *fn = flowsess_test_workers(test, TUPLES, &done);
	struct flowsess_test_check check = { .fn = fn };
	struct flowsess_walk w = {};
	u64 sum[__FLOWSESS_STAT_MAX];
	unsigned int gone;

	/* The workers are done; nothing expires and nothing moves any more. */
	flowsess_test_collector_hold(fn);
	WRITE_ONCE(fn->cfg.timeouts.udp_timeout_ms, 3600 * 1000);
	KUNIT_EXPECT_TRUE(test, flowsess_test_settle(fn));
	rcu_read_lock();
	while (!flowsess_table_walk(&fn->table, &w, 64, flowsess_test_check_one, &check))
		;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, check.misplaced, 0U);
	KUNIT_EXPECT_EQ(test, check.sessions, (unsigned int)atomic_read(&fn->table.count));
	KUNIT_EXPECT_EQ(test, check.unestablished,
			(unsigned int)atomic_read(&fn->table.unestablished));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.entries), 2 * check.sessions);

	flowsess_table_flush(&fn->table);
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, FLOWSESS_TEST_SLACK_MS));
	flowsess_stats_read(fn, sum);
	gone = sum[FLOWSESS_STAT_INVALIDATED_IDLE] + sum[FLOWSESS_STAT_INVALIDATED_FLUSH];
	/* Every session inserted was killed exactly once. */
	KUNIT_EXPECT_EQ(test, gone, done.inserted);
	KUNIT_EXPECT_GT(test, done.inserted, 0U);
	KUNIT_EXPECT_GT(test, sum[FLOWSESS_STAT_INVALIDATED_IDLE], 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	kunit_info(test, "inserted %u, found %u, idle %llu, invalidated %llu",
		   done.inserted, done.found, sum[FLOWSESS_STAT_INVALIDATED_IDLE],
		   sum[FLOWSESS_STAT_INVALIDATED_FLUSH]);
	flowsess_test_net_destroy(fn);
}

/* A table of 8 for 256 tuples: full most of the time, never above. */
static void flowsess_test_concurrency_full(struct kunit *test)
{
	struct flowsess_worker done;
	struct flowsess_net *fn = flowsess_test_workers(test, 8, &done);

	KUNIT_EXPECT_GT(test, done.full, 0U);
	KUNIT_EXPECT_LE(test, done.most, 8);
	kunit_info(test, "inserted %u, refused as full %u, most seen %d",
		   done.inserted, done.full, done.most);
	flowsess_test_net_destroy(fn);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
}

static struct kunit_case flowsess_concurrency_cases[] = {
	KUNIT_CASE(flowsess_test_concurrency),
	KUNIT_CASE(flowsess_test_concurrency_full),
	{}
};

static struct kunit_suite flowsess_concurrency_suite = {
	.name = "flowsess_concurrency",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_concurrency_cases,
};

kunit_test_suite(flowsess_concurrency_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a concurrency smoke test. Several kthreads insert, look up and
 * invalidate sessions over a small tuple space (so they collide) while
 * short idle timers fire; then teardown must find everything consistent.
 * Lockdep, KASAN and DEBUG_OBJECTS on the test kernel do the judging.
 * Run again against a table smaller than the tuple space, the session
 * count must never be seen above max-sessions, by the workers nor by an
 * observer that reads it without a pause while they run.
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

static int flowsess_worker_fn(void *arg)
{
	struct flowsess_worker *w = arg;
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s;
	struct flowsess_tuplehash *th;
	struct flowsess_tuple t;
	unsigned int i;
	int err;

	for (i = 0; i < OPS; i++) {
		u32 r = get_random_u32();

		flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, r % TUPLES, 53);
		switch ((r >> 16) % 3) {
		case 0:
			s = flowsess_session_alloc(&w->fn->table, &t, GFP_KERNEL);
			if (!s)
				break;
			s->last_seen = ktime_get();
			s->timeout = ms_to_ktime(1 + (r >> 20) % 4);
			rcu_read_lock();
			err = flowsess_session_insert(s, &existing);
			rcu_read_unlock();
			if (err) {
				flowsess_session_free_unused(s);
				w->full += err == -ENOSPC;
				break;
			}
			w->inserted++;
			break;
		case 1:
			rcu_read_lock();
			th = flowsess_lookup(&w->fn->table, &t);
			if (th) {
				WRITE_ONCE(flowsess_th_session(th)->last_seen, ktime_get());
				w->found++;
			}
			rcu_read_unlock();
			break;
		case 2:
			rcu_read_lock();
			th = flowsess_lookup(&w->fn->table, &t);
			if (th && flowsess_session_invalidate(flowsess_th_session(th),
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
	struct flowsess_net *fn = flowsess_test_net(test, 64, max_sessions);
	struct flowsess_observer o = { .fn = fn };
	struct flowsess_worker w[WORKERS];
	unsigned int i, started;

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
		sum->full += w[i].full;
		sum->most = max(sum->most, w[i].most);
	}
	WRITE_ONCE(o.stop, true);
	wait_for_completion(&o.done);
	sum->most = max(sum->most, o.most);
	if (started < WORKERS)
		flowsess_test_net_destroy(fn);	/* its timers must not outlive the test */
	KUNIT_ASSERT_EQ(test, started, WORKERS);
	return fn;
}

static void flowsess_test_concurrency(struct kunit *test)
{
	struct flowsess_worker done;
	struct flowsess_net *fn = flowsess_test_workers(test, TUPLES, &done);
	unsigned int inserted = done.inserted, gone;
	u64 sum[__FLOWSESS_STAT_MAX];

	flowsess_table_flush(&fn->table);
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, 10000));
	flowsess_stats_read(fn, sum);
	gone = sum[FLOWSESS_STAT_INVALIDATED_IDLE] + sum[FLOWSESS_STAT_INVALIDATED_FLUSH];
	/* Every session inserted was invalidated exactly once. */
	KUNIT_EXPECT_EQ(test, gone, inserted);
	KUNIT_EXPECT_GT(test, inserted, 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	kunit_info(test, "inserted %u, idle %llu, invalidated %llu", inserted,
		   sum[FLOWSESS_STAT_INVALIDATED_IDLE], sum[FLOWSESS_STAT_INVALIDATED_FLUSH]);
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
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.allocated), 0);
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

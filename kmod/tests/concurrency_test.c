// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a concurrency smoke test. Several kthreads insert, look up and
 * invalidate sessions over a small tuple space (so they collide) while
 * short idle timers fire; then teardown must find everything consistent.
 * Lockdep, KASAN and DEBUG_OBJECTS on the test kernel do the judging.
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
	unsigned int inserted, found, invalidated;
};

static int flowsess_worker_fn(void *arg)
{
	struct flowsess_worker *w = arg;
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s;
	struct flowsess_tuplehash *th;
	struct flowsess_tuple t;
	unsigned int i;

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
			if (flowsess_session_insert(s, &existing)) {
				rcu_read_unlock();
				flowsess_session_free_unused(s);
				break;
			}
			rcu_read_unlock();
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
		if (!(i % 256))
			cond_resched();
	}
	complete(&w->done);
	return 0;
}

static void flowsess_test_concurrency(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, TUPLES);
	struct flowsess_worker w[WORKERS];
	unsigned int i, inserted = 0, gone;
	u64 sum[__FLOWSESS_STAT_MAX];

	for (i = 0; i < WORKERS; i++) {
		w[i] = (struct flowsess_worker){ .fn = fn };
		init_completion(&w[i].done);
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(flowsess_worker_fn, &w[i],
							    "flowsess-test/%u", i)));
	}
	for (i = 0; i < WORKERS; i++) {
		wait_for_completion(&w[i].done);
		inserted += w[i].inserted;
	}
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

static struct kunit_case flowsess_concurrency_cases[] = {
	KUNIT_CASE(flowsess_test_concurrency),
	{}
};

static struct kunit_suite flowsess_concurrency_suite = {
	.name = "flowsess_concurrency",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_concurrency_cases,
};

kunit_test_suite(flowsess_concurrency_suite);

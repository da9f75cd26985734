// SPDX-License-Identifier: GPL-2.0
/*
 * Expiry collection. A session that has expired never matches a packet:
 * the lookup checks its deadline (session.c, rule 6). What is left is to
 * give its memory back and report its end when no packet comes: that is
 * this collector's work, one soft hrtimer per namespace, never one per
 * session.
 *
 * The collector sweeps the hash a slice of buckets per run, killing the
 * expired sessions it meets. A small table is swept whole once a second;
 * a big one in at most FLOWSESS_COLLECT_PERIOD_MAX, so its runs stay small
 * and no more than FLOWSESS_COLLECT_RUNS_MAX a second: wake-ups do not grow
 * with the number of sessions. A run stops after the bucket in which it
 * killed its FLOWSESS_COLLECT_BUDGET-th session; when a mass expiry (a
 * SYN flood ageing out) fills that budget, the next run comes
 * FLOWSESS_COLLECT_BUSY later, so the work is spread over many short
 * softirq runs. With no session in the table the timer stops; the
 * next insert starts it.
 *
 * Lifetime: the timer is cancelled, and ->stopping keeps a run from
 * re-arming it, before the table is flushed at teardown (session.c, rule
 * 9); nothing starts it then, as no insert runs after the hooks are gone.
 * Runs are in softirq context, under rcu_read_lock().
 */
#include "compat.h"
#include "internal.h"

#define FLOWSESS_COLLECT_PERIOD_MIN	NSEC_PER_SEC
#define FLOWSESS_COLLECT_PERIOD_MAX	(60ULL * NSEC_PER_SEC)
#define FLOWSESS_COLLECT_RUNS_MAX	50	/* a second */
#define FLOWSESS_COLLECT_BUCKETS_MIN	1024	/* a run's slice, at least */
#define FLOWSESS_COLLECT_SWEEP_RATE	65536	/* buckets a second, at least */
#define FLOWSESS_COLLECT_BUDGET		256	/* sessions killed per run */
#define FLOWSESS_COLLECT_BUSY		(NSEC_PER_MSEC)

enum { FLOWSESS_COLLECTOR_ARMED };

struct flowsess_collect_run {
	struct flowsess_table *table;
	ktime_t now;
	unsigned int killed;
};

static int flowsess_collect_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_collect_run *run = arg;

	if (!flowsess_session_expired(&flowsess_table_net(run->table)->cfg, s,
				      run->now))
		return 0;
	if (flowsess_session_expire(run->table, s, run->now))
		run->killed++;
	return run->killed >= FLOWSESS_COLLECT_BUDGET;
}

/*
 * A sweep of @size buckets: how many runs it takes and how far apart. A
 * table of up to FLOWSESS_COLLECT_SWEEP_RATE buckets is swept every second,
 * a bigger one at that rate, up to FLOWSESS_COLLECT_PERIOD_MAX.
 */
static u64 flowsess_collect_plan(unsigned int size, unsigned int *slice)
{
	u64 period = div_u64((u64)size * NSEC_PER_SEC, FLOWSESS_COLLECT_SWEEP_RATE);
	unsigned int runs;

	period = clamp_t(u64, period, FLOWSESS_COLLECT_PERIOD_MIN,
			 FLOWSESS_COLLECT_PERIOD_MAX);
	runs = max(1U, size / FLOWSESS_COLLECT_BUCKETS_MIN);
	runs = min_t(u64, runs,
		     div_u64(period * FLOWSESS_COLLECT_RUNS_MAX, NSEC_PER_SEC));
	*slice = DIV_ROUND_UP(size, runs);
	return div_u64(period, runs);
}

static enum hrtimer_restart flowsess_collector_fn(struct hrtimer *timer)
{
	struct flowsess_table *t = container_of(timer, struct flowsess_table,
						collector);
	struct flowsess_collect_run run = { .table = t, .now = ktime_get_coarse() };
	struct flowsess_walk w = { .bucket = t->collect_bucket };
	unsigned int slice;
	u64 interval;

	rcu_read_lock();
	interval = flowsess_collect_plan(flowsess_table_buckets(t), &slice);
	flowsess_table_walk(t, &w, slice, flowsess_collect_one, &run);
	rcu_read_unlock();
	t->collect_bucket = w.bucket;
	if (run.killed >= FLOWSESS_COLLECT_BUDGET)
		interval = FLOWSESS_COLLECT_BUSY;

	if (!atomic_read(&t->count) || READ_ONCE(t->stopping)) {
		clear_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed);
		/* Pairs with the barrier in flowsess_collector_kick(). */
		smp_mb__after_atomic();
		if (!atomic_read(&t->count) || READ_ONCE(t->stopping) ||
		    test_and_set_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed))
			return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(timer, ns_to_ktime(interval));
	return HRTIMER_RESTART;
}

void flowsess_collector_init(struct flowsess_table *t)
{
	flowsess_hrtimer_setup(&t->collector, flowsess_collector_fn,
			       CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	t->collector_armed = 0;
	t->collect_bucket = 0;
}

/* A session was inserted: make sure the collector runs. Any context. */
void flowsess_collector_kick(struct flowsess_table *t)
{
	unsigned int slice;

	/*
	 * The count went up before this (a place was reserved): order it
	 * before the bit is read, against the run that clears the bit and
	 * then reads the count.
	 */
	smp_mb();
	if (test_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed) ||
	    test_and_set_bit(FLOWSESS_COLLECTOR_ARMED, &t->collector_armed))
		return;
	if (READ_ONCE(t->stopping))
		return;
	hrtimer_start(&t->collector,
		      ns_to_ktime(flowsess_collect_plan(flowsess_table_buckets(t),
							&slice)),
		      HRTIMER_MODE_REL_SOFT);
}

/* Teardown: no collector run is queued or running after this. Sleeps. */
void flowsess_collector_stop(struct flowsess_table *t)
{
	WRITE_ONCE(t->stopping, true);
	hrtimer_cancel(&t->collector);
}

#ifdef FLOWSESS_KUNIT
#include "tests/collect_test.c"
#endif

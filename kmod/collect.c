// SPDX-License-Identifier: GPL-2.0
/*
 * Expiry collection. A session that has expired never matches a packet:
 * the lookup checks its deadline (session.c, rule 6). What is left is to
 * give its memory back and report its end when no packet comes: that is
 * this collector's work, one soft hrtimer per namespace, never one per
 * session.
 *
 * The collector sleeps until the earliest deadline it knows of,
 * ->collect_due, and then sweeps the hash once, a slice of buckets per
 * run, killing the expired sessions it meets and noting the earliest
 * deadline of those it leaves: that, or an earlier one lowered into
 * ->collect_due meanwhile, is when the next sweep begins. Deadlines move
 * later on their own (a packet refreshes ->last_seen); what brings one
 * earlier tells the collector: an insert and a TCP state change
 * (flowsess_collector_kick(), flowsess_collector_expect()), a changed knob
 * (flowsess_collector_recheck()). So an idle table of millions costs one
 * look at ->collect_due a second, and no sweep begins before the earliest
 * deadline the collector knows of (which may have moved on since).
 *
 * A sweep of a table of up to 65 536 buckets takes a second at most (one
 * run below 2 048 buckets); a big one at most
 * FLOWSESS_COLLECT_PERIOD_MAX, so its runs stay small and no more than
 * FLOWSESS_COLLECT_RUNS_MAX a second. A run stops after the bucket in
 * which it killed its FLOWSESS_COLLECT_BUDGET-th session; when a mass
 * expiry (a SYN flood ageing out) fills that budget, the next run comes
 * FLOWSESS_COLLECT_BUSY later, so the work is spread over many short
 * softirq runs. A sweep during which the hash was resized may have missed
 * sessions that moved behind it: another follows. With no session in the
 * table the timer stops; the next insert starts it.
 *
 * Ordering: a writer makes the earlier deadline visible (the session
 * linked, its state stored), then a full barrier, then lowers
 * ->collect_due; a sweep begins by taking ->collect_due (a full barrier)
 * and then reads the buckets. So either the sweep sees the session as it
 * now is, or the writer's deadline is kept for the next sweep.
 *
 * Lifetime: the timer is cancelled, and ->stopping keeps a run from
 * re-arming it, before the table is flushed at teardown (session.c, rule
 * 9); nothing starts it then, as no insert runs after the hooks are gone.
 * Runs are in softirq context, under rcu_read_lock(). Only the timer's
 * function touches ->collect_walk and ->collect_next.
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
#define FLOWSESS_COLLECT_LOOK		NSEC_PER_SEC	/* at ->collect_due, idle */

enum { FLOWSESS_COLLECTOR_ARMED };

struct flowsess_collect_run {
	struct flowsess_table *table;
	ktime_t now;
	ktime_t next;		/* the earliest deadline of those left */
	unsigned int killed;
};

static int flowsess_collect_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_collect_run *run = arg;
	const struct flowsess_config *cfg = &flowsess_table_net(run->table)->cfg;

	if (flowsess_session_expired(cfg, s, run->now) &&
	    flowsess_session_expire(run->table, s, run->now)) {
		run->killed++;
		return run->killed >= FLOWSESS_COLLECT_BUDGET;
	}
	run->next = min(run->next, flowsess_session_deadline(cfg, s));
	return 0;
}

/*
 * A sweep of @size buckets: how many runs it takes and how far apart. A
 * table of up to FLOWSESS_COLLECT_SWEEP_RATE buckets is swept in a second,
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

/* Lower ->collect_due to @deadline; the caller ordered what it wrote before. */
static void flowsess_collect_due(struct flowsess_table *t, ktime_t deadline)
{
	s64 due = atomic64_read(&t->collect_due);

	while (deadline < due &&
	       !atomic64_try_cmpxchg(&t->collect_due, &due, deadline))
		;
}

/* One run: a slice of the sweep in progress, or a look at ->collect_due. */
static u64 flowsess_collect_run(struct flowsess_table *t)
{
	struct flowsess_collect_run run = {
		.table = t, .now = ktime_get_coarse(), .next = KTIME_MAX,
	};
	unsigned int slice;
	u64 interval, wait;
	s64 due;
	bool end;

	interval = flowsess_collect_plan(flowsess_table_buckets(t), &slice);
	if (!t->collect_sweeping) {
		due = atomic64_read(&t->collect_due);
		if (run.now < due)
			goto idle;
		/* From here on, an earlier deadline is kept for the next sweep. */
		atomic64_xchg(&t->collect_due, KTIME_MAX);
		memset(&t->collect_walk, 0, sizeof(t->collect_walk));
		t->collect_next = KTIME_MAX;
		t->collect_sweeping = true;
	}
	rcu_read_lock();
	end = flowsess_table_walk(t, &t->collect_walk, slice,
				  flowsess_collect_one, &run);
	rcu_read_unlock();
	t->collect_next = min(t->collect_next, run.next);
	if (end) {
		t->collect_sweeping = false;
		flowsess_collect_due(t, t->collect_walk.resized ? run.now :
					t->collect_next);
	}
	if (run.killed >= FLOWSESS_COLLECT_BUDGET)
		return FLOWSESS_COLLECT_BUSY;
	if (t->collect_sweeping)
		return interval;
	due = atomic64_read(&t->collect_due);
idle:
	/* Never sooner than a sweep's runs, to keep to RUNS_MAX a second. */
	wait = due > run.now ? min_t(u64, due - run.now, FLOWSESS_COLLECT_LOOK) : 0;
	return max(interval, wait);
}

static enum hrtimer_restart flowsess_collector_fn(struct hrtimer *timer)
{
	struct flowsess_table *t = container_of(timer, struct flowsess_table,
						collector);
	u64 interval = flowsess_collect_run(t);

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
	atomic64_set(&t->collect_due, KTIME_MAX);
	t->collect_sweeping = false;
}

/*
 * A session's deadline may now be as early as @deadline (a TCP state
 * change): the collector will sweep by then. Any context; the change is
 * already stored.
 */
void flowsess_collector_expect(struct flowsess_table *t, ktime_t deadline)
{
	smp_mb();	/* the change before ->collect_due is read (Ordering) */
	flowsess_collect_due(t, deadline);
}

/* Every deadline may have moved (a knob changed): sweep soon. */
void flowsess_collector_recheck(struct flowsess_table *t)
{
	flowsess_collector_expect(t, 0);
}

/*
 * A session expiring at @deadline was inserted: make sure the collector
 * runs and knows. Any context.
 */
void flowsess_collector_kick(struct flowsess_table *t, ktime_t deadline)
{
	unsigned int slice;

	/*
	 * The session is linked and the count went up (a place was
	 * reserved) before this: order both before ->collect_due and the
	 * bit are read, against the sweep that takes ->collect_due and the
	 * run that clears the bit and then reads the count.
	 */
	flowsess_collector_expect(t, deadline);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Aging under pressure: what the table does when it fills up (the SRX's
 * `aging early-ageout`, `high-watermark` and `low-watermark`, pf's adaptive
 * timeouts).
 *
 * Eviction: when the table is at max_sessions, a new session may take the
 * place of an old one, chosen in this order:
 *  0. an expired session not yet collected (collect.c);
 *  1. an unestablished session (a TCP handshake or close in progress, a
 *     RST grace period, a flow that has seen no reply);
 *  2. a session idle for early-ageout or longer;
 * the most idle of its class in the first bucket that holds one.
 * An established session that is not idle that long is never evicted: the
 * new packet is dropped instead (drop_table_full). The search is bounded,
 * as it runs in softirq (flowsess_evict_one()).
 *
 * Early ageout: when the table is high_watermark percent full, a work item
 * invalidates every session idle for early-ageout or longer, unestablished
 * ones first, until the table is down to low_watermark percent; it looks
 * again every second while the table stays above that.
 *
 * The work item runs in process context, walks the table with
 * flowsess_table_each() (again after a resize), and is stopped
 * (->stopping, then cancelled synchronously) before the table is flushed
 * at teardown (session.c, rule 9).
 */
#include "internal.h"

/* How many sessions an eviction may look at, at most. */
#define FLOWSESS_EVICT_SCAN	1024
/* After a fruitless search, when to look again. */
#define FLOWSESS_EVICT_BACKOFF	(HZ / 100 + 1)

static unsigned int flowsess_watermark(struct flowsess_table *t, u8 percent)
{
	return div_u64((u64)flowsess_max_sessions_allowed(flowsess_table_net(t)) *
		       percent, 100);
}

static bool flowsess_idle_for(const struct flowsess_session *s, ktime_t now,
			      ktime_t idle)
{
	return ktime_sub(now, READ_ONCE(s->last_seen)) >= idle;
}

/* An eviction candidate's rank: 0 none, then the order in the comment above. */
enum flowsess_evict_rank {
	FLOWSESS_EVICT_NONE,
	FLOWSESS_EVICT_IDLE,
	FLOWSESS_EVICT_UNESTABLISHED,
	FLOWSESS_EVICT_EXPIRED,
};

struct flowsess_evict {
	const struct flowsess_config *cfg;
	ktime_t now;
	ktime_t early;
	enum flowsess_evict_rank want;
	enum flowsess_evict_rank best_rank;
	struct flowsess_session *victim;
	ktime_t best_seen;
	unsigned int seen;
};

static enum flowsess_evict_rank flowsess_evict_rank(const struct flowsess_evict *e,
						    const struct flowsess_session *s)
{
	if (flowsess_session_expired(e->cfg, s, e->now))
		return FLOWSESS_EVICT_EXPIRED;
	if (!READ_ONCE(s->established))
		return FLOWSESS_EVICT_UNESTABLISHED;
	if (flowsess_idle_for(s, e->now, e->early))
		return FLOWSESS_EVICT_IDLE;
	return FLOWSESS_EVICT_NONE;
}

/* Keep the best candidate; stop after this bucket once it is as good as wanted. */
static int flowsess_evict_consider(struct flowsess_session *s, void *arg)
{
	struct flowsess_evict *e = arg;
	enum flowsess_evict_rank rank = flowsess_evict_rank(e, s);

	e->seen++;
	if (rank != FLOWSESS_EVICT_NONE &&
	    (rank > e->best_rank ||
	     (rank == e->best_rank &&
	      ktime_before(READ_ONCE(s->last_seen), e->best_seen)))) {
		e->victim = s;
		e->best_rank = rank;
		e->best_seen = READ_ONCE(s->last_seen);
	}
	return e->best_rank >= e->want || e->seen >= FLOWSESS_EVICT_SCAN;
}

/*
 * The table is full: kill one session to make room. Under
 * rcu_read_lock(). Returns true if a session was killed.
 *
 * The search goes round the table like a clock hand (->evict_hand), so that
 * successive evictions spread over it, and stops after the first bucket
 * that holds a candidate of the best class still possible (an expired
 * session is always taken first), or after FLOWSESS_EVICT_SCAN sessions:
 * its cost is bounded, and a candidate that exists may be missed only in a
 * table of more than that many sessions (the hand moves on, so the next
 * search looks elsewhere). A search that finds nothing stops the searches
 * for FLOWSESS_EVICT_BACKOFF, whatever class it looked for, so a flood
 * against a table of sessions that may not go costs a comparison per
 * packet, not a search.
 */
bool flowsess_evict_one(struct flowsess_table *t, ktime_t now)
{
	struct flowsess_net *fn = flowsess_table_net(t);
	struct flowsess_evict e = {
		.cfg = &fn->cfg,
		.now = now,
		.early = flowsess_ms(READ_ONCE(fn->cfg.early_ageout_ms)),
	};
	unsigned int hand = READ_ONCE(t->evict_hand);
	struct flowsess_walk w = { .bucket = hand };
	enum flowsess_evict_rank rank;

	if (time_before(jiffies, READ_ONCE(t->evict_retry)))
		return false;
	e.want = atomic_read(&t->unestablished) ? FLOWSESS_EVICT_UNESTABLISHED :
						  FLOWSESS_EVICT_IDLE;
	/* From the hand to the end, then from the start to the hand. */
	if (flowsess_table_walk(t, &w, flowsess_table_buckets(t),
				flowsess_evict_consider, &e) &&
	    e.best_rank < e.want && e.seen < FLOWSESS_EVICT_SCAN)
		flowsess_table_walk(t, &w, hand, flowsess_evict_consider, &e);
	WRITE_ONCE(t->evict_hand, w.bucket);
	if (!e.victim) {
		WRITE_ONCE(t->evict_retry, jiffies + FLOWSESS_EVICT_BACKOFF);
		return false;
	}
	rank = e.best_rank;
	if (rank == FLOWSESS_EVICT_EXPIRED)
		return flowsess_session_expire(t, e.victim, now);
	if (!flowsess_session_invalidate(t, e.victim, FLOWSESS_REASON_EVICT))
		return false;
	flowsess_stat_inc(fn, rank == FLOWSESS_EVICT_UNESTABLISHED ?
			  FLOWSESS_STAT_EVICTED_UNESTABLISHED :
			  FLOWSESS_STAT_EVICTED_EARLY_AGEOUT);
	return true;
}

struct flowsess_early_ageout {
	struct flowsess_table *table;
	unsigned int low;
	bool unestablished;
	ktime_t early;
};

static int flowsess_early_ageout_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_early_ageout *a = arg;

	if (atomic_read(&a->table->count) <= a->low || READ_ONCE(a->table->stopping))
		return 1;
	if (a->unestablished && READ_ONCE(s->established))
		return 0;
	if (flowsess_idle_for(s, ktime_get_coarse(), a->early))
		flowsess_session_invalidate(a->table, s, FLOWSESS_REASON_EARLY_AGEOUT);
	return 0;
}

/*
 * One pass of early ageout over the whole table: kill the sessions idle
 * for early-ageout or longer (only unestablished ones if @unestablished)
 * until the table holds no more than @low. The kills shrink the hash
 * under the pass; until it gets down to @low it sees every session all
 * the same, or the second pass would take established sessions while
 * idle unestablished ones stay.
 */
static void flowsess_early_ageout_pass(struct flowsess_table *t, unsigned int low,
				       bool unestablished)
{
	struct flowsess_early_ageout a = {
		.table = t,
		.low = low,
		.unestablished = unestablished,
		.early = flowsess_ms(READ_ONCE(flowsess_table_net(t)->cfg.early_ageout_ms)),
	};

	if (atomic_read(&t->count) > low)
		flowsess_table_each(t, flowsess_early_ageout_one, &a);
}

static void flowsess_aging_work(struct work_struct *work)
{
	struct flowsess_table *t = container_of(to_delayed_work(work),
						struct flowsess_table, aging_work);
	const struct flowsess_config *cfg = &flowsess_table_net(t)->cfg;
	unsigned int low = flowsess_watermark(t, READ_ONCE(cfg->low_watermark));

	flowsess_early_ageout_pass(t, low, true);
	flowsess_early_ageout_pass(t, low, false);
	if (atomic_read(&t->count) <= low) {
		WRITE_ONCE(t->under_pressure, false);
		return;
	}
	if (!READ_ONCE(t->stopping))
		schedule_delayed_work(&t->aging_work, HZ);
}

void flowsess_aging_init(struct flowsess_table *t)
{
	t->under_pressure = false;
	t->stopping = false;
	t->evict_hand = 0;
	t->evict_retry = jiffies;
	INIT_DELAYED_WORK(&t->aging_work, flowsess_aging_work);
}

/* Teardown: no aging work runs or is queued after this. Sleeps. */
void flowsess_aging_stop(struct flowsess_table *t)
{
	WRITE_ONCE(t->stopping, true);
	cancel_delayed_work_sync(&t->aging_work);
}

/*
 * A session was inserted: at the high watermark, start early ageout. Any
 * context; costs a comparison below the mark.
 */
void flowsess_aging_inserted(struct flowsess_table *t)
{
	const struct flowsess_config *cfg = &flowsess_table_net(t)->cfg;
	unsigned int high = flowsess_watermark(t, READ_ONCE(cfg->high_watermark));
	unsigned int low = flowsess_watermark(t, READ_ONCE(cfg->low_watermark));
	unsigned int count = atomic_read(&t->count);

	/* With the watermarks equal (the default), eviction does the work. */
	if (count < high || count <= low || READ_ONCE(t->under_pressure) ||
	    READ_ONCE(t->stopping))
		return;
	WRITE_ONCE(t->under_pressure, true);
	schedule_delayed_work(&t->aging_work, 0);
}

#ifdef FLOWSESS_KUNIT
#include "tests/aging_test.c"
#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Aging under pressure: what the table does when it fills up (the SRX's
 * `aging early-ageout`, `high-watermark` and `low-watermark`, pf's adaptive
 * timeouts).
 *
 * Eviction: when the table is at max_sessions, a new session may take the
 * place of an old one, chosen in this order:
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
 * The work item runs in process context, walks buckets under RCU like
 * flowsess_table_clear(), and is stopped (->stopping, then cancelled
 * synchronously) before the table is flushed at teardown (table.c, rule 7).
 */
#include "internal.h"

/* How many sessions an eviction may look at, at most. */
#define FLOWSESS_EVICT_SCAN	1024
/* After a fruitless search among established sessions, when to look again. */
#define FLOWSESS_EVICT_BACKOFF	(HZ / 100 + 1)

static unsigned int flowsess_watermark(const struct flowsess_table *t, u8 percent)
{
	return div_u64((u64)READ_ONCE(t->cfg->max_sessions) * percent, 100);
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
};

static enum flowsess_evict_rank flowsess_evict_rank(const struct flowsess_session *s,
						    ktime_t now, ktime_t early)
{
	if (READ_ONCE(s->dead))
		return FLOWSESS_EVICT_NONE;
	if (!test_bit(FLOWSESS_S_ESTABLISHED, &s->flags))
		return FLOWSESS_EVICT_UNESTABLISHED;
	if (flowsess_idle_for(s, now, early))
		return FLOWSESS_EVICT_IDLE;
	return FLOWSESS_EVICT_NONE;
}

/*
 * The table is full: invalidate one session to make room. Under
 * rcu_read_lock(). Returns true if a session was invalidated.
 *
 * The search goes round the table like a clock hand (->evict_hand), so that
 * successive evictions spread over it, and stops at the first bucket that
 * holds a candidate of the best class still possible, or after
 * FLOWSESS_EVICT_SCAN sessions: its cost is bounded, and a candidate that
 * exists may be missed only in a table of more than that many sessions
 * (the hand moves on, so the next search looks elsewhere). When there is
 * no unestablished session and the search found no idle one, none can
 * appear for a while: searches stop for FLOWSESS_EVICT_BACKOFF, so a
 * flood against a table of established sessions costs a comparison per
 * packet, not a search.
 */
bool flowsess_evict_one(struct flowsess_table *t, ktime_t now)
{
	ktime_t early = flowsess_ms(READ_ONCE(t->cfg->early_ageout_ms));
	enum flowsess_evict_rank best_rank = FLOWSESS_EVICT_NONE, want, rank;
	unsigned int i, bucket, seen = 0, start = READ_ONCE(t->evict_hand);
	struct flowsess_session *s, *victim = NULL;
	struct flowsess_tuplehash *th;
	ktime_t best_seen = 0;

	want = atomic_read(&t->unestablished) ? FLOWSESS_EVICT_UNESTABLISHED :
						FLOWSESS_EVICT_IDLE;
	if (want == FLOWSESS_EVICT_IDLE &&
	    time_before(jiffies, READ_ONCE(t->evict_retry)))
		return false;
	for (i = 0; i <= t->mask && seen < FLOWSESS_EVICT_SCAN; i++) {
		bucket = (start + i) & t->mask;
		hlist_for_each_entry_rcu(th, &t->buckets[bucket].head, node) {
			if (th->dir != FLOWSESS_DIR_ORIGINAL)
				continue;
			seen++;
			s = flowsess_th_session(th);
			rank = flowsess_evict_rank(s, now, early);
			if (rank == FLOWSESS_EVICT_NONE || rank < best_rank)
				continue;
			if (rank > best_rank ||
			    ktime_before(READ_ONCE(s->last_seen), best_seen)) {
				victim = s;
				best_rank = rank;
				best_seen = READ_ONCE(s->last_seen);
			}
		}
		if (best_rank == want)
			break;
	}
	WRITE_ONCE(t->evict_hand, (start + i + 1) & t->mask);
	if (!victim && want == FLOWSESS_EVICT_IDLE)
		WRITE_ONCE(t->evict_retry, jiffies + FLOWSESS_EVICT_BACKOFF);
	if (!victim || !flowsess_session_invalidate(victim, FLOWSESS_REASON_EVICT))
		return false;
	flowsess_stat_inc(t->fn, best_rank == FLOWSESS_EVICT_UNESTABLISHED ?
			  FLOWSESS_STAT_EVICTED_UNESTABLISHED :
			  FLOWSESS_STAT_EVICTED_EARLY_AGEOUT);
	return true;
}

/*
 * One pass of early ageout over the whole table: invalidate the sessions
 * idle for early-ageout or longer (only unestablished ones if @unestablished)
 * until the table holds no more than @low.
 */
static void flowsess_early_ageout_pass(struct flowsess_table *t, unsigned int low,
				       bool unestablished)
{
	ktime_t early = flowsess_ms(READ_ONCE(t->cfg->early_ageout_ms));
	struct flowsess_tuplehash *th;
	struct flowsess_session *s;
	unsigned int i;
	ktime_t now;

	for (i = 0; i <= t->mask && !READ_ONCE(t->stopping); i++) {
		now = ktime_get_coarse();
		rcu_read_lock();
		hlist_for_each_entry_rcu(th, &t->buckets[i].head, node) {
			if (atomic_read(&t->count) <= low) {
				rcu_read_unlock();
				return;
			}
			if (th->dir != FLOWSESS_DIR_ORIGINAL)
				continue;
			s = flowsess_th_session(th);
			if (unestablished && test_bit(FLOWSESS_S_ESTABLISHED, &s->flags))
				continue;
			if (flowsess_idle_for(s, now, early))
				flowsess_session_invalidate(s, FLOWSESS_REASON_EARLY_AGEOUT);
		}
		rcu_read_unlock();
		cond_resched();
	}
}

static void flowsess_aging_work(struct work_struct *work)
{
	struct flowsess_table *t = container_of(to_delayed_work(work),
						struct flowsess_table, aging_work);
	unsigned int low = flowsess_watermark(t, READ_ONCE(t->cfg->low_watermark));

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
	unsigned int high = flowsess_watermark(t, READ_ONCE(t->cfg->high_watermark));

	if (atomic_read(&t->count) < high || READ_ONCE(t->under_pressure) ||
	    READ_ONCE(t->stopping))
		return;
	WRITE_ONCE(t->under_pressure, true);
	schedule_delayed_work(&t->aging_work, 0);
}

#ifdef FLOWSESS_KUNIT
#include "tests/aging_test.c"
#endif

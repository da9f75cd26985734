// SPDX-License-Identifier: GPL-2.0
/*
 * Session invalidation timers: one soft hrtimer per session (table.c,
 * rules 3 to 6).
 *
 * The packet path never re-arms a timer for ordinary traffic: it only
 * stores ->last_seen. When the timer fires, the callback computes the real
 * deadline, last_seen + timeout (or the RST grace deadline), and either
 * re-arms for it or invalidates the session. Only events that bring the
 * deadline closer (a RST, a state with a shorter timeout, an invalidation)
 * re-arm the timer, under session->lock.
 */
#include "compat.h"
#include "internal.h"

static enum hrtimer_restart flowsess_timer_fn(struct hrtimer *timer);

void flowsess_timer_init(struct flowsess_session *s)
{
	flowsess_hrtimer_setup(&s->timer, flowsess_timer_fn, CLOCK_MONOTONIC,
			       HRTIMER_MODE_ABS_SOFT);
}

/* session->lock held: the timer fires at @deadline or earlier. */
void flowsess_timer_arm_locked(struct flowsess_session *s, ktime_t deadline)
{
	lockdep_assert_held(&s->lock);
	if (!hrtimer_is_queued(&s->timer) ||
	    ktime_before(deadline, hrtimer_get_expires(&s->timer)))
		hrtimer_start(&s->timer, deadline, HRTIMER_MODE_ABS_SOFT);
}

/*
 * When the session's timer must next look at it. Exact under session->lock;
 * without it (dumps) a snapshot, as the fields are written with WRITE_ONCE().
 */
ktime_t flowsess_session_deadline(const struct flowsess_session *s)
{
	ktime_t rst_deadline = READ_ONCE(s->rst_deadline);

	if (rst_deadline)
		return rst_deadline;
	return ktime_add(READ_ONCE(s->last_seen), READ_ONCE(s->timeout));
}

/* The first arming, right after insertion (table.c). */
void flowsess_timer_start(struct flowsess_session *s)
{
	spin_lock_bh(&s->lock);
	if (!s->dead)
		flowsess_timer_arm_locked(s, flowsess_session_deadline(s));
	spin_unlock_bh(&s->lock);
}

static const enum flowsess_stat flowsess_reason_stat[__FLOWSESS_REASON_MAX] = {
	[FLOWSESS_REASON_IDLE]		= FLOWSESS_STAT_INVALIDATED_IDLE,
	[FLOWSESS_REASON_RST]		= FLOWSESS_STAT_INVALIDATED_RST,
	[FLOWSESS_REASON_RST_TIMER]	= FLOWSESS_STAT_INVALIDATED_RST_TIMER,
	[FLOWSESS_REASON_CLOSE]		= FLOWSESS_STAT_INVALIDATED_CLOSE,
	[FLOWSESS_REASON_FLUSH]		= FLOWSESS_STAT_INVALIDATED_FLUSH,
	[FLOWSESS_REASON_REOPEN]	= FLOWSESS_STAT_INVALIDATED_REOPEN,
	[FLOWSESS_REASON_FIN]		= FLOWSESS_STAT_INVALIDATED_FIN,
	[FLOWSESS_REASON_EARLY_AGEOUT]	= FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT,
	/* evictions are counted by class, in aging.c */
};

/* Rule 4: the one who set ->dead unlinks and counts. */
void flowsess_session_invalidated(struct flowsess_session *s,
				  enum flowsess_reason reason, bool live_kill)
{
	struct flowsess_net *fn = s->table->fn;

	flowsess_session_unlink(s);
	if (flowsess_reason_stat[reason])
		flowsess_stat_inc(fn, flowsess_reason_stat[reason]);
	if (live_kill)
		flowsess_stat_inc(fn, FLOWSESS_STAT_RST_TIMER_LIVE_KILLS);
	flowsess_nl_event(s, FLOWSESS_CMD_SESSION_DEL, reason, live_kill);
}

/*
 * session->lock held, @s live: mark it dead (rule 4) and make its timer
 * expire at once, so that its callback drops the table's reference (rule
 * 5). The caller then calls flowsess_session_invalidated() without the lock.
 */
void flowsess_session_kill_locked(struct flowsess_session *s,
				  enum flowsess_reason reason)
{
	lockdep_assert_held(&s->lock);
	WRITE_ONCE(s->dead, true);
	s->reason = reason;
	flowsess_timer_arm_locked(s, 0);
}

/*
 * Invalidate @s now, from any context. Returns false if it was already
 * invalidated.
 */
bool flowsess_session_invalidate(struct flowsess_session *s,
				 enum flowsess_reason reason)
{
	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return false;
	}
	flowsess_session_kill_locked(s, reason);
	spin_unlock_bh(&s->lock);

	flowsess_session_invalidated(s, reason, false);
	return true;
}

static enum flowsess_reason flowsess_expiry_reason(const struct flowsess_session *s)
{
	if (s->rst_deadline)
		return FLOWSESS_REASON_RST_TIMER;
	switch (s->tcp_state) {
	case FLOWSESS_TCP_FIN_WAIT:
	case FLOWSESS_TCP_CLOSE_WAIT:
	case FLOWSESS_TCP_LAST_ACK:
	case FLOWSESS_TCP_TIME_WAIT:
		return FLOWSESS_REASON_CLOSE;
	default:
		return FLOWSESS_REASON_IDLE;
	}
}

/*
 * Soft hrtimer callback, in softirq context. rcu_read_lock() makes the
 * module's rcu_barrier() at unload also wait for the end of this function.
 */
static enum hrtimer_restart flowsess_timer_fn(struct hrtimer *timer)
{
	struct flowsess_session *s = container_of(timer, struct flowsess_session, timer);
	enum flowsess_reason reason;
	bool live_kill;
	ktime_t deadline;

	rcu_read_lock();
	spin_lock(&s->lock);
	if (hrtimer_is_queued(timer)) {
		/* Re-armed while we waited for the lock: that expiry owns it. */
		spin_unlock(&s->lock);
		rcu_read_unlock();
		return HRTIMER_NORESTART;
	}
	if (!s->dead) {
		deadline = flowsess_session_deadline(s);
		if (ktime_after(deadline, ktime_get())) {
			hrtimer_set_expires(timer, deadline);
			spin_unlock(&s->lock);
			rcu_read_unlock();
			return HRTIMER_RESTART;
		}
		reason = flowsess_expiry_reason(s);
		live_kill = reason == FLOWSESS_REASON_RST_TIMER && s->traffic_after_rst;
		WRITE_ONCE(s->dead, true);
		s->reason = reason;
		spin_unlock(&s->lock);
		flowsess_session_invalidated(s, reason, live_kill);
	} else {
		spin_unlock(&s->lock);
	}
	flowsess_session_put(s);
	rcu_read_unlock();
	return HRTIMER_NORESTART;
}

#ifdef FLOWSESS_KUNIT
#include "tests/timers_test.c"
#endif

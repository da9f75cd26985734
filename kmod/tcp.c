// SPDX-License-Identifier: GPL-2.0
/*
 * TCP session tracking: the state machine and the SRX `tcp-session` rules.
 *
 * A TCP session is created only by a SYN without ACK, unless no-syn-check
 * lets a plain ACK segment pick up a connection in mid-stream. The states
 * follow nf_conntrack's, simplified: the close states move on FIN and ACK
 * from either side. Segments must fall inside the window (tcp_window.c)
 * unless no-sequence-check is set; a late one (a duplicate, an overtaken
 * ACK) passes and changes nothing here. strict-syn-check drops data sent
 * before the handshake completes.
 *
 * A RST in the window is special (SRX semantics):
 *  - rst-invalidate-session on: the session is invalidated at once, so the
 *    next SYN on the same tuple creates a fresh session;
 *  - off (default): the session goes to CLOSE and is invalidated when the
 *    RST grace delay (default 2 s) has passed. Until then every segment
 *    matches and passes, including a retried SYN and its handshake.
 * That second case is the failure flowsess reproduces: a connection that
 * completes its handshake on a CLOSE session dies with it. Segments that
 * carry a SYN or data after the RST are remembered, so that the session's
 * end at the deadline counts as a live kill. Two other knobs avoid it:
 * syn-reopen makes a SYN on a CLOSE session start it afresh, and
 * time-wait-state sends a closed session (RST or FINs) to TIME_WAIT, where
 * a SYN opens a new one.
 * fin-invalidate-session invalidates a session at its first FIN.
 *
 * Pickups. Tracking that starts on a live router (the module loaded, a new
 * version of it loaded, the table cleared) finds connections already open,
 * whose next segment has no session and is not a SYN. For the pickup
 * period after each (pickup-period, 60 s by default) a segment with only
 * ACK of the flags that change state (not SYN, FIN or RST) picks its
 * connection up, as one always does with no-syn-check (not with
 * strict-syn-check, which wants a handshake); after it, the SRX rule holds
 * again and such a segment is dropped. In the period, a RST or a FIN with
 * ACK with no session, the end of a connection not picked up, passes
 * untracked. A picked-up session starts ESTABLISHED, and counts as
 * established (aging.c) and ages as such once its reply direction is
 * seen. Its window scales were in SYNs flowsess never saw, so it is
 * tracked loosely (tcp_window.c) for its life, as nf_conntrack tracks its
 * pickups; a SYN from either side may open its tuple again.
 */
#include "internal.h"

#define T_SS FLOWSESS_TCP_SYN_SENT
#define T_SR FLOWSESS_TCP_SYN_RECV
#define T_ES FLOWSESS_TCP_ESTABLISHED
#define T_FW FLOWSESS_TCP_FIN_WAIT
#define T_CW FLOWSESS_TCP_CLOSE_WAIT
#define T_LA FLOWSESS_TCP_LAST_ACK
#define T_TW FLOWSESS_TCP_TIME_WAIT
#define T_IV FLOWSESS_TCP_INVALID
#define T_RO FLOWSESS_TCP_REOPEN_STATE

/*
 * next[dir][event][state]. CLOSE (RST seen) is handled before the table;
 * RST never reaches it. Columns: NONE SYN_SENT SYN_RECV ESTABLISHED
 * FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE.
 */
static const u8 flowsess_tcp_table[FLOWSESS_DIR_MAX][FLOWSESS_TCP_EV_MAX][__FLOWSESS_TCP_MAX] = {
	[FLOWSESS_DIR_ORIGINAL] = {
/* SYN: a retransmission in SYN_SENT / SYN_RECV, a new connection on TIME_WAIT */
		[FLOWSESS_TCP_EV_SYN]	 = { T_IV, T_SS, T_SR, T_IV, T_IV, T_IV, T_IV, T_RO, T_IV },
/* SYN-ACK never comes from the side that opened */
		[FLOWSESS_TCP_EV_SYNACK] = { T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV },
		[FLOWSESS_TCP_EV_FIN]	 = { T_IV, T_IV, T_FW, T_FW, T_LA, T_LA, T_LA, T_TW, T_IV },
/* the client's ACK of the SYN-ACK establishes */
		[FLOWSESS_TCP_EV_ACK]	 = { T_IV, T_SS, T_ES, T_ES, T_CW, T_CW, T_TW, T_TW, T_IV },
		[FLOWSESS_TCP_EV_NONE]	 = { T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV },
	},
	[FLOWSESS_DIR_REPLY] = {
/* a SYN from the server only in a simultaneous open */
		[FLOWSESS_TCP_EV_SYN]	 = { T_IV, T_SR, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV },
/* the answer to the SYN; retransmitted if the client's ACK was lost */
		[FLOWSESS_TCP_EV_SYNACK] = { T_IV, T_SR, T_SR, T_ES, T_IV, T_IV, T_IV, T_IV, T_IV },
		[FLOWSESS_TCP_EV_FIN]	 = { T_IV, T_IV, T_FW, T_FW, T_LA, T_LA, T_LA, T_TW, T_IV },
		[FLOWSESS_TCP_EV_ACK]	 = { T_IV, T_IV, T_SR, T_ES, T_CW, T_CW, T_TW, T_TW, T_IV },
		[FLOWSESS_TCP_EV_NONE]	 = { T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV, T_IV },
	},
};

enum flowsess_tcp_event flowsess_tcp_event(const struct tcphdr *th)
{
	if (th->rst)
		return FLOWSESS_TCP_EV_RST;
	if (th->syn) {
		/* SYN|FIN means nothing in TCP: no state takes it. */
		if (th->fin)
			return FLOWSESS_TCP_EV_NONE;
		return th->ack ? FLOWSESS_TCP_EV_SYNACK : FLOWSESS_TCP_EV_SYN;
	}
	if (th->fin)
		return FLOWSESS_TCP_EV_FIN;
	if (th->ack)
		return FLOWSESS_TCP_EV_ACK;
	return FLOWSESS_TCP_EV_NONE;
}

u8 flowsess_tcp_next(u8 state, enum flowsess_dir dir, enum flowsess_tcp_event ev)
{
	if (state >= __FLOWSESS_TCP_MAX || dir >= FLOWSESS_DIR_MAX ||
	    ev >= FLOWSESS_TCP_EV_MAX || ev == FLOWSESS_TCP_EV_RST)
		return T_IV;
	return flowsess_tcp_table[dir][ev][state];
}

/* How long a session in @state may stay idle. */
ktime_t flowsess_tcp_timeout(const struct flowsess_timeouts *to, u8 state)
{
	if (state == FLOWSESS_TCP_TIME_WAIT) {
		switch (READ_ONCE(to->time_wait_state)) {
		case FLOWSESS_TIME_WAIT_SESSION_AGEOUT:
			state = FLOWSESS_TCP_ESTABLISHED;
			break;
		case FLOWSESS_TIME_WAIT_SESSION_TIMEOUT:
			return flowsess_ms(READ_ONCE(to->time_wait_timeout_ms));
		}
	}
	return flowsess_ms(READ_ONCE(to->tcp_timeout_ms[state]));
}

/*
 * The pickup period: it opens in each namespace there at the module's
 * load, and in one whose table is cleared; it lasts pickup-period from
 * then. A changed pickup-period applies to a period still open, and opens
 * none that has ended. Writers: pernet init, or under genl_mutex. The
 * packet path reads it when a segment finds no session; a clear opens it
 * before it unlinks anything, and the reader's smp_rmb() (after a lookup
 * that found nothing) pairs with the unlink's release.
 */
ktime_t flowsess_pickup_open(struct flowsess_net *fn)
{
	return atomic64_xchg(&fn->pickup_opened, ktime_get_coarse());
}

ktime_t flowsess_pickup_close(struct flowsess_net *fn)
{
	return atomic64_xchg(&fn->pickup_opened, 0);
}

/* Back to what open() or close() returned. */
void flowsess_pickup_restore(struct flowsess_net *fn, ktime_t opened)
{
	atomic64_set(&fn->pickup_opened, opened);
}

/* Before pickup-period changes: an ended period stays ended. */
void flowsess_pickup_period_changing(struct flowsess_net *fn)
{
	if (!flowsess_pickup_remaining_ms(fn, ktime_get_coarse()))
		flowsess_pickup_close(fn);
}

/* What is left of the pickup period at @now (coarse clock); 0: closed. */
u32 flowsess_pickup_remaining_ms(const struct flowsess_net *fn, ktime_t now)
{
	ktime_t opened = atomic64_read(&fn->pickup_opened);
	ktime_t end;

	if (!opened)
		return 0;
	end = ktime_add_ms(opened, READ_ONCE(fn->cfg.pickup_period_ms));
	if (!ktime_after(end, now))
		return 0;
	return DIV_ROUND_UP_ULL(ktime_to_ns(ktime_sub(end, now)), NSEC_PER_MSEC);
}

/* In the pickup period (not with strict-syn-check), for a segment. */
static bool flowsess_pickup_now(const struct flowsess_net *fn, ktime_t now)
{
	smp_rmb();	/* the lookup that found no session, then the period */
	return !READ_ONCE(fn->cfg.strict_syn_check) &&
	       flowsess_pickup_remaining_ms(fn, now);
}

/*
 * A FIN or RST with no session, in the pickup period: the end of a
 * connection that was not picked up (idle since before). It passes,
 * untracked, so that the other end learns of it.
 */
bool flowsess_tcp_may_pass_untracked(const struct flowsess_net *fn,
				     const struct tcphdr *th, ktime_t now)
{
	return ((th->fin && th->ack) || th->rst) && !th->syn &&
	       flowsess_pickup_now(fn, now);
}

/*
 * May a segment with no session create one? A SYN alone; with no-syn-check,
 * or in the pickup period unless strict-syn-check (which wants every
 * session to have had its handshake) is on, also a segment with ACK and
 * neither FIN nor RST (nf_conntrack's loose pickup takes the same).
 */
bool flowsess_tcp_may_create(const struct flowsess_net *fn,
			     const struct tcphdr *th, ktime_t now)
{
	if (th->rst || th->fin)
		return false;
	if (th->syn)
		return !th->ack;
	if (!th->ack)
		return false;
	return READ_ONCE(fn->cfg.no_syn_check) || flowsess_pickup_now(fn, now);
}

/*
 * A new session, from the segment that may create it: a SYN, or a segment
 * picked up in mid-stream (established once it is answered). session->lock
 * not needed: not yet seen.
 */
void flowsess_tcp_session_init(struct flowsess_net *fn,
			       struct flowsess_session *s,
			       const struct flowsess_tcp_seg *seg)
{
	s->tcp_state = seg->th.syn ? FLOWSESS_TCP_SYN_SENT : FLOWSESS_TCP_ESTABLISHED;
	flowsess_tcp_window_init(s, seg);
}

/*
 * Has one direction's edge passed a multiple of FLOWSESS_SYNC_PROGRESS_BYTES
 * (uapi/flowsess.h)? Then a copy of the session on another router hears of
 * it, and is never further behind than that.
 */
static bool flowsess_tcp_progressed(u32 before, u32 after)
{
	BUILD_BUG_ON(!is_power_of_2(FLOWSESS_SYNC_PROGRESS_BYTES));
	return (before ^ after) >= FLOWSESS_SYNC_PROGRESS_BYTES;
}

/*
 * session->lock held: the session is closed, by a RST (knob off) or by the
 * last ACK of the FINs. With time-wait-state it waits in TIME_WAIT, where a
 * SYN may open a new session; otherwise a RST starts the grace period.
 */
static void flowsess_tcp_closed(struct flowsess_net *fn, struct flowsess_session *s,
				bool rst)
{
	const struct flowsess_config *cfg = &fn->cfg;

	flowsess_session_set_established(&fn->table, s, false);
	if (!rst || READ_ONCE(cfg->timeouts.time_wait_state) != FLOWSESS_TIME_WAIT_OFF) {
		flowsess_session_set_tcp_state(&fn->table, s, FLOWSESS_TCP_TIME_WAIT);
		return;
	}
	/*
	 * The precise clock: the grace delay is a promise in milliseconds. It
	 * is added when the deadline is checked, so a changed delay applies.
	 */
	flowsess_session_set_tcp_state(&fn->table, s, FLOWSESS_TCP_CLOSE);
	WRITE_ONCE(s->rst_seen, ktime_get());
}

/*
 * May a SYN from @dir open the connection again (a new one on TIME_WAIT,
 * syn-reopen on CLOSE)? From the side that opened it; for a pickup, whose
 * original direction is whichever side flowsess saw first, from either.
 */
static bool flowsess_tcp_opener(const struct flowsess_session *s,
				enum flowsess_dir dir)
{
	return dir == FLOWSESS_DIR_ORIGINAL || flowsess_tcp_loose(s);
}

/*
 * session->lock held, state CLOSE: a segment on a session doomed by a RST.
 * Everything passes until the grace deadline; a SYN or data is traffic
 * the deadline will kill (a live kill). With syn-reopen, the client's new
 * SYN instead starts the session afresh: the grace deadline is gone, and
 * the session ages by its idle timeout again. A pickup that saw the
 * server first has the client as its reply side: its SYN replaces the
 * session with one the right way round (REOPEN), as on TIME_WAIT.
 */
static enum flowsess_tcp_action flowsess_tcp_doomed(struct flowsess_net *fn,
						    struct flowsess_session *s,
						    enum flowsess_dir dir,
						    const struct flowsess_tcp_seg *seg,
						    ktime_t now)
{
	enum flowsess_tcp_event ev = flowsess_tcp_event(&seg->th);

	if (ev == FLOWSESS_TCP_EV_SYN && flowsess_tcp_opener(s, dir) &&
	    READ_ONCE(fn->cfg.syn_reopen)) {
		flowsess_stat_inc(fn, FLOWSESS_STAT_SYN_REOPENS);
		if (dir != FLOWSESS_DIR_ORIGINAL)
			return FLOWSESS_TCP_REOPEN;
		/* Its idle time starts now, not at the last packet before. */
		WRITE_ONCE(s->last_seen, now);
		WRITE_ONCE(s->rst_seen, 0);
		WRITE_ONCE(s->replied, false);
		s->traffic_after_rst = false;
		flowsess_session_set_tcp_state(&fn->table, s, FLOWSESS_TCP_SYN_SENT);
		flowsess_tcp_window_init(s, seg);
		return FLOWSESS_TCP_PASS;
	}
	if (ev == FLOWSESS_TCP_EV_SYN || seg->payload_len)
		s->traffic_after_rst = true;
	return FLOWSESS_TCP_PASS;
}

/*
 * strict-syn-check: data before the handshake completes. The client's ACK
 * that completes it may carry data.
 */
static bool flowsess_tcp_early_data(const struct flowsess_session *s, u8 next,
				    const struct flowsess_tcp_seg *seg)
{
	return seg->payload_len &&
	       (s->tcp_state == FLOWSESS_TCP_SYN_SENT ||
		s->tcp_state == FLOWSESS_TCP_SYN_RECV) &&
	       next != FLOWSESS_TCP_ESTABLISHED;
}

/*
 * session->lock held: is @seg acceptable at all (PASS), late (LATE: it
 * passes but tells the session nothing), or not (DROP, counted why)?
 */
static enum flowsess_tcp_action flowsess_tcp_acceptable(struct flowsess_net *fn,
							struct flowsess_session *s,
							enum flowsess_dir dir, u8 next,
							const struct flowsess_tcp_seg *seg)
{
	const struct flowsess_config *cfg = &fn->cfg;

	if (next == T_IV) {
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_TCP_STATE);
		return FLOWSESS_TCP_DROP;
	}
	if (READ_ONCE(cfg->strict_syn_check) && flowsess_tcp_early_data(s, next, seg)) {
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_STRICT_SYN);
		return FLOWSESS_TCP_DROP;
	}
	if (seg->th.rst && READ_ONCE(cfg->rst_sequence_check) &&
	    !flowsess_tcp_rst_expected(s, dir, seg)) {
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_RST_SEQUENCE);
		return FLOWSESS_TCP_DROP;
	}
	if (READ_ONCE(cfg->no_sequence_check))
		return FLOWSESS_TCP_PASS;
	switch (flowsess_tcp_in_window(s, dir, seg)) {
	case FLOWSESS_TCP_WINDOW_IN:
		return FLOWSESS_TCP_PASS;
	case FLOWSESS_TCP_WINDOW_LATE:
		return FLOWSESS_TCP_LATE;
	case FLOWSESS_TCP_WINDOW_OUT:
		break;
	}
	flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_TCP_WINDOW);
	return FLOWSESS_TCP_DROP;
}

/*
 * Track one segment of session @s seen in direction @dir. Returns what the
 * caller must do; the caller updates ->last_seen for PASS (a copy is made
 * its own here), and for LATE accepts the packet and touches nothing. A
 * segment that invalidates its session (a RST or a FIN, by their knobs)
 * passes.
 */
enum flowsess_tcp_action flowsess_tcp_track(struct flowsess_net *fn,
					    struct flowsess_session *s,
					    enum flowsess_dir dir,
					    const struct flowsess_tcp_seg *seg,
					    ktime_t now)
{
	enum flowsess_tcp_event ev = flowsess_tcp_event(&seg->th);
	enum flowsess_reason kill = FLOWSESS_REASON_NONE;
	enum flowsess_tcp_action action = FLOWSESS_TCP_PASS;
	const struct flowsess_config *cfg = &fn->cfg;
	bool changed = false;
	u32 sent, acked;
	u8 next;

	spin_lock_bh(&s->lock);
	/* It may have expired while this waited for the lock: then it is gone. */
	if (s->dead || flowsess_session_expired(cfg, s, now)) {
		action = FLOWSESS_TCP_GONE;
		goto out;
	}
	sent = s->peer[dir].end;
	acked = s->peer[!dir].end;
	if (s->tcp_state == FLOWSESS_TCP_CLOSE) {
		action = flowsess_tcp_doomed(fn, s, dir, seg, now);
		if (action == FLOWSESS_TCP_PASS)
			flowsess_session_own_locked(s);
		changed = s->tcp_state != FLOWSESS_TCP_CLOSE;
		goto out;
	}

	if (ev == FLOWSESS_TCP_EV_RST)
		next = s->tcp_state;
	else if (ev == FLOWSESS_TCP_EV_SYN && flowsess_tcp_opener(s, dir))
		next = flowsess_tcp_next(s->tcp_state, FLOWSESS_DIR_ORIGINAL, ev);
	else
		next = flowsess_tcp_next(s->tcp_state, dir, ev);
	if (next == T_RO) {
		action = FLOWSESS_TCP_REOPEN;
		goto out;
	}
	action = flowsess_tcp_acceptable(fn, s, dir, next, seg);
	if (action != FLOWSESS_TCP_PASS)
		goto out;
	/* It passes: before any event of it. LATE teaches nothing: not it. */
	flowsess_session_own_locked(s);

	if (ev == FLOWSESS_TCP_EV_RST) {
		if (READ_ONCE(cfg->rst_invalidate_session))
			kill = FLOWSESS_REASON_RST;
		else
			flowsess_tcp_closed(fn, s, true);
		changed = true;
	} else if (ev == FLOWSESS_TCP_EV_FIN && READ_ONCE(cfg->fin_invalidate_session)) {
		kill = FLOWSESS_REASON_FIN;
	} else if (next == FLOWSESS_TCP_TIME_WAIT && next != s->tcp_state) {
		flowsess_tcp_closed(fn, s, false);
		changed = true;
	} else if (next != s->tcp_state) {
		flowsess_session_set_established(&fn->table, s,
						 next == FLOWSESS_TCP_ESTABLISHED);
		flowsess_session_set_tcp_state(&fn->table, s, next);
		changed = true;
	} else if (next == FLOWSESS_TCP_ESTABLISHED && dir == FLOWSESS_DIR_REPLY &&
		   !s->established) {
		/* A pickup's answer: the flow goes both ways now; a copy must know. */
		flowsess_session_set_established(&fn->table, s, true);
		changed = true;
	}
	if (kill)
		flowsess_session_kill_locked(&fn->table, s, kill);
	/* The other side's edge moves with what this one acknowledges. */
	if (!changed && !kill && (flowsess_tcp_progressed(sent, s->peer[dir].end) ||
				  flowsess_tcp_progressed(acked, s->peer[!dir].end)))
		flowsess_event(fn, s, FLOWSESS_EVENT_PROGRESS, FLOWSESS_REASON_NONE, false);
out:
	/* Under the lock a killer takes: a change comes before the end. */
	if (changed && !kill)
		flowsess_event(fn, s, FLOWSESS_EVENT_STATE, FLOWSESS_REASON_NONE, false);
	spin_unlock_bh(&s->lock);
	if (kill)
		flowsess_session_killed(&fn->table, s, false);
	else if (changed)
		/* A closing state's timeout is shorter: the collector must know. */
		flowsess_collector_expect(&fn->table, flowsess_session_deadline(cfg, s));
	return action;
}

#ifdef FLOWSESS_KUNIT
#include "tests/tcp_test.c"
#endif

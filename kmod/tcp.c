// SPDX-License-Identifier: GPL-2.0
/*
 * TCP session tracking: the state machine and the RST policy.
 *
 * A TCP session is created only by a SYN without ACK (hooks.c). The states
 * follow nf_conntrack's, simplified: the close states move on FIN and ACK
 * from either side. A RST is special (SRX semantics):
 *  - rst-invalidate-session on: the session is invalidated at once, so the
 *    next SYN on the same tuple creates a fresh session;
 *  - off (default): the session goes to CLOSE and is invalidated when the
 *    RST grace delay (default 2 s) has passed. Until then every segment
 *    matches and passes, including a retried SYN and its handshake.
 * That second case is the failure flowsess reproduces: a connection that
 * completes its handshake on a CLOSE session dies with it. Segments that
 * carry a SYN or data after the RST are remembered, so the timer can count
 * the death as a live kill.
 */
#include <linux/tcp.h>

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
	if (th->syn)
		return th->ack ? FLOWSESS_TCP_EV_SYNACK : FLOWSESS_TCP_EV_SYN;
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

static ktime_t flowsess_tcp_timeout(const struct flowsess_session *s, u8 state)
{
	return flowsess_ms(READ_ONCE(s->table->cfg->tcp_timeout_ms[state]));
}

/* A new session, created by a SYN: session->lock not needed, not yet seen. */
void flowsess_tcp_session_init(struct flowsess_session *s)
{
	s->tcp_state = FLOWSESS_TCP_SYN_SENT;
	s->timeout = flowsess_tcp_timeout(s, FLOWSESS_TCP_SYN_SENT);
}

/* session->lock held: a RST on a live session, knob off. */
static void flowsess_tcp_rst_grace(struct flowsess_session *s)
{
	u32 grace_ms = READ_ONCE(s->table->cfg->rst_grace_ms);
	ktime_t deadline;

	/* The precise clock: the grace delay is a promise in milliseconds. */
	deadline = ktime_add(ktime_get(), flowsess_ms(grace_ms));
	WRITE_ONCE(s->tcp_state, FLOWSESS_TCP_CLOSE);
	WRITE_ONCE(s->rst_deadline, deadline);
	flowsess_timer_arm_locked(s, deadline);
}

/*
 * Track one segment of session @s seen in direction @dir. Returns what the
 * caller must do; the caller updates ->last_seen for PASS.
 */
enum flowsess_tcp_action flowsess_tcp_track(struct flowsess_session *s,
					    enum flowsess_dir dir,
					    const struct tcphdr *th,
					    unsigned int payload_len,
					    ktime_t now)
{
	enum flowsess_tcp_event ev = flowsess_tcp_event(th);
	enum flowsess_tcp_action action = FLOWSESS_TCP_PASS;
	u8 next;

	spin_lock_bh(&s->lock);
	if (s->dead) {
		action = FLOWSESS_TCP_GONE;
		goto out;
	}
	if (s->tcp_state == FLOWSESS_TCP_CLOSE) {
		/* Doomed by a RST: everything passes until the timer fires. */
		if (ev == FLOWSESS_TCP_EV_SYN || payload_len)
			s->traffic_after_rst = true;
		goto out;
	}
	if (ev == FLOWSESS_TCP_EV_RST) {
		if (READ_ONCE(s->table->cfg->rst_invalidate_session))
			action = FLOWSESS_TCP_INVALIDATE_RST;
		else
			flowsess_tcp_rst_grace(s);
		goto out;
	}

	next = flowsess_tcp_next(s->tcp_state, dir, ev);
	if (next == T_IV) {
		action = FLOWSESS_TCP_DROP;
	} else if (next == T_RO) {
		action = FLOWSESS_TCP_REOPEN;
	} else if (next != s->tcp_state) {
		ktime_t timeout = flowsess_tcp_timeout(s, next);

		/* Dumps read these without the lock (table.c, rule 2). */
		WRITE_ONCE(s->tcp_state, next);
		WRITE_ONCE(s->timeout, timeout);
		/* A shorter timeout must not wait for a later expiry. */
		flowsess_timer_arm_locked(s, ktime_add(now, timeout));
	}
out:
	spin_unlock_bh(&s->lock);
	return action;
}

#ifdef FLOWSESS_KUNIT
#include "tests/tcp_test.c"
#endif

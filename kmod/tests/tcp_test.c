// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the TCP state machine and the RST policy. Included at the end of
 * tcp.c in the test build.
 */
#include <kunit/test.h>

#include "util.h"

#define O FLOWSESS_DIR_ORIGINAL
#define R FLOWSESS_DIR_REPLY

struct flowsess_tcp_case {
	const char *name;
	u8 state;
	enum flowsess_dir dir;
	enum flowsess_tcp_event ev;
	u8 next;
};

/* Each allowed and each rejected transition, with why. */
static const struct flowsess_tcp_case flowsess_tcp_cases[] = {
	/* the handshake */
	{ "SYN retransmitted",		T_SS, O, FLOWSESS_TCP_EV_SYN,	T_SS },
	{ "SYN-ACK answers the SYN",	T_SS, R, FLOWSESS_TCP_EV_SYNACK,	T_SR },
	{ "simultaneous open",		T_SS, R, FLOWSESS_TCP_EV_SYN,	T_SR },
	{ "ACK before the SYN-ACK passes", T_SS, O, FLOWSESS_TCP_EV_ACK,	T_SS },
	{ "SYN-ACK retransmitted",	T_SR, R, FLOWSESS_TCP_EV_SYNACK,	T_SR },
	{ "SYN again in SYN_RECV",	T_SR, O, FLOWSESS_TCP_EV_SYN,	T_SR },
	{ "the client's ACK establishes", T_SR, O, FLOWSESS_TCP_EV_ACK,	T_ES },
	{ "server ACK in SYN_RECV",	T_SR, R, FLOWSESS_TCP_EV_ACK,	T_SR },
	/* established */
	{ "data from the client",	T_ES, O, FLOWSESS_TCP_EV_ACK,	T_ES },
	{ "data from the server",	T_ES, R, FLOWSESS_TCP_EV_ACK,	T_ES },
	{ "late SYN-ACK retransmission", T_ES, R, FLOWSESS_TCP_EV_SYNACK, T_ES },
	/* closing, from either side */
	{ "client FIN",			T_ES, O, FLOWSESS_TCP_EV_FIN,	T_FW },
	{ "server FIN",			T_ES, R, FLOWSESS_TCP_EV_FIN,	T_FW },
	{ "FIN acknowledged",		T_FW, R, FLOWSESS_TCP_EV_ACK,	T_CW },
	{ "both FINs",			T_FW, R, FLOWSESS_TCP_EV_FIN,	T_LA },
	{ "second FIN",			T_CW, R, FLOWSESS_TCP_EV_FIN,	T_LA },
	{ "last ACK",			T_LA, O, FLOWSESS_TCP_EV_ACK,	T_TW },
	{ "ACK in TIME_WAIT",		T_TW, O, FLOWSESS_TCP_EV_ACK,	T_TW },
	{ "FIN retransmitted in TIME_WAIT", T_TW, R, FLOWSESS_TCP_EV_FIN, T_TW },
	{ "new SYN on TIME_WAIT reopens", T_TW, O, FLOWSESS_TCP_EV_SYN,	T_RO },
	/* rejected */
	{ "SYN-ACK from the client",	T_SS, O, FLOWSESS_TCP_EV_SYNACK,	T_IV },
	{ "SYN-ACK from the client, established", T_ES, O, FLOWSESS_TCP_EV_SYNACK, T_IV },
	{ "server ACK before its SYN-ACK", T_SS, R, FLOWSESS_TCP_EV_ACK, T_IV },
	{ "FIN before the SYN-ACK",	T_SS, O, FLOWSESS_TCP_EV_FIN,	T_IV },
	{ "SYN on an established session", T_ES, O, FLOWSESS_TCP_EV_SYN, T_IV },
	{ "server SYN on an established session", T_ES, R, FLOWSESS_TCP_EV_SYN, T_IV },
	{ "SYN in FIN_WAIT",		T_FW, O, FLOWSESS_TCP_EV_SYN,	T_IV },
	{ "server SYN in TIME_WAIT",	T_TW, R, FLOWSESS_TCP_EV_SYN,	T_IV },
	{ "no flags at all",		T_ES, O, FLOWSESS_TCP_EV_NONE,	T_IV },
	{ "no flags from the server",	T_SR, R, FLOWSESS_TCP_EV_NONE,	T_IV },
	{ "RST never goes through the table", T_ES, O, FLOWSESS_TCP_EV_RST, T_IV },
	{ "out-of-range state",		__FLOWSESS_TCP_MAX, O, FLOWSESS_TCP_EV_ACK, T_IV },
};

static void flowsess_tcp_case_desc(const struct flowsess_tcp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flowsess_tcp_transition, flowsess_tcp_cases, flowsess_tcp_case_desc);

static void flowsess_test_tcp_transition(struct kunit *test)
{
	const struct flowsess_tcp_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, flowsess_tcp_next(c->state, c->dir, c->ev), c->next);
}

static void flowsess_test_tcp_event(struct kunit *test)
{
	struct tcphdr th = {};

	th.syn = 1;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&th), FLOWSESS_TCP_EV_SYN);
	th.ack = 1;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&th), FLOWSESS_TCP_EV_SYNACK);
	th.syn = 0;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&th), FLOWSESS_TCP_EV_ACK);
	th.fin = 1;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&th), FLOWSESS_TCP_EV_FIN);
	th.rst = 1;	/* RST wins over everything */
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&th), FLOWSESS_TCP_EV_RST);
	memset(&th, 0, sizeof(th));
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&th), FLOWSESS_TCP_EV_NONE);
}

/*
 * A segment with @flags and no sequence numbers to speak of: the suites of
 * this file test the states, so their namespaces run with
 * no-sequence-check (tcp_window_test.c tests the windows).
 */
static enum flowsess_tcp_action track(struct flowsess_net *fn,
				      struct flowsess_session *s,
				      enum flowsess_dir dir, const char *flags,
				      unsigned int payload)
{
	struct flowsess_tcp_seg seg;

	flowsess_test_seg(&seg, flags, 0, 0, 65535, payload);
	return flowsess_tcp_track(fn, s, dir, &seg, ktime_get_coarse());
}

/* A segment with all its numbers, from @dir, tracked now. */
static enum flowsess_tcp_action track_seg(struct flowsess_net *fn, struct flowsess_session *s,
					  enum flowsess_dir dir, const char *flags, u32 seq,
					  u32 ack, u16 win, unsigned int payload)
{
	struct flowsess_tcp_seg seg;

	flowsess_test_seg(&seg, flags, seq, ack, win, payload);
	return flowsess_tcp_track(fn, s, dir, &seg, ktime_get_coarse());
}

/* A namespace for state tests: defaults, without sequence checking. */
static struct flowsess_net *flowsess_tcp_test_net(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);

	fn->cfg.no_sequence_check = true;
	return fn;
}

/*
 * SYN|FIN (with or without ACK) is no TCP segment a state accepts, not a
 * SYN: it opens nothing, retransmits nothing, and is dropped as invalid
 * in every state.
 */
static void flowsess_test_tcp_syn_fin(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_tcp_seg seg;
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_seg(&seg, "SF", 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&seg.th), FLOWSESS_TCP_EV_NONE);
	flowsess_test_seg(&seg, "SFA", 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_event(&seg.th), FLOWSESS_TCP_EV_NONE);
	KUNIT_EXPECT_FALSE(test, flowsess_tcp_may_create(fn, &seg.th, ktime_get_coarse()));

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "SF", 0), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SFA", 0), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "SF", 0), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_STATE), 3ULL);
	flowsess_test_net_destroy(fn);
}

/* Knob off: RST moves to CLOSE with a deadline; everything passes. */
static void flowsess_test_tcp_rst_grace(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t before;

	fn->cfg.timeouts.rst_grace_ms = 60000;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);

	before = ktime_get();
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "RA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_GE(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
					     before), 60000);
	KUNIT_EXPECT_LE(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
					     ktime_get()), 60000);
	/* It ends at the RST deadline, not at the idle timeout. */
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, s),
			ktime_add_ms(s->rst_seen, fn->cfg.timeouts.rst_grace_ms));
	KUNIT_EXPECT_FALSE(test, s->established);
	KUNIT_EXPECT_FALSE(test, s->traffic_after_rst);

	/* The KB retry: SYN, SYN-ACK, ACK, data all pass the doomed session. */
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "S", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, s->traffic_after_rst);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 10), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_FALSE(test, s->established);
	flowsess_test_net_destroy(fn);
}

/* Knob on: the RST asks for immediate invalidation. */
static void flowsess_test_tcp_rst_invalidate(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.rst_invalidate_session = true;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	rcu_read_lock();	/* it is freed after the kill's grace period */
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "RA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s->dead));
	KUNIT_EXPECT_EQ(test, s->reason, FLOWSESS_REASON_RST);
	KUNIT_EXPECT_NE(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, s->rst_seen, 0);
	/* After invalidation the session is gone for every segment. */
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "S", 0), FLOWSESS_TCP_GONE);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_RST), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	flowsess_test_net_destroy(fn);
}

/* A full connection walks the states; rejected segments change nothing. */
static void flowsess_test_tcp_lifecycle(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "SA", 0), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s),
			(s64)fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED]);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "FA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "FA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_LAST_ACK);
	/* Each state ages by its own timeout. */
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s),
			(s64)fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_LAST_ACK]);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "S", 0), FLOWSESS_TCP_REOPEN);
	flowsess_test_net_destroy(fn);
}

/* tcp-initial-timeout bounds both handshake states; then tcp-timeout. */
static void flowsess_test_tcp_initial_timeout(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT] = 30000;
	fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_RECV] = 30000;
	fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = 90000;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 30000LL);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 30000LL);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 90000LL);
	/* The knob as it is now, not as it was when the state was entered. */
	fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = 40000;
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 40000LL);
	flowsess_test_net_destroy(fn);
}

/* The clock as the packet path reads it: after the period opened. */
static bool may_create_now(struct flowsess_net *fn, const struct flowsess_tcp_seg *seg)
{
	return flowsess_tcp_may_create(fn, &seg->th, ktime_get_coarse());
}

/*
 * Which segments may create a session: strictly, with no-syn-check, and
 * in the pickup period.
 */
static void flowsess_test_tcp_may_create(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg seg;
	static const struct {
		const char *flags;
		bool strict, loose;
	} cases[] = {
		{ "S", true, true },
		{ "SA", false, false },
		{ "A", false, true },
		{ "PA", false, true },
		{ "FA", false, false },
		{ "RA", false, false },
		{ "SF", false, false },
		{ "", false, false },
	};
	int i;

	fn->cfg.pickup_period_ms = 60000;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		flowsess_test_seg(&seg, cases[i].flags, 0, 0, 0, 0);
		fn->cfg.no_syn_check = false;
		flowsess_pickup_close(fn);
		KUNIT_EXPECT_EQ_MSG(test, may_create_now(fn, &seg),
				    cases[i].strict, "flags %s", cases[i].flags);
		fn->cfg.no_syn_check = true;
		KUNIT_EXPECT_EQ_MSG(test, may_create_now(fn, &seg),
				    cases[i].loose, "no-syn-check, flags %s", cases[i].flags);
		fn->cfg.no_syn_check = false;
		flowsess_pickup_open(fn);
		KUNIT_EXPECT_EQ_MSG(test, may_create_now(fn, &seg),
				    cases[i].loose, "pickup period, flags %s", cases[i].flags);
		/* strict-syn-check wants a handshake: no pickup. */
		fn->cfg.strict_syn_check = true;
		KUNIT_EXPECT_EQ_MSG(test, may_create_now(fn, &seg),
				    cases[i].strict, "strict-syn-check, flags %s", cases[i].flags);
		fn->cfg.strict_syn_check = false;
		fn->cfg.pickup_period_ms = 0;
		KUNIT_EXPECT_EQ_MSG(test, may_create_now(fn, &seg),
				    cases[i].strict, "pickup-period 0, flags %s", cases[i].flags);
		fn->cfg.pickup_period_ms = 60000;
	}
}

/*
 * The pickup period: open from flowsess_pickup_open() for pickup-period,
 * to the millisecond, rounded up; a changed knob applies to a period
 * still open, and opens none that has ended; never opened, it is closed.
 */
static void flowsess_test_pickup_period(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	ktime_t t0;

	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, ktime_get_coarse()), 0U);
	fn->cfg.pickup_period_ms = 1000;
	KUNIT_EXPECT_EQ(test, flowsess_pickup_open(fn), 0);
	t0 = atomic64_read(&fn->pickup_opened);
	KUNIT_EXPECT_NE(test, t0, 0);
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0), 1000U);
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0 + 999 * NSEC_PER_MSEC), 1U);
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0 + 999999999), 1U);
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0 + NSEC_PER_SEC), 0U);
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0 + 5 * NSEC_PER_SEC), 0U);
	fn->cfg.pickup_period_ms = 10000;
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0 + 5 * NSEC_PER_SEC), 5000U);
	fn->cfg.pickup_period_ms = 0;
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, t0), 0U);

	/* Open: a longer pickup-period lengthens it. */
	fn->cfg.pickup_period_ms = 1000;
	flowsess_pickup_open(fn);
	flowsess_pickup_period_changing(fn);
	fn->cfg.pickup_period_ms = 600000;
	KUNIT_EXPECT_GT(test, flowsess_pickup_remaining_ms(fn, ktime_get_coarse()), 590000U);
	/* Ended (opened 2 s ago, for 1 s): a longer one opens nothing. */
	fn->cfg.pickup_period_ms = 1000;
	flowsess_pickup_restore(fn, ktime_sub_ms(ktime_get_coarse(), 2000));
	flowsess_pickup_period_changing(fn);
	fn->cfg.pickup_period_ms = 600000;
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, ktime_get_coarse()), 0U);
	/* Closed, whatever the knob. */
	KUNIT_EXPECT_EQ(test, flowsess_pickup_open(fn), 0);
	KUNIT_EXPECT_NE(test, flowsess_pickup_close(fn), 0);
	KUNIT_EXPECT_EQ(test, flowsess_pickup_remaining_ms(fn, ktime_get_coarse()), 0U);
}

/*
 * A session picked up in mid-stream starts ESTABLISHED but counts as
 * established only once answered; it is loose: segments no window would
 * take pass, and each side's edge is learnt for rst-sequence-check.
 */
static void flowsess_test_tcp_midstream(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tcp_seg seg;
	struct flowsess_tuple t;
	int err, i;
	u32 end;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_test_seg(&seg, "A", 5000, 9000, 1000, 100);
	flowsess_tcp_session_init(fn, s, &seg);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, s->established);
	/* Unanswered, it ages as a handshake does. */
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s),
			(s64)fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT]);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 5100U);
	KUNIT_EXPECT_TRUE(test, s->peer[O].flags & FLOWSESS_TCP_PEER_LOOSE);
	KUNIT_EXPECT_TRUE(test, s->peer[R].flags & FLOWSESS_TCP_PEER_LOOSE);
	rcu_read_lock();
	err = flowsess_session_insert(&fn->table, s);
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);

	/* More from the same side: still not established. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "A", 5100, 9000, 1000, 100),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_FALSE(test, s->established);
	/* The answer establishes, and the session ages as established. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "A", 9000, 5200, 501, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, s->established);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s),
			(s64)fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED]);
	/* 45 full-size segments, 64 KiB past what 501 unscaled would allow. */
	for (i = 0; i < 45; i++) {
		KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "A", 5200 + i * 1448, 9000, 1000,
						1448), FLOWSESS_TCP_PASS);
	}
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 5200U + 45 * 1448);
	/* Acknowledged in part: the rest in flight is a window the server has. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "A", 9000, 5200 + 1448, 501, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->peer[R].maxwin, 44U * 1448);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 0ULL);

	/*
	 * Blind: far from the client's edge, a FIN is dropped; data and an
	 * ACK that would teach a huge window pass, late, and teach nothing.
	 */
	end = s->peer[O].end;
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "FA", end + 10000000, 9000, 1000, 0),
			FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "A", end + 10000000, 9000, 1000, 1448),
			FLOWSESS_TCP_LATE);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "A", 9000 + 10000000, end - SZ_1G + 1, 501, 0),
			FLOWSESS_TCP_LATE);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, end);
	KUNIT_EXPECT_EQ(test, s->peer[R].maxwin, 44U * 1448);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 1ULL);

	/* rst-sequence-check knows the learnt edge. */
	fn->cfg.rst_sequence_check = true;
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "R", end - 1, 0, 0, 0),
			FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_RST_SEQUENCE), 1ULL);
	fn->cfg.rst_sequence_check = false;
	/* A blind RST far from the client's edge is dropped... */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "R", end + 10000000, 0, 0, 0),
			FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 2ULL);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	/* ... one within the window known is not. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "R", end - 30000, 0, 0, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_test_net_destroy(fn);
}

/*
 * Picked up from a keepalive (one byte below what was acknowledged): the
 * answer's acknowledgment tells the client's real edge, which its RST
 * then carries.
 */
static void flowsess_test_tcp_pickup_keepalive(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.rst_sequence_check = true;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40002, 22);
	s = flowsess_test_insert_seg(test, fn, &t, "A", 999, 7000, 500, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 999U);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "A", 7000, 1000, 500, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 1000U);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "R", 1000, 0, 0, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_test_net_destroy(fn);
}

/*
 * A gap (a segment lost before the router) teaches the edge all the same,
 * so the FIN at the end of the stream passes; a side not seen yet is held
 * to the edge the other side's acknowledgments taught: a blind RST from
 * it, far from there, is dropped.
 */
static void flowsess_test_tcp_pickup_gap_unseen(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40006, 22);
	s = flowsess_test_insert_seg(test, fn, &t, "PA", 3000, 8000, 501, 1448);
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* 4448: the segment at 4448 never reached the router. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "PA", 4448 + 1448, 8000, 501, 1448),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 4448U + 2 * 1448);
	/* The server never spoke: a RST "from" it far from what was acked. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "R", 8000 + 50000000, 0, 0, 0),
			FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "FA", 8000 + 50000000, 4448, 501, 0),
			FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 2ULL);
	/* The client's FIN at its edge closes. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "FA", 4448 + 2 * 1448, 8000, 501, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_FIN_WAIT);
	flowsess_test_net_destroy(fn);
}

/*
 * rst-sequence-check on a pickup: the side never seen resets with the
 * sequence number the other side acknowledged, with no ACK flag (RFC 793
 * to a segment it does not know); its edge was learnt from those ACKs.
 */
static void flowsess_test_tcp_pickup_rst_unseen(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.rst_sequence_check = true;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40004, 22);
	s = flowsess_test_insert_seg(test, fn, &t, "PA", 3000, 8000, 500, 100);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "R", 7999, 0, 0, 0),
			FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "R", 8000, 0, 0, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_test_net_destroy(fn);
}

/*
 * syn-reopen on a pickup that saw the server first: the client's SYN
 * comes from the reply side, and replaces the session (REOPEN) so that
 * the new one has the client as its original side.
 */
static void flowsess_test_tcp_pickup_syn_reopen_reply(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.syn_reopen = true;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 2, 1, 80, 40005);
	s = flowsess_test_insert_seg(test, fn, &t, "A", 7000, 1000, 500, 10);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "RA", 7010, 1000, 0, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_ASSERT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "S", 60000, 0, 64240, 0),
			FLOWSESS_TCP_REOPEN);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SYN_REOPENS), 1ULL);
	/* From the original side, the same SYN revives it in place. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "S", 60000, 0, 64240, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);
	flowsess_test_net_destroy(fn);
}

/* The same as the packet path asks it: now, after the period opened. */
static bool pass_untracked_now(struct flowsess_net *fn, const struct flowsess_tcp_seg *seg)
{
	return flowsess_tcp_may_pass_untracked(fn, &seg->th, ktime_get_coarse());
}

/* In the pickup period a FIN or RST with no session passes, untracked. */
static void flowsess_test_pickup_pass_untracked(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg seg;
	static const struct {
		const char *flags;
		bool passes;
	} cases[] = {
		{ "FA", true }, { "F", false }, { "RA", true }, { "R", true },
		{ "A", false }, { "S", false }, { "SF", false }, { "SR", false },
	};
	int i;

	fn->cfg.pickup_period_ms = 60000;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		flowsess_test_seg(&seg, cases[i].flags, 0, 0, 0, 0);
		flowsess_pickup_close(fn);
		KUNIT_EXPECT_FALSE_MSG(test, pass_untracked_now(fn, &seg),
				       "no period, flags %s", cases[i].flags);
		flowsess_pickup_open(fn);
		KUNIT_EXPECT_EQ_MSG(test, pass_untracked_now(fn, &seg), cases[i].passes,
				    "period, flags %s", cases[i].flags);
		fn->cfg.strict_syn_check = true;
		KUNIT_EXPECT_FALSE_MSG(test, pass_untracked_now(fn, &seg),
				       "strict-syn-check, flags %s", cases[i].flags);
		fn->cfg.strict_syn_check = false;
	}
}

/*
 * A pickup's original direction is whichever side spoke first, here the
 * server: after the close, the client's new SYN (the reply direction)
 * still opens a new connection on TIME_WAIT.
 */
static void flowsess_test_tcp_pickup_reopen_reply(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	/* The server (2:80) spoke first. */
	flowsess_test_tuple4(&t, IPPROTO_TCP, 2, 1, 80, 40003);
	s = flowsess_test_insert_seg(test, fn, &t, "A", 7000, 1000, 500, 10);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "FA", 1000, 7010, 500, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "FA", 7010, 1001, 500, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "A", 1001, 7011, 500, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_ASSERT_EQ(test, s->tcp_state, FLOWSESS_TCP_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "S", 50000, 0, 64240, 0),
			FLOWSESS_TCP_REOPEN);
	flowsess_test_net_destroy(fn);
}

/*
 * Under a SYN: a picked-up session's tuple reopened with syn-reopen is
 * tracked strictly again, with the window scales its SYNs carry.
 */
static void flowsess_test_tcp_pickup_reopen(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tcp_seg seg;
	struct flowsess_tuple t;
	ktime_t now = ktime_get_coarse();

	fn->cfg.syn_reopen = true;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40001, 80);
	s = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_test_seg(&seg, "A", 5000, 9000, 1000, 100);
	flowsess_tcp_session_init(fn, s, &seg);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "RA", 5100, 9000, 0, 0),
			FLOWSESS_TCP_PASS);
	KUNIT_ASSERT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_test_seg(&seg, "S", 70000, 0, 64240, 0);
	seg.wscale = 7;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, O, &seg, now), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);
	KUNIT_EXPECT_FALSE(test, s->peer[O].flags & FLOWSESS_TCP_PEER_LOOSE);
	KUNIT_EXPECT_FALSE(test, s->peer[R].flags & FLOWSESS_TCP_PEER_LOOSE);
	KUNIT_EXPECT_EQ(test, s->peer[O].scale, 7);
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* strict-syn-check: data before the handshake completes is dropped. */
static void flowsess_test_tcp_strict_syn(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* Off: data before the SYN-ACK passes. */
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 10), FLOWSESS_TCP_PASS);
	fn->cfg.strict_syn_check = true;
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 10), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "A", 10), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_STRICT_SYN), 2ULL);
	/* The ACK that completes the handshake may carry data. */
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 10), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "A", 10), FLOWSESS_TCP_PASS);
	flowsess_test_net_destroy(fn);
}

/* A session through its handshake, with knobs set by the caller. */
static struct flowsess_session *established(struct kunit *test,
					    struct flowsess_net *fn, u16 sport)
{
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, sport, 80);
	s = flowsess_test_insert(test, fn, &t);
	if (!s)
		return NULL;
	KUNIT_EXPECT_FALSE(test, s->established);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, s->established);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	return s;
}

/* fin-invalidate-session: the first FIN ends the session, and passes. */
static void flowsess_test_tcp_fin_invalidate(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;

	fn->cfg.fin_invalidate_session = true;
	s = established(test, fn, 40000);
	KUNIT_ASSERT_NOT_NULL(test, s);
	rcu_read_lock();	/* it is freed after the kill's grace period */
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "FA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s->dead));
	KUNIT_EXPECT_EQ(test, s->reason, FLOWSESS_REASON_FIN);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_GONE);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FIN), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	flowsess_test_net_destroy(fn);
}

/*
 * Closed by FINs (@rst false) or a RST: the state it then waits in, and
 * for how long (the TIME_WAIT timeout, or the RST grace delay).
 */
static void tcp_close_with(struct kunit *test, u8 time_wait, bool rst,
			   u8 want_state, u32 want_ms)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	ktime_t before = ktime_get();

	fn->cfg.timeouts.time_wait_state = time_wait;
	fn->cfg.timeouts.time_wait_timeout_ms = 30000;
	s = established(test, fn, 40000);
	KUNIT_ASSERT_NOT_NULL(test, s);
	if (rst) {
		KUNIT_EXPECT_EQ(test, track(fn, s, R, "RA", 0), FLOWSESS_TCP_PASS);
	} else {
		KUNIT_EXPECT_EQ(test, track(fn, s, O, "FA", 0), FLOWSESS_TCP_PASS);
		KUNIT_EXPECT_EQ(test, track(fn, s, R, "FA", 0), FLOWSESS_TCP_PASS);
		KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	}
	KUNIT_EXPECT_EQ(test, s->tcp_state, want_state);
	if (want_state == FLOWSESS_TCP_TIME_WAIT)
		KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), (s64)want_ms);
	else
		KUNIT_EXPECT_EQ(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
						     before) / 100,
				(s64)want_ms / 100);
	/* It ends no later than that. */
	KUNIT_EXPECT_LE(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s), before),
			(s64)want_ms + 100);
	KUNIT_EXPECT_FALSE(test, s->established);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	/* A SYN on TIME_WAIT replaces the session; on CLOSE it does not. */
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "S", 0),
			want_state == FLOWSESS_TCP_TIME_WAIT ? FLOWSESS_TCP_REOPEN :
							       FLOWSESS_TCP_PASS);
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_tcp_time_wait_state(struct kunit *test)
{
	u32 tcp_ms = 1800 * MSEC_PER_SEC;

	tcp_close_with(test, FLOWSESS_TIME_WAIT_OFF, false, FLOWSESS_TCP_TIME_WAIT, 2000);
	tcp_close_with(test, FLOWSESS_TIME_WAIT_OFF, true, FLOWSESS_TCP_CLOSE, 2000);
	tcp_close_with(test, FLOWSESS_TIME_WAIT_SESSION_AGEOUT, false,
		       FLOWSESS_TCP_TIME_WAIT, tcp_ms);
	tcp_close_with(test, FLOWSESS_TIME_WAIT_SESSION_AGEOUT, true,
		       FLOWSESS_TCP_TIME_WAIT, tcp_ms);
	tcp_close_with(test, FLOWSESS_TIME_WAIT_SESSION_TIMEOUT, false,
		       FLOWSESS_TCP_TIME_WAIT, 30000);
	tcp_close_with(test, FLOWSESS_TIME_WAIT_SESSION_TIMEOUT, true,
		       FLOWSESS_TCP_TIME_WAIT, 30000);
}

/*
 * syn-reopen: the client's SYN on a RST-doomed session starts it afresh,
 * so the grace deadline no longer kills it; without the knob it stays doomed.
 */
static void tcp_syn_on_doomed(struct kunit *test, bool syn_reopen)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.syn_reopen = syn_reopen;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "RA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_NE(test, s->rst_seen, 0);
	/* The server may not reopen it: only the client's SYN. */
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "S", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	s->traffic_after_rst = false;

	KUNIT_EXPECT_EQ(test, track(fn, s, O, "S", 0), FLOWSESS_TCP_PASS);
	if (syn_reopen) {
		KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);
		KUNIT_EXPECT_EQ(test, s->rst_seen, 0);
		KUNIT_EXPECT_FALSE(test, s->traffic_after_rst);
		KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SYN_REOPENS), 1ULL);
		/* ... and the handshake establishes it again. */
		KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
		KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
		KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	} else {
		KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
		KUNIT_EXPECT_TRUE(test, s->traffic_after_rst);
		KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SYN_REOPENS), 0ULL);
	}
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_tcp_syn_reopen(struct kunit *test)
{
	tcp_syn_on_doomed(test, true);
}

static void flowsess_test_tcp_syn_stays_doomed(struct kunit *test)
{
	tcp_syn_on_doomed(test, false);
}

/* The gauge of @state's sessions, or the sum of them all (@state 0). */
static u64 tcp_gauge(struct flowsess_net *fn, u8 state)
{
	u64 sum = 0;
	u8 st;

	if (state)
		return flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT +
					  state - FLOWSESS_TCP_SYN_SENT);
	for (st = FLOWSESS_TCP_SYN_SENT; st < __FLOWSESS_TCP_MAX; st++)
		sum += tcp_gauge(fn, st);
	return sum;
}

/*
 * The gauges of sessions by protocol and TCP state follow every insert,
 * state change and kill: what `flowsess sessions summary` reads.
 */
static void flowsess_test_tcp_state_gauges(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_tcp_test_net(test);
	struct flowsess_table *table = &fn->table;
	struct flowsess_session *s, *udp, *gre, *ping;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_insert(test, fn, &t);
	udp = flowsess_test_udp(test, fn, 1000);
	flowsess_test_tuple4(&t, IPPROTO_GRE, 1, 2, 0, 0);
	gre = flowsess_test_insert(test, fn, &t);
	flowsess_test_tuple4(&t, IPPROTO_ICMP, 1, 2, 7, 7);
	ping = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_TRUE(test, s && udp && gre && ping);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, FLOWSESS_TCP_SYN_SENT), 1ULL);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, 0), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_UDP), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_ICMP), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_OTHER), 1ULL);

	KUNIT_EXPECT_EQ(test, track(fn, s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, FLOWSESS_TCP_SYN_RECV), 1ULL);
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, FLOWSESS_TCP_ESTABLISHED), 1ULL);
	/* A retransmission changes nothing. */
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, FLOWSESS_TCP_ESTABLISHED), 1ULL);
	/* rst-invalidate-session off: the RST's grace, in CLOSE. */
	fn->cfg.rst_invalidate_session = false;
	KUNIT_EXPECT_EQ(test, track(fn, s, R, "R", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, FLOWSESS_TCP_CLOSE), 1ULL);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, 0), 1ULL);
	/* syn-reopen: SYN_SENT again, in place. */
	fn->cfg.syn_reopen = true;
	KUNIT_EXPECT_EQ(test, track(fn, s, O, "S", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, FLOWSESS_TCP_SYN_SENT), 1ULL);
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, 0), 1ULL);

	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, s, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, udp, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, gre, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, ping, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_EQ(test, tcp_gauge(fn, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_UDP), 0ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_ICMP), 0ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_OTHER), 0ULL);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_tcp_test_cases[] = {
	KUNIT_CASE_PARAM(flowsess_test_tcp_transition, flowsess_tcp_transition_gen_params),
	KUNIT_CASE(flowsess_test_tcp_event),
	KUNIT_CASE(flowsess_test_tcp_syn_fin),
	KUNIT_CASE(flowsess_test_tcp_rst_grace),
	KUNIT_CASE(flowsess_test_tcp_rst_invalidate),
	KUNIT_CASE(flowsess_test_tcp_lifecycle),
	KUNIT_CASE(flowsess_test_tcp_initial_timeout),
	KUNIT_CASE(flowsess_test_tcp_may_create),
	KUNIT_CASE(flowsess_test_pickup_period),
	KUNIT_CASE(flowsess_test_tcp_pickup_reopen),
	KUNIT_CASE(flowsess_test_tcp_pickup_keepalive),
	KUNIT_CASE(flowsess_test_tcp_pickup_reopen_reply),
	KUNIT_CASE(flowsess_test_tcp_pickup_rst_unseen),
	KUNIT_CASE(flowsess_test_tcp_pickup_gap_unseen),
	KUNIT_CASE(flowsess_test_tcp_pickup_syn_reopen_reply),
	KUNIT_CASE(flowsess_test_pickup_pass_untracked),
	KUNIT_CASE(flowsess_test_tcp_midstream),
	KUNIT_CASE(flowsess_test_tcp_strict_syn),
	KUNIT_CASE(flowsess_test_tcp_fin_invalidate),
	KUNIT_CASE(flowsess_test_tcp_time_wait_state),
	KUNIT_CASE(flowsess_test_tcp_syn_reopen),
	KUNIT_CASE(flowsess_test_tcp_syn_stays_doomed),
	KUNIT_CASE(flowsess_test_tcp_state_gauges),
	{}
};

static struct kunit_suite flowsess_tcp_suite = {
	.name = "flowsess_tcp",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_tcp_test_cases,
};

kunit_test_suite(flowsess_tcp_suite);

#undef O
#undef R

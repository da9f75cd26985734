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
	{ "SYN retransmitted",		sSS, O, FLOWSESS_TCP_EV_SYN,	sSS },
	{ "SYN-ACK answers the SYN",	sSS, R, FLOWSESS_TCP_EV_SYNACK,	sSR },
	{ "simultaneous open",		sSS, R, FLOWSESS_TCP_EV_SYN,	sSR },
	{ "ACK before the SYN-ACK passes", sSS, O, FLOWSESS_TCP_EV_ACK,	sSS },
	{ "SYN-ACK retransmitted",	sSR, R, FLOWSESS_TCP_EV_SYNACK,	sSR },
	{ "SYN again in SYN_RECV",	sSR, O, FLOWSESS_TCP_EV_SYN,	sSR },
	{ "the client's ACK establishes", sSR, O, FLOWSESS_TCP_EV_ACK,	sES },
	{ "server ACK in SYN_RECV",	sSR, R, FLOWSESS_TCP_EV_ACK,	sSR },
	/* established */
	{ "data from the client",	sES, O, FLOWSESS_TCP_EV_ACK,	sES },
	{ "data from the server",	sES, R, FLOWSESS_TCP_EV_ACK,	sES },
	{ "late SYN-ACK retransmission", sES, R, FLOWSESS_TCP_EV_SYNACK, sES },
	/* closing, from either side */
	{ "client FIN",			sES, O, FLOWSESS_TCP_EV_FIN,	sFW },
	{ "server FIN",			sES, R, FLOWSESS_TCP_EV_FIN,	sFW },
	{ "FIN acknowledged",		sFW, R, FLOWSESS_TCP_EV_ACK,	sCW },
	{ "both FINs",			sFW, R, FLOWSESS_TCP_EV_FIN,	sLA },
	{ "second FIN",			sCW, R, FLOWSESS_TCP_EV_FIN,	sLA },
	{ "last ACK",			sLA, O, FLOWSESS_TCP_EV_ACK,	sTW },
	{ "ACK in TIME_WAIT",		sTW, O, FLOWSESS_TCP_EV_ACK,	sTW },
	{ "FIN retransmitted in TIME_WAIT", sTW, R, FLOWSESS_TCP_EV_FIN, sTW },
	{ "new SYN on TIME_WAIT reopens", sTW, O, FLOWSESS_TCP_EV_SYN,	sRO },
	/* rejected */
	{ "SYN-ACK from the client",	sSS, O, FLOWSESS_TCP_EV_SYNACK,	sIV },
	{ "SYN-ACK from the client, established", sES, O, FLOWSESS_TCP_EV_SYNACK, sIV },
	{ "server ACK before its SYN-ACK", sSS, R, FLOWSESS_TCP_EV_ACK, sIV },
	{ "FIN before the SYN-ACK",	sSS, O, FLOWSESS_TCP_EV_FIN,	sIV },
	{ "SYN on an established session", sES, O, FLOWSESS_TCP_EV_SYN, sIV },
	{ "server SYN on an established session", sES, R, FLOWSESS_TCP_EV_SYN, sIV },
	{ "SYN in FIN_WAIT",		sFW, O, FLOWSESS_TCP_EV_SYN,	sIV },
	{ "server SYN in TIME_WAIT",	sTW, R, FLOWSESS_TCP_EV_SYN,	sIV },
	{ "no flags at all",		sES, O, FLOWSESS_TCP_EV_NONE,	sIV },
	{ "no flags from the server",	sSR, R, FLOWSESS_TCP_EV_NONE,	sIV },
	{ "RST never goes through the table", sES, O, FLOWSESS_TCP_EV_RST, sIV },
	{ "out-of-range state",		__FLOWSESS_TCP_MAX, O, FLOWSESS_TCP_EV_ACK, sIV },
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

static enum flowsess_tcp_action track(struct flowsess_session *s,
				      enum flowsess_dir dir, const char *flags,
				      unsigned int payload)
{
	struct tcphdr th = {};

	for (; *flags; flags++) {
		th.syn |= *flags == 'S';
		th.ack |= *flags == 'A';
		th.fin |= *flags == 'F';
		th.rst |= *flags == 'R';
	}
	return flowsess_tcp_track(s, dir, &th, payload, ktime_get());
}

/* Knob off: RST moves to CLOSE with a deadline; everything passes. */
static void flowsess_test_tcp_rst_grace(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t before;

	fn->cfg.rst_grace_ms = 2000;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_SENT);

	before = ktime_get();
	KUNIT_EXPECT_EQ(test, track(s, R, "RA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_GE(test, ktime_ms_delta(s->rst_deadline, before), 2000);
	KUNIT_EXPECT_LE(test, ktime_ms_delta(s->rst_deadline, ktime_get()), 2000);
	/* The timer now fires at the RST deadline, not at the idle timeout. */
	KUNIT_EXPECT_EQ(test, ktime_compare(hrtimer_get_expires(&s->timer), s->rst_deadline), 0);
	KUNIT_EXPECT_FALSE(test, s->traffic_after_rst);

	/* The KB retry: SYN, SYN-ACK, ACK, data all pass the doomed session. */
	KUNIT_EXPECT_EQ(test, track(s, O, "S", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, s->traffic_after_rst);
	KUNIT_EXPECT_EQ(test, track(s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(s, O, "A", 10), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_test_net_destroy(fn);
}

/* Knob on: the RST asks for immediate invalidation. */
static void flowsess_test_tcp_rst_invalidate(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	fn->cfg.rst_invalidate_session = true;
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track(s, R, "RA", 0), FLOWSESS_TCP_INVALIDATE_RST);
	KUNIT_EXPECT_NE(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, s->rst_deadline, 0);
	/* After invalidation the session is gone for every segment. */
	flowsess_session_invalidate(s, FLOWSESS_REASON_RST);
	KUNIT_EXPECT_EQ(test, track(s, O, "S", 0), FLOWSESS_TCP_GONE);
	flowsess_test_net_destroy(fn);
}

/* A full connection walks the states; rejected segments change nothing. */
static void flowsess_test_tcp_lifecycle(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_insert(test, fn, &t, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, track(s, R, "SA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(s, O, "SA", 0), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, track(s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ktime_to_ms(s->timeout),
			(s64)fn->cfg.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED]);
	KUNIT_EXPECT_EQ(test, track(s, O, "FA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track(s, R, "FA", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_LAST_ACK);
	/* A shorter timeout re-arms the timer closer. */
	KUNIT_EXPECT_LE(test, ktime_ms_delta(hrtimer_get_expires(&s->timer), ktime_get()),
			(s64)fn->cfg.tcp_timeout_ms[FLOWSESS_TCP_LAST_ACK]);
	KUNIT_EXPECT_EQ(test, track(s, O, "A", 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, track(s, O, "S", 0), FLOWSESS_TCP_REOPEN);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_tcp_test_cases[] = {
	KUNIT_CASE_PARAM(flowsess_test_tcp_transition, flowsess_tcp_transition_gen_params),
	KUNIT_CASE(flowsess_test_tcp_event),
	KUNIT_CASE(flowsess_test_tcp_rst_grace),
	KUNIT_CASE(flowsess_test_tcp_rst_invalidate),
	KUNIT_CASE(flowsess_test_tcp_lifecycle),
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

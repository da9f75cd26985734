// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a session's life, its expiry and its death. Included at the end
 * of session.c in the test build. Expiry is checked at chosen times, never
 * by sleeping: a deadline is computed from the knobs at each check, so
 * flowsess_session_expired() at "now" is a pure function of the session,
 * the knobs and now; only the RST grace deadline reads the clock.
 */
#include <kunit/resource.h>
#include <kunit/test.h>

#include "util.h"

#define O FLOWSESS_DIR_ORIGINAL
#define R FLOWSESS_DIR_REPLY

/* Some last_seen, far from zero, so that nothing is expired by accident. */
#define LAST_SEEN ms_to_ktime(1000000)

static ktime_t after_ms(s64 ms)
{
	return ktime_add_ms(LAST_SEEN, ms);
}

/* Each protocol ages by its own knob, given a value no other knob has. */
struct flowsess_expiry_case {
	const char *name;
	u8 protonum;
	u32 timeout_ms;
};

static const struct flowsess_expiry_case flowsess_expiry_cases[] = {
	{ "UDP",	IPPROTO_UDP,	 5000 },
	{ "UDP-Lite",	IPPROTO_UDPLITE, 5000 },
	{ "ICMP",	IPPROTO_ICMP,	 7000 },
	{ "ICMPv6",	IPPROTO_ICMPV6,	 7000 },
	{ "GRE",	IPPROTO_GRE,	 9000 },
	{ "TCP SYN_SENT", IPPROTO_TCP,	 11000 },
};

static void flowsess_expiry_case_desc(const struct flowsess_expiry_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flowsess_expiry, flowsess_expiry_cases, flowsess_expiry_case_desc);

static void flowsess_test_knobs(struct flowsess_config *cfg)
{
	cfg->timeouts.udp_timeout_ms = 5000;
	cfg->timeouts.icmp_timeout_ms = 7000;
	cfg->timeouts.other_timeout_ms = 9000;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT] = 11000;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = 13000;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_TIME_WAIT] = 2000;
	cfg->timeouts.time_wait_timeout_ms = 17000;
}

/* A session, not linked, last seen at LAST_SEEN; TCP opened by a SYN. */
static struct flowsess_session *unlinked(struct kunit *test, struct flowsess_net *fn,
					 u8 protonum)
{
	struct flowsess_session *s;
	struct flowsess_tcp_seg syn;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, protonum, 1, 2, 1000, 2000);
	s = flowsess_test_alloc(test, fn, &t);
	if (!s)
		return NULL;
	if (protonum == IPPROTO_TCP) {
		flowsess_test_seg(&syn, "S", 0, 0, 65535, 0);
		flowsess_tcp_session_init(fn, s, &syn);
	}
	s->last_seen = LAST_SEEN;
	return s;
}

/* Expired exactly at last_seen + timeout: not a nanosecond before. */
static void flowsess_test_expiry_exact(struct kunit *test)
{
	const struct flowsess_expiry_case *c = test->param_value;
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	ktime_t deadline = after_ms(c->timeout_ms);
	struct flowsess_session *s;

	flowsess_test_knobs(&fn->cfg);
	s = unlinked(test, fn, c->protonum);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, s), deadline);
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s, LAST_SEEN));
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s,
							  ktime_sub_ns(deadline, 1)));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, s, deadline));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, s, after_ms(3600000)));
	/* A packet pushes the deadline back. */
	s->last_seen = after_ms(1000);
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s, deadline));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* @fn's timeouts, with UDP's at @ms, set as netlink sets them. */
static void set_udp_timeout(struct flowsess_net *fn, u32 ms)
{
	struct flowsess_timeouts to = fn->cfg.timeouts;

	to.udp_timeout_ms = ms;
	flowsess_config_set_timeouts(fn, &to);
}

/*
 * No timeout is stored: a changed knob applies to the sessions that exist,
 * at the next check, both ways.
 */
static void flowsess_test_knob_applies_at_once(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t now;

	flowsess_test_collector_hold(fn);
	flowsess_test_knobs(&fn->cfg);
	fn->cfg.timeouts.udp_timeout_ms = 60000;
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000, 53);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	now = ktime_add_ms(s->last_seen, 10000);
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s, now));
	set_udp_timeout(fn, 5000);
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, s, now));
	set_udp_timeout(fn, 20000);
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s, now));
	KUNIT_EXPECT_FALSE(test, flowsess_session_expire(&fn->table, s, now));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);

	set_udp_timeout(fn, 5000);
	rcu_read_lock();	/* it is freed after the kill's grace period */
	KUNIT_EXPECT_TRUE(test, flowsess_session_expire(&fn->table, s, now));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(s->dead));
	KUNIT_EXPECT_EQ(test, s->reason, FLOWSESS_REASON_IDLE);
	/* Dead already: true, and nothing counted twice. */
	KUNIT_EXPECT_TRUE(test, flowsess_session_expire(&fn->table, s, now));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	flowsess_test_net_destroy(fn);
}

/*
 * A session that expired stays expired when the timeouts are raised, the
 * idle timeout or the RST grace delay, however many times; a live session
 * takes the new timeout, raised or lowered. The first change keeps what
 * expired by its record of the timeouts before (here: sessions not in the
 * table, which no sweep meets); a later one first kills, in the table,
 * what the record it replaces kept expired.
 */
static void flowsess_test_raise_keeps_expired(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *linked, *unseen, *closing, *live;
	struct flowsess_timeouts to;
	struct flowsess_tuple t;
	ktime_t now;

	flowsess_test_collector_hold(fn);
	/* Before any change: written as the defaults are. */
	fn->cfg.timeouts.udp_timeout_ms = 10000;
	fn->cfg.timeouts.rst_grace_ms = 2000;
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000, 53);
	linked = flowsess_test_insert(test, fn, &t);
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1001, 53);
	unseen = flowsess_test_alloc(test, fn, &t);
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 1002, 80);
	closing = flowsess_test_alloc(test, fn, &t);
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1003, 53);
	live = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, linked);
	KUNIT_ASSERT_NOT_NULL(test, unseen);
	KUNIT_ASSERT_NOT_NULL(test, closing);
	KUNIT_ASSERT_NOT_NULL(test, live);
	now = ktime_get_coarse();
	WRITE_ONCE(linked->last_seen, ktime_sub_ms(now, 20000));
	WRITE_ONCE(unseen->last_seen, ktime_sub_ms(now, 20000));
	WRITE_ONCE(closing->rst_seen, ktime_sub_ms(ktime_get(), 5000));

	/* The first change: no sweep, the record keeps them expired. */
	to = fn->cfg.timeouts;
	to.udp_timeout_ms = 60000;
	to.rst_grace_ms = 60000;
	flowsess_config_set_timeouts(fn, &to);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 4);
	now = ktime_get_coarse();
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, linked, now));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, unseen, now));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, closing, now));
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, unseen),
			ktime_add_ms(unseen->last_seen, 10000));
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, closing),
			ktime_add_ms(closing->rst_seen, 2000));
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, live),
			ktime_add_ms(live->last_seen, 60000));

	/* The second: what the first kept expired, in the table, dies. */
	to.udp_timeout_ms = 120000;
	flowsess_config_set_timeouts(fn, &to);
	/* linked may be freed from here on: only counted. */
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 3);
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, live),
			ktime_add_ms(live->last_seen, 120000));
	/* A packet after the change: the new timeout. */
	WRITE_ONCE(unseen->last_seen, ktime_get_coarse());
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, unseen),
			ktime_add_ms(unseen->last_seen, 120000));

	/* Lowered: at once, for every session. */
	to.udp_timeout_ms = 500;
	flowsess_config_set_timeouts(fn, &to);
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, live),
			ktime_add_ms(live->last_seen, 500));
	flowsess_session_free_unused(&fn->table, unseen);
	flowsess_session_free_unused(&fn->table, closing);
	flowsess_test_net_destroy(fn);
}

/* Nothing changes, nothing happens: no sweep, no record of a change. */
static void flowsess_test_same_timeouts(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;

	flowsess_test_collector_hold(fn);
	s = flowsess_test_udp(test, fn, 1000);
	KUNIT_ASSERT_NOT_NULL(test, s);
	WRITE_ONCE(s->last_seen, ktime_sub_ms(ktime_get_coarse(),
					      fn->cfg.timeouts.udp_timeout_ms + 1000));
	flowsess_config_set_timeouts(fn, &fn->cfg.timeouts);
	KUNIT_EXPECT_EQ(test, fn->cfg.timeouts_changed, 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s->dead));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);
	flowsess_test_net_destroy(fn);
}

/* Where time-wait-state sends a TIME_WAIT session, and at once. */
static void flowsess_test_time_wait_knob(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;

	flowsess_test_knobs(&fn->cfg);
	s = unlinked(test, fn, IPPROTO_TCP);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 11000);
	s->tcp_state = FLOWSESS_TCP_TIME_WAIT;
	fn->cfg.timeouts.time_wait_state = FLOWSESS_TIME_WAIT_OFF;
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 2000);
	fn->cfg.timeouts.time_wait_state = FLOWSESS_TIME_WAIT_SESSION_AGEOUT;
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 13000);
	fn->cfg.timeouts.time_wait_state = FLOWSESS_TIME_WAIT_SESSION_TIMEOUT;
	KUNIT_EXPECT_EQ(test, flowsess_test_timeout_ms(fn, s), 17000);
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s, after_ms(16999)));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, s, after_ms(17000)));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/*
 * What a listener heard of one namespace's sessions. The listener gets no
 * pointer to itself, so there is one, for the test that runs. Events come
 * from a work item: read after flowsess_events_flush().
 */
static struct {
	const struct flowsess_net *fn;
	unsigned int events[FLOWSESS_EVENT_PROGRESS + 1];
	enum flowsess_reason reason;	/* of the last DEL */
	bool live_kill;
	bool imported;			/* the last event's session was a copy */
} flowsess_heard;

static bool flowsess_test_wants(const struct flowsess_net *fn,
				enum flowsess_event type)
{
	return fn == READ_ONCE(flowsess_heard.fn);
}

static void flowsess_test_event(struct flowsess_net *fn,
				const struct flowsess_event_msg *msg)
{
	if (fn != READ_ONCE(flowsess_heard.fn) || msg->type > FLOWSESS_EVENT_PROGRESS)
		return;
	flowsess_heard.events[msg->type]++;
	flowsess_heard.imported = msg->info.imported;
	if (msg->type == FLOWSESS_EVENT_DEL) {
		flowsess_heard.reason = msg->reason;
		flowsess_heard.live_kill = msg->live_kill;
	}
}

static struct flowsess_listener flowsess_test_listener = {
	.wants = flowsess_test_wants,
	.event = flowsess_test_event,
};

static void flowsess_test_unlisten(struct kunit_resource *res)
{
	flowsess_listener_unregister(&flowsess_test_listener);
	WRITE_ONCE(flowsess_heard.fn, NULL);
}

/* Hear @fn's events until the end of the test, however it ends. */
static void listen(struct kunit *test, struct flowsess_net *fn)
{
	void *listening;

	memset(&flowsess_heard, 0, sizeof(flowsess_heard));
	WRITE_ONCE(flowsess_heard.fn, fn);
	flowsess_listener_register(&flowsess_test_listener);
	listening = kunit_alloc_resource(test, NULL, flowsess_test_unlisten, GFP_KERNEL,
					 &flowsess_test_listener);
	if (!listening)
		flowsess_test_unlisten(NULL);
	KUNIT_ASSERT_NOT_NULL(test, listening);
}

/* The RST grace period: RST with rst-invalidate-session off. */
static void rst_deadline(struct kunit *test, bool traffic)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg rst, syn;
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t before, after;

	flowsess_test_collector_hold(fn);
	listen(test, fn);
	fn->cfg.timeouts.rst_grace_ms = 60000;
	flowsess_test_seg(&rst, "RA", 0, 1, 0, 0);	/* the answer to SYN 0 */
	flowsess_test_seg(&syn, "S", 1000, 0, 65535, 0);
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 12340, 1234);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* The insert reported it, once. */
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_NEW], 1U);
	before = ktime_get();
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, R, &rst, ktime_get_coarse()),
			FLOWSESS_TCP_PASS);
	after = ktime_get();
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_STATE], 1U);

	/* The deadline is the precise clock's, plus the grace delay. */
	KUNIT_EXPECT_GE(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
					     before), 60000);
	KUNIT_EXPECT_LE(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
					     after), 60000);
	KUNIT_EXPECT_EQ(test, flowsess_session_deadline(&fn->cfg, s),
			ktime_add_ms(s->rst_seen, fn->cfg.timeouts.rst_grace_ms));
	/* A changed grace delay applies to a session in it already. */
	WRITE_ONCE(fn->cfg.timeouts.rst_grace_ms, 30000);
	KUNIT_EXPECT_EQ(test, ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
					     s->rst_seen), 30000);
	WRITE_ONCE(fn->cfg.timeouts.rst_grace_ms, 60000);
	/* Not the idle timeout: no "now", however late, ends it before. */
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s,
							  ktime_add_ms(s->last_seen, 36000000)));
	KUNIT_EXPECT_FALSE(test, flowsess_session_expire(&fn->table, s,
							 ktime_add_ms(s->last_seen, 36000000)));
	if (traffic) {
		KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, O, &syn, ktime_get_coarse()),
				FLOWSESS_TCP_PASS);
		KUNIT_EXPECT_TRUE(test, s->traffic_after_rst);
	}

	/* Bring the deadline to now: the grace period is over. */
	spin_lock_bh(&s->lock);
	WRITE_ONCE(s->rst_seen, ktime_sub_ms(ktime_get(), fn->cfg.timeouts.rst_grace_ms));
	spin_unlock_bh(&s->lock);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, flowsess_session_expired(&fn->cfg, s, s->last_seen));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expire(&fn->table, s, s->last_seen));
	KUNIT_EXPECT_EQ(test, s->reason, FLOWSESS_REASON_RST_TIMER);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_RST_TIMER), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_RST_TIMER_LIVE_KILLS),
			traffic ? 1ULL : 0ULL);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_DEL], 1U);
	KUNIT_EXPECT_EQ(test, flowsess_heard.reason, FLOWSESS_REASON_RST_TIMER);
	KUNIT_EXPECT_EQ(test, flowsess_heard.live_kill, traffic);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_rst_deadline_quiet(struct kunit *test)
{
	rst_deadline(test, false);
}

static void flowsess_test_rst_deadline_live_kill(struct kunit *test)
{
	rst_deadline(test, true);
}

/* Why an expired session died: by its state. */
static void flowsess_test_expiry_reason(struct kunit *test)
{
	static const struct {
		u8 protonum, state;
		enum flowsess_reason reason;
	} cases[] = {
		{ IPPROTO_UDP, FLOWSESS_TCP_NONE, FLOWSESS_REASON_IDLE },
		{ IPPROTO_TCP, FLOWSESS_TCP_SYN_SENT, FLOWSESS_REASON_IDLE },
		{ IPPROTO_TCP, FLOWSESS_TCP_ESTABLISHED, FLOWSESS_REASON_IDLE },
		{ IPPROTO_TCP, FLOWSESS_TCP_FIN_WAIT, FLOWSESS_REASON_CLOSE },
		{ IPPROTO_TCP, FLOWSESS_TCP_CLOSE_WAIT, FLOWSESS_REASON_CLOSE },
		{ IPPROTO_TCP, FLOWSESS_TCP_LAST_ACK, FLOWSESS_REASON_CLOSE },
		{ IPPROTO_TCP, FLOWSESS_TCP_TIME_WAIT, FLOWSESS_REASON_CLOSE },
	};
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	ktime_t late;
	int i;

	flowsess_test_collector_hold(fn);
	listen(test, fn);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		flowsess_test_tuple4(&t, cases[i].protonum, 1, 2, 1000 + i, 80);
		s = flowsess_test_insert(test, fn, &t);
		KUNIT_ASSERT_NOT_NULL(test, s);
		spin_lock_bh(&s->lock);
		flowsess_session_set_tcp_state(&fn->table, s, cases[i].state);
		spin_unlock_bh(&s->lock);
		late = ktime_add_ms(s->last_seen, 24 * 3600 * 1000);
		KUNIT_EXPECT_TRUE(test, flowsess_session_expire(&fn->table, s, late));
		flowsess_events_flush(fn);
		KUNIT_EXPECT_EQ_MSG(test, flowsess_heard.reason, cases[i].reason, "case %d", i);
		KUNIT_EXPECT_FALSE(test, flowsess_heard.live_kill);
	}
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_DEL], ARRAY_SIZE(cases));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 3ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_CLOSE), 4ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	flowsess_test_net_destroy(fn);
}

/* Every reason a session may be killed for, and the counter it bumps. */
static const struct flowsess_reason_case {
	const char *name;
	enum flowsess_reason reason;
	enum flowsess_stat stat;	/* UNSPEC: none here */
} flowsess_reason_cases[] = {
	{ "idle",		FLOWSESS_REASON_IDLE,	FLOWSESS_STAT_INVALIDATED_IDLE },
	{ "rst",		FLOWSESS_REASON_RST,	FLOWSESS_STAT_INVALIDATED_RST },
	{ "rst timer",		FLOWSESS_REASON_RST_TIMER, FLOWSESS_STAT_INVALIDATED_RST_TIMER },
	{ "close",		FLOWSESS_REASON_CLOSE,	FLOWSESS_STAT_INVALIDATED_CLOSE },
	{ "flush",		FLOWSESS_REASON_FLUSH,	FLOWSESS_STAT_INVALIDATED_FLUSH },
	{ "reopen",		FLOWSESS_REASON_REOPEN,	FLOWSESS_STAT_INVALIDATED_REOPEN },
	{ "fin",		FLOWSESS_REASON_FIN,	FLOWSESS_STAT_INVALIDATED_FIN },
	{ "early ageout",	FLOWSESS_REASON_EARLY_AGEOUT,
				FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT },
	{ "sync",		FLOWSESS_REASON_SYNC,	FLOWSESS_STAT_INVALIDATED_SYNC },
	/* aging.c counts evictions by class */
	{ "evict",		FLOWSESS_REASON_EVICT,	FLOWSESS_STAT_UNSPEC },
};

static void flowsess_reason_case_desc(const struct flowsess_reason_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flowsess_reason, flowsess_reason_cases, flowsess_reason_case_desc);

/*
 * A kill counts its reason once, in its own counter only, and is reported
 * once; the place and the unestablished count are given back.
 */
static void flowsess_test_kill_counts_reason(struct kunit *test)
{
	const struct flowsess_reason_case *c = test->param_value;
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	u64 sum[__FLOWSESS_STAT_MAX];
	struct flowsess_session *s;
	struct flowsess_tuple t;
	int i;

	listen(test, fn);
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000, 53);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(&fn->table, s, c->reason));
	/* s may be freed now: only its table is looked at. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_DEL], 1U);
	KUNIT_EXPECT_EQ(test, flowsess_heard.reason, c->reason);
	KUNIT_EXPECT_FALSE(test, flowsess_heard.live_kill);

	flowsess_stats_read(fn, sum);
	/* The limit's gauge is the table's 16; every other counter but one, 0. */
	KUNIT_EXPECT_EQ(test, sum[FLOWSESS_STAT_MAX_SESSIONS], 16ULL);
	for (i = 0; i < __FLOWSESS_STAT_MAX; i++) {
		if (i == FLOWSESS_STAT_MAX_SESSIONS)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, sum[i],
				    c->stat != FLOWSESS_STAT_UNSPEC && i == c->stat ? 1ULL : 0ULL,
				    "stat %d", i);
	}
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, FLOWSESS_TEST_SLACK_MS));
	flowsess_test_net_destroy(fn);
}

/* A session dies once, whoever tries; only the first kill counts. */
static void flowsess_test_kill_once(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;
	struct flowsess_table *table = &fn->table;
	struct flowsess_tuple t;
	ktime_t late;

	flowsess_test_collector_hold(fn);
	listen(test, fn);
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000, 53);
	s = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	late = ktime_add_ms(s->last_seen, 24 * 3600 * 1000);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, s, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_FALSE(test, flowsess_session_invalidate(table, s, FLOWSESS_REASON_FIN));
	KUNIT_EXPECT_TRUE(test, flowsess_session_expire(&fn->table, s, late));
	KUNIT_EXPECT_EQ(test, s->reason, FLOWSESS_REASON_FLUSH);
	rcu_read_unlock();
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_DEL], 1U);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FLUSH), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FIN), 0ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_IDLE), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	flowsess_test_net_destroy(fn);
}

/*
 * ->count is the places taken, reserved or linked: never above
 * max-sessions, given back by an unused session as by a dead one.
 */
static void flowsess_test_reserve(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 3);
	struct flowsess_session *s;
	struct flowsess_tuple t;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 3);
	flowsess_session_unreserve(&fn->table);
	flowsess_session_unreserve(&fn->table);

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000, 53);
	s = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 2);
	KUNIT_EXPECT_TRUE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 3);
	flowsess_session_unreserve(&fn->table);
	flowsess_session_free_unused(&fn->table, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);
	flowsess_session_unreserve(&fn->table);
	flowsess_test_net_destroy(fn);
}

/*
 * ->unestablished counts the linked, live sessions that are not
 * established: it follows ->established, and a kill takes the session out.
 */
static void flowsess_test_unestablished_count(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *a, *b;
	struct flowsess_table *table = &fn->table;
	struct flowsess_tuple t;
	int err;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000, 53);
	a = flowsess_test_insert(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	flowsess_test_set_established(fn, a, true);
	KUNIT_EXPECT_TRUE(test, a->established);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	flowsess_test_set_established(fn, a, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	flowsess_test_set_established(fn, a, false);
	flowsess_test_set_established(fn, a, false);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);

	/* Established before it is linked: not counted. */
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1001, 53);
	b = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->established = true;
	rcu_read_lock();
	err = flowsess_session_insert(table, b);
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, b, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 1);
	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(table, a, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.unestablished), 0);
	flowsess_test_net_destroy(fn);
}

/* The live session @t names, as a lookup finds it, and its direction. */
static struct flowsess_session *import_lookup(struct flowsess_net *fn,
					      const struct flowsess_tuple *t)
{
	struct flowsess_session *s;
	enum flowsess_dir dir;

	rcu_read_lock();
	s = flowsess_table_lookup(&fn->table, t, &dir);
	rcu_read_unlock();
	return s && dir == O ? s : NULL;
}

/* How long @s has left, by the knobs. */
static s64 import_left_ms(struct flowsess_net *fn, const struct flowsess_session *s)
{
	ktime_t now = READ_ONCE(s->rst_seen) ? ktime_get() : ktime_get_coarse();

	return ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s), now);
}

/*
 * FLOWSESS_CMD_IMPORT_SESSION's core: a session from another router's
 * table is created with its state, flags and time left, and tracked
 * loosely; imported again, it is brought up to date in place; it is
 * refused the other way round, or when the table is full.
 */
static void flowsess_test_import(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 3);
	struct flowsess_table *table = &fn->table;
	struct flowsess_session_import imp = {}, other;
	struct flowsess_session *s, *again;
	s64 left;

	flowsess_test_collector_hold(fn);
	flowsess_test_tuple4(&imp.tuple, IPPROTO_TCP, 1, 2, 40000, 80);
	imp.tcp_state = FLOWSESS_TCP_ESTABLISHED;
	imp.replied = true;
	imp.established = true;
	imp.expires_ms = 60000;
	imp.peer[O] = (struct flowsess_tcp_peer){ .end = 1000, .maxend = 70000,
		.maxwin = 65535 << 7, .scale = 7, .flags = FLOWSESS_TCP_PEER_WSCALE };
	imp.peer[R] = (struct flowsess_tcp_peer){ .end = 5000, .maxend = 9000,
		.maxwin = 4000, .scale = 0, .flags = 0 };
	KUNIT_ASSERT_EQ(test, flowsess_session_import(table, &imp), 0);
	s = import_lookup(fn, &imp.tuple);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, s->established && s->replied);
	KUNIT_EXPECT_EQ(test, atomic_read(&table->unestablished), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_TCP_ESTABLISHED), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_CREATED), 1ULL);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 1000U);
	KUNIT_EXPECT_EQ(test, s->peer[O].maxwin, 65535U << 7);
	KUNIT_EXPECT_EQ(test, s->peer[O].scale, 7);
	KUNIT_EXPECT_EQ(test, s->peer[R].maxend, 9000U);
	/* The copy may be behind: loose, as a pickup. */
	KUNIT_EXPECT_EQ(test, s->peer[O].flags, FLOWSESS_TCP_PEER_WSCALE | FLOWSESS_TCP_PEER_LOOSE);
	KUNIT_EXPECT_EQ(test, s->peer[R].flags, FLOWSESS_TCP_PEER_LOOSE);
	left = import_left_ms(fn, s);
	KUNIT_EXPECT_TRUE_MSG(test, left > 60000 - FLOWSESS_TEST_SLACK_MS && left <= 60000,
			      "%lld ms left", left);

	/* Again, further on: the same session, up to date. */
	imp.tcp_state = FLOWSESS_TCP_FIN_WAIT;
	imp.expires_ms = 10000;
	imp.peer[O].end = 2000;
	KUNIT_ASSERT_EQ(test, flowsess_session_import(table, &imp), 0);
	again = import_lookup(fn, &imp.tuple);
	KUNIT_EXPECT_PTR_EQ(test, again, s);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_FIN_WAIT);
	KUNIT_EXPECT_EQ(test, s->peer[O].end, 2000U);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_TCP_ESTABLISHED), 0ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_TCP_FIN_WAIT), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_CREATED), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_IMPORTED), 2ULL);
	left = import_left_ms(fn, s);
	KUNIT_EXPECT_TRUE_MSG(test, left > 10000 - FLOWSESS_TEST_SLACK_MS && left <= 10000,
			      "%lld ms left", left);
	/* More time than its state's timeout: the timeout. */
	imp.expires_ms = U32_MAX;
	KUNIT_ASSERT_EQ(test, flowsess_session_import(table, &imp), 0);
	KUNIT_EXPECT_LE(test, import_left_ms(fn, s),
			(s64)fn->cfg.timeouts.tcp_timeout_ms[FLOWSESS_TCP_FIN_WAIT]);

	/* The same connection the other way round is another router's mistake. */
	other = imp;
	flowsess_tuple_invert(&other.tuple, &imp.tuple);
	other.tuple.dir = 0;
	KUNIT_EXPECT_EQ(test, flowsess_session_import(table, &other), -EEXIST);

	/* After a RST (rst-invalidate-session off): its grace, from the precise clock. */
	flowsess_test_tuple4(&other.tuple, IPPROTO_TCP, 1, 2, 40001, 80);
	other.tcp_state = FLOWSESS_TCP_CLOSE;
	other.established = false;
	other.expires_ms = 1500;
	KUNIT_ASSERT_EQ(test, flowsess_session_import(table, &other), 0);
	again = import_lookup(fn, &other.tuple);
	KUNIT_ASSERT_NOT_NULL(test, again);
	KUNIT_EXPECT_NE(test, again->rst_seen, 0);
	left = import_left_ms(fn, again);
	KUNIT_EXPECT_TRUE_MSG(test, left > 1500 - FLOWSESS_TEST_SLACK_MS && left <= 1500,
			      "%lld ms left", left);
	KUNIT_EXPECT_EQ(test, atomic_read(&table->unestablished), 1);

	/* A UDP session; then the table (3) is full. */
	memset(&other, 0, sizeof(other));
	flowsess_test_tuple4(&other.tuple, IPPROTO_UDP, 1, 2, 5353, 53);
	other.expires_ms = 1000;
	KUNIT_ASSERT_EQ(test, flowsess_session_import(table, &other), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_UDP), 1ULL);
	other.tuple.sport = htons(5354);
	KUNIT_EXPECT_EQ(test, flowsess_session_import(table, &other), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&table->count), 3);

	/* Said to be imported; its end, imported, ends it, named this way round only. */
	KUNIT_EXPECT_TRUE(test, s->imported);
	other = imp;
	other.end = true;
	flowsess_tuple_invert(&other.tuple, &imp.tuple);
	other.tuple.dir = 0;
	KUNIT_EXPECT_EQ(test, flowsess_session_import(table, &other), -ENOENT);
	other.tuple = imp.tuple;
	KUNIT_EXPECT_EQ(test, flowsess_session_import(table, &other), 0);
	KUNIT_EXPECT_NULL(test, import_lookup(fn, &imp.tuple));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_SYNC), 1ULL);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_IMPORTED), 5ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&table->count), 2);
	KUNIT_EXPECT_EQ(test, flowsess_session_import(table, &other), -ENOENT);

	flowsess_test_net_destroy(fn);
}

/*
 * The end of a copy only (the reason and FLOWSESS_SA_IF_COPY, a sweep's):
 * it ends a session an import made, not one a packet made, nor a copy a
 * packet has passed through since (the packet path clears ->imported).
 */
static void flowsess_test_import_end_copy_only(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 4);
	struct flowsess_session_import imp = {}, end = {};
	struct flowsess_session *s, *own;

	flowsess_test_collector_hold(fn);
	flowsess_test_tuple4(&imp.tuple, IPPROTO_UDP, 1, 2, 5353, 53);
	imp.expires_ms = 60000;
	KUNIT_ASSERT_EQ(test, flowsess_session_import(&fn->table, &imp), 0);
	s = import_lookup(fn, &imp.tuple);
	KUNIT_ASSERT_NOT_NULL(test, s);
	end.tuple = imp.tuple;
	end.end = true;
	end.end_copy_only = true;

	/* Passed through by a packet: this router's own, ended by no sweep. */
	WRITE_ONCE(s->imported, false);
	KUNIT_EXPECT_EQ(test, flowsess_session_import(&fn->table, &end), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, import_lookup(fn, &imp.tuple), s);
	/* A copy still: ended. */
	WRITE_ONCE(s->imported, true);
	KUNIT_EXPECT_EQ(test, flowsess_session_import(&fn->table, &end), 0);
	KUNIT_EXPECT_NULL(test, import_lookup(fn, &imp.tuple));

	/* Made by a packet: the same; a plain end ends it. */
	own = flowsess_test_udp(test, fn, 6000);
	KUNIT_EXPECT_FALSE(test, own->imported);
	end.tuple = own->tuple;
	KUNIT_EXPECT_EQ(test, flowsess_session_import(&fn->table, &end), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, import_lookup(fn, &end.tuple), own);
	end.end_copy_only = false;
	KUNIT_EXPECT_EQ(test, flowsess_session_import(&fn->table, &end), 0);
	KUNIT_EXPECT_NULL(test, import_lookup(fn, &end.tuple));
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_SYNC), 2ULL);
	flowsess_test_net_destroy(fn);
}

/*
 * An import dates the session's last packet back by what it has lived of
 * its timeout; never to before the namespace's timeouts last changed,
 * which would age it by the timeouts of before (rule 6) and could kill it
 * at once: then it lives a little longer.
 */
static void flowsess_test_import_after_timeouts_change(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 4);
	struct flowsess_session_import imp = {};
	struct flowsess_timeouts to;
	struct flowsess_session *s;
	s64 left;

	flowsess_test_collector_hold(fn);
	to = fn->cfg.timeouts;
	to.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = 1800 * 1000;
	flowsess_config_set_timeouts(fn, &to);
	to.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = 7200 * 1000;
	flowsess_config_set_timeouts(fn, &to);
	/* 4200 s of its 7200 gone: from before the change, when 1800 s was all. */
	flowsess_test_tuple4(&imp.tuple, IPPROTO_TCP, 1, 2, 40000, 80);
	imp.tcp_state = FLOWSESS_TCP_ESTABLISHED;
	imp.established = true;
	imp.expires_ms = 3000 * 1000;
	KUNIT_ASSERT_EQ(test, flowsess_session_import(&fn->table, &imp), 0);
	s = import_lookup(fn, &imp.tuple);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_FALSE(test, flowsess_session_expired(&fn->cfg, s, ktime_get_coarse()));
	left = import_left_ms(fn, s);
	KUNIT_EXPECT_TRUE_MSG(test, left >= 3000 * 1000 - FLOWSESS_TEST_SLACK_MS &&
			      left <= 7200 * 1000, "%lld ms left", left);
	flowsess_test_net_destroy(fn);
}

/* A segment from @dir, with its numbers, tracked now. */
static enum flowsess_tcp_action sync_track(struct flowsess_net *fn, struct flowsess_session *s,
					   enum flowsess_dir dir, u32 seq, u32 ack,
					   unsigned int payload)
{
	struct flowsess_tcp_seg seg;

	flowsess_test_seg(&seg, "A", seq, ack, 65535, payload);
	return flowsess_tcp_track(fn, s, dir, &seg, ktime_get_coarse());
}

/*
 * What a copy on another router hears of a session between its start and
 * its end: PROGRESS when an edge passes a multiple of
 * FLOWSESS_SYNC_PROGRESS_BYTES, not before; STATE when a pickup is
 * answered, as for a change of state.
 */
static void flowsess_test_sync_events(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	u32 seq = FLOWSESS_SYNC_PROGRESS_BYTES - 300;
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_collector_hold(fn);
	listen(test, fn);
	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	/* A pickup, 300 bytes below the mark. */
	s = flowsess_test_insert_seg(test, fn, &t, "A", seq, 5000, 65535, 100);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, sync_track(fn, s, O, seq + 100, 5000, 100), FLOWSESS_TCP_PASS);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_NEW], 1U);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_PROGRESS], 0U);
	/* Past it. */
	KUNIT_EXPECT_EQ(test, sync_track(fn, s, O, seq + 200, 5000, 200), FLOWSESS_TCP_PASS);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_PROGRESS], 1U);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_STATE], 0U);
	/* The answer, acknowledging it all: established, a copy must know. */
	KUNIT_EXPECT_EQ(test, sync_track(fn, s, R, 5000, seq + 400, 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, s->established);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_STATE], 1U);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_PROGRESS], 1U);
	flowsess_test_net_destroy(fn);
}

/*
 * A packet through a copy makes it this router's own, in the lock that
 * accepts it: before the packet's events (they say so), and an end of a
 * copy only takes it no more.
 */
static void flowsess_test_copy_made_own(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 4);
	struct flowsess_session_import imp = {}, end = {};
	struct flowsess_session *s;

	flowsess_test_collector_hold(fn);
	listen(test, fn);
	/* A copy of a pickup not answered yet: its answer is a STATE event. */
	flowsess_test_tuple4(&imp.tuple, IPPROTO_TCP, 1, 2, 40000, 80);
	imp.tcp_state = FLOWSESS_TCP_ESTABLISHED;
	imp.expires_ms = 60000;
	imp.peer[O] = (struct flowsess_tcp_peer){ .end = 1000, .maxend = 70000, .maxwin = 65535 };
	imp.peer[R] = (struct flowsess_tcp_peer){ .end = 5000, .maxend = 70000, .maxwin = 65535 };
	KUNIT_ASSERT_EQ(test, flowsess_session_import(&fn->table, &imp), 0);
	s = import_lookup(fn, &imp.tuple);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_NEW], 1U);
	KUNIT_EXPECT_TRUE(test, flowsess_heard.imported);

	/* Out of reach (a blind sender's): it teaches nothing, a copy it stays. */
	KUNIT_EXPECT_EQ(test, sync_track(fn, s, R, 5000 + (4U << 20), 1000, 0),
			FLOWSESS_TCP_LATE);
	KUNIT_EXPECT_TRUE(test, s->imported);
	KUNIT_EXPECT_FALSE(test, s->established);

	KUNIT_EXPECT_EQ(test, sync_track(fn, s, R, 5000, 1000, 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_TRUE(test, s->established);
	KUNIT_EXPECT_FALSE(test, s->imported);
	flowsess_events_flush(fn);
	KUNIT_EXPECT_EQ(test, flowsess_heard.events[FLOWSESS_EVENT_STATE], 1U);
	KUNIT_EXPECT_FALSE(test, flowsess_heard.imported);

	end.tuple = imp.tuple;
	end.end = true;
	end.end_copy_only = true;
	KUNIT_EXPECT_EQ(test, flowsess_session_import(&fn->table, &end), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, import_lookup(fn, &imp.tuple), s);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_session_cases[] = {
	KUNIT_CASE_PARAM(flowsess_test_expiry_exact, flowsess_expiry_gen_params),
	KUNIT_CASE(flowsess_test_knob_applies_at_once),
	KUNIT_CASE(flowsess_test_raise_keeps_expired),
	KUNIT_CASE(flowsess_test_same_timeouts),
	KUNIT_CASE(flowsess_test_time_wait_knob),
	KUNIT_CASE(flowsess_test_rst_deadline_quiet),
	KUNIT_CASE(flowsess_test_rst_deadline_live_kill),
	KUNIT_CASE(flowsess_test_expiry_reason),
	KUNIT_CASE_PARAM(flowsess_test_kill_counts_reason, flowsess_reason_gen_params),
	KUNIT_CASE(flowsess_test_kill_once),
	KUNIT_CASE(flowsess_test_reserve),
	KUNIT_CASE(flowsess_test_unestablished_count),
	KUNIT_CASE(flowsess_test_import),
	KUNIT_CASE(flowsess_test_import_end_copy_only),
	KUNIT_CASE(flowsess_test_import_after_timeouts_change),
	KUNIT_CASE(flowsess_test_sync_events),
	KUNIT_CASE(flowsess_test_copy_made_own),
	{}
};

static struct kunit_suite flowsess_session_suite = {
	.name = "flowsess_session",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_session_cases,
};

kunit_test_suite(flowsess_session_suite);

#undef O
#undef R
#undef LAST_SEEN

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TCP sequence checking. Included at the end of tcp_window.c in the
 * test build. Most sessions here are allocated, never inserted: the window
 * code only reads and writes ->peer and ->tcp_state.
 */
#include <kunit/test.h>

#include "util.h"

#define O FLOWSESS_DIR_ORIGINAL
#define R FLOWSESS_DIR_REPLY

static void flowsess_test_wscale_option(struct kunit *test)
{
	static const u8 mss_nop_ws[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	static const u8 ws_too_big[] = { 3, 3, 20 };
	static const u8 eol_first[] = { 0, 3, 3, 7 };
	static const u8 zero_len[] = { 2, 0, 3, 3, 7 };
	static const u8 truncated[] = { 1, 1, 3, 3 };
	static const u8 past_end[] = { 2, 40, 3, 3, 7 };

	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(mss_nop_ws, sizeof(mss_nop_ws)), 7);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(ws_too_big, sizeof(ws_too_big)), 14);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(eol_first, sizeof(eol_first)),
			FLOWSESS_TCP_NO_WSCALE);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(zero_len, sizeof(zero_len)),
			FLOWSESS_TCP_NO_WSCALE);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(truncated, sizeof(truncated)),
			FLOWSESS_TCP_NO_WSCALE);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(past_end, sizeof(past_end)),
			FLOWSESS_TCP_NO_WSCALE);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_parse_wscale(mss_nop_ws, 0), FLOWSESS_TCP_NO_WSCALE);
}

/* A segment of @len bytes from @dir: in the window, late or out of it? */
static enum flowsess_tcp_window verdict(struct flowsess_session *s, enum flowsess_dir dir,
					const char *flags, u32 seq, u32 ack, u16 win,
					unsigned int len)
{
	struct flowsess_tcp_seg sg;

	flowsess_test_seg(&sg, flags, seq, ack, win, len);
	return flowsess_tcp_in_window(s, dir, &sg);
}

/* The same segment: is it in the window? */
static bool seg(struct flowsess_session *s, enum flowsess_dir dir, const char *flags,
		u32 seq, u32 ack, u16 win, unsigned int len)
{
	return verdict(s, dir, flags, seq, ack, win, len) == FLOWSESS_TCP_WINDOW_IN;
}

#define CISN 1000000000U	/* near the middle: wrap-around is tested apart */
#define SISN 3000000000U

/*
 * A session after a handshake: the client (window scale @cws) SYNs with
 * CISN, the server (@sws) answers with SISN; NO_WSCALE leaves the option out.
 */
static struct flowsess_session *handshake(struct kunit *test, struct flowsess_net *fn,
					  u8 cws, u8 sws)
{
	struct flowsess_tcp_seg sg;
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_alloc(test, fn, &t);
	if (!s)
		return NULL;
	flowsess_test_seg(&sg, "S", CISN, 0, 64240, 0);
	sg.wscale = cws;
	flowsess_tcp_session_init(fn, s, &sg);

	flowsess_test_seg(&sg, "SA", SISN, CISN + 1, 65160, 0);
	sg.wscale = sws;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_in_window(s, R, &sg), FLOWSESS_TCP_WINDOW_IN);
	s->tcp_state = FLOWSESS_TCP_SYN_RECV;
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", CISN + 1, SISN + 1, 502, 0));
	s->tcp_state = FLOWSESS_TCP_ESTABLISHED;
	return s;
}

/* Window scaling is used only when both SYNs carry the option. */
static void flowsess_test_window_scaling(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s;

	s = handshake(test, fn, 7, 7);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->peer[O].scale, 7);
	KUNIT_EXPECT_EQ(test, s->peer[R].scale, 7);
	/* The client's 502 << 7 bytes: the server may send that far. */
	KUNIT_EXPECT_EQ(test, s->peer[R].maxend, SISN + 1 + (502U << 7));
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", SISN + 1 + (500U << 7), CISN + 1, 509, 100));
	flowsess_session_free_unused(&fn->table, s);

	s = handshake(test, fn, 7, FLOWSESS_TCP_NO_WSCALE);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->peer[O].scale, 0);
	KUNIT_EXPECT_EQ(test, s->peer[R].maxend, SISN + 1 + 502);
	/* Unscaled, 64000 bytes ahead is past the client's 502. */
	KUNIT_EXPECT_FALSE(test, seg(s, R, "A", SISN + 1 + 64000, CISN + 1, 509, 100));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* Data both ways, retransmissions, keepalives, zero window probes. */
static void flowsess_test_window_traffic(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s = handshake(test, fn, 7, 7);
	u32 c = CISN + 1, sv = SISN + 1;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c, sv, 502, 1448));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + 1448, sv, 502, 1448));
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + 2896, 509, 0));
	/* A retransmission, and one of an already acknowledged segment. */
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + 1448, sv, 502, 1448));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c, sv, 502, 1448));
	/* A keepalive: one byte below the window, and its answer. */
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + 2895, sv, 502, 0));
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + 2896, 509, 0));
	/* The server's window closes; the client probes one byte past it. */
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + 2896, 0, 0));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + 2896, sv, 502, 1));
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + 2896, 0, 0));
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + 2896, 509, 0));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "FA", c + 2896, sv, 502, 0));
	KUNIT_EXPECT_EQ(test, s->peer[O].end, c + 2897);
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* What falls outside the window, each of checks I to IV. */
static void flowsess_test_window_rejects(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s = handshake(test, fn, 7, 7);
	u32 c = CISN + 1, sv = SISN + 1, rwin = 509U << 7;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c, sv, 502, 1000));
	/* I: data starting past what the server allows. */
	KUNIT_EXPECT_FALSE(test, seg(s, O, "A", c + rwin + 1000, sv, 502, 100));
	/* II: a stale duplicate, more than two windows behind. */
	KUNIT_EXPECT_FALSE(test, seg(s, O, "A", c - 3 * rwin, sv, 502, 100));
	/* III: acknowledging what the server never sent. */
	KUNIT_EXPECT_FALSE(test, seg(s, O, "A", c + 1000, sv + 100000, 502, 0));
	/* IV: acknowledging far below what it already acknowledged. */
	KUNIT_EXPECT_FALSE(test, seg(s, R, "A", sv, c - 1000000, 509, 0));
	/* A RST out of the window fails like any segment. */
	KUNIT_EXPECT_FALSE(test, seg(s, R, "RA", sv + 100000000, c + 1000, 0, 0));
	/* None of them moved the edges. */
	KUNIT_EXPECT_EQ(test, s->peer[O].end, c + 1000);
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + 1000, sv, 502, 1000));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/*
 * Late segments: an ACK overtaken by a newer one while the client's flight
 * filled the server's window, and a duplicate a window and a half behind,
 * pass (the network reorders and duplicates) and move nothing.
 */
static void flowsess_test_window_late(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s = handshake(test, fn, 7, 7);
	u32 c = CISN + 1, sv = SISN + 1, rwin = 509U << 7;
	struct flowsess_tcp_peer client, server;

	KUNIT_ASSERT_NOT_NULL(test, s);
	/* A window's worth, acknowledged in two halves, then another. */
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c, sv, 502, rwin / 2));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + rwin / 2, sv, 502, rwin / 2));
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + rwin, 509, 0));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + rwin, sv, 502, rwin / 2));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + rwin + rwin / 2, sv, 502, rwin / 2));
	client = s->peer[O];
	server = s->peer[R];
	/* The first half's ACK, overtaken: more than a window below. */
	KUNIT_EXPECT_EQ(test, verdict(s, R, "A", sv, c + rwin / 2, 509, 0),
			FLOWSESS_TCP_WINDOW_LATE);
	/* A duplicate of the first segment, a window and a half behind. */
	KUNIT_EXPECT_EQ(test, verdict(s, O, "A", c, sv, 502, rwin / 2),
			FLOWSESS_TCP_WINDOW_LATE);
	KUNIT_EXPECT_EQ(test, memcmp(&client, &s->peer[O], sizeof(client)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&server, &s->peer[R], sizeof(server)), 0);
	/* One of the server's windows (65 160) below: in down to c + 65144. */
	KUNIT_EXPECT_EQ(test, verdict(s, R, "A", sv, c + 65143, 509, 0), FLOWSESS_TCP_WINDOW_LATE);
	KUNIT_EXPECT_EQ(test, verdict(s, O, "A", c + 65043, sv, 502, 100),
			FLOWSESS_TCP_WINDOW_LATE);
	/*
	 * Two of the server's windows (65 160, from its SYN-ACK) below the
	 * client's end, c + 2 * rwin: late down to c - 16, forged below.
	 */
	KUNIT_EXPECT_EQ(test, verdict(s, R, "A", sv, c - 16, 509, 0), FLOWSESS_TCP_WINDOW_LATE);
	KUNIT_EXPECT_EQ(test, verdict(s, R, "A", sv, c - 17, 509, 0), FLOWSESS_TCP_WINDOW_OUT);
	KUNIT_EXPECT_EQ(test, verdict(s, O, "A", c - 116, sv, 502, 100), FLOWSESS_TCP_WINDOW_LATE);
	KUNIT_EXPECT_EQ(test, verdict(s, O, "A", c - 117, sv, 502, 100), FLOWSESS_TCP_WINDOW_OUT);
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* Sequence numbers wrap at 2^32. */
static void flowsess_test_window_wraps(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg sg;
	struct flowsess_session *s;
	struct flowsess_tuple t;
	u32 c = 0xfffffc00U, sv = 0x7ffffff0U;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_test_seg(&sg, "S", c - 1, 0, 65535, 0);
	flowsess_tcp_session_init(fn, s, &sg);
	KUNIT_EXPECT_TRUE(test, seg(s, R, "SA", sv - 1, c, 65535, 0));
	s->tcp_state = FLOWSESS_TCP_ESTABLISHED;
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c, sv, 65535, 1000));
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c + 1000, sv, 65535, 1000));	/* wraps */
	KUNIT_EXPECT_EQ(test, s->peer[O].end, c + 2000);
	KUNIT_EXPECT_TRUE(test, seg(s, R, "A", sv, c + 2000, 65535, 0));
	KUNIT_EXPECT_FALSE(test, seg(s, R, "A", sv, c + 3000, 65535, 0));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* The client's SYN again with a new initial sequence number. */
static void flowsess_test_window_syn_new_isn(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg sg;
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_test_seg(&sg, "S", CISN, 0, 64240, 0);
	flowsess_tcp_session_init(fn, s, &sg);
	KUNIT_EXPECT_TRUE(test, seg(s, O, "S", CISN, 0, 64240, 0));	/* same ISN */
	KUNIT_EXPECT_TRUE(test, seg(s, O, "S", CISN + 500000, 0, 64240, 0));
	KUNIT_EXPECT_EQ(test, s->peer[O].end, CISN + 500001);
	/* The server answers the new one. */
	KUNIT_EXPECT_TRUE(test, seg(s, R, "SA", SISN, CISN + 500001, 65160, 0));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* rst-sequence-check: which RSTs carry the expected sequence number. */
static void flowsess_test_rst_expected(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tcp_seg sg;
	struct flowsess_session *s;
	struct flowsess_tuple t;
	u32 c = CISN + 1, sv = SISN + 1;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_alloc(test, fn, &t);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_test_seg(&sg, "S", CISN, 0, 64240, 0);
	flowsess_tcp_session_init(fn, s, &sg);
	/* The server's answer to the SYN: it must acknowledge the SYN. */
	flowsess_test_seg(&sg, "RA", 0, c, 0, 0);
	KUNIT_EXPECT_TRUE(test, flowsess_tcp_rst_expected(s, R, &sg));
	KUNIT_EXPECT_EQ(test, flowsess_tcp_in_window(s, R, &sg), FLOWSESS_TCP_WINDOW_IN);
	flowsess_session_free_unused(&fn->table, s);

	s = handshake(test, fn, 7, 7);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, seg(s, O, "A", c, sv, 502, 100));
	flowsess_test_seg(&sg, "R", c + 100, 0, 0, 0);
	KUNIT_EXPECT_TRUE(test, flowsess_tcp_rst_expected(s, O, &sg));
	flowsess_test_seg(&sg, "R", c + 50, 0, 0, 0);	/* in the window, not exact */
	KUNIT_EXPECT_FALSE(test, flowsess_tcp_rst_expected(s, O, &sg));
	KUNIT_EXPECT_EQ(test, flowsess_tcp_in_window(s, O, &sg), FLOWSESS_TCP_WINDOW_IN);
	flowsess_test_seg(&sg, "RA", sv, c + 100, 0, 0);
	KUNIT_EXPECT_TRUE(test, flowsess_tcp_rst_expected(s, R, &sg));
	flowsess_test_seg(&sg, "RA", sv + 1, c + 100, 0, 0);
	KUNIT_EXPECT_FALSE(test, flowsess_tcp_rst_expected(s, R, &sg));
	flowsess_session_free_unused(&fn->table, s);
	flowsess_test_net_destroy(fn);
}

/* A segment of @len bytes from @dir through tcp.c: what becomes of it? */
static enum flowsess_tcp_action track_seg(struct flowsess_net *fn,
					  struct flowsess_session *s, enum flowsess_dir dir,
					  const char *flags, u32 seq, u32 ack, u16 win,
					  unsigned int len)
{
	struct flowsess_tcp_seg sg;

	flowsess_test_seg(&sg, flags, seq, ack, win, len);
	return flowsess_tcp_track(fn, s, dir, &sg, ktime_get_coarse());
}

/*
 * A session in the table through tcp.c: the client's SYN (sequence 0, no
 * window scale), and the server's SYN-ACK (SISN, window 65 535) passed.
 */
static struct flowsess_session *syn_answered(struct kunit *test, struct flowsess_net *fn)
{
	struct flowsess_session *s;
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_TCP, 1, 2, 40000, 80);
	s = flowsess_test_insert(test, fn, &t);
	if (s)
		KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "SA", SISN, 1, 65535, 0),
				FLOWSESS_TCP_PASS);
	return s;
}

/* Through tcp.c: knobs decide, and drops are counted by kind. */
static void flowsess_test_window_knobs(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s = syn_answered(test, fn);
	ktime_t now = ktime_get_coarse();
	struct flowsess_tcp_seg sg;
	u32 c = 1, sv = SISN + 1;

	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_test_seg(&sg, "A", c, sv, 65535, 0);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, O, &sg, now), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);

	flowsess_test_seg(&sg, "A", c + 10000000, sv, 65535, 100);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, O, &sg, now), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 1ULL);
	fn->cfg.no_sequence_check = true;
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, O, &sg, now), FLOWSESS_TCP_PASS);
	fn->cfg.no_sequence_check = false;

	/* rst-sequence-check: a RST in the window but not exact is dropped. */
	fn->cfg.rst_sequence_check = true;
	flowsess_test_seg(&sg, "RA", sv + 10, c, 0, 0);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, R, &sg, now), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_RST_SEQUENCE), 1ULL);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	flowsess_test_seg(&sg, "RA", sv, c, 0, 0);
	KUNIT_EXPECT_EQ(test, flowsess_tcp_track(fn, s, R, &sg, now), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_CLOSE);
	flowsess_test_net_destroy(fn);
}

/*
 * Through tcp.c: a late RST (more than one window below, less than two)
 * and a late FIN pass, but change nothing, and are not counted as drops;
 * just past two windows, they are.
 */
static void flowsess_test_window_late_track(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_session *s = syn_answered(test, fn);
	u32 c = 1, sv = SISN + 1;

	KUNIT_ASSERT_NOT_NULL(test, s);
	/* 120 000 bytes, nearly two of the server's windows (65 535). */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "A", c, sv, 65535, 60000), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, R, "A", sv, c + 60000, 65535, 0), FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "A", c + 60000, sv, 65535, 60000),
			FLOWSESS_TCP_PASS);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);

	/* The lower bound two windows down: c + 120000 - 2 * 65535 - 1. */
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "RA", c - 11070, sv, 0, 0), FLOWSESS_TCP_LATE);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "FA", c + 1000, sv, 65535, 0), FLOWSESS_TCP_LATE);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, s->dead);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 0ULL);
	KUNIT_EXPECT_EQ(test, track_seg(fn, s, O, "RA", c - 11071, sv, 0, 0), FLOWSESS_TCP_DROP);
	KUNIT_EXPECT_EQ(test, s->tcp_state, FLOWSESS_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_DROP_TCP_WINDOW), 1ULL);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_tcp_window_cases[] = {
	KUNIT_CASE(flowsess_test_wscale_option),
	KUNIT_CASE(flowsess_test_window_scaling),
	KUNIT_CASE(flowsess_test_window_traffic),
	KUNIT_CASE(flowsess_test_window_rejects),
	KUNIT_CASE(flowsess_test_window_late),
	KUNIT_CASE(flowsess_test_window_late_track),
	KUNIT_CASE(flowsess_test_window_wraps),
	KUNIT_CASE(flowsess_test_window_syn_new_isn),
	KUNIT_CASE(flowsess_test_rst_expected),
	KUNIT_CASE(flowsess_test_window_knobs),
	{}
};

static struct kunit_suite flowsess_tcp_window_suite = {
	.name = "flowsess_tcp_window",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_tcp_window_cases,
};

kunit_test_suite(flowsess_tcp_window_suite);

#undef O
#undef R
#undef CISN
#undef SISN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP tracking: the state machine and the SRX rules (tcp.c), sequence
 * checking (tcp_window.c).
 */
#ifndef _FLOWSESS_TCP_H
#define _FLOWSESS_TCP_H

#include <linux/tcp.h>

#include "session.h"

struct flowsess_net;
struct flowsess_timeouts;

/* One TCP segment, as the packet path parsed it. */
struct flowsess_tcp_seg {
	struct tcphdr th;		/* a copy of the fixed header */
	unsigned int payload_len;
	u8 wscale;			/* a SYN's window scale, or NO_WSCALE */
};

#define FLOWSESS_TCP_NO_WSCALE	0xff

/* tcp.c */
enum flowsess_tcp_event {
	FLOWSESS_TCP_EV_SYN,
	FLOWSESS_TCP_EV_SYNACK,
	FLOWSESS_TCP_EV_FIN,
	FLOWSESS_TCP_EV_ACK,
	FLOWSESS_TCP_EV_RST,
	FLOWSESS_TCP_EV_NONE,
	FLOWSESS_TCP_EV_MAX
};

/* What a segment does to its session, beyond the verdict. */
enum flowsess_tcp_action {
	FLOWSESS_TCP_PASS,
	FLOWSESS_TCP_LATE,		/* pass, but it tells the session nothing */
	FLOWSESS_TCP_DROP,		/* invalid here; tcp.c counted why */
	FLOWSESS_TCP_REOPEN,		/* SYN on TIME_WAIT: replace the session */
	FLOWSESS_TCP_GONE,		/* the session died under us */
};

/* Pseudo-states returned by flowsess_tcp_next(). */
#define FLOWSESS_TCP_INVALID	0xff
#define FLOWSESS_TCP_REOPEN_STATE 0xfe

enum flowsess_tcp_event flowsess_tcp_event(const struct tcphdr *th);
u8 flowsess_tcp_next(u8 state, enum flowsess_dir dir,
		     enum flowsess_tcp_event ev);
enum flowsess_tcp_action flowsess_tcp_track(struct flowsess_net *fn,
					    struct flowsess_session *s,
					    enum flowsess_dir dir,
					    const struct flowsess_tcp_seg *seg,
					    ktime_t now);
bool flowsess_tcp_may_create(const struct flowsess_net *fn,
			     const struct tcphdr *th, ktime_t now);
bool flowsess_tcp_may_pass_untracked(const struct flowsess_net *fn,
				     const struct tcphdr *th, ktime_t now);
ktime_t flowsess_pickup_open(struct flowsess_net *fn);
ktime_t flowsess_pickup_close(struct flowsess_net *fn);
void flowsess_pickup_restore(struct flowsess_net *fn, ktime_t opened);
void flowsess_pickup_period_changing(struct flowsess_net *fn);
u32 flowsess_pickup_remaining_ms(const struct flowsess_net *fn, ktime_t now);
void flowsess_tcp_session_init(struct flowsess_net *fn,
			       struct flowsess_session *s,
			       const struct flowsess_tcp_seg *seg);
ktime_t flowsess_tcp_timeout(const struct flowsess_timeouts *to, u8 state);

/* Picked up in mid-stream: tracked loosely (tcp_window.c). */
static inline bool flowsess_tcp_loose(const struct flowsess_session *s)
{
	return s->peer[FLOWSESS_DIR_ORIGINAL].flags & FLOWSESS_TCP_PEER_LOOSE;
}

/* tcp_window.c: sequence checking; session->lock held (or not yet seen). */
enum flowsess_tcp_window {
	FLOWSESS_TCP_WINDOW_OUT,
	FLOWSESS_TCP_WINDOW_IN,
	FLOWSESS_TCP_WINDOW_LATE,	/* a duplicate, an overtaken ACK */
};

void flowsess_tcp_window_init(struct flowsess_session *s,
			      const struct flowsess_tcp_seg *seg);
enum flowsess_tcp_window flowsess_tcp_in_window(struct flowsess_session *s,
						enum flowsess_dir dir,
						const struct flowsess_tcp_seg *seg);
bool flowsess_tcp_rst_expected(const struct flowsess_session *s,
			       enum flowsess_dir dir,
			       const struct flowsess_tcp_seg *seg);
u8 flowsess_tcp_parse_wscale(const u8 *opt, unsigned int len);

#endif /* _FLOWSESS_TCP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * TCP sequence checking: is a segment inside the window its receiver
 * allows? The SRX checks this unless `no-sequence-check` is set; the
 * method is nf_conntrack's (tcp_in_window(), after Guido van Rooij's
 * "Real Stateful TCP Packet Filtering in IP Filter"), reduced to what a
 * router needs.
 *
 * For each side the session remembers (struct flowsess_tcp_peer):
 *   end     the sequence number after the last byte (or SYN / FIN) it sent;
 *   maxend  the right edge of the window the other side gave it, that is
 *           the highest ack + window (scaled) the other side sent;
 *   maxwin  the largest window it advertised itself.
 * A segment from the sender is in the window when
 *   I.   it starts no later than sender.maxend (the receiver's right edge),
 *   II.  it ends no earlier than one receiver window before sender.end
 *        (retransmissions and keepalives pass),
 *   III. it acknowledges nothing the receiver has not sent, and
 *   IV.  it acknowledges no less than one sender window before that.
 * Retransmissions, keepalives (one byte below the window), zero window
 * probes (one byte past a zero window), window scaling (RFC 7323, used
 * only when both SYNs carry the option) and SACK (whose blocks lie inside
 * the window) all pass these checks.
 *
 * What fails only II or IV by less than one more window, from a sender
 * already known, is late, not forged: a duplicate, or an ACK overtaken by
 * a newer one while the sender's flight filled the window. The network reorders and duplicates,
 * and the end hosts take such segments in their stride, so they pass; like
 * nf_conntrack (which ignores them), nothing is learnt from them: not the
 * edges here, nor a flag or an idle time in tcp.c (a late RST or FIN
 * changes nothing). Further below, they are dropped.
 *
 * A session picked up in mid-stream (tcp.c) never saw the SYNs, which
 * carry the window scales: no window can be known. Its sides are loose
 * (FLOWSESS_TCP_PEER_LOOSE) for its life, as nf_conntrack's "be liberal"
 * pickups: a segment is never refused for a window it might exceed. But
 * one that would end the connection (FIN, RST) must fall within reach of
 * where its sender is (two windows as far as they are known, at least
 * 1 MiB), and only segments within reach teach the edges, for that and
 * for rst-sequence-check: an attacker blind to the connection has one
 * chance in 2^11 per segment to end a picked-up session, or to move an
 * edge.
 *
 * Everything here runs under session->lock, or on a session nobody else
 * sees yet.
 */
#include <linux/sizes.h>
#include <net/tcp.h>

#include "internal.h"

/* Ack window when the sender's own window is still unknown (nf_conntrack). */
#define FLOWSESS_TCP_MAX_ACK_WINDOW	66000
#define FLOWSESS_TCP_MAX_WSCALE		14	/* RFC 7323 */

static u32 flowsess_tcp_seg_end(const struct flowsess_tcp_seg *seg)
{
	return ntohl(seg->th.seq) + seg->payload_len + seg->th.syn + seg->th.fin;
}

/*
 * The window scale option of a SYN's options (@len bytes after the fixed
 * header), or FLOWSESS_TCP_NO_WSCALE. Malformed options end the walk.
 */
u8 flowsess_tcp_parse_wscale(const u8 *opt, unsigned int len)
{
	unsigned int i = 0;

	while (i < len) {
		u8 kind = opt[i], optlen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		optlen = opt[i + 1];
		if (optlen < 2 || i + optlen > len)
			break;
		if (kind == TCPOPT_WINDOW && optlen == TCPOLEN_WINDOW)
			return min_t(u8, opt[i + 2], FLOWSESS_TCP_MAX_WSCALE);
		i += optlen;
	}
	return FLOWSESS_TCP_NO_WSCALE;
}

/*
 * Is @seq above the lower bound @n (1 or 2) windows of @win below @edge?
 * Always when the window is not known yet. The window is held under 2^30,
 * so that two of them stay within after()'s half of the sequence space.
 */
static bool flowsess_tcp_above(u32 seq, u32 edge, u32 win, unsigned int n)
{
	return !win || after(seq, edge - n * min_t(u32, win, SZ_1G - 1) - 1);
}

/* A SYN (or SYN-ACK) opens the sender's side: its window is not scaled. */
static void flowsess_tcp_peer_open(struct flowsess_tcp_peer *p,
				   const struct flowsess_tcp_seg *seg)
{
	p->end = flowsess_tcp_seg_end(seg);
	p->maxend = p->end;
	p->maxwin = max_t(u32, ntohs(seg->th.window), 1);
	p->flags = 0;
	p->scale = 0;
	if (seg->wscale != FLOWSESS_TCP_NO_WSCALE) {
		p->flags |= FLOWSESS_TCP_PEER_WSCALE;
		p->scale = seg->wscale;
	}
}

/*
 * A new session's first segment: a SYN, or a segment picked up in
 * mid-stream, whose session is loose.
 */
void flowsess_tcp_window_init(struct flowsess_session *s,
			      const struct flowsess_tcp_seg *seg)
{
	memset(s->peer, 0, sizeof(s->peer));
	if (seg->th.syn) {
		flowsess_tcp_peer_open(&s->peer[FLOWSESS_DIR_ORIGINAL], seg);
		return;
	}
	s->peer[FLOWSESS_DIR_ORIGINAL].flags = FLOWSESS_TCP_PEER_LOOSE;
	s->peer[FLOWSESS_DIR_REPLY].flags = FLOWSESS_TCP_PEER_LOOSE;
	flowsess_tcp_in_window(s, FLOWSESS_DIR_ORIGINAL, seg);
}

/*
 * A loose session's reach: how far from a side's known edge its segments
 * may fall and still teach it, and its FIN or RST pass. Two of the
 * receiver's windows as far as they are known, and never under 1 MiB, as
 * the windows of a picked-up connection are known only from below.
 */
#define FLOWSESS_TCP_LOOSE_REACH	SZ_1M

/*
 * A loose session's segment. What can be learnt is the sender's edge;
 * that the receiver sent what the sender acknowledges (a keepalive's
 * answer, say); and a lower bound of each side's window, scaled: the most
 * it advertised unscaled, and the most the other side had in flight. A
 * segment within reach of the sender's edge (learnt from its segments, or
 * from the other side's acknowledgments while it sent none) teaches all
 * that; one out of reach, which only someone blind to the connection
 * sends, passes late: it teaches nothing, and if it would end the
 * connection (FIN, RST) it is out of the window. The session's first
 * segment is taken as it is; a SYN starts a new connection, which the
 * state machine judges.
 */
static enum flowsess_tcp_window
flowsess_tcp_loose_seg(struct flowsess_tcp_peer *sender, struct flowsess_tcp_peer *receiver,
		       const struct flowsess_tcp_seg *seg)
{
	u32 end = flowsess_tcp_seg_end(seg), ack = ntohl(seg->th.ack_seq);
	u32 reach = max(2 * receiver->maxwin, (u32)FLOWSESS_TCP_LOOSE_REACH);
	const struct tcphdr *th = &seg->th;
	u32 seq = ntohl(th->seq);
	bool first = !sender->maxwin && !receiver->maxwin;

	if (th->syn)
		return FLOWSESS_TCP_WINDOW_IN;
	if (!first && (!after(seq, sender->end - reach - 1) ||
		       !before(seq, sender->end + reach + 1)))
		return th->fin || th->rst ? FLOWSESS_TCP_WINDOW_OUT :
					    FLOWSESS_TCP_WINDOW_LATE;
	if (th->rst)
		return FLOWSESS_TCP_WINDOW_IN;
	if (first || after(end, sender->end))
		sender->end = end;
	sender->maxwin = max3(sender->maxwin, (u32)ntohs(th->window), 1U);
	if (!th->ack)
		return FLOWSESS_TCP_WINDOW_IN;
	/* The receiver's data, in flight within the sender's window. */
	reach = max(2 * sender->maxwin, (u32)FLOWSESS_TCP_LOOSE_REACH);
	if (!receiver->maxwin || (after(ack, receiver->end) && ack - receiver->end <= reach))
		receiver->end = ack;
	else if (!after(ack, receiver->end) && receiver->end - ack < SZ_1G)
		sender->maxwin = max(sender->maxwin, receiver->end - ack);
	return FLOWSESS_TCP_WINDOW_IN;
}

/* The sender's first segment: learn what can be learnt from it. */
static bool flowsess_tcp_first_from(struct flowsess_tcp_peer *sender,
				    struct flowsess_tcp_peer *receiver,
				    const struct flowsess_tcp_seg *seg)
{
	u32 end = flowsess_tcp_seg_end(seg), ack = ntohl(seg->th.ack_seq);

	if (seg->th.syn) {
		/* The SYN-ACK, or a simultaneous open's SYN. */
		flowsess_tcp_peer_open(sender, seg);
		if (!(sender->flags & receiver->flags & FLOWSESS_TCP_PEER_WSCALE)) {
			sender->scale = 0;
			receiver->scale = 0;
		}
		return seg->th.ack;	/* no ACK: nothing else to check */
	}
	/* Mid-stream: this side's history is lost to us. */
	sender->end = end;
	sender->maxwin = max_t(u32, (u32)ntohs(seg->th.window) << sender->scale, 1);
	sender->maxend = end + sender->maxwin;
	if (!receiver->maxwin) {
		receiver->end = ack;
		receiver->maxend = ack;
	} else if (ack == receiver->end + 1) {
		receiver->end++;	/* the answer to a keepalive */
	}
	return true;
}

/*
 * Is @seg, sent in direction @dir, inside the window, late, or out of it?
 * Updates both sides when it is inside. session->lock held.
 */
enum flowsess_tcp_window flowsess_tcp_in_window(struct flowsess_session *s,
						enum flowsess_dir dir,
						const struct flowsess_tcp_seg *seg)
{
	struct flowsess_tcp_peer *sender = &s->peer[dir];
	struct flowsess_tcp_peer *receiver = &s->peer[!dir];
	const struct tcphdr *th = &seg->th;
	u32 seq = ntohl(th->seq), ack = ntohl(th->ack_seq);
	u32 end = flowsess_tcp_seg_end(seg), win = ntohs(th->window);
	bool known = sender->maxwin;	/* first_from() learns from the first */
	u32 ackwin;

	if (sender->flags & FLOWSESS_TCP_PEER_LOOSE)
		return flowsess_tcp_loose_seg(sender, receiver, seg);
	if (!known) {
		if (!flowsess_tcp_first_from(sender, receiver, seg))
			return FLOWSESS_TCP_WINDOW_IN;
	} else if (th->syn && !th->ack && s->tcp_state == FLOWSESS_TCP_SYN_SENT &&
		   after(end, sender->end)) {
		/* The SYN again, with a new initial sequence number. */
		flowsess_tcp_peer_open(sender, seg);
		return FLOWSESS_TCP_WINDOW_IN;
	}

	/* No ACK, or a RST with a zero one (some stacks): assume the right one. */
	if (!th->ack || (th->rst && !ack))
		ack = receiver->end;
	/* The RST that answers a SYN may carry sequence number zero. */
	if (th->rst && !seq && s->tcp_state == FLOWSESS_TCP_SYN_SENT) {
		seq = sender->end;
		end = sender->end;
	}

	ackwin = sender->maxwin ?: FLOWSESS_TCP_MAX_ACK_WINDOW;
	if (!before(seq, sender->maxend + 1) ||			/* I */
	    !before(ack, receiver->end + 1))				/* III */
		return FLOWSESS_TCP_WINDOW_OUT;
	if (!flowsess_tcp_above(end, sender->end, receiver->maxwin, 1) ||	/* II */
	    !flowsess_tcp_above(ack, receiver->end, ackwin, 1)) {		/* IV */
		/* Late, or forged: see the top of this file. */
		if (known && flowsess_tcp_above(end, sender->end, receiver->maxwin, 2) &&
		    flowsess_tcp_above(ack, receiver->end, ackwin, 2))
			return FLOWSESS_TCP_WINDOW_LATE;
		return FLOWSESS_TCP_WINDOW_OUT;
	}

	if (!th->syn)
		win <<= sender->scale;
	sender->maxwin = max(sender->maxwin, win);
	if (after(end, sender->end))
		sender->end = end;
	/* The receiver's window grows with what it was sent beyond its edge. */
	if (receiver->maxwin && after(end, sender->maxend))
		receiver->maxwin += end - sender->maxend;
	if (after(ack + win, receiver->maxend - 1))
		receiver->maxend = ack + win + !win;	/* room for a probe */
	return FLOWSESS_TCP_WINDOW_IN;
}

/*
 * rst-sequence-check: a RST must carry exactly the sequence number its
 * receiver expects next (RFC 5961, 3.2), that is the sender's end. A RST
 * from a side not seen yet (the answer to a SYN) must acknowledge the SYN
 * instead (RFC 9293, 3.10.7.3).
 */
bool flowsess_tcp_rst_expected(const struct flowsess_session *s,
			       enum flowsess_dir dir,
			       const struct flowsess_tcp_seg *seg)
{
	const struct flowsess_tcp_peer *sender = &s->peer[dir];
	const struct flowsess_tcp_peer *receiver = &s->peer[!dir];

	if (!sender->maxwin)
		return (seg->th.ack && ntohl(seg->th.ack_seq) == receiver->end) ||
		       /* a pickup knows its edge from the other side's ACKs */
		       ((sender->flags & FLOWSESS_TCP_PEER_LOOSE) &&
			ntohl(seg->th.seq) == sender->end);
	return ntohl(seg->th.seq) == sender->end;
}

#ifdef FLOWSESS_KUNIT
#include "tests/tcp_window_test.c"
#endif

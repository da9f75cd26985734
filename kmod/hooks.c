// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks on IPv4 and IPv6 FORWARD, registered per
 * network namespace. Hooks run in softirq context under rcu_read_lock().
 *
 * Only forwarded traffic is tracked: flowsess guards what a router passes
 * between its interfaces, not the router's own sockets (LOCAL_IN/LOCAL_OUT).
 *
 * Parsing trusts nothing past the IP header that the stack has validated:
 * L4 headers are read with skb_header_pointer() and checked against the
 * IP payload length. A truncated or malformed L4 header is dropped and
 * counted.
 *
 * Fragments are reassembled before the hooks see them, by nf_defrag_ipv4
 * and nf_defrag_ipv6 (enabled per namespace while the hooks are there, as
 * nf_conntrack does; they hook PRE_ROUTING and LOCAL_OUT): a fragmented
 * datagram or segment is tracked whole, with its real length, and the
 * stack fragments it again on the way out, to the largest fragment it
 * came in. A non-first fragment that still reaches a hook is one the
 * reassembler refused (a length not a multiple of 8, a truncated first
 * fragment): it names no session, and is dropped and counted.
 *
 * An ICMP or ICMPv6 error belongs to the session of the packet it quotes,
 * as nf_conntrack's "related": it passes when that session is live and
 * the error goes back to the quoted packet's sender; any other error is
 * dropped. It neither creates nor refreshes a session.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/sched/mm.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "internal.h"

/* After conntrack and mangle, before the filter table. */
#define FLOWSESS_HOOK_PRIORITY	(NF_IP_PRI_FILTER - 10)

struct flowsess_pkt {
	struct flowsess_tuple tuple;
	struct flowsess_tcp_seg tcp;	/* valid when protonum is TCP */
	bool may_create;		/* not TCP: tcp.c decides */
	unsigned int len;		/* the IP packet's, for accounting */
	unsigned int quoted;		/* an ICMP error's quoted IP header */
};

enum flowsess_parse {
	FLOWSESS_PARSE_OK,
	FLOWSESS_PARSE_BAD,
	FLOWSESS_PARSE_FRAGMENT,
	FLOWSESS_PARSE_UNTRACKED,
	FLOWSESS_PARSE_ICMP_ERROR,
};

static enum flowsess_parse flowsess_parse_icmp(struct flowsess_pkt *pkt,
					       u8 type, __be16 id,
					       u8 echo_request, u8 echo_reply)
{
	if (type != echo_request && type != echo_reply)
		return FLOWSESS_PARSE_UNTRACKED;	/* not an echo, nor an error */
	pkt->tuple.sport = id;
	pkt->tuple.dport = id;
	pkt->may_create = type == echo_request;
	return FLOWSESS_PARSE_OK;
}

/*
 * The TCP header at @thoff, @l4len bytes of IP payload; a SYN's options
 * for the window scale.
 */
static enum flowsess_parse flowsess_parse_tcp(const struct sk_buff *skb,
					      unsigned int thoff,
					      unsigned int l4len,
					      struct flowsess_tcp_seg *seg)
{
	u8 opt[MAX_TCP_OPTION_SPACE];
	unsigned int doff;

	if (l4len < sizeof(struct tcphdr) ||
	    skb_copy_bits(skb, thoff, &seg->th, sizeof(seg->th)))
		return FLOWSESS_PARSE_BAD;
	doff = seg->th.doff * 4;
	if (doff < sizeof(struct tcphdr) || doff > l4len)
		return FLOWSESS_PARSE_BAD;
	seg->payload_len = l4len - doff;
	seg->wscale = FLOWSESS_TCP_NO_WSCALE;
	doff -= sizeof(struct tcphdr);	/* now the options' length, <= 40 */
	if (seg->th.syn && doff) {
		if (skb_copy_bits(skb, thoff + sizeof(struct tcphdr), opt, doff))
			return FLOWSESS_PARSE_BAD;
		seg->wscale = flowsess_tcp_parse_wscale(opt, doff);
	}
	return FLOWSESS_PARSE_OK;
}

/* The L4 header at @thoff, @l4len bytes of IP payload. */
static enum flowsess_parse flowsess_parse_l4(const struct sk_buff *skb,
					     unsigned int thoff,
					     unsigned int l4len,
					     struct flowsess_pkt *pkt)
{
	switch (pkt->tuple.protonum) {
	case IPPROTO_TCP:
		if (flowsess_parse_tcp(skb, thoff, l4len, &pkt->tcp) != FLOWSESS_PARSE_OK)
			return FLOWSESS_PARSE_BAD;
		pkt->tuple.sport = pkt->tcp.th.source;
		pkt->tuple.dport = pkt->tcp.th.dest;
		return FLOWSESS_PARSE_OK;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE: {
		struct udphdr _uh;
		const struct udphdr *uh;

		uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
		if (!uh || l4len < sizeof(_uh))
			return FLOWSESS_PARSE_BAD;
		pkt->tuple.sport = uh->source;
		pkt->tuple.dport = uh->dest;
		pkt->may_create = true;
		return FLOWSESS_PARSE_OK;
	}
	case IPPROTO_ICMP: {
		struct icmphdr _ih;
		const struct icmphdr *ih;

		if (pkt->tuple.l3num != NFPROTO_IPV4)
			break;
		ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
		if (!ih || l4len < sizeof(_ih))
			return FLOWSESS_PARSE_BAD;
		if (icmp_is_err(ih->type)) {
			pkt->quoted = thoff + sizeof(_ih);
			return FLOWSESS_PARSE_ICMP_ERROR;
		}
		return flowsess_parse_icmp(pkt, ih->type, ih->un.echo.id,
					   ICMP_ECHO, ICMP_ECHOREPLY);
	}
	case IPPROTO_ICMPV6: {
		struct icmp6hdr _ih;
		const struct icmp6hdr *ih;

		if (pkt->tuple.l3num != NFPROTO_IPV6)
			break;
		ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
		if (!ih || l4len < sizeof(_ih))
			return FLOWSESS_PARSE_BAD;
		/* Every type below 128 is an error (RFC 4443), as for conntrack. */
		if (!(ih->icmp6_type & ICMPV6_INFOMSG_MASK)) {
			pkt->quoted = thoff + sizeof(_ih);
			return FLOWSESS_PARSE_ICMP_ERROR;
		}
		return flowsess_parse_icmp(pkt, ih->icmp6_type,
					   ih->icmp6_identifier,
					   ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY);
	}
	}
	/* Another protocol, or ICMP of the other family: no ports. */
	pkt->may_create = true;
	return FLOWSESS_PARSE_OK;
}

static enum flowsess_parse flowsess_parse_ipv4(const struct sk_buff *skb,
					       struct flowsess_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = iph->ihl * 4;

	/* ip_rcv() checked ihl, tot_len and the skb length. */
	if (ntohs(iph->frag_off) & IP_OFFSET)
		return FLOWSESS_PARSE_FRAGMENT;
	pkt->tuple.l3num = NFPROTO_IPV4;
	pkt->tuple.protonum = iph->protocol;
	pkt->tuple.src.ip = iph->saddr;
	pkt->tuple.dst.ip = iph->daddr;
	return flowsess_parse_l4(skb, skb_network_offset(skb) + ihl,
				 skb_ip_totlen(skb) - ihl, pkt);
}

static enum flowsess_parse flowsess_parse_ipv6(struct sk_buff *skb,
					       struct flowsess_pkt *pkt)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int thoff = 0;
	unsigned short fragoff = 0;
	int flags = 0, proto;

	proto = ipv6_find_hdr(skb, &thoff, -1, &fragoff, &flags);
	if (proto < 0)
		return FLOWSESS_PARSE_BAD;
	if ((flags & IP6_FH_F_FRAG) && fragoff)
		return FLOWSESS_PARSE_FRAGMENT;
	pkt->tuple.l3num = NFPROTO_IPV6;
	pkt->tuple.protonum = proto;
	pkt->tuple.src.in6 = ip6h->saddr;
	pkt->tuple.dst.in6 = ip6h->daddr;
	/* ip6_rcv_core() trimmed the skb to the IPv6 payload length. */
	if (thoff > skb->len)
		return FLOWSESS_PARSE_BAD;
	return flowsess_parse_l4(skb, thoff, skb->len - thoff, pkt);
}

/*
 * The ports of a quoted packet whose L4 header is at @off: the first eight
 * bytes are all an ICMP error must quote (RFC 792), and enough.
 */
static bool flowsess_parse_quoted_l4(const struct sk_buff *skb,
				     unsigned int off, struct flowsess_tuple *t)
{
	struct icmphdr _ih;
	const struct icmphdr *ih;
	__be16 _ports[2];
	const __be16 *ports;

	switch (t->protonum) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		ports = skb_header_pointer(skb, off, sizeof(_ports), _ports);
		if (!ports)
			return false;
		t->sport = ports[0];
		t->dport = ports[1];
		return true;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (t->protonum != (t->l3num == NFPROTO_IPV4 ? IPPROTO_ICMP :
							       IPPROTO_ICMPV6))
			return true;	/* the other family's: no ports */
		/* Only an echo has a session; its identifier is both ports. */
		ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
		if (!ih)
			return false;
		if (t->protonum == IPPROTO_ICMP ?
		    ih->type != ICMP_ECHO && ih->type != ICMP_ECHOREPLY :
		    ih->type != ICMPV6_ECHO_REQUEST && ih->type != ICMPV6_ECHO_REPLY)
			return false;
		t->sport = ih->un.echo.id;
		t->dport = ih->un.echo.id;
		return true;
	default:
		return true;	/* sessions of other protocols have no ports */
	}
}

/* The quoted IPv4 packet at @off; false if it names no session. */
static bool flowsess_parse_quoted_ipv4(const struct sk_buff *skb,
				       unsigned int off, struct flowsess_tuple *t)
{
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    ntohs(iph->frag_off) & IP_OFFSET)
		return false;
	t->l3num = NFPROTO_IPV4;
	t->protonum = iph->protocol;
	t->src.ip = iph->saddr;
	t->dst.ip = iph->daddr;
	return flowsess_parse_quoted_l4(skb, off + iph->ihl * 4, t);
}

static bool flowsess_parse_quoted_ipv6(const struct sk_buff *skb,
				       unsigned int off, struct flowsess_tuple *t)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	__be16 frag_off;
	u8 nexthdr;
	int l4off;

	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return false;
	nexthdr = ip6h->nexthdr;
	l4off = ipv6_skip_exthdr(skb, off + sizeof(_ip6h), &nexthdr, &frag_off);
	if (l4off < 0 || ntohs(frag_off) & ~0x7)
		return false;
	t->l3num = NFPROTO_IPV6;
	t->protonum = nexthdr;
	t->src.in6 = ip6h->saddr;
	t->dst.in6 = ip6h->daddr;
	return flowsess_parse_quoted_l4(skb, l4off, t);
}

/*
 * An ICMP error: related to a live session, addressed to the sender of
 * the packet it quotes, it passes; anything else is dropped.
 */
static unsigned int flowsess_icmp_error(struct flowsess_net *fn,
					const struct sk_buff *skb,
					const struct flowsess_pkt *pkt)
{
	struct flowsess_tuple quoted = {};
	struct flowsess_session *s;
	enum flowsess_dir dir;
	bool parsed;

	if (pkt->tuple.l3num == NFPROTO_IPV4)
		parsed = flowsess_parse_quoted_ipv4(skb, pkt->quoted, &quoted);
	else
		parsed = flowsess_parse_quoted_ipv6(skb, pkt->quoted, &quoted);
	if (parsed && nf_inet_addr_cmp(&quoted.src, &pkt->tuple.dst)) {
		s = flowsess_table_lookup(&fn->table, &quoted, &dir);
		if (s && !flowsess_session_expired(&fn->cfg, s, ktime_get_coarse())) {
			flowsess_stat_inc(fn, FLOWSESS_STAT_ICMP_RELATED);
			return NF_ACCEPT;
		}
	}
	flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_ICMP_UNRELATED);
	return NF_DROP;
}

static bool flowsess_may_create(const struct flowsess_net *fn,
				const struct flowsess_pkt *pkt, ktime_t now)
{
	if (pkt->tuple.protonum == IPPROTO_TCP)
		return flowsess_tcp_may_create(fn, &pkt->tcp.th, now);
	return pkt->may_create;
}

/*
 * A place in the table for a new session: when the table is full, evict
 * one by policy (aging.c). The place is taken before the allocation, so a
 * packet refused for a full table costs no allocation.
 */
static bool flowsess_make_room(struct flowsess_net *fn, ktime_t now)
{
	if (flowsess_session_reserve(&fn->table))
		return true;
	return flowsess_evict_one(&fn->table, now) &&
	       flowsess_session_reserve(&fn->table);
}

/* A new session found no memory: counted, and said in the log (rate-limited). */
static unsigned int flowsess_drop_nomem(struct flowsess_net *fn)
{
	flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_NOMEM);
	net_warn_ratelimited("flowsess: out of memory, dropping packet\n");
	return NF_DROP;
}

/*
 * A session for @fn, charged to the namespace's memory cgroup if it has
 * one (main.c): a container pays for the sessions its traffic makes. Then
 * not GFP_ATOMIC, whose __GFP_HIGH would charge past the cgroup's limit.
 */
static struct flowsess_session *flowsess_session_new(struct flowsess_net *fn,
						     const struct flowsess_tuple *t)
{
	bool acct = READ_ONCE(fn->cfg.accounting);
	struct flowsess_session *s;
	struct mem_cgroup *old;

	if (!fn->memcg)
		return flowsess_session_alloc(t, acct, GFP_ATOMIC | __GFP_NOWARN);
	old = set_active_memcg(fn->memcg);
	s = flowsess_session_alloc(t, acct, GFP_NOWAIT | __GFP_NOWARN);
	set_active_memcg(old);
	return s;
}

/*
 * No live session holds the tuple: create one if this packet may. Returns
 * the verdict, or -EEXIST when another CPU linked one first (the caller
 * looks again).
 */
static int flowsess_create(struct flowsess_net *fn, struct flowsess_pkt *pkt,
			   const struct nf_hook_state *state, ktime_t now)
{
	struct flowsess_session *s;
	int err;

	if (!flowsess_may_create(fn, pkt, now)) {
		if (pkt->tuple.protonum == IPPROTO_TCP &&
		    flowsess_tcp_may_pass_untracked(fn, &pkt->tcp.th, now)) {
			flowsess_stat_inc(fn, FLOWSESS_STAT_UNTRACKED);
			return NF_ACCEPT;
		}
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_NO_SESSION);
		return NF_DROP;
	}
	if (!flowsess_make_room(fn, now)) {
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_TABLE_FULL);
		net_warn_ratelimited("flowsess: table full, dropping packet\n");
		return NF_DROP;
	}
	s = flowsess_session_new(fn, &pkt->tuple);
	if (!s) {
		flowsess_session_unreserve(&fn->table);
		return flowsess_drop_nomem(fn);
	}
	s->last_seen = now;
	s->iif = state->in ? state->in->ifindex : 0;
	s->oif = state->out ? state->out->ifindex : 0;
	if (pkt->tuple.protonum == IPPROTO_TCP)
		flowsess_tcp_session_init(fn, s, &pkt->tcp);
	/* Its first packet, counted before SESSION_NEW reports it. */
	flowsess_session_account(s, FLOWSESS_DIR_ORIGINAL, pkt->len);

	err = flowsess_session_insert(&fn->table, s);
	if (err) {
		if (err == -EEXIST)
			return err;
		return flowsess_drop_nomem(fn);
	}
	flowsess_stat_inc(fn, FLOWSESS_STAT_SESSIONS_CREATED);
	if (pkt->tuple.protonum == IPPROTO_TCP && !pkt->tcp.th.syn)
		flowsess_stat_inc(fn, FLOWSESS_STAT_SESSIONS_MIDSTREAM);
	return NF_ACCEPT;
}

/*
 * A packet of a session but TCP's passes (tcp.c does the same for TCP),
 * and the session learns of it under its lock: a copy (an import made
 * it) is this router's own from now on, before anything of it is
 * reported, and no end of a copy only takes it any more (session.c,
 * rule 3); a reply establishes the flow (aging.c), once, and a copy of it
 * on another router hears of it (events.c: STATE). A session that died
 * meanwhile learns nothing: the packet passes, as one a moment earlier
 * would have.
 */
static void flowsess_passed(struct flowsess_net *fn, struct flowsess_session *s,
			    enum flowsess_dir dir)
{
	spin_lock_bh(&s->lock);
	if (!s->dead) {
		flowsess_session_own_locked(s);
		if (dir == FLOWSESS_DIR_REPLY && !s->established) {
			flowsess_session_set_established(&fn->table, s, true);
			WRITE_ONCE(s->replied, true);
			flowsess_event(fn, s, FLOWSESS_EVENT_STATE, FLOWSESS_REASON_NONE, false);
		}
	}
	spin_unlock_bh(&s->lock);
}

static unsigned int flowsess_track(struct flowsess_net *fn,
				   struct flowsess_pkt *pkt,
				   const struct nf_hook_state *state)
{
	ktime_t now = ktime_get_coarse();
	struct flowsess_session *s;
	enum flowsess_dir dir;
	int retries = 2;
	int verdict;

again:
	s = flowsess_table_lookup(&fn->table, &pkt->tuple, &dir);
	/* Expired: it never matches again (session.c, rule 6). */
	if (s && flowsess_session_expired(&fn->cfg, s, now) &&
	    flowsess_session_expire(&fn->table, s, now))
		s = NULL;
	if (!s) {
		verdict = flowsess_create(fn, pkt, state, now);
		/* -EEXIST: another CPU made it first, from either side. */
		if (verdict != -EEXIST)
			return verdict;
		if (retries--)
			goto again;
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_NO_SESSION);
		return NF_DROP;
	}

	if (pkt->tuple.protonum == IPPROTO_TCP) {
		switch (flowsess_tcp_track(fn, s, dir, &pkt->tcp, now)) {
		case FLOWSESS_TCP_PASS:
			break;
		case FLOWSESS_TCP_LATE:
			/* late: no state, no last_seen */
			flowsess_session_account(s, dir, pkt->len);
			return NF_ACCEPT;
		case FLOWSESS_TCP_DROP:
			return NF_DROP;
		case FLOWSESS_TCP_REOPEN:
			flowsess_session_invalidate(&fn->table, s, FLOWSESS_REASON_REOPEN);
			fallthrough;
		case FLOWSESS_TCP_GONE:
			if (retries--)
				goto again;
			flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_NO_SESSION);
			return NF_DROP;
		}
	} else if ((dir == FLOWSESS_DIR_REPLY && !READ_ONCE(s->established)) ||
		   unlikely(READ_ONCE(s->imported))) {
		flowsess_passed(fn, s, dir);
	}
	if (dir == FLOWSESS_DIR_REPLY && !READ_ONCE(s->replied))
		WRITE_ONCE(s->replied, true);
	if (READ_ONCE(s->last_seen) != now)
		WRITE_ONCE(s->last_seen, now);
	flowsess_session_account(s, dir, pkt->len);
	return NF_ACCEPT;
}

static unsigned int flowsess_verdict(struct flowsess_net *fn,
				     const struct sk_buff *skb,
				     struct flowsess_pkt *pkt,
				     enum flowsess_parse parsed,
				     const struct nf_hook_state *state)
{
	switch (parsed) {
	case FLOWSESS_PARSE_OK:
		return flowsess_track(fn, pkt, state);
	case FLOWSESS_PARSE_ICMP_ERROR:
		return flowsess_icmp_error(fn, skb, pkt);
	case FLOWSESS_PARSE_FRAGMENT:
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_FRAGMENT);
		return NF_DROP;
	case FLOWSESS_PARSE_UNTRACKED:
		flowsess_stat_inc(fn, FLOWSESS_STAT_UNTRACKED);
		return NF_ACCEPT;
	case FLOWSESS_PARSE_BAD:
	default:
		flowsess_stat_inc(fn, FLOWSESS_STAT_DROP_BAD_HEADER);
		return NF_DROP;
	}
}

static unsigned int flowsess_hook_ipv4(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct flowsess_net *fn = flowsess_pernet(state->net);
	struct flowsess_pkt pkt = { .len = skb->len };

	flowsess_stat_inc(fn, FLOWSESS_STAT_PACKETS_IPV4);
	return flowsess_verdict(fn, skb, &pkt, flowsess_parse_ipv4(skb, &pkt), state);
}

static unsigned int flowsess_hook_ipv6(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct flowsess_net *fn = flowsess_pernet(state->net);
	struct flowsess_pkt pkt = { .len = skb->len };

	flowsess_stat_inc(fn, FLOWSESS_STAT_PACKETS_IPV6);
	return flowsess_verdict(fn, skb, &pkt, flowsess_parse_ipv6(skb, &pkt), state);
}

static const struct nf_hook_ops flowsess_hook_ops[] = {
	{
		.hook		= flowsess_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= FLOWSESS_HOOK_PRIORITY,
	},
	{
		.hook		= flowsess_hook_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= FLOWSESS_HOOK_PRIORITY,
	},
};

int flowsess_hooks_register(struct net *net)
{
	int err;

	err = nf_defrag_ipv4_enable(net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(net);
	if (err)
		goto err_ipv4;
	err = nf_register_net_hooks(net, flowsess_hook_ops,
				    ARRAY_SIZE(flowsess_hook_ops));
	if (err)
		goto err_ipv6;
	return 0;

err_ipv6:
	nf_defrag_ipv6_disable(net);
err_ipv4:
	nf_defrag_ipv4_disable(net);
	return err;
}

void flowsess_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, flowsess_hook_ops,
				ARRAY_SIZE(flowsess_hook_ops));
	nf_defrag_ipv6_disable(net);
	nf_defrag_ipv4_disable(net);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session and its life (session.c, whose top holds the locking and
 * lifetime rules of the whole module).
 */
#ifndef _FLOWSESS_SESSION_H
#define _FLOWSESS_SESSION_H

#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "uapi/flowsess.h"

struct flowsess_config;
struct flowsess_table;

/*
 * A session's key as seen in one direction. The key is everything before
 * @dir: memcmp()-compared and hashed, so tuples are built zeroed.
 * ICMP echo sessions carry the echo identifier in both ports, so that the
 * reply's tuple is the request's tuple reversed.
 */
struct flowsess_tuple {
	union nf_inet_addr src;
	union nf_inet_addr dst;
	__be16 sport;
	__be16 dport;
	u8 l3num;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 protonum;
	u8 dir;			/* not part of the key */
};

enum flowsess_dir {
	FLOWSESS_DIR_ORIGINAL,
	FLOWSESS_DIR_REPLY,
	FLOWSESS_DIR_MAX
};

/* A hash entry's link (table.c); a chain ends in a nulls marker, bit 0 set. */
struct flowsess_hnode {
	struct flowsess_hnode __rcu *next;
};

/*
 * What one side of a TCP session has sent, for sequence checking
 * (tcp_window.c); all zero until that side is seen.
 */
struct flowsess_tcp_peer {
	u32 end;		/* after the highest sequence number sent */
	u32 maxend;		/* the right edge the other side allowed */
	u32 maxwin;		/* the largest window advertised, scaled */
	u8 scale;		/* window scale announced in the SYN */
	u8 flags;		/* FLOWSESS_TCP_PEER_* */
};

/* As the uapi exports them (FLOWSESS_TCP_PEER_FLAGS). */
#define FLOWSESS_TCP_PEER_WSCALE	FLOWSESS_TCP_PEER_F_WSCALE /* sent the option */
#define FLOWSESS_TCP_PEER_LOOSE		FLOWSESS_TCP_PEER_F_LOOSE /* its scale unknown */

/*
 * A session: one per 5-tuple, both directions. 128 bytes on a production
 * build (BUILD_BUG_ON in session.c), two cache lines: the first is what a
 * chain walk compares, the second what a hit checks and writes (the
 * deadline's fields). The locking and lifetime rules are at the top of
 * session.c.
 */
struct flowsess_session {
	/*
	 * The hash entries, for the original tuple and the reply tuple. A
	 * self-inverse tuple (src = dst, sport = dport) has only the first.
	 * Sessions are 16-byte aligned, so bit 3 of an entry's address is
	 * its direction (flowsess_node_dir()).
	 */
	struct flowsess_hnode node[FLOWSESS_DIR_MAX];
	struct flowsess_tuple tuple;	/* the original direction's */
	u8 tcp_state;
	bool dead;
	bool established;		/* see flowsess_table::unestablished */
	u8 reason;			/* why it died */
	spinlock_t lock;

	ktime_t last_seen;		/* the packet path's clock, coarse */
	ktime_t rst_seen;		/* CLOSE after a RST: when, precise clock */
	u32 start;			/* boot time, in seconds */
	int iif, oif;			/* the original direction's interfaces */
	bool traffic_after_rst;
	bool has_acct;			/* a struct flowsess_session_acct */
	bool replied;			/* a packet seen in the reply direction */
	bool imported;			/* made by an import: rule 1 */
	union {
		/* TCP, under ->lock once the session is seen and live */
		struct flowsess_tcp_peer peer[FLOWSESS_DIR_MAX];
		/* once dead and unlinked: the free after a grace period */
		struct rcu_head rcu;
	};
};

/*
 * A packet passes through @s, under its lock (session.c, rules 1 and 3):
 * a copy, made by an import, is this router's own from now on. Called
 * before the packet's events are queued, so that they say so.
 */
static inline void flowsess_session_own_locked(struct flowsess_session *s)
{
	lockdep_assert_held(&s->lock);
	if (unlikely(s->imported))
		WRITE_ONCE(s->imported, false);
}

/* A session created with accounting on: its counters follow it. */
struct flowsess_session_acct {
	struct flowsess_session session;
	struct {
		atomic64_t packets;
		atomic64_t bytes;
	} dir[FLOWSESS_DIR_MAX];
};

static inline void flowsess_session_account(struct flowsess_session *s,
					    enum flowsess_dir dir,
					    unsigned int bytes)
{
	struct flowsess_session_acct *a;

	if (!s->has_acct)
		return;
	a = container_of(s, struct flowsess_session_acct, session);
	atomic64_inc(&a->dir[dir].packets);
	atomic64_add(bytes, &a->dir[dir].bytes);
}

/*
 * A session as dumps and events report it: a copy, taken at once
 * (flowsess_session_info()), that outlives the session; times as they
 * were then.
 */
struct flowsess_session_info {
	struct flowsess_tuple tuple;
	u8 tcp_state;
	bool has_acct;
	bool replied;
	bool imported;
	int iif, oif;
	u32 id;
	u32 age_s;
	u32 idle_ms;
	u32 expires_ms;			/* until its deadline */
	u64 packets[FLOWSESS_DIR_MAX];
	u64 bytes[FLOWSESS_DIR_MAX];
	/* What a copy on another router needs: flowsess_session_sync_info() */
	bool has_sync;
	bool established;
	bool traffic_after_rst;
	struct flowsess_tcp_peer peer[FLOWSESS_DIR_MAX];	/* TCP */
};

/*
 * A session from another router's table (FLOWSESS_CMD_IMPORT_SESSION), as
 * netlink.c checked it: one the packet path could have made.
 */
struct flowsess_session_import {
	struct flowsess_tuple tuple;
	u8 tcp_state;
	bool replied;
	bool established;
	bool traffic_after_rst;
	u32 expires_ms;
	struct flowsess_tcp_peer peer[FLOWSESS_DIR_MAX];	/* TCP */
	/* An end (FLOWSESS_SA_REASON): the tuple only, nothing above it. */
	bool end;
	bool end_copy_only;		/* and FLOWSESS_SA_IF_COPY */
};

/*
 * Which sessions a dump or a clear selects (netlink.c parses it). Addresses
 * are stored masked; a zero mask and the has_ flags mean "any".
 */
struct flowsess_filter {
	u8 l3num;			/* 0: any family */
	u8 protonum;
	u8 tcp_state;
	bool has_proto;
	bool has_state;
	bool has_sport;
	bool has_dport;
	bool has_port;			/* either direction */
	bool has_id;
	bool has_replied;
	bool replied;
	__be16 sport;
	__be16 dport;
	__be16 port;
	u32 id;
	int iif, oif;			/* 0: any */
	union nf_inet_addr src, src_mask;
	union nf_inet_addr dst, dst_mask;
	union nf_inet_addr addr, addr_mask;	/* either direction */
};

/* session.c: the lifecycle, and the rules. */
int flowsess_session_cache_init(void);
void flowsess_session_cache_exit(void);
bool flowsess_session_reserve(struct flowsess_table *t);
void flowsess_session_unreserve(struct flowsess_table *t);
struct flowsess_session *flowsess_session_alloc(const struct flowsess_tuple *orig,
						bool acct, gfp_t gfp);
u32 flowsess_session_id(const struct flowsess_session *s);
void flowsess_session_info(const struct flowsess_config *cfg,
			   const struct flowsess_session *s,
			   struct flowsess_session_info *info);
void flowsess_session_sync_info(const struct flowsess_session *s,
				struct flowsess_session_info *info);
bool flowsess_session_export(const struct flowsess_config *cfg,
			     struct flowsess_session *s,
			     struct flowsess_session_info *info);
int flowsess_session_import(struct flowsess_table *t,
			    const struct flowsess_session_import *imp);
void flowsess_session_free_unused(struct flowsess_table *t,
				  struct flowsess_session *s);
int flowsess_session_insert(struct flowsess_table *t, struct flowsess_session *s);
bool flowsess_session_invalidate(struct flowsess_table *t,
				 struct flowsess_session *s,
				 enum flowsess_reason reason);
void flowsess_session_kill_locked(struct flowsess_table *t,
				  struct flowsess_session *s,
				  enum flowsess_reason reason);
void flowsess_session_killed(struct flowsess_table *t,
			     struct flowsess_session *s, bool live_kill);
bool flowsess_session_expire(struct flowsess_table *t, struct flowsess_session *s,
			     ktime_t now);
bool flowsess_session_expired(const struct flowsess_config *cfg,
			      const struct flowsess_session *s, ktime_t now);
ktime_t flowsess_session_deadline(const struct flowsess_config *cfg,
				  const struct flowsess_session *s);
void flowsess_session_set_tcp_state(struct flowsess_table *t,
				    struct flowsess_session *s, u8 state);
void flowsess_session_set_established(struct flowsess_table *t,
				      struct flowsess_session *s, bool est);
unsigned int flowsess_table_clear(struct flowsess_table *t,
				  const struct flowsess_filter *f);
unsigned int flowsess_table_flush(struct flowsess_table *t);
bool flowsess_filter_match(const struct flowsess_filter *f,
			   const struct flowsess_session *s);

#endif /* _FLOWSESS_SESSION_H */

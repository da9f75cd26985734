/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowsess: an SRX-style flow-session table for Linux routers.
 * Internal declarations shared by the files of the module.
 */
#ifndef _FLOWSESS_INTERNAL_H
#define _FLOWSESS_INTERNAL_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "uapi/flowsess.h"

struct flowsess_pcpu_stats {
	u64_stats_t cnt[__FLOWSESS_STAT_MAX];
	struct u64_stats_sync syncp;
};

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

/*
 * The knobs of one namespace (uapi: enum flowsess_config_attr). Written
 * under genl_mutex with WRITE_ONCE(), read with READ_ONCE() anywhere.
 */
struct flowsess_config {
	bool rst_invalidate_session;
	bool no_syn_check;
	bool strict_syn_check;
	bool no_sequence_check;
	bool rst_sequence_check;
	bool fin_invalidate_session;
	bool syn_reopen;
	u8 time_wait_state;		/* enum flowsess_time_wait */
	bool accounting;		/* new sessions count packets, bytes */
	u8 high_watermark;		/* percent of max_sessions */
	u8 low_watermark;
	u32 rst_grace_ms;
	u32 time_wait_timeout_ms;
	u32 early_ageout_ms;
	u32 tcp_timeout_ms[__FLOWSESS_TCP_MAX];
	u32 udp_timeout_ms;
	u32 icmp_timeout_ms;
	u32 other_timeout_ms;
	u32 max_sessions;
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

#define FLOWSESS_TCP_PEER_WSCALE	BIT(0)	/* sent the window scale option */

/* One TCP segment, as the packet path parsed it. */
struct flowsess_tcp_seg {
	struct tcphdr th;		/* a copy of the fixed header */
	unsigned int payload_len;
	u8 wscale;			/* a SYN's window scale, or NO_WSCALE */
};

#define FLOWSESS_TCP_NO_WSCALE	0xff

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
	struct rhash_head node[FLOWSESS_DIR_MAX];
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
	union {
		/* TCP, under ->lock once the session is seen and live */
		struct flowsess_tcp_peer peer[FLOWSESS_DIR_MAX];
		/* once dead and unlinked: the free after a grace period */
		struct rcu_head rcu;
	};
};

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

struct flowsess_table {
	struct rhashtable hash;
	/* Written on every insert and removal: away from the lookup's line. */
	atomic_t count ____cacheline_aligned_in_smp; /* reserved + linked */
	atomic_t unestablished;		/* linked sessions, !->established */
	/* aging.c */
	unsigned int evict_hand;
	unsigned long evict_retry;
	bool under_pressure;
	bool stopping;			/* teardown: no more aging or collection */
	struct delayed_work aging_work;
	/* collect.c */
	struct hrtimer collector;
	unsigned long collector_armed;	/* bit 0: queued or running */
	unsigned int collect_bucket;
	unsigned int collect_bucket_count; /* of the table last swept */
};

/* Per network namespace state, owned by the pernet operations in main.c. */
struct flowsess_net {
	struct net *net;
	struct flowsess_pcpu_stats __percpu *stats;
	struct flowsess_config cfg;
	struct flowsess_table table;
};

extern unsigned int flowsess_net_id;

static inline struct flowsess_net *flowsess_pernet(const struct net *net)
{
	return net_generic(net, flowsess_net_id);
}

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
	__be16 sport;
	__be16 dport;
	union nf_inet_addr src, src_mask;
	union nf_inet_addr dst, dst_mask;
};

/* stats.c */
int flowsess_stats_init(struct flowsess_net *fn);
void flowsess_stats_free(struct flowsess_net *fn);
void flowsess_stats_read(const struct flowsess_net *fn,
			 u64 sum[__FLOWSESS_STAT_MAX]);

/* Any context: the update runs on this CPU with preemption off. */
static inline void flowsess_stat_add(struct flowsess_net *fn,
				     enum flowsess_stat stat, u64 n)
{
	struct flowsess_pcpu_stats *s = get_cpu_ptr(fn->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->cnt[stat], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(fn->stats);
}

static inline void flowsess_stat_inc(struct flowsess_net *fn,
				     enum flowsess_stat stat)
{
	flowsess_stat_add(fn, stat, 1);
}

static inline struct flowsess_net *flowsess_table_net(struct flowsess_table *t)
{
	return container_of(t, struct flowsess_net, table);
}

/* table.c: the hash. The rules are at the top of session.c. */
int flowsess_table_init(struct flowsess_table *t);
void flowsess_table_destroy(struct flowsess_table *t);
struct flowsess_session *flowsess_table_lookup(struct flowsess_table *t,
					       const struct flowsess_tuple *tuple,
					       enum flowsess_dir *dir);
int flowsess_table_link(struct flowsess_table *t, struct flowsess_session *s,
			enum flowsess_dir dir);
void flowsess_table_unlink(struct flowsess_table *t, struct flowsess_session *s,
			   enum flowsess_dir dir);
enum flowsess_dir flowsess_table_first_dir(const struct flowsess_session *s);
bool flowsess_tuple_self_inverse(const struct flowsess_tuple *t);
void flowsess_tuple_invert(struct flowsess_tuple *dst,
			   const struct flowsess_tuple *src);
bool flowsess_tuple_equal(const struct flowsess_tuple *a,
			  const struct flowsess_tuple *b);

/*
 * A walk over the table's buckets, a few at a time, that knows when the
 * table was resized under it (sessions may then have been missed or seen
 * twice). Zero it to start.
 */
struct flowsess_walk {
	unsigned int bucket;		/* the next bucket to visit */
	unsigned int size;		/* of the table being walked, or 0 */
	u32 table_id;			/* which table that is */
	bool resized;			/* since the walk started */
};

typedef int (*flowsess_walk_fn)(struct flowsess_session *s, void *arg);
int flowsess_table_walk_bucket(struct flowsess_table *t, struct flowsess_walk *w,
			       flowsess_walk_fn fn, void *arg);
bool flowsess_table_walk(struct flowsess_table *t, struct flowsess_walk *w,
			 unsigned int buckets, flowsess_walk_fn fn, void *arg);
unsigned int flowsess_table_buckets(struct flowsess_table *t);

/* session.c: the lifecycle, and the rules. */
int flowsess_session_cache_init(void);
void flowsess_session_cache_exit(void);
bool flowsess_session_reserve(struct flowsess_table *t);
void flowsess_session_unreserve(struct flowsess_table *t);
struct flowsess_session *flowsess_session_alloc(const struct flowsess_tuple *orig,
						bool acct, gfp_t gfp);
u32 flowsess_session_id(const struct flowsess_session *s);
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
void flowsess_session_set_established(struct flowsess_table *t,
				      struct flowsess_session *s, bool est);
unsigned int flowsess_table_clear(struct flowsess_table *t,
				  const struct flowsess_filter *f);
unsigned int flowsess_table_flush(struct flowsess_table *t);
bool flowsess_filter_match(const struct flowsess_filter *f,
			   const struct flowsess_session *s);

/* collect.c: expiry collection, one hrtimer per namespace. */
void flowsess_collector_init(struct flowsess_table *t);
void flowsess_collector_kick(struct flowsess_table *t);
void flowsess_collector_stop(struct flowsess_table *t);

/* events.c: who hears about sessions; netlink is one listener. */
enum flowsess_event {
	FLOWSESS_EVENT_NEW,
	FLOWSESS_EVENT_STATE,		/* a TCP state change */
	FLOWSESS_EVENT_DEL,
};

struct flowsess_listener {
	struct list_head list;
	/* Any context, under rcu_read_lock(); must not sleep. */
	void (*event)(struct flowsess_net *fn, const struct flowsess_session *s,
		      enum flowsess_event ev, enum flowsess_reason reason,
		      bool live_kill);
};

void flowsess_listener_register(struct flowsess_listener *l);
void flowsess_listener_unregister(struct flowsess_listener *l);
void flowsess_event(struct flowsess_net *fn, const struct flowsess_session *s,
		    enum flowsess_event ev, enum flowsess_reason reason,
		    bool live_kill);

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
bool flowsess_tcp_may_create(const struct flowsess_config *cfg,
			     const struct tcphdr *th);
void flowsess_tcp_session_init(struct flowsess_net *fn,
			       struct flowsess_session *s,
			       const struct flowsess_tcp_seg *seg);
ktime_t flowsess_tcp_timeout(const struct flowsess_config *cfg, u8 state);

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

/* aging.c: eviction and early ageout under pressure. */
void flowsess_aging_init(struct flowsess_table *t);
void flowsess_aging_stop(struct flowsess_table *t);
void flowsess_aging_inserted(struct flowsess_table *t);
bool flowsess_evict_one(struct flowsess_table *t, ktime_t now);

/* main.c: the defaults for new namespaces, from the module parameters. */
void flowsess_config_defaults(struct flowsess_config *cfg);

static inline ktime_t flowsess_ms(u32 ms)
{
	return ms_to_ktime(ms);
}

/* hooks.c */
int flowsess_hooks_register(struct net *net);
void flowsess_hooks_unregister(struct net *net);

/* netlink.c */
int flowsess_genl_init(void);
void flowsess_genl_exit(void);

/* sysfs.c */
int flowsess_sysfs_init(void);
void flowsess_sysfs_exit(void);

/* bench.c, in the FLOWSESS_BENCH build only */
#ifdef FLOWSESS_BENCH
void flowsess_bench_init(void);
void flowsess_bench_exit(void);
#else
static inline void flowsess_bench_init(void) {}
static inline void flowsess_bench_exit(void) {}
#endif

#endif /* _FLOWSESS_INTERNAL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * A session's life: allocation, insertion, expiry, invalidation, free.
 *
 * Locking and lifetime rules (the whole module keeps to these)
 * ------------------------------------------------------------
 * 1. Readers (the packet path, the collector, dumps, clear, aging) find
 *    sessions in the hash under rcu_read_lock() and take no lock to read
 *    the tuple, ->dead, ->last_seen, ->replied, ->tcp_state, ->rst_seen,
 *    the interfaces and ->imported (set before the session is linked,
 *    cleared under session->lock by the first packet of it that passes,
 *    but a TCP segment that teaches nothing (LATE), by
 *    flowsess_session_own_locked(): never set again).
 *    A session they hold stays in memory until they leave the read-side
 *    section. Dead sessions never match a lookup.
 * 2. The hash (table.c) orders links and unlinks by its stripes of bucket
 *    locks, and a worker resizes it online; its own rules are at the top
 *    of table.c. Links and unlinks never sleep; session->lock is held
 *    around one of them (rule 3).
 * 3. session->lock protects ->dead, ->reason, ->established, ->tcp_state,
 *    ->rst_seen, ->traffic_after_rst and ->peer, and orders the clearing
 *    of ->imported against an end of a copy only (an import's). Writers
 *    of the fields of rule 1 use WRITE_ONCE(). ->last_seen and ->replied
 *    are written without the lock by the packet path (->replied also
 *    under it, by a reply that establishes a flow, hooks.c, and by an
 *    in-place syn-reopen: a late writer sets it as it found it). The
 *    lock nests inside nothing. Inside it: the hash's bucket locks, when
 *    an insert links a session's second entry, and the event queue's
 *    lock, when NEW (flowsess_session_insert()), STATE and PROGRESS
 *    (flowsess_tcp_track(); STATE also for a reply, hooks.c) are queued
 *    (events.c): so a session's events come in order, its end last.
 * 4. A session dies once: whoever sets ->dead under session->lock (the
 *    killer) unlinks it, counts the reason, reports the event and frees it
 *    after an RCU grace period, in that order (flowsess_session_killed()).
 *    Nothing else frees a session that was linked, and nothing holds a
 *    reference: there are no per-session timers and no refcount.
 * 5. ->peer shares its memory with ->rcu: it is read and written only
 *    under session->lock after seeing the session live, and the killer
 *    queues the free only after it dropped the lock with ->dead set.
 * 6. An expired session is still linked until someone kills it: a lookup
 *    that finds it (flowsess_session_expire()), the collector (collect.c)
 *    or an eviction. Its deadline is computed from the namespace's knobs
 *    at each check, so a changed timeout applies to every session at once;
 *    but a session that had expired when they changed stays expired
 *    (flowsess_config_set_timeouts()): a raised timeout revives nothing.
 * 7. ->count counts the sessions that hold a place in the table: reserved
 *    before allocation, given back when a killed session's free is queued
 *    (or an unused one is freed). A reservation never takes it above
 *    max-sessions (lowering the knob leaves the sessions there: the count
 *    comes down as they end); memory waiting for a grace period is not
 *    counted.
 * 8. ->unestablished counts the live sessions whose ->established is
 *    false: an insert counts its session before linking it, a change of
 *    ->established (under session->lock) moves it, and the killer takes a
 *    dead session out of the count. The gauges of sessions by protocol
 *    and TCP state (FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT ..
 *    _SESSIONS_OTHER) follow the same three steps, ->tcp_state changing
 *    only by flowsess_session_set_tcp_state(); they are per-CPU counts
 *    that one CPU raises and another may lower (stats.h).
 * 9. Teardown (namespace exit, module unload) runs after the hooks were
 *    unregistered in .pre_exit and an RCU grace period: it stops the
 *    aging work and the collector, kills every session, destroys the
 *    hash, and cancels the event work (events.c). Module exit waits for
 *    the last frees with rcu_barrier() before destroying the cache.
 */
#include <linux/siphash.h>
#include <linux/slab.h>

#include "internal.h"

/* Sessions, and sessions with accounting (rule 5 holds for both). */
static struct kmem_cache *flowsess_cachep __read_mostly;
static struct kmem_cache *flowsess_acct_cachep __read_mostly;
static siphash_aligned_key_t flowsess_id_key;

int flowsess_session_cache_init(void)
{
	/* Rule: flowsess_node_dir() needs 16-byte alignment. */
	BUILD_BUG_ON(offsetof(struct flowsess_session, node[FLOWSESS_DIR_REPLY]) !=
		     sizeof(struct flowsess_hnode));
	BUILD_BUG_ON(sizeof(struct flowsess_hnode) != 8);
#if !defined(CONFIG_DEBUG_SPINLOCK) && !defined(CONFIG_DEBUG_LOCK_ALLOC)
	BUILD_BUG_ON(sizeof(struct flowsess_session) > 128);
#endif
	get_random_bytes(&flowsess_id_key, sizeof(flowsess_id_key));
	/* Charged to a memory cgroup: the namespace's (hooks.c). */
	flowsess_cachep = kmem_cache_create("flowsess_session",
					    sizeof(struct flowsess_session), 16,
					    SLAB_ACCOUNT, NULL);
	flowsess_acct_cachep = kmem_cache_create("flowsess_session_acct",
						 sizeof(struct flowsess_session_acct),
						 16, SLAB_ACCOUNT, NULL);
	if (flowsess_cachep && flowsess_acct_cachep)
		return 0;
	kmem_cache_destroy(flowsess_acct_cachep);
	kmem_cache_destroy(flowsess_cachep);
	return -ENOMEM;
}

void flowsess_session_cache_exit(void)
{
	rcu_barrier();	/* rule 9: the last call_rcu() frees have run */
	kmem_cache_destroy(flowsess_acct_cachep);
	kmem_cache_destroy(flowsess_cachep);
}

static void flowsess_session_free(struct flowsess_session *s)
{
	if (s->has_acct)
		kmem_cache_free(flowsess_acct_cachep,
				container_of(s, struct flowsess_session_acct, session));
	else
		kmem_cache_free(flowsess_cachep, s);
}

/*
 * A session's id, as nf_conntrack derives its own: a keyed hash of its
 * address and start, stable while it lives, telling nothing of the kernel's
 * addresses. Two live sessions may share one, rarely.
 */
u32 flowsess_session_id(const struct flowsess_session *s)
{
	return (u32)siphash_2u64((unsigned long)s, s->start, &flowsess_id_key);
}

/* Rule 1: no lock; a live session's fields may change as they are read. */
void flowsess_session_info(const struct flowsess_config *cfg,
			   const struct flowsess_session *s,
			   struct flowsess_session_info *info)
{
	s64 idle = ktime_ms_delta(ktime_get_coarse(), READ_ONCE(s->last_seen));
	s64 expires = ktime_ms_delta(flowsess_session_deadline(cfg, s), ktime_get());
	const struct flowsess_session_acct *a;
	int dir;

	memset(info, 0, sizeof(*info));
	info->tuple = s->tuple;
	info->tcp_state = READ_ONCE(s->tcp_state);
	info->replied = READ_ONCE(s->replied);
	info->imported = READ_ONCE(s->imported);
	info->iif = s->iif;
	info->oif = s->oif;
	info->id = flowsess_session_id(s);
	info->age_s = (u32)ktime_get_boottime_seconds() - s->start;
	info->idle_ms = clamp_t(s64, idle, 0, U32_MAX);
	info->expires_ms = clamp_t(s64, expires, 0, U32_MAX);
	info->has_acct = s->has_acct;
	if (!s->has_acct)
		return;
	a = container_of(s, struct flowsess_session_acct, session);
	for (dir = FLOWSESS_DIR_ORIGINAL; dir < FLOWSESS_DIR_MAX; dir++) {
		info->packets[dir] = atomic64_read(&a->dir[dir].packets);
		info->bytes[dir] = atomic64_read(&a->dir[dir].bytes);
	}
}

/*
 * What a copy of @s on another router needs, beyond flowsess_session_info():
 * session->lock held, @s live (rule 5: ->peer is read only so).
 */
void flowsess_session_sync_info(const struct flowsess_session *s,
				struct flowsess_session_info *info)
{
	lockdep_assert_held(&s->lock);
	info->has_sync = true;
	info->established = s->established;
	info->traffic_after_rst = s->traffic_after_rst;
	if (s->tuple.protonum == IPPROTO_TCP)
		memcpy(info->peer, s->peer, sizeof(info->peer));
}

/*
 * A dump's copy of @s, its info and what a copy on another router needs,
 * of one moment: under its lock. False if it died meanwhile. RCU.
 */
bool flowsess_session_export(const struct flowsess_config *cfg,
			     struct flowsess_session *s,
			     struct flowsess_session_info *info)
{
	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return false;
	}
	flowsess_session_info(cfg, s, info);
	flowsess_session_sync_info(s, info);
	spin_unlock_bh(&s->lock);
	return true;
}

/*
 * Take a place in ->count unless the table holds max-sessions already
 * (rule 7). Never raises the count above the limit, not even for a moment.
 */
bool flowsess_session_reserve(struct flowsess_table *t)
{
	int max = flowsess_max_sessions_allowed(flowsess_table_net(t));
	int n = atomic_read(&t->count);

	do {
		if (n >= max)
			return false;
	} while (!atomic_try_cmpxchg(&t->count, &n, n + 1));
	return true;
}

void flowsess_session_unreserve(struct flowsess_table *t)
{
	atomic_dec(&t->count);
}

/*
 * A session for @orig, not linked: the caller reserved its place. With
 * @acct it carries packet and byte counters (the accounting knob).
 */
struct flowsess_session *flowsess_session_alloc(const struct flowsess_tuple *orig,
						bool acct, gfp_t gfp)
{
	struct flowsess_session_acct *a;
	struct flowsess_session *s;

	if (acct) {
		a = kmem_cache_zalloc(flowsess_acct_cachep, gfp);
		s = a ? &a->session : NULL;
	} else {
		s = kmem_cache_zalloc(flowsess_cachep, gfp);
	}
	if (!s)
		return NULL;
	s->has_acct = acct;
	s->tuple = *orig;
	s->tuple.dir = FLOWSESS_DIR_ORIGINAL;
	s->start = (u32)ktime_get_boottime_seconds();
	spin_lock_init(&s->lock);
	return s;
}

/* A session never linked, so never seen by anyone else, and its place. */
void flowsess_session_free_unused(struct flowsess_table *t,
				  struct flowsess_session *s)
{
	flowsess_session_free(s);
	flowsess_session_unreserve(t);
}

static void flowsess_session_free_rcu(struct rcu_head *head)
{
	flowsess_session_free(container_of(head, struct flowsess_session, rcu));
}

/* Rule 8: the gauge @s counts in, in TCP state @tcp_state. */
static enum flowsess_stat flowsess_session_gauge(const struct flowsess_session *s,
						 u8 tcp_state)
{
	BUILD_BUG_ON(FLOWSESS_STAT_SESSIONS_TCP_CLOSE - FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT !=
		     FLOWSESS_TCP_CLOSE - FLOWSESS_TCP_SYN_SENT);
	BUILD_BUG_ON(__FLOWSESS_TCP_MAX - 1 != FLOWSESS_TCP_CLOSE);

	switch (s->tuple.protonum) {
	case IPPROTO_TCP:
		if (tcp_state < FLOWSESS_TCP_SYN_SENT || tcp_state > FLOWSESS_TCP_CLOSE)
			break;
		return FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT + tcp_state -
		       FLOWSESS_TCP_SYN_SENT;
	case IPPROTO_UDP:
		return FLOWSESS_STAT_SESSIONS_UDP;
	case IPPROTO_UDPLITE:
		return FLOWSESS_STAT_SESSIONS_UDPLITE;
	case IPPROTO_ICMP:
		return FLOWSESS_STAT_SESSIONS_ICMP;
	case IPPROTO_ICMPV6:
		return FLOWSESS_STAT_SESSIONS_ICMPV6;
	}
	return FLOWSESS_STAT_SESSIONS_OTHER;
}

static void flowsess_session_gauge_add(struct flowsess_table *t,
				       const struct flowsess_session *s,
				       u8 tcp_state, int n)
{
	flowsess_gauge_add(flowsess_table_net(t), flowsess_session_gauge(s, tcp_state), n);
}

/* A TCP session's new state (rule 8): session->lock held, @s live. */
void flowsess_session_set_tcp_state(struct flowsess_table *t,
				    struct flowsess_session *s, u8 state)
{
	lockdep_assert_held(&s->lock);
	if (s->tcp_state == state)
		return;
	flowsess_session_gauge_add(t, s, s->tcp_state, -1);
	flowsess_session_gauge_add(t, s, state, 1);
	WRITE_ONCE(s->tcp_state, state);
}

/*
 * Link @s, fully initialised, into the table where its place is reserved.
 * Returns 0; or -EEXIST when a live session holds either tuple, or another
 * error (no memory): then @s is gone and its place given back.
 *
 * Once its first entry is linked, others may find @s and kill it (rule 4)
 * before the second is: the second is linked under session->lock, only if
 * @s is still live, so a killer either comes first (and the second entry
 * is never linked) or unlinks both. A session killed that way was created
 * all the same: 0 (its end may then be reported without its start). If
 * the second entry cannot be linked, this is the killer, without an event:
 * @s was never announced. The creation is reported here, under the lock.
 *
 * Under rcu_read_lock(): @s may die as soon as it is linked, and the
 * caller may still read it until it leaves the read-side section.
 */
int flowsess_session_insert(struct flowsess_table *t, struct flowsess_session *s)
{
	enum flowsess_dir first = flowsess_table_first_dir(s);
	int err;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "flowsess insert outside RCU");
	/* Rule 8: counted before anyone can see it. */
	if (!s->established)
		atomic_inc(&t->unestablished);
	flowsess_session_gauge_add(t, s, s->tcp_state, 1);
	err = flowsess_table_link(t, s, first);
	if (err) {
		if (!s->established)
			atomic_dec(&t->unestablished);
		flowsess_session_gauge_add(t, s, s->tcp_state, -1);
		flowsess_session_free_unused(t, s);
		return err;
	}
	spin_lock_bh(&s->lock);
	if (!s->dead && !flowsess_tuple_self_inverse(&s->tuple)) {
		err = flowsess_table_link(t, s, !first);
		if (err)
			flowsess_session_kill_locked(t, s, FLOWSESS_REASON_NONE);
	}
	/* Under the lock a killer takes: NEW always comes before DEL. */
	if (!s->dead)
		flowsess_event(flowsess_table_net(t), s, FLOWSESS_EVENT_NEW,
			       FLOWSESS_REASON_NONE, false);
	spin_unlock_bh(&s->lock);
	if (err) {
		flowsess_table_unlink(t, s, first);
		call_rcu(&s->rcu, flowsess_session_free_rcu);
		flowsess_session_unreserve(t);
		return err;
	}
	flowsess_collector_kick(t, flowsess_session_deadline(&flowsess_table_net(t)->cfg, s));
	flowsess_aging_inserted(t);
	return 0;
}

/*
 * @imp's state into @s: session->lock held and @s live, or @s not yet
 * linked. Its deadline is @imp->expires_ms from now, at most the timeout
 * of its state: the last packet (or the RST) is dated back to match, but
 * never to before the namespace's timeouts last changed, which would age
 * it by the timeouts of before (rule 6): then it lives a little longer.
 * Its TCP tracking is loose (tcp_window.c): the copy may be behind the
 * connection by what was in flight.
 */
static void flowsess_session_import_state(struct flowsess_table *t,
					  struct flowsess_session *s,
					  const struct flowsess_session_import *imp,
					  bool linked)
{
	const struct flowsess_config *cfg = &flowsess_table_net(t)->cfg;
	ktime_t now = ktime_get_coarse(), changed, seen;
	s64 timeout, since;

	if (linked) {
		flowsess_session_set_tcp_state(t, s, imp->tcp_state);
		flowsess_session_set_established(t, s, imp->established);
	} else {
		s->tcp_state = imp->tcp_state;
		s->established = imp->established;
	}
	WRITE_ONCE(s->replied, imp->replied);
	s->traffic_after_rst = imp->traffic_after_rst;
	if (imp->tuple.protonum == IPPROTO_TCP) {
		memcpy(s->peer, imp->peer, sizeof(s->peer));
		s->peer[FLOWSESS_DIR_ORIGINAL].flags |= FLOWSESS_TCP_PEER_LOOSE;
		s->peer[FLOWSESS_DIR_REPLY].flags |= FLOWSESS_TCP_PEER_LOOSE;
	}
	/* The timeout of its state: the deadline, counted from now. */
	WRITE_ONCE(s->last_seen, now);
	if (imp->tcp_state == FLOWSESS_TCP_CLOSE) {
		now = ktime_get();
		WRITE_ONCE(s->rst_seen, now);
		changed = READ_ONCE(cfg->timeouts_changed);
	} else {
		WRITE_ONCE(s->rst_seen, 0);
		changed = READ_ONCE(cfg->timeouts_changed_coarse);
	}
	timeout = ktime_ms_delta(flowsess_session_deadline(cfg, s), now);
	since = timeout - min_t(s64, imp->expires_ms, timeout);
	seen = ktime_sub_ms(now, since);
	if (changed && seen <= changed)
		seen = changed + 1;
	if (imp->tcp_state == FLOWSESS_TCP_CLOSE)
		WRITE_ONCE(s->rst_seen, seen);
	else
		WRITE_ONCE(s->last_seen, seen);
}

/* A live session with @imp's original tuple, brought up to date. */
static int flowsess_session_import_into(struct flowsess_table *t,
					struct flowsess_session *s,
					const struct flowsess_session_import *imp)
{
	const struct flowsess_config *cfg = &flowsess_table_net(t)->cfg;

	spin_lock_bh(&s->lock);
	/* Expired meanwhile: rule 6, it is let go, not revived. */
	if (s->dead || flowsess_session_expired(cfg, s, ktime_get_coarse())) {
		spin_unlock_bh(&s->lock);
		flowsess_session_expire(t, s, ktime_get_coarse());
		return -ENOENT;
	}
	flowsess_session_import_state(t, s, imp, true);
	spin_unlock_bh(&s->lock);
	flowsess_collector_expect(t, flowsess_session_deadline(&flowsess_table_net(t)->cfg, s));
	return 0;
}

static int flowsess_session_import_new(struct flowsess_table *t,
				       const struct flowsess_session_import *imp)
{
	struct flowsess_net *fn = flowsess_table_net(t);
	struct flowsess_session *s;
	struct mem_cgroup *old;
	int err;

	if (!flowsess_session_reserve(t))
		return -ENOSPC;
	/* Charged as the namespace's own sessions are (hooks.c). */
	old = set_active_memcg(fn->memcg);
	s = flowsess_session_alloc(&imp->tuple, READ_ONCE(fn->cfg.accounting),
				   GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	set_active_memcg(old);
	if (!s) {
		flowsess_session_unreserve(t);
		return -ENOMEM;
	}
	flowsess_session_import_state(t, s, imp, false);
	s->imported = true;
	rcu_read_lock();
	err = flowsess_session_insert(t, s);
	rcu_read_unlock();
	if (!err)
		flowsess_stat_inc(fn, FLOWSESS_STAT_SESSIONS_CREATED);
	return err;
}

/*
 * Kill @s now, from any context; with @copy_only, only while it is a copy
 * (the mark read under the lock a packet clears it under: rule 3). False
 * if it was dead already, or is no copy.
 */
static bool flowsess_session_kill_if(struct flowsess_table *t,
				     struct flowsess_session *s,
				     enum flowsess_reason reason, bool copy_only)
{
	spin_lock_bh(&s->lock);
	if (s->dead || (copy_only && !s->imported)) {
		spin_unlock_bh(&s->lock);
		return false;
	}
	flowsess_session_kill_locked(t, s, reason);
	spin_unlock_bh(&s->lock);

	flowsess_session_killed(t, s, false);
	return true;
}

/*
 * An imported end: the live session with @tuple as its original one ends;
 * with @copy_only, only while it is a copy (->imported: no packet passed
 * through it here since an import made it). Whose ends to take (a backup
 * takes its master's) is the daemon's to say.
 */
static int flowsess_session_import_end(struct flowsess_table *t,
				       const struct flowsess_tuple *tuple,
				       bool copy_only)
{
	struct flowsess_session *s;
	enum flowsess_dir dir;
	bool ends = false;

	rcu_read_lock();
	s = flowsess_table_lookup(t, tuple, &dir);
	if (s && dir == FLOWSESS_DIR_ORIGINAL &&
	    !flowsess_session_expire(t, s, ktime_get_coarse()))
		ends = flowsess_session_kill_if(t, s, FLOWSESS_REASON_SYNC, copy_only);
	rcu_read_unlock();
	return ends ? 0 : -ENOENT;
}

/*
 * FLOWSESS_CMD_IMPORT_SESSION: create @imp, or bring the live session with
 * its original tuple up to date (an expired one is let go first); or, for
 * an end, end that session. Sleeps. Returns 0; -EEXIST when a live session
 * has the tuple the other way round; -ENOSPC when the table is full;
 * -ENOMEM; -EAGAIN when packets made and ended the session twice
 * meanwhile; for an end, -ENOENT when no live session has the tuple (or,
 * for the end of a copy only, none that is still a copy).
 */
int flowsess_session_import(struct flowsess_table *t,
			    const struct flowsess_session_import *imp)
{
	struct flowsess_session *s;
	enum flowsess_dir dir;
	int err = -EAGAIN, tries;

	if (imp->end)
		return flowsess_session_import_end(t, &imp->tuple, imp->end_copy_only);
	/* Twice at most: a packet may create or end the session meanwhile. */
	for (tries = 0; tries < 2 && err == -EAGAIN; tries++) {
		rcu_read_lock();
		s = flowsess_table_lookup(t, &imp->tuple, &dir);
		if (s && flowsess_session_expire(t, s, ktime_get_coarse()))
			s = NULL;
		if (s) {
			err = dir == FLOWSESS_DIR_ORIGINAL ?
			      flowsess_session_import_into(t, s, imp) : -EEXIST;
			rcu_read_unlock();
			if (err == -ENOENT)
				err = -EAGAIN;	/* it died meanwhile: create it */
			continue;
		}
		rcu_read_unlock();
		err = flowsess_session_import_new(t, imp);
		if (err == -EEXIST)
			err = -EAGAIN;		/* a packet made it meanwhile */
	}
	if (!err)
		flowsess_stat_inc(flowsess_table_net(t), FLOWSESS_STAT_SESSIONS_IMPORTED);
	return err;
}

static const enum flowsess_stat flowsess_reason_stat[__FLOWSESS_REASON_MAX] = {
	[FLOWSESS_REASON_IDLE]		= FLOWSESS_STAT_INVALIDATED_IDLE,
	[FLOWSESS_REASON_RST]		= FLOWSESS_STAT_INVALIDATED_RST,
	[FLOWSESS_REASON_RST_TIMER]	= FLOWSESS_STAT_INVALIDATED_RST_TIMER,
	[FLOWSESS_REASON_CLOSE]		= FLOWSESS_STAT_INVALIDATED_CLOSE,
	[FLOWSESS_REASON_FLUSH]		= FLOWSESS_STAT_INVALIDATED_FLUSH,
	[FLOWSESS_REASON_REOPEN]	= FLOWSESS_STAT_INVALIDATED_REOPEN,
	[FLOWSESS_REASON_FIN]		= FLOWSESS_STAT_INVALIDATED_FIN,
	[FLOWSESS_REASON_EARLY_AGEOUT]	= FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT,
	[FLOWSESS_REASON_SYNC]		= FLOWSESS_STAT_INVALIDATED_SYNC,
	/* evictions are counted by class, in aging.c */
};

/*
 * session->lock held, @s live: mark it dead (rule 4). The caller then
 * calls flowsess_session_killed() without the lock.
 */
void flowsess_session_kill_locked(struct flowsess_table *t,
				  struct flowsess_session *s,
				  enum flowsess_reason reason)
{
	lockdep_assert_held(&s->lock);
	WRITE_ONCE(s->dead, true);
	s->reason = reason;
	if (!s->established)
		atomic_dec(&t->unestablished);	/* rule 8 */
	flowsess_session_gauge_add(t, s, s->tcp_state, -1);
}

/* Rule 4: the killer, lock dropped, unlinks, counts, reports and frees. */
void flowsess_session_killed(struct flowsess_table *t,
			     struct flowsess_session *s, bool live_kill)
{
	struct flowsess_net *fn = flowsess_table_net(t);
	enum flowsess_reason reason = s->reason;

	flowsess_table_unlink(t, s, FLOWSESS_DIR_ORIGINAL);
	if (!flowsess_tuple_self_inverse(&s->tuple))
		flowsess_table_unlink(t, s, FLOWSESS_DIR_REPLY);
	if (flowsess_reason_stat[reason])
		flowsess_stat_inc(fn, flowsess_reason_stat[reason]);
	if (live_kill)
		flowsess_stat_inc(fn, FLOWSESS_STAT_RST_TIMER_LIVE_KILLS);
	flowsess_event(fn, s, FLOWSESS_EVENT_DEL, reason, live_kill);
	call_rcu(&s->rcu, flowsess_session_free_rcu);
	flowsess_session_unreserve(t);
}

/* Kill @s now, from any context. False if it was dead already. */
bool flowsess_session_invalidate(struct flowsess_table *t,
				 struct flowsess_session *s,
				 enum flowsess_reason reason)
{
	return flowsess_session_kill_if(t, s, reason, false);
}

/* How long @s may stay idle in @state, by @to. */
static ktime_t flowsess_session_timeout(const struct flowsess_timeouts *to,
					const struct flowsess_session *s, u8 state)
{
	switch (s->tuple.protonum) {
	case IPPROTO_TCP:
		return flowsess_tcp_timeout(to, state);
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return flowsess_ms(READ_ONCE(to->udp_timeout_ms));
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return flowsess_ms(READ_ONCE(to->icmp_timeout_ms));
	default:
		return flowsess_ms(READ_ONCE(to->other_timeout_ms));
	}
}

/* The end of the RST grace period, or the last packet plus the timeout. */
static ktime_t flowsess_deadline_by(const struct flowsess_timeouts *to,
				    const struct flowsess_session *s,
				    ktime_t last_seen, ktime_t rst_seen, u8 state)
{
	if (rst_seen)
		return ktime_add(rst_seen, flowsess_ms(READ_ONCE(to->rst_grace_ms)));
	return ktime_add(last_seen, flowsess_session_timeout(to, s, state));
}

/*
 * When @s expires, by the knobs as they are now (rule 6); but a session
 * that had expired when the timeouts last changed stays expired, however
 * long they are now. Exact under session->lock, a snapshot without it.
 */
ktime_t flowsess_session_deadline(const struct flowsess_config *cfg,
				  const struct flowsess_session *s)
{
	ktime_t last_seen = READ_ONCE(s->last_seen);
	ktime_t rst_seen = READ_ONCE(s->rst_seen);
	u8 state = READ_ONCE(s->tcp_state);
	ktime_t deadline, before, changed;
	unsigned int seq;

	/* A pickup nobody answered yet ages as a handshake does (tcp.c). */
	if (state == FLOWSESS_TCP_ESTABLISHED && !READ_ONCE(s->established))
		state = FLOWSESS_TCP_SYN_SENT;

	do {
		seq = read_seqbegin(&cfg->timeouts_lock);
		deadline = flowsess_deadline_by(&cfg->timeouts, s, last_seen,
						rst_seen, state);
		/* On the clock of the time the deadline counts from. */
		changed = rst_seen ? cfg->timeouts_changed :
				     cfg->timeouts_changed_coarse;
		/* A session seen since the change cannot have expired before. */
		before = changed && (rst_seen ?: last_seen) <= changed ?
			 flowsess_deadline_by(&cfg->timeouts_before, s, last_seen,
					      rst_seen, state) :
			 KTIME_MAX;
	} while (read_seqretry(&cfg->timeouts_lock, seq));
	if (before <= changed)
		return min(before, deadline);
	return deadline;
}

/*
 * Has @s expired at @now, the packet path's coarse clock? The RST grace
 * deadline is a promise in milliseconds, checked on the precise clock.
 */
bool flowsess_session_expired(const struct flowsess_config *cfg,
			      const struct flowsess_session *s, ktime_t now)
{
	if (READ_ONCE(s->rst_seen))
		return ktime_compare(ktime_get(), flowsess_session_deadline(cfg, s)) >= 0;
	return ktime_compare(now, flowsess_session_deadline(cfg, s)) >= 0;
}

static enum flowsess_reason flowsess_expiry_reason(const struct flowsess_session *s)
{
	if (s->rst_seen)
		return FLOWSESS_REASON_RST_TIMER;
	switch (s->tcp_state) {
	case FLOWSESS_TCP_FIN_WAIT:
	case FLOWSESS_TCP_CLOSE_WAIT:
	case FLOWSESS_TCP_LAST_ACK:
	case FLOWSESS_TCP_TIME_WAIT:
		return FLOWSESS_REASON_CLOSE;
	default:
		return FLOWSESS_REASON_IDLE;
	}
}

/*
 * Kill @s if it has expired at @now (rule 6); any context. Returns true if
 * it is dead now, whoever killed it.
 */
bool flowsess_session_expire(struct flowsess_table *t, struct flowsess_session *s,
			     ktime_t now)
{
	const struct flowsess_config *cfg = &flowsess_table_net(t)->cfg;
	bool live_kill;

	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return true;
	}
	if (!flowsess_session_expired(cfg, s, now)) {
		spin_unlock_bh(&s->lock);
		return false;
	}
	flowsess_session_kill_locked(t, s, flowsess_expiry_reason(s));
	live_kill = s->reason == FLOWSESS_REASON_RST_TIMER && s->traffic_after_rst;
	spin_unlock_bh(&s->lock);

	flowsess_session_killed(t, s, live_kill);
	return true;
}

/*
 * Whether @s counts as established (rule 8), for eviction: session->lock
 * held, @s live.
 */
void flowsess_session_set_established(struct flowsess_table *t,
				      struct flowsess_session *s, bool est)
{
	lockdep_assert_held(&s->lock);
	if (s->established == est)
		return;
	WRITE_ONCE(s->established, est);
	if (est)
		atomic_dec(&t->unestablished);
	else
		atomic_inc(&t->unestablished);
}

static bool flowsess_addr_match(const union nf_inet_addr *addr,
				const union nf_inet_addr *want,
				const union nf_inet_addr *mask)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(addr->all); i++) {
		if ((addr->all[i] & mask->all[i]) != want->all[i])
			return false;
	}
	return true;
}

/* Does @s match @f? A NULL filter matches everything. */
bool flowsess_filter_match(const struct flowsess_filter *f,
			   const struct flowsess_session *s)
{
	const struct flowsess_tuple *t = &s->tuple;

	if (!f)
		return true;
	return (!f->l3num || t->l3num == f->l3num) &&
	       (!f->has_proto || t->protonum == f->protonum) &&
	       (!f->has_sport || t->sport == f->sport) &&
	       (!f->has_dport || t->dport == f->dport) &&
	       (!f->has_port || t->sport == f->port || t->dport == f->port) &&
	       (!f->has_state || READ_ONCE(s->tcp_state) == f->tcp_state) &&
	       (!f->has_id || flowsess_session_id(s) == f->id) &&
	       (!f->iif || s->iif == f->iif) && (!f->oif || s->oif == f->oif) &&
	       (!f->has_replied || READ_ONCE(s->replied) == f->replied) &&
	       flowsess_addr_match(&t->src, &f->src, &f->src_mask) &&
	       flowsess_addr_match(&t->dst, &f->dst, &f->dst_mask) &&
	       (flowsess_addr_match(&t->src, &f->addr, &f->addr_mask) ||
		flowsess_addr_match(&t->dst, &f->addr, &f->addr_mask));
}

struct flowsess_clear {
	struct flowsess_table *table;
	const struct flowsess_filter *filter;
	unsigned int killed;
};

static int flowsess_clear_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_clear *c = arg;

	if (flowsess_filter_match(c->filter, s) &&
	    flowsess_session_invalidate(c->table, s, FLOWSESS_REASON_FLUSH))
		c->killed++;
	return 0;
}

/*
 * Kill every session @f matches (reason FLUSH); process context. Returns
 * how many this call killed.
 */
unsigned int flowsess_table_clear(struct flowsess_table *t,
				  const struct flowsess_filter *f)
{
	struct flowsess_clear c = { .table = t, .filter = f };

	flowsess_table_each(t, flowsess_clear_one, &c);
	return c.killed;
}

static int flowsess_expire_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_table *t = arg;
	const struct flowsess_config *cfg = &flowsess_table_net(t)->cfg;
	ktime_t now = ktime_get_coarse();

	if (flowsess_session_expired(cfg, s, now))
		flowsess_session_expire(t, s, now);
	return 0;
}

/*
 * Rule 6: the timeouts change for every session at once. One that expired
 * before the change stays expired: the deadline's readers compare with
 * the timeouts before the change. Only the last change is kept, so one
 * that an earlier change kept expired is killed before the record goes.
 * Under genl_mutex: the only writer. Sleeps.
 */
void flowsess_config_set_timeouts(struct flowsess_net *fn,
				  const struct flowsess_timeouts *next)
{
	struct flowsess_config *cfg = &fn->cfg;

	BUILD_BUG_ON(sizeof(*next) != offsetofend(struct flowsess_timeouts,
						  other_timeout_ms));
	if (!memcmp(next, &cfg->timeouts, sizeof(*next)))
		return;
	if (cfg->timeouts_changed)
		flowsess_table_each(&fn->table, flowsess_expire_one, &fn->table);
	write_seqlock_bh(&cfg->timeouts_lock);
	cfg->timeouts_before = cfg->timeouts;
	cfg->timeouts_changed = ktime_get();
	cfg->timeouts_changed_coarse = ktime_get_coarse();
	cfg->timeouts = *next;
	write_sequnlock_bh(&cfg->timeouts_lock);
	/* A timeout may be shorter now, for every session there is. */
	flowsess_collector_recheck(&fn->table);
}

/* Kill every session. Returns how many this call killed. */
unsigned int flowsess_table_flush(struct flowsess_table *t)
{
	return flowsess_table_clear(t, NULL);
}

#ifdef FLOWSESS_KUNIT
#include "tests/session_test.c"
#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The session table: a hash of tuples, one entry per direction of each
 * session, in the style of nf_conntrack.
 *
 * Locking and lifetime rules
 * --------------------------
 * 1. Readers (the packet path, clear) walk buckets under rcu_read_lock()
 *    without locks. A session they find stays in memory until they leave
 *    the RCU read-side section; they must skip it if ->dead is set.
 * 2. Writers link and unlink under the bucket spinlocks and bump the
 *    bucket's ->gen. A session sits in two buckets (original and reply
 *    tuple); both locks are taken, lower index first. Bucket locks are
 *    taken with BH disabled and nest inside nothing; no other lock is taken
 *    under them. Session dumps read one bucket at a time under its lock, so
 *    that a bucket is seen whole, and read the fields of rule 3 with
 *    READ_ONCE() only.
 * 3. session->lock protects ->dead, ->reason, ->tcp_state, ->timeout,
 *    ->rst_deadline, ->traffic_after_rst, ->peer and every hrtimer_start()
 *    of the session's timer. ->last_seen is written without it
 *    (WRITE_ONCE) by the packet path and read by the timer (READ_ONCE).
 *    ->flags are atomic bitops. session->lock and bucket locks are never
 *    held together.
 * 4. A session is invalidated exactly once: whoever sets ->dead under
 *    session->lock unlinks it from the hash and counts the reason. An
 *    invalidated session never matches again.
 * 5. The table's reference (->ref starts at 1) belongs to the session's
 *    timer, which is armed from insertion until the final expiry. The
 *    timer callback is the only place that drops it: when it finds the
 *    session dead, or invalidates it itself on expiry. An invalidation from
 *    elsewhere re-arms the timer to expire at once, so memory is released
 *    within a softirq run. Others may hold extra references with
 *    flowsess_session_get() / flowsess_session_put().
 * 6. The last put frees the session after an RCU grace period; by then its
 *    timer is neither queued nor running (rule 5), so no timer outlives
 *    its memory.
 * 7. Teardown (namespace exit, module unload) runs after the hooks are
 *    unregistered: it stops the aging work (aging.c), invalidates every
 *    session and sleeps until ->allocated reaches zero. Module exit then
 *    waits for the RCU callbacks with rcu_barrier() before destroying the
 *    kmem_cache.
 * 8. ->unestablished counts the linked sessions whose FLOWSESS_S_ESTABLISHED
 *    bit is clear. The bit changes only with test_and_set_bit() /
 *    test_and_clear_bit(), each followed by the matching counter update;
 *    unlinking sets it, so a dead session is never counted.
 */
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "internal.h"

static struct kmem_cache *flowsess_cachep __read_mostly;

int flowsess_cache_init(void)
{
	flowsess_cachep = KMEM_CACHE(flowsess_session, SLAB_HWCACHE_ALIGN);
	return flowsess_cachep ? 0 : -ENOMEM;
}

void flowsess_cache_exit(void)
{
	rcu_barrier();	/* rule 7: the last call_rcu() frees have run */
	kmem_cache_destroy(flowsess_cachep);
}

int flowsess_table_init(struct flowsess_table *t, struct flowsess_net *fn,
			unsigned int buckets)
{
	unsigned int i, n = roundup_pow_of_two(max(buckets, 16U));

	t->buckets = kvcalloc(n, sizeof(*t->buckets), GFP_KERNEL);
	if (!t->buckets)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		INIT_HLIST_HEAD(&t->buckets[i].head);
		spin_lock_init(&t->buckets[i].lock);
	}
	t->mask = n - 1;
	t->seed = get_random_u32();
	atomic_set(&t->count, 0);
	atomic_set(&t->unestablished, 0);
	atomic_set(&t->allocated, 0);
	t->fn = fn;
	t->cfg = &fn->cfg;
	flowsess_aging_init(t);
	return 0;
}

/* Rule 7. The hooks feeding this table are gone; sleeps. */
void flowsess_table_destroy(struct flowsess_table *t)
{
	flowsess_aging_stop(t);
	flowsess_table_flush(t);
	wait_var_event(&t->allocated, !atomic_read(&t->allocated));
	kvfree(t->buckets);
	t->buckets = NULL;
}

static u32 flowsess_hash(const struct flowsess_table *t,
			 const struct flowsess_tuple *tuple)
{
	BUILD_BUG_ON(offsetof(struct flowsess_tuple, l3num) % sizeof(u32));
	return jhash2((const u32 *)tuple,
		      offsetof(struct flowsess_tuple, l3num) / sizeof(u32),
		      t->seed ^ (tuple->l3num << 8 | tuple->protonum));
}

static bool flowsess_tuple_equal(const struct flowsess_tuple *a,
				 const struct flowsess_tuple *b)
{
	return nf_inet_addr_cmp(&a->src, &b->src) && nf_inet_addr_cmp(&a->dst, &b->dst) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->l3num == b->l3num && a->protonum == b->protonum;
}

/*
 * Is @key, whose hash is @hash, the tuple of entry @th: its session's
 * tuple, seen from th->dir? The stored hash turns away the other entries
 * of the chain without reading their session's tuple. Field by field, not
 * memcmp(): this is the packet path's inner loop.
 */
static bool flowsess_th_matches(const struct flowsess_tuplehash *th,
				const struct flowsess_tuple *key, u32 hash)
{
	const struct flowsess_tuple *t = &flowsess_th_session(th)->tuple;

	if (th->hash != hash)
		return false;
	if (th->dir == FLOWSESS_DIR_ORIGINAL)
		return flowsess_tuple_equal(t, key);
	return nf_inet_addr_cmp(&t->src, &key->dst) && nf_inet_addr_cmp(&t->dst, &key->src) &&
	       t->sport == key->dport && t->dport == key->sport &&
	       t->l3num == key->l3num && t->protonum == key->protonum;
}

void flowsess_tuple_invert(struct flowsess_tuple *dst,
			   const struct flowsess_tuple *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->src = src->dst;
	dst->dst = src->src;
	dst->sport = src->dport;
	dst->dport = src->sport;
	dst->l3num = src->l3num;
	dst->protonum = src->protonum;
	dst->dir = !src->dir;
}

/* Rule 1: call under rcu_read_lock(); the session may be dead by now. */
struct flowsess_tuplehash *flowsess_lookup(struct flowsess_table *t,
					   const struct flowsess_tuple *tuple)
{
	u32 hash = flowsess_hash(t, tuple);
	struct flowsess_bucket *b = &t->buckets[hash & t->mask];
	struct flowsess_tuplehash *th;

	hlist_for_each_entry_rcu(th, &b->head, node) {
		if (flowsess_th_matches(th, tuple, hash) &&
		    !READ_ONCE(flowsess_th_session(th)->dead))
			return th;
	}
	return NULL;
}

struct flowsess_session *flowsess_session_alloc(struct flowsess_table *t,
						const struct flowsess_tuple *orig,
						gfp_t gfp)
{
	struct flowsess_session *s;

	s = kmem_cache_zalloc(flowsess_cachep, gfp);
	if (!s)
		return NULL;
	s->tuple = *orig;
	s->tuple.dir = FLOWSESS_DIR_ORIGINAL;
	s->th[FLOWSESS_DIR_ORIGINAL].dir = FLOWSESS_DIR_ORIGINAL;
	s->th[FLOWSESS_DIR_REPLY].dir = FLOWSESS_DIR_REPLY;
	s->table = t;
	refcount_set(&s->ref, 1);
	spin_lock_init(&s->lock);
	flowsess_timer_init(s);
	atomic_inc(&t->allocated);
	return s;
}

static void flowsess_session_release(struct flowsess_session *s)
{
	struct flowsess_table *t = s->table;

	kmem_cache_free(flowsess_cachep, s);
	/* Rule 7: @t may be freed as soon as this reaches zero. */
	if (atomic_dec_and_test(&t->allocated))
		wake_up_var(&t->allocated);
}

/* A session that was never inserted, so never seen by anyone else. */
void flowsess_session_free_unused(struct flowsess_session *s)
{
	flowsess_session_release(s);
}

static void flowsess_session_free_rcu(struct rcu_head *head)
{
	flowsess_session_release(container_of(head, struct flowsess_session, rcu));
}

bool flowsess_session_get(struct flowsess_session *s)
{
	return refcount_inc_not_zero(&s->ref);
}

void flowsess_session_put(struct flowsess_session *s)
{
	if (refcount_dec_and_test(&s->ref))
		call_rcu(&s->rcu, flowsess_session_free_rcu);
}

/* Rule 2. Both tuples may hash to one bucket: then it is locked once. */
static void flowsess_lock_buckets(struct flowsess_table *t, u32 h0, u32 h1)
	__acquires(bucket0) __acquires(bucket1)
{
	if (h0 > h1)
		swap(h0, h1);
	spin_lock_bh(&t->buckets[h0].lock);
	if (h0 != h1)
		spin_lock_nested(&t->buckets[h1].lock, SINGLE_DEPTH_NESTING);
	else
		__acquire(bucket1);	/* for sparse: two acquires either way */
}

static void flowsess_unlock_buckets(struct flowsess_table *t, u32 h0, u32 h1)
	__releases(bucket0) __releases(bucket1)
{
	if (h0 != h1)
		spin_unlock(&t->buckets[max(h0, h1)].lock);
	else
		__release(bucket1);
	spin_unlock_bh(&t->buckets[min(h0, h1)].lock);
}

/* Both bucket locks held. */
static void flowsess_bucket_changed(struct flowsess_table *t, u32 h0, u32 h1)
{
	t->buckets[h0].gen++;
	if (h1 != h0)
		t->buckets[h1].gen++;
}

/* The bucket of @hash locked. */
static struct flowsess_tuplehash *
flowsess_find_locked(struct flowsess_table *t, u32 hash,
		     const struct flowsess_tuple *tuple)
{
	struct flowsess_tuplehash *th;

	hlist_for_each_entry(th, &t->buckets[hash & t->mask].head, node) {
		if (flowsess_th_matches(th, tuple, hash) &&
		    !READ_ONCE(flowsess_th_session(th)->dead))
			return th;
	}
	return NULL;
}

/*
 * Takes a place in ->count unless the table holds max-sessions already.
 * Never raises the count above the limit, not even for a moment, so the
 * sessions_active gauge read by stats never shows more than max-sessions.
 */
static bool flowsess_count_reserve(struct flowsess_table *t)
{
	int max = READ_ONCE(t->cfg->max_sessions);
	int n = atomic_read(&t->count);

	do {
		if (n >= max)
			return false;
	} while (!atomic_try_cmpxchg(&t->count, &n, n + 1));
	return true;
}

/*
 * Link a new session and start its timer. Returns -EEXIST when a live
 * session already holds either tuple, with in @existing its entry for
 * @s's original tuple (valid under the caller's rcu_read_lock()), or
 * -ENOSPC when the table is full. On error the caller still owns @s.
 */
int flowsess_session_insert(struct flowsess_session *s,
			    struct flowsess_tuplehash **existing)
{
	struct flowsess_table *t = s->table;
	struct flowsess_tuplehash *other;
	struct flowsess_tuple reply;
	u32 h0, h1;

	flowsess_tuple_invert(&reply, &s->tuple);
	/* Written before the entries are published, never changed after. */
	s->th[0].hash = flowsess_hash(t, &s->tuple);
	s->th[1].hash = flowsess_hash(t, &reply);
	h0 = s->th[0].hash & t->mask;
	h1 = s->th[1].hash & t->mask;
	flowsess_lock_buckets(t, h0, h1);
	/*
	 * Every session has an entry for each direction, and inverting a
	 * tuple twice gives it back: a session holding either of @s's tuples
	 * has an entry equal to the original one.
	 */
	other = flowsess_find_locked(t, s->th[0].hash, &s->tuple);
	if (other) {
		flowsess_unlock_buckets(t, h0, h1);
		*existing = other;
		return -EEXIST;
	}
	if (!flowsess_count_reserve(t)) {
		flowsess_unlock_buckets(t, h0, h1);
		return -ENOSPC;
	}
	if (!test_bit(FLOWSESS_S_ESTABLISHED, &s->flags))
		atomic_inc(&t->unestablished);
	hlist_add_head_rcu(&s->th[0].node, &t->buckets[h0].head);
	hlist_add_head_rcu(&s->th[1].node, &t->buckets[h1].head);
	flowsess_bucket_changed(t, h0, h1);
	flowsess_unlock_buckets(t, h0, h1);

	/* Rule 5: from here on the timer owns the table's reference. */
	flowsess_timer_start(s);
	flowsess_aging_inserted(t);
	return 0;
}

/* Rule 4: only the caller that set ->dead. */
void flowsess_session_unlink(struct flowsess_session *s)
{
	struct flowsess_table *t = s->table;
	u32 h0 = s->th[0].hash & t->mask, h1 = s->th[1].hash & t->mask;

	flowsess_lock_buckets(t, h0, h1);
	hlist_del_rcu(&s->th[0].node);
	hlist_del_rcu(&s->th[1].node);
	flowsess_bucket_changed(t, h0, h1);
	atomic_dec(&t->count);
	flowsess_unlock_buckets(t, h0, h1);
	/* Rule 8. */
	if (!test_and_set_bit(FLOWSESS_S_ESTABLISHED, &s->flags))
		atomic_dec(&t->unestablished);
}

/*
 * Whether @s counts as established (rule 8): a live session that is
 * inserted, from the packet path; TCP calls it under session->lock.
 */
void flowsess_session_set_established(struct flowsess_session *s, bool est)
{
	struct flowsess_table *t = s->table;

	if (est) {
		if (!test_and_set_bit(FLOWSESS_S_ESTABLISHED, &s->flags))
			atomic_dec(&t->unestablished);
	} else if (test_and_clear_bit(FLOWSESS_S_ESTABLISHED, &s->flags)) {
		atomic_inc(&t->unestablished);
	}
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
	       (!f->has_state || READ_ONCE(s->tcp_state) == f->tcp_state) &&
	       flowsess_addr_match(&t->src, &f->src, &f->src_mask) &&
	       flowsess_addr_match(&t->dst, &f->dst, &f->dst_mask);
}

/*
 * Invalidate every session @f matches (reason FLUSH). Returns how many this
 * call invalidated. Sessions created meanwhile may or may not be seen.
 */
unsigned int flowsess_table_clear(struct flowsess_table *t,
				  const struct flowsess_filter *f)
{
	struct flowsess_session *s;
	struct flowsess_tuplehash *th;
	unsigned int i, n = 0;

	for (i = 0; i <= t->mask; i++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(th, &t->buckets[i].head, node) {
			if (th->dir != FLOWSESS_DIR_ORIGINAL)
				continue;
			s = flowsess_th_session(th);
			if (flowsess_filter_match(f, s) &&
			    flowsess_session_invalidate(s, FLOWSESS_REASON_FLUSH))
				n++;
		}
		rcu_read_unlock();
		cond_resched();
	}
	return n;
}

/* Invalidate every session. Returns how many this call invalidated. */
unsigned int flowsess_table_flush(struct flowsess_table *t)
{
	return flowsess_table_clear(t, NULL);
}

/*
 * Dumps (rule 2): pass each live session of bucket c->bucket to @emit, under
 * the bucket lock, from position c->pos on. Each session is passed from the
 * bucket of its original tuple, so once per dump. When @emit fails, the
 * cursor keeps the failed session's position and the bucket's generation,
 * and its error is returned. *@changed tells whether the bucket changed
 * since the cursor last stopped inside it: positions are then unreliable.
 */
int flowsess_table_walk_bucket(struct flowsess_table *t,
			       struct flowsess_cursor *c, bool *changed,
			       int (*emit)(struct flowsess_session *s, void *arg),
			       void *arg)
{
	struct flowsess_bucket *b = &t->buckets[c->bucket];
	struct flowsess_tuplehash *th;
	unsigned int pos = 0;
	int err = 0;

	*changed = false;
	if (hlist_empty(&b->head) && !c->pos)
		return 0;

	spin_lock_bh(&b->lock);
	*changed = c->pos && b->gen != c->gen;
	hlist_for_each_entry(th, &b->head, node) {
		if (th->dir != FLOWSESS_DIR_ORIGINAL)
			continue;
		if (pos++ < c->pos)
			continue;
		if (READ_ONCE(flowsess_th_session(th)->dead))
			continue;
		err = emit(flowsess_th_session(th), arg);
		if (err) {
			c->pos = pos - 1;
			c->gen = b->gen;
			break;
		}
	}
	spin_unlock_bh(&b->lock);
	return err;
}

#ifdef FLOWSESS_KUNIT
#include "tests/table_test.c"
#endif

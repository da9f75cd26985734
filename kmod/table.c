// SPDX-License-Identifier: GPL-2.0
/*
 * The session hash: keyed by tuple, one entry per direction of each
 * session, grown and shrunk with the number of entries by a worker, online.
 * It is flowsess's own rather than an rhashtable so that its bucket arrays
 * are charged to the namespace's memory cgroup, as its sessions are: the
 * rhashtable allocates them itself, uncharged.
 *
 * Tables. A namespace has no table until its first session (a namespace
 * that never tracks one pays for no hash), then one of at least
 * FLOWSESS_HASH_LOCKS buckets, and during a resize two: ->htab and its
 * ->future. The resize worker is the only one to replace ->htab (the first
 * table is installed once, by cmpxchg()) and frees the old table after an
 * RCU grace period. So a reader or writer under rcu_read_lock() that loaded
 * a table may use it, and its ->future, until it leaves the section.
 *
 * Locks. One hash value, with one key for the namespace's life, places
 * an entry in every table: bucket hash & (size - 1), and every table has
 * at least FLOWSESS_HASH_LOCKS buckets, so all the buckets an entry can be
 * in are under the same stripe, locks[hash % FLOWSESS_HASH_LOCKS]. A
 * writer takes its entry's stripe (spin_lock_bh(); inside session->lock,
 * session.c rule 3; never two stripes), and under it the entry is in
 * exactly one table: links go to the newest table, a search covers all.
 *
 * Resize (the worker): publish the new table as ->future; then, bucket by
 * bucket of the old one under its stripe, move each entry, tail first,
 * into the new table: the tail is linked at the head of its new chain and
 * only then cut from the old one, so that a reader walking the old chain
 * either meets it there (and may walk on into the new chain) or, having
 * met the cut, finds it in ->future, which a lookup searches after a miss
 * (smp_rmb() pairs with the release of the cut). Once the old table is
 * empty the new one becomes ->htab; a grace period later the old is
 * freed. Walks (collect.c, aging.c, dumps) follow one table and note that
 * a resize happened under them (struct flowsess_walk).
 *
 * A tuple is in the hash at most once among live sessions: a session's two
 * entries are linked one at a time (session.c), each by a search and an
 * insert under the stripe that fail on a live equal key, in the same
 * order (the lower key first) whichever direction the creating packet
 * came from, so that of two packets racing from opposite directions one
 * links both entries and the other none. Dead sessions compare unequal to
 * everything: they are being unlinked.
 */
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/siphash.h>

#include "internal.h"

#define FLOWSESS_HNULLS(bucket) \
	((struct flowsess_hnode *)(((unsigned long)(bucket) << 1) | 1UL))

/* The session that holds @node, and which of its entries @node is. */
static enum flowsess_dir flowsess_node_dir(const struct flowsess_hnode *node)
{
	return ((unsigned long)node & sizeof(struct flowsess_hnode)) ?
		FLOWSESS_DIR_REPLY : FLOWSESS_DIR_ORIGINAL;
}

static struct flowsess_session *flowsess_node_session(const struct flowsess_hnode *node)
{
	return container_of(node, struct flowsess_session,
			    node[flowsess_node_dir(node)]);
}

/* The key of @s's entry @dir, field by field (no memcmp: the inner loop). */
static bool flowsess_node_matches(const struct flowsess_session *s,
				  enum flowsess_dir dir,
				  const struct flowsess_tuple *key)
{
	const struct flowsess_tuple *t = &s->tuple;

	if (t->l3num != key->l3num || t->protonum != key->protonum)
		return false;
	if (dir == FLOWSESS_DIR_ORIGINAL)
		return nf_inet_addr_cmp(&t->src, &key->src) &&
		       nf_inet_addr_cmp(&t->dst, &key->dst) &&
		       t->sport == key->sport && t->dport == key->dport;
	return nf_inet_addr_cmp(&t->src, &key->dst) &&
	       nf_inet_addr_cmp(&t->dst, &key->src) &&
	       t->sport == key->dport && t->dport == key->sport;
}

bool flowsess_tuple_equal(const struct flowsess_tuple *a,
			  const struct flowsess_tuple *b)
{
	return nf_inet_addr_cmp(&a->src, &b->src) && nf_inet_addr_cmp(&a->dst, &b->dst) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->l3num == b->l3num && a->protonum == b->protonum;
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

/*
 * The key is everything before ->dir. A keyed siphash, as nf_conntrack's:
 * the key cannot change while the namespace lives (the stripes need one
 * hash in every table), so it must not be learnt from the order a dump
 * lists sessions in, nor chains be lengthened on purpose.
 */
static u32 flowsess_hash_key(const struct flowsess_tuple *tuple,
			     const siphash_key_t *key)
{
	return siphash(tuple, offsetof(struct flowsess_tuple, dir), key);
}

static u32 flowsess_hash_node(const struct flowsess_hnode *node,
			      const siphash_key_t *key)
{
	const struct flowsess_session *s = flowsess_node_session(node);
	struct flowsess_tuple reply;

	if (flowsess_node_dir(node) == FLOWSESS_DIR_ORIGINAL)
		return flowsess_hash_key(&s->tuple, key);
	flowsess_tuple_invert(&reply, &s->tuple);
	return flowsess_hash_key(&reply, key);
}

static spinlock_t *flowsess_hash_lock(const struct flowsess_htab *tbl, u32 hash)
{
	return &tbl->locks[hash % FLOWSESS_HASH_LOCKS];
}

/*
 * A table of @size buckets, all empty. Charged to the namespace's memory
 * cgroup when it has one, as its sessions are (hooks.c).
 */
static struct flowsess_htab *flowsess_htab_alloc(struct flowsess_table *t,
						 unsigned int size, gfp_t gfp)
{
	struct mem_cgroup *memcg = flowsess_table_net(t)->memcg, *old;
	struct flowsess_htab *tbl;
	unsigned int i;

	if (memcg)
		gfp |= __GFP_ACCOUNT;
	old = set_active_memcg(memcg);
	tbl = kzalloc(sizeof(*tbl), gfp);
	if (tbl)
		tbl->buckets = kvmalloc_array(size, sizeof(*tbl->buckets), gfp);
	set_active_memcg(old);
	if (tbl && !tbl->buckets) {
		kfree(tbl);
		tbl = NULL;
	}
	if (!tbl)
		return NULL;
	tbl->size = size;
	for (i = 0; i < size; i++) {
		RCU_INIT_POINTER(tbl->buckets[i], FLOWSESS_HNULLS(i));
		if (!(i % 65536) && gfpflags_allow_blocking(gfp))
			cond_resched();
	}
	return tbl;
}

static void flowsess_htab_free(struct flowsess_htab *tbl)
{
	if (tbl)
		kvfree(tbl->buckets);
	kfree(tbl);
}

/*
 * The first table, made by the first link, from any context: two writers
 * may race, one installs its table and the other frees its own.
 */
static struct flowsess_htab *flowsess_htab_first(struct flowsess_table *t)
{
	struct mem_cgroup *memcg = flowsess_table_net(t)->memcg, *old;
	gfp_t gfp = memcg ? GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN :
			    GFP_ATOMIC | __GFP_NOWARN;
	struct flowsess_htab *tbl, *raced;
	spinlock_t *locks;	/* the stripes, for every table of the hash */
	unsigned int i;

	tbl = flowsess_htab_alloc(t, FLOWSESS_HASH_LOCKS, gfp);
	old = set_active_memcg(memcg);
	locks = kmalloc_array(FLOWSESS_HASH_LOCKS, sizeof(*locks), gfp);
	set_active_memcg(old);
	if (!tbl || !locks)
		goto fail;
	for (i = 0; i < FLOWSESS_HASH_LOCKS; i++)
		spin_lock_init(&locks[i]);
	tbl->locks = locks;
	raced = cmpxchg((struct flowsess_htab __force **)&t->htab, NULL, tbl);
	if (!raced)
		return tbl;
fail:
	kfree(locks);
	flowsess_htab_free(tbl);
	return rcu_dereference(t->htab);
}

/* The table that fits @entries: at most 75 % full. */
static unsigned int flowsess_hash_size_for(unsigned int entries)
{
	unsigned int size = FLOWSESS_HASH_LOCKS;

	while (size < FLOWSESS_HASH_MAX && entries > size / 4 * 3)
		size <<= 1;
	return size;
}

/* Above 75 % it grows; below 30 % it shrinks, to at most 75 %. */
static bool flowsess_htab_wants_resize(struct flowsess_table *t,
				       const struct flowsess_htab *tbl)
{
	unsigned int entries = atomic_read(&t->entries);

	return (entries > tbl->size / 4 * 3 && tbl->size < FLOWSESS_HASH_MAX) ||
	       (entries < tbl->size / 10 * 3 && tbl->size > FLOWSESS_HASH_LOCKS);
}

/* Under rcu_read_lock(), after a link or an unlink of @tbl's hash. */
static void flowsess_htab_check(struct flowsess_table *t,
				const struct flowsess_htab *tbl)
{
	/*
	 * Not while one waits out a failed allocation: queued already (or,
	 * during the run that failed, put off by it).
	 */
	if (flowsess_htab_wants_resize(t, tbl) && !READ_ONCE(t->resize_held) &&
	    !rcu_access_pointer(tbl->future))
		queue_delayed_work(system_unbound_wq, &t->resize_work, 0);
}

/* Is a resize in progress, or due? KUnit waits for the hash to settle. */
bool flowsess_table_resize_due(struct flowsess_table *t)
{
	const struct flowsess_htab *tbl;
	bool due;

	rcu_read_lock();
	tbl = rcu_dereference(t->htab);
	due = tbl && !READ_ONCE(t->resize_held) &&
	      (rcu_access_pointer(tbl->future) || flowsess_htab_wants_resize(t, tbl));
	rcu_read_unlock();
	return due;
}

/*
 * Under the stripe of @old's bucket @b: move its last entry to @new, the
 * new chain first (see the top). False when the bucket is empty.
 */
static bool flowsess_htab_move_tail(struct flowsess_table *t,
				    struct flowsess_htab *old,
				    struct flowsess_htab *new, unsigned int b)
{
	struct flowsess_hnode __rcu **pprev = &old->buckets[b];
	struct flowsess_hnode *node, *next;
	u32 nb;

	node = rcu_dereference_protected(*pprev, 1);
	if (flowsess_hnode_is_nulls(node))
		return false;
	while (!flowsess_hnode_is_nulls(next = rcu_dereference_protected(node->next, 1))) {
		pprev = &node->next;
		node = next;
	}
	nb = flowsess_hash_node(node, &t->hash_key) & (new->size - 1);
	rcu_assign_pointer(node->next, rcu_dereference_protected(new->buckets[nb], 1));
	rcu_assign_pointer(new->buckets[nb], node);
	rcu_assign_pointer(*pprev, FLOWSESS_HNULLS(b));
	return true;
}

static void flowsess_htab_rehash(struct flowsess_table *t,
				 struct flowsess_htab *old,
				 struct flowsess_htab *new)
{
	unsigned int b;
	spinlock_t *lock;	/* the stripe of bucket b */

	new->id = old->id + 1;
	new->locks = old->locks;
	rcu_assign_pointer(old->future, new);
	for (b = 0; b < old->size; b++) {
		lock = flowsess_hash_lock(old, b);
		spin_lock_bh(lock);
		while (flowsess_htab_move_tail(t, old, new, b))
			;
		spin_unlock_bh(lock);
		if (!(b % 1024))
			cond_resched();
	}
	rcu_assign_pointer(t->htab, new);
	synchronize_rcu();
	flowsess_htab_free(old);
}

/*
 * The resize worker: one at a time (a work item), the only writer of
 * ->htab but for the first table. When the next table cannot be allocated
 * (the cgroup's limit, no memory) the hash stays as it is and the worker
 * tries again a second later, then at doubling intervals up to a minute
 * (a container at its limit is not reclaimed every second); only the
 * worker touches ->resize_failures. __GFP_NORETRY, so that the cgroup's
 * limit refuses it instead of invoking the cgroup's OOM killer.
 */
static void flowsess_table_resize(struct work_struct *work)
{
	struct flowsess_table *t = container_of(to_delayed_work(work),
						struct flowsess_table, resize_work);
	struct flowsess_htab *old, *new;
	unsigned int size;

	for (;;) {
		old = rcu_dereference_protected(t->htab, 1);
		size = old ? flowsess_hash_size_for(atomic_read(&t->entries)) : 0;
		if (!old || READ_ONCE(t->resize_held) ||
		    !flowsess_htab_wants_resize(t, old) || size == old->size) {
			t->resize_failures = 0;
			return;
		}
		new = flowsess_htab_alloc(t, size, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
		if (!new) {
			/* Over a run the packet path may have queued: put off. */
			mod_delayed_work(system_unbound_wq, &t->resize_work,
					 HZ << t->resize_failures);
			t->resize_failures = min(t->resize_failures + 1, 6U);
			return;
		}
		t->resize_failures = 0;
		flowsess_htab_rehash(t, old, new);
	}
}

int flowsess_table_init(struct flowsess_table *t)
{
	RCU_INIT_POINTER(t->htab, NULL);
	get_random_bytes(&t->hash_key, sizeof(t->hash_key));
	t->resize_held = false;
	t->resize_failures = 0;
	INIT_DELAYED_WORK(&t->resize_work, flowsess_table_resize);
	atomic_set(&t->count, 0);
	atomic_set(&t->entries, 0);
	atomic_set(&t->unestablished, 0);
	flowsess_aging_init(t);
	flowsess_collector_init(t);
	return 0;
}

/*
 * Teardown (session.c, rule 9): the table is empty and nothing adds to it
 * or reads it; the last unlinks may have queued a resize.
 */
void flowsess_table_destroy(struct flowsess_table *t)
{
	struct flowsess_htab *tbl;

	WARN_ON_ONCE(atomic_read(&t->count) || atomic_read(&t->entries));
	cancel_delayed_work_sync(&t->resize_work);
	tbl = rcu_dereference_protected(t->htab, 1);
	if (!tbl)
		return;
	WARN_ON_ONCE(rcu_access_pointer(tbl->future));
	kfree(tbl->locks);
	flowsess_htab_free(tbl);
	RCU_INIT_POINTER(t->htab, NULL);
}

/*
 * Under rcu_read_lock(): the live session that holds @tuple, and in @dir
 * the direction @tuple is to it. It may have expired: the caller checks.
 */
struct flowsess_session *flowsess_table_lookup(struct flowsess_table *t,
					       const struct flowsess_tuple *tuple,
					       enum flowsess_dir *dir)
{
	const struct flowsess_htab *tbl = rcu_dereference(t->htab);
	struct flowsess_session *s;
	struct flowsess_hnode *node;
	u32 hash;

	if (!tbl)
		return NULL;
	hash = flowsess_hash_key(tuple, &t->hash_key);
	do {
		flowsess_hchain_for_each_rcu(node, tbl->buckets[hash & (tbl->size - 1)]) {
			s = flowsess_node_session(node);
			if (flowsess_node_matches(s, flowsess_node_dir(node), tuple) &&
			    !READ_ONCE(s->dead)) {
				*dir = flowsess_node_dir(node);
				return s;
			}
		}
		/* A miss may be an entry moved on: see ->future after the cut. */
		smp_rmb();
		tbl = rcu_dereference(tbl->future);
	} while (tbl);
	return NULL;
}

/* Is @t its own inverse (src = dst, sport = dport)? It has one entry. */
bool flowsess_tuple_self_inverse(const struct flowsess_tuple *t)
{
	return nf_inet_addr_cmp(&t->src, &t->dst) && t->sport == t->dport;
}

/*
 * Which of @s's entries is linked first: the one with the lower key, so
 * that two sessions racing for the same pair of tuples from both ends
 * compete for the same entry first.
 */
enum flowsess_dir flowsess_table_first_dir(const struct flowsess_session *s)
{
	struct flowsess_tuple reply;

	flowsess_tuple_invert(&reply, &s->tuple);
	return memcmp(&reply, &s->tuple, offsetof(struct flowsess_tuple, dir)) < 0 ?
	       FLOWSESS_DIR_REPLY : FLOWSESS_DIR_ORIGINAL;
}

/*
 * Under the stripe: is a live session's entry keyed @key, @hash in any
 * table from @tbl on?
 */
static bool flowsess_htab_holds(const struct flowsess_htab *tbl, u32 hash,
				const struct flowsess_tuple *key)
{
	const struct flowsess_session *s;
	struct flowsess_hnode *node;

	for (; tbl; tbl = rcu_dereference(tbl->future)) {
		flowsess_hchain_for_each_rcu(node, tbl->buckets[hash & (tbl->size - 1)]) {
			s = flowsess_node_session(node);
			if (flowsess_node_matches(s, flowsess_node_dir(node), key) &&
			    !READ_ONCE(s->dead))
				return true;
		}
	}
	return false;
}

/*
 * Link @s's entry @dir, unless a live session holds its key: -EEXIST. Or
 * -ENOMEM: the namespace's first table could not be made.
 */
int flowsess_table_link(struct flowsess_table *t, struct flowsess_session *s,
			enum flowsess_dir dir)
{
	struct flowsess_hnode *node = &s->node[dir];
	struct flowsess_tuple key;
	struct flowsess_htab *tbl;
	spinlock_t *lock;	/* the entry's stripe */
	int err = 0;
	u32 hash, b;

	if (dir == FLOWSESS_DIR_ORIGINAL)
		key = s->tuple;
	else
		flowsess_tuple_invert(&key, &s->tuple);
	hash = flowsess_hash_key(&key, &t->hash_key);
	rcu_read_lock();
	tbl = rcu_dereference(t->htab) ?: flowsess_htab_first(t);
	if (!tbl) {
		rcu_read_unlock();
		return -ENOMEM;
	}
	lock = flowsess_hash_lock(tbl, hash);
	spin_lock_bh(lock);
	/* Under the stripe: the tables as they are now (see the top). */
	tbl = rcu_dereference(t->htab);
	if (flowsess_htab_holds(tbl, hash, &key)) {
		err = -EEXIST;
		goto unlock;
	}
	while (rcu_access_pointer(tbl->future))
		tbl = rcu_dereference(tbl->future);
	b = hash & (tbl->size - 1);
	RCU_INIT_POINTER(node->next, rcu_dereference_protected(tbl->buckets[b], 1));
	rcu_assign_pointer(tbl->buckets[b], node);
	atomic_inc(&t->entries);
unlock:
	spin_unlock_bh(lock);
	if (!err)
		flowsess_htab_check(t, tbl);
	rcu_read_unlock();
	return err;
}

/* Unlink @s's entry @dir; one that is not linked is left alone. */
void flowsess_table_unlink(struct flowsess_table *t, struct flowsess_session *s,
			   enum flowsess_dir dir)
{
	struct flowsess_hnode *node = &s->node[dir], *pos;
	struct flowsess_hnode __rcu **pprev;
	struct flowsess_htab *tbl;
	spinlock_t *lock;	/* the entry's stripe */
	u32 hash;

	hash = flowsess_hash_node(node, &t->hash_key);
	rcu_read_lock();
	tbl = rcu_dereference(t->htab);
	if (!tbl)
		goto out;
	lock = flowsess_hash_lock(tbl, hash);
	spin_lock_bh(lock);
	for (tbl = rcu_dereference(t->htab); tbl; tbl = rcu_dereference(tbl->future)) {
		pprev = &tbl->buckets[hash & (tbl->size - 1)];
		while (!flowsess_hnode_is_nulls(pos = rcu_dereference_protected(*pprev, 1))) {
			if (pos == node) {
				rcu_assign_pointer(*pprev,
						   rcu_dereference_protected(node->next, 1));
				atomic_dec(&t->entries);
				spin_unlock_bh(lock);
				flowsess_htab_check(t, tbl);
				goto out;
			}
			pprev = &pos->next;
		}
	}
	spin_unlock_bh(lock);
out:
	rcu_read_unlock();
}

/* The number of buckets now: a snapshot, as the table resizes itself. */
unsigned int flowsess_table_buckets(struct flowsess_table *t)
{
	const struct flowsess_htab *tbl;
	unsigned int size;

	rcu_read_lock();
	tbl = rcu_dereference(t->htab);
	size = tbl ? tbl->size : FLOWSESS_HASH_LOCKS;
	rcu_read_unlock();
	return size;
}

/*
 * Under rcu_read_lock(): pass each live session whose original entry is in
 * bucket w->bucket to @fn, and stop at the first nonzero return, which is
 * returned; the caller moves w->bucket on. A walk follows one table: when
 * it was replaced since the last call (a resize) or is being replaced now
 * (entries may move to the next table while this bucket is read), the walk
 * is marked ->resized and goes on in the new table at the same index. No
 * table yet is an empty first table.
 */
int flowsess_table_walk_bucket(struct flowsess_table *t, struct flowsess_walk *w,
			       flowsess_walk_fn fn, void *arg)
{
	const struct flowsess_htab *tbl = rcu_dereference(t->htab);
	unsigned int size = tbl ? tbl->size : FLOWSESS_HASH_LOCKS;
	u32 id = tbl ? tbl->id : 0;
	struct flowsess_session *s;
	struct flowsess_hnode *node;
	int err = 0;

	if (w->size != size || w->table_id != id) {
		if (w->size)
			w->resized = true;
		w->size = size;
		w->table_id = id;
	}
	if (!tbl || w->bucket >= size)
		return 0;
	flowsess_hchain_for_each_rcu(node, tbl->buckets[w->bucket]) {
		s = flowsess_node_session(node);
		if (node != &s->node[FLOWSESS_DIR_ORIGINAL] || READ_ONCE(s->dead))
			continue;
		err = fn(s, arg);
		if (err)
			break;
	}
	/* Pairs with the cut of a moved entry (see the top). */
	smp_rmb();
	if (rcu_access_pointer(tbl->future))
		w->resized = true;
	return err;
}

struct flowsess_walk_whole {
	flowsess_walk_fn fn;
	void *arg;
	bool stop;
};

static int flowsess_walk_whole_fn(struct flowsess_session *s, void *arg)
{
	struct flowsess_walk_whole *whole = arg;

	if (whole->fn(s, whole->arg))
		whole->stop = true;
	return 0;
}

/*
 * Under rcu_read_lock(): walk up to @buckets buckets from w->bucket. A
 * bucket is always walked whole; a nonzero return of @fn stops the walk
 * after its bucket (->stopped). Returns true when the walk went past the
 * last bucket (it starts again at 0).
 */
bool flowsess_table_walk(struct flowsess_table *t, struct flowsess_walk *w,
			 unsigned int buckets, flowsess_walk_fn fn, void *arg)
{
	struct flowsess_walk_whole whole = { .fn = fn, .arg = arg };

	while (buckets--) {
		flowsess_table_walk_bucket(t, w, flowsess_walk_whole_fn, &whole);
		w->stopped |= whole.stop;
		if (++w->bucket >= w->size) {
			w->bucket = 0;
			return true;
		}
		if (whole.stop)
			break;
	}
	return false;
}

/*
 * Process context, no spinlock or RCU read-side section held: call @fn on
 * every session of @t, under RCU, 64 buckets at a time. A nonzero return
 * of @fn ends the call after its bucket. Otherwise every session that
 * lives through the call is seen (sessions created meanwhile may or may
 * not be): a walk that met a resize is followed by another, as a clear or
 * an early ageout shrinks the table under it.
 */
void flowsess_table_each(struct flowsess_table *t, flowsess_walk_fn fn, void *arg)
{
	struct flowsess_walk w;
	bool end;

	do {
		memset(&w, 0, sizeof(w));
		do {
			rcu_read_lock();
			end = flowsess_table_walk(t, &w, 64, fn, arg);
			rcu_read_unlock();
			cond_resched();
		} while (!end && !w.stopped);
	} while (w.resized && !w.stopped);
}

#ifdef FLOWSESS_KUNIT
#include "tests/table_test.c"
#endif

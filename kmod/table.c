// SPDX-License-Identifier: GPL-2.0
/*
 * The session hash: an rhashtable keyed by tuple, with one entry per
 * direction of each session. The rhashtable grows and shrinks with the
 * number of entries, online: lookups never stop, and an entry being moved
 * is found in the old table or the new one. Its locks and RCU rules are the
 * rhashtable's; what a session's fields need is in session.c's rules.
 *
 * A tuple is in the hash at most once among live sessions: a session's two
 * entries are linked one at a time (session.c), each by a lookup-and-insert
 * that fails on a live equal key, in the same order (the lower key first)
 * whichever direction the creating packet came from, so that of two
 * packets racing from opposite directions one links both entries and the
 * other none. Dead sessions compare unequal to everything: they are being
 * unlinked.
 */
#include <linux/jhash.h>

#include "internal.h"

/* The session that holds @node, and which of its entries @node is. */
static enum flowsess_dir flowsess_node_dir(const struct rhash_head *node)
{
	return ((unsigned long)node & sizeof(struct rhash_head)) ?
		FLOWSESS_DIR_REPLY : FLOWSESS_DIR_ORIGINAL;
}

static struct flowsess_session *flowsess_node_session(const struct rhash_head *node)
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

/* The key is everything before ->l3num, seeded with l3num and protonum. */
static u32 flowsess_hash_key(const void *data, u32 len, u32 seed)
{
	const struct flowsess_tuple *tuple = data;

	BUILD_BUG_ON(offsetof(struct flowsess_tuple, l3num) % sizeof(u32));
	return jhash2((const u32 *)tuple,
		      offsetof(struct flowsess_tuple, l3num) / sizeof(u32),
		      seed ^ (tuple->l3num << 8 | tuple->protonum));
}

static u32 flowsess_hash_node(const void *data, u32 len, u32 seed)
{
	const struct rhash_head *node = data;
	const struct flowsess_session *s = flowsess_node_session(node);
	struct flowsess_tuple reply;

	if (flowsess_node_dir(node) == FLOWSESS_DIR_ORIGINAL)
		return flowsess_hash_key(&s->tuple, 0, seed);
	flowsess_tuple_invert(&reply, &s->tuple);
	return flowsess_hash_key(&reply, 0, seed);
}

static int flowsess_cmp_node(struct rhashtable_compare_arg *arg, const void *data)
{
	const struct rhash_head *node = data;
	const struct flowsess_session *s = flowsess_node_session(node);

	return !flowsess_node_matches(s, flowsess_node_dir(node), arg->key) ||
	       READ_ONCE(s->dead);
}

/*
 * Every namespace has a table; one that flowsess never tracks a session
 * in keeps the smallest (4 buckets, under 128 bytes), not rhashtable's
 * default of 64: the hint of one entry.
 */
static const struct rhashtable_params flowsess_hash_params = {
	.nelem_hint		= 1,
	.head_offset		= 0,	/* an object is a struct rhash_head */
	.key_len		= sizeof(struct flowsess_tuple),
	.hashfn			= flowsess_hash_key,
	.obj_hashfn		= flowsess_hash_node,
	.obj_cmpfn		= flowsess_cmp_node,
	.automatic_shrinking	= true,
};

int flowsess_table_init(struct flowsess_table *t)
{
	int err;

	err = rhashtable_init(&t->hash, &flowsess_hash_params);
	if (err)
		return err;
	atomic_set(&t->count, 0);
	atomic_set(&t->unestablished, 0);
	flowsess_aging_init(t);
	flowsess_collector_init(t);
	return 0;
}

/* Teardown (session.c, rule 7): the table is empty and nothing adds to it. */
void flowsess_table_destroy(struct flowsess_table *t)
{
	WARN_ON_ONCE(atomic_read(&t->count));
	rhashtable_destroy(&t->hash);
}

/*
 * Under rcu_read_lock(): the live session that holds @tuple, and in @dir
 * the direction @tuple is to it. It may have expired: the caller checks.
 */
struct flowsess_session *flowsess_table_lookup(struct flowsess_table *t,
					       const struct flowsess_tuple *tuple,
					       enum flowsess_dir *dir)
{
	struct rhash_head *node;

	node = rhashtable_lookup(&t->hash, tuple, flowsess_hash_params);
	if (!node)
		return NULL;
	*dir = flowsess_node_dir(node);
	return flowsess_node_session(node);
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
 * Link @s's entry @dir, unless a live session holds its key: -EEXIST. Or
 * another error of the rhashtable (no memory).
 */
int flowsess_table_link(struct flowsess_table *t, struct flowsess_session *s,
			enum flowsess_dir dir)
{
	struct flowsess_tuple key;
	void *old;

	if (dir == FLOWSESS_DIR_ORIGINAL)
		key = s->tuple;
	else
		flowsess_tuple_invert(&key, &s->tuple);
	old = rhashtable_lookup_get_insert_key(&t->hash, &key, &s->node[dir],
					       flowsess_hash_params);
	if (IS_ERR(old))
		return PTR_ERR(old);
	return old ? -EEXIST : 0;
}

/* Unlink @s's entry @dir; one that is not linked is left alone. */
void flowsess_table_unlink(struct flowsess_table *t, struct flowsess_session *s,
			   enum flowsess_dir dir)
{
	rhashtable_remove_fast(&t->hash, &s->node[dir], flowsess_hash_params);
}

/* The number of buckets now: a snapshot, as the table resizes itself. */
unsigned int flowsess_table_buckets(struct flowsess_table *t)
{
	unsigned int size;

	rcu_read_lock();
	size = rht_dereference_rcu(t->hash.tbl, &t->hash)->size;
	rcu_read_unlock();
	return size;
}

/*
 * Under rcu_read_lock(): pass each live session whose original entry is in
 * bucket w->bucket to @fn, and stop at the first nonzero return, which is
 * returned; the caller moves w->bucket on. A walk follows one table: when
 * it was replaced since the last call (a resize) or is being replaced now
 * (entries may move to the next table while this bucket is read), the walk
 * is marked ->resized and goes on in the new table at the same index.
 */
int flowsess_table_walk_bucket(struct flowsess_table *t, struct flowsess_walk *w,
			       flowsess_walk_fn fn, void *arg)
{
	const struct bucket_table *tbl = rht_dereference_rcu(t->hash.tbl, &t->hash);
	struct flowsess_session *s;
	struct rhash_head *node;
	int err = 0;

	if (w->size != tbl->size || w->table_id != tbl->hash_rnd) {
		if (w->size)
			w->resized = true;
		w->size = tbl->size;
		w->table_id = tbl->hash_rnd;
	}
	if (w->bucket >= tbl->size)
		return 0;
	rht_for_each_rcu(node, tbl, w->bucket) {
		s = flowsess_node_session(node);
		if (node != &s->node[FLOWSESS_DIR_ORIGINAL] || READ_ONCE(s->dead))
			continue;
		err = fn(s, arg);
		if (err)
			break;
	}
	/* Pairs with the rhashtable's publication of a new table. */
	smp_rmb();
	if (rcu_access_pointer(tbl->future_tbl))
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
 * after its bucket. Returns true when the walk went past the last bucket
 * (it starts again at 0).
 */
bool flowsess_table_walk(struct flowsess_table *t, struct flowsess_walk *w,
			 unsigned int buckets, flowsess_walk_fn fn, void *arg)
{
	struct flowsess_walk_whole whole = { .fn = fn, .arg = arg };

	while (buckets--) {
		flowsess_table_walk_bucket(t, w, flowsess_walk_whole_fn, &whole);
		if (++w->bucket >= w->size) {
			w->bucket = 0;
			return true;
		}
		if (whole.stop)
			break;
	}
	return false;
}

#ifdef FLOWSESS_KUNIT
#include "tests/table_test.c"
#endif

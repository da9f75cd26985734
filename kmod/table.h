/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session table of a namespace: the hash (table.c), its expiry
 * collector (collect.c) and its aging under pressure (aging.c).
 */
#ifndef _FLOWSESS_TABLE_H
#define _FLOWSESS_TABLE_H

#include <linux/hrtimer.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>

#include "session.h"

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
	bool stopped;			/* by its callback, since it started */
};

/*
 * The hash's stripes of bucket locks: bucket b of every table is under
 * lock b % FLOWSESS_HASH_LOCKS, which is why no table is smaller.
 */
#define FLOWSESS_HASH_LOCKS	128
#define FLOWSESS_HASH_MAX	BIT(26)	/* buckets: 16 M sessions at 50 % */

/* One table of the hash (table.c); during a resize, ->future is the next. */
struct flowsess_htab {
	unsigned int size;		/* buckets: a power of 2 */
	u32 id;				/* the hash's first is 0, then +1 */
	spinlock_t *locks;		/* the hash's, shared by its tables */
	struct flowsess_htab __rcu *future;
	/* Apart, so that an array of 2^n buckets takes 2^n pointers' pages. */
	struct flowsess_hnode __rcu **buckets;
};

#define flowsess_hnode_is_nulls(node)	((unsigned long)(node) & 1UL)

/* Under rcu_read_lock(): every entry in the chain that starts at @head. */
#define flowsess_hchain_for_each_rcu(node, head)			\
	for (node = rcu_dereference(head);				\
	     !flowsess_hnode_is_nulls(node);				\
	     node = rcu_dereference((node)->next))

struct flowsess_table {
	struct flowsess_htab __rcu *htab;	/* NULL until the first session */
	siphash_key_t hash_key;		/* for the namespace's life */
	bool resize_held;		/* KUnit's: the size stays */
	unsigned int resize_failures;	/* in a row: the next try's back-off */
	struct delayed_work resize_work;
	/* Written on every insert and removal: away from the lookup's line. */
	atomic_t count ____cacheline_aligned_in_smp; /* reserved + linked */
	atomic_t entries;		/* linked entries, two a session */
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
	atomic64_t collect_due;		/* ktime_t: sweep from then on */
	struct flowsess_walk collect_walk;	/* the sweep in progress */
	ktime_t collect_next;		/* its earliest deadline left */
	bool collect_sweeping;
};

/* table.c: the hash. The rules are at the top of table.c. */
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

typedef int (*flowsess_walk_fn)(struct flowsess_session *s, void *arg);
int flowsess_table_walk_bucket(struct flowsess_table *t, struct flowsess_walk *w,
			       flowsess_walk_fn fn, void *arg);
bool flowsess_table_walk(struct flowsess_table *t, struct flowsess_walk *w,
			 unsigned int buckets, flowsess_walk_fn fn, void *arg);
void flowsess_table_each(struct flowsess_table *t, flowsess_walk_fn fn, void *arg);
unsigned int flowsess_table_buckets(struct flowsess_table *t);
bool flowsess_table_resize_due(struct flowsess_table *t);

/* collect.c: expiry collection, one hrtimer per namespace. */
void flowsess_collector_init(struct flowsess_table *t);
void flowsess_collector_kick(struct flowsess_table *t, ktime_t deadline);
void flowsess_collector_expect(struct flowsess_table *t, ktime_t deadline);
void flowsess_collector_recheck(struct flowsess_table *t);
void flowsess_collector_stop(struct flowsess_table *t);

/* aging.c: eviction and early ageout under pressure. */
void flowsess_aging_init(struct flowsess_table *t);
void flowsess_aging_stop(struct flowsess_table *t);
void flowsess_aging_inserted(struct flowsess_table *t);
bool flowsess_evict_one(struct flowsess_table *t, ktime_t now);

#endif /* _FLOWSESS_TABLE_H */

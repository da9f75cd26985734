// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the session table. Included at the end of table.c in the test
 * build, so it sees the file's internals (flowsess_hash() and friends).
 */
#include <kunit/test.h>

#include "util.h"

#define TEST_TIMEOUT ms_to_ktime(60000)

static void flowsess_test_hash_stable(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 1024, 16);
	struct flowsess_tuple a, b;

	flowsess_test_tuple4(&a, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12340, 1234);
	flowsess_test_tuple4(&b, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12340, 1234);
	b.dir = FLOWSESS_DIR_REPLY;	/* not part of the key */
	KUNIT_EXPECT_EQ(test, flowsess_hash(&fn->table, &a), flowsess_hash(&fn->table, &b));
	KUNIT_EXPECT_TRUE(test, flowsess_tuple_equal(&a, &b));

	b.protonum = IPPROTO_UDP;
	KUNIT_EXPECT_FALSE(test, flowsess_tuple_equal(&a, &b));
	b.protonum = IPPROTO_TCP;
	b.l3num = NFPROTO_IPV6;	/* same bytes, other family: another key */
	KUNIT_EXPECT_FALSE(test, flowsess_tuple_equal(&a, &b));
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_invert(struct kunit *test)
{
	struct flowsess_tuple a, r, rr;

	flowsess_test_tuple4(&a, IPPROTO_UDP, 1, 2, 3, 4);
	flowsess_tuple_invert(&r, &a);
	KUNIT_EXPECT_EQ(test, ntohl(r.src.ip), ntohl(a.dst.ip));
	KUNIT_EXPECT_EQ(test, ntohl(r.dst.ip), ntohl(a.src.ip));
	KUNIT_EXPECT_EQ(test, ntohs(r.sport), ntohs(a.dport));
	KUNIT_EXPECT_EQ(test, ntohs(r.dport), ntohs(a.sport));
	KUNIT_EXPECT_EQ(test, r.dir, FLOWSESS_DIR_REPLY);
	flowsess_tuple_invert(&rr, &r);
	KUNIT_EXPECT_EQ(test, memcmp(&rr, &a, sizeof(a)), 0);
}

/*
 * Each entry keeps the hash of its direction's tuple, and an entry whose
 * hash differs never matches: a lookup skips it without the tuple.
 */
static void flowsess_test_stored_hash(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 1024, 16);
	struct flowsess_tuple orig, reply;
	struct flowsess_session *s;
	u32 ho, hr;

	flowsess_test_tuple4(&orig, IPPROTO_UDP, 0x0a000102, 0x0a000202, 5353, 53);
	flowsess_tuple_invert(&reply, &orig);
	ho = flowsess_hash(&fn->table, &orig);
	hr = flowsess_hash(&fn->table, &reply);
	s = flowsess_test_insert(test, fn, &orig, TEST_TIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->th[FLOWSESS_DIR_ORIGINAL].hash, ho);
	KUNIT_EXPECT_EQ(test, s->th[FLOWSESS_DIR_REPLY].hash, hr);

	KUNIT_EXPECT_TRUE(test, flowsess_th_matches(&s->th[FLOWSESS_DIR_ORIGINAL], &orig, ho));
	KUNIT_EXPECT_TRUE(test, flowsess_th_matches(&s->th[FLOWSESS_DIR_REPLY], &reply, hr));
	KUNIT_EXPECT_FALSE(test, flowsess_th_matches(&s->th[FLOWSESS_DIR_ORIGINAL], &orig, ho ^ 1));
	KUNIT_EXPECT_FALSE(test, flowsess_th_matches(&s->th[FLOWSESS_DIR_REPLY], &reply, hr ^ 1));
	/* The right hash with the wrong tuple does not match either. */
	KUNIT_EXPECT_FALSE(test, flowsess_th_matches(&s->th[FLOWSESS_DIR_ORIGINAL], &reply, ho));
	KUNIT_EXPECT_FALSE(test, flowsess_th_matches(&s->th[FLOWSESS_DIR_REPLY], &orig, hr));
	flowsess_test_net_destroy(fn);
}

/* A session is found from both directions, and not after invalidation. */
static void flowsess_test_lookup_both_directions(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 1024, 16);
	struct flowsess_tuple orig, reply, other;
	struct flowsess_tuplehash *th;
	struct flowsess_session *s;

	flowsess_test_tuple4(&orig, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12340, 1234);
	flowsess_tuple_invert(&reply, &orig);
	flowsess_test_tuple4(&other, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12341, 1234);
	s = flowsess_test_insert(test, fn, &orig, TEST_TIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, s);

	rcu_read_lock();
	th = flowsess_lookup(&fn->table, &orig);
	KUNIT_EXPECT_PTR_EQ(test, th ? flowsess_th_session(th) : NULL, s);
	KUNIT_EXPECT_EQ(test, th ? th->dir : -1, FLOWSESS_DIR_ORIGINAL);
	th = flowsess_lookup(&fn->table, &reply);
	KUNIT_EXPECT_PTR_EQ(test, th ? flowsess_th_session(th) : NULL, s);
	KUNIT_EXPECT_EQ(test, th ? th->dir : -1, FLOWSESS_DIR_REPLY);
	KUNIT_EXPECT_NULL(test, flowsess_lookup(&fn->table, &other));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);

	KUNIT_EXPECT_TRUE(test, flowsess_session_invalidate(s, FLOWSESS_REASON_FLUSH));
	KUNIT_EXPECT_FALSE(test, flowsess_session_invalidate(s, FLOWSESS_REASON_FLUSH));
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, flowsess_lookup(&fn->table, &orig));
	KUNIT_EXPECT_NULL(test, flowsess_lookup(&fn->table, &reply));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FLUSH), 1ULL);
	/* Rule 5: the timer, made to expire at once, frees it. */
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, 5000));
	flowsess_test_net_destroy(fn);
}

/*
 * A second session on either tuple of a live one is refused, and the entry
 * of the live one that matches the new tuple tells its direction.
 */
static void flowsess_test_insert_duplicate(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 16);
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s, *dup;
	struct flowsess_tuple orig, reply;
	const struct flowsess_tuple *dups[] = { &orig, &reply };
	int i;

	flowsess_test_tuple4(&orig, IPPROTO_UDP, 1, 2, 3, 4);
	flowsess_tuple_invert(&reply, &orig);
	reply.dir = FLOWSESS_DIR_ORIGINAL;
	s = flowsess_test_insert(test, fn, &orig, TEST_TIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, s);

	for (i = 0; i < ARRAY_SIZE(dups); i++) {
		dup = flowsess_session_alloc(&fn->table, dups[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, dup);
		existing = NULL;
		rcu_read_lock();
		KUNIT_EXPECT_EQ(test, flowsess_session_insert(dup, &existing), -EEXIST);
		/* s stays live: its entries outlast the read-side section. */
		rcu_read_unlock();
		flowsess_session_free_unused(dup);
		KUNIT_ASSERT_NOT_NULL(test, existing);
		KUNIT_EXPECT_PTR_EQ(test, flowsess_th_session(existing), s);
		KUNIT_EXPECT_EQ(test, existing->dir, i);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);

	/* Once invalidated, the tuple is free for a new session. */
	flowsess_session_invalidate(s, FLOWSESS_REASON_FLUSH);
	KUNIT_EXPECT_NOT_NULL(test, flowsess_test_insert(test, fn, &orig, TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);
	flowsess_test_net_destroy(fn);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.allocated), 0);
}

static void flowsess_test_table_full(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 3);
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s;
	struct flowsess_tuple t;
	int i;

	for (i = 0; i < 3; i++) {
		flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000 + i, 53);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t, TEST_TIMEOUT));
	}
	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 2000, 53);
	s = flowsess_session_alloc(&fn->table, &t, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, flowsess_session_insert(s, &existing), -ENOSPC);
	rcu_read_unlock();
	flowsess_session_free_unused(s);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 3);

	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), 3U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_ACTIVE), 0ULL);
	flowsess_test_net_destroy(fn);
}

/* Many sessions in few buckets: every one is found, from both sides. */
static void flowsess_test_many_collisions(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 4096);
	struct flowsess_tuple t, r;
	int i, found = 0;

	for (i = 0; i < 1000; i++) {
		flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000001 + i, 0x0a000002, 40000, 80);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t, TEST_TIMEOUT));
	}
	rcu_read_lock();
	for (i = 0; i < 1000; i++) {
		flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000001 + i, 0x0a000002, 40000, 80);
		flowsess_tuple_invert(&r, &t);
		found += flowsess_lookup(&fn->table, &t) && flowsess_lookup(&fn->table, &r);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, found, 1000);
	flowsess_test_net_destroy(fn);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.allocated), 0);
}

/* Two /24 prefixes, TCP and UDP, so that filters select known subsets. */
static void flowsess_test_fill_filter_net(struct kunit *test,
					  struct flowsess_net *fn)
{
	struct flowsess_tuple t;
	int i;

	for (i = 0; i < 10; i++) {
		flowsess_test_tuple4(&t, i < 4 ? IPPROTO_UDP : IPPROTO_TCP,
				     (i < 6 ? 0x0a000100 : 0x0a000200) + i,
				     0x0a000902, 30000 + i, i == 9 ? 22 : 80);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t, TEST_TIMEOUT));
	}
}

static unsigned int flowsess_test_count_matches(struct flowsess_net *fn,
						const struct flowsess_filter *f)
{
	struct flowsess_tuplehash *th;
	unsigned int i, n = 0;

	rcu_read_lock();
	for (i = 0; i <= fn->table.mask; i++) {
		hlist_for_each_entry_rcu(th, &fn->table.buckets[i].head, node)
			n += th->dir == FLOWSESS_DIR_ORIGINAL &&
			     flowsess_filter_match(f, flowsess_th_session(th));
	}
	rcu_read_unlock();
	return n;
}

static void flowsess_test_filter_match(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 64);
	struct flowsess_filter f = {};

	flowsess_test_fill_filter_net(test, fn);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, NULL), 10);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 10);

	f.has_proto = true;
	f.protonum = IPPROTO_UDP;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 4);
	f.protonum = IPPROTO_TCP;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 6);

	/* 10.0.2.0/24: the last four, all TCP */
	f.src.ip = htonl(0x0a000200);
	f.src_mask.ip = htonl(0xffffff00);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 4);
	f.has_dport = true;
	f.dport = htons(22);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 1);
	f.has_sport = true;
	f.sport = htons(30008);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 0);

	memset(&f, 0, sizeof(f));
	f.has_state = true;
	f.tcp_state = FLOWSESS_TCP_SYN_SENT;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 6);
	f.tcp_state = FLOWSESS_TCP_NONE;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 4);

	memset(&f, 0, sizeof(f));
	f.l3num = NFPROTO_IPV6;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 0);
	f.l3num = NFPROTO_IPV4;
	f.dst.ip = htonl(0x0a000902);
	f.dst_mask.ip = htonl(0xffffffff);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 10);
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_clear_filter(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64, 64);
	struct flowsess_filter f = { .has_proto = true, .protonum = IPPROTO_UDP };

	flowsess_test_fill_filter_net(test, fn);
	KUNIT_EXPECT_EQ(test, flowsess_table_clear(&fn->table, &f), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 6);
	KUNIT_EXPECT_EQ(test, flowsess_table_clear(&fn->table, &f), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FLUSH), 4);
	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), 6);
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, 5000));
	flowsess_test_net_destroy(fn);
}

#define WALK_SESSIONS 300

/* An emit callback that takes @budget sessions, then reports "full". */
struct flowsess_test_walk {
	struct flowsess_session *seen[WALK_SESSIONS];
	unsigned int n;
	unsigned int budget;
	unsigned int dups;
};

static int flowsess_test_walk_emit(struct flowsess_session *s, void *arg)
{
	struct flowsess_test_walk *w = arg;
	unsigned int i;

	if (!w->budget)
		return -EMSGSIZE;
	w->budget--;
	for (i = 0; i < w->n; i++)
		w->dups += w->seen[i] == s;
	if (w->n < WALK_SESSIONS)
		w->seen[w->n++] = s;
	return 0;
}

/* Batches of 7 split every bucket (about 19 sessions each) several times. */
static void flowsess_test_walk_resumes(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, WALK_SESSIONS);
	struct flowsess_test_walk *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct flowsess_cursor c = {};
	struct flowsess_tuple t;
	bool changed, any_changed = false;
	int i, err, batches = 0;

	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < WALK_SESSIONS; i++) {
		flowsess_test_tuple4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002, 1000 + i, 53);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t, TEST_TIMEOUT));
	}
	while (c.bucket <= fn->table.mask) {
		w->budget = 7;
		batches++;
		err = flowsess_table_walk_bucket(&fn->table, &c, &changed,
						 flowsess_test_walk_emit, w);
		any_changed |= changed;
		if (err)
			continue;	/* "full": resume inside the bucket */
		c.bucket++;
		c.pos = 0;
	}
	KUNIT_EXPECT_EQ(test, w->n, WALK_SESSIONS);
	KUNIT_EXPECT_EQ(test, w->dups, 0);
	KUNIT_EXPECT_FALSE(test, any_changed);
	KUNIT_EXPECT_GT(test, batches, WALK_SESSIONS / 7);
	flowsess_test_net_destroy(fn);
}

/* A bucket that changes between two batches is reported as changed. */
static void flowsess_test_walk_detects_change(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, WALK_SESSIONS);
	struct flowsess_test_walk *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct flowsess_cursor c = {};
	struct flowsess_tuple t;
	bool changed;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < 64; i++) {
		flowsess_test_tuple4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002, 1000 + i, 53);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t, TEST_TIMEOUT));
	}
	/* Find a bucket with two sessions and stop after its first. */
	for (c.bucket = 0; c.bucket <= fn->table.mask; c.bucket++) {
		c.pos = 0;
		w->n = 0;
		w->budget = 1;
		if (flowsess_table_walk_bucket(&fn->table, &c, &changed,
					       flowsess_test_walk_emit, w))
			break;
	}
	KUNIT_ASSERT_LE(test, c.bucket, fn->table.mask);
	KUNIT_EXPECT_EQ(test, c.pos, 1);

	/* Unchanged: resuming is fine. Then the other session goes. */
	w->budget = 0;
	flowsess_table_walk_bucket(&fn->table, &c, &changed, flowsess_test_walk_emit, w);
	KUNIT_EXPECT_FALSE(test, changed);
	flowsess_session_invalidate(w->seen[0], FLOWSESS_REASON_FLUSH);
	w->budget = 100;
	KUNIT_EXPECT_EQ(test, flowsess_table_walk_bucket(&fn->table, &c, &changed,
							 flowsess_test_walk_emit, w), 0);
	KUNIT_EXPECT_TRUE(test, changed);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_table_cases[] = {
	KUNIT_CASE(flowsess_test_hash_stable),
	KUNIT_CASE(flowsess_test_invert),
	KUNIT_CASE(flowsess_test_stored_hash),
	KUNIT_CASE(flowsess_test_lookup_both_directions),
	KUNIT_CASE(flowsess_test_insert_duplicate),
	KUNIT_CASE(flowsess_test_table_full),
	KUNIT_CASE(flowsess_test_many_collisions),
	KUNIT_CASE(flowsess_test_filter_match),
	KUNIT_CASE(flowsess_test_clear_filter),
	KUNIT_CASE(flowsess_test_walk_resumes),
	KUNIT_CASE(flowsess_test_walk_detects_change),
	{}
};

static struct kunit_suite flowsess_table_suite = {
	.name = "flowsess_table",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_table_cases,
};

kunit_test_suite(flowsess_table_suite);

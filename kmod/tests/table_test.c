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
	KUNIT_EXPECT_EQ(test, th ? th->tuple.dir : -1, FLOWSESS_DIR_ORIGINAL);
	th = flowsess_lookup(&fn->table, &reply);
	KUNIT_EXPECT_PTR_EQ(test, th ? flowsess_th_session(th) : NULL, s);
	KUNIT_EXPECT_EQ(test, th ? th->tuple.dir : -1, FLOWSESS_DIR_REPLY);
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

/* A second session on either tuple of a live one is refused. */
static void flowsess_test_insert_duplicate(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16, 16);
	struct flowsess_session *s, *dup, *existing = NULL;
	struct flowsess_tuple orig, reply;

	flowsess_test_tuple4(&orig, IPPROTO_UDP, 1, 2, 3, 4);
	flowsess_tuple_invert(&reply, &orig);
	reply.dir = FLOWSESS_DIR_ORIGINAL;
	s = flowsess_test_insert(test, fn, &orig, TEST_TIMEOUT);
	KUNIT_ASSERT_NOT_NULL(test, s);

	dup = flowsess_session_alloc(&fn->table, &reply, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dup);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, flowsess_session_insert(dup, &existing), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, existing, s);
	rcu_read_unlock();
	flowsess_session_free_unused(dup);

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
	struct flowsess_session *s, *existing;
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

static struct kunit_case flowsess_table_cases[] = {
	KUNIT_CASE(flowsess_test_hash_stable),
	KUNIT_CASE(flowsess_test_invert),
	KUNIT_CASE(flowsess_test_lookup_both_directions),
	KUNIT_CASE(flowsess_test_insert_duplicate),
	KUNIT_CASE(flowsess_test_table_full),
	KUNIT_CASE(flowsess_test_many_collisions),
	{}
};

static struct kunit_suite flowsess_table_suite = {
	.name = "flowsess_table",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_table_cases,
};

kunit_test_suite(flowsess_table_suite);

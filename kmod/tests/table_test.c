// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the session hash. Included at the end of table.c in the test
 * build, so it sees the file's internals (the hash functions, the entry
 * of each direction).
 */
#include <kunit/test.h>
#include <linux/kthread.h>

#include "util.h"

/* The session holding @tuple, and in @dir its direction; under RCU. */
static struct flowsess_session *lookup(struct flowsess_net *fn,
				       const struct flowsess_tuple *tuple,
				       enum flowsess_dir *dir)
{
	*dir = FLOWSESS_DIR_MAX;	/* so that a lookup that sets none shows */
	return flowsess_table_lookup(&fn->table, tuple, dir);
}

/* Insert as the packet path does; on error @s is gone. */
static int insert(struct flowsess_net *fn, struct flowsess_session *s)
{
	int err;

	rcu_read_lock();
	err = flowsess_session_insert(&fn->table, s);
	rcu_read_unlock();
	return err;
}

static int nelems(struct flowsess_net *fn)
{
	return atomic_read(&fn->table.entries);
}

/* Kill @s as a clear would; false if it was dead already. */
static bool flush_one(struct flowsess_net *fn, struct flowsess_session *s)
{
	return flowsess_session_invalidate(&fn->table, s, FLOWSESS_REASON_FLUSH);
}

/*
 * The key is the tuple without ->dir, and each entry hashes as its
 * direction's tuple: a lookup finds an entry by the key's hash.
 */
static void flowsess_test_hash_stable(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	const siphash_key_t key = { { 0x5eed, 0xf00d } };
	struct flowsess_tuple a, b, reply;
	struct flowsess_session *s;

	flowsess_test_tuple4(&a, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12340, 1234);
	flowsess_test_tuple4(&b, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12340, 1234);
	b.dir = FLOWSESS_DIR_REPLY;	/* not part of the key */
	KUNIT_EXPECT_EQ(test, flowsess_hash_key(&a, &key), flowsess_hash_key(&b, &key));
	KUNIT_EXPECT_TRUE(test, flowsess_tuple_equal(&a, &b));

	b.protonum = IPPROTO_UDP;
	KUNIT_EXPECT_FALSE(test, flowsess_tuple_equal(&a, &b));
	b.protonum = IPPROTO_TCP;
	b.l3num = NFPROTO_IPV6;	/* same bytes, other family: another key */
	KUNIT_EXPECT_FALSE(test, flowsess_tuple_equal(&a, &b));

	s = flowsess_test_alloc(test, fn, &a);
	KUNIT_ASSERT_NOT_NULL(test, s);
	flowsess_tuple_invert(&reply, &a);
	KUNIT_EXPECT_EQ(test, flowsess_hash_node(&s->node[FLOWSESS_DIR_ORIGINAL], &key),
			flowsess_hash_key(&a, &key));
	KUNIT_EXPECT_EQ(test, flowsess_hash_node(&s->node[FLOWSESS_DIR_REPLY], &key),
			flowsess_hash_key(&reply, &key));
	/* An entry tells its session and its direction by its address. */
	KUNIT_EXPECT_EQ(test, flowsess_node_dir(&s->node[FLOWSESS_DIR_ORIGINAL]),
			FLOWSESS_DIR_ORIGINAL);
	KUNIT_EXPECT_EQ(test, flowsess_node_dir(&s->node[FLOWSESS_DIR_REPLY]),
			FLOWSESS_DIR_REPLY);
	KUNIT_EXPECT_PTR_EQ(test, flowsess_node_session(&s->node[FLOWSESS_DIR_ORIGINAL]), s);
	KUNIT_EXPECT_PTR_EQ(test, flowsess_node_session(&s->node[FLOWSESS_DIR_REPLY]), s);
	flowsess_session_free_unused(&fn->table, s);
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
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tuple orig, reply, other;
	struct flowsess_session *s;
	enum flowsess_dir dir;

	flowsess_test_tuple4(&orig, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12340, 1234);
	flowsess_tuple_invert(&reply, &orig);
	flowsess_test_tuple4(&other, IPPROTO_TCP, 0x0a000102, 0x0a000202, 12341, 1234);
	s = flowsess_test_insert(test, fn, &orig);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, nelems(fn), 2);

	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &orig, &dir), s);
	KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_ORIGINAL);
	KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &reply, &dir), s);
	KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_REPLY);
	KUNIT_EXPECT_NULL(test, lookup(fn, &other, &dir));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);

	rcu_read_lock();	/* s is freed after the kill's grace period */
	KUNIT_EXPECT_TRUE(test, flush_one(fn, s));
	KUNIT_EXPECT_FALSE(test, flush_one(fn, s));
	KUNIT_EXPECT_NULL(test, lookup(fn, &orig, &dir));
	KUNIT_EXPECT_NULL(test, lookup(fn, &reply, &dir));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FLUSH), 1ULL);
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, FLOWSESS_TEST_SLACK_MS));
	flowsess_test_net_destroy(fn);
}

/*
 * A tuple belongs to one live session at most, whichever direction it is
 * to it: a second session on either tuple of a live one is refused, the
 * place it took is given back, and none of its entries stays linked.
 */
static void flowsess_test_insert_duplicate(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tuple tuples[2];
	struct flowsess_session *s, *dup;
	enum flowsess_dir dir;
	int held, i;

	flowsess_test_tuple4(&tuples[0], IPPROTO_UDP, 1, 2, 3, 4);
	flowsess_tuple_invert(&tuples[1], &tuples[0]);
	tuples[1].dir = FLOWSESS_DIR_ORIGINAL;

	/* A session created from one side, then from the other. */
	for (held = 0; held < 2; held++) {
		s = flowsess_test_insert(test, fn, &tuples[held]);
		KUNIT_ASSERT_NOT_NULL(test, s);
		for (i = 0; i < 2; i++) {
			dup = flowsess_test_alloc(test, fn, &tuples[i]);
			KUNIT_ASSERT_NOT_NULL(test, dup);
			KUNIT_EXPECT_EQ(test, insert(fn, dup), -EEXIST);
			KUNIT_EXPECT_EQ(test, nelems(fn), 2);
			KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 1);

			/* Both tuples still lead to the first session. */
			rcu_read_lock();
			KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &tuples[held], &dir), s);
			KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_ORIGINAL);
			KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &tuples[!held], &dir), s);
			KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_REPLY);
			rcu_read_unlock();
		}
		/* Once invalidated, the tuples are free for a new session. */
		KUNIT_EXPECT_TRUE(test, flush_one(fn, s));
	}
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	flowsess_test_net_destroy(fn);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
}

/*
 * The entries are linked lower key first, whichever side created the
 * session, so that of two sessions racing for a tuple pair from opposite
 * sides one gets both entries and the other none. Here the race is frozen
 * half-way: the higher key alone is held. The insert links the lower one,
 * fails on the higher one, and must undo the first link.
 */
static void flowsess_test_link_undone(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tuple orig, reply, *lower, *higher;
	struct flowsess_session *half, *s;
	enum flowsess_dir dir, higher_dir;

	flowsess_test_tuple4(&orig, IPPROTO_UDP, 0x0a000001, 0x0a000002, 1000, 53);
	flowsess_tuple_invert(&reply, &orig);
	reply.dir = FLOWSESS_DIR_ORIGINAL;
	if (memcmp(&reply, &orig, offsetof(struct flowsess_tuple, dir)) < 0) {
		lower = &reply;
		higher = &orig;
		higher_dir = FLOWSESS_DIR_ORIGINAL;
	} else {
		lower = &orig;
		higher = &reply;
		higher_dir = FLOWSESS_DIR_REPLY;
	}

	/* Half of a session for @orig: its entry for the higher key only. */
	half = flowsess_test_alloc(test, fn, &orig);
	KUNIT_ASSERT_NOT_NULL(test, half);
	KUNIT_ASSERT_EQ(test, flowsess_table_link(&fn->table, half, higher_dir), 0);

	/* Its twin from the other side. */
	s = flowsess_test_alloc(test, fn, &reply);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, insert(fn, s), -EEXIST);
	KUNIT_EXPECT_EQ(test, nelems(fn), 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, lookup(fn, lower, &dir));
	KUNIT_EXPECT_PTR_EQ(test, lookup(fn, higher, &dir), half);
	KUNIT_EXPECT_EQ(test, dir, higher_dir);
	rcu_read_unlock();

	flowsess_table_unlink(&fn->table, half, higher_dir);
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	synchronize_rcu();	/* a lookup may have held it */
	flowsess_session_free_unused(&fn->table, half);
	flowsess_test_net_destroy(fn);
}

/*
 * A self-inverse tuple (src = dst, sport = dport: an ICMP echo to itself,
 * a UDP flow from a port to the same port of the same host) is its own
 * reply: its session has one entry, and a packet on it is always of the
 * original direction, never a reply that would make the session look
 * established.
 */
static void flowsess_test_self_inverse(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 16);
	struct flowsess_tuple udp, icmp, reply, near;
	struct flowsess_session *s, *p, *dup;
	enum flowsess_dir dir;
	int i;

	flowsess_test_tuple4(&udp, IPPROTO_UDP, 0x0a000001, 0x0a000001, 5353, 5353);
	flowsess_test_tuple4(&icmp, IPPROTO_ICMP, 0x0a000001, 0x0a000001, 77, 77);
	flowsess_tuple_invert(&reply, &udp);
	s = flowsess_test_insert(test, fn, &udp);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, flowsess_tuple_self_inverse(&s->tuple));
	KUNIT_EXPECT_EQ(test, nelems(fn), 1);
	p = flowsess_test_insert(test, fn, &icmp);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, nelems(fn), 2);

	rcu_read_lock();
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &udp, &dir), s);
		KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_ORIGINAL);
		KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &reply, &dir), s);
		KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_ORIGINAL);
		KUNIT_EXPECT_PTR_EQ(test, lookup(fn, &icmp, &dir), p);
		KUNIT_EXPECT_EQ(test, dir, FLOWSESS_DIR_ORIGINAL);
	}
	rcu_read_unlock();

	/* It is still held once: a second session on it is refused. */
	dup = flowsess_test_alloc(test, fn, &udp);
	KUNIT_ASSERT_NOT_NULL(test, dup);
	KUNIT_EXPECT_EQ(test, insert(fn, dup), -EEXIST);

	/* Same host, other ports: not self-inverse, two entries. */
	flowsess_test_tuple4(&near, IPPROTO_UDP, 0x0a000001, 0x0a000001, 5353, 5354);
	p = flowsess_test_insert(test, fn, &near);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, flowsess_tuple_self_inverse(&p->tuple));
	KUNIT_EXPECT_EQ(test, nelems(fn), 4);

	/* Its one entry goes with it. */
	KUNIT_EXPECT_TRUE(test, flush_one(fn, s));
	KUNIT_EXPECT_EQ(test, nelems(fn), 3);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, lookup(fn, &udp, &dir));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), 2U);
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	flowsess_test_net_destroy(fn);
}

/* A place is taken before allocation, and there are max_sessions of them. */
static void flowsess_test_table_full(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 3);
	struct flowsess_tuple t;
	int i;

	for (i = 0; i < 3; i++) {
		flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, 1000 + i, 53);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t));
	}
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 3);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_ACTIVE), 3ULL);

	/* A smaller limit applies at once: nothing more, nothing killed. */
	fn->cfg.max_sessions = 2;
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	fn->cfg.max_sessions = 4;
	KUNIT_EXPECT_TRUE(test, flowsess_session_reserve(&fn->table));
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	flowsess_session_unreserve(&fn->table);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 3);

	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), 3U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_SESSIONS_ACTIVE), 0ULL);
	flowsess_test_net_destroy(fn);
}

#define MANY_SESSIONS 10000

/*
 * Many sessions: the hash grows (online, in the background), every
 * session is found from both sides, and the hash shrinks again once they
 * are gone.
 */
static void flowsess_test_many_sessions(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, MANY_SESSIONS);
	unsigned int i, j, found = 0, first, grown;
	struct flowsess_session *s, *r;
	enum flowsess_dir sdir, rdir;
	struct flowsess_tuple t, rt;

	/* A namespace nobody used has no table; the first is the smallest. */
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(fn->table.htab));
	first = flowsess_table_buckets(&fn->table);
	KUNIT_EXPECT_EQ(test, first, FLOWSESS_HASH_LOCKS);
	for (i = 0; i < MANY_SESSIONS; i++) {
		flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000000 + i, 0xc0a80001, 40000, 80);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t));
	}
	KUNIT_EXPECT_FALSE(test, flowsess_session_reserve(&fn->table));
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	grown = flowsess_table_buckets(&fn->table);
	KUNIT_EXPECT_GT(test, grown, first);
	/* Two entries a session, at most 75 % of the buckets. */
	KUNIT_EXPECT_GE(test, grown / 4 * 3, 2U * MANY_SESSIONS);

	for (i = 0; i < MANY_SESSIONS; i += 1000) {
		rcu_read_lock();
		for (j = i; j < i + 1000; j++) {
			flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000000 + j, 0xc0a80001,
					     40000, 80);
			flowsess_tuple_invert(&rt, &t);
			s = lookup(fn, &t, &sdir);
			r = lookup(fn, &rt, &rdir);
			found += s && s == r && flowsess_tuple_equal(&s->tuple, &t) &&
				 sdir == FLOWSESS_DIR_ORIGINAL && rdir == FLOWSESS_DIR_REPLY;
		}
		rcu_read_unlock();
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, found, MANY_SESSIONS);

	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), MANY_SESSIONS);
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	KUNIT_EXPECT_EQ(test, flowsess_table_buckets(&fn->table), first);
	flowsess_test_net_destroy(fn);
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
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t));
	}
}

struct flowsess_test_count {
	const struct flowsess_filter *filter;
	unsigned int n;
};

static int flowsess_test_count_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_test_count *c = arg;

	c->n += flowsess_filter_match(c->filter, s);
	return 0;
}

static unsigned int flowsess_test_count_matches(struct flowsess_net *fn,
						const struct flowsess_filter *f)
{
	struct flowsess_test_count c = { .filter = f };
	struct flowsess_walk w = {};

	rcu_read_lock();
	while (!flowsess_table_walk(&fn->table, &w, 64, flowsess_test_count_one, &c))
		;
	rcu_read_unlock();
	return c.n;
}

static void flowsess_test_filter_match(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64);
	struct flowsess_filter f = {};

	flowsess_test_fill_filter_net(test, fn);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
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

/*
 * The filters of either direction (an address, a port), the session id,
 * the interfaces and whether a reply was seen.
 */
static void flowsess_test_filter_match_more(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64);
	struct flowsess_session *s;
	struct flowsess_filter f = {};
	enum flowsess_dir dir;
	struct flowsess_tuple t;

	flowsess_test_fill_filter_net(test, fn);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	/* Port 30001 is a source port, 22 a destination port: either. */
	f.has_port = true;
	f.port = htons(30001);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 1);
	f.port = htons(22);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 1);
	f.port = htons(80);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 9);

	/* 10.0.9.2 is every destination; 10.0.2.0/24 four sources. */
	memset(&f, 0, sizeof(f));
	f.addr.ip = htonl(0x0a000902);
	f.addr_mask.ip = htonl(0xffffffff);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 10);
	f.addr.ip = htonl(0x0a000200);
	f.addr_mask.ip = htonl(0xffffff00);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 4);
	f.addr.ip = htonl(0x0a000300);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 0);

	/*
	 * One session by its id, and by its interfaces. Nothing ends it
	 * before the test does: it is used outside the read-side section.
	 */
	flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000206, 0x0a000902, 30006, 80);
	rcu_read_lock();
	s = flowsess_table_lookup(&fn->table, &t, &dir);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->iif = 7;
	s->oif = 8;
	memset(&f, 0, sizeof(f));
	f.has_id = true;
	f.id = flowsess_session_id(s);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 1);
	memset(&f, 0, sizeof(f));
	f.iif = 7;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 1);
	f.oif = 9;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 0);

	/* Replied: none yet; then that one. */
	memset(&f, 0, sizeof(f));
	f.has_replied = true;
	f.replied = true;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 0);
	WRITE_ONCE(s->replied, true);
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 1);
	f.replied = false;
	KUNIT_EXPECT_EQ(test, flowsess_test_count_matches(fn, &f), 9);
	flowsess_test_net_destroy(fn);
}

static void flowsess_test_clear_filter(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 64);
	struct flowsess_filter f = { .has_proto = true, .protonum = IPPROTO_UDP };

	flowsess_test_fill_filter_net(test, fn);
	KUNIT_EXPECT_EQ(test, flowsess_table_clear(&fn->table, &f), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&fn->table.count), 6);
	KUNIT_EXPECT_EQ(test, flowsess_table_clear(&fn->table, &f), 0);
	KUNIT_EXPECT_EQ(test, flowsess_test_stat(fn, FLOWSESS_STAT_INVALIDATED_FLUSH), 4);
	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), 6);
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	KUNIT_EXPECT_TRUE(test, flowsess_test_wait_empty(fn, FLOWSESS_TEST_SLACK_MS));
	flowsess_test_net_destroy(fn);
}

#define WALK_SESSIONS 300

/* A walk's callback that remembers what it was passed. */
struct flowsess_test_walk {
	struct flowsess_session *seen[WALK_SESSIONS];
	unsigned int n;
	unsigned int dups;
	bool stop;		/* ask the walk to stop, at every session */
};

static int flowsess_test_walk_note(struct flowsess_session *s, void *arg)
{
	struct flowsess_test_walk *w = arg;
	unsigned int i;

	for (i = 0; i < w->n; i++)
		w->dups += w->seen[i] == s;
	if (w->n < WALK_SESSIONS)
		w->seen[w->n++] = s;
	return w->stop;
}

static void flowsess_test_walk_fill(struct kunit *test, struct flowsess_net *fn,
				    unsigned int n, u16 first_port)
{
	struct flowsess_tuple t;
	unsigned int i;

	for (i = 0; i < n; i++) {
		flowsess_test_tuple4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002,
				     first_port + i, 53);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t));
	}
}

/* A walk in slices of 7 buckets passes each session once, then ends. */
static void flowsess_test_walk_each_once(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, WALK_SESSIONS);
	struct flowsess_test_walk *tw = kunit_kzalloc(test, sizeof(*tw), GFP_KERNEL);
	struct flowsess_walk w = {};
	unsigned int size, slices = 0;
	bool end;

	KUNIT_ASSERT_NOT_NULL(test, tw);
	flowsess_test_walk_fill(test, fn, WALK_SESSIONS, 1000);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(&fn->table);
	do {
		rcu_read_lock();
		end = flowsess_table_walk(&fn->table, &w, 7, flowsess_test_walk_note, tw);
		rcu_read_unlock();
		slices++;
	} while (!end && slices <= size);
	KUNIT_EXPECT_TRUE(test, end);
	KUNIT_EXPECT_EQ(test, slices, DIV_ROUND_UP(size, 7));
	KUNIT_EXPECT_EQ(test, w.bucket, 0U);
	KUNIT_EXPECT_EQ(test, tw->n, WALK_SESSIONS);
	KUNIT_EXPECT_EQ(test, tw->dups, 0U);
	KUNIT_EXPECT_FALSE(test, w.resized);
	KUNIT_EXPECT_FALSE(test, w.stopped);
	flowsess_test_net_destroy(fn);
}

/*
 * A callback that asks to stop ends the walk after its bucket, which is
 * walked whole; the walk resumes at the next bucket.
 */
static void flowsess_test_walk_stops_after_bucket(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, WALK_SESSIONS);
	struct flowsess_test_walk *tw = kunit_kzalloc(test, sizeof(*tw), GFP_KERNEL);
	struct flowsess_session *first;
	struct flowsess_walk w = {};
	unsigned int size, bucket, in_bucket;
	bool end;

	KUNIT_ASSERT_NOT_NULL(test, tw);
	flowsess_test_walk_fill(test, fn, 40, 2000);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(&fn->table);
	rcu_read_lock();
	/* The first bucket that holds a session, seen without stopping. */
	for (bucket = 0; bucket < size; bucket++) {
		in_bucket = flowsess_test_bucket(fn, bucket, &first, 1);
		if (in_bucket)
			break;
	}
	tw->stop = true;
	end = flowsess_table_walk(&fn->table, &w, size, flowsess_test_walk_note, tw);
	rcu_read_unlock();
	KUNIT_ASSERT_LT(test, bucket, size);
	KUNIT_EXPECT_EQ(test, end, bucket + 1 == size);
	KUNIT_EXPECT_EQ(test, w.bucket, (bucket + 1) % size);
	KUNIT_EXPECT_TRUE(test, w.stopped);
	KUNIT_EXPECT_EQ(test, tw->n, in_bucket);
	KUNIT_EXPECT_PTR_EQ(test, tw->seen[0], first);
	flowsess_test_net_destroy(fn);
}

#define LAST_BUCKET_TRIES 3000

/*
 * A stop in the table's last bucket is noted (->stopped) though the walk
 * ends there as well: flowsess_table_each() must not walk again after it.
 * Sessions are made until one is in the last of 128 buckets (held at 128).
 */
static void flowsess_test_walk_stops_in_last_bucket(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, LAST_BUCKET_TRIES);
	struct flowsess_test_walk *tw = kunit_kzalloc(test, sizeof(*tw), GFP_KERNEL);
	const unsigned int last = FLOWSESS_HASH_LOCKS - 1;
	unsigned int i, in_last = 0;
	struct flowsess_session *s;
	struct flowsess_walk w = {};
	struct flowsess_tuple t;
	bool end;

	KUNIT_ASSERT_NOT_NULL(test, tw);
	fn->table.resize_held = true;
	for (i = 0; i < LAST_BUCKET_TRIES && !in_last; i++) {
		flowsess_test_tuple4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002,
				     5000 + i, 53);
		KUNIT_ASSERT_NOT_NULL(test, flowsess_test_insert(test, fn, &t));
		rcu_read_lock();
		in_last = flowsess_test_bucket(fn, last, &s, 1);
		rcu_read_unlock();
	}
	KUNIT_ASSERT_GT(test, in_last, 0U);
	KUNIT_ASSERT_EQ(test, flowsess_table_buckets(&fn->table), last + 1);
	w.bucket = last;
	tw->stop = true;
	rcu_read_lock();
	end = flowsess_table_walk(&fn->table, &w, 1, flowsess_test_walk_note, tw);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, end);
	KUNIT_EXPECT_TRUE(test, w.stopped);
	KUNIT_EXPECT_EQ(test, tw->n, in_last);
	flowsess_test_net_destroy(fn);
}

/*
 * A walk that crosses a resize says so (->resized): it may have missed
 * sessions or seen some twice. A clear then walks again, and misses none.
 */
static void flowsess_test_walk_detects_resize(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, 4096);
	struct flowsess_test_walk *tw = kunit_kzalloc(test, sizeof(*tw), GFP_KERNEL);
	struct flowsess_walk w = {};
	unsigned int size;

	KUNIT_ASSERT_NOT_NULL(test, tw);
	flowsess_test_walk_fill(test, fn, 20, 3000);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	size = flowsess_table_buckets(&fn->table);
	rcu_read_lock();
	flowsess_table_walk(&fn->table, &w, 2, flowsess_test_walk_note, tw);
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, w.resized);

	/* Enough sessions to grow the table twice over. */
	flowsess_test_walk_fill(test, fn, 4 * size, 4000);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	KUNIT_ASSERT_GT(test, flowsess_table_buckets(&fn->table), size);
	rcu_read_lock();
	flowsess_table_walk(&fn->table, &w, 2, flowsess_test_walk_note, tw);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, w.resized);
	KUNIT_EXPECT_EQ(test, flowsess_table_clear(&fn->table, NULL), 20 + 4 * size);
	KUNIT_EXPECT_EQ(test, nelems(fn), 0);
	flowsess_test_net_destroy(fn);
}

#define STAYING	500
#define CHURNING 3000

struct flowsess_test_churn {
	struct flowsess_net *fn;
	struct flowsess_session *s[CHURNING];
	struct flowsess_session *stay[STAYING];
	struct completion done;
	unsigned int rounds;
	bool stop;
};

/* Grow the hash and shrink it, again and again, until told to stop. */
static int flowsess_test_churn_fn(void *arg)
{
	struct flowsess_test_churn *c = arg;
	struct flowsess_table *t = &c->fn->table;
	struct flowsess_tuple tuple;
	unsigned int i;

	while (!READ_ONCE(c->stop)) {
		for (i = 0; i < CHURNING; i++) {
			c->s[i] = NULL;
			if (!flowsess_session_reserve(t))
				continue;
			flowsess_test_tuple4(&tuple, IPPROTO_UDP, 0x0b000000 + i,
					     0xc0a80001, 5000, 53);
			c->s[i] = flowsess_session_alloc(&tuple, false, GFP_KERNEL);
			if (!c->s[i]) {
				flowsess_session_unreserve(t);
				continue;
			}
			c->s[i]->last_seen = ktime_get_coarse();
			rcu_read_lock();
			if (flowsess_session_insert(t, c->s[i]))
				c->s[i] = NULL;
			rcu_read_unlock();
		}
		for (i = 0; i < CHURNING; i++) {
			rcu_read_lock();
			if (c->s[i])
				flowsess_session_invalidate(t, c->s[i],
							    FLOWSESS_REASON_FLUSH);
			rcu_read_unlock();
			cond_resched();
		}
		c->rounds++;
	}
	complete(&c->done);
	return 0;
}

/*
 * A lookup never misses a live session while the hash resizes under it:
 * a kthread makes it grow and shrink (3000 sessions come and go, again
 * and again) while this looks up 500 that stay, from both sides.
 */
static void flowsess_test_lookup_across_resizes(struct kunit *test)
{
	struct flowsess_net *fn = flowsess_test_net(test, STAYING + CHURNING);
	struct flowsess_test_churn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct flowsess_session **stay, *s;
	unsigned int i, lookups = 0, missed = 0, first_id;
	struct flowsess_tuple t, rt;
	struct task_struct *task;
	unsigned long end;
	enum flowsess_dir dir;

	KUNIT_ASSERT_NOT_NULL(test, c);
	/* Nothing expires: the loop may outlast the SYN's timeout. */
	flowsess_test_collector_hold(fn);
	stay = c->stay;
	for (i = 0; i < STAYING; i++) {
		flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000000 + i, 0xc0a80001, 40000, 80);
		stay[i] = flowsess_test_insert(test, fn, &t);
		KUNIT_ASSERT_NOT_NULL(test, stay[i]);
	}
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	first_id = rcu_access_pointer(fn->table.htab)->id;
	c->fn = fn;
	init_completion(&c->done);
	task = kthread_run(flowsess_test_churn_fn, c, "flowsess-churn");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	end = jiffies + 3 * HZ;
	while (time_before(jiffies, end) || c->rounds < 3) {
		for (i = 0; i < STAYING; i++) {
			flowsess_test_tuple4(&t, IPPROTO_TCP, 0x0a000000 + i, 0xc0a80001,
					     40000, 80);
			flowsess_tuple_invert(&rt, &t);
			rcu_read_lock();
			s = lookup(fn, &t, &dir);
			missed += s != stay[i] || dir != FLOWSESS_DIR_ORIGINAL;
			s = lookup(fn, &rt, &dir);
			missed += s != stay[i] || dir != FLOWSESS_DIR_REPLY;
			rcu_read_unlock();
			lookups += 2;
		}
		cond_resched();
		if (time_after(jiffies, end + 60 * HZ))
			break;
	}
	WRITE_ONCE(c->stop, true);
	wait_for_completion(&c->done);
	KUNIT_ASSERT_TRUE(test, flowsess_test_settle(fn));
	/* Each round takes the hash from 2048 buckets to 16384 and back. */
	KUNIT_EXPECT_GE(test, c->rounds, 3U);
	KUNIT_EXPECT_GE(test, rcu_access_pointer(fn->table.htab)->id - first_id, 4U);
	KUNIT_EXPECT_EQ(test, missed, 0U);
	KUNIT_EXPECT_EQ(test, nelems(fn), 2 * STAYING);
	kunit_info(test, "%u lookups, %u rounds, %u resizes", lookups, c->rounds,
		   rcu_access_pointer(fn->table.htab)->id - first_id);
	KUNIT_EXPECT_EQ(test, flowsess_table_flush(&fn->table), STAYING);
	flowsess_test_net_destroy(fn);
}

static struct kunit_case flowsess_table_cases[] = {
	KUNIT_CASE(flowsess_test_hash_stable),
	KUNIT_CASE(flowsess_test_invert),
	KUNIT_CASE(flowsess_test_lookup_both_directions),
	KUNIT_CASE(flowsess_test_insert_duplicate),
	KUNIT_CASE(flowsess_test_link_undone),
	KUNIT_CASE(flowsess_test_self_inverse),
	KUNIT_CASE(flowsess_test_table_full),
	KUNIT_CASE(flowsess_test_many_sessions),
	KUNIT_CASE(flowsess_test_filter_match),
	KUNIT_CASE(flowsess_test_filter_match_more),
	KUNIT_CASE(flowsess_test_clear_filter),
	KUNIT_CASE(flowsess_test_walk_each_once),
	KUNIT_CASE(flowsess_test_walk_stops_after_bucket),
	KUNIT_CASE(flowsess_test_walk_stops_in_last_bucket),
	KUNIT_CASE(flowsess_test_walk_detects_resize),
	KUNIT_CASE(flowsess_test_lookup_across_resizes),
	{}
};

static struct kunit_suite flowsess_table_suite = {
	.name = "flowsess_table",
	.suite_init = flowsess_test_suite_init,
	.suite_exit = flowsess_test_suite_exit,
	.test_cases = flowsess_table_cases,
};

kunit_test_suite(flowsess_table_suite);

#undef MANY_SESSIONS
#undef WALK_SESSIONS

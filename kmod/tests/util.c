// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the KUnit suites (the FLOWSESS_KUNIT build only). */
#include <kunit/resource.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "util.h"

int flowsess_test_suite_init(struct kunit_suite *suite)
{
	return flowsess_session_cache_init();
}

void flowsess_test_suite_exit(struct kunit_suite *suite)
{
	flowsess_session_cache_exit();
}

/* A test's namespace state; torn down at most once. */
struct flowsess_test_ns {
	struct flowsess_net fn;
	bool torn_down;
};

/* The test is over, passed or aborted: nothing of the table may outlive it. */
static void flowsess_test_net_release(struct kunit_resource *res)
{
	struct flowsess_test_ns *ns = res->data;

	flowsess_test_net_destroy(&ns->fn);
	kfree(ns);
}

/*
 * A namespace's flowsess state, with default knobs and its own table (no
 * struct net: fn->net is NULL). The table has a collector timer and may
 * have aging work queued, so it is torn down by the test's cleanup too,
 * even when an assertion ends the test early.
 */
struct flowsess_net *flowsess_test_net(struct kunit *test,
				       unsigned int max_sessions)
{
	struct flowsess_test_ns *ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	struct flowsess_net *fn;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, ns);
	fn = &ns->fn;
	flowsess_config_defaults(&fn->cfg);
	fn->cfg.max_sessions = max_sessions;
	flowsess_events_init(fn);
	err = flowsess_stats_init(fn);
	if (err)
		kfree(ns);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = flowsess_table_init(&fn->table);
	if (err) {
		flowsess_stats_free(fn);
		kfree(ns);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	if (!kunit_alloc_resource(test, NULL, flowsess_test_net_release,
				  GFP_KERNEL, ns)) {
		flowsess_test_net_destroy(fn);
		kfree(ns);
		ns = NULL;
	}
	KUNIT_ASSERT_NOT_NULL(test, ns);
	return fn;
}

/*
 * main.c's teardown, then the frees it queued: every session is gone when
 * this returns. @fn stays readable until the end of the test.
 */
void flowsess_test_net_destroy(struct flowsess_net *fn)
{
	struct flowsess_test_ns *ns = container_of(fn, struct flowsess_test_ns, fn);

	if (ns->torn_down)
		return;
	ns->torn_down = true;
	flowsess_aging_stop(&fn->table);
	flowsess_collector_stop(&fn->table);
	flowsess_table_flush(&fn->table);
	flowsess_table_destroy(&fn->table);
	flowsess_events_exit(fn);
	rcu_barrier();
	flowsess_stats_free(fn);
}

/*
 * Wait until the hash holds still: its worker grows it past 75 % load and
 * shrinks it below 30 %, in the background. Tests that count buckets or
 * walk them need that. False if it never settled.
 */
bool flowsess_test_settle(struct flowsess_net *fn)
{
	struct flowsess_table *t = &fn->table;
	int i;

	for (i = 0; i < 100; i++) {
		flush_delayed_work(&t->resize_work);
		if (!flowsess_table_resize_due(t))
			return true;
		queue_delayed_work(system_unbound_wq, &t->resize_work, 0);
	}
	return false;
}

/*
 * Keep the collector from running, for tests that expire sessions and
 * look at them, or run it by hand. Cancelled, and with its "queued or
 * running" bit (bit 0 of ->collector_armed) taken, it is not started by
 * inserts; teardown stops it as always.
 */
void flowsess_test_collector_hold(struct flowsess_net *fn)
{
	hrtimer_cancel(&fn->table.collector);
	set_bit(0, &fn->table.collector_armed);
}

void flowsess_test_tuple4(struct flowsess_tuple *t, u8 proto, u32 saddr,
			  u32 daddr, u16 sport, u16 dport)
{
	memset(t, 0, sizeof(*t));
	t->l3num = NFPROTO_IPV4;
	t->protonum = proto;
	t->src.ip = htonl(saddr);
	t->dst.ip = htonl(daddr);
	t->sport = htons(sport);
	t->dport = htons(dport);
}

/* A TCP segment with @flags (of "SAFR"), as the packet path parses it. */
void flowsess_test_seg(struct flowsess_tcp_seg *seg, const char *flags,
		       u32 seq, u32 ack, u16 win, unsigned int payload)
{
	memset(seg, 0, sizeof(*seg));
	for (; *flags; flags++) {
		seg->th.syn |= *flags == 'S';
		seg->th.ack |= *flags == 'A';
		seg->th.fin |= *flags == 'F';
		seg->th.rst |= *flags == 'R';
	}
	seg->th.seq = htonl(seq);
	seg->th.ack_seq = htonl(ack);
	seg->th.window = htons(win);
	seg->th.doff = 5;
	seg->payload_len = payload;
	seg->wscale = FLOWSESS_TCP_NO_WSCALE;
}

/*
 * A session for @t as the packet path makes one, not linked: its place in
 * the table taken first, last seen now. The caller inserts it, or gives
 * it back with flowsess_session_free_unused().
 */
struct flowsess_session *flowsess_test_alloc(struct kunit *test,
					     struct flowsess_net *fn,
					     const struct flowsess_tuple *t)
{
	struct flowsess_session *s;

	if (!flowsess_session_reserve(&fn->table)) {
		KUNIT_FAIL(test, "no place in the table (%d sessions)",
			   atomic_read(&fn->table.count));
		return NULL;
	}
	s = flowsess_session_alloc(t, READ_ONCE(fn->cfg.accounting), GFP_KERNEL);
	if (!s) {
		flowsess_session_unreserve(&fn->table);
		KUNIT_FAIL(test, "flowsess_session_alloc() failed");
		return NULL;
	}
	s->last_seen = ktime_get_coarse();
	return s;
}

/*
 * Create and insert a session as the packet path would, now, from its
 * first segment (TCP), or from any packet.
 */
struct flowsess_session *flowsess_test_insert_seg(struct kunit *test,
						  struct flowsess_net *fn,
						  const struct flowsess_tuple *t,
						  const char *flags, u32 seq, u32 ack,
						  u16 win, unsigned int payload)
{
	struct flowsess_session *s = flowsess_test_alloc(test, fn, t);
	int err;

	if (!s)
		return NULL;
	if (t->protonum == IPPROTO_TCP) {
		struct flowsess_tcp_seg seg;

		flowsess_test_seg(&seg, flags, seq, ack, win, payload);
		flowsess_tcp_session_init(fn, s, &seg);
	}
	rcu_read_lock();
	err = flowsess_session_insert(&fn->table, s);
	rcu_read_unlock();
	if (err) {
		KUNIT_FAIL(test, "flowsess_session_insert(): %d", err);
		return NULL;
	}
	return s;
}

/* The same; a TCP session is opened by a SYN, sequence 0, 64 KiB window. */
struct flowsess_session *flowsess_test_insert(struct kunit *test,
					      struct flowsess_net *fn,
					      const struct flowsess_tuple *t)
{
	return flowsess_test_insert_seg(test, fn, t, "S", 0, 0, 65535, 0);
}

/* A UDP session from 1:@sport to 2:53, in @fn's table; NULL after a failure. */
struct flowsess_session *flowsess_test_udp(struct kunit *test,
					   struct flowsess_net *fn, u16 sport)
{
	struct flowsess_tuple t;

	flowsess_test_tuple4(&t, IPPROTO_UDP, 1, 2, sport, 53);
	return flowsess_test_insert(test, fn, &t);
}

/* What the packet path does when it sees a reply (hooks.c). */
void flowsess_test_set_established(struct flowsess_net *fn,
				   struct flowsess_session *s, bool est)
{
	spin_lock_bh(&s->lock);
	if (!s->dead)
		flowsess_session_set_established(&fn->table, s, est);
	spin_unlock_bh(&s->lock);
}

/* How long @s may stay idle, by the knobs as they are now. */
s64 flowsess_test_timeout_ms(struct flowsess_net *fn,
			     const struct flowsess_session *s)
{
	return ktime_ms_delta(flowsess_session_deadline(&fn->cfg, s),
			      READ_ONCE(s->last_seen));
}

struct flowsess_test_bucket {
	struct flowsess_session **out;
	unsigned int max;
	unsigned int n;
};

static int flowsess_test_bucket_one(struct flowsess_session *s, void *arg)
{
	struct flowsess_test_bucket *b = arg;

	if (b->n < b->max)
		b->out[b->n] = s;
	b->n++;
	return 0;
}

/*
 * Under rcu_read_lock(): the live sessions whose original entry is in
 * @bucket, in the order a walk sees them, up to @max in @out. Returns how
 * many there are.
 */
unsigned int flowsess_test_bucket(struct flowsess_net *fn, unsigned int bucket,
				  struct flowsess_session **out, unsigned int max)
{
	struct flowsess_test_bucket b = { .out = out, .max = max };
	struct flowsess_walk w = { .bucket = bucket };

	flowsess_table_walk_bucket(&fn->table, &w, flowsess_test_bucket_one, &b);
	return b.n;
}

u64 flowsess_test_stat(struct flowsess_net *fn, enum flowsess_stat stat)
{
	u64 sum[__FLOWSESS_STAT_MAX];

	flowsess_stats_read(fn, sum);
	return sum[stat];
}

/*
 * Wait until no session of @fn holds a place in its table, or @ms pass,
 * then for the frees already queued; false on timeout. Nothing signals
 * the count, so it is polled.
 */
bool flowsess_test_wait_empty(struct flowsess_net *fn, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	while (atomic_read(&fn->table.count)) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	rcu_barrier();
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the KUnit suites (the FLOWSESS_KUNIT build only). */
#include <linux/wait_bit.h>

#include "util.h"

int flowsess_test_suite_init(struct kunit_suite *suite)
{
	return flowsess_cache_init();
}

void flowsess_test_suite_exit(struct kunit_suite *suite)
{
	flowsess_cache_exit();
}

/* A namespace's flowsess state, with default knobs and its own table. */
struct flowsess_net *flowsess_test_net(struct kunit *test, unsigned int buckets,
				       unsigned int max_sessions)
{
	struct flowsess_net *fn = kunit_kzalloc(test, sizeof(*fn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fn);
	flowsess_config_defaults(&fn->cfg);
	fn->cfg.max_sessions = max_sessions;
	KUNIT_ASSERT_EQ(test, flowsess_stats_init(fn), 0);
	KUNIT_ASSERT_EQ(test, flowsess_table_init(&fn->table, fn, buckets), 0);
	return fn;
}

/* Flushes the table and waits until every session is freed. */
void flowsess_test_net_destroy(struct flowsess_net *fn)
{
	flowsess_table_destroy(&fn->table);
	flowsess_stats_free(fn);
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
 * Create and insert a session as the packet path would, at time now. A TCP
 * session is opened by a SYN with sequence number 0 and a 64 KiB window.
 */
struct flowsess_session *flowsess_test_insert(struct kunit *test,
					      struct flowsess_net *fn,
					      const struct flowsess_tuple *t,
					      ktime_t timeout)
{
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s;

	s = flowsess_session_alloc(&fn->table, t, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->last_seen = ktime_get();
	if (t->protonum == IPPROTO_TCP) {
		struct flowsess_tcp_seg syn;

		flowsess_test_seg(&syn, "S", 0, 0, 65535, 0);
		flowsess_tcp_session_init(s, &syn);
	}
	if (timeout)
		s->timeout = timeout;
	rcu_read_lock();
	if (flowsess_session_insert(s, &existing)) {
		rcu_read_unlock();
		flowsess_session_free_unused(s);
		KUNIT_FAIL(test, "insert failed");
		return NULL;
	}
	rcu_read_unlock();
	return s;
}

u64 flowsess_test_stat(struct flowsess_net *fn, enum flowsess_stat stat)
{
	u64 sum[__FLOWSESS_STAT_MAX];

	flowsess_stats_read(fn, sum);
	return sum[stat];
}

/* Sleep until every session of @fn is freed, or @ms pass; false on timeout. */
bool flowsess_test_wait_empty(struct flowsess_net *fn, unsigned int ms)
{
	return wait_var_event_timeout(&fn->table.allocated,
				      !atomic_read(&fn->table.allocated),
				      msecs_to_jiffies(ms)) > 0;
}

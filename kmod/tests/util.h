/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the KUnit suites: a namespace's state without a netns. */
#ifndef _FLOWSESS_TESTS_UTIL_H
#define _FLOWSESS_TESTS_UTIL_H

#include <kunit/test.h>

#include "../internal.h"

/* A generous upper margin for waits: the test VM is emulated, and slow. */
#define FLOWSESS_TEST_SLACK_MS	5000

/*
 * KUnit runs a module's suites before its init function: suites that make
 * sessions create the session cache themselves (.suite_init/.suite_exit).
 */
int flowsess_test_suite_init(struct kunit_suite *suite);
void flowsess_test_suite_exit(struct kunit_suite *suite);

struct flowsess_net *flowsess_test_net(struct kunit *test,
				       unsigned int max_sessions);
void flowsess_test_net_destroy(struct flowsess_net *fn);
bool flowsess_test_settle(struct flowsess_net *fn);
void flowsess_test_collector_hold(struct flowsess_net *fn);
void flowsess_test_tuple4(struct flowsess_tuple *t, u8 proto, u32 saddr,
			  u32 daddr, u16 sport, u16 dport);
struct flowsess_session *flowsess_test_alloc(struct kunit *test,
					     struct flowsess_net *fn,
					     const struct flowsess_tuple *t);
struct flowsess_session *flowsess_test_insert(struct kunit *test,
					      struct flowsess_net *fn,
					      const struct flowsess_tuple *t);
struct flowsess_session *flowsess_test_insert_seg(struct kunit *test,
						  struct flowsess_net *fn,
						  const struct flowsess_tuple *t,
						  const char *flags, u32 seq, u32 ack,
						  u16 win, unsigned int payload);
struct flowsess_session *flowsess_test_udp(struct kunit *test,
					   struct flowsess_net *fn, u16 sport);
void flowsess_test_set_established(struct flowsess_net *fn,
				   struct flowsess_session *s, bool est);
s64 flowsess_test_timeout_ms(struct flowsess_net *fn,
			     const struct flowsess_session *s);
unsigned int flowsess_test_bucket(struct flowsess_net *fn, unsigned int bucket,
				  struct flowsess_session **out, unsigned int max);
void flowsess_test_seg(struct flowsess_tcp_seg *seg, const char *flags,
		       u32 seq, u32 ack, u16 win, unsigned int payload);
u64 flowsess_test_stat(struct flowsess_net *fn, enum flowsess_stat stat);
bool flowsess_test_wait_empty(struct flowsess_net *fn, unsigned int ms);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Session events: the core reports a session's creation, its TCP state
 * changes and its end to whoever registered to hear them, as nf_conntrack's
 * event cache reports to ctnetlink. The core knows nothing about its
 * listeners: netlink.c is one.
 *
 * Listeners are on an RCU list, added and removed under a mutex;
 * unregistering waits for the callers already inside a listener. Events
 * come from any context (the packet path and the collector in softirq),
 * so a listener must not sleep.
 */
#include <linux/mutex.h>
#include <linux/rculist.h>

#include "internal.h"

static LIST_HEAD(flowsess_listeners);
static DEFINE_MUTEX(flowsess_listeners_lock);

void flowsess_listener_register(struct flowsess_listener *l)
{
	mutex_lock(&flowsess_listeners_lock);
	list_add_tail_rcu(&l->list, &flowsess_listeners);
	mutex_unlock(&flowsess_listeners_lock);
}

/* Sleeps: on return, no event is being delivered to @l. */
void flowsess_listener_unregister(struct flowsess_listener *l)
{
	mutex_lock(&flowsess_listeners_lock);
	list_del_rcu(&l->list);
	mutex_unlock(&flowsess_listeners_lock);
	synchronize_rcu();
}

void flowsess_event(struct flowsess_net *fn, const struct flowsess_session *s,
		    enum flowsess_event ev, enum flowsess_reason reason,
		    bool live_kill)
{
	struct flowsess_listener *l;

	rcu_read_lock();
	list_for_each_entry_rcu(l, &flowsess_listeners, list)
		l->event(fn, s, ev, reason, live_kill);
	rcu_read_unlock();
}

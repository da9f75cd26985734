// SPDX-License-Identifier: GPL-2.0
/*
 * Session events: the core reports a session's creation, its TCP state
 * changes and its end to whoever registered to hear them, as nf_conntrack's
 * event cache reports to ctnetlink. The core knows nothing about its
 * listeners: netlink.c is one.
 *
 * Where an event happens (the packet path, the collector, a clear, under
 * the session's lock for all but DEL), it is only copied: if a listener
 * wants it, a snapshot of the session goes on the namespace's queue, and
 * the namespace's work item hands the queue to the listeners in process
 * context, in order. So no listener runs on the packet path or in the
 * collector, and a listener may sleep. An event that finds the queue at
 * its limit, or no memory, is lost and counted (events_lost).
 *
 * Locking and lifetime: the listener list is changed under a mutex, read
 * under RCU by flowsess_event() and under the mutex by the delivery, so
 * that unregistering returns when nothing is in the listener and nothing
 * can call it. The queue's lock nests inside a session's lock and the
 * hash's, and takes nothing. The work item belongs to the namespace: it
 * is cancelled at its teardown, after the producers stopped (session.c,
 * rule 9), and what is left on the queue is freed unsent.
 */
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "internal.h"

static LIST_HEAD(flowsess_listeners);
static DEFINE_MUTEX(flowsess_listeners_lock);

void flowsess_listener_register(struct flowsess_listener *l)
{
	mutex_lock(&flowsess_listeners_lock);
	list_add_tail_rcu(&l->list, &flowsess_listeners);
	mutex_unlock(&flowsess_listeners_lock);
}

/* Sleeps: on return, @l is not called and will not be. */
void flowsess_listener_unregister(struct flowsess_listener *l)
{
	mutex_lock(&flowsess_listeners_lock);
	list_del_rcu(&l->list);
	mutex_unlock(&flowsess_listeners_lock);
	synchronize_rcu();
}

static bool flowsess_event_wanted(const struct flowsess_net *fn,
				  enum flowsess_event type)
{
	struct flowsess_listener *l;
	bool wanted = false;

	rcu_read_lock();
	list_for_each_entry_rcu(l, &flowsess_listeners, list) {
		if (l->wants(fn, type)) {
			wanted = true;
			break;
		}
	}
	rcu_read_unlock();
	return wanted;
}

/* Any context: queue @type for @s, if anyone wants to hear it. */
void flowsess_event(struct flowsess_net *fn, const struct flowsess_session *s,
		    enum flowsess_event type, enum flowsess_reason reason,
		    bool live_kill)
{
	struct flowsess_event_queue *q = &fn->events;
	struct flowsess_event_msg *msg;
	bool queued = false;

	if (!flowsess_event_wanted(fn, type))
		return;
	msg = kmalloc(sizeof(*msg), GFP_ATOMIC | __GFP_NOWARN);
	if (msg) {
		msg->type = type;
		msg->reason = reason;
		msg->live_kill = live_kill;
		flowsess_session_info(&fn->cfg, s, &msg->info);
		/* A live session, under its lock: what a copy of it needs. */
		if (type != FLOWSESS_EVENT_DEL)
			flowsess_session_sync_info(s, &msg->info);
		spin_lock_bh(&q->lock);
		if (q->pending < q->limit) {
			list_add_tail(&msg->list, &q->msgs);
			q->pending++;
			queued = true;
		}
		spin_unlock_bh(&q->lock);
	}
	if (!queued) {
		kfree(msg);
		flowsess_stat_inc(fn, FLOWSESS_STAT_EVENTS_LOST);
		return;
	}
	schedule_work(&q->work);
}

static void flowsess_events_deliver(struct work_struct *work)
{
	struct flowsess_event_queue *q =
		container_of(work, struct flowsess_event_queue, work);
	struct flowsess_net *fn = container_of(q, struct flowsess_net, events);
	struct flowsess_event_msg *msg, *next;
	struct flowsess_listener *l;
	LIST_HEAD(batch);

	spin_lock_bh(&q->lock);
	list_splice_init(&q->msgs, &batch);
	spin_unlock_bh(&q->lock);

	list_for_each_entry_safe(msg, next, &batch, list) {
		/* Per message: one namespace's backlog holds up no other's. */
		mutex_lock(&flowsess_listeners_lock);
		list_for_each_entry(l, &flowsess_listeners, list)
			l->event(fn, msg);
		mutex_unlock(&flowsess_listeners_lock);
		kfree(msg);
		spin_lock_bh(&q->lock);
		q->pending--;
		spin_unlock_bh(&q->lock);
		cond_resched();
	}
}

void flowsess_events_init(struct flowsess_net *fn)
{
	struct flowsess_event_queue *q = &fn->events;

	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->msgs);
	q->pending = 0;
	q->limit = flowsess_event_queue_limit();
	INIT_WORK(&q->work, flowsess_events_deliver);
}

/* Sleeps: every event queued before the call has been delivered. */
void flowsess_events_flush(struct flowsess_net *fn)
{
	flush_work(&fn->events.work);
}

/* Teardown, once nothing reports events any more: drop what is left. */
void flowsess_events_exit(struct flowsess_net *fn)
{
	struct flowsess_event_queue *q = &fn->events;
	struct flowsess_event_msg *msg, *next;

	cancel_work_sync(&q->work);
	list_for_each_entry_safe(msg, next, &q->msgs, list)
		kfree(msg);
	INIT_LIST_HEAD(&q->msgs);
	q->pending = 0;
}

#ifdef FLOWSESS_KUNIT
#include "tests/events_test.c"
#endif

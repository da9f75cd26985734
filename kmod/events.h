/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session events, from the core to its listeners (events.c).
 */
#ifndef _FLOWSESS_EVENTS_H
#define _FLOWSESS_EVENTS_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "uapi/flowsess.h"
#include "session.h"

struct flowsess_net;

enum flowsess_event {
	FLOWSESS_EVENT_NEW,
	FLOWSESS_EVENT_STATE,		/* a TCP state change, or established */
	FLOWSESS_EVENT_DEL,
	FLOWSESS_EVENT_PROGRESS,	/* TCP sequence progress (tcp.c) */
};

/* One event, as a listener gets it: the session as it was then. */
struct flowsess_event_msg {
	struct list_head list;
	enum flowsess_event type;
	enum flowsess_reason reason;	/* DEL: why it ended */
	bool live_kill;			/* DEL: in use at its RST deadline */
	struct flowsess_session_info info;
};

/* A namespace's events on their way to the listeners (events.c). */
struct flowsess_event_queue {
	spinlock_t lock;		/* for msgs and pending */
	struct list_head msgs;
	unsigned int pending;		/* queued or being delivered */
	unsigned int limit;
	struct work_struct work;
};

/*
 * The most events of one namespace that wait for their listeners: the
 * default of the event_queue_limit parameter, and its most.
 */
#define FLOWSESS_EVENT_QUEUE_LIMIT	8192
#define FLOWSESS_EVENT_QUEUE_LIMIT_MAX	262144

struct flowsess_listener {
	struct list_head list;
	/*
	 * Any context, under rcu_read_lock(), possibly under a session's
	 * lock: must not sleep, and should cost little. Does anyone want to
	 * hear events of @type in @fn? Nothing is queued for nobody.
	 */
	bool (*wants)(const struct flowsess_net *fn, enum flowsess_event type);
	/*
	 * Process context, may sleep; a namespace's events in order, of
	 * every type another listener wanted: filter.
	 */
	void (*event)(struct flowsess_net *fn, const struct flowsess_event_msg *msg);
};

void flowsess_listener_register(struct flowsess_listener *l);
void flowsess_listener_unregister(struct flowsess_listener *l);
void flowsess_event(struct flowsess_net *fn, const struct flowsess_session *s,
		    enum flowsess_event type, enum flowsess_reason reason,
		    bool live_kill);
void flowsess_events_init(struct flowsess_net *fn);
void flowsess_events_flush(struct flowsess_net *fn);
void flowsess_events_exit(struct flowsess_net *fn);

#endif /* _FLOWSESS_EVENTS_H */

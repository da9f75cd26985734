/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session events, from the core to its listeners (events.c).
 */
#ifndef _FLOWSESS_EVENTS_H
#define _FLOWSESS_EVENTS_H

#include <linux/list.h>

#include "uapi/flowsess.h"

struct flowsess_net;
struct flowsess_session;

enum flowsess_event {
	FLOWSESS_EVENT_NEW,
	FLOWSESS_EVENT_STATE,		/* a TCP state change */
	FLOWSESS_EVENT_DEL,
};

struct flowsess_listener {
	struct list_head list;
	/*
	 * Any context, under rcu_read_lock(); must not sleep. NEW and
	 * STATE come with the session's lock held: a listener must not
	 * take it (session.c, rule 3).
	 */
	void (*event)(struct flowsess_net *fn, const struct flowsess_session *s,
		      enum flowsess_event ev, enum flowsess_reason reason,
		      bool live_kill);
};

void flowsess_listener_register(struct flowsess_listener *l);
void flowsess_listener_unregister(struct flowsess_listener *l);
void flowsess_event(struct flowsess_net *fn, const struct flowsess_session *s,
		    enum flowsess_event ev, enum flowsess_reason reason,
		    bool live_kill);

#endif /* _FLOWSESS_EVENTS_H */

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CAP_NET_ADMIN over the namespace, not over the machine: an unprivileged
# user who makes a user namespace with its own network namespace configures,
# reads and clears that namespace only; root of a user namespace is refused
# on the router's.
. ./lib.sh

plan 19
check "the module loads" flowsess_load
check "the topology comes up" topology_up

HEADER="ID PROTO SOURCE DESTINATION IN OUT STATE REPLIED AGE IDLE EXPIRES PACKETS BYTES"
# router_sessions: the router's sessions without their times (age, idle,
# time left); fails if flowsess does.
router_sessions() {
	local out
	out=$(in_ns router flowsess sessions) || return 1
	echo "$out" | awk 'NR > 1 { print $1, $2, $3, $4, $5, $6, $7, $8 }'
}
# The session the refused requests below must leave alone.
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
sessions_before=$(router_sessions)
check "the router holds the client's ping session" \
	[ "$(echo "$sessions_before" | grep -c ' icmp 10.0.1.2 10.0.2.2 r0 r1 id=[0-9]')" -eq 1 ]

# own NS...: run as nobody in a new user namespace (and NS, e.g. -n).
own() {
	local flags=$1
	shift
	runas 65534 unshare -U -r $flags "$@"
}
check "unprivileged, in its own user and network namespace: set works" \
	own -n sh -c 'flowsess set rst-invalidate-session on && flowsess show | grep -q "^rst-invalidate-session  *on$"'
# An empty list and a failed command both print no session: the exit status
# and the header tell them apart.
out=$(own -n flowsess sessions)
check "... and sessions works there: the header, no session" \
	[ $? -eq 0 -a "$(echo "$out" | xargs)" = "$HEADER" ]

# A user namespace and network namespace of nobody's, kept by a sleep. Root
# links it to the client and makes it forward (linked_ns_up): a datagram
# the client sends to 10.0.4.9 through it is that namespace's one session.
runas 65534 unshare -U -r -n sleep 120 &
user_pid=$!
# unshare has written the user's ID maps once it runs sleep.
user_ns_ready() { [ "$(cat /proc/$user_pid/comm 2>/dev/null)" = sleep ]; }
user_ns_up() { wait_for 5 user_ns_ready && linked_ns_up userns $user_pid; }
check "nobody's own namespaces, kept open, get a link to the client" user_ns_up
# as_user CMD...: as nobody, in its own namespaces (the sleep's).
as_user() {
	runas 65534 nsenter -t $user_pid -U -n --preserve-credentials "$@"
}
# user_listed: the datagram's session, and only it, is in nobody's list.
user_listed() {
	local out
	in_ns client udpflood 10.0.4.9 41000 1 9 1 >/dev/null
	out=$(as_user flowsess sessions) &&
	[ "$(echo "$out" | awk 'NR > 1 { print $2, $3, $4, $7 }')" = \
		"udp 10.0.3.2:41000 10.0.4.9:9 -" ]
}
check "... and nobody lists that namespace's session, only it" wait_for 5 user_listed
check "... and clears it" [ "$(as_user flowsess clear all)" = "cleared 1 session" ]

# The initial namespace's admin caps the others' tables: lowered, the cap
# holds nobody's table, still configured for 262 144, to 50 however many
# flows it forwards; nobody cannot set max-sessions above it, and cannot
# raise the cap (the parameter belongs to the initial namespace's root).
user_stat() { as_user flowsess stats | awk -v n="$1" '$1 == n { print $2 }'; }
flowsess_param netns_max_sessions 50
in_ns client udpflood 10.0.4.9 42000 200 9 1 >/dev/null
# 150 of the 200 flows found the table full.
turned_away() {
	local e d
	e=$(user_stat evicted_unestablished) d=$(user_stat drop_table_full)
	[ $(( ${e:-0} + ${d:-0} )) -ge 150 ]
}
check "with netns_max_sessions at 50, 200 flows: the rest evicted or refused" \
	wait_for 5 turned_away
check_num "... and nobody's table holds 50" "$(user_stat sessions_active)" -le 50
check_num "... as its max_sessions gauge says, though configured for more" \
	"$(user_stat max_sessions)" -eq 50
err=$(as_user flowsess set max-sessions 1000 2>&1)
check "nobody cannot set max-sessions above it: exit 1, the kernel says why" \
	[ $? -eq 1 -a -n "$(echo "$err" | grep '^flowsess: set: .*netns_max_sessions')" ]
check "... but may set it up to that" as_user flowsess set max-sessions 50
raise_cap() { as_user sh -c 'echo 1000 >/sys/module/flowsess/parameters/netns_max_sessions' 2>/dev/null; }
check "... and cannot raise the cap, root of its user namespace though it is" \
	eval '! raise_cap && [ "$(cat /sys/module/flowsess/parameters/netns_max_sessions)" = 50 ]'
flowsess_param netns_max_sessions 262144

# refused ARGS...: root of a new user namespace, in the router's network
# namespace, runs flowsess ARGS and is refused: exit 1, and flowsess's own
# EPERM message (not unshare's or runas's).
refused() {
	local err
	err=$(in_ns router runas 65534 unshare -U -r flowsess "$@" 2>&1)
	[ $? -eq 1 ] && echo "$err" | grep -q "^flowsess: $1: Operation not permitted"
}
check "root of a user namespace may not set the router's knobs" \
	refused set rst-invalidate-session on
check "... nor dump its sessions" refused sessions
check "... nor clear them" refused clear all
check "the router's knobs did not change" \
	[ "$(in_ns router flowsess show | awk '$1 == "rst-invalidate-session" { print $2 }')" = off ]
sessions_after=$(router_sessions)
check "... nor its sessions" [ $? -eq 0 -a "$sessions_after" = "$sessions_before" ]
kill $user_pid 2>/dev/null
wait $user_pid 2>/dev/null
ip netns del userns 2>/dev/null
topology_down
flowsess_unload
tap_done

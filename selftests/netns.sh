#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A router namespace holding 10 000 sessions and 50 pending RST grace timers
# is deleted under traffic, 100 times (10 on the debug kernel). Every session of every dead namespace
# must be freed: rmmod waits for the dead namespaces' teardown and then
# destroys the session cache, which only goes away empty (a leak is a BUG
# in the log); a timer left behind or a hung teardown fails the run.
. ./lib.sh

ROUNDS=$(stress 100 10)
plan 6
check "the module loads with a 60 s RST grace delay" flowsess_load rst_grace_ms=60000
check "the topology comes up" topology_up
full() { [ "$(flowsess_stat router sessions_active)" -ge 10050 ]; }
# fill: 10 000 UDP sessions and 50 RSTed SYNs, sent again if a busy backlog
# dropped some before they reached the router.
fill() {
	in_ns client udpflood "$SERVER4" 20000 1 1 10000 >/dev/null
	in_ns client rawtcp "$CLIENT4" "$SERVER4" 40000 9 S 5 20 50
	full
}
# The namespace dies in a workqueue after `ip netns del`; its veth ends go
# with it, and only then may new ones take their names.
gone() { ! ip -n client link show c0 >/dev/null 2>&1; }

filled=0 deleted=0 round=1
while [ $round -le $ROUNDS ]; do
	if [ $round -gt 1 ]; then
		wait_for 30 gone && ip netns add router && links_up
	fi
	in_ns client ping -q -A -c 1000000 -W 1 "$SERVER4" >/dev/null 2>&1 &
	ping_pid=$!
	wait_for 10 fill && filled=$((filled + 1))
	ip netns del router && deleted=$((deleted + 1))
	kill $ping_pid 2>/dev/null
	wait $ping_pid 2>/dev/null
	round=$((round + 1))
done
check_num "$ROUNDS router namespaces held 10 000 sessions and 50 RST timers" $filled -eq $ROUNDS
check_num "... and were deleted under traffic" $deleted -eq $ROUNDS
topology_down
check "rmmod, after every dead namespace's teardown" flowsess_unload
check "the session cache was destroyed, so empty" \
	[ -z "$(grep '^flowsess_session ' /proc/slabinfo)" ]
tap_done

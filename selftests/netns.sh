#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A router namespace holding 10 000 sessions, 50 of them waiting out a RST
# grace delay, is deleted under traffic, 20 times (3 on the debug kernel). Every
# session of every dead namespace must be freed: rmmod waits for the dead
# namespaces' teardown and then destroys the session cache, which only goes
# away empty (a leak is a BUG in the log); a collector timer left behind
# or a hung teardown fails the run.
. ./lib.sh

ROUNDS=$(stress 20 3)
plan 7
check "the module loads with a 60 s RST grace delay" flowsess_load rst_grace_ms=60000
check "the topology comes up" topology_up
# udp_full: the router holds the 10 000 UDP sessions (the summary's udp
# row counts UDP alone).
udp_full() {
	in_ns router flowsess sessions proto udp summary |
		awk '$1 == "udp" && $3 >= 10000 { ok = 1 } END { exit !ok }'
}
# fill: 10 000 UDP sessions and 50 RSTed SYNs, sent again if a busy backlog
# dropped some before they reached the router; then each kind is counted on
# its own (the total is no proof: the flood alone nearly makes it).
fill() {
	in_ns client udpflood "$SERVER4" 20000 1 1 10000 >/dev/null
	in_ns client rawtcp "$CLIENT4" "$SERVER4" 40000 9 S 5 20 50
	udp_full && [ "$(rst_waiting)" -ge 50 ]
}
# The namespace dies in a workqueue after `ip netns del`; its veth ends go
# with it, and only then may new ones take their names. On the debug
# kernel (KASAN, lockdep) one death with 10 000 sessions has taken over
# 30 s; the longest wait is reported.
gone() { ! ip -n client link show c0 >/dev/null 2>&1; }
TEARDOWN_LIMIT=$(stress 30 180)

filled=0 deleted=0 round=1 longest=0
while [ $round -le $ROUNDS ]; do
	if [ $round -gt 1 ]; then
		t0=$(date +%s)
		wait_for $TEARDOWN_LIMIT gone && ip netns add router && links_up
		t=$(($(date +%s) - t0))
		[ $t -gt $longest ] && longest=$t
	fi
	in_ns client ping -q -A -c 1000000 -W 1 "$SERVER4" >/dev/null 2>&1 &
	ping_pid=$!
	if wait_for 10 fill; then
		filled=$((filled + 1))
	else
		echo "# round $round: $(in_ns router flowsess sessions summary | tr -s '\n ' ' ')"
	fi
	ip netns del router && deleted=$((deleted + 1))
	kill $ping_pid 2>/dev/null
	wait $ping_pid 2>/dev/null
	round=$((round + 1))
done
echo "# the longest wait for a namespace's death: $longest s (limit $TEARDOWN_LIMIT s)"
check_num "$ROUNDS router namespaces held 10 000 UDP sessions and 50 in their RST grace" \
	$filled -eq $ROUNDS
check_num "... and were deleted under traffic" $deleted -eq $ROUNDS
topology_down
# The cache's line must be there while the module is loaded, or its absence
# after rmmod would prove nothing (the VM boots with slab_nomerge).
cache_listed() { grep -q '^flowsess_session ' /proc/slabinfo; }
cache_gone() { ! cache_listed; }
check "the session cache is in /proc/slabinfo before rmmod" cache_listed
check "rmmod, after every dead namespace's teardown" flowsess_unload
check "the session cache was destroyed, so empty" cache_gone
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module unload while traffic flows and sessions wait out a RST grace delay,
# 100 times (10 on the debug kernel). The verdict fails the run on any
# kernel report. A session left behind makes rmmod's kmem_cache_destroy()
# report a BUG, a packet still in the hook after the table is gone a KASAN
# report or an oops; on the debug kernel kmemleak scans too.
. ./lib.sh

ROUNDS=$(stress 100 10)
plan 6
check "the topology comes up" topology_up

# The hooks' static keys stay on through the rounds (lib.sh says why):
# this test is about the module's own lifetime.
check "empty nftables chains hold the hooks' static keys" hold_hook_keys

# pending_rsts N: N SYNs to a closed port; each RST leaves a session waiting
# out its grace delay.
pending_rsts() { in_ns client rawtcp "$CLIENT4" "$SERVER4" 20000 9 S 5 20 "$1"; }
# pending: the 50 sessions wait in CLOSE; the SYNs are sent again (the same
# tuples) if the flood's backlog dropped some before they reached the router.
pending() { pending_rsts 50; [ "$(rst_waiting)" -ge 50 ]; }

# The traffic runs on the second CPU (its softirqs with it: a veth
# delivers on the sending CPU), rmmod on the first, so that packets are
# inside the hook while the module goes.
in_ns client taskset 2 ping -q -A -c 1000000 -W 1 "$SERVER4" >/dev/null 2>&1 &
ping_pid=$!
in_ns client taskset 2 sh -c "while :; do udpflood $SERVER4 30000 1 1 200 >/dev/null; done" &
udp_pid=$!

loaded=0 waiting=0 unloaded=0 round=1
while [ $round -le $ROUNDS ]; do
	flowsess_load rst_grace_ms=60000 && loaded=$((loaded + 1))
	if wait_for 5 pending; then
		waiting=$((waiting + 1))
	else
		echo "# round $round: $(in_ns router flowsess sessions summary | tr -s '\n ' ' ')"
	fi
	taskset 1 rmmod flowsess && unloaded=$((unloaded + 1))
	round=$((round + 1))
done
check_num "$ROUNDS loads" $loaded -eq $ROUNDS
check_num "... each with RST timers pending under traffic" $waiting -eq $ROUNDS
check_num "... and $ROUNDS unloads" $unloaded -eq $ROUNDS
kill $ping_pid $udp_pid 2>/dev/null
wait $ping_pid $udp_pid 2>/dev/null
topology_down
release_hook_keys
check "the module is gone" [ -z "$(grep '^flowsess ' /proc/modules)" ]
tap_done

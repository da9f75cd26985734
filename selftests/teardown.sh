#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module unload and namespace deletion while traffic flows and RST grace
# timers are pending. The verdict fails the run on any kernel report. A
# session left behind either hangs the namespace teardown (it waits for
# every session to be freed: the test times out) or makes rmmod's
# kmem_cache_destroy() report a BUG; on the debug kernel kmemleak scans too.
. ./lib.sh

ROUNDS=5
plan $((3 * ROUNDS + 3))

# pending_rsts N: N SYNs to a closed port; each RST leaves a session waiting
# for its grace timer.
pending_rsts() {
	local i=0
	while [ $i -lt "$1" ]; do
		in_ns client rawtcp "$CLIENT4" "$SERVER4" $((20000 + i)) 9 S
		i=$((i + 1))
	done
}

flood() {
	in_ns client ping -q -A -c 100000 -W 1 "$SERVER4" >/dev/null 2>&1 &
	flood_pid=$!
}

round=1
while [ $round -le $ROUNDS ]; do
	check "round $round: load with a 60 s RST grace delay" \
		flowsess_load rst_grace_ms=60000
	topology_up
	pending_rsts 50		# before the flood, which may crowd out a SYN
	flood
	check_num "round $round: sessions are waiting for their RST timers" \
		"$(flowsess_stat router sessions_active)" -ge 50
	check "round $round: rmmod under traffic" flowsess_unload
	kill "$flood_pid" 2>/dev/null
	wait "$flood_pid" 2>/dev/null
	topology_down
	round=$((round + 1))
done

check "load again" flowsess_load rst_grace_ms=60000
topology_up
pending_rsts 50
flood
ip netns del router
check "namespace deleted under traffic with timers pending" [ $? -eq 0 ]
kill "$flood_pid" 2>/dev/null
wait "$flood_pid" 2>/dev/null
topology_down
check "rmmod after the namespace is gone" flowsess_unload
tap_done

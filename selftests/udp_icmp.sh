#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# UDP and ICMP echo sessions pass traffic both ways and age out after their
# idle timeout, also when it changes after they were made; an echo reply
# with no session is dropped.
. ./lib.sh

plan 14
check "the module loads" flowsess_load
flowsess_param udp_timeout_ms 1500
flowsess_param icmp_timeout_ms 1500
check "the topology comes up" topology_up

stat() { flowsess_stat router "$1"; }

no_sessions() { [ "$(stat sessions_active)" = 0 ]; }

# The servers answer for 20 s (the helper's default, 10 s, is short on the
# debug kernel); the echoes start once both are bound, not after a guess.
in_ns server udpecho server "$SERVER4" 5353 20 &
pid4=$!
in_ns server udpecho server "$SERVER6" 5353 20 &
pid6=$!
wait_for 5 listening server u 5353 2
check "UDP over IPv4 is echoed through the router" \
	in_ns client udpecho client "$SERVER4" 5353 5
check "UDP over IPv6 is echoed through the router" \
	in_ns client udpecho client "$SERVER6" 5353 5
check "IPv4 ping" in_ns client ping -q -c 3 -i 0.2 -W 2 "$SERVER4"
check "IPv6 ping" in_ns client ping -6 -q -c 3 -i 0.2 -W 2 "$SERVER6"
check_num "four sessions: two UDP, two echo" "$(stat sessions_created)" -eq 4

# Idle timeout 1.5 s; the collector sweeps a small table every second:
# gone within 5 s (15 s on the slow debug kernel, where each look at the
# table takes a while).
check "all sessions age out" wait_for "$(stress 5 15)" no_sessions
check_num "... invalidated as idle" "$(stat invalidated_idle)" -eq 4

# Sessions are per direction of opening: the server may open its own.
check "a ping from the server side works too" \
	in_ns server ping -q -c 2 -i 0.2 -W 2 "$CLIENT4"
check_num "... with a session of its own" "$(stat sessions_created)" -eq 5

# A changed timeout applies to the sessions there are: one made under a
# timeout of an hour goes within seconds of the knob's change to 1 s.
wait_for "$(stress 5 15)" no_sessions
in_ns router flowsess set udp-timeout 3600s icmp-timeout 3600s
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
in_ns client udpecho client "$SERVER4" 5353 1 >/dev/null
check_num "two sessions under a timeout of an hour" "$(stat sessions_active)" -eq 2
sleep 2
check_num "... still there 2 s later" "$(stat sessions_active)" -eq 2
in_ns router flowsess set udp-timeout 1s icmp-timeout 1s
check "a changed timeout ages them out at once" wait_for "$(stress 5 15)" no_sessions

kill "$pid4" "$pid6" 2>/dev/null
wait
flowsess_unload
topology_down
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# State sync, the kernel's half (the daemon is to come): the sessions a
# dump exports, imported into another namespace's table, are the same
# sessions; a connection whose session was cleared, then imported back
# from that copy, goes on with nothing dropped, where without the copy it
# is cut; the sync group hears a connection's creation, its state changes
# and its sequence progress every 256 KiB. sessync (helpers/) does what a
# sync daemon would with the family.
. ./lib.sh

plan 17
check "the module loads" flowsess_load
check "the topology comes up" topology_up
# The standby's table, in a namespace of its own.
ip netns add spare
# A mid-stream segment must not be picked up: the copy alone carries it.
in_ns router flowsess set pickup-period 0 udp-timeout 3600 icmp-timeout 3600
# The standby keeps the same policy: an import's time left is capped by it.
in_ns spare flowsess set pickup-period 0 udp-timeout 3600 icmp-timeout 3600

in_ns server tcpecho server "$SERVER4" 8080 600 &
in_ns server tcpecho server "$SERVER4" 8081 600 &
in_ns server udpecho server "$SERVER4" 5353 &
wait_for 5 listening server t 8081 && wait_for 5 listening server u 5353
in_ns client tcpecho client "$SERVER4" 8080 12 >/tmp/echo.out &
tcp_client=$!
in_ns client udpecho client "$SERVER4" 5353 1 >/dev/null
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
established() { in_ns router flowsess sessions dport 8080 state established | grep -q ' tcp '; }
check "a TCP connection that talks every 100 ms is established" wait_for 5 established

# rows NS: its sessions as the table lists them, ids and times aside.
rows() { in_ns "$1" flowsess sessions | awk 'NR > 1 { print $2, $3, $4, $7, $8 }' | sort; }
out=$(sessync copy router spare)
echo "# $out"
check "sessync copies the router's 3 sessions into the spare namespace" \
	[ "$out" = "dumped=3 imported=3 failed=0" ]
check "... the same sessions there: tuples, states, replied" [ "$(rows spare)" = "$(rows router)" ]
check "... counted as imported, and as created" \
	[ "$(flowsess_stat spare sessions_imported) $(flowsess_stat spare sessions_created)" = "3 3" ]
# expires_ms PROTO NS: the time the session of PROTO has left in NS.
expires_ms() {
	in_ns "$2" flowsess -j sessions proto "$1" | sed -n 's/.*"expires_ms":\([0-9]*\).*/\1/p'
}
left=$(expires_ms udp spare) router_left=$(expires_ms udp router)
echo "# udp: ${left:-?} ms left in the copy, ${router_left:-?} ms on the router"
check "... each with the time it had left (within 5 s)" \
	[ -n "$left" -a -n "$router_left" -a "$((router_left - left))" -lt 5000 -a \
	  "$((left - router_left))" -lt 5000 ]

# Failover, in place: the connection's session goes, and comes back from
# the copy. The client is stopped meanwhile (the processes of its
# namespace: $! is a subshell's), so that nothing crosses without a
# session; then it goes on, every message echoed.
drops=$(flowsess_stat router drop_no_session)
kill -STOP $(ip netns pids client)
sleep 0.3
in_ns router flowsess clear dport 8080 nopickup >/dev/null
check_num "the connection's session is cleared" "$(in_ns router flowsess sessions dport 8080 | sed 1d | wc -l)" -eq 0
out=$(sessync copy spare router)
echo "# $out"
check "... and imported back from the copy (the others brought up to date)" \
	[ "$out" = "dumped=3 imported=3 failed=0" ]
kill -CONT $(ip netns pids client)
wait $tcp_client
check "the connection goes on: every message echoed" [ $? -eq 0 ]
echo "# $(cat /tmp/echo.out)"
check_num "... nothing dropped for want of a session" \
	"$(flowsess_stat router drop_no_session)" -eq "$drops"
check "... and its packets made the copy the router's own: no longer imported" \
	eval '[ "$(in_ns router flowsess -j sessions dport 8080 | grep -o "\"imported\":false" | wc -l)" -ge 1 ] &&
	      [ "$(in_ns router flowsess -j sessions dport 8080 | grep -o "\"imported\":true" | wc -l)" -eq 0 ]'

# The control: a connection whose session is cleared and not imported is
# cut at its next segment.
in_ns client tcpecho client "$SERVER4" 8081 30 >/dev/null &
control_up() { in_ns router flowsess sessions dport 8081 state established | grep -q ' tcp '; }
wait_for 5 control_up
in_ns router flowsess clear dport 8081 nopickup >/dev/null
cut() { [ "$(flowsess_stat router drop_no_session)" -gt "$drops" ]; }
check "without the copy, the same clear cuts a connection: its segments dropped" wait_for 5 cut
kill $(ip netns pids client) 2>/dev/null

# The sync group: a 4 MiB transfer's creation, state changes, and its
# progress, one message per 256 KiB of sequence space at least.
in_ns server tcpbulk server "$SERVER4" 9000 &
wait_for 5 listening server t 9000
sessync watch router 15 >/tmp/watch.out &
watcher=$!
wait_for 5 grep -q listening /tmp/watch.out
out=$(in_ns client tcpbulk client "$SERVER4" 9000 4194304)
check "a 4 MiB transfer: $out" [ $? -eq 0 ]
wait $watcher
heard=$(sed -n 2p /tmp/watch.out | tr ' ' '\n')
echo "# sync group:" $heard
check_num "... the sync group heard it start" "$(kv new "$heard")" -ge 1
# 16 marks of 256 KiB passed, and at least the handshake's and the close's
# four changes of state.
check_num "... and at least 20 updates (4 MiB / 256 KiB, and states)" "$(kv update "$heard")" -ge 20

topology_down
ip netns del spare
check "rmmod" flowsess_unload
tap_done

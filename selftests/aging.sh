#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A full table, and aging under pressure. A new session evicts an
# unestablished one first (one-way UDP here), then one idle past
# early-ageout; an established session in use is never evicted: the new
# packet is dropped instead. At the high watermark, early ageout brings the
# table down to the low one, unestablished sessions first. A TCP
# connection talks through all of it.
. ./lib.sh

plan 27
check "the module loads" flowsess_load
check "the topology comes up" topology_up
stat() { flowsess_stat router "$1"; }
set_knobs() { in_ns router flowsess set "$@"; }
count() { in_ns router flowsess sessions "$@" | awk 'NR > 1' | wc -l; }
# one_way SPORT N: N UDP flows from SPORT on to the discard port: no reply.
one_way() { in_ns client udpflood "$SERVER4" "$1" "$2" 9 1 >/dev/null; }

set_knobs max-sessions 100 udp-timeout 600
in_ns server tcpecho server "$SERVER4" 7000 600 &
server_pid=$!
in_ns server udpecho server "$SERVER4" 5353 600 &
udp_pid=$!
in_ns server udpecho server "$SERVER4" 5354 600 &
udp_pid="$udp_pid $!"
wait_for 5 listening server t 7000
# Talks until the end of the test (a debug kernel makes it slow).
in_ns client tcpecho client "$SERVER4" 7000 600 45000 >/dev/null &
tcp_pid=$!
tcp_alive() { in_ns router flowsess sessions sport 45000 state established | grep -q ' tcp '; }
wait_for 5 tcp_alive
# answered PORT: 20 UDP flows to PORT, from client ports 46000 to 46019
# (chosen, so that no two are one tuple), that got an answer, so
# established; prints how many did.
answered() {
	local i=0 ok=0
	while [ $i -lt 20 ]; do
		in_ns client udpecho client "$SERVER4" "$1" 1 $((46000 + i)) >/dev/null &&
			ok=$((ok + 1))
		i=$((i + 1))
	done
	echo $ok
}
wait_for 5 listening server u 5354
check_num "20 UDP flows answered, so established" "$(answered 5353)" -eq 20
check_num "... 20 sessions" "$(count dport 5353)" -eq 20
one_way 30000 79
check_num "79 one-way flows fill the table" "$(stat sessions_active)" -eq 100
check_num "... as the gauge of its limit says" "$(stat max_sessions)" -eq 100
check_num "... 79 of them unestablished, by the gauge" "$(stat sessions_unestablished)" -eq 79

one_way 31000 500
check_num "500 more flows each evict an unestablished session" \
	"$(stat evicted_unestablished)" -ge 490
check_num "... nothing dropped for a full table" "$(stat drop_table_full)" -eq 0
check_num "... the established UDP sessions all stay" "$(count dport 5353)" -eq 20
check "... and so does the TCP connection" tcp_alive

# Only established sessions now: the 20 UDP ones go idle, the TCP one talks.
in_ns router flowsess clear dport 9 >/dev/null
set_knobs max-sessions 21 early-ageout 2
sleep 3
one_way 32000 1
check_num "a full table of established sessions: one idle past early-ageout goes" \
	"$(stat evicted_early_ageout)" -eq 1
check_num "... and the new flow has its session" "$(count sport 32000)" -eq 1
check "... the TCP connection is untouched" tcp_alive

in_ns router flowsess clear dport 9 >/dev/null
set_knobs max-sessions 20 early-ageout 60
drops=$(stat drop_table_full)
evicted=$(( $(stat evicted_early_ageout) + $(stat evicted_unestablished) ))
kmsg_mark aging-full
one_way 33000 5
check_num "no candidate: the new flows are dropped, and counted" \
	"$(( $(stat drop_table_full) - drops ))" -eq 5
check "... and the kernel log says so (rate-limited)" \
	kmsg_since aging-full "flowsess: table full, dropping packet"
check_num "... nothing evicted" \
	"$(( $(stat evicted_early_ageout) + $(stat evicted_unestablished) ))" -eq "$evicted"
check "... the TCP connection is untouched" tcp_alive

err=$(set_knobs high-watermark 60 low-watermark 90 2>&1)
check "a low watermark above the high one is refused, with the reason" \
	[ $? -eq 1 -a "$err" = "flowsess: set: Invalid argument: low-watermark is above high-watermark" ]
# 40 one-way flows go idle; then 20 new established flows pass 60 %.
in_ns router flowsess clear proto udp >/dev/null
check "watermarks 60 % and 30 %, early-ageout 2 s" \
	set_knobs max-sessions 100 high-watermark 60 low-watermark 30 early-ageout 2
one_way 34000 40
sleep 3
answered 5354 >/dev/null
settled() { [ "$(count dport 9)" -le 10 ]; }
check "at 60 sessions, early ageout takes the idle one-way flows down" wait_for 10 settled
check_num "... 30 of them or more, aged out early" "$(stat invalidated_early_ageout)" -ge 30
check_num "... down to the low watermark, give or take a late flow" \
	"$(stat sessions_active)" -le 31
check_num "... and no fresh established session" "$(count dport 5354)" -eq 20
check "... nor the TCP connection" tcp_alive

# Had its session gone, its next segment would have been dropped.
check_num "the TCP connection never lost its session" "$(stat drop_no_session)" -eq 0
kill $tcp_pid $server_pid $udp_pid 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A one-way spoofed flood of self-inverse tuples (source = destination,
# source port = destination port, so the reply's tuple is the request's):
# each is one session that has seen no reply, however many datagrams it
# carries. When the table is full a new flow evicts one of them first,
# never an established session. IPv4 and IPv6.
. ./lib.sh

plan 14
check "the module loads" flowsess_load
check "the topology comes up" topology_up
stat() { flowsess_stat router "$1"; }
count() { in_ns router flowsess sessions "$@" | awk 'NR > 1' | wc -l; }
in_ns router sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.r0.rp_filter=0
in_ns router flowsess set max-sessions 30 udp-timeout 600 early-ageout 600 accounting on

# spoof ADDR PORT: two datagrams from ADDR:PORT to ADDR:PORT, sent by the
# client through the router (ADDR is the server's).
spoof() {
	in_ns client udpflood "$1" "$2" 1 "$2" 1 "$1" >/dev/null &&
		in_ns client udpflood "$1" "$2" 1 "$2" 1 "$1" >/dev/null
}
sent=0
for port in $(seq 40000 40009); do
	spoof "$SERVER4" "$port" && sent=$((sent + 1))
	spoof "$SERVER6" "$port" && sent=$((sent + 1))
done
check_num "20 self-inverse flows, two datagrams each" "$sent" -eq 20
check_num "... make 20 sessions" "$(stat sessions_active)" -eq 20
check_num "... one per tuple, IPv4 and IPv6" "$(count sport 40000 dport 40000)" -eq 2
check_num "... both datagrams passed, each counted in the original direction" \
	"$(in_ns router flowsess -j sessions sport 40000 dport 40000 |
		grep -o '"packets_orig":2,"bytes_orig":[0-9]*,"packets_reply":0,' | wc -l)" -eq 2

in_ns server udpecho server "$SERVER4" 5353 600 &
udp_pid=$!
wait_for 5 listening server u 5353
ok=0
for i in $(seq 0 9); do
	in_ns client udpecho client "$SERVER4" 5353 1 $((46000 + i)) >/dev/null &&
		ok=$((ok + 1))
done
check_num "10 UDP flows answered, so established" "$ok" -eq 10
check_num "... the table is full" "$(stat sessions_active)" -eq 30

# With early-ageout 600 s nothing is idle enough: only an unestablished
# session may go.
in_ns client udpflood "$SERVER4" 31000 5 9 1 >/dev/null
check_num "5 new flows each evict an unestablished session" \
	"$(stat evicted_unestablished)" -eq 5
check_num "... nothing dropped for a full table" "$(stat drop_table_full)" -eq 0
check_num "... the answered flows all stay" "$(count dport 5353)" -eq 10
check_num "... the last new flow has its session" "$(count sport 31004 dport 9)" -eq 1
check_num "... in a table that stays full" "$(stat sessions_active)" -eq 30
kill $udp_pid 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done

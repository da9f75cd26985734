#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# no-syn-check and strict-syn-check. A live connection whose session is
# cleared with nopickup (no pickup period: pickup.sh) dies with the SRX
# default (its next segments are no SYN) and is picked up in mid-stream
# with no-syn-check. strict-syn-check drops data
# sent before the handshake completes and lets real connections through.
# The two knobs exclude each other.
. ./lib.sh

plan 20
check "the module loads" flowsess_load
check "the topology comes up" topology_up
stat() { flowsess_stat router "$1"; }

# One echo server per connection: a dead connection keeps its server busy.
server_pids=
for port in 7000 7001 7002; do
	in_ns server tcpecho server "$SERVER4" $port 120 &
	server_pids="$server_pids $!"
	wait_for 5 listening server t $port
done
# established PORT: the connection from client port PORT is an established
# session (a pickup may have seen either side first).
established() {
	in_ns router flowsess sessions proto tcp state established | grep -q ":$1 "
}

# cleared_run SPORT DPORT: a 4 s connection from SPORT to DPORT whose
# session is cleared after 1 s; prints tcpecho's result and exits with its
# status. /tmp/relisted says whether an established session showed up again.
cleared_run() {
	local pid rc
	in_ns client tcpecho client "$SERVER4" "$2" 4 "$1" >/tmp/tcpecho.out &
	pid=$!
	wait_for 5 established "$1"
	sleep 1
	in_ns router flowsess clear sport "$1" nopickup >/dev/null
	if wait_for 2 established "$1"; then echo yes; else echo no; fi >/tmp/relisted
	wait $pid
	rc=$?
	sed 's/^/# /' /tmp/tcpecho.out
	return $rc
}

# The SRX default: the cleared connection's segments have no session.
dies() { ! cleared_run "$@"; }
drops=$(stat drop_no_session)
check "syn check on: a connection whose session is cleared dies" dies 41000 7000
check_num "... its segments dropped for want of a session" \
	"$(( $(stat drop_no_session) - drops ))" -ge 3
check_num "... and no session picked up in mid-stream" "$(stat sessions_midstream)" -eq 0
check "... nor listed" [ "$(cat /tmp/relisted)" = no ]

check "set no-syn-check on" in_ns router flowsess set no-syn-check on
check "no-syn-check: the cleared connection goes on" cleared_run 41001 7001
check_num "... its session picked up in mid-stream" "$(stat sessions_midstream)" -ge 1
check "... and listed as established" [ "$(cat /tmp/relisted)" = yes ]
picked=$(stat sessions_midstream)
in_ns client rawtcp "$CLIENT4" "$SERVER4" 41002 80 FA
check_num "a FIN still creates no session" "$(stat sessions_midstream)" -eq "$picked"

err=$(in_ns router flowsess set strict-syn-check on 2>&1)
check "strict-syn-check with no-syn-check is refused, with the reason" \
	[ $? -eq 1 -a "$err" = "flowsess: set: Invalid argument: no-syn-check and strict-syn-check exclude each other" ]
strict_off() { in_ns router flowsess show | grep -q '^strict-syn-check  *off$'; }
check "... and changes nothing" strict_off
check "no-syn-check off, strict-syn-check on, in one request" \
	in_ns router flowsess set no-syn-check off strict-syn-check on

# Data before the SYN-ACK: a SYN to a silent address, then 10 bytes.
early_data() {
	in_ns client rawtcp -s 5000 "$CLIENT4" 10.0.2.99 "$1" 80 S
	in_ns client rawtcp -s 5001 -a 0 "$CLIENT4" 10.0.2.99 "$1" 80 PA 5 30
}
early_data 42000
check_num "strict-syn-check: data before the handshake is dropped" "$(stat drop_strict_syn)" -eq 1
check "a real connection still talks" in_ns client tcpecho client "$SERVER4" 7002 2
check_num "... with nothing dropped" "$(stat drop_strict_syn)" -eq 1
in_ns router flowsess set strict-syn-check off
early_data 42001
check_num "strict-syn-check off: the same data passes" "$(stat drop_strict_syn)" -eq 1
check_num "... in its window" "$(stat drop_tcp_window)" -eq 0

kill $server_pids 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done

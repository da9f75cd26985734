#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# flowsess monitor: sessions created and invalidated, each with the reason
# (rst-timer with the live kill, rst, clear, idle), as text and JSON lines,
# only to CAP_NET_ADMIN, and only the namespace's own; with -t, stamped;
# with a filter, only what it selects.
. ./lib.sh

plan 20
check "the module loads" flowsess_load
check "the topology comes up" topology_up

mon=/tmp/monitor
# The client namespace forwards nothing of the topology's. For its monitor
# to be seen listening, it gets sessions of its own: the router sends to
# 10.0.1.99, which it resolves to the client, and the client forwards that
# back out c0, where nobody answers. The router sent it, not forwarded it:
# no session of the router's.
in_ns client sysctl -qw net.ipv4.ip_forward=1
client_mac=$(ip -n client -o link show c0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
ip -n router neigh replace 10.0.1.99 lladdr "$client_mac" dev r0 nud permanent
# client_session PORT: one from the router's PORT, reported by the client's monitor.
client_session() {
	in_ns router udpflood 10.0.1.99 "$1" 1 9 1 >/dev/null
	grep -q "^new  *udp  *10.0.1.1:$1 -> 10.0.1.99:9 -$" $mon.client
}

in_ns router flowsess monitor >$mon.txt 2>$mon.err &
pids=$!
in_ns router flowsess -j monitor >$mon.json 2>$mon.json.err &
pids="$pids $!"
in_ns client flowsess monitor >$mon.client 2>$mon.client.err &
client_pid=$!
pids="$pids $client_pid"
# Stamped, UDP only, with a larger receive buffer; and stamped text.
in_ns router flowsess -t -j monitor proto udp rcvbuf 1048576 >$mon.udp 2>$mon.udp.err &
pids="$pids $!"
in_ns router flowsess -t monitor >$mon.stamped 2>$mon.stamped.err &
pids="$pids $!"

# The monitors listen once they report a probe: a new UDP session each try,
# in each namespace.
probe_port=39000
probe() {
	probe_port=$((probe_port + 1))
	in_ns client udpflood "$SERVER4" $probe_port 1 9 1 >/dev/null
	grep -q "^new  *udp  *10.0.1.2:$probe_port -> 10.0.2.2:9 -$" $mon.txt &&
		grep -q "\"event\":\"new\",.*\"sport\":$probe_port," $mon.json &&
		grep -q "\"event\":\"new\",.*\"sport\":$probe_port," $mon.udp &&
		grep -q "new  *udp  *10.0.1.2:$probe_port " $mon.stamped &&
		client_session $probe_port
}
check "the five monitors each report a new UDP session of their namespace" wait_for 10 probe

# seen PATTERN: poll the text monitor's output for an event.
seen() { grep -q "$1" $mon.txt; }
kb="tcp  *10.0.1.2:12340 -> 10.0.2.2:1234"

kb_run "$SERVER4" | sed 's/^/# /'
check "a SYN is reported as a new session" seen "^new  *$kb syn-sent$"
check "the RST grace timer's kill is reported, a live kill" \
	wait_for 10 seen "^invalidated $kb close reason rst-timer live-kill$"
check "... and as JSON" wait_for 5 grep -q \
	'"event":"invalidated",.*"sport":12340,.*"reason":"rst-timer","live_kill":true}' $mon.json

# A connection refused: the server's RST ends the session at once.
in_ns router flowsess set rst-invalidate-session on
in_ns client nc -w 2 "$SERVER4" 9 </dev/null 2>/dev/null
check "rst-invalidate-session on: reason rst" \
	wait_for 5 seen "^invalidated tcp  *10.0.1.2:[0-9]* -> 10.0.2.2:9 syn-sent reason rst$"

in_ns client udpflood "$SERVER4" 38000 1 7 1 >/dev/null
in_ns router flowsess clear sport 38000 >/dev/null
check "clear: reason clear" wait_for 5 seen "^invalidated udp  *10.0.1.2:38000 -> 10.0.2.2:7 - reason clear$"

in_ns router flowsess set udp-timeout 1s
in_ns client udpflood "$SERVER4" 38001 1 7 1 >/dev/null
check "the idle timeout: reason idle" \
	wait_for 10 seen "^invalidated udp  *10.0.1.2:38001 -> 10.0.2.2:7 - reason idle$"

in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
check "an ICMP echo session, with its id" wait_for 5 seen "^new  *icmp  *10.0.1.2 -> 10.0.2.2 id=[0-9]*$"

# Listening since the probe, and still at the end: its silence about the
# router's sessions means something.
check "the client namespace's monitor is still running" kill -0 $client_pid
check "... and still reports its namespace's sessions" wait_for 5 client_session 39999
client_own() { ! grep -qv ' -> 10\.0\.1\.99:9 ' $mon.client; }
check "... and none of the router's" client_own
router_own() { ! grep -q '10\.0\.1\.99' $mon.txt $mon.json; }
check "the router's monitors saw none of the client namespace's" router_own
# -t: each event stamped; a filter: TCP events seen by the others, not here.
stamped() {
	! grep -qv '^{"timestamp":"20[0-9-]*T[0-9:]*\.[0-9]\{6\}","event":' $mon.udp &&
	! grep -qv '^\[20[0-9-]*T[0-9:]*\.[0-9]\{6\}\] \(new\|invalidated\) ' $mon.stamped
}
check "-t stamps every event, JSON and text" stamped
udp_only() {
	grep -q '"proto":"tcp"' $mon.json && ! grep -q '"proto":"tcp"' $mon.udp &&
	grep -q '"proto":"udp"' $mon.udp
}
check "monitor proto udp: the UDP events, none of the TCP ones" udp_only
# A monitor that lost events, or stopped, says so on its standard error.
check "no monitor lost events or stopped" \
	[ ! -s $mon.err -a ! -s $mon.json.err -a ! -s $mon.client.err -a \
	  ! -s $mon.udp.err -a ! -s $mon.stamped.err ]
# ... nor did the kernel, whose queue to the listeners counts what it drops.
check_num "the router lost no events on their way to netlink" \
	"$(flowsess_stat router events_lost)" -eq 0
err=$(in_ns router runas 65534 flowsess monitor 2>&1)
check "without CAP_NET_ADMIN, monitor fails with EPERM" \
	[ $? -eq 1 -a -n "$(echo "$err" | grep '^flowsess: monitor: Operation not permitted')" ]

kill $pids 2>/dev/null
wait $pids 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done

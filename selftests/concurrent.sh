#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The control plane while traffic flows: session dumps, clears, knob changes
# and a monitor, all at once for 15 s, against UDP churn and a TCP
# connection. Every command succeeds, the churn really creates sessions,
# the monitor lives through it all, the connection never notices (clear
# only touches UDP), and the VM log stays clean.
. ./lib.sh

SECONDS_RUN=15
plan 12
check "the module loads" flowsess_load
check "the topology comes up" topology_up

in_ns server tcpecho server "$SERVER4" 7000 60 &
server_pid=$!
wait_for 5 listening server t 7000
in_ns client tcpecho client "$SERVER4" 7000 $((SECONDS_RUN + 5)) >/tmp/tcpecho.out &
client_pid=$!
# The monitor's own pid (not the shell's around it), to tell at the end
# whether it still runs; its events are only counted.
rm -f /tmp/monitor.pid /tmp/monitor.lines /tmp/loop.* /tmp/loop-*
in_ns router sh -c 'echo $$ >/tmp/monitor.pid; exec flowsess monitor' 2>/tmp/monitor.err |
	wc -l >/tmp/monitor.lines &
monitor_job=$!
wait_for 5 [ -s /tmp/monitor.pid ]
monitor_pid=$(cat /tmp/monitor.pid)
created=$(flowsess_stat router sessions_created)

end=$(($(date +%s) + SECONDS_RUN))
# loop NAME COMMAND...: run COMMAND until the end; count runs and failures,
# and keep what the failures said.
loop() {
	local name=$1 runs=0 failures=0
	shift
	while [ "$(date +%s)" -lt $end ]; do
		"$@" >/dev/null 2>"/tmp/loop-err.$name" ||
			{ failures=$((failures + 1)); sed 's/^/# /' "/tmp/loop-err.$name" >>"/tmp/loop-failed.$name"; }
		runs=$((runs + 1))
	done
	echo "$runs $failures" >"/tmp/loop.$name"
}
toggle_knobs() {
	in_ns router flowsess set udp-timeout 1s max-sessions 5000 &&
	in_ns router flowsess set udp-timeout 60s max-sessions 262144
}
loop traffic in_ns client udpflood "$SERVER4" 30000 2 1 500 &
loop dump in_ns router flowsess sessions &
loop summary in_ns router flowsess -j sessions summary &
loop clear in_ns router flowsess clear proto udp &
loop knobs toggle_knobs &
wait_for $((SECONDS_RUN + 30)) sh -c 'ls /tmp/loop.* | wc -l | grep -qx 5'

ran() {
	read -r runs failures <"/tmp/loop.$1"
	echo "# $1: $runs runs, $failures failed"
	cat "/tmp/loop-failed.$1" 2>/dev/null
	[ "$runs" -gt 0 ] && [ "$failures" -eq 0 ]
}
check "UDP churn ran, every flood sent whole" ran traffic
# Each flood opens up to 1000 sessions, and the clears keep emptying the
# table: more than one flood's worth pass the hook as new sessions (the
# floods after the first find their sessions cleared).
check_num "... and created sessions through the router, again after clears" \
	"$(( $(flowsess_stat router sessions_created) - created ))" -gt 1000
check "dumps ran and every one succeeded" ran dump
check "... summaries too" ran summary
check "... clears too" ran clear
check "... knob changes too" ran knobs
wait $client_pid
check "the TCP connection talked all along" [ $? -eq 0 ]
cat /tmp/tcpecho.out | sed 's/^/# /'

# A monitor that falls behind is told, and goes on, that events were lost
# (flowsess(8)): not an error. Anything else on its stderr is one, as is
# a monitor that stopped (it only stops on an error).
monitor_ok() {
	local lost
	lost=$(grep -c "events were lost" /tmp/monitor.err)
	echo "# monitor: told $lost times that events were lost"
	grep -v "events were lost" /tmp/monitor.err | sed 's/^/# monitor: /'
	kill -0 "$monitor_pid" 2>/dev/null &&
		! grep -qv "events were lost" /tmp/monitor.err
}
check "the monitor ran throughout and reported no error" monitor_ok
kill "$monitor_pid" $server_pid 2>/dev/null
wait $monitor_job 2>/dev/null
check_num "... and printed events" "$(cat /tmp/monitor.lines)" -gt 0
topology_down
check "rmmod" flowsess_unload
tap_done

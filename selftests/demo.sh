#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`, told for a person: the SCENARIO's freeze with the SRX default,
# the knob that fixes it, the sessions, and the counters in sysfs that
# explain it. Also a selftest: its checks make sure the story still holds.
ROUTER_IN_INIT=1
. ./lib.sh

step() { printf '\n==> %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }
# run COMMAND...: show a router command and its output.
run() {
	printf '    router# %s\n' "$*"
	"$@" 2>&1 | sed 's/^/      /'
}
sysfs() {
	local c
	for c in "$@"; do
		printf '    router# cat /sys/kernel/flowsess/%s\n      %s\n' "$c" \
			"$(cat "/sys/kernel/flowsess/$c")"
	done
}
# tell CLIENT_PORT KBFLOW_OUTPUT: the client's story in words.
tell() {
	local port=$1 stall
	shift
	stall=$(kv stall_ms "$1")
	say "client: connect to 10.0.2.2:1234 from port $port -> refused (RST)"
	say "client: retry 500 ms later from the same port -> connected"
	say "client: one message every 100 ms: $(kv echoed "$1") of $(kv sent "$1") echoed"
	if [ "$stall" = -1 ]; then
		say "client: never stalled"
	else
		say "client: FROZE $stall ms after the RST"
	fi
}

step "A router (this VM) between a client and a server, each in a network namespace"
topology_up || exit 1
say "client 10.0.1.2 --- 10.0.1.1 router 10.0.2.1 --- 10.0.2.2 server"
run modload nf_defrag_ipv4
run modload nf_defrag_ipv6
run insmod /lib/flowsess/flowsess.ko
say "For a minute after the load, connections already open are picked up in"
say "mid-stream (pickup-period). That would revive the very connection this"
say "demo shows dying; its connections all start after the load: no pickup."
run flowsess set pickup-period 0
run flowsess show

step "The SCENARIO with the SRX default (rst-invalidate-session off)"
say "The server is not listening yet: its RST puts the session in a 2 s grace."
say "The client's retry reuses the same ports, so it lands on that doomed session."
out=$(kb_run "$SERVER4" 12340)
tell 12340 "$out"
default_stall=$(kv stall_ms "$out")
run flowsess stats
say "rst_timer_live_kills: the grace timer killed a connection that was alive."

step "The fix: flowsess set rst-invalidate-session on"
run flowsess set rst-invalidate-session on
say "Now the RST ends the session at once; the retry opens a new one."
kb_run "$SERVER4" 12341 >/tmp/kb.out &
kb_pid=$!
listed() { flowsess sessions dport 1234 state established | grep -q ':12341 '; }
wait_for 5 listed
listed_rc=$?
run flowsess sessions
wait $kb_pid
out=$(cat /tmp/kb.out)
tell 12341 "$out"
fixed_stall=$(kv stall_ms "$out")
fixed_echoed=$(kv echoed "$out")

step "The counters, in sysfs (the initial namespace: this router)"
sysfs sessions_created invalidated_rst invalidated_rst_timer drop_no_session \
	rst_timer_live_kills
run flowsess sessions summary

step "What the demo showed"
plan 5
check_num "the default policy froze the client about 2 s after the RST" "$default_stall" -ge 1900
check_num "... and the router counted that live kill" \
	"$(cat /sys/kernel/flowsess/rst_timer_live_kills)" -eq 1
check "with rst-invalidate-session on the client never stalled" [ "$fixed_stall" = -1 ]
check_num "... and every message was echoed" "$fixed_echoed" -ge 45
check "the session list showed the new connection established" [ "$listed_rc" -eq 0 ]
topology_down
flowsess_unload
tap_done

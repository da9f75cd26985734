#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /sys/kernel/flowsess/: the counters of the initial namespace, one value
# per read-only file, the same as `flowsess stats` there, and including the
# live kill that explains the SCENARIO's freeze. The module's load opens a
# pickup period in the initial namespace, which would pick the SCENARIO's
# connection up again and whose gauge (pickup_remaining_ms) changes from
# one read to the next: the test closes it (pickup.sh tests it).
ROUTER_IN_INIT=1
. ./lib.sh

dir=/sys/kernel/flowsess
plan 10
check "the module loads" flowsess_load
check "no pickup period" flowsess set pickup-period 0
check "the topology comes up, routed by the initial namespace" topology_up

check "one file per counter of flowsess stats" \
	[ "$(ls "$dir" | sort)" = "$(flowsess stats | awk '{ print $1 }' | sort)" ]
out=$(kb_run "$SERVER4")
echo "$out" | sed 's/^/# /'
in_ns client ping -q -c 2 -i 0.2 -W 2 "$SERVER4" >/dev/null
# The RST grace timer (2 s) has fired once the live kill is counted.
live_kill() { [ "$(cat $dir/rst_timer_live_kills)" -ge 1 ]; }
check "the SCENARIO's live kill is in rst_timer_live_kills" wait_for 10 live_kill
check_num "packets_ipv4 counts the forwarded packets" "$(cat $dir/packets_ipv4)" -ge 10

# Timers may still retire sessions between two reads: poll for agreement.
same() {
	local name value
	flowsess stats >/tmp/stats
	while read -r name value; do
		[ "$(cat "$dir/$name")" = "$value" ] || return 1
	done </tmp/stats
}
check "every file reads what flowsess stats reads" wait_for 10 same
check "the files are read-only" sh -c "! echo 0 2>/dev/null >$dir/packets_ipv4"
check_num "another namespace's counters stay apart" \
	"$(in_ns client flowsess stats | awk '$1 == "packets_ipv4" { print $2 }')" -eq 0

topology_down
flowsess_unload
check "rmmod removes the directory" [ ! -e "$dir" ]
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The SCENARIO, both ways, IPv4 and IPv6. The client connects from port
# 12340 to port 1234 before the server listens and gets a RST; 500 ms later
# it retries from the same port and exchanges a message every 100 ms.
#  - rst-invalidate-session off (the SRX default): the retry completes its
#    handshake on the doomed session, and the exchange stalls when the RST
#    grace timer (2 s) fires; the router counts the drops and a live kill.
#  - on: the RST ends the session at once, the retry creates a new one and
#    every message is echoed.
. ./lib.sh

plan 26
check "the module loads" flowsess_load

kb_case() {
	local family=$1 knob=$2 server out
	if [ "$family" = 4 ]; then server=$SERVER4; else server=$SERVER6; fi
	flowsess_param rst_invalidate_session "$knob"
	topology_up || return 1
	out=$(kb_run "$server")
	echo "$out" | sed "s/^/# IPv$family knob=$knob: /"

	local name="IPv$family, rst-invalidate-session $knob"
	check "$name: refused, then connected from the same port" \
		[ "$(kv refused "$out")$(kv connected "$out")" = 11 ]
	if [ "$knob" = 0 ]; then
		# The grace timer fires 2000 ms after the RST; a message is sent
		# every 100 ms, so the first lost one leaves in [2000, 2100].
		check_num "$name: the exchange stalls no earlier than 1.9 s after the RST" \
			"$(kv stall_ms "$out")" -ge 1900
		check_num "$name: ... and no later than 2.6 s" "$(kv stall_ms "$out")" -le 2600
		check_num "$name: the router dropped segments with no session" \
			"$(flowsess_stat router drop_no_session)" -ge 1
		check_num "$name: the router counted one live kill" \
			"$(flowsess_stat router rst_timer_live_kills)" -eq 1
		check_num "$name: the RST timer invalidated the session" \
			"$(flowsess_stat router invalidated_rst_timer)" -ge 1
	else
		check "$name: no stall" [ "$(kv stall_ms "$out")" = -1 ]
		check_num "$name: every message of the 5 s was echoed" \
			"$(kv echoed "$out")" -ge 45
		check_num "$name: the RST invalidated the session at once" \
			"$(flowsess_stat router invalidated_rst)" -ge 1
		check_num "$name: no live kill" \
			"$(flowsess_stat router rst_timer_live_kills)" -eq 0
		check_num "$name: no segment dropped for want of a session" \
			"$(flowsess_stat router drop_no_session)" -eq 0
	fi
	topology_down
}

for family in 4 6; do
	for knob in 0 1; do
		kb_case "$family" "$knob"
	done
done

check "rmmod" flowsess_unload
tap_done

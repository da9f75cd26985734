#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing: random and malformed requests against the family (random
# commands, flags, attribute types, lengths, values and nesting, truncated
# and corrupted messages). Unprivileged, nothing changes; as root, whatever
# the requests did, the family still answers and the router still forwards.
# The VM log must stay free of reports. The debug kernel answers the first
# 30 000 of the root run's requests (the same seed: the same requests).
. ./lib.sh

ROOT_REQUESTS=$(stress 100000 30000)

plan 9
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set udp-timeout 3600
in_ns client udpflood "$SERVER4" 20000 1 1 200 >/dev/null
before=$(in_ns router flowsess -j show)
active=$(flowsess_stat router sessions_active)
check_num "200 sessions to dump and clear" "$active" -ge 200

out=$(in_ns router runas 65534 nlraw fuzz 20000 7)
echo "# unprivileged: $out"
check "unprivileged: 20 000 requests, some refused with EPERM" \
	sh -c "echo '$out' | grep -q '^sent=20000 .* EPERM=[1-9]'"
check "... and nothing changed: the knobs" [ "$(in_ns router flowsess -j show)" = "$before" ]
check_num "... nor the sessions" "$(flowsess_stat router sessions_active)" -eq "$active"

out=$(in_ns router nlraw fuzz $ROOT_REQUESTS 42)
echo "# as root: $out"
check "as root: $ROOT_REQUESTS requests, each answered" \
	sh -c "echo '$out' | grep -q '^sent=$ROOT_REQUESTS accepted=[0-9]* E'"
check "the family still answers, and takes the knobs back" \
	in_ns router flowsess set rst-invalidate-session off rst-grace-delay 2s \
		max-sessions 262144 tcp-initial-timeout 20 tcp-timeout 1800 \
		udp-timeout 60 icmp-timeout 60 other-timeout 1800
out=$(kb_run "$SERVER4")
check "the router still forwards (the SCENARIO runs)" [ "$(kv connected "$out")" = 1 ]
topology_down
flowsess_unload
tap_done

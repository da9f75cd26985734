#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What a session tells beyond its tuple: its id, the interfaces it came in
# and went out by, its age and idle time; and, with the accounting knob on
# when it was created, packets and bytes per direction (nf_conntrack's
# acct). Accounting off, the default, carries no counters.
. ./lib.sh

# json_field PROTO NAME: NAME's value in the JSON of the router's PROTO session.
json_field() {
	in_ns router flowsess -j sessions proto "$1" |
		grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2
}
ifindex() { in_ns router cat "/sys/class/net/$1/ifindex"; }
knob() { in_ns router flowsess show | awk -v k="$1" '$1 == k { print $2 }'; }

plan 12
check "the module loads" flowsess_load
check "the topology comes up" topology_up
check "accounting is off by default" [ "$(knob accounting)" = off ]
in_ns router flowsess set icmp-timeout 3600 udp-timeout 3600

in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
check "a session without accounting has no counters" \
	[ -z "$(json_field icmp packets_orig)" ]
check_num "its id is not 0" "$(json_field icmp id)" -gt 0
check_num "it came in by r0" "$(json_field icmp iif)" -eq "$(ifindex r0)"
check_num "... and went out by r1" "$(json_field icmp oif)" -eq "$(ifindex r1)"
in_ns router flowsess clear all >/dev/null

in_ns router flowsess set accounting on
check "accounting on" [ "$(knob accounting)" = on ]
# Three pings of 56 bytes of data: 84-byte IPv4 packets each way.
in_ns client ping -q -c 3 -i 0.3 -W 2 "$SERVER4" >/dev/null
check_num "3 packets out" "$(json_field icmp packets_orig)" -eq 3
check_num "... 252 bytes" "$(json_field icmp bytes_orig)" -eq 252
check_num "3 packets back" "$(json_field icmp packets_reply)" -eq 3
sleep 1.1
check_num "the age counts in seconds" "$(json_field icmp age_s)" -ge 1
topology_down
flowsess_unload
tap_done

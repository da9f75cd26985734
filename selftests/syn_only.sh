#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Only a SYN creates a TCP session: a first segment that is not a SYN is
# dropped and counted. Malformed TCP headers are dropped and counted.
. ./lib.sh

plan 12
check "the module loads" flowsess_load
check "the topology comes up" topology_up

stat() { flowsess_stat router "$1"; }

in_ns client rawtcp "$CLIENT4" "$SERVER4" 40000 80 A
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40000 80 A
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40001 80 SA
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40002 80 F
check_num "ACK, SYN-ACK and FIN without a session are dropped" "$(stat drop_no_session)" -eq 4
check_num "... and create no session" "$(stat sessions_created)" -eq 0

in_ns client rawtcp "$CLIENT4" "$SERVER4" 40003 80 S
check_num "a SYN creates a session" "$(stat sessions_created)" -eq 1
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40003 80 S
check_num "an IPv6 SYN creates a session" "$(stat sessions_created)" -eq 2

in_ns client rawtcp "$CLIENT4" "$SERVER4" 40004 80 S 15 20
check_num "a data offset past the segment is a bad header" "$(stat drop_bad_header)" -eq 1
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40005 80 S 4 20
check_num "a data offset under 5 words is a bad header" "$(stat drop_bad_header)" -eq 2
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40006 80 S 5 12
check_num "a truncated TCP header is a bad header" "$(stat drop_bad_header)" -eq 3
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40006 80 S 15 20
check_num "the same on IPv6" "$(stat drop_bad_header)" -eq 4
check_num "bad headers create no session" "$(stat sessions_created)" -eq 2

check "rmmod" flowsess_unload
topology_down
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Malformed requests (unknown attributes, wrong types and lengths, values
# out of range, bad filters, truncated messages) are rejected with an error
# and, where the request got as far as its attributes, an extack message;
# nothing changes and nothing breaks.
. ./lib.sh

# expect CASE ERRNO EXTACK: nlraw's answer to CASE.
expect() {
	local got
	got=$(in_ns router nlraw "$1")
	check "$1: $2${3:+, \"$3\"}" [ "$got" = "errno=$2 extack=$3" ] ||
		echo "# got: $got"
}

plan 56
check "the module loads" flowsess_load
check "the topology comes up" topology_up

expect top_unknown		EINVAL	"Unknown attribute type"
expect top_unsupported		EINVAL	"Unsupported attribute"
expect no_genlhdr		EINVAL	""
expect bad_cmd			EOPNOTSUPP ""
expect truncated_attr		EINVAL	"bytes leftover after parsing attributes"
expect cfg_missing		EINVAL	"FLOWSESS_A_CONFIG is required"
expect cfg_empty		EINVAL	"no knob to set"
expect cfg_unknown		EINVAL	"Unknown attribute type"
expect cfg_short		EINVAL	"invalid attribute length"
expect cfg_range		ERANGE	"integer out of range"
expect cfg_not_nested		EINVAL	"NLA_F_NESTED is missing"
expect cfg_partial		ERANGE	"integer out of range"
expect filter_addr5		EINVAL	"an address is 4 or 16 bytes"
expect filter_addr17		EINVAL	"an address is 4 or 16 bytes"
expect filter_plen33		EINVAL	"prefix length longer than the address"
expect filter_plen_only		EINVAL	"a prefix length needs an address"
expect filter_family		EINVAL	"family is AF_INET or AF_INET6"
expect filter_family_u32	EINVAL	"invalid attribute length"
expect filter_mix		EINVAL	"address family mismatch"
expect filter_family_conflict	EINVAL	"address family mismatch"
expect filter_state		ERANGE	"integer out of range"
expect filter_port_u32		EINVAL	"invalid attribute length"
expect clear_bad		EINVAL	"an address is 4 or 16 bytes"
expect dump_valid		0	""
# Importing a session (state sync): only one the packet path could have made.
expect import_none		EINVAL	"FLOWSESS_A_SESSION is required"
expect import_family		EINVAL	"family is AF_INET or AF_INET6"
expect import_addr_len		EINVAL	"address length does not match the family"
expect import_no_ports		EINVAL	"this protocol's session needs its ports"
expect import_echo_ports	EINVAL	"an echo session has its identifier in both ports"
expect import_ports_gre		EINVAL	"this protocol's session has no ports"
expect import_tcp_no_state	EINVAL	"a TCP session needs a TCP state, and only a TCP session has one"
expect import_udp_state		EINVAL	"a TCP session needs a TCP state, and only a TCP session has one"
expect import_udp_peer		EINVAL	"only a TCP session has sequence tracking"
expect import_scale		ERANGE	"integer out of range"
expect import_flags		EINVAL	"reserved bit set"
expect import_reason		EINVAL	"a session that ended (reason) has no expiry"
expect import_reason0		ERANGE	"integer out of range"
expect import_end_none		ENOENT	"no live session has this original tuple"
expect import_expires0		ERANGE	"integer out of range"
expect import_maxwin		ERANGE	"integer out of range"
expect import_established	EINVAL	"only an ESTABLISHED TCP session counts as established"
expect import_if_copy		EINVAL	"only an end (reason) is of a copy only"
check_num "... and none of them made a session" "$(flowsess_stat router sessions_imported)" -eq 0
expect import_valid		0	""
check "... which makes the session, established, replied" \
	eval 'in_ns router flowsess sessions sport 40000 | grep -q " tcp  *10.0.1.2:40000  *10.0.2.2:80  *-  *-  *established  *yes "'
expect import_reverse		EEXIST	"a session has this tuple the other way round"
check_num "... counted once" "$(flowsess_stat router sessions_imported)" -eq 1
expect import_end		0	""
check "... and its end ends it" \
	eval '[ "$(in_ns router flowsess sessions sport 40000 | sed 1d | wc -l)" -eq 0 ]'
check_num "... counted once" "$(flowsess_stat router invalidated_sync)" -eq 1

knob() { in_ns router flowsess show | awk -v k="$1" '$1 == k { print $2 }'; }
check "all or nothing: the valid half of cfg_partial was not applied" \
	[ "$(knob rst-invalidate-session)" = off ]
check "the family still answers" in_ns router flowsess stats
out=$(kb_run "$SERVER4")
check "and the router still forwards" [ -n "$(kv stall_ms "$out")" ]
topology_down
check "rmmod" flowsess_unload
tap_done

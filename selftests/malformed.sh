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

plan 30
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

knob() { in_ns router flowsess show | awk -v k="$1" '$1 == k { print $2 }'; }
check "all or nothing: the valid half of cfg_partial was not applied" \
	[ "$(knob rst-invalidate-session)" = off ]
check "the family still answers" in_ns router flowsess stats
out=$(kb_run "$SERVER4")
check "and the router still forwards" [ -n "$(kv stall_ms "$out")" ]
topology_down
check "rmmod" flowsess_unload
tap_done

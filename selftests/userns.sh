#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CAP_NET_ADMIN over the namespace, not over the machine: an unprivileged
# user who makes a user namespace with its own network namespace configures
# and reads that namespace only; root of a user namespace is refused on the
# router's.
. ./lib.sh

plan 9
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
sessions_before=$(in_ns router flowsess sessions | wc -l)

# own NS...: run as nobody in a new user namespace (and NS, e.g. -n).
own() {
	local flags=$1
	shift
	runas 65534 unshare -U -r $flags "$@"
}
check "unprivileged, in its own user and network namespace: set works" \
	own -n sh -c 'flowsess set rst-invalidate-session on && flowsess show | grep -q "^rst-invalidate-session  *on$"'
check_num "... and its session list is its own, empty" \
	"$(own -n flowsess sessions | awk 'NR > 1' | wc -l)" -eq 0
# refused ARGS...: root of a new user namespace, in the router's network
# namespace, runs flowsess ARGS and is refused.
refused() {
	in_ns router runas 65534 unshare -U -r flowsess "$@" 2>&1 |
		grep -q 'Operation not permitted'
}
check "root of a user namespace may not set the router's knobs" \
	refused set rst-invalidate-session on
check "... nor dump its sessions" refused sessions
check "... nor clear them" refused clear
check "the router's knobs did not change" \
	[ "$(in_ns router flowsess show | awk '$1 == "rst-invalidate-session" { print $2 }')" = off ]
check_num "... nor its sessions" "$(in_ns router flowsess sessions | wc -l)" -eq "$sessions_before"
topology_down
flowsess_unload
tap_done

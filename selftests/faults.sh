#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection, on the debug kernel (its config has FAILSLAB). Every
# error path of the module that an allocation failure can take runs:
#  - in the packet path: failslab on the session cache fails ten session
#    allocations, each packet dropped and counted, the flows made after;
#    against a full table no allocation is even tried;
#  - at load: the module is loaded with its 1st, 2nd, 3rd... allocation
#    failing (/proc/thread-self/fail-nth, the failnth helper), which covers
#    the module's init and its setup of a namespace (the initial one): each
#    load fails cleanly or copes, until one passes with no fault left;
#  - in netlink: each request, with its 1st, 2nd... allocation failing
#    (nlraw -f), is refused or answered, never left hanging, until it passes.
# The kmemleak scan at the end of the VM run finds nothing any of them left.
. ./lib.sh

dbg=/sys/kernel/debug
fs=$dbg/failslab

plan 22
check "the module loads" flowsess_load
check "the topology comes up" topology_up

# --- the session allocation, in the packet path (GFP_ATOMIC) ---
# The session cache carries SLAB_FAILSLAB from birth: check.sh boots the
# debug kernel with slub_debug=A,flowsess_session (6.1's sysfs file is
# read-only). Only that cache, and ten times.
cache=/sys/kernel/slab/flowsess_session
failslab_sessions() {
	[ "$(cat $cache/failslab)" = 1 ] && echo 0 >"$fs/verbose" &&
		echo Y >"$fs/cache-filter" && echo 1 >"$fs/interval" &&
		echo 10 >"$fs/times" && echo 100 >"$fs/probability"
}
check "failslab on the session cache, the next 10 allocations" failslab_sessions
kmsg_mark faults-nomem
in_ns client udpflood "$SERVER4" 41000 10 9 1 >/dev/null
dropped=$(flowsess_stat router drop_nomem) made=$(flowsess_stat router sessions_created)
in_ns client udpflood "$SERVER4" 41000 10 9 1 >/dev/null
echo 0 >"$fs/probability"
echo "# 10 flows, then again: $dropped dropped for want of memory, $made made, then $(flowsess_stat router sessions_created)"
check "10 new flows: each dropped and counted in drop_nomem, no session made" \
	[ "$dropped" -eq 10 -a "$made" -eq 0 ]
check "... and the kernel log says so (rate-limited)" \
	kmsg_since faults-nomem "flowsess: out of memory, dropping packet"
check_num "the fault spent: the same 10 flows make their sessions" \
	"$(flowsess_stat router sessions_created)" -eq 10

# A full table allocates nothing: a new flow's place is taken before its
# session is allocated. Ten answered flows fill a table of ten with what
# may not be evicted (established, not idle for early-ageout); the armed
# fault then meets no allocation.
in_ns router flowsess clear all >/dev/null
in_ns router flowsess set max-sessions 10 early-ageout 600
in_ns server udpecho server "$SERVER4" 5353 600 &
echo_pid=$!
wait_for 5 listening server u 5353
for i in $(seq 0 9); do
	in_ns client udpecho client "$SERVER4" 5353 1 $((46000 + i)) >/dev/null
done
check_num "10 answered flows fill a table of 10" \
	"$(flowsess_stat router sessions_active)" -eq 10
full=$(flowsess_stat router drop_table_full) nomem=$(flowsess_stat router drop_nomem)
check "failslab on the session cache again" failslab_sessions
in_ns client udpflood "$SERVER4" 42000 10 9 1 >/dev/null
echo 0 >"$fs/probability"
full=$(($(flowsess_stat router drop_table_full) - full))
nomem=$(($(flowsess_stat router drop_nomem) - nomem))
echo "# 10 flows against a full table: $full dropped for it, $nomem for want of memory"
check "... refused for the full table, no allocation tried" [ "$full" -eq 10 -a "$nomem" -eq 0 ]
kill $echo_pid 2>/dev/null

topology_down
check "rmmod" flowsess_unload


# fail-nth fails whatever failslab and fail_page_alloc let through: every
# slab and page allocation, sleeping or not (the table's buckets come from
# pages). Nothing fails unless a thread arms it (probability 0).
fp=$dbg/fail_page_alloc
all_allocations() {
	echo N >"$fs/cache-filter" && echo N >"$fs/ignore-gfp-wait" &&
		echo 0 >"$fs/probability" && echo 0 >"$fs/verbose" &&
		echo N >"$fp/ignore-gfp-wait" && echo 0 >"$fp/min-order" &&
		echo 0 >"$fp/probability" && echo 0 >"$fp/verbose"
}
check "fault filters off" all_allocations

# --- loads, each with one allocation failing ---
n=1 loaded=0 broken=0 refused=0 left=0 errors=
while [ $n -le 5000 ]; do
	out=$(failnth $n /lib/flowsess/flowsess.ko)
	case "$out" in
	"errno=0 fault=unused") break ;;
	"errno=0 "*)
		# It coped with the fault: then it must work.
		loaded=$((loaded + 1))
		flowsess show >/dev/null 2>&1 && [ -d /sys/kernel/flowsess ] ||
			broken=$((broken + 1))
		rmmod flowsess
		;;
	*)
		refused=$((refused + 1))
		errors="$errors ${out%% *}"
		! grep -q '^flowsess ' /proc/modules || left=$((left + 1))
		;;
	esac
	n=$((n + 1))
done
echo "# $((n - 1)) faulty loads: $refused refused ($(echo $errors | tr ' ' '\n' | sort | uniq -c | tr -s '\n ' ' ')), $loaded loaded all the same"
check "a load with each of its allocations failing in turn ends (the last one passes)" \
	[ $n -le 5000 ]
check_num "... the faults were felt: loads refused" $refused -ge 1
check_num "... and a refused load leaves no module behind" $left -eq 0
check_num "... and one that loaded all the same works" $broken -eq 0
check "the module is loaded, after the fault-free load" grep -q '^flowsess ' /proc/modules
check "the topology comes up" topology_up

# --- each netlink request with one allocation failing ---
# faulty_requests CASE: nlraw -f 1, 2... until the fault goes unused; each
# must be answered (refused, or its answer lost: ENOBUFS), none hang.
faulty_requests() {
	local n=1 out seen=
	while [ $n -le 200 ]; do
		out=$(in_ns router nlraw -f $n "$1") || return 1
		case "$out" in
		"errno=0 fault=unused") break ;;
		"errno=EAGAIN "*) echo "# $1, fault $n: no answer"; return 1 ;;
		esac
		seen="$seen ${out%% *}"
		n=$((n + 1))
	done
	echo "# $1: $((n - 1)) faulty requests:$(echo $seen | tr ' ' '\n' | sort | uniq -c | tr -s '\n ' ' ')"
	[ $n -le 200 ] && echo "$seen" | grep -q ENOMEM
}
check "get_stats with each allocation failing: refused (ENOMEM among them) or answered" \
	faulty_requests get_stats
check "... get_config" faulty_requests get_config
check "... set_config" faulty_requests set_config
answers() { in_ns router flowsess stats >/dev/null; }
check "the family answers after" answers

topology_down
check "rmmod" flowsess_unload
tap_done

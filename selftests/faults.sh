#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection, on the debug kernel (its config has FAILSLAB and
# FAIL_FUNCTION): the session allocation fails (failslab on the session
# cache), a namespace's setup fails (its table, its hooks), and a netlink
# reply cannot be allocated (fail_function on the functions the module
# marks ALLOW_ERROR_INJECTION). Each error path runs, is counted where a
# counter exists, and everything works again once the fault is gone; the
# kmemleak scan at the end of the VM run finds nothing left behind.
. ./lib.sh

dbg=/sys/kernel/debug
fs=$dbg/failslab ff=$dbg/fail_function

# fault_attr DIR TIMES: fail the next TIMES calls, every one, silently (a
# verbose fault prints a stack trace, which the verdict counts as a report).
fault_attr() {
	echo 0 >"$1/verbose" && echo 0 >"$1/task-filter" && echo 1 >"$1/interval" &&
		echo "$2" >"$1/times" && echo 100 >"$1/probability"
}
# fail_function FUNC RETVAL TIMES: the next TIMES calls of FUNC return RETVAL.
fail_function() {
	echo "$1" >"$ff/inject" && echo "$2" >"$ff/$1/retval" && fault_attr "$ff" "$3"
}
no_fault() { echo >"$ff/inject"; echo 0 >"$ff/probability"; }

plan 16
check "the module loads" flowsess_load
check "the topology comes up" topology_up

# --- the session allocation, in the packet path (GFP_ATOMIC) ---
cache=/sys/kernel/slab/flowsess_session
# Only atomic allocations fail (ignore-gfp-wait), only the session cache's.
failslab_sessions() {
	echo 1 >"$cache/failslab" && echo Y >"$fs/cache-filter" &&
		echo Y >"$fs/ignore-gfp-wait" && fault_attr "$fs" 10
}
check "failslab on the session cache, the next 10 allocations" failslab_sessions
in_ns client udpflood "$SERVER4" 41000 10 9 1 >/dev/null
check_num "10 new flows: each dropped for want of memory" \
	"$(flowsess_stat router drop_nomem)" -eq 10
check_num "... no session was made" "$(flowsess_stat router sessions_created)" -eq 0
in_ns client udpflood "$SERVER4" 41000 10 9 1 >/dev/null
check_num "the fault spent: the same 10 flows make their sessions" \
	"$(flowsess_stat router sessions_created)" -eq 10
check_num "... and nothing more was dropped" "$(flowsess_stat router drop_nomem)" -eq 10
echo 0 >"$fs/probability"
echo 0 >"$cache/failslab"

# --- a namespace's setup: its table, then its hooks ---
# setup_fails FUNC: with FUNC failing once, a new namespace cannot be made
# (the module's init fails it, and unwinds what it had set up); the next one
# can, and flowsess answers there.
setup_fails() {
	fail_function "$1" -12 1 || return 1
	if ip netns add faulty 2>/dev/null; then
		echo "# ip netns add succeeded with $1 failing"
		no_fault
		return 1
	fi
	no_fault
	[ ! -e /run/netns/faulty ] && ip netns add healthy &&
		in_ns healthy flowsess show >/dev/null && ip netns del healthy
}
check "the table's allocation fails: no namespace, then one" setup_fails flowsess_table_init
check "the hooks' registration fails: no namespace, then one" setup_fails flowsess_hooks_register

# --- a netlink reply that cannot be allocated ---
check "fail_function on the module's message allocation, once" \
	fail_function flowsess_nl_msg_new 0 1
out=$(in_ns router flowsess show 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
check_num "flowsess show fails" $rc -eq 1
says_why() { echo "$out" | grep -q 'Cannot allocate memory'; }
check "... and says why" says_why
no_fault
check "the next request is answered" in_ns router flowsess show >/dev/null
check "stats too" in_ns router flowsess stats >/dev/null

topology_down
check "rmmod" flowsess_unload
check "the session cache was destroyed, so empty" \
	[ -z "$(grep '^flowsess_session ' /proc/slabinfo)" ]
tap_done

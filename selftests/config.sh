#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The knobs over generic netlink with the flowsess tool: per namespace, at
# run time, with the kernel's extack text on a rejected value.
. ./lib.sh

plan 17
check "the module loads" flowsess_load
check "the topology comes up" topology_up

knob() { in_ns "$1" flowsess show | awk -v k="$2" '$1 == k { print $2 }'; }

check "defaults: rst-invalidate-session off" [ "$(knob router rst-invalidate-session)" = off ]
check "defaults: rst-grace-delay 2s" [ "$(knob router rst-grace-delay)" = 2s ]
check "set rst-invalidate-session on in the router" \
	in_ns router flowsess set rst-invalidate-session on
check "... the router shows it" [ "$(knob router rst-invalidate-session)" = on ]
check "... the client namespace keeps its own" [ "$(knob client rst-invalidate-session)" = off ]
check "JSON output" in_ns router sh -c 'flowsess -j show | grep -q "\"rst_invalidate_session\":true"'

err=$(in_ns router flowsess set rst-grace-delay 601s 2>&1)
rc=$?
echo "$err" | sed 's/^/# /'
check "an out-of-range value fails: the knob, as typed, and its range" \
	[ $rc -eq 1 -a "$err" = "flowsess: set: rst-grace-delay 601s is out of range: 0s to 600s" ]
err=$(in_ns router flowsess set max-sessions 20 rst-grace-delay 700000ms 2>&1)
rc=$?
echo "$err" | sed 's/^/# /'
check "... in the unit it was typed in" \
	[ $rc -eq 1 -a "$err" = "flowsess: set: rst-grace-delay 700000ms is out of range: 0ms to 600000ms" ]
err=$(in_ns router runas 65534 flowsess set rst-invalidate-session off 2>&1)
rc=$?
echo "$err" | sed 's/^/# /'
check "without CAP_NET_ADMIN, set fails with EPERM" \
	[ $rc -eq 1 -a -n "$(echo "$err" | grep 'Operation not permitted')" ]
check "... and changes nothing" [ "$(knob router rst-invalidate-session)" = on ]
show_unprivileged() { in_ns router runas 65534 flowsess show >/dev/null; }
check "without CAP_NET_ADMIN, show still works" show_unprivileged

in_ns router flowsess set no-such-knob 1 2>/dev/null
check "an unknown knob is a usage error" [ $? -eq 2 ]

# The flip took effect at run time: the SCENARIO now works (module
# parameter still off).
out=$(kb_run "$SERVER4")
echo "$out" | sed 's/^/# /'
check "the knob set by netlink fixes the SCENARIO: no stall" [ "$(kv stall_ms "$out")" = -1 ]

topology_down
check "rmmod" flowsess_unload
err=$(flowsess show 2>&1)
check "without the module the tool says so, and how to load it" \
	[ "$err" = "flowsess: the flowsess kernel module is not loaded (as root: modprobe flowsess)" ]
tap_done

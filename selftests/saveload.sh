#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# flowsess save and flowsess load: a policy saved from one namespace and
# loaded into a fresh one reads back the same; a file with a bad line, or
# a knob the kernel refuses, changes nothing and names the line.
. ./lib.sh

plan 15
check "the module loads" flowsess_load
check "the topology comes up" topology_up
show() { in_ns "$1" flowsess show; }

check "a policy set in the router" in_ns router flowsess set rst-invalidate-session on \
	syn-reopen on time-wait-state session-timeout 30 tcp-timeout 3600 \
	max-sessions 5000 early-ageout 10 high-watermark 90 low-watermark 70
show router >/tmp/router.show
check "save writes it to a file" in_ns router flowsess save /tmp/policy.conf
sed 's/^/# /' /tmp/policy.conf
to_stdout() { in_ns router flowsess save >/tmp/stdout.conf && cmp -s /tmp/stdout.conf /tmp/policy.conf; }
check "... the same as save to standard output" to_stdout

ip netns add fresh
same_as_router() { show fresh >/tmp/fresh.show && cmp -s /tmp/fresh.show /tmp/router.show; }
differs() { ! same_as_router; }
check "a fresh namespace has other knobs" differs
check "load applies the file there" in_ns fresh flowsess load /tmp/policy.conf
check "... and it reads back as the router's" same_as_router

# fails FILE STATUS PATTERN: load FILE into fresh exits STATUS, says PATTERN,
# and changes nothing.
fails() {
	local out rc
	out=$(in_ns fresh flowsess load "$1" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	[ $rc -eq "$2" ] && echo "$out" | grep -q "$3" && same_as_router
}
printf 'rst-invalidate-session off\n\nno-such-knob 1\n' >/tmp/bad.conf
check "an unknown knob: a usage error on its line, nothing changed" \
	fails /tmp/bad.conf 2 '/tmp/bad.conf:3: unknown knob "no-such-knob"'
printf '# range\nrst-invalidate-session off\nrst-grace-delay 601s\n' >/tmp/range.conf
check "a value the kernel refuses: its line and the kernel's words, nothing changed" \
	fails /tmp/range.conf 1 '/tmp/range.conf:3: Numerical result out of range: integer out of range'
printf 'no-syn-check on\nstrict-syn-check on\n' >/tmp/clash.conf
check "knobs that exclude each other: the line, nothing changed" \
	fails /tmp/clash.conf 1 '/tmp/clash.conf:2: .*exclude each other'
from_stdin() { in_ns fresh flowsess load - </tmp/policy.conf; }
check "load reads standard input" from_stdin
err=$(in_ns fresh runas 65534 flowsess load /tmp/policy.conf 2>&1)
check "without CAP_NET_ADMIN, load fails with EPERM" \
	[ $? -eq 1 -a -n "$(echo "$err" | grep 'Operation not permitted')" ]
in_ns fresh flowsess load /nonexistent 2>/dev/null
check "a missing file fails" [ $? -eq 1 ]

ip netns del fresh
topology_down
check "rmmod" flowsess_unload
tap_done

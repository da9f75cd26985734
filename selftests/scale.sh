#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A namespace at scale: 1 000 000 UDP sessions (20 000 on the debug
# kernel), every one of them in a dump, aged out by the collector with no
# packet to help, then filled again and cleared; each time the memory comes
# back to where it started. The hash resizes itself all the way up and down.
. ./lib.sh

n=$(stress 1000000 20000)
ndport=10000 nsport=$((n / 10000))

# mem_kib: slab and vmalloc in use, KiB (the hash's bucket arrays are
# vmalloc'd once big).
mem_kib() {
	awk '$1 == "Slab:" || $1 == "VmallocUsed:" { kib += $2 } END { print kib }' /proc/meminfo
}
# slab_objs: flowsess_session objects in use (the VM boots with slab_nomerge).
slab_objs() { awk '$1 == "flowsess_session" { print $2 }' /proc/slabinfo; }
active() { flowsess_stat router sessions_active; }
# fill SPORT: N sessions from client ports SPORT.. to server ports 1..;
# sent again while the router misses some (a busy backlog may drop).
fill() {
	local try
	for try in 1 2 3; do
		in_ns client udpflood "$SERVER4" "$1" $nsport 1 $ndport >/dev/null
		[ "$(active)" -ge $n ] && return 0
	done
	echo "# $(active) sessions after 3 tries"
	return 1
}
# settled KIB: memory back within 16 MiB of KIB, once RCU freed the rest;
# and, on the stock kernel, the session objects too (within what the CPUs'
# slab caches keep; the debug kernel's KASAN holds freed objects in its
# quarantine).
settled() {
	[ "$(mem_kib)" -le $(($1 + 16384)) ] &&
		{ [ "$(stress stock debug)" = debug ] || [ "$(slab_objs)" -le 1024 ]; }
}

plan 13
check "the module loads" flowsess_load
check "the topology comes up" topology_up
# Room for the 10 flows kept alive below, so that none is evicted; the
# router is a namespace of its own, capped by netns_max_sessions.
flowsess_param netns_max_sessions $((n + 10))
in_ns router flowsess set max-sessions $((n + 10)) udp-timeout 3600s
mem0=$(mem_kib) objs0=$(slab_objs)
echo "# before: ${mem0} KiB of slab and vmalloc, ${objs0:-0} session objects"

start=$(date +%s)
check "$n UDP sessions" fill 10000
echo "# filled in $(($(date +%s) - start)) s; $(slab_objs) session objects, $(mem_kib) KiB"
check_num "... each a slab object" "$(slab_objs)" -ge $n
# A dump the hash's resizing overtook is flagged and taken again by the
# tool; right after the fill the hash may still be growing (on the slow
# debug kernel for long enough that every try of the tool is overtaken).
dumped() {
	listed=$(in_ns router flowsess sessions proto udp | grep -c ' udp ')
	[ "$listed" -eq $n ]
}
check "a dump lists all $n" wait_for 120 dumped
echo "# listed $listed"

# Age out: the knob applies to every session at once, and with no packet
# coming the collector must find them all; but not the 10 flows that keep
# talking meanwhile (a datagram each every second, timeout 5 s). The
# collector kills at most 256 sessions a run, a millisecond apart, so a
# mass expiry is spread over many runs; the test looks every 2 s, not to
# steal their CPU.
rm -f /tmp/keep.stop
while [ ! -e /tmp/keep.stop ]; do
	in_ns client udpflood "$SERVER4" 60000 1 1 10 >/dev/null
	sleep 1
done &
keep=$!
all_kept() { [ "$(active)" -ge $((n + 10)) ]; }
few_left() { [ "$(active)" -le 10 ]; }
wait_for 10 all_kept
start=$(date +%s)
in_ns router flowsess set udp-timeout 5s
# slowly SECONDS COMMAND...: COMMAND succeeds within SECONDS, tried every 2 s.
slowly() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 2
	done
}
check "the collector ages them all out, with no packet to help" slowly 420 few_left
took=$(($(date +%s) - start))
kept=$(in_ns router flowsess sessions proto udp sport 60000 | grep -c ' udp ')
touch /tmp/keep.stop
wait $keep
in_ns router flowsess clear sport 60000 >/dev/null
echo "# aged out in $took s"
check_num "... but not the 10 flows that kept talking" "$kept" -eq 10
check_num "... every other one counted as idle" "$(flowsess_stat router invalidated_idle)" -eq $n
check "... and the memory came back" wait_for 30 settled "$mem0"
echo "# after: $(mem_kib) KiB, $(slab_objs) session objects"
in_ns router flowsess set udp-timeout 3600s
check "filled again" fill 20000
cleared=$(in_ns router flowsess clear all)
check "clear takes every session" [ "$cleared" = "cleared $n sessions" ]
check "... and the memory came back" wait_for 30 settled "$mem0"
echo "# after: $(mem_kib) KiB, $(slab_objs) session objects"
topology_down
check "rmmod" flowsess_unload
tap_done

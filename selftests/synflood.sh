#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A SYN flood of 2 000 000 distinct tuples against max-sessions 100 000
# (100 000 against 10 000 on the debug kernel): the table and its slab stay
# bounded, once full each new SYN evicts an unestablished session (the
# flood's own), and an established connection, never a candidate, keeps
# talking all through the flood.
. ./lib.sh

# The debug kernel floods slower than tcp-initial-timeout ages SYN_SENT
# sessions out, so there the table is smaller, to fill it.
limit=$(stress 100000 10000) flood=$(stress 2000000 100000)
plan 10
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set max-sessions $limit

in_ns server tcpecho server "$SERVER4" 7000 900 &
server_pid=$!
wait_for 5 listening server t 7000
in_ns client tcpecho client "$SERVER4" 7000 30 >/tmp/tcpecho.out &
client_pid=$!
established() { in_ns router flowsess sessions dport 7000 state established | grep -q ' tcp '; }
check "a connection is established before the flood" wait_for 10 established

# slab_objs: flowsess_session objects in use (the VM boots with slab_nomerge).
slab_objs() { awk '$1 == "flowsess_session" { print $2 }' /proc/slabinfo; }
stat() { flowsess_stat router "$1"; }
packets0=$(stat packets_ipv4) created0=$(stat sessions_created)
# To an address nobody answers for: the SYNs' sessions stay until they age.
in_ns client rawtcp "$CLIENT4" 10.0.2.99 1024 1 S 5 20 "$flood" &
flood_pid=$!
max_active=0 max_slab=0
while kill -0 $flood_pid 2>/dev/null; do
	a=$(flowsess_stat router sessions_active)
	o=$(slab_objs)
	[ "$a" -gt $max_active ] && max_active=$a
	[ "$o" -gt $max_slab ] && max_slab=$o
	sleep 0.5
done
wait $flood_pid
# The veth backlog drops part of the flood before the router sees it. Every
# SYN the router saw made a session or was counted as dropped (give or take
# the echo connection's few hundred packets); once the table was full, a
# new session took the place of an unestablished one, the flood's own
# (others aged out after tcp-initial-timeout).
packets=$(($(stat packets_ipv4) - packets0)) created=$(($(stat sessions_created) - created0))
evicted=$(stat evicted_unestablished) drops=$(stat drop_table_full)
echo "# most sessions seen: $max_active; most slab objects: $max_slab"
echo "# the router saw $packets packets, made $created sessions, evicted $evicted, dropped $drops"
# Sampled every 0.5 s while sessions also age out and are replaced: the
# sample may miss the last few; the evictions below prove it was full.
check_num "the table filled up to max-sessions (within 1 %)" \
	"$max_active" -ge $((limit - limit / 100))
check_num "... and never beyond" "$max_active" -le $limit
# The debug kernel's KASAN keeps freed objects in a quarantine, and its
# RCU grace periods are slow under the flood: there the slab says nothing
# of the table, so every session must instead be freed once the flood is
# over (the cache is destroyed at rmmod, and is only destroyed empty).
if [ "$(stress stock debug)" = stock ]; then
	check_num "... and its slab stayed bounded" "$max_slab" -le $((limit + limit / 20))
else
	freed() { flowsess_unload && [ -z "$(grep '^flowsess_session ' /proc/slabinfo)" ]; }
	check "... and every session was freed after it (debug kernel)" freed
fi
check_num "every SYN made a session or was counted as dropped" \
	"$((created + drops))" -ge $((packets - 2000))
check_num "... once full, by evicting an unestablished one: a tenth of the flood or more" \
	"$evicted" -ge $((flood / 10))
wait $client_pid
out=$(cat /tmp/tcpecho.out)
echo "# $out" | tr '\n' ' '; echo
check "the established connection talked through the flood" \
	[ "$(echo "$out" | tail -n 1 | awk -F'[= ]' '$2 == $4 && $2 > 250 { print "ok" }')" = ok ]
kill $server_pid 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done

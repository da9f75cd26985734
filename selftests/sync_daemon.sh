#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The state sync daemon (flowsess sync, docs/sync.md): the router (master)
# and a spare namespace (backup) over a sync link of their own. The spare
# holds the router's sessions as they come, change and go, marked
# imported; a spare that starts late gets the whole table; a lossy link
# converges; nothing is sent back from a copy; and bad input, forged or
# malformed, is counted and dropped, never applied.
#
#   router r-sync 10.9.0.1 (and .3) --- 10.9.0.2 s-sync spare
. ./lib.sh

plan 52
# A role kept by an earlier test's daemons would be taken up at start.
rm -f /run/flowsess/sync-*.role
check "the module loads" flowsess_load
check "the topology comes up" topology_up
ip netns add spare
ip -n spare link set lo up
in_ns spare flowsess set pickup-period 0 udp-timeout 600 icmp-timeout 600
# sync_link: the router's side of the sync link and its knobs.
sync_link() {
	ip link add r-sync netns router type veth peer name s-sync netns spare
	ip -n router addr add 10.9.0.1/24 dev r-sync
	ip -n router addr add 10.9.0.3/24 dev r-sync
	ip -n spare addr add 10.9.0.2/24 dev s-sync
	ip -n router link set r-sync up
	ip -n spare link set s-sync up
	in_ns router flowsess set pickup-period 0 udp-timeout 600 icmp-timeout 600
}
sync_link
umask 077
echo "flowsess-selftest-key-0123456789" >/tmp/sync.key
umask 022

# status NS [KEY]: the daemon's status, or one value of it.
status() {
	if [ $# -eq 1 ]; then
		in_ns "$1" flowsess -n "$1" sync status
	else
		in_ns "$1" flowsess -n "$1" sync status | awk -v k="$2" '$1 == k { print $2 }'
	fi
}
start_router() {	# [REFRESH]
	in_ns router flowsess -n router sync run peer 10.9.0.2 local 10.9.0.1 key /tmp/sync.key \
		refresh "${1:-0}" role master 2>>/tmp/sync-router.log &
}
start_spare() {
	in_ns spare flowsess -n spare sync run peer 10.9.0.1 local 10.9.0.2 key /tmp/sync.key \
		refresh 2 2>>/tmp/sync-spare.log &
}
# -n gives each daemon its own control socket: /run/flowsess/sync-NS.sock.
start_router
start_spare
check "both daemons answer" wait_for 5 eval 'status router >/dev/null && status spare >/dev/null'
check "... master and backup" [ "$(status router role) $(status spare role)" = "master backup" ]

# rows NS: its sessions as the table lists them, ids and times aside.
rows() { in_ns "$1" flowsess sessions | awk 'NR > 1 { print $2, $3, $4, $7, $8 }' | sort; }
same() { [ "$(rows spare)" = "$(rows router)" ] && [ -n "$(rows router)" ]; }
# differ: on a failure, what differs (spare <, router >), the first lines.
differ() {
	rows spare >/tmp/rows.spare
	rows router >/tmp/rows.router
	diff /tmp/rows.spare /tmp/rows.router | grep '^[<>]' | head -5 | sed 's/^/#   /'
	echo "#   spare $(listed spare), router $(listed router) listed"
	return 1
}

in_ns server tcpecho server "$SERVER4" 8080 600 &
in_ns server tcpecho server "$SERVER4" 8081 600 &
in_ns server udpecho server "$SERVER4" 5353 &
wait_for 5 listening server t 8081 && wait_for 5 listening server u 5353
in_ns client tcpecho client "$SERVER4" 8080 8 >/dev/null &
in_ns client udpecho client "$SERVER4" 5353 1 >/dev/null
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
check "the spare holds the router's sessions: tuples, states, replied" wait_for 5 same
rows router | sed 's/^/#   /'
# count NS PATTERN: how often the JSON of NS's sessions has PATTERN.
count() { in_ns "$1" flowsess -j sessions | grep -o "$2" | wc -l; }
check "... every one marked imported there, none on the router" \
	[ "$(count spare '"imported":true')" -eq "$(count spare '"family"')" -a \
	  "$(count spare '"family"')" -ge 3 -a "$(count router '"imported":true')" -eq 0 ]
check_num "... and nothing came back: the router imported nothing" \
	"$(flowsess_stat router sessions_imported)" -eq 0

# A connection's end ends its copy.
in_ns client tcpecho client "$SERVER4" 8081 100 >/dev/null &
on_spare() { in_ns spare flowsess sessions dport "$1" state "${2:-established}" | grep -q ' tcp '; }
check "a second connection reaches the spare, established" wait_for 5 on_spare 8081
in_ns router flowsess clear dport 8081 nopickup >/dev/null
gone() { ! in_ns spare flowsess sessions dport "$1" | grep -q ' tcp '; }
check "cleared on the router: gone from the spare" wait_for 5 gone 8081
check_num "... ended by its import (invalidated_sync)" "$(flowsess_stat spare invalidated_sync)" -ge 1
kill $(ip netns pids client) 2>/dev/null

# Both masters (split brain): a copy is never sent back. The spare, master,
# sends its table every 2 s (refresh 2): the router, master, takes none
# of the copies in it, nor an end.
in_ns spare flowsess -n spare sync master >/dev/null
in_ns client udpecho client "$SERVER4" 5353 1 >/dev/null
check "with both masters, a new session reaches the spare" wait_for 5 same
tables0=$(status spare resyncs_sent)
check "... the spare sends its table" wait_for 10 eval '[ "$(status spare resyncs_sent)" -gt "$tables0" ]'
check "... which the router receives" wait_for 5 eval '[ "$(status router received)" -gt 0 ]'
check_num "... and no copy comes back to the router" "$(flowsess_stat router sessions_imported)" -eq 0
# The spare clears its copies of the UDP flows: their ends reach the
# router, master, which takes none of them.
udp_rows() { in_ns "$1" flowsess sessions proto udp | grep -c ' udp '; }
udp0=$(udp_rows router) ends0=$(status router not_taken)
in_ns spare flowsess clear proto udp nopickup >/dev/null
check "... nor does the router take an end from the spare: its clear of $udp0 UDP copies" \
	eval 'wait_for 5 eval "[ \$(status router not_taken) -ge $((ends0 + udp0)) ]" &&
	      [ "$(udp_rows spare)" -eq 0 ] && [ "$udp0" -ge 1 ] &&
	      [ "$(udp_rows router)" -eq "$udp0" ] &&
	      [ "$(flowsess_stat router invalidated_sync)" -eq 0 ]'
check "the spare is backup again" in_ns spare flowsess -n spare sync backup

# A spare that starts late: the whole table, asked for at its start.
kill $(ip netns pids spare) 2>/dev/null
wait_for 5 eval '! status spare >/dev/null 2>&1'
in_ns spare flowsess clear all nopickup >/dev/null
in_ns client udpflood "$SERVER4" 20000 100 6000 20 >/dev/null
check_num "the router holds 2000 more sessions" "$(flowsess_stat router sessions_active)" -ge 2000
bytes0=$(status router sent_bytes)
start_spare
# As many sessions listed: sessions_active counts too those that expired and
# wait for the collector, which may come later on one side than the other.
listed() { in_ns "$1" flowsess sessions | wc -l; }
counted() { [ "$(listed spare)" -eq "$(listed router)" ]; }
check "a spare started late gets the whole table" eval 'wait_for 30 counted || differ'
check "... to its end (resyncs_received)" wait_for 5 eval '[ "$(status spare resyncs_received)" -ge 1 ]'
echo "# $(($(listed router) - 1)) sessions in $(status spare last_table_ms) ms," \
	"$(( $(status router sent_bytes) - bytes0 )) bytes sent"
check "... the same sessions" eval 'same || differ'

# The rate and the refresh: the router's daemon again, at 100 kB/s, with a
# table every 3 s. The spare sees a new instance and asks for the table:
# 225 kB, so 2 s at least (10M, the default, sent it in half a second).
# While it is down, 20 sessions are cleared on the router: their ends are
# never sent. The whole table does not list them, so the spare ends its
# copies (swept) instead of keeping them until they time out.
kill $(ip netns pids router)
wait_for 5 eval '! status router >/dev/null 2>&1'
resyncs0=$(status spare resyncs_received) swept0=$(status spare swept)
in_ns router flowsess clear sport 20000 nopickup >/dev/null
in_ns router flowsess -n router sync run peer 10.9.0.2 local 10.9.0.1 key /tmp/sync.key \
	rate 100k refresh 3 role master 2>>/tmp/sync-router.log &
check "a router's daemon restarted: the spare asks for its table and gets it" \
	wait_for 30 eval '[ "$(status spare resyncs_received)" -gt "$resyncs0" ]'
check_num "... and ends the copies it does not list: the 20 cleared meanwhile" \
	"$(( $(status spare swept) - swept0 ))" -ge 20
check_num "... gone from the spare" "$(in_ns spare flowsess sessions sport 20000 | grep -c ' udp ')" -eq 0
ms=$(status spare last_table_ms)
echo "# a table of $(($(listed router) - 1)) sessions at 100 kB/s: $ms ms"
check_num "... at 100 kB/s, in 2 s or more" "$ms" -ge 2000
sent0=$(status router resyncs_sent)
check "... and, refresh 3, two tables more within 10 s" \
	wait_for 10 eval '[ "$(status router resyncs_sent)" -ge $((sent0 + 2)) ]'
kill $(ip netns pids router)
wait_for 5 eval '! status router >/dev/null 2>&1'
# The debug kernel takes some 10 s to import a table of 3000 (a request
# each): a table every 2 s would keep the spare from all else.
start_router "$(stress 2 15)"
wait_for 5 eval 'status router >/dev/null'

# A lossy link: a third of the messages, NACKs and RESYNCs lost, each way.
# The router sends its table every 2 s (not every one comes whole: 3 in
# 10 s were seen): the spare sweeps at the end of each it gets whole (its
# gaps filled by messages sent again), and must end nothing, whatever was
# lost and sent again in it. On the debug kernel, every 15 s, and one
# whole table is enough.
modload sch_netem
tc -n router qdisc add dev r-sync root netem loss 30%
tc -n spare qdisc add dev s-sync root netem loss 30%
lost0=$(status spare lost) retx0=$(status router retransmitted) swept0=$(status spare swept)
tables0=$(status spare tables_received)
in_ns client udpflood "$SERVER4" 30000 100 7000 10 >/dev/null
check "over a lossy link, the spare converges" eval 'wait_for 60 counted || differ'
echo "# lossy: $(( $(status router retransmitted) - retx0 )) sent again," \
	"$(( $(status spare lost) - lost0 )) given up, $(status spare resyncs) tables asked"
check_num "... the loss was felt: messages sent again" \
	"$(( $(status router retransmitted) - retx0 ))" -gt 0
check "... the same sessions" eval 'same || differ'
# No session ended meanwhile: a table with a gap given up in it must not
# end the copies its lost messages listed.
tables=$(stress 3 1)
wait_for "$(stress 30 90)" eval '[ "$(status spare tables_received)" -ge $((tables0 + tables)) ]'
echo "# $(( $(status spare tables_received) - tables0 )) tables received whole over the lossy link"
check "... and no copy was swept, at the end of $tables whole tables or more" \
	eval '[ "$(status spare swept)" -eq "$swept0" ] &&
	      [ "$(status spare tables_received)" -ge $((tables0 + tables)) ] ||
	      { { status spare; status router; } | sed "s/^/#   /" | grep -v " 0$"; false; }'
tc -n router qdisc del dev r-sync root
tc -n spare qdisc del dev s-sync root
# No refresh again: what follows counts the tables asked for.
kill $(ip netns pids router)
wait_for 5 eval '! status router >/dev/null 2>&1'
start_router
wait_for 5 eval 'status router >/dev/null'

# Forgeries: without the key, from the router's own address. First the
# spare settles: no gap open, no table asked for and not come.
settled() { status spare | grep -q '^peer 10.9.0.1$'; }
check "after the loss, the spare settles" wait_for 60 settled
auth0=$(status spare auth_failed) mal0=$(status spare malformed) resyncs0=$(status spare resyncs)
out=$(in_ns router syncfuzz 10.9.0.1 10.9.0.2 3785 500 1)
echo "# $out"
dropped() { [ $(( $(status spare auth_failed) + $(status spare malformed) - auth0 - mal0 )) -eq 500 ]; }
check "500 unsealed messages from the peer's address: every one dropped" wait_for 10 dropped
# Framing first (magic, length), then the MAC: the 200 framed right fail it.
check_num "... the 200 framed right as not sealed" "$(( $(status spare auth_failed) - auth0 ))" -eq 200
check_num "... and none disturbed the sync: no table asked for" "$(status spare resyncs)" -eq "$resyncs0"
refused0=$(status spare refused)
in_ns router syncfuzz 10.9.0.3 10.9.0.2 3785 100 2 >/dev/null
check "100 from an address that is no peer: refused" \
	wait_for 10 eval '[ $(( $(status spare refused) - refused0 )) -eq 100 ]'

# Malformed, to a daemon without a key (its own port and control socket).
in_ns spare flowsess sync run peer 10.9.0.1 local 10.9.0.2 port 3786 refresh 0 \
	control /run/flowsess/fuzz.sock 2>/tmp/sync-fuzz.log &
fz() { in_ns spare flowsess sync status control /run/flowsess/fuzz.sock | awk -v k="$1" '$1 == k { print $2 }'; }
wait_for 5 eval 'fz role >/dev/null'
out=$(in_ns router syncfuzz 10.9.0.1 10.9.0.2 3786 2000 3)
echo "# $out"
check "2000 bad messages: the malformed dropped" \
	wait_for 20 eval '[ "$(fz malformed)" -eq "$(kv malformed "$(echo "$out" | tr " " "\n")")" ]'
check "... the sessions no module takes refused by the module, each" \
	wait_for 20 eval '[ "$(fz import_errors)" -eq "$(kv refusable "$(echo "$out" | tr " " "\n")")" ]'
check_num "... none imported" "$(fz imported)" -eq 0
check "... and the daemon answers still" fz role
check "... and the spare holds only the router's sessions" eval 'same || differ'
kill $(ip netns pids spare) 2>/dev/null

# The sync goes on after it all.
start_spare
in_ns client udpecho client "$SERVER4" 5353 1 >/dev/null
in_ns client udpflood "$SERVER4" 40000 10 8000 1 >/dev/null
check "after it all, the spare follows the router again" eval 'wait_for 30 counted || differ'

# Events the module could not queue never reach the daemon's socket: the
# master reads the module's events_lost and sends its table, and the
# spare ends the copies it does not list. A new router namespace, its
# module queue one event long, no refresh.
kill $(ip netns pids router) $(ip netns pids spare) 2>/dev/null
wait_for 5 eval '! status router >/dev/null 2>&1 && ! status spare >/dev/null 2>&1'
ip -n spare link del s-sync
topology_down
check "event_queue_limit: 8192 by default; takes 1 to 262144, no more, no less" eval \
	'[ "$(cat /sys/module/flowsess/parameters/event_queue_limit)" = 8192 ] &&
	 flowsess_param event_queue_limit 1 && flowsess_param event_queue_limit 262144 &&
	 ! flowsess_param event_queue_limit 0 2>/dev/null &&
	 ! flowsess_param event_queue_limit 262145 2>/dev/null &&
	 [ "$(cat /sys/module/flowsess/parameters/event_queue_limit)" = 262144 ]'
flowsess_param event_queue_limit 1
topology_up
flowsess_param event_queue_limit 8192
sync_link
start_router
start_spare
# The spare ends its 3000 copies of the old router's sessions one request
# each: 10 s on the debug kernel.
check "a new router: the spare gets its table" \
	wait_for 60 eval '[ "$(status spare resyncs_received)" -ge 1 ]'
check "... which lists none of the old router's copies: all ended" \
	eval '[ -z "$(rows spare)" ] || differ'
in_ns client udpflood "$SERVER4" 50000 100 9000 10 >/dev/null
check "its 1000 new sessions reach the spare" eval 'wait_for 30 counted || differ'
# A clear walks the hash 64 buckets at a time under rcu_read_lock(), with
# no chance for the queue's worker (queued on that CPU) to run between
# the ends it reports there, on kernels without forced preemption (the
# debug kernel; Debian's, by default): most of them are lost.
mlost0=$(flowsess_stat router events_lost) tables0=$(status router resyncs_sent)
dlost0=$(status router events_lost) swept0=$(status spare swept)
in_ns router flowsess clear proto udp >/dev/null
echo "# the module lost $(( $(flowsess_stat router events_lost) - mlost0 )) of 1000 ends"
check_num "cleared on the router: its module, its queue full, lost their ends" \
	"$(( $(flowsess_stat router events_lost) - mlost0 ))" -gt 0
check "... its daemon counts them (events_lost), and sends its table" wait_for 5 eval \
	'[ "$(status router events_lost)" -gt "$dlost0" ] && [ "$(status router resyncs_sent)" -gt "$tables0" ]'
check "... which ends the spare's copies of them all the same" \
	eval 'wait_for 30 eval "[ -z \"\$(rows spare)\" ]" || differ'
check_num "... as copies no whole table listed (swept)" "$(( $(status spare swept) - swept0 ))" -gt 0

# SIGTERM ends a daemon cleanly, its control socket gone.
pid=$(ip netns pids spare)
kill $pid
check "SIGTERM: the daemon ends" wait_for 5 eval '! kill -0 '"$pid"' 2>/dev/null'
check "... its control socket gone" [ ! -e /run/flowsess/sync-spare.sock ]
check_num "no daemon said more than it should" \
	"$(grep -vc 'master\|backup\|peer' /tmp/sync-router.log /tmp/sync-spare.log | awk -F: '{ n += $2 } END { print n }')" -eq 0
cat /tmp/sync-router.log /tmp/sync-spare.log | sed 's/^/#   /'
kill $(ip netns pids router) 2>/dev/null
topology_down
ip netns del spare
check "rmmod" flowsess_unload
tap_done

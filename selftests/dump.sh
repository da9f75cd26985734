#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A dump of 100 000 sessions (20 000 on the debug kernel) returns exactly
# those, each once, while other sessions come and go; a dump that a resize of the hash overtakes is
# flagged (NLM_F_DUMP_INTR), so the tool dumps again.
. ./lib.sh

# flood SPORT NSPORT NDPORT: sessions from the client's ports SPORT.. to the
# server's ports 1..NDPORT; sent again until the router holds them all (a
# busy backlog may drop a datagram before it reaches the router).
flood() {
	local want=$(($2 * $3)) try
	for try in 1 2 3; do
		in_ns client udpflood "$SERVER4" "$1" "$2" 1 "$3" >/dev/null
		[ "$(flowsess_stat router sessions_active)" -ge "$want" ] && return 0
	done
	return 1
}

# churn_start, churn_stop: sessions from port 30000 created and cleared,
# round after round, in the background; churn_stop returns once the round
# under way is over, so the table holds still from then on.
churn_start() {
	rm -f /tmp/churn.stop
	while [ ! -e /tmp/churn.stop ]; do
		in_ns client udpflood "$SERVER4" 30000 1 1 300 >/dev/null
		in_ns router flowsess clear sport 30000 >/dev/null
	done &
	churn_pid=$!
}
churn_stop() {
	touch /tmp/churn.stop
	wait $churn_pid
}
# churning N: more than N sessions were ever created (the churn is under way).
churning() { [ "$(flowsess_stat router sessions_created)" -gt "$1" ]; }

# exact FILE SPORT NSPORT NDPORT: FILE lists every session of the flood once.
exact() {
	local n u
	n=$(awk -v lo="$2" -v hi="$(($2 + $3))" 'NR > 1 { split($3, a, ":");
		if (a[2] >= lo && a[2] < hi) print a[2], $4 }' "$1" | tee /tmp/pairs | wc -l)
	u=$(sort -u /tmp/pairs | wc -l)
	echo "# $n sessions listed, $u distinct, $(($3 * $4)) expected"
	[ "$n" -eq $(($3 * $4)) ] && [ "$u" -eq "$n" ]
}

PER_PORT=$(stress 50000 5000)
TOTAL=$((PER_PORT * 2))
plan 14
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set udp-timeout 3600
check "$TOTAL UDP sessions" flood 20000 2 $PER_PORT
check_num "... all in the table" "$(flowsess_stat router sessions_active)" -eq $TOTAL

created=$(flowsess_stat router sessions_created)
churn_start
wait_for 10 churning "$created"
in_ns router flowsess sessions proto udp >/tmp/dump.txt 2>/tmp/dump.err
check "the dump under churn succeeds" [ $? -eq 0 ]
churn_stop
check "... and lists the $TOTAL, each once" exact /tmp/dump.txt 20000 2 $PER_PORT
# 100 000 sessions are more than the tool holds back (65 536): this
# listing is printed as it arrives, and must still be one JSON array (on
# the debug kernel it is held back: the tool is the same everywhere).
in_ns router flowsess -j sessions proto udp >/tmp/dump.json 2>/tmp/dump.err
json_rc=$?
# (A command substitution drops the last newline: "}]" is the array's end.)
check "JSON lists them too, streamed: one array, every session once" \
	eval '[ $json_rc -eq 0 ] && [ "$(head -c 2 /tmp/dump.json)" = "[{" ] &&
		[ "$(tail -c 3 /tmp/dump.json)" = "}]" ] &&
		[ "$(grep -o "\"dport\"" /tmp/dump.json | wc -l)" -eq $TOTAL ] &&
		[ "$(grep -o "},{" /tmp/dump.json | wc -l)" -eq $((TOTAL - 1)) ]'
check "clear sport 20001" [ "$(in_ns router flowsess clear sport 20001)" = "cleared $PER_PORT sessions" ]
topology_down
flowsess_unload

# The hash resizes itself with the number of sessions. A dump that a
# resize overtakes is flagged: 10 000 sessions, a dump paused after its
# first batch while 30 000 more make the table grow, then read on.
check "the module loads" flowsess_load
topology_up
in_ns router flowsess set udp-timeout 3600
check "10 000 UDP sessions" flood 20000 1 10000
in_ns router flowsess sessions >/tmp/dump.txt 2>/tmp/dump.err
one_try() { exact /tmp/dump.txt 20000 1 10000 && [ ! -s /tmp/dump.err ]; }
check "no churn: the 10 000, each once, in one try" one_try

# paused_dump FILL: a raw dump of everything, paused after its first batch
# while FILL runs; prints nlraw's answer.
paused_dump() {
	rm -f /tmp/pause.paused /tmp/pause.go
	in_ns router nlraw -p /tmp/pause dump_all >/tmp/paused.out &
	wait_for 10 [ -e /tmp/pause.paused ] || echo "# the dump never paused"
	"$@"
	touch /tmp/pause.go
	wait $!
	cat /tmp/paused.out
}
answer=$(paused_dump true)
echo "# still table: $answer"
check "a paused dump of a still table: every session, not flagged" \
	[ "$answer" = "errno=0 messages=10000 intr=0 extack=" ]
answer=$(paused_dump flood 40000 3 10000)
echo "# growing table: $answer"
check "a dump overtaken by a resize is flagged NLM_F_DUMP_INTR" \
	sh -c "echo '$answer' | grep -q '^errno=0 messages=[0-9]* intr=[1-9]'"
in_ns router flowsess sessions sport 20000 >/tmp/dump.txt 2>/tmp/dump.err
check "... and then the tool lists the 10 000 again, each once" one_try
topology_down
flowsess_unload
tap_done

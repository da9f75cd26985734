#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A dump of 100 000 sessions returns exactly those, each once, while other
# sessions come and go; with 16 hash buckets every bucket is split over
# several batches, and a bucket that changes meanwhile makes the kernel flag
# the dump (NLM_F_DUMP_INTR) and the tool dump again, until a dump is exact.
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
	n=$(awk -v lo="$2" -v hi="$(($2 + $3))" 'NR > 1 { split($2, a, ":");
		if (a[2] >= lo && a[2] < hi) print a[2], $3 }' "$1" | tee /tmp/pairs | wc -l)
	u=$(sort -u /tmp/pairs | wc -l)
	echo "# $n sessions listed, $u distinct, $(($3 * $4)) expected"
	[ "$n" -eq $(($3 * $4)) ] && [ "$u" -eq "$n" ]
}

plan 13
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set udp-timeout 3600
check "100 000 UDP sessions" flood 20000 2 50000
check_num "... all in the table" "$(flowsess_stat router sessions_active)" -eq 100000

created=$(flowsess_stat router sessions_created)
churn_start
wait_for 10 churning "$created"
in_ns router flowsess sessions proto udp >/tmp/dump.txt 2>/tmp/dump.err
check "the dump under churn succeeds" [ $? -eq 0 ]
churn_stop
check "... and lists the 100 000, each once" exact /tmp/dump.txt 20000 2 50000
check_num "JSON lists them too" \
	"$(in_ns router flowsess -j sessions sport 20001 | grep -o '"dport"' | wc -l)" -eq 50000
check "clear sport 20001" [ "$(in_ns router flowsess clear sport 20001)" = "cleared 50000 sessions" ]
topology_down
flowsess_unload

# 16 buckets: 20 000 sessions are about 2 500 per bucket, many batches each.
check "the module loads with 16 buckets" flowsess_load buckets=16
topology_up
in_ns router flowsess set udp-timeout 3600
check "20 000 UDP sessions" flood 20000 1 20000
in_ns router flowsess sessions >/tmp/dump.txt 2>/tmp/dump.err
one_try() { exact /tmp/dump.txt 20000 1 20000 && [ ! -s /tmp/dump.err ]; }
check "split buckets, no churn: the 20 000, each once, in one try" one_try

# Under churn the kernel flags the dump and the tool says so and dumps
# again. As soon as it says so, the tool is held still (SIGSTOP) until the
# churn is over: its next tries then find the table still, and one must
# list the 20 000 exactly. A run of the tool whose every try was flagged
# all the same is run again.
flagged=0 exact_after=0 wrong=0 runs=0
while [ $runs -lt 5 ] && [ $exact_after -eq 0 ] && [ $wrong -eq 0 ]; do
	runs=$((runs + 1))
	created=$(flowsess_stat router sessions_created)
	churn_start
	wait_for 10 churning "$created"
	rm -f /tmp/dump.rc /tmp/dump.pid /tmp/dump.err
	{
		in_ns router sh -c 'echo $$ >/tmp/dump.pid; exec flowsess sessions' \
			>/tmp/dump.txt 2>/tmp/dump.err
		echo $? >/tmp/dump.rc
	} &
	dump_pid=$!
	n=0	# the tool's first word on stderr, or its end; 60 s at most
	until [ -s /tmp/dump.err ] || [ -e /tmp/dump.rc ] || [ $n -ge 6000 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	tool=$(cat /tmp/dump.pid 2>/dev/null)
	[ -z "$tool" ] || kill -STOP "$tool" 2>/dev/null
	churn_stop
	[ -z "$tool" ] || kill -CONT "$tool" 2>/dev/null
	wait $dump_pid
	rc=$(cat /tmp/dump.rc)
	echo "# run $runs: rc $rc"
	sed 's/^/# /' /tmp/dump.err | sort | uniq -c
	if grep -q "the table changed during the dump, dumping again" /tmp/dump.err; then
		flagged=$((flagged + 1))
		if [ "$rc" = 0 ]; then
			if exact /tmp/dump.txt 20000 1 20000; then exact_after=1; else wrong=1; fi
		fi
	elif [ "$rc" = 0 ]; then
		# Never flagged: it must be exact all the same.
		exact /tmp/dump.txt 20000 1 20000 || wrong=1
	fi
	# A failure other than "the table kept changing" is wrong too.
	[ "$rc" = 0 ] || grep -q "the table kept changing" /tmp/dump.err || wrong=1
done
check "split buckets under churn: the kernel flags the dump, the tool dumps again" \
	[ $flagged -gt 0 ]
check "... and once the churn stops, lists the 20 000, each once" \
	[ $exact_after -eq 1 -a $wrong -eq 0 ]
topology_down
flowsess_unload
tap_done

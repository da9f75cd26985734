#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A dump of 100 000 sessions returns exactly those, each once, while other
# sessions come and go; with 16 hash buckets every bucket is split over
# several batches, and a bucket that changes meanwhile makes the kernel flag
# the dump (NLM_F_DUMP_INTR) and the tool dump again.
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

# churn: sessions from port 30000 created and cleared until killed.
churn() {
	while :; do
		in_ns client udpflood "$SERVER4" 30000 1 1 300 >/dev/null
		in_ns router flowsess clear sport 30000 >/dev/null
	done
}

# exact FILE SPORT NSPORT NDPORT: FILE lists every session of the flood once.
exact() {
	local n u
	n=$(awk -v lo="$2" -v hi="$(($2 + $3))" 'NR > 1 { split($2, a, ":");
		if (a[2] >= lo && a[2] < hi) print a[2], $3 }' "$1" | tee /tmp/pairs | wc -l)
	u=$(sort -u /tmp/pairs | wc -l)
	echo "# $n sessions listed, $u distinct, $(($3 * $4)) expected"
	[ "$n" -eq $(($3 * $4)) ] && [ "$u" -eq "$n" ]
}

plan 12
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set udp-timeout 3600
check "100 000 UDP sessions" flood 20000 2 50000
check_num "... all in the table" "$(flowsess_stat router sessions_active)" -eq 100000

churn &
churn_pid=$!
in_ns router flowsess sessions proto udp >/tmp/dump.txt 2>/tmp/dump.err
check "the dump under churn succeeds" [ $? -eq 0 ]
kill $churn_pid
wait $churn_pid 2>/dev/null
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
churn &
churn_pid=$!
in_ns router flowsess sessions >/tmp/dump.txt 2>/tmp/dump.err
rc=$?
kill $churn_pid
wait $churn_pid 2>/dev/null
sed 's/^/# /' /tmp/dump.err | sort | uniq -c
intr_ok() {
	if [ $rc -eq 0 ]; then
		exact /tmp/dump.txt 20000 1 20000
	else
		grep -q "the table kept changing" /tmp/dump.err
	fi
}
check "split buckets under churn: exact, or the tool says the table kept changing" intr_ok
topology_down
flowsess_unload
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# flowsess sessions and flowsess clear, end to end: one session of each
# kind, its columns, every filter, the summary (from the gauges, and from
# a dump), JSON and -p, /proc/net/stat/flowsess read by lnstat, -n NETNS,
# CAP_NET_ADMIN, and namespaces that never see each other's sessions.
. ./lib.sh

plan 59
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set udp-timeout 3600 icmp-timeout 3600

# An established TCP connection that keeps talking, UDP over both
# families, a ping.
# Talks until the end of the test (a debug kernel makes it slow).
in_ns server tcpecho server "$SERVER4" 8080 600 &
tcp_server=$!
in_ns server udpecho server "$SERVER4" 5353 &
in_ns server udpecho server "$SERVER6" 5353 &
wait_for 5 listening server t 8080
wait_for 5 listening server u 5353 2
in_ns client tcpecho client "$SERVER4" 8080 600 >/dev/null &
tcp_client=$!
in_ns client udpecho client "$SERVER4" 5353 1 >/dev/null
in_ns client udpecho client "$SERVER6" 5353 1 >/dev/null
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null

sessions() { in_ns router flowsess sessions "$@"; }
# rows FILTER...: how many sessions the filter lists (the header aside).
rows() { sessions "$@" | awk 'NR > 1' | wc -l; }
established() { sessions state established | grep -q " tcp .* 10.0.2.2:8080 .* established "; }
check "the TCP connection is listed as established" wait_for 5 established

out=$(sessions)
echo "$out" | sed 's/^/# /'
check "the header" [ "$(echo "$out" | head -n 1)" = \
	"$(echo ID PROTO SOURCE DESTINATION IN OUT STATE REPLIED AGE IDLE EXPIRES PACKETS BYTES |
		awk '{ printf "%-10s %-7s %-24s %-24s %-8s %-8s %-12s %-7s %6s %6s %7s %-13s %s\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }')" ]
# column N: the Nth column of every session's row.
column() { echo "$out" | awk -v n="$1" 'NR > 1 { print $n }' | sort -u | tr '\n' ' '; }
check "every session came in by r0 and went out by r1" \
	[ "$(column 5)" = "r0 " -a "$(column 6)" = "r1 " ]
check "... every one replied; no accounting: - for packets and bytes" \
	[ "$(column 8)" = "yes " -a "$(column 12)" = "- " -a "$(column 13)" = "- " ]
check "... ids, all different" [ "$(echo "$out" | awk 'NR > 1 && $1 > 0 { print $1 }' | sort -u | wc -l)" -eq 4 ]
# ages in whole seconds (as the kernel counts them) and idle times: under
# a minute, and the idle no longer than the age (to its second).
check "... their age and idle time" \
	[ -z "$(echo "$out" | awk 'NR > 1 && !($9 ~ /^[0-9]+s$/ && $10 ~ /s$/ && $9 + 0 < 60 && $10 + 0 <= $9 + 1)')" ]
check_num "four sessions" "$(echo "$out" | awk 'NR > 1' | wc -l)" -eq 4
check "UDP over IPv6 with its ports" \
	sh -c "echo '$out' | grep -q ' udp  *\[fd00:1::2\]:[0-9]*  *\[fd00:2::2\]:5353  *r0  *r1  *-  *yes '"
check "ICMP with its echo id" sh -c "echo '$out' | grep -q ' icmp  *10.0.1.2  *10.0.2.2  *r0  *r1  *id=[0-9]'"
check_num "filter proto udp" "$(rows proto udp)" -eq 2
check_num "filter family inet6" "$(rows family inet6)" -eq 1
check_num "filter src 10.0.1.0/24" "$(rows src 10.0.1.0/24)" -eq 3
check_num "filter dst fd00:2::/64" "$(rows dst fd00:2::/64)" -eq 1
check_num "filter dport 8080 and proto tcp" "$(rows dport 8080 proto tcp)" -eq 1
check_num "filter src 10.0.9.0/24: nothing" "$(rows src 10.0.9.0/24)" -eq 0
sport=$(sessions proto tcp | awk 'NR == 2 { n = split($3, a, ":"); print a[n] }')
check_num "filter sport $sport" "$(rows sport "$sport")" -eq 1
# Filters of either direction, the interfaces, replied; all four replied.
check_num "filter port 8080 (its destination), port $sport (its source)" \
	"$(($(rows port 8080) + $(rows port "$sport")))" -eq 2
check_num "filter addr 10.0.2.2: a source or a destination" "$(rows addr 10.0.2.2)" -eq 3
check_num "filter iif r0, the client's side: all four" "$(rows iif r0)" -eq 4
check_num "filter oif r0: none" "$(rows oif r0)" -eq 0
check_num "filter replied yes: all four" "$(rows replied yes)" -eq 4
check_num "filter replied no: none" "$(rows replied no)" -eq 0
err=$(sessions iif nosuch0 2>&1)
check "an interface that is not there is a usage error" \
	[ $? -eq 2 -a -n "$(echo "$err" | grep '^flowsess: bad iif "nosuch0"')" ]
# prints PATTERN FLOWSESS-ARGS...: the router's flowsess output matches.
prints() {
	local pattern=$1
	shift
	in_ns router flowsess "$@" | grep -q "$pattern"
}
# A one-way flow: not replied; then one session by its id, listed, cleared.
in_ns client udpflood "$SERVER4" 41000 1 9 1 >/dev/null
check_num "a one-way flow: replied no" "$(rows replied no)" -eq 1
check "... its row says so" eval 'sessions replied no | awk "NR == 2 { ok = \$8 == \"no\" } END { exit !ok }"'
id=$(in_ns router flowsess -j sessions sport 41000 | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
check_num "... its id" "${id:-0}" -gt 0
check "... sessions id $id lists it alone" \
	eval '[ "$(rows id "$id")" -eq 1 ] && sessions id "$id" | grep -q ":41000 "'
check "... clear id $id clears it alone" \
	[ "$(in_ns router flowsess clear id "$id" nopickup)" = "cleared 1 session" ]
check "summary" prints '^total  *4$' sessions summary
check "summary as JSON" prints '^{"total":4,' -j sessions summary
# The gauges' summary and a dump's: the same four sessions, the same lines.
check "... from the gauges, as a dump counts them (replied yes: every session)" \
	[ "$(sessions summary)" = "$(sessions replied yes summary)" ]
check "... icmp 1, tcp established 1, udp 2" \
	[ "$(sessions summary | awk 'NR > 1 { printf "%s %s %s,", $1, $2, $3 }')" = \
		"icmp - 1,tcp established 1,udp - 2,total 4 ," ]
check "... without CAP_NET_ADMIN too (no dump)" \
	[ "$(in_ns router runas 65534 flowsess sessions summary)" = "$(sessions summary)" ]
check "-p: pretty JSON" prints '^        "dport": 8080,$' -p sessions proto tcp
check "... a session object per element" \
	[ "$(in_ns router flowsess -p sessions | grep -c '^    {$')" -eq 4 ]
# /proc/net/stat/flowsess: the namespace's counters, for lnstat.
procstat() { in_ns router cat /proc/net/stat/flowsess; }
# proc_sum NAME: NAME's column, its hexadecimal values summed over the CPU lines.
proc_sum() {
	local c v sum=0
	c=$(procstat | awk -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) print i }')
	[ -n "$c" ] || { echo -1; return; }
	for v in $(procstat | awk -v c="$c" 'NR > 1 { print $c }'); do
		sum=$((sum + 0x$v))
	done
	echo $sum
}
check "/proc/net/stat/flowsess: sessions_active first, 32 columns" \
	[ "$(procstat | awk 'NR == 1 { print $1, NF }')" = "sessions_active 32" ]
check_num "... a line per possible CPU" "$(procstat | wc -l)" -eq \
	$(( $(awk -F- '{ print $NF }' /sys/devices/system/cpu/possible) + 2 ))
check_num "... sessions_created as flowsess stats counts it" \
	"$(proc_sum sessions_created)" -eq "$(flowsess_stat router sessions_created)"
check_num "... sessions_active, 4, on the last line" \
	"$((0x$(procstat | awk 'END { print $1 }')))" -eq 4
lnstat_ok() {
	local out
	out=$(in_ns router /opt/iproute2/lnstat -f flowsess -k sessions_active,sessions_created -j -c 1)
	echo "# $out"
	echo "$out" | grep -q '"sessions_active":4,'
}
check "... lnstat -f flowsess reads it: 4 sessions active" lnstat_ok
# -n NETNS, as ip -n: the same answers as run inside the namespace.
check "flowsess -n router sessions summary: the router's" \
	[ "$(flowsess -n router sessions summary)" = "$(in_ns router flowsess sessions summary)" ]
check "... -n router show: its knobs (udp-timeout 3600s)" \
	eval 'flowsess -n router show | grep -q "^udp-timeout  *3600s$"'
prom() {
	local out active
	out=$(flowsess -n router stats -o prometheus) &&
	active=$(flowsess_stat router sessions_active) &&
	echo "$out" | grep -qx "flowsess_sessions_active{netns=\"router\"} $active" &&
	echo "$out" | grep -qx '# TYPE flowsess_sessions_created_total counter' &&
	echo "$out" | grep -q '^flowsess_packets_ipv4_total{netns="router"} [1-9]'
}
check "stats -o prometheus: the router's counters, labelled" prom
check "sessions as JSON" \
	prints '"dport":8080,"state":"established","replied":true,"imported":false,"expires_ms":' -j sessions proto tcp

err=$(sessions src 10.0.1.0/24 dst fd00::/64 2>&1)
check "a filter the kernel rejects: its extack text, exit 1" \
	[ $? -eq 1 -a "$err" = "flowsess: sessions: Invalid argument: address family mismatch" ]
sessions src 10.0.0.0/33 2>/dev/null
check "a malformed prefix is a usage error" [ $? -eq 2 ]

err=$(in_ns router runas 65534 flowsess sessions 2>&1)
check "without CAP_NET_ADMIN, sessions fails with EPERM" \
	[ $? -eq 1 -a -n "$(echo "$err" | grep 'Operation not permitted')" ]
err=$(in_ns router runas 65534 flowsess clear all 2>&1)
check "without CAP_NET_ADMIN, clear fails with EPERM" \
	[ $? -eq 1 -a -n "$(echo "$err" | grep 'Operation not permitted')" ]

check_num "the client namespace has no session" \
	"$(in_ns client flowsess sessions | awk 'NR > 1' | wc -l)" -eq 0
check "... and clearing it clears none of the router's" \
	[ "$(in_ns client flowsess clear all)" = "cleared 0 sessions" ]
err=$(in_ns router flowsess clear 2>&1)
check "a bare clear is refused, with what to say instead, exit 2" \
	[ $? -eq 2 -a "$err" = "flowsess: clear: say which sessions: all, or a filter" ]
# One flush so far: clear id, above.
check_num "... and clears nothing" "$(flowsess_stat router invalidated_flush)" -eq 1
check "clear proto udp" [ "$(in_ns router flowsess clear proto udp)" = "cleared 2 sessions" ]
check_num "... two sessions left" "$(rows)" -eq 2
check_num "... counted as invalidated_flush" "$(flowsess_stat router invalidated_flush)" -eq 3
check "clear all, as JSON" [ "$(in_ns router flowsess -j clear all)" = '{"cleared":2}' ]

kill $tcp_client $tcp_server 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done

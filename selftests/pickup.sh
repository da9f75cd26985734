#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Dropped into a live network, flowsess cuts no connection: two TCP streams
# (IPv4 and IPv6) run through the router across the module's load, across
# `flowsess clear all`, and across rmmod followed by insmod (an upgrade),
# and neither has a second without a byte. The pickup period after each
# picks their segments up, loosely tracked: each stream's scaled windows
# are never taken for out-of-window traffic. After the period the SRX rule
# holds again: a segment that is not a SYN, with no session, is dropped;
# so is every segment of a flow cleared with `nopickup`.
. ./lib.sh

plan 30
check "the topology comes up (no module yet)" topology_up

stat() { flowsess_stat router "$1"; }
pickup_closed() { [ "$(stat pickup_remaining_ms)" = 0 ]; }
clear_all() { in_ns router flowsess clear all "$@" >/dev/null; }
period() { in_ns router flowsess set pickup-period "$1" && wait_for 10 pickup_closed; }

# bg NS COMMAND...: COMMAND in namespace NS, as the background job itself
# (its $! is COMMAND's pid, so that kill reaches it).
bg() { exec /opt/iproute2/ip netns exec "$@"; }

# streams_start: a stream over IPv4 and one over IPv6, each server's
# report in $tmp/report4 and report6.
tmp=$(mktemp -d)
streams_start() {
	bg server tcpstream server "$SERVER4" 5001 >"$tmp/report4" &
	srv4=$!
	bg server tcpstream server "$SERVER6" 5002 >"$tmp/report6" &
	srv6=$!
	wait_for 5 listening server t 5001 && wait_for 5 listening server t 5002 || return 1
	bg client tcpstream client "$SERVER4" 5001 &
	cli4=$!
	bg client tcpstream client "$SERVER6" 5002 &
	cli6=$!
	wait_for 10 grep -q '^second=1 ' "$tmp/report4" &&
	wait_for 10 grep -q '^second=1 ' "$tmp/report6"
}
# streams_stop: the clients stop, and the servers end their reports.
streams_stop() {
	kill "$cli4" "$cli6"
	wait "$cli4" "$cli6" 2>/dev/null
	wait "$srv4" "$srv6"
}
seconds() { grep -c '^second=' "$1"; }
# two_more: both streams go on for two more whole seconds.
two_more() {
	local n4 n6
	n4=$(($(seconds "$tmp/report4") + 2)) n6=$(($(seconds "$tmp/report6") + 2))
	wait_for 20 eval '[ $(seconds $tmp/report4) -ge $n4 ] && [ $(seconds $tmp/report6) -ge $n6 ]'
}
# still: both reports are whole, and each second of them carried bytes.
still() {
	local f last
	for f in "$tmp/report4" "$tmp/report6"; do
		last=$(tail -n 1 "$f")
		echo "# ${f##*/}: $last"
		case "$last" in
		seconds=*) ;;
		*) return 1 ;;
		esac
		if [ "$(kv min "$(echo "$last" | tr ' ' '\n')")" = 0 ]; then
			grep -B1 -A1 'bytes=0$' "$f" | head -n 6 | sed 's/^/#   /'
			return 1
		fi
	done
}
# listed FILTER...: how many TCP sessions of the router FILTER selects.
listed() {
	in_ns router flowsess sessions proto tcp "$@" | awk 'NR > 1' | wc -l
}

check "two streams run through the router" streams_start
check "insmod under the streams" flowsess_load
check "... the streams go on for two seconds" two_more
check_num "... both picked up in mid-stream" "$(stat sessions_midstream)" -ge 2
check_num "... and the pickup period is open" "$(stat pickup_remaining_ms)" -gt 0
both_listed() {
	in_ns router flowsess sessions proto tcp state established >"$tmp/sessions" &&
	grep -q ':5001 ' "$tmp/sessions" && grep -q ':5002 ' "$tmp/sessions"
}
check "... each stream has an established session" both_listed

before=$(stat sessions_midstream)
check "flowsess clear all under the streams" clear_all
check "... the streams go on for two seconds" two_more
check_num "... picked up again" "$(stat sessions_midstream)" -ge $((before + 2))

check "rmmod under the streams" flowsess_unload
check "... and insmod again (an upgrade)" flowsess_load
check "... the streams go on for two seconds" two_more
check_num "... picked up by the new module" "$(stat sessions_midstream)" -ge 2
check_num "no stream segment was out of window" "$(stat drop_tcp_window)" -eq 0
check_num "... nor without a session" "$(stat drop_no_session)" -eq 0
check "the streams end" streams_stop
check "the IPv4 and IPv6 streams never stood still for a second" still

# The pickup period is over (5 s from the load, which was before that).
check "pickup-period 5 s: the period is over" period 5
dropped=$(stat drop_no_session)
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40000 80 A
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40000 80 PA 5 100
check_num "after it, an ACK with no session creates none (IPv4, IPv6)" "$(listed sport 40000)" -eq 0
check_num "... it is dropped" "$(stat drop_no_session)" -ge $((dropped + 2))

check "a clear with nopickup opens no period" \
	eval 'clear_all nopickup && pickup_closed'
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40001 80 A
check_num "... an ACK still creates no session" "$(listed sport 40001)" -eq 0
check "a clear opens the period again" eval 'clear_all && ! pickup_closed'
check "... which a longer pickup-period lengthens" in_ns router flowsess set pickup-period 600
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40002 80 A
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40002 80 A
check_num "... and ACKs create sessions in it (IPv4, IPv6)" "$(listed sport 40002)" -eq 2

# A stream cut by a clear with nopickup, after the period: the SRX's clear.
check "pickup-period 0 closes the period at once" period 0
check "a new pair of streams" streams_start
dropped=$(stat drop_no_session)
clear_all nopickup
# cut: both streams' segments dropped, no session made again, and a
# second without a byte at both servers.
cut() {
	[ "$(stat drop_no_session)" -ge $((dropped + 4)) ] &&
	[ "$(listed dport 5001)" -eq 0 ] && [ "$(listed dport 5002)" -eq 0 ] &&
	grep -q 'bytes=0$' "$tmp/report4" && grep -q 'bytes=0$' "$tmp/report6"
}
check "... cleared with nopickup: both stand still, their segments dropped" wait_for 10 cut
kill "$srv4" "$srv6" "$cli4" "$cli6"
wait "$srv4" "$srv6" "$cli4" "$cli6" 2>/dev/null

check "rmmod" flowsess_unload
topology_down
rm -rf "$tmp"
tap_done

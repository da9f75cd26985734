#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Dropped into a live network, flowsess cuts no connection: two TCP streams
# (IPv4 and IPv6, scaled windows) run through the router across the
# module's load, across `flowsess clear all`, and across rmmod followed by
# insmod (an upgrade); each time the pickup period picks them up in
# mid-stream, loosely tracked, nothing of theirs is dropped, and neither
# has a second without a byte. A changed pickup-period opens no period
# that has ended. After the period the SRX rule holds again: a segment
# that is not a SYN, with no session, is dropped; `clear ... nopickup`
# ends the period and cuts what it clears.
. ./lib.sh

plan 48
# insmod and rmmod under traffic: the hooks' static keys held (lib.sh).
check "empty nftables chains hold the hooks' static keys" hold_hook_keys
check "the topology comes up (no module yet)" topology_up

stat() { flowsess_stat router "$1"; }
pickup_closed() { [ "$(stat pickup_remaining_ms)" = 0 ]; }
clear_all() { in_ns router flowsess clear all "$@" >/dev/null; }
set_period() { in_ns router flowsess set pickup-period "$1"; }
# listed FILTER...: how many TCP sessions of the router FILTER selects.
listed() {
	in_ns router flowsess sessions proto tcp "$@" | awk 'NR > 1' | wc -l
}
# nothing_dropped: no stream segment dropped since the module loaded.
nothing_dropped() {
	local d
	for d in drop_no_session drop_tcp_window drop_tcp_state drop_rst_sequence; do
		[ "$(stat $d)" = 0 ] || { echo "# $d: $(stat $d)"; return 1; }
	done
}

# bg NS COMMAND...: COMMAND in namespace NS, as the background job itself
# (its $! is COMMAND's pid, so that kill reaches it).
bg() { exec /opt/iproute2/ip netns exec "$@"; }

# streams_start: a stream over IPv4 and one over IPv6, each server's
# report in $tmp/report4 and report6 (tcpstream: "second=N" as seconds
# pass, then "seconds=N min=B gap_ms=G").
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
	wait_for 10 grep -q '^second=1$' "$tmp/report4" &&
	wait_for 10 grep -q '^second=1$' "$tmp/report6"
}
# streams_end: the servers' reports; they end when the clients' FINs reach
# them, or (a cut connection) when told to.
streams_end() {
	local rc=0
	kill "$cli4" "$cli6"
	wait "$cli4" "$cli6" 2>/dev/null
	wait_for 10 grep -q '^seconds=' "$tmp/report4" || rc=1
	wait_for 10 grep -q '^seconds=' "$tmp/report6" || rc=1
	kill "$srv4" "$srv6" 2>/dev/null
	wait "$srv4" "$srv6" 2>/dev/null
	return $rc
}
seconds() { grep -c '^second=' "$1"; }
# two_more: two more whole seconds of both streams.
two_more() {
	local n4 n6
	n4=$(($(seconds "$tmp/report4") + 2)) n6=$(($(seconds "$tmp/report6") + 2))
	wait_for 20 eval '[ $(seconds $tmp/report4) -ge $n4 ] && [ $(seconds $tmp/report6) -ge $n6 ]'
}
# min_bytes FILE: the fewest bytes a whole second of the report had.
min_bytes() {
	echo "# ${1##*/}: $(tail -n 1 "$1")" >&2
	kv min "$(tail -n 1 "$1" | grep '^seconds=' | tr ' ' '\n')"
}

check "two streams run through the router" streams_start

check "insmod under the streams" flowsess_load
check "... the streams go on for two seconds" two_more
check_num "... both picked up in mid-stream" "$(stat sessions_midstream)" -ge 2
check_num "... in the pickup period" "$(stat pickup_remaining_ms)" -gt 0
# stream_sessions PORT: the sessions of a stream to the server's PORT; a
# pickup's original direction is the side seen first, either one.
stream_sessions() { echo $(($(listed dport "$1") + $(listed sport "$1"))); }
in_streams() { [ "$(stream_sessions 5001)" = 1 ] && [ "$(stream_sessions 5002)" = 1 ]; }
check "... each stream has one session" in_streams
check "... nothing of theirs dropped" nothing_dropped

check "pickup-period 1 s ends the period" eval 'set_period 1 && wait_for 5 pickup_closed'
check "pickup-period 60 s opens no period that has ended" \
	eval 'set_period 60 && pickup_closed'
before=$(stat sessions_midstream)
check "flowsess clear all under the streams opens it" eval 'clear_all && ! pickup_closed'
check "... the streams go on for two seconds" two_more
check_num "... picked up again" "$(stat sessions_midstream)" -ge $((before + 2))
check "... each stream has one session" in_streams
check "... nothing of theirs dropped" nothing_dropped

check "rmmod under the streams" flowsess_unload
check "... and insmod again (an upgrade)" flowsess_load
check "... the streams go on for two seconds" two_more
check_num "... picked up by the new module" "$(stat sessions_midstream)" -ge 2
check "... each stream has one session" in_streams
check "... nothing of theirs dropped" nothing_dropped
check "the streams end" streams_end
check_num "the IPv4 stream never stood still for a second" "$(min_bytes "$tmp/report4")" -gt 0
check_num "... nor did the IPv6 stream" "$(min_bytes "$tmp/report6")" -gt 0

# After the period: 5 s from the load, which was before that.
check "pickup-period 5 s: the period is over" eval 'set_period 5 && wait_for 10 pickup_closed'
dropped=$(stat drop_no_session)
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40000 80 A
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40000 80 PA 5 100
check_num "after it, an ACK with no session creates none (IPv4, IPv6)" "$(listed sport 40000)" -eq 0
check_num "... it is dropped" "$(stat drop_no_session)" -eq $((dropped + 2))

check "a clear with nopickup opens no period" eval 'clear_all nopickup && pickup_closed'
check "a clear that clears nothing opens none" eval 'clear_all && pickup_closed'
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40001 80 A
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40001 80 FA
check_num "... an ACK still creates no session" "$(listed sport 40001)" -eq 0
check_num "... it is dropped, and so is a FIN" "$(stat drop_no_session)" -eq $((dropped + 4))

# A clear that clears nothing opens nothing: give it a session to clear.
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
check "a clear opens the period again" eval 'clear_all && ! pickup_closed'
check "... which a longer pickup-period lengthens" set_period 600
check_num "... to 600 s" "$(stat pickup_remaining_ms)" -gt 590000
picked=$(stat sessions_midstream)
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40002 80 A
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40002 80 A
check_num "... and ACKs create sessions in it (IPv4, IPv6)" \
	"$(stat sessions_midstream)" -eq $((picked + 2))
check_num "... none dropped" "$(stat drop_no_session)" -eq $((dropped + 4))
# The end of a connection that was not picked up: in the period its FIN
# (with ACK) and RST pass, untracked, and make no session.
untracked=$(stat untracked)
in_ns client rawtcp "$CLIENT4" "$SERVER4" 40003 80 FA
in_ns client rawtcp "$CLIENT6" "$SERVER6" 40003 80 R
# ... and the server's RST, which answers the FIN (no such connection).
passed() { [ "$(stat untracked)" -ge $((untracked + 3)) ]; }
check "... a FIN and a RST of no session pass, untracked (and the RST answering it)" \
	wait_for 5 passed
check_num "... no more than those" "$(stat untracked)" -eq $((untracked + 3))
check_num "... and make no session" "$(listed sport 40003)" -eq 0

# clear ... nopickup in the period: it ends it, and cuts the streams.
check "a new pair of streams" streams_start
dropped=$(stat drop_no_session)
check "clear all nopickup in the period ends it" eval 'clear_all nopickup && pickup_closed'
cut() {
	[ "$(stat drop_no_session)" -ge $((dropped + 4)) ] &&
	[ "$(stream_sessions 5001)" = 0 ] && [ "$(stream_sessions 5002)" = 0 ]
}
check "... the streams' segments are dropped, no session made again" wait_for 10 cut
check "... for two seconds" two_more
kill -TERM "$srv4" "$srv6"
wait "$srv4" "$srv6"
kill "$cli4" "$cli6"
wait "$cli4" "$cli6" 2>/dev/null
check_num "... the IPv4 stream stood still" "$(min_bytes "$tmp/report4")" -eq 0
check_num "... and the IPv6 stream" "$(min_bytes "$tmp/report6")" -eq 0

check "rmmod" flowsess_unload
topology_down
check "the static keys let go" release_hook_keys
rm -rf "$tmp"
tap_done

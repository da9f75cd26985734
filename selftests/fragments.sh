#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fragmented flows: flowsess reassembles (nf_defrag) and tracks each
# datagram or segment whole. 4000-byte UDP datagrams, fragmented by their
# sender, in IPv4 and IPv6; IPv6 TCP whose sender fragments its 3000-byte
# segments (a raw socket's: tcpfrag6); and IPv4 TCP fragmented by a hop before the
# router (far sends without DF, the server's link to the router takes
# 1000-byte packets), whose ACKs of whole segments must pass the window
# check.
#
#   client ---- router ==== server ---- far
#                    MTU 1000 on the server's side of ====
. ./lib.sh

plan 17
check "the module loads" flowsess_load
check "the topology comes up" topology_up

counter() { flowsess_stat router "$1"; }
reassembled() { in_ns router awk '$1 == "Ip:" && !h { for (i = 1; i <= NF; i++) f[$i] = i; h = 1; next }
	$1 == "Ip:" { print $f["ReasmOKs"] }' /proc/net/snmp; }

in_ns server udpecho server "$SERVER4" 5353 60 &
pid4=$!
in_ns server udpecho server "$SERVER6" 5353 60 &
pid6=$!
wait_for 5 listening server u 5353 2
before=$(reassembled)
check "IPv4: 4000-byte UDP datagrams, fragmented, are echoed whole through the router" \
	in_ns client udpecho client "$SERVER4" 5353 5 0 4000
check "IPv6: the same" in_ns client udpecho client "$SERVER6" 5353 5 0 4000
check_num "... the router reassembled the IPv4 ones, both ways" \
	"$(( $(reassembled) - before ))" -ge 10
check_num "... one session per flow" "$(counter sessions_created)" -eq 2
check_num "... no fragment was refused, no header was bad" \
	"$(( $(counter drop_fragment) + $(counter drop_bad_header) ))" -eq 0
kill $pid4 $pid6 2>/dev/null

# IPv6 TCP: only a sender fragments IPv6, and Linux TCP never does. A
# hand-made connection does (tcpfrag6): its 3000-byte segments leave the
# client's 1500-byte link in three fragments each (1448, 1448 and 124
# bytes of TCP), and the router must let
# the server's acknowledgement of the whole segment through. The client's
# kernel, which has no socket for it, would answer the server with RSTs.
# nf_defrag's IPv6 reassembly counts nothing in snmp6: the client's
# fragments created tell that they were fragments.
fragmented6() { in_ns client awk '$1 == "Ip6FragCreates" { print $2 }' /proc/net/snmp6; }
in_ns server tcpbulk server "$SERVER6" 7003 &
pid=$!
wait_for 5 listening server t 7003
no_rsts() {
	modload nf_tables &&
	in_ns client nft add table ip6 tcpfrag6 &&
	in_ns client nft add chain ip6 tcpfrag6 out '{ type filter hook output priority 0; }' &&
	in_ns client nft add rule ip6 tcpfrag6 out tcp dport 7003 'tcp flags & rst == rst' drop
}
check "the client's kernel sends no RST to port 7003" no_rsts
before=$(fragmented6)
window_before=$(counter drop_tcp_window)
refused_before=$(( $(counter drop_fragment) + $(counter drop_bad_header) ))
check "IPv6: 3 TCP segments of 3000 bytes, fragmented by their sender, are acknowledged whole" \
	in_ns client tcpfrag6 "$CLIENT6" "$SERVER6" 40300 7003 3000 3
check_num "... sent in three fragments each" "$(( $(fragmented6) - before ))" -ge 9
check_num "... none refused, no header bad" \
	"$(( $(counter drop_fragment) + $(counter drop_bad_header) - refused_before ))" -eq 0
check_num "... and no segment was out of the window" \
	"$(( $(counter drop_tcp_window) - window_before ))" -eq 0
kill $pid 2>/dev/null
in_ns client nft delete table ip6 tcpfrag6

check "the far end comes up behind the server" far_up
# IPv4 only from here: below 1280, s0 loses its IPv6 addresses.
ip -n server link set s0 mtu 1000
in_ns far sysctl -qw net.ipv4.ip_no_pmtu_disc=1
in_ns client tcpbulk server "$CLIENT4" 7002 &
pid=$!
wait_for 5 listening client t 7002
before=$(reassembled)
window_before=$(counter drop_tcp_window)
check "IPv4: 2 MB of TCP fragmented before the router arrive whole" \
	in_ns far tcpbulk client "$CLIENT4" 7002 2000000
check_num "... in fragments the router reassembled" \
	"$(( $(reassembled) - before ))" -ge 1000
check_num "... and no segment was out of the window" \
	"$(( $(counter drop_tcp_window) - window_before ))" -eq 0
kill $pid 2>/dev/null
wait 2>/dev/null

topology_down
check "rmmod" flowsess_unload
tap_done

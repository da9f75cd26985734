#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ICMP errors as a firewall treats them: an error passes only when the
# packet it quotes belongs to a live session and it goes back to that
# packet's sender (icmp_related); others are dropped (drop_icmp_unrelated).
# Real errors: port unreachable for UDP, and Path MTU discovery for TCP
# through a smaller link beyond the router, in IPv4 and IPv6.
#
#   client ---- router ---- server ==== far
#                                 MTU 1280 on the server's side of ====
. ./lib.sh

plan 20
check "the module loads" flowsess_load
check "the topology comes up" topology_up

counter() { flowsess_stat router "$1"; }
# reaches NAME VALUE: the router's counter NAME comes to VALUE (the error
# may still be on its way when the sender returns).
reaches() { [ "$(counter "$1")" -ge "$2" ]; }

# The server's side of its link to far takes 1280-byte packets only, so
# that the server, not the router, answers a client's full-size segment
# with "fragmentation needed" / "packet too big". far's own MTU stays
# 1500: it offers the full MSS.
check "the far end comes up behind the server" far_up
ip -n server link set s1 mtu 1280

# Port unreachable: the client's datagram to a closed port opens a session;
# the server's error quotes it and must reach the client.
related=$(counter icmp_related)
check "IPv4: UDP to a closed port is refused (port unreachable passed)" \
	in_ns client icmperr refused "$SERVER4" 9999
check "IPv6: the same" in_ns client icmperr refused "$SERVER6" 9999
check_num "... both counted as related" "$(( $(counter icmp_related) - related ))" -ge 2
check_num "... and no error was dropped" "$(counter drop_icmp_unrelated)" -eq 0

# Path MTU discovery: 1 MB from the client to far, whose segments are too
# big for the server's link; the transfer completes only if the server's
# errors reach the client.
in_ns far tcpbulk server "$FAR4" 7001 &
pid4=$!
in_ns far tcpbulk server "$FAR6" 7001 &
pid6=$!
wait_for 5 listening far t 7001 2
related=$(counter icmp_related)
check "IPv4: TCP through the smaller link completes (fragmentation needed passed)" \
	in_ns client tcpbulk client "$FAR4" 7001 1000000
check "IPv6: the same (packet too big passed)" \
	in_ns client tcpbulk client "$FAR6" 7001 1000000
check_num "... the errors counted as related" "$(( $(counter icmp_related) - related ))" -ge 2
pmtu() { ip -n client -o route get "$1" | grep -q "mtu 1280"; }
check "... and the client learnt the path MTU, IPv4" pmtu "$FAR4"
check "... and IPv6" pmtu "$FAR6"
kill $pid4 $pid6 2>/dev/null

# Hand-made errors. One that quotes a live session's packet and goes to
# that packet's sender passes, in either direction of the session; one
# that quotes a packet of no session, goes to whoever did not send the
# quoted packet, or quotes an expired session's, is dropped. The sessions:
# datagrams to a closed port, whose real errors are let through first.
related=$(counter icmp_related)
in_ns client udpflood "$SERVER4" 41000 1 5999 1 >/dev/null
in_ns client udpflood "$SERVER6" 41000 1 5999 1 >/dev/null
wait_for 5 reaches icmp_related $((related + 2))
related=$(counter icmp_related)
dropped=$(counter drop_icmp_unrelated)
# expect NAME VALUE DESCRIPTION: after the errors just sent.
expect() {
	wait_for 5 reaches "$1" "$2"
	check_num "$3" "$(counter "$1")" -eq "$2"
}
in_ns server icmperr send "$CLIENT4" "$CLIENT4" "$SERVER4" udp 41000 5999
expect icmp_related $((related + 1)) "an error quoting a live session's packet passes"
in_ns client icmperr send "$SERVER4" "$SERVER4" "$CLIENT4" udp 5999 41000
expect icmp_related $((related + 2)) "... and one quoting its reply direction, back to the server"
in_ns server icmperr send "$CLIENT4" "$CLIENT4" "$SERVER4" udp 41001 5999
in_ns server icmperr send "$CLIENT6" "$CLIENT6" "$SERVER6" tcp 41000 80
expect drop_icmp_unrelated $((dropped + 2)) "errors quoting no session are dropped, IPv4 and IPv6"
in_ns server icmperr send "$CLIENT4" "$SERVER4" "$CLIENT4" udp 5999 41000
in_ns server icmperr send "$CLIENT6" "$SERVER6" "$CLIENT6" udp 5999 41000
expect drop_icmp_unrelated $((dropped + 4)) \
	"errors sent to who did not send the quoted packet are dropped, IPv4 and IPv6"
in_ns router flowsess set udp-timeout 1s
gone() { [ -z "$(in_ns router flowsess sessions proto udp sport 41000 | sed 1d)" ]; }
check "the sessions expire" wait_for 10 gone
in_ns server icmperr send "$CLIENT4" "$CLIENT4" "$SERVER4" udp 41000 5999
expect drop_icmp_unrelated $((dropped + 5)) "an error quoting an expired session's packet is dropped"
check_num "... and nothing more passed as related" "$(counter icmp_related)" -eq $((related + 2))

topology_down
check "rmmod" flowsess_unload
tap_done
